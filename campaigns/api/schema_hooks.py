"""Schema post-processing: what every operation with a request body can answer."""

from __future__ import annotations

from typing import Any

UNSUPPORTED_MEDIA_TYPE = {
    "description": "unsupported_media_type: send the body as one of the listed content types.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_unsupported_media_type(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: a body the parsers can't read is a 415 on any such operation."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result
