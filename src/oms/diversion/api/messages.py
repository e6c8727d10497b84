"""Coordinator messages to a participant under /api/v1/diversion/participations/{id}/messages."""

from ninja import Field, Router, Status

from oms.diversion.api.portal import DiversionMessageOut, message_out
from oms.diversion.services import messages as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

VIEW = "diversion.view"
MANAGE = "diversion.manage"


class DiversionMessageIn(StrictIn):
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=5000)


@router.get(
    "/participations/{participation_id}/messages",
    response={200: list[DiversionMessageOut], **ERRORS},
    summary="Messages sent to the participant, newest first, with when each was read",
)
@api(VIEW)
def list_messages(request, participation_id: str):
    return [message_out(m) for m in services.list_messages(request.actor, participation_id=participation_id)]


@router.post(
    "/participations/{participation_id}/messages",
    response={201: DiversionMessageOut, **ERRORS},
    summary="Send a message to the participant (read in the participant portal; they are told one is waiting)",
)
@api(MANAGE)
def send_message(request, participation_id: str, payload: DiversionMessageIn):
    made = services.send_message(request.actor, participation_id=participation_id, **payload.model_dump())
    return Status(201, message_out(made))
