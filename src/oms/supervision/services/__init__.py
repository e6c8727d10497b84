"""The only place supervision state changes: cases (with the release subscriber), requirements, appointments."""
