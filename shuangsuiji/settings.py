"""Django settings, read from the environment (see README, 配置)."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent

env = environ.Env()

DATA_DIR = Path(env.str("SSJ_DATA_DIR", default="./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SSJ_SECRET_KEY, or a key generated once and kept in the data folder."""
    key = env.str("SSJ_SECRET_KEY", default="")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
PRODUCTION = bool(env.str("SSJ_SECRET_KEY", default="")) and bool(
    env.str("SSJ_ALLOWED_HOSTS", default="")
)
DEBUG = env.bool("SSJ_DEBUG", default=False)
ALLOWED_HOSTS = env.list("SSJ_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("SSJ_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "shuangsuiji.accounts.admin_config.SuperuserAdminConfig",  # the admin: superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "shuangsuiji.core",
    "shuangsuiji.accounts",
    "shuangsuiji.audit",
    "shuangsuiji.registries",
    "shuangsuiji.plans",
    "shuangsuiji.inspections",
    "shuangsuiji.reports",
    "shuangsuiji.portal",
    "shuangsuiji.onboarding",
]

MIDDLEWARE = [
    "shuangsuiji.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "shuangsuiji.registries.middleware.RiskClassCache",
    "shuangsuiji.core.middleware.RejectNulMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked login into a 429 (accounts.throttle)
    # Last, so it maps every exception a view raises (DomainError, DoesNotExist, busy DB).
    "shuangsuiji.core.error_handling.DomainErrorMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked logins before any password check
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "shuangsuiji.urls"
WSGI_APPLICATION = "shuangsuiji.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuangsuiji.core.context_processors.navigation",
            ],
            # {{ code|label:"rounding" }} and {{ rate_bp|percent }} on every page.
            "builtins": ["shuangsuiji.core.templatetags.labels"],
        },
    },
]

# Database: SQLite in the data folder by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'ssj.sqlite3'}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # BEGIN IMMEDIATE serialises writers, so the audit chain never forks.
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for the lock before "database is locked" (then Busy).
        "timeout": env.float("SSJ_SQLITE_TIMEOUT", default=20),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    # Persistent connections: without them PostgreSQL pages lose most of their throughput.
    _db["CONN_MAX_AGE"] = env.int("SSJ_CONN_MAX_AGE", default=600)
    _db["CONN_HEALTH_CHECKS"] = True
    # Separate test databases for runs in parallel on one server (default: test_<name>).
    if env.str("SSJ_TEST_DB_NAME", default=""):
        _db["TEST"] = {"NAME": env.str("SSJ_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: every file is capped and checked by registries.importing.guards; between
# preview and commit it waits in the database (PendingUpload), never on local disk.
SSJ_MAX_UPLOAD_BYTES = env.int("SSJ_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
SSJ_IMPORT_MAX_ROWS = env.int("SSJ_IMPORT_MAX_ROWS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = env.int("SSJ_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "shuangsuiji.core.error_handling.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

HTTPS = env.bool("SSJ_HTTPS", default=PRODUCTION)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SSJ_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SSJ_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Login throttling (django-axes, see accounts/throttle.py): per (account, client address),
# growing cool-offs, a hard lock only after failures from many addresses.
SSJ_LOGIN_MAX_FAILURES = env.int("SSJ_LOGIN_MAX_FAILURES", default=5)
SSJ_LOGIN_COOLOFF_MINUTES = env.int("SSJ_LOGIN_COOLOFF_MINUTES", default=15)
SSJ_LOGIN_MAX_COOLOFF_HOURS = env.int("SSJ_LOGIN_MAX_COOLOFF_HOURS", default=24)
SSJ_LOGIN_MEMORY_HOURS = env.int("SSJ_LOGIN_MEMORY_HOURS", default=24)
SSJ_LOGIN_LOCK_ADDRESSES = env.int("SSJ_LOGIN_LOCK_ADDRESSES", default=10)
# Client address behind a reverse proxy: the header it sets (X-Forwarded-For, X-Real-IP).
SSJ_TRUSTED_PROXY_HEADER = env.str("SSJ_TRUSTED_PROXY_HEADER", default="")
SSJ_TRUSTED_PROXY_COUNT = env.int("SSJ_TRUSTED_PROXY_COUNT", default=1)
AXES_ENABLED = env.bool("SSJ_LOGIN_THROTTLE", default=True)
AXES_HANDLER = "shuangsuiji.accounts.throttle.ThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = SSJ_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = "shuangsuiji.accounts.throttle.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused try does not prolong a lock
AXES_USERNAME_CALLABLE = "shuangsuiji.accounts.throttle.username_of"
AXES_CLIENT_IP_CALLABLE = "shuangsuiji.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "shuangsuiji.accounts.throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # the handler keeps its own failure memory
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log
AXES_ENABLE_ADMIN = False  # locks are lifted on the staff page, through a service
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("SSJ_LOG_LEVEL", default="WARNING")},
}
