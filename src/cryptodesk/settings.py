"""Django settings, read from the environment.

Two modes share this file. The embedded mode (default) needs nothing but this package: SQLite in
WAL mode under ``./var/``, the in-memory channel layer, a secret key generated on first run. The
production mode (``CRYPTODESK_MODE=production``) refuses to start without an explicit secret key
and allowed hosts, and is where ``DATABASE_URL`` and ``REDIS_URL`` point at real services.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CRYPTODESK_VAR_DIR", Path.cwd() / "var")).resolve()

MODE = os.environ.get("CRYPTODESK_MODE", "embedded").strip().lower()
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured("CRYPTODESK_MODE must be 'embedded' or 'production'.")
PRODUCTION = MODE == "production"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Values that must never be accepted as a production secret.
INSECURE_SECRET_KEYS = {"", "changeme", "change-me", "secret", "django-insecure", "cryptodesk"}


def load_secret_key() -> str:
    configured = os.environ.get("CRYPTODESK_SECRET_KEY", "").strip()
    if PRODUCTION:
        if configured.lower() in INSECURE_SECRET_KEYS or len(configured) < 32:
            raise ImproperlyConfigured(
                "CRYPTODESK_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production mode (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))')."
            )
        return configured
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Write a private temporary file, then link it into place: the link either appears whole
    # or fails because another process won, whose complete key is then read.
    temporary = VAR_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(temporary, key_file)
    except FileExistsError:
        key = key_file.read_text().strip()
    finally:
        temporary.unlink()
    return key


SECRET_KEY = load_secret_key()
DEBUG = env_bool("CRYPTODESK_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "CRYPTODESK_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("CRYPTODESK_ALLOWED_HOSTS must list the host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CRYPTODESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "js_lib_htmx",
    "django_tasks",
    "django_tasks_db",
    "cryptodesk.core",
    "cryptodesk.accounts",
    "cryptodesk.customers",
    "cryptodesk.tickets",
    "cryptodesk.guard",
    "cryptodesk.nlu",
    "cryptodesk.web",
    "cryptodesk.portal",
    "cryptodesk.sla",
    "cryptodesk.macros",
    "cryptodesk.complaints",
    "cryptodesk.kb",
    "cryptodesk.mail",
    "cryptodesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cryptodesk.accounts.middleware.AgentLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cryptodesk.urls"
WSGI_APPLICATION = "cryptodesk.wsgi.application"
ASGI_APPLICATION = "cryptodesk.asgi.application"

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
                "cryptodesk.web.context_processors.console",
            ],
        },
    }
]


def database_settings() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Django's psycopg pool: CONN_MAX_AGE > 0 leaks connections under ASGI (DESIGN.md).
            config["CONN_MAX_AGE"] = 0
            config["OPTIONS"] = {
                "pool": {
                    "min_size": int(os.environ.get("CRYPTODESK_DB_POOL_MIN", "2")),
                    "max_size": int(os.environ.get("CRYPTODESK_DB_POOL_MAX", "20")),
                    "timeout": float(os.environ.get("CRYPTODESK_DB_POOL_TIMEOUT", "5")),
                }
            }
            config["TEST"] = {"NAME": os.environ.get("CRYPTODESK_TEST_DB_NAME", "test_cryptodesk")}
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "cryptodesk.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
        "TEST": {"NAME": str(VAR_DIR / "test-cryptodesk.sqlite3")},
    }


DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer carried 2,000 msgs/s here where the list-based one dropped
            # messages; redis-py needs socket_timeout=None for its long-lived subscriptions.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                # Pub/sub ignores the database number: installs sharing a Redis need their own
                # prefix or they hear each other's events.
                "prefix": os.environ.get("CRYPTODESK_REDIS_PREFIX", "cryptodesk"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cryptodesk",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tickets:queue"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CRYPTODESK_STATIC_ROOT", VAR_DIR / "static"))
if not PRODUCTION:
    # whitenoise serves from the finders in the embedded mode; the folder only has to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("CRYPTODESK_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("CRYPTODESK_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Upload limits: one attachment, and the whole request body (several attachments plus text).
CRYPTODESK_MAX_ATTACHMENT_BYTES = int(os.environ.get("CRYPTODESK_MAX_ATTACHMENT_BYTES", 10 << 20))
CRYPTODESK_MAX_ATTACHMENTS = 10
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
CRYPTODESK_MAX_MESSAGE_CHARS = 100_000

# The named stages of the message path (DESIGN.md); later capabilities replace the defaults.
CRYPTODESK_PIPELINE = {
    "guard": "cryptodesk.guard.redact.guard_message",
    "understand": "cryptodesk.nlu.stage.understand_message",
    # The same stage for a batch (email ingestion understands many messages at once).
    "understand_many": "cryptodesk.nlu.stage.understand_messages",
    "triage": "cryptodesk.nlu.triage.triage_by_rules",
}
# How a message meant for the customer leaves through its ticket's channel: channel name ->
# dotted path of a callable taking the message id, called after commit. Channels missing here
# (portal, api) deliver by letting the customer read the ticket.
CRYPTODESK_OUTBOUND: dict[str, str] = {
    "email": "cryptodesk.mail.outbound.deliver_message",
}
# The intent model the understand stage loads (default: the one shipped in cryptodesk/nlu/model).
CRYPTODESK_INTENT_MODEL = os.environ.get("CRYPTODESK_INTENT_MODEL", "")


# --- email channel (docs/email.md) ---
# Outbound SMTP for mailboxes without their own smtp_url: CRYPTODESK_SMTP_URL is
# smtp://user:password@host:587?starttls, smtps://user:password@host:465 or smtp://host:25.
def email_settings() -> dict[str, Any]:
    from urllib.parse import unquote, urlsplit

    url = os.environ.get("CRYPTODESK_SMTP_URL", "").strip()
    if not url:
        return {"EMAIL_HOST": "localhost", "EMAIL_PORT": 25}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise ImproperlyConfigured("CRYPTODESK_SMTP_URL must start with smtp:// or smtps://.")
    return {
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+starttls" or "starttls" in parts.query,
    }


_email = email_settings()
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if not PRODUCTION and not os.environ.get("CRYPTODESK_SMTP_URL", "").strip():
    # The embedded mode without a mail server: outgoing mail is written to files instead.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox"
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("CRYPTODESK_DEFAULT_FROM_EMAIL", "support@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Inbound: the SMTP listener's limits, the per-sender rate limit, the spool of raw messages
# not yet committed, and the delays (seconds) between attempts to send a reply.
CRYPTODESK_SMTPD_HOST = os.environ.get("CRYPTODESK_SMTPD_HOST", "127.0.0.1")
CRYPTODESK_SMTPD_PORT = int(os.environ.get("CRYPTODESK_SMTPD_PORT", "2525"))
CRYPTODESK_EMAIL_MAX_BYTES = int(os.environ.get("CRYPTODESK_EMAIL_MAX_BYTES", 25 << 20))
CRYPTODESK_EMAIL_MAX_RECIPIENTS = int(os.environ.get("CRYPTODESK_EMAIL_MAX_RECIPIENTS", "20"))
CRYPTODESK_EMAIL_RATE_LIMIT = int(os.environ.get("CRYPTODESK_EMAIL_RATE_LIMIT", "30"))
CRYPTODESK_MAIL_SPOOL_DIR = Path(
    os.environ.get("CRYPTODESK_MAIL_SPOOL_DIR", VAR_DIR / "mail-spool")
)
CRYPTODESK_MAIL_SPOOL_FSYNC = env_bool("CRYPTODESK_MAIL_SPOOL_FSYNC", True)
CRYPTODESK_EMAIL_RETRY_DELAYS = [
    int(x) for x in env_list("CRYPTODESK_EMAIL_RETRY_DELAYS", ["60", "300", "1800", "7200"])
]
# Links in messages to customers (complaint follow-ups) start here; the follow-up question is
# asked this many days (fractions allowed) after a complaint's ticket is solved.
CRYPTODESK_PUBLIC_URL = os.environ.get("CRYPTODESK_PUBLIC_URL", "http://127.0.0.1:8000")
CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS = os.environ.get("CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS", "3")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CRYPTODESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task run is noise at INFO; failures still show.
        "django_tasks": {"level": os.environ.get("CRYPTODESK_TASK_LOG_LEVEL", "WARNING")},
    },
}
