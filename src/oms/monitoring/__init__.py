"""Electronic monitoring: devices, monitoring orders with their conditions (curfew, zones, trail,
attendance, alcohol), the device fix feed, geofence evaluation and the alerts it raises.

A separate app from ``supervision`` (docs/adr/0003-monitoring-and-diversion-apps.md): its fix table is
the one high-volume stream in OMS and its staff (the monitoring centre) are not the supervising officers.
May import: people, facilities, accounts, audit, web, core. Supervision reads its alerts, not the reverse.
"""
