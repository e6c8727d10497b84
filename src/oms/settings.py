"""Settings, read from environment variables prefixed OMS_.

Production mode (OMS_ENV=production) refuses to start with a default secret, DEBUG on, insecure
cookies or a remote PostgreSQL without TLS (security.md DP-5); see ``oms.core.checks``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("OMS_PROJECT_DIR", Path.cwd()))
VAR_DIR = Path(os.environ.get("OMS_VAR_DIR", PROJECT_DIR / "var"))

OMS_ENV = os.environ.get("OMS_ENV", "development")  # development | production | test
PRODUCTION = OMS_ENV == "production"
DEMO_MODE = os.environ.get("OMS_DEMO_MODE", "0") == "1"

DEFAULT_SECRET_KEY = "oms-development-only-secret-key-not-for-production-use"


def _secret_key() -> str:
    path = os.environ.get("OMS_SECRET_KEY_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get("OMS_SECRET_KEY", DEFAULT_SECRET_KEY)


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("OMS_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("OMS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

# Field-level encryption keys (security.md DP-1) live outside the database: a file of lines
# "<key id>:<base64 32-byte key>", the last line is the key used for new ciphertexts.
# Development falls back to a key derived from the secret key so `make run` needs no set-up.
FIELD_ENCRYPTION_KEYS_FILE = os.environ.get("OMS_FIELD_KEYS_FILE", "")

# Audit chain checkpoints (security.md AUD-5) are signed with an HMAC key kept outside the database,
# so the database role cannot forge them. Development and tests derive one from the secret key;
# production requires the file.
AUDIT_SIGNING_KEY_FILE = os.environ.get("OMS_AUDIT_SIGNING_KEY_FILE", "")
AUDIT_CHECKPOINT_INTERVAL = int(os.environ.get("OMS_AUDIT_CHECKPOINT_INTERVAL", "1000"))
# The release-date profile of facilities that have not chosen one (docs/sentencing-profiles.md), and a
# directory of extra data-defined profiles (YAML/JSON) on top of the shipped ones.
RELEASE_PROFILE = os.environ.get("OMS_RELEASE_PROFILE", "england-wales")
RELEASE_PROFILES_DIR = os.environ.get("OMS_RELEASE_PROFILES_DIR", "")
# A jurisdiction's own assessment instruments (<code>-v<version>.json), loaded beside the shipped ones.
OMS_INSTRUMENTS_DIR = os.environ.get("OMS_INSTRUMENTS_DIR", "")
AUDIT_RETENTION_DAYS = int(os.environ.get("OMS_AUDIT_RETENTION_DAYS", "730"))  # AUD-6: 2 years, never < 365
# Incident evidence (FILE-1): a private folder, never under static; files are served only by a view.
INCIDENT_ATTACHMENTS_DIR = Path(os.environ.get("OMS_INCIDENT_ATTACHMENTS_DIR", VAR_DIR / "attachments"))
INCIDENT_ATTACHMENT_MAX_BYTES = int(os.environ.get("OMS_INCIDENT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Dotted path of a callable(path, *, content_type, original_name) -> str | None (a reason to refuse).
INCIDENT_ATTACHMENT_SCANNER = os.environ.get("OMS_INCIDENT_ATTACHMENT_SCANNER", "")

# Notifications (oms.core.notifications): which backends send each message, comma-separated:
# console (the log), email (Django mail, OMS_EMAIL_HOST/PORT), sms (an HTTP SMS gateway).
OMS_NOTIFIERS = [n.strip() for n in os.environ.get("OMS_NOTIFIERS", "console").split(",") if n.strip()]
EMAIL_HOST = os.environ.get("OMS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OMS_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("OMS_EMAIL_FROM", "oms@localhost")
# The SMS gateway takes a JSON POST {"to", "text", "reference"}; its bearer token is read from a file.
SMS_GATEWAY_URL = os.environ.get("OMS_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN_FILE = os.environ.get("OMS_SMS_GATEWAY_TOKEN_FILE", "")
SMS_GATEWAY_TIMEOUT_SECONDS = float(os.environ.get("OMS_SMS_GATEWAY_TIMEOUT_SECONDS", "10"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "oms.core",
    "oms.web",
    "oms.audit",
    "oms.facilities",
    "oms.accounts",
    "oms.people",
    "oms.sentencing",
    "oms.assessment",
    "oms.custody",
    "oms.rehabilitation",
    "oms.incidents",
    "oms.supervision",
    "oms.monitoring",
    "oms.diversion",
    "oms.demo",
    "oms.bench",
]

MIDDLEWARE = [
    "oms.core.middleware.RequestIdMiddleware",
    "oms.audit.middleware.ApiDenialAuditMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "oms.web.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oms.accounts.middleware.SessionPolicyMiddleware",
    "oms.accounts.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "oms.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "oms.urls"
WSGI_APPLICATION = "oms.wsgi.application"
ASGI_APPLICATION = "oms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oms.web.context_processors.oms",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("OMS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'oms.sqlite3'}")
TEST_DATABASE_URL = os.environ.get("OMS_TEST_DATABASE_URL", "")
# Under pytest the test database URL, when set, replaces the main one: tests then run on PostgreSQL.
if OMS_ENV == "test" and TEST_DATABASE_URL:
    DATABASE_URL = TEST_DATABASE_URL

_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("OMS_DB_CONN_MAX_AGE", "60")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    _db["CONN_MAX_AGE"] = 0
else:
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].setdefault("connect_timeout", 5)
    _db["CONN_HEALTH_CHECKS"] = True
_db["ATOMIC_REQUESTS"] = True
if OMS_ENV == "test" and _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["TEST"] = {"NAME": os.environ.get("OMS_TEST_SQLITE_NAME", "")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions (security.md AUTH-*, SES-1) -----------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = max(8, int(os.environ.get("OMS_PASSWORD_MIN_LENGTH", "12")))
PASSWORD_MAX_LENGTH = 128
BANNED_PASSWORDS_FILE = os.environ.get("OMS_BANNED_PASSWORDS_FILE", str(VAR_DIR / "banned-passwords.txt"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "oms.accounts.passwords.LengthValidator"},
    {"NAME": "oms.accounts.passwords.BannedPasswordValidator"},
    {"NAME": "oms.accounts.passwords.ContainsUsernameValidator"},
]
PASSWORD_MAX_AGE = timedelta(days=365)
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOGIN_THROTTLE_PER_MINUTE = 10
INACTIVE_ACCOUNT_DAYS = 90
TEMPORARY_ACCOUNT_MAX = timedelta(hours=72)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "oms_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION or os.environ.get("OMS_SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
STEP_UP_MAX_AGE = timedelta(minutes=int(os.environ.get("OMS_STEP_UP_MINUTES", "10")))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())

LOGIN_BANNER = os.environ.get(
    "OMS_LOGIN_BANNER",
    "This is a restricted government system. Use is monitored and recorded. Only authorised users may"
    " log in; unauthorised use may be a criminal offence.",
)
OTP_TOTP_ISSUER = "OMS"

# --- Security headers (security.md HDR-1) --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": URLs still never leak to other sites, but browsers must send a real
# Origin header on our own form posts. Under "no-referrer" Chromium sends "Origin: null" and Django's
# CSRF check refuses every form (and over HTTPS it also needs a same-origin Referer). See tests/e2e.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("OMS_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if os.environ.get("OMS_BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "oms.web.views.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "img-src": ["'self'", "data:"],
    }
}
TRUSTED_PROXIES = [p for p in os.environ.get("OMS_TRUSTED_PROXIES", "").split(",") if p]

# --- I18n, time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("OMS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static assets (GOV.UK / MoJ Frontend, htmx: built by `make assets` into a git-ignored folder) --
STATIC_URL = "/static/"
STATICFILES_DIRS = [PROJECT_DIR / "build" / "static"] if (PROJECT_DIR / "build" / "static").exists() else []
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise serves static files in every mode (runserver, live_server tests, production) below the
# security-header middleware, so assets carry HDR-1 headers too. Outside production it reads the
# source folders directly, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "uploads"  # outside static paths; served only through permission-checked views

# --- Background work ------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if OMS_ENV == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Periodic jobs (oms.core.schedule): enqueued by `oms run_schedule`, run by `oms db_worker`.
SCHEDULE = {
    "accounts.disable_inactive_accounts": {
        "task": "oms.accounts.tasks.disable_inactive_accounts",
        "every": timedelta(days=1),
    },
    "core.purge_idempotency_records": {
        "task": "oms.core.tasks.purge_idempotency_records",
        "every": timedelta(days=1),
    },
    "audit.purge_expired_events": {"task": "oms.audit.tasks.purge_expired_events", "every": timedelta(days=1)},
    "custody.missed_counts": {"task": "oms.custody.tasks.missed_counts", "every": timedelta(hours=1)},
    "incidents.expire_suspended_punishments": {
        "task": "oms.incidents.tasks.expire_suspended_punishments",
        "every": timedelta(days=1),
    },
    "incidents.sweep_attachment_files": {
        "task": "oms.incidents.tasks.sweep_attachment_files",
        "every": timedelta(days=1),
    },
    "diversion.send_notices": {"task": "oms.diversion.tasks.send_diversion_notices", "every": timedelta(days=1)},
    # A device that stops reporting is an alert in its own right: checked every five minutes.
    "monitoring.check_silent_devices": {
        "task": "oms.monitoring.tasks.check_silent_devices",
        "every": timedelta(minutes=5),
    },
    "monitoring.purge_fixes": {"task": "oms.monitoring.tasks.purge_fixes", "every": timedelta(days=1)},
    # A breath test window that ended without a clean test is an alert, noticed within minutes.
    "monitoring.check_missed_alcohol_tests": {
        "task": "oms.monitoring.tasks.check_missed_alcohol_tests",
        "every": timedelta(minutes=5),
    },
    # Remote check-ins (docs/supervision-checkins.md): both idempotent, so hourly is safe.
    "supervision.expire_check_ins": {"task": "oms.supervision.tasks.expire_check_ins", "every": timedelta(hours=1)},
    "supervision.send_check_in_reminders": {
        "task": "oms.supervision.tasks.send_check_in_reminders",
        "every": timedelta(hours=1),
    },
}

# --- Logging: no personal data in logs (DP-2); request id on each line ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "oms.core.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("OMS_LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

NINJA_PAGINATION_PER_PAGE = 25
API_PAGE_MAX = 200
