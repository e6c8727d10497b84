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
