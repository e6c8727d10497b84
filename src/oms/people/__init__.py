"""The person master record: identity, aliases, identifiers, addresses, contacts, alerts, case notes,
the timeline, search (exact, prefix, sound-alike, fuzzy), duplicate detection and merge.

Invariants: one system number per person, unique; a merged record points at its survivor and is
never shown as live; every reference moves to the survivor on merge. May import: core, web, audit,
facilities, accounts.
"""
