"""Custody page forms, one module per area."""
