"""A generic JSON-Schema walker: a deterministic, readable value that satisfies the schema.

The same seed and words always give the same value. Items of an array differ from each other
(their text carries the item number), so "10 distinct ideas" holds without knowing the schema.
"""

from __future__ import annotations

import math
import random
from typing import Any

FALLBACK_WORDS = (
    "sunrise", "studio", "everyday", "bold", "calm", "vivid", "urban", "cozy", "fresh", "golden",
)  # fmt: skip
_ADJECTIVES = ("bright", "quiet", "playful", "elegant", "warm", "crisp", "dreamy", "lively")
_LONG_TEXT_HINTS = ("description", "summary", "prompt", "script", "concept", "story", "text")
_DEFAULT_ARRAY_ITEMS = 3
_MAX_DEPTH = 12


class SchemaWalker:
    def __init__(self, schema: dict[str, Any], *, seed: int, words: list[str]) -> None:
        self._root = schema
        self._rng = random.Random(seed)
        self._words = words or list(FALLBACK_WORDS)

    def generate(self) -> Any:
        return self._value(self._root, name="value", index=None, depth=0)

    def _value(self, schema: Any, *, name: str, index: int | None, depth: int) -> Any:
        schema = self._resolve(schema if isinstance(schema, dict) else {})
        if depth > _MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            choices = schema["enum"]
            return choices[((index or 0) + self._rng.randrange(len(choices))) % len(choices)]
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, index=index, depth=depth)
        if kind == "array":
            return self._array(schema, name=name, depth=depth)
        if kind in ("integer", "number"):
            return self._number(schema, name=name, index=index, integer=kind == "integer")
        if kind == "boolean":
            return self._rng.random() < 0.5
        if kind == "null":
            return None
        return self._string(schema, name=name, index=index)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = self._root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            return {**self._resolve(target), **merged}
        for combinator in ("anyOf", "oneOf"):
            options = [o for o in schema.get(combinator) or [] if _type_of(o) != "null"]
            if options:
                rest = {k: v for k, v in schema.items() if k != combinator}
                return {**rest, **self._resolve(options[0])}
        if schema.get("allOf"):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged = _merge(merged, self._resolve(part))
            return merged
        return schema

    def _object(self, schema: dict[str, Any], *, index: int | None, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = [n for n in schema.get("required") or [] if n in properties]
        ordered = required + [n for n in properties if n not in required]
        return {
            n: self._value(properties[n], name=n, index=index, depth=depth + 1) for n in ordered
        }

    def _array(self, schema: dict[str, Any], *, name: str, depth: int) -> list[Any]:
        low = int(schema.get("minItems") or 0)
        high = schema.get("maxItems")
        count = low or _DEFAULT_ARRAY_ITEMS
        if high is not None:
            count = max(low, min(count, int(high)))
        item_name = name[:-1] if name.endswith("s") and len(name) > 3 else name
        items = schema.get("items") or {}
        return [self._value(items, name=item_name, index=i, depth=depth + 1) for i in range(count)]

    def _number(
        self, schema: dict[str, Any], *, name: str, index: int | None, integer: bool
    ) -> int | float:
        low, high = _bounds(schema, integer=integer)
        if integer:
            low, high = math.ceil(low), max(math.ceil(low), math.floor(high))
            if name.lower() == "rank" and index is not None:  # 1-based position in its list
                return min(max(index + 1, low), high)
            return self._rng.randint(low, high)
        return round(self._rng.uniform(low, high), 2)

    def _string(self, schema: dict[str, Any], *, name: str, index: int | None) -> str:
        text = _format_value(schema.get("format"), index) or self._text(name, index)
        minimum = int(schema.get("minLength") or 0)
        while len(text) < minimum:
            text = f"{text} {self._pick(self._words)}"
        maximum = schema.get("maxLength")
        if maximum is None or len(text) <= int(maximum):
            return text
        return text[: int(maximum)].rstrip() or text[: int(maximum)]

    def _text(self, name: str, index: int | None) -> str:
        label = name.replace("_", " ").replace("-", " ").strip() or "value"
        # Rotate through the prompt's words by position, so neighbouring items read differently.
        offset = self._rng.randrange(len(self._words))
        word = self._words[((index or 0) + offset) % len(self._words)]
        adjective = self._pick(_ADJECTIVES)
        number = f" {index + 1}" if index is not None else ""
        if any(hint in label.lower() for hint in _LONG_TEXT_HINTS):
            other = self._pick(self._words)
            article = "an" if adjective[0] in "aeiou" else "a"
            return (
                f"{label.capitalize()}{number}: {article} {adjective} take on {word}, "
                f"showing {other} in a way viewers remember."
            )
        return f"{label.title()}{number}: {adjective.title()} {word.title()}"

    def _pick(self, options: Any) -> str:
        return str(options[self._rng.randrange(len(options))])


def _type_of(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "string"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind:
        return str(kind)
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _bounds(schema: dict[str, Any], *, integer: bool) -> tuple[float, float]:
    """Inclusive bounds; exclusive ones are pulled in by one (integers) or a hair (numbers)."""
    nudge = 1 if integer else 0.01
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and schema.get("exclusiveMinimum") is not None:
        low = schema["exclusiveMinimum"] + nudge
    if high is None and schema.get("exclusiveMaximum") is not None:
        high = schema["exclusiveMaximum"] - nudge
    low = (0 if high is not None and high < 1 else 1) if low is None else low
    high = max(low, low + 99 if high is None else high)
    return low, high


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    merged = {**left, **right}
    merged["properties"] = {**left.get("properties", {}), **right.get("properties", {})}
    merged["required"] = list(left.get("required", [])) + list(right.get("required", []))
    return merged


def _format_value(fmt: Any, index: int | None) -> str | None:
    number = (index or 0) + 1
    return (
        {
            "uri": f"http://127.0.0.1/sandbox/item-{number}",
            "url": f"http://127.0.0.1/sandbox/item-{number}",
            "email": f"user{number}@example.com",
            "date": "2025-01-01",
            "date-time": "2025-01-01T12:00:00Z",
            "uuid": f"00000000-0000-4000-8000-{number:012d}",
        }.get(str(fmt))
        if fmt
        else None
    )
