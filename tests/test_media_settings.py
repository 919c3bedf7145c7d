"""Media storage and delivery settings come from the environment."""

from __future__ import annotations

import pytest

from tests.test_settings_env import _load_settings

DEFAULT = "s.STORAGES['default']['BACKEND']"


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django.core.files.storage.FileSystemStorage"),
        ("file", "django.core.files.storage.FileSystemStorage"),
        ("s3", "storages.backends.s3.S3Storage"),
        (
            "storages.backends.gcloud.GoogleCloudStorage",
            "storages.backends.gcloud.GoogleCloudStorage",
        ),
    ],
)
def test_media_storage_selects_the_default_storage_backend(value, backend):
    env = {"DJANGO_DEBUG": "1", **({"MEDIA_STORAGE": value} if value else {})}

    result = _load_settings(env, DEFAULT)

    assert result.stdout.strip() == backend, result.stderr


def test_s3_compatible_storage_is_configured_from_aws_settings():
    env = {
        "DJANGO_DEBUG": "1",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "adstudio-media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-central-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "MEDIA_SIGNED_URL_SECONDS": "120",
    }
    # What django-storages makes of the settings: the storage itself, built without any network.
    expr = (
        "__import__('django').setup() or (lambda st: (st.__class__.__name__, st.bucket_name, "
        "st.endpoint_url, st.region_name, st.addressing_style, st.querystring_expire, "
        "st.default_acl))(__import__('django.core.files.storage', fromlist=['x']).default_storage)"
    )

    result = _load_settings({**env, "DJANGO_SETTINGS_MODULE": "adstudio.settings"}, expr)

    assert result.stdout.strip() == (
        "('S3Storage', 'adstudio-media', 'http://127.0.0.1:9000', 'eu-central-1', 'path', 120, "
        "None)"
    ), result.stderr


def test_downloads_from_s3_default_to_signed_url_redirects(settings):
    from campaigns.media_responses import delivery_mode

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    settings.AWS_STORAGE_BUCKET_NAME = "adstudio-media"

    assert delivery_mode() == "redirect"


def test_downloads_from_disk_default_to_streaming():
    from campaigns.media_responses import delivery_mode

    assert delivery_mode() == "stream"
