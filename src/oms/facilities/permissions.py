PERMISSIONS = {
    "facilities.view": "See organisations and sites",
    "facilities.manage": "Create and change organisations and sites",
}
