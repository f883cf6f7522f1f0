"""Klient settings, configured from the environment.

Embedded defaults (SQLite, in-process worker, in-memory channel layer) need nothing set.
Production sets DATABASE_URL and REDIS_URL; the same code runs in both.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KLIENT_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """Use KLIENT_SECRET_KEY, else a key generated once and kept in the data directory.

    Signed reply addresses depend on it, so it must survive restarts.
    """
    if key := os.environ.get("KLIENT_SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Old keys, comma-separated, still accepted for sessions, signed reply addresses and sealed
# secrets while rotating KLIENT_SECRET_KEY.
SECRET_KEY_FALLBACKS = [
    k for k in os.environ.get("KLIENT_SECRET_KEY_FALLBACKS", "").split(",") if k
]
DEBUG = os.environ.get("KLIENT_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("KLIENT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("KLIENT_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "klient.core",
    "klient.calendars",
    "klient.people",
    "klient.conversations",
    "klient.notifications",
    "klient.sla",
    "klient.mail",
    "klient.phone",
    "klient.reports",
    "klient.collab",
    "klient.macros",
    "klient.knowledge",
    "klient.routing",
    "klient.external_calendars",
    "klient.webhooks",
    "klient.chat",
    "klient.scheduling",
    "klient.surveys",
    "klient.tone",
    "klient.promises",
    "klient.sentiment",
    "klient.voice",
    "klient.automations",
    "klient.privacy",
    "klient.importers",
    "klient.workspace",
    "klient.administration",
    "klient.portal",
    "klient.live",
    "klient.api",
    # Last: Django's own form widget templates, after the ones Klient overrides.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "klient.workspace.middleware.AgentTimeZoneMiddleware",
    "klient.workspace.middleware.AgentLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: a write request is one durable transaction (klient.core.transactions).
    "klient.core.transactions.WriteRequestMiddleware",
]

ROOT_URLCONF = "klient.urls"
WSGI_APPLICATION = "klient.wsgi.application"
ASGI_APPLICATION = "klient.asgi.application"

# Widgets render through the project's templates, so klient.workspace can override one
# (django/forms/widgets/select.html: the same markup, faster).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'klient.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, SMTP and worker threads of embedded mode read while one writes;
    # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    # Worker and listener threads keep their connection: opening one is not free.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Klient's queries read a page of rows through an index; starting parallel workers
    # cost more than the work (the "waiting on us" view: 106 -> 68 ms at 1M
    # conversations, docs/performance.md). An `options` in DATABASE_URL replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c max_parallel_workers_per_gather=0"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_channel_layers(url: str, prefix: str = "asgi") -> dict[str, Any]:
    """The channel layer on Redis, as production runs it (the tests of the Redis layer use
    this too, under a prefix of their own).

    redis-py 8 caps a pool at 100 connections and then raises instead of waiting (a web
    process holding a thousand chat sockets joins their groups at once), and its 5-second
    socket timeout equals the layer's 5-second blocking pop, so an idle socket's consumer
    died of "Timeout reading" (both seen in bench/chat.py)."""
    host = {"address": url, "max_connections": 2000, "socket_timeout": 15}
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host], "prefix": prefix},
        }
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS.append("django_rq")
    CHANNEL_LAYERS = redis_channel_layers(REDIS_URL)
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:inbox"
LOGOUT_REDIRECT_URL = "workspace:login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("pl", "Polski"),
    ("de", "Deutsch"),
    ("uk", "Українська"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Static files are served from the installed apps (finders); no collectstatic step.
WHITENOISE_AUTOREFRESH = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Klient's own settings. Every one comes from the environment; see README.md.
KLIENT_BLOB_DIR = DATA_DIR / "blobs"
KLIENT_SMTP_RELAY = os.environ.get("KLIENT_SMTP_RELAY", "127.0.0.1:1025")
KLIENT_SMTP_RELAY_SECURITY = os.environ.get("KLIENT_SMTP_RELAY_SECURITY", "none").lower()
if KLIENT_SMTP_RELAY_SECURITY not in {"none", "starttls", "tls"}:
    raise ValueError("KLIENT_SMTP_RELAY_SECURITY must be none, starttls or tls")
KLIENT_SMTP_RELAY_USER = os.environ.get("KLIENT_SMTP_RELAY_USER", "")
KLIENT_SMTP_RELAY_PASSWORD = os.environ.get("KLIENT_SMTP_RELAY_PASSWORD", "")
KLIENT_SMTP_RELAY_CAFILE = os.environ.get("KLIENT_SMTP_RELAY_CAFILE", "")
KLIENT_MAIL_DOMAIN = os.environ.get("KLIENT_MAIL_DOMAIN", "klient.localhost")
KLIENT_MAX_MESSAGE_BYTES = int(os.environ.get("KLIENT_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024)))
KLIENT_BASE_URL = os.environ.get("KLIENT_BASE_URL", "http://127.0.0.1:8000")
# The sender name of emails that belong to no team (sign-in links, agents' notifications);
# empty: the customer's team where there is one, else "Klient Desk" (klient.mail.senders).
KLIENT_ORGANISATION_NAME = os.environ.get("KLIENT_ORGANISATION_NAME", "").strip()
# Short: a worker renews the leases it holds while it works (core.work), so this bounds
# how long a killed worker's work waits to be taken over, not how long work may take.
KLIENT_LEASE_SECONDS = int(os.environ.get("KLIENT_LEASE_SECONDS", "10"))
# An agent's reply waits this long before it is handed to its channel, so it can be undone
# (conversations.drafts); 0 hands it over at once.
KLIENT_UNDO_SEND_SECONDS = int(os.environ.get("KLIENT_UNDO_SEND_SECONDS", "10"))
if KLIENT_UNDO_SEND_SECONDS < 0:
    raise ValueError("KLIENT_UNDO_SEND_SECONDS must be 0 (no undo) or more")
# National phone numbers (without +country code) are read as numbers of this region.
KLIENT_PHONE_REGION = os.environ.get("KLIENT_PHONE_REGION", "PL")
# Routing (issue 14): an agent whose workspace sent no heartbeat for this long counts as
# offline for real-time work; the workspace beats every KLIENT_PRESENCE_HEARTBEAT_SECONDS.
KLIENT_PRESENCE_TIMEOUT_SECONDS = int(os.environ.get("KLIENT_PRESENCE_TIMEOUT_SECONDS", "90"))
KLIENT_PRESENCE_HEARTBEAT_SECONDS = int(os.environ.get("KLIENT_PRESENCE_HEARTBEAT_SECONDS", "30"))
# Real-time work an agent has not taken up (answered) within this long goes to the next one.
KLIENT_ROUTING_ACCEPT_SECONDS = int(os.environ.get("KLIENT_ROUTING_ACCEPT_SECONDS", "30"))

# -- telephony and callbacks (issue 14; docs/telephony.md, docs/callbacks.md) --
# The secrets telephony webhooks are signed with; a provider whose secret is empty is refused.
KLIENT_TELEPHONY_SECRET = os.environ.get("KLIENT_TELEPHONY_SECRET", "")
KLIENT_TWILIO_AUTH_TOKEN = os.environ.get("KLIENT_TWILIO_AUTH_TOKEN", "")
KLIENT_VONAGE_SIGNATURE_SECRET = os.environ.get("KLIENT_VONAGE_SIGNATURE_SECRET", "")
KLIENT_AIRCALL_TOKEN = os.environ.get("KLIENT_AIRCALL_TOKEN", "")
# A callback is due this long after it is asked for (its SLA target).
KLIENT_CALLBACK_TARGET_MINUTES = int(os.environ.get("KLIENT_CALLBACK_TARGET_MINUTES", "60"))
# After a missed attempt the next is this long later (inside the window when it can be), at
# most this many attempts in all.
KLIENT_CALLBACK_ATTEMPTS = int(os.environ.get("KLIENT_CALLBACK_ATTEMPTS", "3"))
KLIENT_CALLBACK_RETRY_MINUTES = int(os.environ.get("KLIENT_CALLBACK_RETRY_MINUTES", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "klient": {"handlers": ["console"], "level": os.environ.get("KLIENT_LOG_LEVEL", "INFO")},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING"},
    },
}
# Voice of the customer (issue 17): topics are recomputed over this many ISO weeks, this
# long after the message that asked for it (a burst of messages is one recomputation).
KLIENT_VOICE_WEEKS = int(os.environ.get("KLIENT_VOICE_WEEKS", "26"))
KLIENT_VOICE_REFRESH_SECONDS = int(os.environ.get("KLIENT_VOICE_REFRESH_SECONDS", "300"))
if KLIENT_VOICE_WEEKS < 1 or KLIENT_VOICE_REFRESH_SECONDS < 0:
    raise ValueError("KLIENT_VOICE_WEEKS must be 1 or more, KLIENT_VOICE_REFRESH_SECONDS 0 or more")
