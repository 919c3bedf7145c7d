"""AdStudio settings: everything environment-specific comes from the environment (or `.env`)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DJANGO_ENV_FILE lets tests and deployments choose another file (or /dev/null for none).
environ.Env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A secret key has no default outside debug: a production server must never run on a known key.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY")
    if not DEBUG
    else env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # {% partialdef %}: htmx fragments are named parts of their page (built into Django 6).
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "kie",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "adstudio.urls"

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

# --- Template partials: `{% partialdef %}` / `{% partial %}` without `{% load %}`, as in Django 6.
TEMPLATES[0]["OPTIONS"]["builtins"] = ["template_partials.templatetags.partials"]

WSGI_APPLICATION = "adstudio.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and tests share one SQLite file; wait for a writer instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Staff portal sign-in (the admin keeps its own login page) ---------------------------
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

# --- Kie.ai -------------------------------------------------------------------------------
KIE_API_KEY = env("KIE_API_KEY", default="")
KIE_BASE_URL = env("KIE_BASE_URL", default="https://api.kie.ai").rstrip("/")
KIE_UPLOAD_BASE_URL = env("KIE_UPLOAD_BASE_URL", default="https://kieai.redpandaai.co").rstrip("/")
# Hosts the server may download generated media from; a URL anywhere else is never fetched.
KIE_MEDIA_HOSTS = env.list(
    "KIE_MEDIA_HOSTS",
    default=["tempfile.aiquickdraw.com", "tempfile.redpandaai.co", "file.aiquickdraw.com"],
)
KIE_CALLBACK_BASE_URL = env("KIE_CALLBACK_BASE_URL", default="").rstrip("/")
KIE_WEBHOOK_HMAC_KEY = env("KIE_WEBHOOK_HMAC_KEY", default="")
KIE_POLL_MIN_INTERVAL = env.float("KIE_POLL_MIN_INTERVAL", default=5.0)
KIE_CONNECT_TIMEOUT_SECONDS = env.float("KIE_CONNECT_TIMEOUT_SECONDS", default=5.0)
KIE_READ_TIMEOUT_SECONDS = env.float("KIE_READ_TIMEOUT_SECONDS", default=30.0)
# Gemini can take a while to write ten ideas; chat gets a longer read timeout than status calls.
KIE_CHAT_READ_TIMEOUT_SECONDS = env.float("KIE_CHAT_READ_TIMEOUT_SECONDS", default=120.0)
# Kie deletes uploads after 24 h (some pages say 3 days); re-upload once ours is older than this.
KIE_UPLOAD_RETENTION_SECONDS = env.int("KIE_UPLOAD_RETENTION_SECONDS", default=24 * 3600)
# Models retired upstream, as "model_id=reason" pairs, e.g. "veo3=Retired by Google".
KIE_UNAVAILABLE_MODELS = env.dict("KIE_UNAVAILABLE_MODELS", default={})
KIE_CREDITS_CACHE_SECONDS = env.int("KIE_CREDITS_CACHE_SECONDS", default=30)

# --- Background work ---------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "campaigns.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AdStudio API",
    "DESCRIPTION": "Product photo → video-ad ideas → prompts → video jobs on Kie.ai.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"urllib3": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
