"""Reads, always scoped by the actor: one module per area."""
