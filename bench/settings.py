"""The production settings plus what only the benchmarks need: a bare view and a query counter.

Everything else (debug off, gunicorn, PostgreSQL, WhiteNoise) is exactly the README's production
path; the benchmarks set the same environment variables it does.
"""

from adstudio.settings import *  # noqa: F403
from adstudio.settings import LOGGING, MIDDLEWARE, STORAGES

ROOT_URLCONF = "bench.urls"
# First, so it counts every query of the request, authentication included.
MIDDLEWARE = ["bench.web.QueryCountMiddleware", *MIDDLEWARE]
# The benchmarks serve no static files; pages still render {% static %} without collectstatic
# (and without a STATIC_ROOT WhiteNoise does not look for one).
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Timestamps on every log line: the benchmarks read the sandbox's request log for Kie call times.
LOGGING = {
    **LOGGING,
    "formatters": {
        **LOGGING["formatters"],
        "timed": {"format": "%(asctime)s %(name)s %(message)s"},
    },
    "handlers": {
        **LOGGING["handlers"],
        "console": {"class": "logging.StreamHandler", "formatter": "timed"},
    },
}
