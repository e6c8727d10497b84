"""The estate: organisations (prison service, probation service, diversion provider, partner agency)
and their sites (prisons, probation offices, diversion programmes, partner offices).

Invariants: codes are unique and never reused; a site belongs to exactly one organisation; sites are
deactivated, never deleted. May import: core, web, audit.
"""
