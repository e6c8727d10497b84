PERMISSIONS = {
    "facilities.view": "See organisations and sites",
    "facilities.manage": "Create and change organisations and sites",
    "facilities.manage_locations": "Configure the location tree, capacities and deactivations",
}
