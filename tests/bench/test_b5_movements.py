"""B5 movements at a tiny size: it runs OMS's batch path and the raw insert on the same rows, reports
the figures, and leaves no movement behind."""

from __future__ import annotations

import json

import pytest

from oms.audit.models import AuditEvent
from oms.bench import b5_movements
from oms.core.models import OutboxMessage
from oms.custody.models import CustodyEpisode, Movement

pytestmark = pytest.mark.django_db


def test_b5_times_the_batch_path_against_the_raw_insert_and_rolls_back():
    audit_before = AuditEvent.objects.count()
    result = b5_movements.run("small", people=40, movements=25, repeats=2)
    assert result["benchmark"] == "B5" and result["movements"] == 25 and result["people_in_custody"] == 40
    assert result["repeats"] == 2 and len(result["oms_seconds_each"]) == len(result["raw_seconds_each"]) == 2
    # 25 movements + 25 audit events + 25 outbox messages + 25 episode updates per window.
    assert result["rows_written_per_window"] == 100
    assert result["oms_seconds"] > 0 and result["raw_seconds"] > 0 and result["ratio_to_raw"] > 0
    assert result["target_ratio"] == 0.25 and result["target_seconds"] == 2.0
    assert result["meets_target"] in (True, False)
    json.dumps(result)
    # The measurement is rolled back: the arranged people stay in their cells, nothing was recorded.
    assert not Movement.objects.exists() and not OutboxMessage.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    assert CustodyEpisode.objects.filter(current_location__isnull=False).count() == 0
    assert CustodyEpisode.objects.count() == 40


def test_unknown_tier_is_refused():
    with pytest.raises(ValueError):
        b5_movements.run("huge")
