"""Check JSON documents against the official TMF swagger files in ``specs/tmf/``.

    from tests.tmf_schema import assert_valid, assert_tmf_error

    assert_valid(spec="TMF629-Customer-v4.0.0.swagger.json", definition="Customer",
                 instance=response.json())
    assert_tmf_error(response, 404)

``#/definitions/...`` references resolve against the whole swagger document.
``strict`` (the default) also refuses attributes a definition does not name,
which catches misspelt attribute names (``statusreason``); TMF allows
extensions, so pass ``strict=False`` for documents that carry some on purpose.
``date-time`` values are checked to be RFC 3339 instants.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

SPEC_DIR = Path(__file__).resolve().parent.parent / "specs" / "tmf"
_COMBINATORS = ("allOf", "anyOf", "oneOf", "$ref")


@functools.cache
def load_spec(spec: str) -> dict[str, Any]:
    path = SPEC_DIR / spec
    if not path.exists():
        known = ", ".join(sorted(p.name for p in SPEC_DIR.glob("*.swagger.json")))
        raise FileNotFoundError(f"no TMF spec {spec!r}; known: {known}")
    return json.loads(path.read_text(encoding="utf-8"))


def _closed(definitions: dict[str, Any]) -> dict[str, Any]:
    """Definitions with ``additionalProperties: false`` on plain object definitions."""
    closed = copy.deepcopy(definitions)
    for definition in closed.values():
        if (
            isinstance(definition, dict)
            and "properties" in definition
            and "additionalProperties" not in definition
            and not any(key in definition for key in _COMBINATORS)
        ):
            definition["additionalProperties"] = False
    return closed


@functools.cache
def _validator(spec: str, definition: str, strict: bool, many: bool) -> jsonschema.Draft4Validator:
    document = load_spec(spec)
    definitions = document["definitions"]
    if definition not in definitions:
        raise KeyError(f"{spec} has no definition {definition!r}")
    if strict:
        definitions = _closed(definitions)
    target: dict[str, Any] = {"$ref": f"#/definitions/{definition}"}
    if many:
        target = {"type": "array", "items": target}
    schema = {**target, "definitions": definitions}
    return jsonschema.Draft4Validator(schema, format_checker=_FORMATS)


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value and "t" not in value:
        raise ValueError(f"{value!r} has no time part")
    parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no zone offset")
    return True


def validation_errors(*, spec: str, definition: str, instance: Any, strict: bool = True,
                      many: bool = False) -> list[str]:
    """Every violation, as ``path: message`` lines (empty when valid)."""
    validator = _validator(spec, definition, strict, many)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    ]


def assert_valid(*, spec: str, definition: str, instance: Any, strict: bool = True) -> None:
    """Fail with every violation when ``instance`` does not match ``definition``.

    A list is checked item by item (a collection response).
    """
    many = isinstance(instance, list)
    errors = validation_errors(spec=spec, definition=definition, instance=instance,
                               strict=strict, many=many)
    assert not errors, f"not a valid {definition} of {spec}:\n" + "\n".join(errors)


def assert_tmf_error(response: Any, status: int, *,
                     spec: str = "TMF629-Customer-v4.0.0.swagger.json") -> dict[str, Any]:
    """The response is a TMF ``Error`` in JSON with ``status``; returns the body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert_valid(spec=spec, definition="Error", instance=body)
    assert body["status"] == str(status)
    assert body["message"]
    return body
