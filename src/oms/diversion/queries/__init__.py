"""Reads of diversion records, scoped by the actor."""
