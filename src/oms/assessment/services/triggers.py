"""Reassessment triggered by events in sibling apps.

Sentencing and assessment are siblings and never import each other: sentencing publishes
``sentencing.sentence_recorded`` when a sentence is recorded (a sentence follows a conviction, the clear
signal of one) and this module, subscribed in ``AssessmentConfig.ready``, brings every current assessment
of the person due now with the reason "new conviction" (``mark_reassessment_due``), in the same
transaction as the sentence.

Who acts: the user who recorded the sentence. A records officer holds ``assessment.view`` but not
``assessment.assess``, which ``mark_reassessment_due`` requires of a person doing it by hand; recording
a conviction is exactly the authority for this follow-on (it changes only a due date, never an answer,
score or band), so the trigger acts as that user with ``assessment.assess`` added for this one call. The
audit event ``assessment.assessment_reassessment_due`` is therefore attributed to the real user on their
channel, with their scope (the person was already found in it by sentencing).
"""

from __future__ import annotations

from oms.assessment.services.assessments import mark_reassessment_due
from oms.core.actor import Actor
from oms.core.events import Event

SENTENCE_RECORDED_EVENT = "sentencing.sentence_recorded"
NEW_CONVICTION_REASON = "new conviction"


def reassess_on_new_conviction(actor: Actor, event: Event) -> None:
    """Bring the person's current assessments due today because of a new conviction."""
    mark_reassessment_due(actor.lent("assessment.assess"), event.payload["person_id"], NEW_CONVICTION_REASON)
