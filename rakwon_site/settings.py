"""Rakwon settings: every value comes from the environment; the defaults are the embedded mode.

Embedded mode (no variables set besides SECRET_KEY): SQLite, in-process channel layer, a Celery
worker on kombu's filesystem transport, mail written to files. Scaled mode: set DATABASE_URL and
REDIS_URL. See README.md, "Configuration".
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RAKWON_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("RAKWON_TESTING", False)

_DEV_SECRET = "insecure-development-key-never-use-in-production"  # noqa: S105
# The placeholder of deploy/rakwon.env.example: a server started with it unchanged must not run.
_EXAMPLE_SECRET = "change-me-to-a-long-random-value"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off: set SECRET_KEY to a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
elif not DEBUG and not TESTING and (SECRET_KEY in (_DEV_SECRET, _EXAMPLE_SECRET) or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is too short or a known default: use 32+ random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else [])
if not DEBUG and not TESTING and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty and DEBUG is off: list this server's host names.")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS=* is refused when DEBUG is off: list the host names.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # the API's OpenAPI page: its Swagger UI files are served from /static/, no CDN
    "rules.apps.AutodiscoverRulesConfig",
    "rakwon_site",
    "events",
    "exhibits",
    "media_rtc",
]

MIDDLEWARE = [
    "rakwon_site.logs.RequestLogMiddleware",  # first: its id and duration cover everything below
    "rakwon_site.health.ProbeMiddleware",  # /healthz, /readyz: before host checks and HTTPS redirect
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rakwon_site.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "rakwon_site.urls"
ASGI_APPLICATION = "rakwon_site.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rakwon_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rakwon_site.context_processors.site",
                "rakwon_site.landing.header_roles",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'rakwon.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the Celery worker writes; IMMEDIATE transactions
    # take the write lock up front so two writers queue instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "events.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "landing"  # by role: rakwon_site/landing.py
LOGOUT_REDIRECT_URL = "public:home"

# --- Channels (the live socket) and Redis -------------------------------------------------
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's core layer on a pool that waits when full (events/redis_layer.py).
            "BACKEND": "events.redis_layer.RedisChannelLayer",
            "CONFIG": {
                # socket_timeout None: redis-py's 5 s timeout equals the layer's 5 s blocking
                # read and silently drops idle sockets (channels_redis #422). At most
                # max_connections per process; a call beyond waits `timeout` s, then fails.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": env_int("CHANNEL_REDIS_MAX_CONNECTIONS", 200),
                        "timeout": float(env_str("CHANNEL_REDIS_POOL_TIMEOUT_SECONDS") or 10.0),
                    }
                ],
                "capacity": env_int("CHANNEL_CAPACITY", 1000),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds small shared state (who presents which document page): with Redis it is shared
# by every process; embedded, one process needs nothing more than memory.
# (Tests keep it per process: a shared cache would carry state from one test into another.)
if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------------------
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    # kombu creates only the last level of these folders; the web process, the worker and
    # management commands (load_demo queues work) may start in any order, so each makes sure.
    for _folder in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Processing an upload (PDF pages, video, sound, pictures) is stopped after the soft limit (the
# asset then says why) and its worker process killed after the hard one, so one hostile file
# cannot hold a worker for ever. Keep both below TASK_REDELIVERY_SECONDS.
ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS = env_int("ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS", 1800)
ASSET_PROCESSING_TIME_LIMIT_SECONDS = env_int(
    "ASSET_PROCESSING_TIME_LIMIT_SECONDS", ASSET_PROCESSING_SOFT_TIME_LIMIT_SECONDS + 120
)
# Mail (sign-in links, invitations) has a queue and a worker of its own: it never waits behind
# an hour of video transcoding. Everything else goes to Celery's default queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
MAIL_QUEUE = "mail"
CELERY_TASK_ROUTES = {
    "events.tasks.send_*": {"queue": MAIL_QUEUE},
    "exhibits.tasks.send_*": {"queue": MAIL_QUEUE},
}
# How often each live event's online count is stored for the dashboard's chart (beat with Redis;
# the web process itself without).
ONLINE_SAMPLE_SECONDS = env_int("ONLINE_SAMPLE_SECONDS", 300)
CELERY_BEAT_SCHEDULE = {
    # Data retention: events past their retention period are exported, then shredded.
    "shred-expired-events": {"task": "events.tasks.shred_expired_events", "schedule": 24 * 3600},
    "delete-expired-exports": {"task": "events.tasks.delete_expired_exports", "schedule": 24 * 3600},
    "forget-old-attempts": {"task": "events.tasks.forget_old_attempts", "schedule": 3600},
    "forget-booth-visit-marks": {"task": "exhibits.tasks.forget_visit_marks", "schedule": 3600},
    # Webhook deliveries that failed are tried again when due; sessions that began are announced.
    "retry-webhook-deliveries": {"task": "events.tasks.retry_webhook_deliveries", "schedule": 60},
    "announce-started-sessions": {"task": "events.tasks.announce_started_sessions", "schedule": 60},
    # Meetings by appointment starting soon: both sides reminded once (mail and live socket).
    "remind-due-meetings": {"task": "exhibits.tasks.remind_due_meetings", "schedule": 60},
    # Recordings whose media process died (no heartbeat) are stopped and their replay prepared.
    "sweep-interrupted-recordings": {"task": "media_rtc.tasks.sweep_interrupted_recordings", "schedule": 60},
    # The dashboard's "online over the event": each live event's online count, every 5 minutes.
    "sample-online-counts": {"task": "events.tasks.sample_online_counts", "schedule": ONLINE_SAMPLE_SECONDS},
}

# --- Mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that accepts the connection and then says nothing must not hold a mail worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rakwon <rakwon@localhost>")
# Links in mail must point at this server as visitors reach it.
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# --- Languages ----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "rakwon_site" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Seoul")

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Exports of personal data are written here and never served by a web server.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(VAR_DIR / "private")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600 * 24 * 30
# Source maps (the API docs' bundles carry 20 MB of them) are read only by a developer's tools:
# compressing them twice took most of collectstatic's minute of CPU and saved nobody a byte.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *Compressor.SKIP_COMPRESS_EXTENSIONS,
    "map",
)
# Tests and DEBUG serve straight from the apps' static folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Limits: one place for each -----------------------------------------------------------
LOGO_MAX_BYTES = env_int("LOGO_MAX_BYTES", 2 * 1024 * 1024)
LOGO_MAX_PIXELS = env_int("LOGO_MAX_PIXELS", 4096 * 4096)
PAGE_WEIGHT_BUDGET_BYTES = 60 * 1024
# Importing exhibitors and booths from a CSV: a 1,000-booth expo fits in a few hundred KB.
FLOOR_IMPORT_MAX_BYTES = env_int("FLOOR_IMPORT_MAX_BYTES", 512 * 1024)
FLOOR_IMPORT_MAX_ROWS = env_int("FLOOR_IMPORT_MAX_ROWS", 2000)
# Exhibitor logos on the visitor's hall plan: a small square thumbnail, made once and kept.
PLAN_LOGO_PIXELS = env_int("PLAN_LOGO_PIXELS", 48)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# A stage speaker's invitation mail, "Send again" included: at most this many to one invited
# speaker, and from one person naming speakers at most this many in all, per window.
STAGE_INVITATION_MAILS_PER_SPEAKER = env_int("STAGE_INVITATION_MAILS_PER_SPEAKER", 3)
STAGE_INVITATION_MAILS_PER_NAMER = env_int("STAGE_INVITATION_MAILS_PER_NAMER", 30)
STAGE_INVITATION_MAIL_WINDOW_MINUTES = env_int("STAGE_INVITATION_MAIL_WINDOW_MINUTES", 60)
# Who may create events (events.services.signup): "open" (any account), "invitation" (accounts a
# superuser invited as organisers, owners of an event, superusers; sign-up needs an invitation) or
# "superuser" (only superusers). A closed network's default: by invitation.
ORGANISER_SIGNUP = (env_str("ORGANISER_SIGNUP") or "invitation").strip().lower()
if ORGANISER_SIGNUP not in {"open", "invitation", "superuser"}:
    raise ImproperlyConfigured("ORGANISER_SIGNUP must be open, invitation or superuser.")
# Registration: sign-in links and the rate limits that guard them (attempts per window).
SIGNIN_LINK_VALID_DAYS = env_int("SIGNIN_LINK_VALID_DAYS", 7)
SIGNIN_MAIL_WINDOW_MINUTES = env_int("SIGNIN_MAIL_WINDOW_MINUTES", 60)
SIGNIN_MAILS_PER_ADDRESS = env_int("SIGNIN_MAILS_PER_ADDRESS", 5)
SIGNIN_MAILS_PER_IP = env_int("SIGNIN_MAILS_PER_IP", 30)
SIGNIN_CODE_WINDOW_MINUTES = env_int("SIGNIN_CODE_WINDOW_MINUTES", 15)
SIGNIN_CODE_FAILURES_PER_ADDRESS = env_int("SIGNIN_CODE_FAILURES_PER_ADDRESS", 5)
SIGNIN_CODE_FAILURES_PER_IP = env_int("SIGNIN_CODE_FAILURES_PER_IP", 20)
ACCESS_CODE_WINDOW_MINUTES = env_int("ACCESS_CODE_WINDOW_MINUTES", 15)
ACCESS_CODE_FAILURES_PER_IP = env_int("ACCESS_CODE_FAILURES_PER_IP", 10)
# Per code prefix (its first 4 characters), across all senders; never per event, so that one
# person cannot lock a whole institution out (an IPv6 /64 counts as one sender).
ACCESS_CODE_FAILURES_PER_PREFIX = env_int("ACCESS_CODE_FAILURES_PER_PREFIX", 20)
# Booth content: upload sizes per kind, and what processing makes of the files.
_MB = 1024 * 1024
ASSET_MAX_BYTES = {
    "document": env_int("ASSET_MAX_MB_DOCUMENT", 50) * _MB,
    "video": env_int("ASSET_MAX_MB_VIDEO", 500) * _MB,
    "audio": env_int("ASSET_MAX_MB_AUDIO", 50) * _MB,
    "image": env_int("ASSET_MAX_MB_IMAGE", 20) * _MB,
}
BOOTH_MAX_ASSETS = env_int("BOOTH_MAX_ASSETS", 60)  # a booth is a stand, not an archive
BOOTH_MAX_LINKS = 20
BOOTH_MAX_TAGS = 12
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 300)
PDF_PAGE_WIDTH = 1000  # page images a phone on a poor link can afford
PDF_PAGE_MAX_PIXELS = 1000 * 4000  # a strangely tall page is scaled down, not rendered huge
PDF_PAGE_MAX_ASPECT = 50  # a page longer than 50 times its width (or the reverse) is refused
PDF_THUMB_WIDTH = 240
IMAGE_MAX_PIXELS = 40_000_000  # decompression-bomb guard, on the size the header declares
IMAGE_DISPLAY_WIDTH = 1600
IMAGE_THUMB_WIDTH = 400
VIDEO_LOW_HEIGHT = 360  # the low-bitrate variant visitors play by default: video + sound ≤ 500 kbit/s
VIDEO_LOW_BITRATE = 400_000
VIDEO_LOW_AUDIO_BITRATE = 64_000
VIDEO_LOW_MAX_FPS = 30
VIDEO_MAX_SECONDS = env_int("VIDEO_MAX_SECONDS", 3600)
VIDEO_MAX_PIXELS = 4096 * 2304  # decoding larger sources costs the worker too much
VIDEO_POSTER_WIDTH = 640
AUDIO_OPUS_BITRATE = 32_000
AUDIO_MAX_SECONDS = env_int("AUDIO_MAX_SECONDS", 3600)
# Booth analytics: counts, never a log of who. Repeats within the window count once.
BOOTH_VISIT_REPEAT_MINUTES = 10
ASSET_EVENT_REPEAT_MINUTES = 10
ASSET_EVENTS_PER_SESSION = 200
BOOTH_ANALYTICS_DAYS = 14
EXPORT_PROGRESS_EVERY = env_int("EXPORT_PROGRESS_EVERY", 200)
EXPORT_FILE_KEEP_DAYS = env_int("EXPORT_FILE_KEEP_DAYS", 7)
SHRED_EXPORT_MAX_AGE_MINUTES = env_int("SHRED_EXPORT_MAX_AGE_MINUTES", 60)
SOCKET_MAX_FRAME_BYTES = env_int("SOCKET_MAX_FRAME_BYTES", 16 * 1024)
# Per socket: a bucket of SOCKET_BURST frames refilled at SOCKET_RATE_PER_SECOND; the
# SOCKET_FLOOD_STRIKES-th refused frame in a flood closes the socket with 4429.
SOCKET_RATE_PER_SECOND = float(env_str("SOCKET_RATE_PER_SECOND") or 20.0)
SOCKET_BURST = env_int("SOCKET_BURST", 60)
SOCKET_FLOOD_STRIKES = env_int("SOCKET_FLOOD_STRIKES", 20)
# Live sockets (browser tabs) one person may have open in one event; the next is closed with 4409
# (events/live/tabs.py). In Redis a socket's count lapses this long after its last frame (a killed
# process cannot say goodbye); the browser pings every 20 s.
SOCKET_MAX_TABS = env_int("SOCKET_MAX_TABS", 8)
SOCKET_TABS_TTL_SECONDS = env_int("SOCKET_TABS_TTL_SECONDS", 120)
SOCKET_TABS_REDIS_PREFIX = "tabs:"
# Presence: hall/lobby counts go out once per tick; a socket silent this long has left; a daphne
# process whose heartbeat key is this old has died and its sockets are swept away.
PRESENCE_TICK_SECONDS = float(env_str("PRESENCE_TICK_SECONDS") or 0.8)
PRESENCE_SILENT_SECONDS = env_int("PRESENCE_SILENT_SECONDS", 60)
PRESENCE_PROCESS_TTL_SECONDS = env_int("PRESENCE_PROCESS_TTL_SECONDS", 10)
PRESENCE_REDIS_PREFIX = "presence:"
# The presence store's own Redis pool (the tab count shares it), per daphne process, apart from
# the channel layer's (events/redis_layer.py): at
# most this many connections; a call beyond waits this long, then fails as one `error` frame.
PRESENCE_REDIS_MAX_CONNECTIONS = env_int("PRESENCE_REDIS_MAX_CONNECTIONS", 50)
PRESENCE_REDIS_POOL_TIMEOUT_SECONDS = float(env_str("PRESENCE_REDIS_POOL_TIMEOUT_SECONDS") or 5.0)
# A booth with more people than this stops sending each join and leave to everyone: its count
# goes out once per tick and "who's here" is the first this-many names, then paged on request.
PRESENCE_BOOTH_CROWD = env_int("PRESENCE_BOOTH_CROWD", 50)
# The longest page of names `presence.who` gives the event team (visitors get PRESENCE_BOOTH_CROWD).
PRESENCE_WHO_PAGE_TEAM = env_int("PRESENCE_WHO_PAGE_TEAM", 500)
# Booth visits from the live socket are written in batches, off the join path.
PRESENCE_ENTRY_FLUSH_SECONDS = float(env_str("PRESENCE_ENTRY_FLUSH_SECONDS") or 5.0)
PRESENCE_ENTRY_BATCH = env_int("PRESENCE_ENTRY_BATCH", 500)
CHAT_MAX_CHARS = env_int("CHAT_MAX_CHARS", 1000)  # one chat message
QA_QUESTION_MAX_CHARS = 300  # one question to a session's speakers (the column's size: not from env)
QA_QUESTIONS_PER_WINDOW = env_int("QA_QUESTIONS_PER_WINDOW", 5)  # questions one person may ask...
QA_QUESTION_WINDOW_MINUTES = env_int("QA_QUESTION_WINDOW_MINUTES", 10)  # ...in this many minutes
QA_VOTE_PUSH_SECONDS = float(env_str("QA_VOTE_PUSH_SECONDS") or 1.0)  # vote counts pushed at most this often
POLL_QUESTION_MAX_CHARS = 200  # a poll's question (the column's size: not from env)
POLL_OPTION_MAX_CHARS = 100  # one answer of a poll (the column's size)
POLL_MAX_OPTIONS = 6  # answers a poll may offer (at least 2)
POLL_VOTES_PER_WINDOW = env_int("POLL_VOTES_PER_WINDOW", 20)  # votes (and changes) one person may cast...
POLL_VOTE_WINDOW_MINUTES = env_int("POLL_VOTE_WINDOW_MINUTES", 10)  # ...in this many minutes
# A poll's results are pushed at most this often (per poll and process), not once per vote.
POLL_RESULTS_PUSH_SECONDS = float(env_str("POLL_RESULTS_PUSH_SECONDS") or 1.0)

# --- The organisers' API and webhooks (docs/api.md) ----------------------------------------
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)  # the longest a token may be made to last
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)  # a list's page when `limit` is not given
API_PAGE_MAX = env_int("API_PAGE_MAX", 200)  # the largest `limit` a list accepts
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)  # calls per token per API_RATE_WINDOW_SECONDS
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60)
API_IDEMPOTENCY_DAYS = env_int("API_IDEMPOTENCY_DAYS", 1)  # how long a write's first answer is kept
# Webhook targets: host names (or addresses) deliveries may go to; on a closed network they are on
# the LAN, so nothing is allowed until the operator names it. Refused at registration and delivery.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", [])
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)  # connect and read, per attempt
WEBHOOK_FIRST_RETRY_SECONDS = env_int("WEBHOOK_FIRST_RETRY_SECONDS", 60)  # doubled after each failure
WEBHOOK_MAX_RETRY_SECONDS = env_int("WEBHOOK_MAX_RETRY_SECONDS", 6 * 3600)  # the longest wait between
WEBHOOK_GIVE_UP_SECONDS = env_int("WEBHOOK_GIVE_UP_SECONDS", 3 * 24 * 3600)  # then it is given up

# --- Live video (media_rtc) ---------------------------------------------------------------
# Rooms: staff publishers per booth (camera, microphone, screen), viewers per booth room, people in
# a meeting (a visitor and booth staff, everyone publishes).
RTC_BOOTH_MAX_PUBLISHERS = env_int("RTC_BOOTH_MAX_PUBLISHERS", 4)
RTC_BOOTH_MAX_VIEWERS = env_int("RTC_BOOTH_MAX_VIEWERS", 200)
RTC_MEETING_MAX_MEMBERS = env_int("RTC_MEETING_MAX_MEMBERS", 8)
# Speakers on a session's stage publishing at once (each with camera+microphone and a screen).
RTC_STAGE_MAX_SPEAKERS = env_int("RTC_STAGE_MAX_SPEAKERS", 6)
# People watching a stage at once (each may watch every speaker): beyond it, "room full".
RTC_STAGE_MAX_VIEWERS = env_int("RTC_STAGE_MAX_VIEWERS", 1000)
# A conference (many organisations on one screen, docs/conference.md): each seat receives the video
# of the last N speakers (4 to 6) and the voices of the loudest few; sites outside the grid are held
# to the idle bitrate (REMB), those in it to the active one. 4 × 200 kbit/s of video, three 16 kbit/s
# voices and the thumbnails stay under 1 Mbit/s per seat. An audio-only seat gets as many voices
# as fit in RTC_CONFERENCE_AUDIO_ONLY_KBPS (the loudest always).
RTC_CONFERENCE_VIDEO_SPEAKERS = env_int("RTC_CONFERENCE_VIDEO_SPEAKERS", 4)
RTC_CONFERENCE_AUDIO_SPEAKERS = env_int("RTC_CONFERENCE_AUDIO_SPEAKERS", 3)
RTC_CONFERENCE_ACTIVE_KBPS = env_int("RTC_CONFERENCE_ACTIVE_KBPS", 200)
RTC_CONFERENCE_IDLE_KBPS = env_int("RTC_CONFERENCE_IDLE_KBPS", 100)
RTC_CONFERENCE_AUDIO_KBPS = env_int("RTC_CONFERENCE_AUDIO_KBPS", 16)
RTC_CONFERENCE_AUDIO_ONLY_KBPS = env_int("RTC_CONFERENCE_AUDIO_ONLY_KBPS", 48)
RTC_CONFERENCE_MAX_SITES = env_int("RTC_CONFERENCE_MAX_SITES", 40)
# Each site's browser sends a still thumbnail (JPEG, at most this many bytes) this often; seats are
# told of new ones at most every RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS.
RTC_CONFERENCE_THUMBNAIL_BYTES = env_int("RTC_CONFERENCE_THUMBNAIL_BYTES", 8000)
RTC_CONFERENCE_THUMBNAIL_SECONDS = env_int("RTC_CONFERENCE_THUMBNAIL_SECONDS", 10)
RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS = float(env_str("RTC_CONFERENCE_THUMBNAIL_PUSH_SECONDS") or 2.0)
if not 4 <= RTC_CONFERENCE_VIDEO_SPEAKERS <= 6:
    raise ImproperlyConfigured("RTC_CONFERENCE_VIDEO_SPEAKERS must be 4, 5 or 6.")
if not 1 <= RTC_CONFERENCE_AUDIO_SPEAKERS <= RTC_CONFERENCE_VIDEO_SPEAKERS:
    raise ImproperlyConfigured(
        "RTC_CONFERENCE_AUDIO_SPEAKERS must be at least 1 and at most the video speakers."
    )
# A visitor's "Meet the exhibitor" request waits this long for staff to accept.
RTC_MEETING_REQUEST_SECONDS = env_int("RTC_MEETING_REQUEST_SECONDS", 300)
# Recording a room (docs/recording.md), under PRIVATE_ROOT/recordings: a recording stops by itself
# (what was recorded is kept and prepared) at this many bytes of media or this long.
RECORDING_MAX_BYTES = env_int("RECORDING_MAX_BYTES", 4 * 1024**3)
RECORDING_MAX_SECONDS = env_int("RECORDING_MAX_SECONDS", 4 * 3600)
# A recorder touches its folder's heartbeat this often; a recording whose heartbeat is older than
# RECORDING_STALE_SECONDS lost its media process (killed) and is swept as interrupted.
RECORDING_HEARTBEAT_SECONDS = env_int("RECORDING_HEARTBEAT_SECONDS", 10)
RECORDING_STALE_SECONDS = env_int("RECORDING_STALE_SECONDS", 60)
# ICE without a public network: the server offers host candidates only (never STUN). Which local
# addresses it offers (empty: every non-loopback one; tests use 127.0.0.1), and optionally a TURN
# server (coturn, use-auth-secret) whose short-lived credentials each user gets in rtc.config.
RTC_HOST_ADDRESSES = env_list("RTC_HOST_ADDRESSES", [])
RTC_TURN_URLS = env_list("RTC_TURN_URLS", [])
RTC_TURN_SECRET = env_str("RTC_TURN_SECRET") or ""
RTC_TURN_TTL_SECONDS = env_int("RTC_TURN_TTL_SECONDS", 6 * 3600)
if RTC_TURN_URLS and not RTC_TURN_SECRET:
    raise ImproperlyConfigured(
        "RTC_TURN_URLS is set but RTC_TURN_SECRET is not: set it to coturn's static-auth-secret."
    )
# Media workers: with Redis, rooms live in separate `manage.py media_worker` processes (placement
# and heartbeats in Redis); without, the engine runs inside the web process.
RTC_MEDIA_WORKERS = env_bool("RTC_MEDIA_WORKERS", bool(REDIS_URL) and not TESTING)
RTC_WORKER_HEARTBEAT_SECONDS = float(env_str("RTC_WORKER_HEARTBEAT_SECONDS") or 2.0)
RTC_WORKER_TTL_SECONDS = float(env_str("RTC_WORKER_TTL_SECONDS") or 6.0)
RTC_REQUEST_TIMEOUT_SECONDS = float(env_str("RTC_REQUEST_TIMEOUT_SECONDS") or 15.0)
RTC_REDIS_PREFIX = "rtc:"

# --- Operations: health, logging, certificates ----------------------------------------------
# SCALED=1 declares the several-process set-up (Procfile, docs/deploy.md): start-up then insists
# on PostgreSQL, Redis and real Celery workers, which several processes can share.
SCALED = env_bool("SCALED", False)
# Start-up checks (rakwon_site/startup.py) stop daphne, Celery and the serving commands with one
# line when the configuration cannot work. Tests import the ASGI application with no servers.
STARTUP_CHECKS = env_bool("STARTUP_CHECKS", not TESTING)
STARTUP_CHECK_TIMEOUT_SECONDS = float(env_str("STARTUP_CHECK_TIMEOUT_SECONDS") or 3.0)
# /readyz (rakwon_site/health.py): each probe of Redis gives up after this long.
READINESS_TIMEOUT_SECONDS = float(env_str("READINESS_TIMEOUT_SECONDS") or 2.0)
# Celery workers refresh a key under HEARTBEAT_REDIS_PREFIX this often; it expires after three.
WORKER_HEARTBEAT_SECONDS = float(env_str("WORKER_HEARTBEAT_SECONDS") or 5.0)
HEARTBEAT_REDIS_PREFIX = "heartbeat:"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host fails in seconds, not after the kernel's minutes-long timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
# plain: readable lines (the demo); json: one JSON object per line for a log collector.
LOG_FORMAT = (env_str("LOG_FORMAT") or "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not known: use plain or json.")
if REDIS_URL:
    # A task is acknowledged when it has finished; if its worker died (kill -9, power cut), Redis
    # hands it to another worker after TASK_REDELIVERY_SECONDS. Keep that above the longest task
    # (video transcoding): a task still running then is started a second time elsewhere, which
    # is safe (tasks are idempotent) but wasted work. Abandoned tasks are looked for every 5 s.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        visibility_timeout=env_int("TASK_REDELIVERY_SECONDS", 3600),
        unacked_restore_interval=5,
        unacked_restore_throttle=1,
    )
# HSTS (its lifetime is SECURE_HSTS_SECONDS, "Security"): names on a closed network are never on
# the browsers' preload list, so that check says nothing useful here.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The local certificate authority and server certificates of manage.py make_certificates.
TLS_DIR = Path(env_str("TLS_DIR", str(VAR_DIR / "tls")))

# --- Security -----------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# Over HTTPS browsers are told to use nothing else for a year (check --deploy asks for HSTS);
# SECURE_HSTS_SECONDS=0 turns it off, e.g. while trying HTTPS out.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request / live-socket id of the work it belongs to (rakwon_site/logs.py).
    "filters": {"context": {"()": "rakwon_site.logs.LogContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(log_context)s%(message)s"},
        "json": {"()": "rakwon_site.logs.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        # One line per request comes from rakwon.requests; Django's own would repeat 4xx/5xx.
        "django.request": {"level": "ERROR"},
    },
}

if TESTING:
    # Tests create hundreds of users; the production hasher's deliberate slowness only costs time there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
