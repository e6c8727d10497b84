PERMISSIONS = {
    "audit.view": "Search and read the audit trail (every read is itself audited)",
    "audit.verify": "Verify the audit hash chain",
}
