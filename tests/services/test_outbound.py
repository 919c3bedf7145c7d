"""The outbound URL gate: every known SSRF bypass form is refused, or pinned to what was checked."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from campaigns.services import outbound
from campaigns.services.errors import KieFailed, KieUnavailable
from campaigns.services.media import MediaHostNotAllowed
from campaigns.services.outbound import check_url, is_public_address, open_url

# Bound at import, before the autouse fixture replaces outbound.resolve with the test DNS.
from campaigns.services.outbound import resolve as real_resolve
from campaigns.services.pinned_http import (
    PinnedAdapter,
    PinnedHTTPSConnection,
)  # bound before DNS is faked

MEDIA = "http://media.kie.invalid"
HOSTS = ["media.kie.invalid", "127.0.0.1:8401", ".aiquickdraw.com", "sandbox:8001", "[::1]:8402"]


@pytest.fixture(autouse=True)
def _hosts(settings, fake_dns) -> None:
    settings.KIE_MEDIA_HOSTS = HOSTS
    fake_dns.update(
        {
            "tempfile.aiquickdraw.com": ["93.184.216.34"],
            "sandbox": ["172.18.0.5"],
            "evil.example": ["93.184.216.99"],
        }
    )


REFUSED = [
    # The reported bypass: urlsplit saw 127.0.0.1:8401, urllib3 connected to 127.0.0.2:8402.
    "http://127.0.0.2:8402\\@127.0.0.1:8401/x.mp4",
    "http://127.0.0.2:8402\\\\@127.0.0.1:8401/x.mp4",
    "http://127.0.0.1:8401\\.evil.example/x.mp4",
    "http://evil.example\\media.kie.invalid/x.mp4",
    # userinfo, in every spelling
    "http://127.0.0.1:8401@127.0.0.2:8402/x.mp4",
    "http://user:pw@media.kie.invalid/x.mp4",
    "http://media.kie.invalid@evil.example/x.mp4",
    "http://@media.kie.invalid/x.mp4",
    "http://media.kie.invalid%40evil.example/x.mp4",
    "http://evil.example%2f@media.kie.invalid/x.mp4",
    # '@' and '#' after the host do not move it: still the foreign host
    "http://evil.example#@media.kie.invalid/x.mp4",
    "http://evil.example?@media.kie.invalid/x.mp4",
    "http://evil.example/@media.kie.invalid/x.mp4",
    # numeric shorthand for loopback
    "http://2130706433:8401/x.mp4",
    "http://0x7f000001:8401/x.mp4",
    "http://0177.0.0.1:8401/x.mp4",
    "http://0x7f.0.0.1:8401/x.mp4",
    "http://127.1:8401/x.mp4",
    "http://127.0.0.01:8401/x.mp4",
    "http://127.0.0.1.:8401/x.mp4",
    "http://256.0.0.1/x.mp4",
    "http://１２７.０.０.１:8401/x.mp4",
    # IPv6 forms of loopback / private addresses
    "http://[::ffff:127.0.0.1]:8401/x.mp4",
    "http://[::ffff:7f00:1]:8401/x.mp4",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:8401/x.mp4",
    "http://[::1]/x.mp4",
    "http://[::1]:8401/x.mp4",
    "http://[fe80::1%25eth0]:8402/x.mp4",
    "http://[::1/x.mp4",
    "http://[not-v6]:8402/x.mp4",
    # trailing dots, empty labels, percent-encoding
    "http://media.kie.invalid./x.mp4",
    "http://media.kie.invalid../x.mp4",
    "http://media..kie.invalid/x.mp4",
    "http://media%2ekie.invalid/x.mp4",
    "http://%6d%65%64%69%61.kie.invalid/x.mp4",
    # ports: unlisted, empty, signed, out of range, doubled
    "http://media.kie.invalid:8080/x.mp4",
    "https://media.kie.invalid:80/x.mp4",
    "http://127.0.0.1/x.mp4",
    "http://127.0.0.1:8402/x.mp4",
    "http://media.kie.invalid:/x.mp4",
    "http://media.kie.invalid:+80/x.mp4",
    "http://media.kie.invalid:99999/x.mp4",
    "http://media.kie.invalid:80:80/x.mp4",
    "http://sandbox/x.mp4",
    # whitespace and control characters anywhere
    " http://media.kie.invalid/x.mp4",
    "http://media.kie.invalid /x.mp4",
    "http://media.kie\t.invalid/x.mp4",
    "http://media.kie.invalid\n.evil.example/x.mp4",
    "http://media.kie.invalid/x.mp4\r\nHost: evil.example",
    "http://media.kie.invalid/x\x00.mp4",
    "http://media.kie.invalid\u3000/x.mp4",
    "http://media\u200b.kie.invalid/x.mp4",
    "http://media.kie.invalid/x\u2028.mp4",
    "http://media.kie.invalid/x.mp4\x7f",
    # schemes and shapes that are not absolute http(s) URLs
    "ftp://media.kie.invalid/x.mp4",
    "file:///etc/passwd",
    "gopher://media.kie.invalid:70/x",
    "https:/media.kie.invalid/x.mp4",
    "http:media.kie.invalid/x.mp4",
    "//media.kie.invalid/x.mp4",
    "media.kie.invalid/x.mp4",
    "http:///x.mp4",
    "",
    # look-alike names and invalid IDNA
    "http://media.kie.invalid.evil.example/x.mp4",
    "http://aiquickdraw.com/x.mp4",
    "http://evilaiquickdraw.com/x.mp4",
    "http://ex\u00e4mple..com/x.mp4",
    "http://\u00df\u0661.aiquickdraw.com/x.mp4",
    "http://\u2488.aiquickdraw.com/x.mp4",
    "http://-bad.aiquickdraw.com/x.mp4",
    "http://under_score.aiquickdraw.com/x.mp4",
    # cloud metadata
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_ambiguous_or_unlisted_urls_are_refused_before_any_request(kie, url):
    with pytest.raises(MediaHostNotAllowed) as caught:
        open_url(url)

    assert caught.value.code == "media_host_not_allowed"
    assert len(kie.calls) == 0


@pytest.mark.parametrize(
    ("url", "canonical", "addresses"),
    [
        (f"{MEDIA}/v/x.mp4", f"{MEDIA}/v/x.mp4", ("203.0.113.10",)),
        ("HTTP://MEDIA.KIE.INVALID/v/x.mp4", f"{MEDIA}/v/x.mp4", ("203.0.113.10",)),
        (f"{MEDIA}:80/v/x.mp4", f"{MEDIA}/v/x.mp4", ("203.0.113.10",)),
        (f"{MEDIA}/v/x.mp4#frag@evil.example", f"{MEDIA}/v/x.mp4", ("203.0.113.10",)),
        (f"{MEDIA}/v/x.mp4?u=a@evil.example", f"{MEDIA}/v/x.mp4?u=a@evil.example", None),
        ("http://ｍｅｄｉａ.kie.invalid/x.mp4", f"{MEDIA}/x.mp4", ("203.0.113.10",)),
        (f"{MEDIA}", f"{MEDIA}/", None),
        ("http://127.0.0.1:8401/x.mp4", "http://127.0.0.1:8401/x.mp4", ("127.0.0.1",)),
        ("http://[::1]:8402/x.mp4", "http://[::1]:8402/x.mp4", ("::1",)),
        ("http://sandbox:8001/x.mp4", "http://sandbox:8001/x.mp4", ("172.18.0.5",)),
        (
            "https://tempfile.aiquickdraw.com/r/x.mp4",
            "https://tempfile.aiquickdraw.com/r/x.mp4",
            ("93.184.216.34",),
        ),
    ],
)
def test_allowed_urls_are_pinned_to_the_checked_addresses(url, canonical, addresses):
    target = check_url(url)

    assert target.url == canonical
    if addresses is not None:
        assert target.addresses == addresses


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1"],
        ["10.0.0.5"],
        ["172.16.0.1"],
        ["192.168.1.1"],
        ["169.254.169.254"],
        ["100.64.0.1"],
        ["0.0.0.0"],
        ["224.0.0.1"],
        ["240.0.0.1"],
        ["::1"],
        ["fe80::1"],
        ["fd00::1"],
        ["::ffff:10.0.0.1"],
        ["2002:7f00:1::1"],  # 6to4 around 127.0.0.1
        ["ff02::1"],
        ["93.184.216.34", "10.0.0.5"],  # one private answer is enough
    ],
)
def test_suffix_listed_name_resolving_to_a_private_address_is_refused(kie, fake_dns, answer):
    fake_dns["cdn.aiquickdraw.com"] = answer

    with pytest.raises(MediaHostNotAllowed, match="non-public"):
        open_url("https://cdn.aiquickdraw.com/x.mp4")

    assert len(kie.calls) == 0


def test_exactly_listed_name_may_resolve_to_a_private_address(kie):
    # docker compose: the sandbox service is listed by name and lives on a private network.
    kie.get("http://sandbox:8001/x.mp4", body=b"video")

    assert open_url("http://sandbox:8001/x.mp4").content == b"video"


def test_unresolvable_host_is_unavailable_not_refused(kie, fake_dns):
    with pytest.raises(KieUnavailable):
        open_url("https://nowhere.aiquickdraw.com/x.mp4")


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example/x.mp4",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8402/x.mp4",
        "http://127.0.0.2:8402\\@127.0.0.1:8401/x.mp4",
        "http://2130706433/x.mp4",
        "http://[::ffff:127.0.0.1]:8401/x.mp4",
        "file:///etc/passwd",
        "//evil.example/x.mp4",
        "https://private.aiquickdraw.com/x.mp4",
    ],
)
def test_every_redirect_hop_is_rechecked(kie, fake_dns, location):
    fake_dns["private.aiquickdraw.com"] = ["10.1.2.3"]
    kie.get(f"{MEDIA}/x.mp4", status=302, headers={"Location": location})

    with pytest.raises(MediaHostNotAllowed):
        open_url(f"{MEDIA}/x.mp4")

    assert len(kie.calls) == 1


def test_relative_redirect_on_the_same_host_is_followed(kie):
    kie.get(f"{MEDIA}/a.mp4", status=301, headers={"Location": "/b.mp4"})
    kie.get(f"{MEDIA}/b.mp4", status=307, headers={"Location": "c.mp4"})
    kie.get(f"{MEDIA}/c.mp4", body=b"video")

    assert open_url(f"{MEDIA}/a.mp4").content == b"video"


def test_more_than_three_redirects_fail(kie):
    kie.get(f"{MEDIA}/loop.mp4", status=302, headers={"Location": "/loop.mp4"})

    with pytest.raises(KieFailed, match="redirected more than 3 times"):
        open_url(f"{MEDIA}/loop.mp4")

    assert len(kie.calls) == 4


def test_range_header_is_sent_and_status_returned_as_is(kie):
    kie.get(f"{MEDIA}/x.mp4", status=206, body=b"bc", headers={"Content-Range": "bytes 1-2/3"})

    response = open_url(f"{MEDIA}/x.mp4", headers={"Range": "bytes=1-2"})

    assert (response.status_code, response.content) == (206, b"bc")
    assert kie.calls[0].request.headers["Range"] == "bytes=1-2"


def test_unreachable_host_is_unavailable(kie):
    kie.get(f"{MEDIA}/x.mp4", body=requests.ConnectTimeout("no route"))

    with pytest.raises(KieUnavailable):
        open_url(f"{MEDIA}/x.mp4")


# --- Pinning: the connection goes to the address that was checked --------------------------


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers["Host"])
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"video")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_connection_goes_to_the_checked_address_with_the_name_as_host(
    local_server, settings, fake_dns, monkeypatch
):
    settings.KIE_MEDIA_HOSTS = [f"media.pinned.test:{local_server}"]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # a rebinding resolver: safe, then not
    lookups: list[str] = []

    def rebinding_resolve(host: str, port: int) -> list:
        lookups.append(host)
        return [ipaddress.ip_address(a) for a in next(answers)]

    monkeypatch.setattr(outbound, "resolve", rebinding_resolve)
    asked = _record_getaddrinfo(monkeypatch)

    response = open_url(f"http://media.pinned.test:{local_server}/x.mp4")

    assert response.content == b"video"
    assert _Recorder.seen == [f"media.pinned.test:{local_server}"]
    assert lookups == ["media.pinned.test"]  # one look-up, and the connection used its answer
    assert "media.pinned.test" not in asked  # urllib3 never resolved the name again


def test_https_keeps_the_name_for_sni_and_certificate_checks():
    target = check_url("https://tempfile.aiquickdraw.com/x.mp4")
    request = requests.Request("GET", target.url).prepare()

    adapter = PinnedAdapter(target.scheme, target.host, target.port, target.addresses)
    pool = adapter.get_connection_with_tls_context(request, True)
    connection = pool._new_conn()

    assert isinstance(connection, PinnedHTTPSConnection)
    assert connection.host == "tempfile.aiquickdraw.com"
    assert connection.pinned_addresses == ("93.184.216.34",)


def test_adapter_refuses_a_request_for_a_target_it_did_not_check():
    target = check_url(f"{MEDIA}/x.mp4")
    request = requests.Request("GET", "http://evil.example/x.mp4").prepare()

    with pytest.raises(requests.exceptions.InvalidURL):
        adapter = PinnedAdapter(target.scheme, target.host, target.port, target.addresses)
        adapter.get_connection_with_tls_context(request, True)


def _record_getaddrinfo(monkeypatch) -> list[str]:
    asked: list[str] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    return asked


# --- Pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("::", False),
        ("::ffff:127.0.0.1", False),
        ("2002:a00:1::1", False),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo around 10.0.0.1
    ],
)
def test_public_addresses(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_media_hosts_entries_parse_ports_ipv6_and_suffixes(settings, caplog):
    settings.KIE_MEDIA_HOSTS = [
        " Media.Example ",
        "h:8443",
        "::1",
        "[::1]:9",
        ".cdn.example",
        "a b",
    ]

    entries = outbound.allowed_hosts()

    assert [(e.host, e.port) for e in entries] == [
        ("media.example", None),
        ("h", 8443),
        ("[::1]", None),
        ("[::1]", 9),
        (".cdn.example", None),
    ]
    assert "'a b'" in caplog.text


def test_resolve_uses_every_answer_once(monkeypatch):
    answer = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))] * 2
    answer += [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", 80, 0, 2))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answer)

    assert [str(ip) for ip in real_resolve("x.example", 80)] == [
        "93.184.216.34",
        "fe80::1",
    ]


def test_resolve_failure_is_unavailable(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)

    with pytest.raises(KieUnavailable, match="could not be resolved"):
        real_resolve("x.example", 80)
