"""The release-date engine: pure functions from a calculation request to dates with an explanation.

Nothing here touches the database. ``types`` holds the request and result shapes; each jurisdiction
profile is a module with ``calculate(request, profile) -> CalculationResult``; ``profiles`` picks the
profile version in force on a date.
"""
