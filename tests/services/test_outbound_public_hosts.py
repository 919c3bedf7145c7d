"""The outbound gate's `any_public_host` mode, for URLs users give on purpose (reference videos)."""

from __future__ import annotations

import pytest

from campaigns.services.media import MediaHostNotAllowed
from campaigns.services.outbound import check_url


@pytest.fixture(autouse=True)
def _hosts(settings, fake_dns) -> None:
    settings.KIE_MEDIA_HOSTS = ["127.0.0.1:8401"]
    fake_dns.update(
        {
            "videos.example.com": ["93.184.216.34"],
            "intranet.example.com": ["10.0.0.5"],
            "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
        }
    )


@pytest.mark.parametrize(
    "url", ["https://videos.example.com/dance.mp4", "http://videos.example.com:8080/a.mp4"]
)
def test_any_public_host_is_allowed_in_public_mode_only(url):
    target = check_url(url, any_public_host=True)

    assert target.addresses[0] == "93.184.216.34"
    with pytest.raises(MediaHostNotAllowed, match="not one of Kie's media hosts"):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://intranet.example.com/a.mp4",
        "https://mixed.example.com/a.mp4",  # one private address is enough to refuse
        "http://127.0.0.1:8080/a.mp4",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/a.mp4",
    ],
)
def test_public_mode_still_refuses_private_addresses(url):
    with pytest.raises(MediaHostNotAllowed, match="non-public"):
        check_url(url, any_public_host=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pw@videos.example.com/a.mp4",
        "http://videos.example.com\\@127.0.0.1/a.mp4",
        "ftp://videos.example.com/a.mp4",
        "http://2130706433/a.mp4",
    ],
)
def test_public_mode_keeps_every_other_check(url):
    with pytest.raises(MediaHostNotAllowed):
        check_url(url, any_public_host=True)


def test_a_host_listed_exactly_may_still_be_private_in_public_mode():
    # The sandbox in tests and `make run` serves its reference video from 127.0.0.1.
    assert check_url("http://127.0.0.1:8401/ref.mp4", any_public_host=True).port == 8401
