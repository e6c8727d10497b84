PERMISSIONS = {
    "people.view": "Search and read person records in scope (every read is audited)",
    "people.create": "Create person records",
    "people.edit": "Change identity details, names, identifiers, addresses and contacts",
    "people.merge": "Merge duplicate person records",
    "people.add_alert": "Add alerts",
    "people.close_alert": "Close alerts",
    "people.add_note": "Add case notes",
    "people.view_health_notes": "Read health case notes",
    "people.view_security_notes": "Read security case notes",
    "people.manage_portal_accounts": "Open and close a person's participant portal account (own record only)",
}
