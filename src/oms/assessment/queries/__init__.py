"""Reads of assessment records, always within the actor's person scope (out of scope is not found)."""
