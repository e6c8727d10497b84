"""Custody reads, always scoped by the actor: an episode at a site the actor cannot reach answers
exactly like a missing one (404)."""

from oms.custody.queries.episodes import (
    active_episode_for_person,
    current_assignment,
    episodes_in_scope,
    get_episode,
    site_in_reach,
)
from oms.custody.queries.keep_aparts import KeepApart, keep_aparts_among, keep_aparts_for

__all__ = [
    "KeepApart",
    "active_episode_for_person",
    "current_assignment",
    "episodes_in_scope",
    "get_episode",
    "keep_aparts_among",
    "keep_aparts_for",
    "site_in_reach",
]

# Reception and release; the daily action plan.
from oms.custody.queries.action_plan import ActionPlan as ActionPlan  # noqa: E402
from oms.custody.queries.action_plan import action_plan as action_plan  # noqa: E402
from oms.custody.queries.reception import ReceptionRecord as ReceptionRecord  # noqa: E402
from oms.custody.queries.reception import reception_record as reception_record  # noqa: E402

# isort: split
# The live roll and formal counts.
from oms.custody.queries.counts import count_history as count_history  # noqa: E402
from oms.custody.queries.counts import get_count as get_count  # noqa: E402
from oms.custody.queries.roll import FacilityRoll as FacilityRoll  # noqa: E402
from oms.custody.queries.roll import unit_roll as unit_roll  # noqa: E402

# isort: split
# Movements and observations.
from oms.custody.queries.movements import get_movement as get_movement  # noqa: E402
from oms.custody.queries.movements import incoming_transfers as incoming_transfers  # noqa: E402
from oms.custody.queries.movements import movements_on_day as movements_on_day  # noqa: E402
from oms.custody.queries.movements import people_at_internal_locations as people_at_internal_locations  # noqa: E402
from oms.custody.queries.movements import people_out as people_out  # noqa: E402
from oms.custody.queries.observations import observation_plans as observation_plans  # noqa: E402
from oms.custody.queries.observations import overdue_observations as overdue_observations  # noqa: E402
