"""The only place incident, discipline and emergency state changes: one module per area."""
