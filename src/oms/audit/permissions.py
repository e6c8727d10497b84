PERMISSIONS = {
    "audit.view": "Search and read the audit trail (every read is itself audited)",
    "audit.verify": "Verify the audit hash chain",
    # Held by no role: the scheduled retention job and the operator's CLI act as the system actor.
    "audit.purge": "Delete audit events older than the retention period (leaves a signed anchor)",
}
