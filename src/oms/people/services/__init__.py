"""Every change to a person record. Each use case checks its permission, then scope (out of scope is
not found), applies the rules, and writes exactly one audit event per change in the caller's
transaction: changed field names always, values never (person fields are personal data)."""

from oms.people.services.casework import (
    add_alert,
    add_case_note,
    allocate,
    close_alert,
    end_allocation,
    end_site_link,
    link_person_to_site,
    link_present_person,
)
from oms.people.services.identity import (
    EDITABLE_FIELDS,
    NewAlias,
    NewIdentifier,
    PossibleDuplicates,
    add_address,
    add_alias,
    add_contact,
    add_identifier,
    create_person,
    remove_address,
    remove_alias,
    remove_contact,
    remove_identifier,
    update_person,
)
from oms.people.services.merge import MergeOutcome, _references_to_person, merge_people
from oms.people.services.photos import add_photo
from oms.people.services.portal import close_portal_account, open_portal_account

__all__ = [
    "EDITABLE_FIELDS",
    "MergeOutcome",
    "NewAlias",
    "NewIdentifier",
    "PossibleDuplicates",
    "_references_to_person",
    "add_address",
    "add_alert",
    "add_alias",
    "add_case_note",
    "add_contact",
    "add_identifier",
    "add_photo",
    "allocate",
    "close_alert",
    "close_portal_account",
    "create_person",
    "end_allocation",
    "end_site_link",
    "link_person_to_site",
    "link_present_person",
    "merge_people",
    "open_portal_account",
    "remove_address",
    "remove_alias",
    "remove_contact",
    "remove_identifier",
    "update_person",
]
