"""AdStudio settings: everything environment-specific comes from the environment (or `.env`)."""

from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as corsheaders_default_headers

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
    # django.contrib.admin, with AdStudio's admin site (Kie balance and spend on its index).
    "campaigns.admin_config.AdStudioAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc files, served by us (no CDN)
    # {% partialdef %}: htmx fragments are named parts of their page (built into Django 6).
    "template_partials",
    # Before django_tasks_db: campaigns' `db_worker` (jobs + the Kie sweeper) wraps the library's.
    "kie",
    "campaigns",
    "django_tasks",
    "django_tasks_db",
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
    # Last, so it sees a view's exception first: JSON (503 when the database is down) under /api/.
    "campaigns.api.fallbacks.ApiErrorMiddleware",
    # django-axes wants to be last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]
# A CSRF failure under /api/ answers JSON like every other API error.
CSRF_FAILURE_VIEW = "campaigns.api.fallbacks.csrf_failure"

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
    # Web, worker and tests share one SQLite file: wait for a writer instead of failing at once,
    # and take the write lock when a transaction starts, so two writers queue instead of one
    # failing with "database is locked" when it tries to upgrade a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")

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

# --- Media storage: product photos, archived videos and posters (README "Videos and storage") ---
# Nothing under MEDIA_ROOT is served publicly: staff-only views (campaigns/media_views.py) serve it.
# MEDIA_STORAGE: `file` (MEDIA_ROOT on this disk), `s3` (S3-compatible object storage through
# django-storages), or the dotted path of any other storage class.
_MEDIA_BACKENDS = {
    "file": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}
_media_storage = env("MEDIA_STORAGE", default="file")
STORAGES["default"] = {"BACKEND": _MEDIA_BACKENDS.get(_media_storage, _media_storage)}
# django-storages reads these; only the bucket is needed on AWS with an instance role. For MinIO,
# Ceph, R2, B2 and friends set the endpoint (and usually the region and path-style addressing).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="") or None
AWS_LOCATION = env("AWS_LOCATION", default="")  # a key prefix inside the bucket
AWS_DEFAULT_ACL = None  # objects stay private: downloads get short-lived signed URLs
AWS_QUERYSTRING_AUTH = True
AWS_S3_FILE_OVERWRITE = True  # an archive retry replaces its own half-finished object
# How downloads leave the server (campaigns/media_responses.py): `stream` (this process sends the
# bytes; gunicorn's threads keep it from blocking others), `x-accel-redirect` (nginx sends
# MEDIA_ACCEL_REDIRECT_PREFIX + the file name), `x-sendfile` (Apache/lighttpd send the file's
# path) or `redirect` (a short-lived signed URL from the storage). Empty: `redirect` on S3,
# `stream` otherwise.
MEDIA_DELIVERY = env("MEDIA_DELIVERY", default="")
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX", default="/protected-media/")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=300)
AWS_QUERYSTRING_EXPIRE = MEDIA_SIGNED_URL_SECONDS

# --- Archiving finished videos (campaigns/services/archive.py) ---------------------------
# Largest video the worker copies; a bigger one stays at Kie only (archive failed).
ARCHIVE_MAX_BYTES = env.int("ARCHIVE_MAX_MB", default=1024) * 1024 * 1024
# One copy may take this long in all (connect, every read, the upload to storage).
ARCHIVE_TIMEOUT_SECONDS = env.int("ARCHIVE_TIMEOUT_SECONDS", default=900)
# Failed copies are retried after 30 s, 1 min, 2 min… (doubling, at most an hour) this often.
ARCHIVE_MAX_ATTEMPTS = env.int("ARCHIVE_MAX_ATTEMPTS", default=8)
ARCHIVE_RETRY_SECONDS = env.int("ARCHIVE_RETRY_SECONDS", default=30)
# How long after success the worker keeps asking Kie for Veo's 1080p file ("1080P is processing").
ARCHIVE_HD_WAIT_SECONDS = env.int("ARCHIVE_HD_WAIT_SECONDS", default=3600)
# 0 (default): archives are kept until staff delete them. N: deleted N days after they were made.
ARCHIVE_RETENTION_DAYS = env.int("ARCHIVE_RETENTION_DAYS", default=0)
# A motion-control reference video is fetched and measured before the job is paid for; the whole
# check (connect, download, reading it) gets this long.
REFERENCE_VIDEO_TIMEOUT_SECONDS = env.int("REFERENCE_VIDEO_TIMEOUT_SECONDS", default=30)

