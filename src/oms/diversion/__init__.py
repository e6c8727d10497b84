"""Diversion programmes: programmes and their eligibility, referrals from police or prosecutors, the
agreement and its requirements, progress (hours, payments, classes), fees, outcome, court reports, the
participant portal and consent-limited referrals to social-service partners.

May import: people, facilities, accounts, audit, web, core (docs/adr/0003-monitoring-and-diversion-apps.md).
"""
