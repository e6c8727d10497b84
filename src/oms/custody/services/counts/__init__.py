"""Formal counts: count times per site, starting a count (scheduled or emergency), officers' figures,
reconciliation against the roll snapshot, discrepancies, recounts, and the supervisor's clearing.

Permissions (oms.custody.permissions): ``custody.count`` to start a scheduled count, enter figures and
record or resolve discrepancies; ``custody.manage_counts`` to configure count times, call an emergency
count, order a recount and clear sessions and counts. A site out of the actor's reach answers 404.
Every change writes one audit event ``custody.count_*``. Services never commit: the entry point owns
the transaction.

The modules: ``count_times``, ``starting``, ``counting`` (figures, recounts, discrepancies), ``clearing``,
``history`` (missed counts) and ``_common`` (checks and lookups they share). Import the public names from
here.
"""

from oms.custody.services.counts._common import MAX_COUNTED as MAX_COUNTED
from oms.custody.services.counts._common import PAPER_ENTRY_WINDOW as PAPER_ENTRY_WINDOW
from oms.custody.services.counts.clearing import clear_count as clear_count
from oms.custody.services.counts.clearing import clear_session as clear_session
from oms.custody.services.counts.count_times import create_count_time as create_count_time
from oms.custody.services.counts.count_times import update_count_time as update_count_time
from oms.custody.services.counts.counting import enter_count as enter_count
from oms.custody.services.counts.counting import order_recount as order_recount
from oms.custody.services.counts.counting import record_discrepancy as record_discrepancy
from oms.custody.services.counts.counting import resolve_discrepancy as resolve_discrepancy
from oms.custody.services.counts.history import record_missed_counts as record_missed_counts
from oms.custody.services.counts.starting import start_count as start_count
