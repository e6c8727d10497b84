"""Reads of person records, always through ``people_in_scope`` (AZ-3: out of scope is not found).

Reads of a person record and of sensitive sub-records are audited (AUD-1) in the caller's
transaction: when the audit write fails the read fails (AUD-3).

Merged records: a merged person is found (so old links keep working) but raises ``PersonMerged``,
a ``NotFound`` with code ``people.merged`` carrying the survivor's public id when the actor can see
the survivor. Pages redirect to the survivor; the API answers 404 with that code.
"""

from oms.people.queries.duplicates import DuplicateCandidate, find_duplicate_candidates
from oms.people.queries.portal import open_portal_account_of, portal_person, portal_recipients
from oms.people.queries.profile_links import (
    ProfileFact,
    ProfilePanel,
    profile_links,
    profile_panels,
    register_profile_links,
    register_profile_panel,
    unregister_profile_links,
    unregister_profile_panel,
)
from oms.people.queries.reception import (
    CROSS_SCOPE_PURPOSES,
    PresentPersonMatch,
    choose_present_person,
    matches_for_present_person,
    require_purpose,
)
from oms.people.queries.records import (
    PersonMerged,
    _parse_public_id,
    active_alerts,
    current_photo,
    find_person,
    get_person,
    get_person_by_system_number,
    has_photo,
    list_alerts,
    list_case_notes,
    people_in_scope,
    person_id_for_system_number,
    person_identifiers,
    person_names,
    readable_note_types,
    scope_condition,
    sites_in_reach,
)
from oms.people.queries.search import SEARCH_LIMIT_MAX, PersonHit, SearchResult, search_people
from oms.people.queries.timeline import TimelineEntry, timeline

__all__ = [
    "open_portal_account_of",
    "portal_person",
    "portal_recipients",
    "ProfileFact",
    "ProfilePanel",
    "profile_panels",
    "register_profile_panel",
    "unregister_profile_panel",
    "profile_links",
    "register_profile_links",
    "unregister_profile_links",
    "CROSS_SCOPE_PURPOSES",
    "PresentPersonMatch",
    "choose_present_person",
    "matches_for_present_person",
    "require_purpose",
    "SEARCH_LIMIT_MAX",
    "DuplicateCandidate",
    "NotFound",
    "PersonHit",
    "PersonMerged",
    "SearchResult",
    "TimelineEntry",
    "_parse_public_id",
    "active_alerts",
    "current_photo",
    "has_photo",
    "find_duplicate_candidates",
    "find_person",
    "get_person",
    "get_person_by_system_number",
    "list_alerts",
    "list_case_notes",
    "people_in_scope",
    "person_id_for_system_number",
    "person_identifiers",
    "person_names",
    "readable_note_types",
    "scope_condition",
    "search_people",
    "sites_in_reach",
    "timeline",
]
