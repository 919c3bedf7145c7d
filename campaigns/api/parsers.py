"""The API's JSON parser: DRF's, refusing hostile JSON with a 400 before any view sees it.

Python's json module recurses once per nesting level, so 1,000 levels in 2 KB raise
RecursionError (a 500); `\\udc80` escapes decode to lone surrogates that no UTF-8 encoder (the
database, our own JSON renderer) accepts. Both are refused here as parse errors.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Our deepest legitimate body is two levels (`options`); 32 leaves room without risk.
MAX_JSON_DEPTH = 32


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_too_deep()) from exc
        check_json_value(data)
        return data


def check_json_value(data: Any) -> None:
    """ParseError when `data` nests deeper than MAX_JSON_DEPTH or holds a lone surrogate.

    Iterative, so a deep value can't exhaust the stack while being checked.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise ParseError(_too_deep())
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                _check_text(key)
                stack.append((item, depth + 1))
        else:
            _check_text(value)


def _check_text(value: Any) -> None:
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ascii(value[exc.start : exc.end])
        raise ParseError(
            f"JSON parse error - a string holds an unpaired UTF-16 surrogate ({bad}); "
            "send valid Unicode text."
        ) from None


def _too_deep() -> str:
    return f"JSON parse error - the body nests deeper than {MAX_JSON_DEPTH} levels."
