"""DP-5: production mode refuses to start with the default secret, DEBUG on, insecure cookies or a
remote database without TLS."""

import pytest

from oms.core.checks import enforce_production_settings, production_settings

STRONG_SECRET = "x" * 64


def _ids(settings) -> set[str]:
    return {problem.id for problem in production_settings(None)}


@pytest.fixture
def production(settings, tmp_path):
    audit_key = tmp_path / "audit.key"
    audit_key.write_bytes(b"k" * 64)
    settings.AUDIT_SIGNING_KEY_FILE = str(audit_key)
    settings.FIELD_ENCRYPTION_KEYS_FILE = str(tmp_path / "field.keys")
    settings.PRODUCTION = True
    settings.SECRET_KEY = STRONG_SECRET
    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_a_safe_production_configuration_passes(production):
    assert _ids(production) == set()
    enforce_production_settings()  # does not raise


def test_the_default_secret_key_is_refused(production):
    production.SECRET_KEY = production.DEFAULT_SECRET_KEY
    assert "oms.E001" in _ids(production)


def test_a_short_secret_key_is_refused(production):
    production.SECRET_KEY = "short"
    assert "oms.E001" in _ids(production)


def test_debug_is_refused(production):
    production.DEBUG = True
    assert "oms.E002" in _ids(production)


@pytest.mark.parametrize("cookie", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
def test_insecure_cookies_are_refused(production, cookie):
    setattr(production, cookie, False)
    assert "oms.E003" in _ids(production)


def test_a_remote_database_without_tls_is_refused(production, monkeypatch):
    # Only the check reads this dict; the test's own connection is already open and unaffected.
    remote = {"ENGINE": "django.db.backends.postgresql", "HOST": "db.example.internal", "OPTIONS": {}}
    monkeypatch.setitem(production.DATABASES, "default", remote)
    assert "oms.E004" in _ids(production)
    remote["OPTIONS"] = {"sslmode": "verify-full"}
    assert "oms.E004" not in _ids(production)


def test_start_up_stops_the_process_when_unsafe(production):
    production.DEBUG = True
    production.SECRET_KEY = production.DEFAULT_SECRET_KEY
    with pytest.raises(SystemExit) as stopped:
        enforce_production_settings()
    assert "DEBUG" in str(stopped.value) and "OMS_SECRET_KEY" in str(stopped.value)


def test_development_mode_does_not_apply_the_production_checks(settings):
    settings.PRODUCTION = False
    settings.DEBUG = True
    assert production_settings(None) == []


def test_missing_key_files_stop_start_up(production):
    """Keys kept outside the database (DP-1, AUD-5) are checked at start-up, whichever app owns them."""
    production.AUDIT_SIGNING_KEY_FILE = ""
    production.FIELD_ENCRYPTION_KEYS_FILE = ""
    with pytest.raises(SystemExit) as stopped:
        enforce_production_settings()
    assert "OMS_AUDIT_SIGNING_KEY_FILE" in str(stopped.value) and "OMS_FIELD_KEYS_FILE" in str(stopped.value)
