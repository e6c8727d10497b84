"""Users, roles and named permissions, scope, API tokens, and the security of logging in:
Argon2id passwords with a banned list, lockout, throttling, TOTP MFA with recovery codes, session
timeouts, step-up re-authentication, the login banner (security.md Authentication and Sessions).

Invariants: nobody grants themselves a role (AZ-5); tokens and recovery codes are stored hashed; every
account change is audited. May import: core, web, audit, facilities.
"""
