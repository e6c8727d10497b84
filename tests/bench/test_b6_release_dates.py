"""B6 at a tiny size: it arranges sentenced people in bulk, recalculates them all through the bulk path,
then finds everyone unchanged on a second run, and reports the figures."""

from __future__ import annotations

import json

import pytest

from oms.bench import b6_release_dates
from oms.custody.models import CustodyEpisode
from oms.sentencing.models import Calculation, Sentence

pytestmark = pytest.mark.django_db


def test_b6_recalculates_everyone_then_finds_them_unchanged():
    result = b6_release_dates.run("small", people=60)

    assert result["benchmark"] == "B6" and result["people"] == 60
    assert 60 <= result["sentences"] <= 180 and Sentence.objects.count() == result["sentences"]
    assert result["stored"] == 60 and result["failed"] == 0
    assert result["rerun_unchanged"] == 60 and result["rerun_stored"] == 0
    assert Calculation.objects.filter(is_latest=True).count() == 60 == result["calculations"]
    assert result["episodes_with_release_date"] == CustodyEpisode.objects.filter(release_due_on__isnull=False).count()
    assert result["target_seconds"] == 60.0 and result["target_binding"] is False
    assert result["seconds_per_100k"] > 0 and result["meets_target"] is True  # not binding below 100,000
    assert result["scaled_within_target"] in (True, False)
    json.dumps(result)


def test_unknown_tier_is_refused():
    with pytest.raises(ValueError):
        b6_release_dates.run("huge")
