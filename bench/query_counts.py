"""Benchmark 6: the SQL queries of every list page at 10 rows and at 1,000 rows; a list that
loads related rows one by one (N+1) shows up as a count that grows with the rows.

The pages are found, not listed, so pages added later are measured too:
- API: every route of the `api` namespace without URL arguments whose view is a DRF list view;
- admin: the changelist of every model registered with the admin site;
- portal: every route of the `portal` namespace without URL arguments (sign-in/out excepted),
  plus the list pages named in PORTAL_PAGES (kept here so a page that loses its route is noticed).

Pages are rendered in this process with Django's test client as a staff superuser, on the
benchmark's PostgreSQL database, Kie being the sandbox (the admin shows the credit balance);
queries are counted with CaptureQueriesContext. Every campaigns model gets the same number of
rows, each with its own related rows (campaign, product, idea, user, retried task).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main  # noqa: E402

SPEC = Spec(6, "query_counts", "Query counts of every list page, 10 vs 1,000 rows")

PORTAL_PAGES = [
    "portal:dashboard",
    "portal:dashboard-tasks",
    "portal:products",
    "portal:campaigns",
    "portal:tasks",
]
_NOT_LISTS = {"portal:login", "portal:logout"}


def run(ctx: Context) -> list[Row]:
    from bench.stack import Stack

    small, large = ctx.pick_int(10, 2), ctx.pick_int(1000, 12)
    with Stack(ctx, web=False, db_workers=0):
        from django.test import Client

        from bench import seed

        client = Client()
        client.force_login(seed.staff_user())
        pages = discover_pages()
        seed_rows(small)
        at_small = count_queries(client, pages)
        seed_rows(large - small)
        at_large = count_queries(client, pages)
    return rows(pages, at_small, at_large, small, large, ctx.notes)


def discover_pages() -> dict[str, list[tuple[str, str]]]:
    """{"API": [(name, path)], "portal": […], "admin": […]}."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, get_resolver, reverse
    from rest_framework.mixins import ListModelMixin

    api, portal = [], []
    for name, view_class in _named_routes(get_resolver()):
        if name.startswith("api:") and view_class and issubclass(view_class, ListModelMixin):
            api.append(name)
        elif name.startswith("portal:") and name not in _NOT_LISTS:
            portal.append(name)
    pages: dict[str, list[tuple[str, str]]] = {"API": [], "portal": [], "admin": []}
    for name in sorted(set(api)):
        pages["API"].append((name, reverse(name)))
    for name in sorted(set(portal) | set(PORTAL_PAGES)):
        try:
            pages["portal"].append((name, reverse(name)))
        except NoReverseMatch:
            pages["portal"].append((name, ""))  # named here but gone: reported as missing
    for model in admin.site._registry:
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}_changelist"
        pages["admin"].append((name, reverse(name)))
    return pages


def _named_routes(resolver, namespace: str = ""):
    """(namespace:name, view class or None) of every argument-free route."""
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if not pattern.pattern.regex.groups:
                yield from _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            if "<" in str(pattern.pattern) or "(" in str(pattern.pattern):
                continue
            yield f"{namespace}{pattern.name}", getattr(pattern.callback, "view_class", None)


def count_queries(client, pages) -> dict[str, tuple[int, int]]:
    """{name: (HTTP status, queries)}; each page is asked once first (caches, credits)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for group in pages.values():
        for name, path in group:
            if not path:
                counts[name] = (404, 0)
                continue
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[name] = (response.status_code, len(queries))
    return counts


def seed_rows(count: int) -> None:
    """`count` more rows of every campaigns model, each with its own related rows."""
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign, Idea, IdeaBatch, Product, VideoPrompt, VideoTask

    start = get_user_model().objects.count()
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"user{start + n}", is_staff=True) for n in range(count)]
    )
    campaigns = Campaign.objects.bulk_create(
        [Campaign(name=f"Campaign {n}", created_by=u) for n, u in enumerate(users)]
    )
    products = Product.objects.bulk_create(
        [
            Product(name=f"Product {n}", campaign=c, created_by=u, source_image_url=_IMAGE)
            for n, (c, u) in enumerate(zip(campaigns, users, strict=True))
        ]
    )
    IdeaBatch.objects.bulk_create(
        [IdeaBatch(product=p, number=1, created_by=u) for p, u in zip(products, users, strict=True)]
    )
    ideas = Idea.objects.bulk_create(
        [Idea(product=p, batch=1, rank=1, title=p.name) for p in products]
    )
    VideoPrompt.objects.bulk_create(
        [
            VideoPrompt(idea=i, model_id="veo3_fast", text="A prompt", created_by=u)
            for i, u in zip(ideas, users, strict=True)
        ]
    )
    first = VideoTask.objects.bulk_create(
        [_task(i, u, state=VideoTask.State.FAILED) for i, u in zip(ideas, users, strict=True)]
    )
    VideoTask.objects.bulk_create(
        [_task(t.idea, t.created_by, retry_of=t) for t in first[: max(1, count // 2)]]
    )


_IMAGE = "https://images.example.com/products/bottle.png"


def _task(idea, user, **fields):
    from campaigns.models import VideoTask

    values = {
        "product": idea.product,
        "idea": idea,
        "model_id": "veo3_fast",
        "provider": "veo",
        "prompt": "A prompt",
        "options": {"aspect_ratio": "16:9"},
        "created_by": user,
        "state": VideoTask.State.QUEUED,
    }
    return VideoTask(**(values | fields))


def rows(pages, at_small, at_large, small: int, large: int, notes: list[str]) -> list[Row]:
    out = []
    for group, listed in pages.items():
        counts = {name: (at_small[name], at_large[name]) for name, _path in listed}
        bad = {n: c for n, c in counts.items() if c[0][0] != 200 or c[1][0] != 200}
        growing = {n: c for n, c in counts.items() if n not in bad and c[0][1] != c[1][1]}
        constant = [c[1][1] for n, c in counts.items() if n not in bad and n not in growing]
        parts = [f"{_short(n)} HTTP {c[1][0]}" for n, c in bad.items()]
        parts += [f"{_short(n)} {c[0][1]}→{c[1][1]}" for n, c in growing.items()]
        if constant:
            low, high = min(constant), max(constant)
            spread = f"{low}" if low == high else f"{low}–{high}"
            parts.append(f"{len(constant)} constant ({spread} queries)")
        met = bool(listed) and not bad and not growing
        out.append(
            Row(
                6,
                f"{group}, {small} → {large} rows",
                ("" if met else "NOT constant: ") + "; ".join(parts),
                met,
                "constant",
                "constant",
            )
        )
        detail = ", ".join(f"{_short(n)} {a[1]}→{b[1]}" for n, (a, b) in counts.items())
        notes.append(f"{group} queries at {small} → {large} rows: {detail}")
    return out


def _short(name: str) -> str:
    return name.split(":", 1)[1].removesuffix("_changelist")


if __name__ == "__main__":
    main(SPEC, run)
