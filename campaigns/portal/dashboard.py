"""Reads for the dashboard: a few counts and the newest tasks, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from campaigns import selectors
from campaigns.models import Campaign, Product, VideoTask

from .reads import LIVE_STATES

State = VideoTask.State
# States the worker is still moving along (pending included: it sends them); the page polls while
# one of these is shown. `unknown` waits for a person's decision, so polling it would never end.
IN_FLIGHT_STATES = LIVE_STATES
RECENT_TASK_COUNT = 8


def recent_tasks() -> dict[str, Any]:
    tasks = list(selectors.list_tasks()[:RECENT_TASK_COUNT])
    return {"tasks": tasks, "in_flight": any(t.state in IN_FLIGHT_STATES for t in tasks)}


def summary() -> dict[str, int]:
    counts = VideoTask.objects.aggregate(
        in_flight=Count("pk", filter=Q(state__in=IN_FLIGHT_STATES)),
        finished=Count("pk", filter=Q(state=State.SUCCESS)),
        attention=Count("pk", filter=Q(state__in=[State.FAILED, State.UNKNOWN])),
    )
    counts["products"] = Product.objects.count()
    counts["campaigns"] = Campaign.objects.count()
    return counts
