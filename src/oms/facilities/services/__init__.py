"""Every change to the estate's location tree. Each use case checks ``facilities.manage_locations``,
then the site's scope (out of reach is not found), applies ``rules``, and writes exactly one audit event
in the caller's transaction; entry points own the transaction."""

from oms.facilities.services.imports import ImportReport, RejectedRow, import_locations
from oms.facilities.services.locations import (
    EDITABLE_FIELDS,
    create_location,
    deactivate_location,
    reactivate_location,
    update_location,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ImportReport",
    "RejectedRow",
    "create_location",
    "deactivate_location",
    "import_locations",
    "reactivate_location",
    "update_location",
]
