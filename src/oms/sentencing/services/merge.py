"""What a person merge means for release dates.

The generic merge moves the duplicate's sentences, adjustments, court cases and warrants to the
survivor. Calculations and overrides carry one-per-person rules (one latest calculation, one active
override per date type), so they are moved here, on ``people.person_merged``, in the merge's
transaction: the duplicate's calculations join the survivor's history (none of them latest), its
active overrides move unless the survivor already has one for that date type (the survivor's stands;
the duplicate's is withdrawn and kept), and the survivor is recalculated from the combined sentences.
"""

from __future__ import annotations

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event
from oms.people.models import Person
from oms.sentencing.models import Calculation, DateOverride
from oms.sentencing.services.calculations import recalculate

MERGED_OVERRIDE_REASON = "Records merged: the surviving record's override of this date stands."


def move_release_dates_on_merge(actor: Actor, event: Event) -> None:
    survivor_id, duplicate_id = event.payload["survivor_id"], event.payload["duplicate_id"]
    moved_calculations = Calculation.objects.filter(person_id=duplicate_id).update(
        person_id=survivor_id, is_latest=False
    )
    survivor_overrides = set(
        DateOverride.objects.filter(person_id=survivor_id, status=DateOverride.Status.ACTIVE).values_list(
            "date_type", flat=True
        )
    )
    withdrawn = DateOverride.objects.filter(
        person_id=duplicate_id, status=DateOverride.Status.ACTIVE, date_type__in=survivor_overrides
    ).update(
        status=DateOverride.Status.WITHDRAWN,
        withdrawn_by_id=None if actor.is_system else actor.user_id,
        withdrawn_at=clock.now(),
        withdrawn_reason=MERGED_OVERRIDE_REASON,
    )
    moved_overrides = DateOverride.objects.filter(person_id=duplicate_id).update(person_id=survivor_id)
    if moved_calculations or moved_overrides:
        record_event(
            actor,
            "sentencing.release_dates_moved_on_merge",
            object_type="person",
            object_id=str(survivor_id),
            subject_person_id=survivor_id,
            details={
                "duplicate_person": duplicate_id,
                "calculations_moved": moved_calculations,
                "overrides_moved": moved_overrides,
                "overrides_withdrawn": withdrawn,
            },
        )
    survivor = Person.objects.get(pk=survivor_id)
    recalculate(actor, survivor, reason=Calculation.Reason.RECORDS_MERGED)
