"""The only place rehabilitation state changes: one module per area (plans, programmes, referrals, allocations,
sessions, attendance, incentives).
"""
