"""affectweb settings: every value comes from an environment variable (see README)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from affectweb.lib.env import env_bool, env_float, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")
VAR_DIR = Path(env_str("AFFECTWEB_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # Refuse to run with a guessable key; `make run` writes a random one to .env.
        raise ImproperlyConfigured("Set SECRET_KEY (make run generates one in .env).")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG=true"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = "affectweb"

# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto / -Host headers.
HTTPS = env_bool("HTTPS", False)
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
if env_bool("SECURE_PROXY_SSL_HEADER", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The health page must answer plain HTTP probes from a load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
    "affectweb.core",
    "affectweb.dashboard",
    "affectweb.engine",
    "affectweb.tagapi",
    "affectweb.research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "affectweb.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "affectweb.urls"
WSGI_APPLICATION = "affectweb.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and workers write concurrently: WAL plus IMMEDIATE transactions avoid
    # "database is locked" under that load.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default matches the redis-server that `make run` starts (Procfile).
REDIS_URL = env_str("REDIS_URL", f"redis://127.0.0.1:{env_int('REDIS_PORT', 6379)}/0")
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT", 4 * 3600)}
    for name in ("default", "engine")
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # vendor/plotly.min.js straight from the installed plotly package (no CDN, no copy).
    "affectweb.dashboard.staticfiles.PlotlyFinder",
]
STORAGES = {
    # Uploads live under MEDIA_ROOT, which no URL serves: only views that check
    # ownership hand them out.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
if DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# Limits on uploaded media (the engine and the dashboard both enforce them).
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 2048) * 1024 * 1024
MAX_MEDIA_SECONDS = env_float("MAX_MEDIA_SECONDS", 3 * 3600)
MAX_FRAME_PIXELS = env_int("MAX_FRAME_PIXELS", 3840 * 2160)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR") or None

# The engine's sweep presumes a job's worker dead after this long without a heartbeat
# (workers beat every 10 s), and gives a job up after this many interrupted runs.
ENGINE_STALE_SECONDS = env_int("ENGINE_STALE_SECONDS", 60)
ENGINE_MAX_ATTEMPTS = env_int("ENGINE_MAX_ATTEMPTS", 3)

# Secrets stored in the database (provider passwords) are encrypted with a key
# derived from SECRET_KEY and this salt; rotate SECRET_KEY with SECRET_KEY_FALLBACKS.
SALT_KEY = env_str("FIELD_ENCRYPTION_SALT", "affectweb-encrypted-fields")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

# Webcam recordings arrive in chunks; until complete they wait here, outside MEDIA_ROOT.
# With several web machines this must be a shared folder. Default: beside MEDIA_ROOT.
RECORDING_CHUNKS_DIR = Path(env_str("RECORDING_CHUNKS_DIR") or MEDIA_ROOT.parent / "recording-chunks")

# Model files and test fixtures: the Django-free pipeline reads AFFECTWEB_ASSETS_DIR
# itself (affectweb/analysis/assets.py), so workers need no settings to find them.

# The Clarifai v1 tag API (docs/tagapi.md).
TAGAPI_TOKEN_SECONDS = env_int("TAGAPI_TOKEN_SECONDS", 36000)
TAGAPI_RATE_LIMIT = env_int("TAGAPI_RATE_LIMIT", 600)  # requests per application per window
TAGAPI_RATE_WINDOW = env_int("TAGAPI_RATE_WINDOW", 60)  # seconds
TAGAPI_MAX_BATCH_SIZE = env_int("TAGAPI_MAX_BATCH_SIZE", 128)
TAGAPI_MAX_IMAGE_BYTES = env_int("TAGAPI_MAX_IMAGE_MB", 10) * 1024 * 1024
TAGAPI_MAX_VIDEO_BYTES = env_int("TAGAPI_MAX_VIDEO_MB", 100) * 1024 * 1024
TAGAPI_MAX_VIDEO_SECONDS = env_int("TAGAPI_MAX_VIDEO_SECONDS", 600)
TAGAPI_MAX_VIDEO_BATCH_SIZE = env_int("TAGAPI_MAX_VIDEO_BATCH_SIZE", 1)
TAGAPI_THREADS = env_int("TAGAPI_THREADS", 2)  # onnxruntime threads per web process
# Fetching `url` inputs: refused for private, loopback and link-local addresses unless
# a host name or CIDR here names them.
TAGAPI_URL_ALLOWLIST = env_list("TAGAPI_URL_ALLOWLIST", "")
TAGAPI_URL_TIMEOUT = env_float("TAGAPI_URL_TIMEOUT", 20)  # seconds for one whole fetch
# A full Clarifai batch is 128 files; Django's default stops at 100.
DATA_UPLOAD_MAX_NUMBER_FILES = TAGAPI_MAX_BATCH_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