# --- Content-Security-Policy for the staff portal (django-csp) ---------------------------
# The portal runs only our own static files: no inline scripts, styles or event handlers
# (tests/portal/test_csp.py checks every page). Images: our own, `blob:` for the dropzone's
# preview, `data:` for the stylesheet's small SVGs, and https: for product photos given by link
# (they are shown from their own host). The admin and the API docs pages are Django's and
# drf-spectacular's, with their own inline code, so they are left out.
from csp.constants import NONE, SELF  # noqa: E402

MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "blob:", "data:", "https:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Staff portal sign-in (the admin keeps its own login page) ---------------------------
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

# --- Login attempts (django-axes; campaigns/login_limits.py) -------------------------------
# Every authenticate(request, ...) is counted: the admin login and any LoginView. After
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is locked for
# AXES_COOLOFF_MINUTES (a 429 with Retry-After). Staff unlock in the admin ("Access attempts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "campaigns.login_limits.lockout_response"
AXES_CLIENT_IP_CALLABLE = "campaigns.login_limits.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (0: the socket address is the
# client). Behind one TLS-terminating proxy, 1 — otherwise every client shares the proxy's address.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

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
# Per-installation secret carried in callBackUrl (with our task id); derived from the secret key
# when unset. Changing it invalidates the callback URLs of tasks already running.
KIE_CALLBACK_SECRET = env("KIE_CALLBACK_SECRET", default="")
KIE_POLL_MIN_INTERVAL = env.float("KIE_POLL_MIN_INTERVAL", default=5.0)
KIE_CONNECT_TIMEOUT_SECONDS = env.float("KIE_CONNECT_TIMEOUT_SECONDS", default=5.0)
KIE_READ_TIMEOUT_SECONDS = env.float("KIE_READ_TIMEOUT_SECONDS", default=30.0)
# A web request waits at most this long on one Kie call, connect and answer together (Gemini's
# chat excepted); the worker uses the longer timeouts.
KIE_WEB_TIME_BUDGET_SECONDS = env.float("KIE_WEB_TIME_BUDGET_SECONDS", default=6.0)
# Kie's limits per API key, as calls/seconds, shared by every process through the limiter.
KIE_RATE_LIMITS = {
    "create": env("KIE_CREATE_RATE_LIMIT", default="20/10"),
    "status": env("KIE_STATUS_RATE_LIMIT", default="10/1"),
}
# Each window is stretched by this many seconds: the jitter between our clock stamping a send and
# Kie counting its arrival (scheduling, network, clock skew between machines).
KIE_RATE_LIMIT_MARGIN_SECONDS = env.float("KIE_RATE_LIMIT_MARGIN_SECONDS", default=0.1)
# Empty: the limiter keeps its state in the database. A redis:// URL: in Redis instead.
KIE_RATE_LIMIT_REDIS_URL = env("KIE_RATE_LIMIT_REDIS_URL", default="")
# How long a worker waits for a rate-limit token before putting the work back for later.
KIE_WORKER_MAX_WAIT_SECONDS = env.float("KIE_WORKER_MAX_WAIT_SECONDS", default=10.0)
# Kie may answer "record is null" for a task it created moments ago: not-found counts only after.
KIE_NOT_FOUND_GRACE_SECONDS = env.int("KIE_NOT_FOUND_GRACE_SECONDS", default=300)
# A task left `submitting` this long (its process died mid-create) becomes `unknown`.
KIE_SUBMITTING_STALE_SECONDS = env.int("KIE_SUBMITTING_STALE_SECONDS", default=180)
# Gemini can take a while to write ten ideas; chat gets a longer read timeout than status calls.
KIE_CHAT_READ_TIMEOUT_SECONDS = env.float("KIE_CHAT_READ_TIMEOUT_SECONDS", default=120.0)
# Kie deletes uploads after 24 h (some pages say 3 days); re-upload once ours is older than this.
KIE_UPLOAD_RETENTION_SECONDS = env.int("KIE_UPLOAD_RETENTION_SECONDS", default=24 * 3600)
# Models retired upstream, as "model_id=reason" pairs, e.g. "veo3=Retired by Google".
KIE_UNAVAILABLE_MODELS = env.dict("KIE_UNAVAILABLE_MODELS", default={})
KIE_CREDITS_CACHE_SECONDS = env.int("KIE_CREDITS_CACHE_SECONDS", default=30)
# Below this Kie balance the portal, the admin and GET /api/credits warn that it is running low.
KIE_LOW_BALANCE_CREDITS = env.int("KIE_LOW_BALANCE_CREDITS", default=1000)
# GET /readyz asks Kie at most once per this many seconds (at least 30) per cache.
KIE_HEALTH_CACHE_SECONDS = env.int("KIE_HEALTH_CACHE_SECONDS", default=30)

