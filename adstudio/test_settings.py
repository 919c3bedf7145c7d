"""Settings for the test suite: the production settings with test-only secrets and fast hashing."""

import os
import tempfile

# Tests never read the developer's `.env` (the first `make run` writes one with debug on).
os.environ.setdefault("DJANGO_ENV_FILE", os.devnull)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="adstudio-test-media-"))

from adstudio.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests never reach the real Kie: they use `responses` or the sandbox on an ephemeral port.
KIE_API_KEY = "test-key"
KIE_BASE_URL = "http://kie.invalid"
KIE_UPLOAD_BASE_URL = "http://upload.kie.invalid"
KIE_MEDIA_HOSTS = ["127.0.0.1", "media.kie.invalid"]
KIE_CALLBACK_BASE_URL = ""
KIE_UNAVAILABLE_MODELS = {}
# Tests never collect static files; without a STATIC_ROOT WhiteNoise doesn't look for one.
STATIC_ROOT = None
# The test client speaks plain http; HTTPS settings are tested by tests/test_deploy_settings.py.
SECURE_SSL_REDIRECT = False
