"""What video jobs cost: the quote for exactly the chosen options, before anything is started."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kie.registry import VideoModel

from . import catalog
from .errors import ValidationFailed

MAX_QUOTE_COUNT = 100


@dataclass(frozen=True)
class Quote:
    model: VideoModel
    options: dict[str, Any]  # every option, defaults applied
    credits_each: Decimal
    count: int

    @property
    def total(self) -> Decimal:
        return self.credits_each * self.count


def quote(model_id: str, options: Mapping[str, Any] | None = None, *, count: int = 1) -> Quote:
    """The registry's price for `count` jobs of `model_id` with `options` (as they will be sent)."""
    if not 1 <= count <= MAX_QUOTE_COUNT:
        raise ValidationFailed.for_fields({"count": f"Between 1 and {MAX_QUOTE_COUNT} videos."})
    model = catalog.get_model(model_id)
    resolved = catalog.resolve_options(model, options)
    return Quote(model, resolved, model.estimate_credits(resolved), count)
