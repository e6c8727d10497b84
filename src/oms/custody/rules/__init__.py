"""Custody rules: pure functions over plain values, one module per area (no ORM, no I/O)."""
