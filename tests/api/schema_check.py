"""Every API response a test receives is checked against the OpenAPI schema the API publishes.

The schema is turned into strict JSON Schema (OpenAPI's `nullable` made explicit, no undocumented
keys), so a body with a key, a null or a status the schema does not document fails the test that
received it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator
from rest_framework.test import APIClient

# Errors any endpoint can answer (wrong method, body too big or of the wrong type, a crash); they
# are not listed per endpoint, but they still have to be the documented error shape.
GENERIC_ERROR_STATUSES = {405, 413, 415, 500}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


class SchemaCheckedClient(APIClient):
    """An APIClient that fails the test on any response its endpoint's schema does not describe."""

    def request(self, **kwargs: Any):
        response = super().request(**kwargs)
        check_response(kwargs["REQUEST_METHOD"].lower(), response)
        return response


def check_response(method: str, response: Any) -> None:
    path = _schema_path(response)
    document = published_schema()
    if path is None or path not in document["paths"]:
        return  # the catch-all 404 and the schema/docs pages themselves
    operation = document["paths"][path].get(method)
    if operation is None:
        # An undocumented method: refused (authentication is checked before the method).
        assert response.status_code in {401, 403, 405}, (method, path, response.status_code)
        validate_body(_ERROR_REF, response.json(), f"{method} {path} {response.status_code}")
        return
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        assert response.status_code in GENERIC_ERROR_STATUSES, (
            f"{method.upper()} {path} answered {response.status_code}, which the schema does "
            f"not document (it lists {sorted(operation['responses'])})"
        )
        validate_body(_ERROR_REF, response.json(), f"{method} {path} {response.status_code}")
        return
    if "content" not in documented:
        return  # documented without a body: a redirect, 304 Not Modified
    _check_content(documented["content"], response, f"{method} {path}")


@functools.cache
def published_schema() -> dict[str, Any]:
    """The schema /api/schema/ serves, as strict JSON Schema."""
    return _strict(SchemaGenerator().get_schema(request=None, public=True))


def _schema_path(response: Any) -> str | None:
    match = getattr(response, "resolver_match", None)
    if match is None or match.route is None or match.url_name == "not-found":
        return None
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)


def _check_content(content: dict[str, Any], response: Any, where: str) -> None:
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in content, f"{where}: {media_type} is not documented ({sorted(content)})"
    if media_type == "application/json":
        validate_body(content[media_type]["schema"], response.json(), where)


def validate_body(schema: dict[str, Any], body: Any, where: str) -> None:
    root = {"components": published_schema()["components"], "allOf": [schema]}
    errors = sorted(Draft4Validator(root).iter_errors(body), key=lambda error: error.path)
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, error.path)) or '(body)'}: {error.message}" for error in errors
    )


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable` as a null alternative, and no undocumented keys."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _strict(value) for key, value in node.items()}
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    if converted.pop("nullable", False):
        return {"anyOf": [{"type": "null"}, converted]}
    return converted
