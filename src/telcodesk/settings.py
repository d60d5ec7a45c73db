"""Django settings, read from the environment.

Every knob an operator may turn is an environment variable named ``TELCODESK_*``
(plus the conventional ``DATABASE_URL``). With none set, telcodesk runs on an
embedded SQLite file under ``./var/``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("TELCODESK_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = os.environ.get("TELCODESK_SECRET_KEY")
    if given:
        return given
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Created with 0600 so other local users cannot read it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("TELCODESK_DEBUG", False)
ALLOWED_HOSTS = env_list("TELCODESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("TELCODESK_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the TMF API docs page from local static files (CSP: no CDN)
    "telcodesk.core",
    "telcodesk.customers",
    "telcodesk.notify",
    "telcodesk.quality",
    "telcodesk.sla",
    "telcodesk.orders",
    "telcodesk.care",
    "telcodesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "telcodesk.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "telcodesk.web.middleware.RefuseNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "telcodesk.urls"
WSGI_APPLICATION = "telcodesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "telcodesk.web.context.navigation",
            ],
        },
    },
]


# --- database -------------------------------------------------------------

SQLITE_DEFAULT = VAR_DIR / "telcodesk.sqlite3"


def database_config(url: str | None) -> dict[str, Any]:
    """Turn ``DATABASE_URL`` into a Django database dict, tuned per engine."""
    if not url:
        url = f"sqlite:///{SQLITE_DEFAULT}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:  # unknown scheme, malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is not usable: {exc}") from exc
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers and the single writer work side by side; a busy
            # writer is waited for instead of failing at once.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    elif engine.startswith("django.db.backends.postgresql"):
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL names an unsupported database ({engine or 'unknown'}); "
            "use sqlite:///path or postgres://user@host:port/name"
        )
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- auth -----------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# Password checks allowed per username within the window (then the username is locked),
# and failed checks per client address (high: a whole outlet may share one address).
TELCODESK_LOGIN_ATTEMPTS = int(os.environ.get("TELCODESK_LOGIN_ATTEMPTS", "5"))
TELCODESK_LOGIN_ADDRESS_ATTEMPTS = int(os.environ.get("TELCODESK_LOGIN_ADDRESS_ATTEMPTS", "50"))
TELCODESK_LOGIN_WINDOW_SECONDS = int(os.environ.get("TELCODESK_LOGIN_WINDOW_SECONDS", "900"))


# --- security baseline ----------------------------------------------------

SECURE_COOKIES = env_flag("TELCODESK_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads it for its X-CSRFToken header
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTP Strict Transport Security: browsers use HTTPS only for this many seconds. Off (0)
# by default because it is sticky; production served over HTTPS sets it (31536000 = a
# year). Sent on HTTPS requests only.
SECURE_HSTS_SECONDS = int(os.environ.get("TELCODESK_HSTS_SECONDS", "0"))
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("TELCODESK_HSTS_SECONDS must be 0 (off) or a number of seconds")
# Behind a proxy that terminates TLS, the request reaches us over plain HTTP: trust the
# proxy's X-Forwarded-Proto header (only when the proxy sets it and clients cannot) so
# that HSTS and secure cookies see the request as HTTPS.
if env_flag("TELCODESK_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


# --- language and time ----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TELCODESK_TIME_ZONE", "Asia/Shanghai")
try:
    from zoneinfo import ZoneInfo

    ZoneInfo(TIME_ZONE)
except Exception as exc:  # ZoneInfoNotFoundError, ValueError
    raise ImproperlyConfigured(f"TELCODESK_TIME_ZONE {TIME_ZONE!r} is not a known zone") from exc

# The operator's working day, used by working-hour limits (HH:MM-HH:MM).
TELCODESK_WORKING_HOURS = os.environ.get("TELCODESK_WORKING_HOURS", "08:30-17:30")


# --- static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"


# --- caches (rate limits) --------------------------------------------------

_redis_url = os.environ.get("TELCODESK_REDIS_URL")
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}


# --- background tasks -----------------------------------------------------

# The queue of slow work (report computations): the database by default, run by
# ``telcodesk worker``. TELCODESK_TASKS_BACKEND names another django-tasks backend class
# (a Redis one, once a maintained package exists; none is a dependency today).
TASKS = {"default": {"BACKEND": os.environ.get("TELCODESK_TASKS_BACKEND",
                                               "django_tasks_db.DatabaseBackend")}}
# Seconds between two passes of the clock process.
TELCODESK_CLOCK_INTERVAL = float(os.environ.get("TELCODESK_CLOCK_INTERVAL", "15"))


# --- SMS (notify) -----------------------------------------------------------

# Where SMS go: file:///path/sms.jsonl (one JSON line per message) or
# smpp://system_id:password@host:port?source_addr=10000&system_type=&rate=100&window=10
TELCODESK_SMS_URL = os.environ.get("TELCODESK_SMS_URL", f"file://{VAR_DIR / 'sms.jsonl'}")
# The source address subscribers see (file transport; SMPP takes source_addr from its URL).
TELCODESK_SMS_SENDER = os.environ.get("TELCODESK_SMS_SENDER", "10000")
# Marketing SMS wait outside this local window (HH:MM-HH:MM, may cross midnight).
TELCODESK_QUIET_HOURS = os.environ.get("TELCODESK_QUIET_HOURS", "21:00-08:00")
# Attempts before a message fails for good, and the exponential backoff between them.
TELCODESK_SMS_MAX_ATTEMPTS = int(os.environ.get("TELCODESK_SMS_MAX_ATTEMPTS", "8"))
TELCODESK_SMS_RETRY_BASE_SECONDS = float(os.environ.get("TELCODESK_SMS_RETRY_BASE_SECONDS",
                                                        "30"))
TELCODESK_SMS_RETRY_MAX_SECONDS = float(os.environ.get("TELCODESK_SMS_RETRY_MAX_SECONDS",
                                                       "3600"))
# How long a dispatcher owns the messages it claimed; after that another may take them.
TELCODESK_SMS_LEASE_SECONDS = float(os.environ.get("TELCODESK_SMS_LEASE_SECONDS", "60"))
# A submitted message without a final receipt after this long is marked expired.
TELCODESK_SMS_VALIDITY_HOURS = float(os.environ.get("TELCODESK_SMS_VALIDITY_HOURS", "48"))
# Messages one dispatcher pass claims and submits together.
TELCODESK_SMS_BATCH_SIZE = int(os.environ.get("TELCODESK_SMS_BATCH_SIZE", "200"))


# --- API ------------------------------------------------------------------

# Default and maximum page size of TMF collections.
TELCODESK_API_DEFAULT_LIMIT = 100
TELCODESK_API_MAX_LIMIT = 1000
# X-Total-Count is exact up to this many matches; above it a list answers the
# planner's estimate (PostgreSQL) or a count kept this many seconds (SQLite), and
# says so with X-Total-Count-Exact: false (docs/api.md, "Collections: paging").
TELCODESK_API_EXACT_COUNT_LIMIT = int(os.environ.get("TELCODESK_API_EXACT_COUNT_LIMIT", "10000"))
TELCODESK_API_COUNT_CACHE_SECONDS = int(os.environ.get("TELCODESK_API_COUNT_CACHE_SECONDS", "60"))
# TMF event listeners may be registered on loopback, private and link-local
# addresses (a closed network, tests). Off: the hub never calls inside.
TELCODESK_EVENT_PRIVATE_CALLBACKS = env_flag("TELCODESK_EVENT_PRIVATE_CALLBACKS", False)


# --- logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_phones": {"()": "telcodesk.core.logging.MaskPhoneNumbersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_phones"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TELCODESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


# --- orders -----------------------------------------------------------------

# Hours a subscriber has to confirm a value-added service order a second time.
TELCODESK_VAS_CONFIRM_HOURS = float(os.environ.get("TELCODESK_VAS_CONFIRM_HOURS", "24"))
# Days after which a resolved repair closes by itself unless the subscriber reopens it.
TELCODESK_REPAIR_CONFIRM_DAYS = float(os.environ.get("TELCODESK_REPAIR_CONFIRM_DAYS", "7"))


# --- hotline and complaints -------------------------------------------------------------

# Calls abandoned within this many seconds of entering the agent queue may be left
# out of the answer-timeliness denominator (STANDARDS.md, hotline rows).
TELCODESK_HOTLINE_GRACE_SECONDS = float(os.environ.get("TELCODESK_HOTLINE_GRACE_SECONDS", "5"))
# Whether those short abandons are left out (True) or counted as not answered in time.
TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS = (
    os.environ.get("TELCODESK_HOTLINE_EXCLUDE_SHORT_ABANDONS", "1") not in ("0", "false", "no"))
# Days a subscriber may answer a satisfaction survey by SMS.
TELCODESK_SURVEY_REPLY_DAYS = float(os.environ.get("TELCODESK_SURVEY_REPLY_DAYS", "7"))
# Where subscribers reach the self-service pages (the survey link in the survey SMS):
# scheme, host and port, no path. The demo sets it to the address it serves.
TELCODESK_PUBLIC_URL = os.environ.get("TELCODESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A complaint by the same subscriber about the same category within this many days is a repeat.
TELCODESK_COMPLAINT_REPEAT_DAYS = int(os.environ.get("TELCODESK_COMPLAINT_REPEAT_DAYS", "30"))
