"""Monitoring services: the only place monitoring state changes (devices, orders, fixes, alerts)."""
