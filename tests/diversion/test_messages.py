"""Coordinator messages to a participant (service, page, API), the participant told through the notifiers
without the content, audit both ways, and the daily reminders and follow-ups reaching the participant;
permission cases: wrong role 403, other site 404."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.diversion.models import CoordinatorMessage
from oms.diversion.services import messages, notices
from tests.diversion import test_portal as shared
from tests.diversion.test_api import post
from tests.factories import actor_of, login_verified
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
participation, jade = shared.participation, shared.jade


def send(actor, p, **kw):
    return messages.send_message(actor, participation_id=p.public_id, **{"subject": "Hello", "body": "Welcome", **kw})


def test_sending_a_message_tells_the_participant_without_its_content(
    cora_actor, jade, participation, memory_notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = send(cora_actor, participation, subject="Your class", body="Room 4 on Thursday at 6pm")
    assert (made.participation, made.sent_by_id, made.read_at) == (participation, cora_actor.user_id, None)
    [note] = memory_notifier
    assert note.kind == "diversion.message_sent"
    assert [(r.name, r.email) for r in note.recipients] == [("Jade Okafor", "jade@example.test")]
    assert "Room 4" not in note.body + note.subject and note.link == f"/diversion/portal/messages/{made.public_id}/"
    event = AuditEvent.objects.get(action="diversion.message_sent")
    assert event.details["subject"] == "Your class" and event.subject_person_id == participation.person_id


def test_read_is_audited_once(jade, participation, cora_actor):
    made = send(cora_actor, participation)
    first = messages.read_message(actor_of(jade), message_id=made.public_id)
    read_at = first.read_at
    again = messages.read_message(actor_of(jade), message_id=made.public_id)
    assert again.read_at == read_at
    assert AuditEvent.objects.filter(action="diversion.message_read").count() == 1


def test_without_a_portal_account_the_message_waits_silently(
    cora_actor, person, programme, memory_notifier, django_capture_on_commit_callbacks
):
    p = shared.active(cora_actor, person, programme)
    with django_capture_on_commit_callbacks(execute=True):
        send(cora_actor, p)
    assert memory_notifier == [] and CoordinatorMessage.objects.count() == 1


def test_message_needs_subject_and_body(cora_actor, participation):
    with pytest.raises(RuleViolation) as caught:
        send(cora_actor, participation, subject=" ")
    assert caught.value.field == "subject"
    with pytest.raises(RuleViolation) as caught:
        send(cora_actor, participation, body="")
    assert caught.value.field == "body"


def test_permission_matrix(alice, vic, jade, participation):
    with pytest.raises(PermissionDenied):
        send(actor_of(alice), participation)
    with pytest.raises(NotFound):
        send(actor_of(vic), participation)
    with pytest.raises(PermissionDenied):  # a participant cannot write messages
        send(actor_of(jade), participation)


def test_daily_reminders_and_follow_ups_reach_the_participant(
    cora_actor, jade, participation, memory_notifier, django_capture_on_commit_callbacks
):
    # Classes are due 1 July 2026: a reminder within 7 days, a follow-up the day after.
    with django_capture_on_commit_callbacks(execute=True):
        notices.send_due_notices(cora_actor, today=dt.date(2026, 6, 26))
    mine = [m for m in memory_notifier if m.details.get("audience") == "participant"]
    assert mine and all(m.recipients[0].email == "jade@example.test" for m in mine)
    assert any(m.subject.startswith("Reminder: Classes") for m in mine)
    assert all(m.link == "/diversion/portal/" for m in mine)
    staff = [m for m in memory_notifier if m.details.get("audience") != "participant"]
    assert len(staff) == len(mine)  # each notice goes to both
    memory_notifier.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notices.send_due_notices(cora_actor, today=dt.date(2026, 7, 2))
    mine = [m for m in memory_notifier if m.details.get("audience") == "participant"]
    assert any(m.subject.startswith("Missed: Classes") and "contact your coordinator" in m.body for m in mine)


def test_message_page(client, cora, jade, participation):
    as_cora = login_verified(client, cora)
    url = f"/diversion/participants/{participation.public_id}/messages/new/"
    assert as_cora.get(url).status_code == 200
    empty = as_cora.post(url, {})
    assert empty.status_code == 422 and "Enter a subject" in empty.content.decode()
    done = as_cora.post(url, {"subject": "Check-in time", "body": "Please check in each Monday."})
    assert done.status_code == 302 and done.url == f"/diversion/participants/{participation.public_id}/"
    page = as_cora.get(done.url).content.decode()
    assert "Check-in time" in page and "not read yet" in page


def test_message_page_permission_cases(client, alice, vic, participation):
    url = f"/diversion/participants/{participation.public_id}/messages/new/"
    assert login_verified(client, alice).get(url).status_code == 403
    assert login_verified(client, vic).get(url).status_code == 404


def test_messages_api(client, cora, alice, vic, jade, participation):
    path = f"/participations/{participation.public_id}/messages"
    made = post(client, path, {"subject": "Hello", "body": "Welcome to the programme"}, bearer(cora))
    assert made.status_code == 201, made.content
    assert made.json()["subject"] == "Hello" and made.json()["read_at"] is None
    assert post(client, path, {"subject": "", "body": "x"}, bearer(cora)).status_code == 422
    assert post(client, path, {"subject": "a", "body": "b", "extra": 1}, bearer(cora)).status_code == 422
    listed = client.get(f"/api/v1/diversion{path}", **bearer(cora))
    assert [m["subject"] for m in listed.json()] == ["Hello"]
    assert post(client, path, {"subject": "a", "body": "b"}, bearer(alice)).status_code == 403
    assert post(client, path, {"subject": "a", "body": "b"}, bearer(vic)).status_code == 404
    assert post(client, path, {"subject": "a", "body": "b"}, bearer(jade)).status_code == 403
