"""The control-room pages: list, declare, the emergency page's actions, the roll with htmx marks and the
printable roll; permissions and bad input on pages."""

import pytest
from django.urls import reverse

from oms.incidents.models import Emergency, RollEntry
from oms.incidents.services import emergencies as svc
from oms.incidents.services.emergency_roll import start_roll
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def emergency(sam_actor, prison_a, housed):
    return svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="Doors")


def test_list_and_declare(client, sam, prison_a, estate, memory_notifications):
    login_verified(client, sam)
    assert client.get(reverse("incidents:emergencies")).status_code == 200
    page = client.get(reverse("incidents:emergency_declare"))
    body = page.content.decode()
    assert page.status_code == 200 and "A-1" in body and "A-1-1-01" not in body  # units and wings to choose
    # the declaration form carries the facility the page shows (it was once always empty)
    assert f'<input type="hidden" name="facility" value="{prison_a.public_id}">' in body
    bad = client.post(reverse("incidents:emergency_declare"), {"facility": str(prison_a.public_id), "kind": "fire"})
    assert bad.status_code == 422 and "govuk-error-summary" in bad.content.decode()
    assert not Emergency.objects.exists()
    made = client.post(
        reverse("incidents:emergency_declare"),
        {
            "facility": str(prison_a.public_id),
            "kind": "fire",
            "instructions": "Evacuate B",
            "locations": [str(estate["B"].public_id)],
            "blocks_movements": "yes",
        },
    )
    emergency = Emergency.objects.get()
    assert made.status_code == 302 and str(emergency.public_id) in made["Location"]
    assert list(emergency.locations.all()) == [estate["B"]] and memory_notifications
    detail = client.get(made["Location"]).content.decode()
    assert "Fire" in detail and "Evacuate B" in detail and "B" in detail


def test_emergency_page_actions(client, sam, emergency, housed):
    login_verified(client, sam)
    url = reverse("incidents:emergency", args=[emergency.public_id])
    assert client.post(url, {"action": "log", "text": "Gate locked"}).status_code == 302
    bad = client.post(url, {"action": "exception", "person": "NOPE", "reason": "x"})
    assert bad.status_code == 422 and "govuk-error-summary" in bad.content.decode()
    ok = client.post(url, {"action": "exception", "person": housed["a1"].person.system_number, "reason": "Hospital"})
    assert ok.status_code == 302
    stale = client.post(url, {"action": "instructions", "instructions": "New", "version": 99})
    assert stale.status_code == 422 and "meanwhile" in stale.content.decode()
    assert client.post(url, {"action": "stand_down", "note": ""}).status_code == 302
    assert client.post(url, {"action": "review", "after_action_review": "Good"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Gate locked" in page and "Hospital" in page and "Good" in page


def test_roll_page_marks_with_htmx_and_count_refreshes(client, olly, sam_actor, emergency, housed):
    login_verified(client, olly)
    started = client.post(reverse("incidents:emergency", args=[emergency.public_id]), {"action": "roll"})
    assert started.status_code == 302
    roll = emergency.rolls.get()
    page = client.get(reverse("incidents:emergency_roll", args=[roll.public_id])).content.decode()
    assert "4 not accounted for" in page and 'hx-trigger="every 5s, roll-changed from:body"' in page
    person = housed["a1"].person.public_id
    mark_url = reverse("incidents:emergency_roll_mark", args=[roll.public_id])
    marked = client.post(mark_url, {"person": person, "mark": "accounted", "version": 1}, HTTP_HX_REQUEST="true")
    body = marked.content.decode()
    assert marked.status_code == 200 and marked["HX-Trigger"] == "roll-changed"
    assert body.lstrip().startswith("<tr") and "Accounted for" in body  # only the row: the panel reloads itself
    count = client.get(
        reverse("incidents:emergency_roll", args=[roll.public_id]) + "?part=count", HTTP_HX_REQUEST="true"
    )
    assert "3 not accounted for" in count.content.decode()
    stale = client.post(mark_url, {"person": person, "mark": "missing", "version": 1}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 200 and "meanwhile" in stale.content.decode()
    no_where = client.post(mark_url, {"person": person, "mark": "found", "version": 2}, HTTP_HX_REQUEST="true")
    assert "Enter where the person was found" in no_where.content.decode()
    plain = client.post(mark_url, {"person": housed["b1"].person.public_id, "mark": "missing"})
    assert plain.status_code == 302
    assert RollEntry.objects.get(roll=roll, person=housed["b1"].person).status == "missing"
    poll = client.get(
        reverse("incidents:emergency_roll", args=[roll.public_id]) + "?part=count", HTTP_HX_REQUEST="true"
    )
    polled = poll.content.decode()
    assert "3 not accounted for" in polled and "1 missing · 2 not yet checked" in polled and "<html" not in polled
    printed = client.get(reverse("incidents:emergency_roll_print", args=[roll.public_id])).content.decode()
    assert "hx-trigger" not in printed and "A-1-1-01" in printed and "Missing" in printed


def test_page_permissions(client, alice, otto, olly, sam_actor, emergency):
    roll = start_roll(sam_actor, emergency_id=emergency.public_id)
    login_verified(client, alice)
    assert client.get(reverse("incidents:emergencies")).status_code == 403
    assert client.get(reverse("incidents:emergency", args=[emergency.public_id])).status_code == 403
    client.logout()
    login_verified(client, otto)
    assert client.get(reverse("incidents:emergency", args=[emergency.public_id])).status_code == 404
    assert client.get(reverse("incidents:emergency_roll", args=[roll.public_id])).status_code == 404
    client.logout()
    login_verified(client, olly)
    assert client.get(reverse("incidents:emergency_declare")).status_code == 403
    url = reverse("incidents:emergency", args=[emergency.public_id])
    assert client.post(url, {"action": "stand_down", "note": ""}).status_code == 403


def test_the_roll_page_finishes_a_roll(client, olly, sam_actor, emergency, housed):
    login_verified(client, olly)
    client.post(reverse("incidents:emergency", args=[emergency.public_id]), {"action": "roll"})
    roll = emergency.rolls.get()
    page = client.get(reverse("incidents:emergency_roll", args=[roll.public_id])).content.decode()
    assert "Finish the roll" in page
    finish_url = reverse("incidents:emergency_roll_finish", args=[roll.public_id])
    assert client.get(finish_url).status_code == 405
    done = client.post(finish_url)
    assert done.status_code == 302
    after = client.get(done["Location"]).content.decode()
    assert "Roll finished." in after and "Finish the roll" not in after and "; finished" in after
    again = client.post(finish_url)
    assert "already finished" in client.get(again["Location"]).content.decode()
