"""The web shell: the GOV.UK base template and component partials (``templates/web/components``),
the ``oms_web`` template tags, the GOV.UK date input field (``forms``), permission-aware navigation,
access declarations for pages and API operations (``access``), security headers and the mapping of
domain errors to pages (``middleware``), and the error pages. Front-end assets are built from npm by
``scripts/build-assets.mjs`` into ``build/static``; OMS's own small JS/CSS live in ``static/web``.

May import: core.
"""
