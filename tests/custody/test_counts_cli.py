"""The roll and counts CLI verbs: the same queries as the pages, as text."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.custody.models import CountTime, CustodyEpisode
from oms.custody.services import counts as services
from tests.custody.factories import make_estate, make_prisoner

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(prison_a):
    estate = make_estate(prison_a)
    make_prisoner(prison_a, family="Able", bed=estate["A-1-1-01-1"])
    make_prisoner(prison_a, family="Court", bed=estate["A-1-1-01-2"], in_out=CustodyEpisode.InOut.OUT)
    return estate


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_custody_roll_prints_figures_and_who_is_out(prison_a, estate):
    text = run("custody_roll", "--site", "pra")
    assert "Population 2" in text and "In cell 1" in text
    assert "Total" in text and "COURT, John" in text
    with pytest.raises(CommandError, match="No site"):
        run("custody_roll", "--site", "NOPE")


def test_custody_roll_as_a_user_out_of_reach_is_refused(prison_a, estate, oscar):
    with pytest.raises(CommandError, match="custody.site_not_found|facilities.site_not_found"):
        run("custody_roll", "--site", "PRA", "--as", "oscar")


def test_custody_counts_history_and_sheet(prison_a, estate, sam_actor):
    midday = CountTime.objects.create(site=prison_a, name="Midday", time_of_day=dt.time(12))
    with pytest.raises(CommandError, match="No count is in progress"):
        run("custody_counts", "sheet", "--site", "PRA")
    services.start_count(sam_actor, site_id=prison_a.public_id, emergency_reason="Alarm")
    sheet = run("custody_counts", "sheet", "--site", "PRA")
    assert "COUNT SHEET: Emergency count" in sheet and "ABLE, John" in sheet and "Away:" in sheet
    assert "Number counted" in sheet
    history = run("custody_counts", "history", "--site", "PRA", "--days", "2")
    assert "Emergency count" in history and midday.name not in history.split("\n")[0]
    with pytest.raises(CommandError, match="--days"):
        run("custody_counts", "history", "--site", "PRA", "--days", "0")