# --- Spend control ------------------------------------------------------------------------
# Credits one user's video jobs may commit per day (from midnight in TIME_ZONE); unset: no limit.
# An administrator can set a user's own limit in the admin ("Daily credit limits").
USER_DAILY_CREDIT_LIMIT = env.int("USER_DAILY_CREDIT_LIMIT", default=None)

# --- Background work ---------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Credits, /readyz and the API throttles keep their state here. The default is per process: with
# several processes (gunicorn workers) use a shared cache, e.g. CACHE_URL=dbcache://adstudio_cache
# (after `manage.py createcachetable`) or rediscache://host:6379/1.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Refuses over-deep JSON and lone surrogates with a 400 (campaigns/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "campaigns.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "campaigns.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["campaigns.api.throttles.CostlyEndpointThrottle"],
    "DEFAULT_PAGINATION_CLASS": "campaigns.api.pagination.PageNumbers",
    "PAGE_SIZE": 25,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Per-user limits on the endpoints that spend credits (campaigns/api/throttles.py); the
# environment overrides any of them: API_THROTTLE_RATES=video=20/hour,ideas=10/min
API_THROTTLE_RATES = {
    "ideas": "30/hour",
    "prompts": "120/hour",
    "video": "60/hour",
    "quote": "600/hour",
    **env.dict("API_THROTTLE_RATES", default={}),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AdStudio API",
    "DESCRIPTION": "Product photo → video-ad ideas → prompts → video jobs on Kie.ai.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # /healthz and /readyz share one status enum.
    "ENUM_NAME_OVERRIDES": {"HealthStatusEnum": ["ok", "degraded"]},
    # The docs pages load pinned local copies (drf-spectacular-sidecar), never a CDN's @latest.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge that sends our schema's URL to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Examples that work on a fresh install, so "Try it out" does not invent `campaignId: 1`.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "campaigns.api.schema_examples.add_working_examples",
        "campaigns.api.schema_hooks.document_unsupported_media_type",
    ],
}

# --- A frontend on another origin (CORS, django-cors-headers) ------------------------------
# Browser JavaScript served from another origin may call /api/ only from the origins listed here
# (none by default). It authenticates with `Authorization: Token <key>`, so no cookies are needed:
# credentials mode stays off unless CORS_ALLOW_CREDENTIALS asks for it.
INSTALLED_APPS.append("corsheaders")
# First: it must answer preflights (OPTIONS, sent without the token) before anything else can.
MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
# An origin is scheme://host[:port]; a trailing slash is a common slip and would never match.
CORS_ALLOWED_ORIGINS = [o.rstrip("/") for o in env.list("CORS_ALLOWED_ORIGINS", default=[])]
CORS_ALLOW_CREDENTIALS = env.bool("CORS_ALLOW_CREDENTIALS", default=False)
# The portal, the admin, /healthz and Kie's callbacks never answer another origin's script.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS", "POST")  # the API has no other verbs
# Besides the defaults (Authorization and Content-Type among them): POST /api/video's key, and
# Range for the download's partial requests.
CORS_ALLOW_HEADERS = (*corsheaders_default_headers, "idempotency-key", "range")
# Not readable by another origin's script unless exposed: the throttles' and 503s' wait, a
# partial download's range, and the download's file name.
CORS_EXPOSE_HEADERS = ["Retry-After", "Content-Range", "Content-Disposition"]

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Each request that fails is logged once: by django.request ("Not Found: /x"). Django's default
# config also gives the "django" logger a console handler of its own on top of propagating to
# ours, and runserver logs an access line for every response; both would repeat the same 4xx.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "skip_responses_django_logs": {"()": "adstudio.log_filters.SkipResponsesDjangoLogs"}
    },
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["skip_responses_django_logs"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "urllib3": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}

# --- HTTPS (debug off) -----------------------------------------------------------------
# Production defaults pass `manage.py check --deploy`. For a plain-http run with debug off (e.g.
# `docker compose up` on localhost) set DJANGO_SSL_REDIRECT=0 and DJANGO_SECURE_COOKIES=0.
if not DEBUG:
    # gunicorn speaks plain http behind a TLS-terminating proxy; trust the proxy's
    # X-Forwarded-Proto so Django knows the request was https. Only safe when the proxy always
    # sets (overwrites) that header; turn off when clients reach gunicorn directly.
    if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
    # Load balancers probe over plain http inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Sent on https responses only; 0 turns HSTS off. Start small if unsure: browsers remember it.
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a request to browser vendors that is slow to undo: opt in, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
