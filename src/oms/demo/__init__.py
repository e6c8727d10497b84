"""Synthetic demo data (Faker): organisations, sites, staff for every role, people with aliases,
identifiers, alerts and notes. Synthetic only (security.md DP-4). May import every app below it."""
