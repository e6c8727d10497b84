"""Incident, discipline and emergency pages, one module of views per area."""
