# Reception and release.
from oms.custody.services.reception import NewAuthority as NewAuthority
from oms.custody.services.reception import NewPerson as NewPerson
from oms.custody.services.reception import NewPropertyItem as NewPropertyItem
from oms.custody.services.reception import Screening as Screening
from oms.custody.services.reception import add_lawful_authority as add_lawful_authority
from oms.custody.services.reception import add_property_item as add_property_item
from oms.custody.services.reception import close_property_item as close_property_item
from oms.custody.services.reception import end_lawful_authority as end_lawful_authority
from oms.custody.services.reception import receive_person as receive_person
from oms.custody.services.reception import record_cash as record_cash
from oms.custody.services.reception import record_screening as record_screening
from oms.custody.services.release import ReleaseRefused as ReleaseRefused
from oms.custody.services.release import queue_release_notifications as queue_release_notifications
from oms.custody.services.release import release_checks as release_checks
from oms.custody.services.release import release_person as release_person

# isort: split
# Formal counts.
from oms.custody.services.counts import clear_count as clear_count  # noqa: E402
from oms.custody.services.counts import clear_session as clear_session  # noqa: E402
from oms.custody.services.counts import create_count_time as create_count_time  # noqa: E402
from oms.custody.services.counts import enter_count as enter_count  # noqa: E402
from oms.custody.services.counts import order_recount as order_recount  # noqa: E402
from oms.custody.services.counts import record_discrepancy as record_discrepancy  # noqa: E402
from oms.custody.services.counts import resolve_discrepancy as resolve_discrepancy  # noqa: E402
from oms.custody.services.counts import start_count as start_count  # noqa: E402
from oms.custody.services.counts import update_count_time as update_count_time  # noqa: E402

# isort: split
# Movements and observations.
from oms.custody.services.movements import BatchRejected as BatchRejected  # noqa: E402
from oms.custody.services.movements import KeepApartConflict as KeepApartConflict  # noqa: E402
from oms.custody.services.movements import cancel_movement as cancel_movement  # noqa: E402
from oms.custody.services.movements import carry_out_movement as carry_out_movement  # noqa: E402
from oms.custody.services.movements import receive_transfer as receive_transfer  # noqa: E402
from oms.custody.services.movements import record_internal as record_internal  # noqa: E402
from oms.custody.services.movements import record_internal_return as record_internal_return  # noqa: E402
from oms.custody.services.movements import record_movement_batch as record_movement_batch  # noqa: E402
from oms.custody.services.movements import record_out as record_out  # noqa: E402
from oms.custody.services.movements import record_return as record_return  # noqa: E402
from oms.custody.services.movements import schedule_movement as schedule_movement  # noqa: E402
from oms.custody.services.movements import send_transfer as send_transfer  # noqa: E402
from oms.custody.services.observations import end_observation_plan as end_observation_plan  # noqa: E402
from oms.custody.services.observations import record_observation_check as record_observation_check  # noqa: E402
from oms.custody.services.observations import start_observation_plan as start_observation_plan  # noqa: E402
