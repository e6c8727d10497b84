"""Pure monitoring rules: curfew timetables, zones, device state, alert episodes, the map drawing.
No ORM, no I/O."""
