PERMISSIONS = {
    "accounts.manage_users": "Create users, change their roles and scopes, disable them",
    "accounts.unlock_users": "Unlock locked accounts",
    "accounts.manage_api_clients": "Create and revoke API tokens for partner systems and devices",
}
