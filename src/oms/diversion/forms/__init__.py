"""Forms of the diversion pages."""
