"""The audit trail: one append-only, hash-chained table of events (security.md AUD-1..AUD-6).

Every service writes its event explicitly with ``record_event`` in the same transaction as the change.
Invariants: rows are never updated or deleted (database triggers); hash_n = SHA-256(hash_{n-1} ||
canonical JSON of event n); positions (``seq``) are gapless from 1. May import: core, web.
"""
