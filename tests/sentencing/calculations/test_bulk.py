"""Bulk recalculation: the same stored calculation as the single-person path, unchanged people counted
not stored, refusals listed, one custody update, and the CLI (calculate FILE, recalculate --all)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.models import OutboxMessage
from oms.custody.models import CustodyEpisode
from oms.sentencing.models import Calculation, Sentence
from oms.sentencing.services import bulk
from oms.sentencing.services import calculations as services
from tests.sentencing.calculations.conftest import sentenced_person
from tests.sentencing.factories import make_adjustment, make_sentence

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(channel="cli")
COMPARED = ("profile_code", "profile_version", "inputs", "inputs_hash", "result", "release_date", "release_date_type")


def varied_people(site):
    """People with one to three sentences (concurrent and consecutive) and different adjustments."""
    people = [sentenced_person(site, family=f"Person{n}", months=6 + 7 * n, remand_days=n * 9) for n in range(4)]
    make_sentence(people[1], months=8, sentenced_on=people[1].sentences.first().sentenced_on)
    make_sentence(people[2], months=4, consecutive_to=people[2].sentences.first())
    make_sentence(people[2], years=1)
    make_adjustment(people[3], "additional_days", 21)
    make_adjustment(people[3], "unlawfully_at_large", 5)
    return people


def stored(calculation: Calculation) -> dict:
    return {name: getattr(calculation, name) for name in COMPARED}


@pytest.mark.parametrize("workers", [0, 2], ids=["in this process", "in worker processes"])
def test_bulk_recalculation_stores_what_the_single_person_path_stores(prison_a, workers):
    people = varied_people(prison_a)
    single = {p.pk: stored(services.recalculate(SYSTEM, p, reason="manual")) for p in people}
    Calculation.objects.all().delete()

    outcome = bulk.recalculate_in_bulk(SYSTEM, batch_size=3, workers=workers)

    assert outcome.people == 4 and outcome.stored == 4 and outcome.failed == 0
    for person in people:
        assert stored(Calculation.objects.get(person=person, is_latest=True)) == single[person.pk]


def test_a_second_run_counts_everyone_unchanged_and_stores_nothing(prison_a):
    people = varied_people(prison_a)
    bulk.recalculate_in_bulk(SYSTEM)
    batches = AuditEvent.objects.filter(action="sentencing.release_dates_recalculated_in_bulk")
    assert batches.count() == 1 and len(batches.get().details["calculations"]) == 4

    again = bulk.recalculate_in_bulk(SYSTEM)

    assert again.unchanged == 4 and again.stored == 0
    assert Calculation.objects.count() == 4 and batches.count() == 1
    make_adjustment(people[0], "additional_days", 3)
    third = bulk.recalculate_in_bulk(SYSTEM)
    assert third.stored == 1 and third.unchanged == 3
    latest = Calculation.objects.get(person=people[0], is_latest=True)
    assert latest.previous is not None and latest.changes and latest.reason == "bulk"


def test_bulk_updates_custody_release_dates_and_writes_outbox_messages(prison_a):
    people = varied_people(prison_a)

    bulk.recalculate_in_bulk(SYSTEM)

    for person in people:
        episode = CustodyEpisode.objects.get(person=person, status="active")
        assert episode.release_due_on == Calculation.objects.get(person=person, is_latest=True).release_date
    assert OutboxMessage.objects.filter(name="sentencing.release_dates_calculated").count() == 4
    assert AuditEvent.objects.filter(action="custody.release_dates_updated_in_bulk").count() == 1


def test_a_person_the_engine_refuses_is_listed_and_the_rest_go_on(prison_a):
    people = varied_people(prison_a)
    bad = Sentence.objects.filter(person=people[0]).first()
    Sentence.objects.filter(pk=bad.pk).update(months=0, years=0, weeks=0, days=0)

    outcome = bulk.recalculate_in_bulk(SYSTEM)

    assert outcome.failed == 1 and outcome.stored == 3
    assert outcome.errors[0]["person_id"] == str(people[0].public_id) and outcome.errors[0]["field"]


def test_cli_calculate_prints_the_result_as_json(tmp_path):
    request = {
        "date_of_birth": "1990-04-01",
        "sentences": [
            {"kind": "determinate", "sentenced_on": "2026-01-12", "offence_committed_on": "2025-10-01", "years": 3}
        ],
        "adjustments": [{"kind": "remand", "days": 20}],
    }
    file = tmp_path / "request.json"
    file.write_text(json.dumps(request))
    out = StringIO()

    call_command("release_dates", "calculate", str(file), stdout=out)

    result = json.loads(out.getvalue())
    assert result["profile"] == "england-wales" and result["release_date"]
    assert not Calculation.objects.exists()


def test_cli_calculate_reports_the_field_of_a_bad_request(tmp_path):
    file = tmp_path / "bad.json"
    file.write_text(json.dumps({"sentences": [{"kind": "determinate", "sentenced_on": "yesterday"}]}))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("release_dates", "calculate", str(file), stderr=err)
    assert json.loads(err.getvalue())["field"] == "sentences[0].sentenced_on"
    with pytest.raises(CommandError):
        call_command("release_dates", "calculate", str(tmp_path / "missing.json"))


def test_cli_recalculate_all_shows_progress_and_a_summary(prison_a):
    varied_people(prison_a)
    out, err = StringIO(), StringIO()

    call_command("release_dates", "recalculate", "--all", "--batch-size", "2", stdout=out, stderr=err)

    assert "4 people: 4 new calculations, 0 unchanged, 0 could not be calculated" in out.getvalue()
    assert "4/4 100%" in err.getvalue() and "/s ETA" in err.getvalue()
    assert Calculation.objects.filter(reason="bulk", is_latest=True).count() == 4
