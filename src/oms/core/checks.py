"""Production mode refuses to start with unsafe settings (security.md DP-5)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def production_settings(app_configs, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        problems.append(checks.Critical("OMS_SECRET_KEY is the default or too short.", id="oms.E001"))
    if settings.DEBUG:
        problems.append(checks.Critical("DEBUG must be off in production.", id="oms.E002"))
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(checks.Critical("Cookies must be Secure in production.", id="oms.E003"))
    if not settings.FIELD_ENCRYPTION_KEYS_FILE:
        problems.append(checks.Critical("OMS_FIELD_KEYS_FILE is required in production.", id="oms.E005"))
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        host = db.get("HOST") or ""
        local = host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")
        if not local and db.get("OPTIONS", {}).get("sslmode") not in ("require", "verify-ca", "verify-full"):
            problems.append(checks.Critical("A remote database needs sslmode=require or stronger.", id="oms.E004"))
    return problems


def enforce_production_settings() -> None:
    """Called at start-up by wsgi/asgi/cli: a critical problem stops the process, not just warns.

    Runs every security check registered by any app (core's above, the audit signing key, the field
    keys...) through Django's registry, so core needs no import of the apps above it.
    """
    if not getattr(settings, "PRODUCTION", False):
        return
    problems = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.level >= checks.CRITICAL]
    if problems:
        raise SystemExit("OMS refuses to start in production mode:\n" + "\n".join(f"- {p.msg}" for p in problems))
