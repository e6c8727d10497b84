"""Movements: scheduling, out and back (court, hospital, temporary release, escape), internal moves,
transfers between establishments (sent -> en route -> received) and batch recording of a movement window.

Every service needs ``custody.record_movement`` and the episode's site in the actor's reach (a
transfer is received by staff of the site it goes to). Each writes one audit event
(``custody.movement_scheduled``, ``custody.movement_cancelled``, ``custody.movement_recorded``,
``custody.transfer_sent``, ``custody.person_transferred``) and puts the movement on the outbox. A bed is
kept while someone is out (they come back to it) and freed when they are sent on transfer.

Keep-aparts: people who travel together (same escort) or wait together (same court on the same day:
court holding) are checked against open non-associations and keep-apart groups. A conflict is refused
with the pairs explained unless an actor holding ``custody.override_housing`` gives a reason.

The modules: ``scheduling`` (plan, cancel, carry out), ``outside`` (out and back), ``internal``,
``transfers``, ``batch`` (a movement window, checked by ``batch_validation``), ``keep_aparts``, and
``_common`` (checks and lookups they share). Import the public names from here.
"""

from oms.custody.services.movements._common import FUTURE_TOLERANCE as FUTURE_TOLERANCE
from oms.custody.services.movements._common import MOVEMENT_EVENT as MOVEMENT_EVENT
from oms.custody.services.movements._common import OVERRIDE_PERMISSION as OVERRIDE_PERMISSION
from oms.custody.services.movements._common import PERMISSION as PERMISSION
from oms.custody.services.movements._common import SCHEDULABLE_KINDS as SCHEDULABLE_KINDS
from oms.custody.services.movements._common import TEXT_LIMITS as TEXT_LIMITS
from oms.custody.services.movements.batch import BatchResult as BatchResult
from oms.custody.services.movements.batch import record_movement_batch as record_movement_batch
from oms.custody.services.movements.batch_validation import BatchRejected as BatchRejected
from oms.custody.services.movements.batch_validation import RowError as RowError
from oms.custody.services.movements.internal import record_internal as record_internal
from oms.custody.services.movements.internal import record_internal_return as record_internal_return
from oms.custody.services.movements.keep_aparts import KeepApartConflict as KeepApartConflict
from oms.custody.services.movements.keep_aparts import KeepApartPair as KeepApartPair
from oms.custody.services.movements.outside import record_out as record_out
from oms.custody.services.movements.outside import record_return as record_return
from oms.custody.services.movements.scheduling import cancel_movement as cancel_movement
from oms.custody.services.movements.scheduling import carry_out_movement as carry_out_movement
from oms.custody.services.movements.scheduling import schedule_movement as schedule_movement
from oms.custody.services.movements.transfers import receive_transfer as receive_transfer
from oms.custody.services.movements.transfers import send_transfer as send_transfer
