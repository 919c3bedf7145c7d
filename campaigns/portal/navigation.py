"""The portal's main navigation: its sections, and which one a page belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

# (URL name, label) in menu order. A page belongs to the section with the longest URL prefix.
SECTIONS = (
    ("portal:dashboard", "Dashboard"),
    ("portal:product-new", "New product"),
    ("portal:products", "Products"),
    ("portal:campaigns", "Campaigns"),
    ("portal:tasks", "Tasks"),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool


def current_url(path: str, urls: list[str]) -> str | None:
    """The section URL `path` falls under: exact match, else the longest prefix ("/" only exact)."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)


def nav_items(path: str) -> list[NavItem]:
    urls = [reverse(name) for name, _ in SECTIONS]
    current = current_url(path, urls)
    return [
        NavItem(url=url, label=label, current=url == current)
        for url, (_, label) in zip(urls, SECTIONS, strict=True)
    ]
