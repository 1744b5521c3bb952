"""Settings for the registry site, read from the environment.

The defaults run the zero-setup demo (SQLite, an embedded Redis started by `manage.py rundemo`).
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; a value that
cannot be understood stops the process at start-up instead of being guessed at.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


_RATE = re.compile(r"([1-9]\d*)/(\d*)([smhd])")


def env_rate(name: str, default: str) -> str:
    """A rate limit such as 10/m, 5/h or 100/15m (per second, minute, hour or day)."""
    raw = os.environ.get(name, default).strip()
    if not _RATE.fullmatch(raw):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 10/m, 5/h or 100/15m (s, m, h or d), not {raw!r}"
        )
    return raw


_OFFSET = re.compile(r"(\d+)([hm]?)")


def env_minutes(name: str, default: str) -> list[int]:
    """Spans before an event in minutes, from hours such as "24,2" or with units such as
    "24h,2h,15m" (h: hours, m: minutes), the longest first."""
    raw = os.environ.get(name, default)
    minutes = set()
    for part in raw.replace(" ", "").split(","):
        match = _OFFSET.fullmatch(part)
        if not match or int(match[1]) <= 0:
            raise ImproperlyConfigured(f"{name} must be hours like 24,2 or 24h,30m, not {raw!r}")
        minutes.add(int(match[1]) * (1 if match[2] == "m" else 60))
    return sorted(minutes, reverse=True)


def env_quiet(name: str, default: str) -> tuple[dt.time, dt.time]:
    """Quiet hours such as 21:00-09:00 (across midnight when the start is later)."""
    raw = os.environ.get(name, default)
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be like 21:00-09:00, not {raw!r}") from None
    if start == end:
        raise ImproperlyConfigured(f"{name} must be like 21:00-09:00, not {raw!r}")
    return start, end


def env_time(name: str, default: str) -> dt.time:
    raw = os.environ.get(name, default)
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time like 08:00, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Public URL of the site, used in emails and printed by the demo runner.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "registry.apps.StaffAdminConfig",  # django.contrib.admin, asking staff for a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "registry",
    "recruitment",
]

MIDDLEWARE = [
    # First, so everything after it (rate limits, /healthz) sees the visitor's own address.
    "registry.middleware.client_address",
    "django.middleware.security.SecurityMiddleware",
    # Before refuse_bad_input, so its 400 page carries these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the session, the form or the database.
    "registry.middleware.refuse_bad_input",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the ETag below was computed on (the ETag turns weak), never static files
    # (WhiteNoise above serves them precompressed) nor pages carrying a token (BREACH).
    "registry.http_cache.GZipExceptSecretsMiddleware",
    # An ETag on every page that may be stored, and 304 when the browser or proxy has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.site",
            ],
        },
    },
]

# Widgets render with the project's templates, so a widget can have a template of its own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo under a burst of bookings. WAL lets pages be read while a booking writes.
    # IMMEDIATE takes the write lock when a transaction begins, so bookings queue for it (up to
    # `timeout` seconds) instead of failing with "database is locked" when a transaction that
    # began by reading tries to write while another holds the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}"
    )

CACHES = {
    "default": {
        "BACKEND": "registry.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "registry"),
        # Rate-limit counters and the heartbeat: a Redis that does not answer within a second
        # is treated as an empty cache (registry.cache), so rate limits fail open.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Rendered pieces of pages, in each process's memory, named by the live data they show
    # (a site's days and their free places), so a change of data is simply another name.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Public pages without forms (registry.http_cache): browsers and proxies may keep the home and
# education pages this long, and the site renders each into the cache above once per period;
# pages with live free places may be kept by a shared cache (s-maxage) only this briefly.
PUBLIC_PAGE_SECONDS = env_int("PUBLIC_PAGE_SECONDS", 300)
LIVE_PAGE_SECONDS = env_int("LIVE_PAGE_SECONDS", 10)
# The site keeps its renderings of the pages with live places and of the checker's first page
# in the cache above, renamed whenever their data change; this long at most, which bounds what
# the passing of time changes (a time that has begun). 0 renders every request.
RENDER_CACHE_SECONDS = env_int("RENDER_CACHE_SECONDS", 30)

# Reminders (recruitment/services/reminders.py): before an appointment (hours, or with units:
# "24h,2h,10m"); days before a drive, and the local time of the reminder on the drive's morning.
REMINDER_MINUTES = env_minutes("REMINDER_HOURS", "24,2")
DRIVE_REMINDER_DAYS = env_int("DRIVE_REMINDER_DAYS", 2)
DRIVE_REMINDER_MORNING = env_time("DRIVE_REMINDER_MORNING", "08:00")
# After the day: the local time of the thank-you (attended) and "we missed you" (did not come)
# emails on the next day.
AFTER_DAY_AT = env_time("AFTER_DAY_AT", "10:00")

# SMS (recruitment/sms): opt-in reminders. The console backend prints them (the demo); the
# SMS.ru backend sends them. Never in the quiet hours, recipient's local time. Replies (a numeric
# sender only) and delivery reports come to /sms/callback/<SMS_WEBHOOK_SECRET>.
SMS_ENABLED = env_bool("SMS_ENABLED", True)
SMS_BACKEND = env_str("SMS_BACKEND", "recruitment.sms.backends.console.SmsBackend")
SMS_API_URL = env_str("SMS_API_URL", "https://sms.ru")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "")
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)
SMS_QUIET_HOURS = env_quiet("SMS_QUIET_HOURS", "21:00-09:00")
SMS_WEBHOOK_SECRET = os.environ.get("SMS_WEBHOOK_SECRET", "")
# Whether people can answer our SMS (a numeric sender): the text then says "reply YES or NO".
SMS_REPLIES = env_bool("SMS_REPLIES", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (registry.auth): password, then a code from an authenticator app or a recovery
# code; the admin and the staff pages need both. Lockout counts failed passwords per username
# *and* address: an attacker locks an account only from their own address, never for its owner
# everywhere; guessing the code is slowed by django-otp, which waits longer after each wrong one.
# Failures are kept in the database, so sign-in keeps working while Redis is down.
# `manage.py axes_reset` (or deleting the row in the admin) lifts a lockout early.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "registry.auth.locked_out"  # a page in the visitor's language, 429
# REMOTE_ADDR, which registry.middleware.client_address sets from X-Real-IP behind the proxy;
# axes reads no forwarding header of its own.
AXES_CLIENT_IP_CALLABLE = "registry.auth.client_address"
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Donor registry")
# Secrets and recovery codes are shown once, at enrolment, never again in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Language and time
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
FORMAT_MODULE_PATH = ["registry.formats"]  # one date style per language

# Static files
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Every header is on in every mode; the HTTPS-only ones follow HTTPS.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Sessions (staff and organisers signed in) are read from the cache, written through to the
# database: a Redis that is away only means reading them from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that overwrites X-Forwarded-Proto and X-Real-IP (registry.middleware).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads nothing from it; the token travels in hx-headers
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Rate limits on public forms. The cache fails open, so Redis being down never blocks a volunteer.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# The checker: every answer counts against a high ceiling per address (RATELIMIT_CHECKER);
# completed checks count per browser and, generously, per address (a hall of students behind
# one network takes hundreds of checks an hour).
RATELIMIT_CHECKER = env_rate("RATELIMIT_CHECKER", "6000/h")
RATELIMIT_CHECKER_BROWSER = env_rate("RATELIMIT_CHECKER_BROWSER", "20/h")
RATELIMIT_CHECKER_ADDRESS = env_rate("RATELIMIT_CHECKER_ADDRESS", "1000/h")
RATELIMIT_BOOKING = env_rate("RATELIMIT_BOOKING", "10/m")
RATELIMIT_BOOKING_EMAIL = env_rate("RATELIMIT_BOOKING_EMAIL", "5/h")

# Celery: Redis as broker; periodic work is defined here, in code.
# Celery spells a Unix socket (the demo's embedded Redis) differently from redis-py.
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL",
    REDIS_URL.replace("unix://", "redis+socket://", 1)
    if REDIS_URL.startswith("unix://")
    else REDIS_URL,
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing on a request path (queueing an email) waits at most about a second for a Redis
# that accepts and never answers, then fails; the caller logs it and the outbox sweep sends the
# email later (fails open). No retry: max_retries 0 tries the connection once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 0,
}
CELERY_TASK_ALWAYS_EAGER = False
# A task is acknowledged once it has run, not when a worker takes it: a worker killed mid-send
# leaves it to another. The outbox's claim (a row is sent by whoever claims it) and its stable
# Message-ID make that second attempt harmless (recruitment/services/outbox.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task runs for ever (an SMTP server that stops answering mid-message): a soft limit raises
# in the task, the hard one ends the worker process; a row left "sending" is swept again later.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Publishing gives up at once when Redis is down: the outbox sweep sends what was not queued.
CELERY_TASK_PUBLISH_RETRY = False
# /healthz fails when the beat's outbox sweep (every 30 s) has not run for this long.
SWEEP_STALE_SECONDS = env_int("SWEEP_STALE_SECONDS", 300)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "registry.tasks.heartbeat", "schedule": 60.0},
    "outbox-sweep": {"task": "recruitment.tasks.sweep_outbox", "schedule": 30.0},
    "generate-slots": {"task": "recruitment.tasks.generate_slots", "schedule": 3600.0},
    "expire-waitlist-offers": {"task": "recruitment.tasks.expire_offers", "schedule": 60.0},
}

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The right-hand side of every Message-ID; defaults to the host of SITE_URL.
EMAIL_MESSAGE_ID_DOMAIN = env_str(
    "EMAIL_MESSAGE_ID_DOMAIN", SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
)

# How volunteers reach a person at the registry (shown on "ask us" results and in the footer).
REGISTRY_CONTACT_EMAIL = env_str("REGISTRY_CONTACT_EMAIL", "donors@registry.example")
REGISTRY_CONTACT_PHONE = env_str("REGISTRY_CONTACT_PHONE", "+7 800 000-00-00")

# How long a waiting-list offer holds a freed place for the person it was offered to.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 120)

# Eligibility: how long a passed check may be used to book.
ELIGIBILITY_PROOF_MAX_AGE_DAYS = env_int("ELIGIBILITY_PROOF_MAX_AGE_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the logs; 4xx lines carry only the path.
        "django.request": {"level": "ERROR"},
        # Axes logs every start and every successful sign-in at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}
