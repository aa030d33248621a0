"""Settings for onewindow, read from the environment.

DEBUG is off unless ``DEBUG=1``; the embedded SQLite database (WAL mode) is used unless
``DATABASE_URL`` names another, e.g. ``postgres://postgres@127.0.0.1:5432/onewindow``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ONEWINDOW_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG")


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in var/ so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_FAILURE_VIEW = "onewindow.core.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # Only for its static files: the API docs load Swagger UI from here, never from a CDN.
    "ninja",
    "axes",
    # Append-only event and anchor tables in PostgreSQL itself (lifecycle.models: no UPDATE, no DELETE).
    "pgtrigger",
    "onewindow.core",
    "onewindow.accounts",
    "onewindow.organization",
    "onewindow.catalog",
    "onewindow.workdays",
    "onewindow.lifecycle",
    "onewindow.cases",
    "onewindow.documents",
    "onewindow.notifications",
    "onewindow.supervision",
    "onewindow.tasks",
    "onewindow.portal",
    "onewindow.online",
    "onewindow.workbench",
    "onewindow.feedback",
    "onewindow.openness",
    "onewindow.fees",
    "onewindow.hall",
    "onewindow.worktasks",
    "onewindow.projects",
    "onewindow.assessment",
    "onewindow.appraisal",
    "onewindow.exchange",
    "onewindow.api",
    "onewindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the session and auth middleware, so it sees request.user on the way out.
    "onewindow.core.headers.SecurityHeadersMiddleware",
    # Before anything reads a value (static files, sessions, logins): NUL bytes are a 400 here.
    "onewindow.core.edge.RefuseNulBytes",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onewindow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers proceed while the scheduler writes; IMMEDIATE makes writers queue
    # for the lock at BEGIN instead of failing half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("PG_TEST_NAME", "test_onewindow")
    # Server-side binding lets psycopg prepare what a connection runs again and again (the case
    # transitions' lock, history and insert statements): PostgreSQL then parses and plans each once
    # per connection. Off behind a transaction-pooling PgBouncer, which cannot keep prepared statements.
    if _env_bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# How many prepared statements one connection keeps (psycopg's default, 100, is fewer than the
# distinct statements of a hall's mix of pages and transitions: each one evicted is parsed and
# planned again, a custom plan five times over, when it comes back). onewindow.core.dbsession.
DB_PREPARED_MAX = int(os.environ.get("DB_PREPARED_MAX", "500"))
# PostgreSQL's JIT compilation, off for the application's connections (onewindow.core.dbsession):
# a short read whose estimate passes jit_above_cost on a province's tables paid 400 ms to compile.
DB_JIT = _env_bool("DB_JIT", default=False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Refuses every password login from an address past its failure budget (password spraying).
    "onewindow.accounts.throttle.AddressLockoutBackend",
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the staff record with the user (one statement a request).
    "onewindow.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    # Argon2id sized for a hall's morning burst (onewindow/accounts/hashers.py); same algorithm name,
    # so hashes made with Django's own Argon2 parameters verify and are upgraded at the next login.
    "onewindow.accounts.hashers.HallArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling: five failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "workbench/locked_out.html"
AXES_VERBOSE = False
# The client behind the reverse proxies the project trusts (ONEWINDOW["TRUSTED_PROXIES"]), as the
# portal's rate limits read it: without this axes would count the proxy's address for everyone.
AXES_CLIENT_IP_CALLABLE = "onewindow.portal.ratelimit.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "onewindow" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
WHITENOISE_USE_FINDERS = DEBUG or _env_bool("ONEWINDOW_TESTING")
STORAGES = {
    # Files are sealed at rest (core/filecrypt.py); a public field names core.filecrypt.public_storage.
    "default": {"BACKEND": "onewindow.core.filecrypt.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or _env_bool("ONEWINDOW_TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded materials and rendered documents live outside the web root and are served only
# through views that check permissions.
MEDIA_ROOT = Path(os.environ.get("ONEWINDOW_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and _env_bool("ONEWINDOW_HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The cache holds the rate limits' counts, so it must be one for every worker process: Redis when
# REDIS_URL is set, else the database (table onewindow_cache, made by a migration of onewindow.core).
# ONEWINDOW_CACHE=memory keeps a cache per process: the test suite's default (each test starts
# from an empty cache without a database), and fine for a single-process development server.
_CACHE = os.environ.get("ONEWINDOW_CACHE", "memory" if _env_bool("ONEWINDOW_TESTING") else "database")
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    # Sessions read from Redis, written to both (the database stays the record, and the expired
    # sessions' cleanup job works as before): a staff page's first query saved on every request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif _CACHE.strip().lower() == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "onewindow_cache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # ID numbers and phone numbers are masked in every record, its arguments and its traceback.
    "filters": {"personal_data": {"()": "onewindow.core.redaction.PersonalDataFilter"},
                "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]},
                 # Replaces Django's own error mail (ADMINS), whose report lists the request's data.
                 "mail_admins": {"class": "onewindow.core.redaction.RedactingAdminEmailHandler", "level": "ERROR",
                                 "filters": ["require_debug_false", "personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django": {"handlers": ["mail_admins"], "level": "INFO"}},
}

# The address the public reaches this server at: printed on certificates (QR code, verification
# address) and notices, and used in the links of messages. Development default: where `make run`
# serves (HOST, PORT).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or (
    f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")

# Center-wide defaults that local rules may change (LEGAL-RULES.md: local numbers are configurable).
ONEWINDOW = {
    "CENTER_NAME": os.environ.get("ONEWINDOW_CENTER_NAME", "政务服务中心"),
    "SCHEDULER_TICK_SECONDS": int(os.environ.get("ONEWINDOW_SCHEDULER_TICK", "5")),
    # DESIGN.md §4 rule 9: yellow once 90 % of the promised period is used (local rule, configurable).
    "YELLOW_SHARE": os.environ.get("ONEWINDOW_YELLOW_SHARE", ""),  # empty: the clock's default (0.9)
    # core.store: compiled statements and batched writes for the hot path (0: the plain ORM, same results).
    "COMPILED_SQL": os.environ.get("ONEWINDOW_COMPILED_SQL", "1") not in ("0", "false", "off", ""),
    # core.batching: psycopg's pipeline mode and BEGIN/COMMIT sent with the first and last
    # statements of a case action (off: one round trip per statement, Django's own transactions).
    "PIPELINE": _env_bool("ONEWINDOW_PIPELINE"),
    # core.compiled: recompile every compiled query on every call and fail if its SQL changed
    # (the contract that its shape depends only on its parameters); on under tests.
    "CHECK_PLANS": _env_bool("ONEWINDOW_CHECK_PLANS") or _env_bool("ONEWINDOW_TESTING"),
    # core.pagecache: how long the public pages (portal home, search, guides, published results) are
    # kept for anonymous visitors; 0: not kept (the default under tests, which look at fresh pages).
    "PUBLIC_PAGE_SECONDS": int(os.environ.get("ONEWINDOW_PUBLIC_PAGE_SECONDS",
                                              "0" if _env_bool("ONEWINDOW_TESTING") else "60")),
    # How many reverse proxies stand in front (0: none, trust no X-Forwarded-For): the portal's
    # rate limits and django-axes read the client's address behind them.
    "TRUSTED_PROXIES": int(os.environ.get("ONEWINDOW_TRUSTED_PROXIES", "0")),
    # Failed password logins per client address, across user names (accounts/throttle.py).
    "LOGIN_ADDRESS_LIMIT": os.environ.get("ONEWINDOW_LOGIN_ADDRESS_LIMIT", "30/15m"),
    # Development and the demo only (make run): keep one-time login codes readable in the outbox,
    # which is the demo's only "SMS gateway". Off, no code is ever stored (notifications/services.py).
    "DEMO_SHOW_CODES": _env_bool("ONEWINDOW_DEMO_SHOW_CODES"),
    # Delivery of the outbox (notifications/senders.py): the SMS sender's dotted path, and for
    # HttpGatewaySender the gateway's address and token; how long a claimed message waits for its
    # worker before another worker claims it again.
    "SENDERS": {"sms": os.environ.get("ONEWINDOW_SMS_SENDER", "")} if os.environ.get("ONEWINDOW_SMS_SENDER") else {},
    "SMS_GATEWAY_URL": os.environ.get("ONEWINDOW_SMS_GATEWAY_URL", ""),
    "SMS_GATEWAY_TOKEN": os.environ.get("ONEWINDOW_SMS_GATEWAY_TOKEN", ""),
    "OUTBOX_LEASE_SECONDS": os.environ.get("ONEWINDOW_OUTBOX_LEASE_SECONDS", ""),
    # The exchange with the upper-level platform (exchange/services.py): where each case record is
    # POSTed, with which bearer token; empty: records are kept and wait, nothing is pushed.
    "EXCHANGE_URL": os.environ.get("ONEWINDOW_EXCHANGE_URL", ""),
    "EXCHANGE_TOKEN": os.environ.get("ONEWINDOW_EXCHANGE_TOKEN", ""),
    # Personal data at rest (core/crypto.py, docs/security.md): AES-GCM keys "kid:base64key,…"
    # (the first encrypts, all decrypt) and the blind indexes' HMAC key. Never in the repository.
    "DATA_KEYS": os.environ.get("ONEWINDOW_DATA_KEYS", ""),
    "BLIND_INDEX_KEY": os.environ.get("ONEWINDOW_BLIND_INDEX_KEY", ""),
    # Without them, development, tests and the demo (make run) generate key files in VAR_DIR;
    # anything else refuses to start (system check core.E010).
    "DEV_KEY_FILES": DEBUG or _env_bool("ONEWINDOW_TESTING") or _env_bool("ONEWINDOW_DEV_KEY_FILES"),
    # lifecycle.anchors: where the history anchors are also written as JSON lines (outside the database).
    "ANCHOR_DIR": os.environ.get("ONEWINDOW_ANCHOR_DIR", ""),  # empty: var/anchors
}
