PERMISSIONS = {
    "monitoring.view": "See monitoring orders, their conditions, zones, trail and alerts, and the device inventory",
    "monitoring.manage_orders": "Make and vary monitoring orders, their conditions and zones",
    "monitoring.manage_devices": "Add devices to the inventory, fit (assign) and return them, record faults",
    "monitoring.handle_alerts": "Acknowledge monitoring alerts and record their outcome",
    "monitoring.ingest_fixes": "Send device fixes to the monitoring feed (device API clients)",
}
