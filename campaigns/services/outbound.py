"""The one gate for every server-side fetch of a URL someone else gave us (Kie's result links).

`open_url` parses the URL itself — strictly, refusing every form two parsers could read
differently (userinfo, backslashes, whitespace or control characters, percent-encoded or numeric
shorthand hosts, trailing dots) — checks scheme, host and port against settings.KIE_MEDIA_HOSTS,
resolves the host once, refuses private and other non-public addresses unless the host is listed
exactly, and then connects to exactly the addresses it checked (no second DNS look-up to rebind).
Redirects are followed here, hop by hop, each hop through the same gate.

KIE_MEDIA_HOSTS entries: `host` allows the scheme's default port only; `host:port` (or
`[v6]:port`) allows that port; `.example.com` allows any name under example.com (not the apex)
on the default port, and only public addresses — private ones need the exact name listed.

`any_public_host=True` is for URLs a user gives us on purpose (a motion-control reference video on
their own host): any host is allowed as long as every address it resolves to is public; every
other check stays, and hosts listed exactly in KIE_MEDIA_HOSTS may still be private (the sandbox).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import quote, urljoin

import idna
import requests
from django.conf import settings

from .errors import KieFailed, KieUnavailable
from .media import MediaHostNotAllowed
from .pinned_http import PinnedAdapter

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
MAX_URL_CHARS = 4096
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([/?#].*)?$", re.DOTALL)
_V6_AUTHORITY = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::([0-9]{1,5}))?$")
_NAME_AUTHORITY = re.compile(r"^([^:\[\]]+)(?::([0-9]{1,5}))?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DOTTED_QUAD = re.compile(r"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


@dataclass(frozen=True)
class Target:
    """A URL that passed the gate, and the addresses a connection to it may use."""

    url: str  # canonical, as sent: scheme://host[:port]/path?query (no fragment)
    scheme: str
    host: str  # lower-case ASCII name, dotted-quad IPv4, or [IPv6]
    port: int
    addresses: tuple[str, ...]


def open_url(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float] | None = None,
    stream: bool = True,
    any_public_host: bool = False,
) -> requests.Response:
    """GET `url` through the gate, following up to MAX_REDIRECTS redirects, each one re-checked.

    Raises MediaHostNotAllowed for a refused URL or hop, KieUnavailable when the host can't be
    resolved or reached, KieFailed after too many redirects. Any status other than a redirect is
    returned as is: the caller decides what a 404 or a 416 means.
    """
    if timeout is None:
        timeout = (settings.KIE_CONNECT_TIMEOUT_SECONDS, settings.KIE_READ_TIMEOUT_SECONDS)
    for _ in range(MAX_REDIRECTS + 1):
        target = check_url(url, any_public_host=any_public_host)
        response = _get(target, dict(headers or {}), timeout, stream)
        if response.status_code not in REDIRECT_STATUSES:
            return response
        response.close()
        url = urljoin(target.url, response.headers.get("Location", ""))
    raise KieFailed(f"The media host redirected more than {MAX_REDIRECTS} times.")


def check_url(url: str, *, any_public_host: bool = False) -> Target:
    """The checked target for `url`, or MediaHostNotAllowed saying why it is refused."""
    scheme, host, port, rest = parse_url(url)
    exact = _listed(scheme, host, port, url, any_public_host=any_public_host)
    addresses = _checked_addresses(host, port, exact=exact, url=url)
    canonical = _canonical(scheme, host, port, rest)
    return Target(canonical, scheme, host, port, tuple(str(ip) for ip in addresses))


def canonical_url(url: str) -> str:
    """`url` parsed as strictly as the gate does, in plain ASCII (IDNA host, %-encoded path).

    For URLs we hand to Kie rather than fetch ourselves (a product photo's URL): the form every
    HTTP client reads the same way. MediaHostNotAllowed says why a URL is refused.
    """
    return _canonical(*parse_url(url))


def _canonical(scheme: str, host: str, port: int, rest: str) -> str:
    default = port == DEFAULT_PORTS[scheme]
    return f"{scheme}://{host}{'' if default else f':{port}'}{quote(rest, safe=_URL_SAFE)}"


# Characters a path and query keep as they are; anything else (e.g. non-ASCII) is %-encoded.
_URL_SAFE = "/?&=%:@!$'()*+,;~-._[]"


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an unambiguous http(s) URL, else MediaHostNotAllowed."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        _refuse(url, "it is empty or too long")
    bad = next((ch for ch in url if _is_ambiguous_char(ch)), None)
    if bad is not None:
        _refuse(url, f"it contains the character {bad!r}")
    match = _URL.match(url)
    if match is None:
        _refuse(url, "it is not an absolute http(s) URL")
    scheme, authority, rest = match.group(1).lower(), match.group(2), match.group(3) or "/"
    if scheme not in DEFAULT_PORTS:
        _refuse(url, f"the scheme {scheme!r} is not http or https")
    if "@" in authority:
        _refuse(url, "it carries a user name or password (userinfo)")
    host, port = _split_authority(url, authority)
    rest = rest.split("#", 1)[0]  # a fragment is never sent to the server
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme], rest or "/"


def _is_ambiguous_char(ch: str) -> bool:
    # Backslashes, whitespace and control characters are where URL parsers disagree.
    if ch == "\\" or ord(ch) < 0x21 or ord(ch) == 0x7F:
        return True
    return ord(ch) > 0x7E and (ch.isspace() or unicodedata.category(ch)[0] in "CZ")


def _split_authority(url: str, authority: str) -> tuple[str, int | None]:
    match = _V6_AUTHORITY.match(authority) or _NAME_AUTHORITY.match(authority)
    if match is None:
        _refuse(url, f"its host and port {authority!r} are ambiguous")
    host_text, port_text = match.group(1), match.group(2)
    port = int(port_text) if port_text is not None else None
    if port is not None and not 0 < port < 65536:
        _refuse(url, f"the port {port_text} is out of range")
    if authority.startswith("["):
        return _ipv6_host(url, host_text), port
    return _name_host(url, host_text), port


def _ipv6_host(url: str, text: str) -> str:
    try:
        return f"[{ipaddress.IPv6Address(text).compressed}]"
    except ValueError:
        _refuse(url, f"[{text}] is not an IPv6 address")


def _name_host(url: str, text: str) -> str:
    """A lower-case ASCII host name or canonical dotted-quad; anything a resolver might reread."""
    if "%" in text:
        _refuse(url, "its host is percent-encoded")
    international = not text.isascii()
    if international:
        try:
            text = idna.encode(text, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            _refuse(url, "its host is not a valid internationalised domain name")
    host = text.lower()
    labels = host.split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        if international:
            _refuse(url, f"its host becomes the address {host} only after IDNA mapping")
        # Resolvers read 2130706433, 0x7f.1 and 0177.0.0.1 as 127.0.0.1: only the plain form.
        if not (_DOTTED_QUAD.match(host) and all(int(part) < 256 for part in labels)):
            _refuse(url, f"its host {text!r} is a numeric form other than a dotted quad")
        return host
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        _refuse(url, f"its host {text!r} is not a valid host name")
    return host


@dataclass(frozen=True)
class _Entry:
    host: str  # name, dotted quad, [v6], or ".suffix"
    port: int | None

    def matches(self, scheme: str, host: str, port: int) -> bool:
        if port != (self.port or DEFAULT_PORTS[scheme]):
            return False
        if self.host.startswith("."):
            return not _is_ip_literal(host) and host.endswith(self.host)
        return host == self.host


def allowed_hosts() -> list[_Entry]:
    """settings.KIE_MEDIA_HOSTS parsed; a malformed entry is logged and allows nothing."""
    entries = []
    for raw in settings.KIE_MEDIA_HOSTS:
        text = raw.strip().lower()
        if text.count(":") > 1 and not text.startswith("["):
            text = f"[{text}]"  # a bare IPv6 address, no port
        try:
            suffix = text.startswith(".")
            _, host, port, _ = parse_url(f"http://{text[1:] if suffix else text}/")
        except MediaHostNotAllowed:
            logger.warning("KIE_MEDIA_HOSTS entry %r is not a host[:port]; ignored", raw)
            continue
        explicit_port = port if re.search(r":[0-9]+$", text) else None
        entries.append(_Entry(f".{host}" if suffix else host, explicit_port))
    return entries


def _listed(scheme: str, host: str, port: int, url: str, *, any_public_host: bool) -> bool:
    """Whether (host, port) is allowed, and whether exactly (so it may be a private address)."""
    matching = [entry for entry in allowed_hosts() if entry.matches(scheme, host, port)]
    if not matching and any_public_host:
        return False  # allowed, on public addresses only
    if not matching:
        _refuse(
            url,
            f"{host} on port {port} is not one of Kie's media hosts; add it to KIE_MEDIA_HOSTS "
            "(as host:port for a non-default port) if Kie now serves videos from there",
        )
    return any(not entry.host.startswith(".") for entry in matching)


def _checked_addresses(host: str, port: int, *, exact: bool, url: str) -> list[IPAddress]:
    addresses = [ipaddress.ip_address(host.strip("[]"))] if _is_ip_literal(host) else None
    if addresses is None:
        addresses = resolve(host, port)
    if not exact:
        private = [str(ip) for ip in addresses if not is_public_address(ip)]
        if private:
            _refuse(url, f"{host} resolves to non-public addresses {', '.join(private)}")
    return addresses


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order (tests replace this)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise KieUnavailable(f"The media host {host} could not be resolved: {exc}.") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise KieUnavailable(f"The media host {host} has no address.")
    return list(dict.fromkeys(addresses))


def is_public_address(ip: IPAddress) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses,
    including IPv4 addresses hidden inside IPv6 forms (mapped, 6to4, Teredo)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if any(inner is not None and not is_public_address(inner) for inner in embedded):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _is_ip_literal(host: str) -> bool:
    return host.startswith("[") or bool(_DOTTED_QUAD.match(host))


def _refuse(url: object, reason: str) -> NoReturn:
    shown = repr(url)[:300]
    logger.warning("Refused outbound URL %s: %s", shown, reason)
    raise MediaHostNotAllowed(f"Refusing to fetch {shown}: {reason}.")


# --- Connecting to the checked addresses only -----------------------------------------------


def _get(
    target: Target, headers: dict[str, str], timeout: object, stream: bool
) -> requests.Response:
    session = requests.Session()
    session.trust_env = False  # an environment proxy would resolve the name again itself
    adapter = PinnedAdapter(target.scheme, target.host, target.port, target.addresses)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        return session.get(
            target.url, headers=headers, timeout=timeout, stream=stream, allow_redirects=False
        )
    except requests.RequestException as exc:
        logger.warning("Fetching %s failed: %r", target.url, exc)
        raise KieUnavailable("The media host could not be reached; try again shortly.") from exc
