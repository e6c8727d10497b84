"""The web shell: base templates and GOV.UK/MoJ component partials, htmx helpers, access
declarations for pages and API operations, security headers, and error pages.

May import: core.
"""
