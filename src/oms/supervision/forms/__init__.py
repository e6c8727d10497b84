"""Supervision forms."""
