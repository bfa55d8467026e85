"""File formats: their version header and their JSON Schemas.

A model or workforce file may start with two header keys that are not part of the model:

- ``$schema``: the schema an editor should validate the file with (any string; ignored);
- ``format``: the file format's version, ``competency-core/1`` (the current one, and the
  default when the key is left out). A file in a newer format than this library knows is
  refused with a message saying so, instead of being read wrongly; a later format can
  migrate files that name an older one.

The JSON Schemas (:func:`json_schema`) accept every file the loader accepts: the header
keys, indicators written as plain text, a single indicator instead of a list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from competency_core.errors import Problem

FORMAT_NAME = "competency-core"
FORMAT_VERSION = 1
FORMAT = f"{FORMAT_NAME}/{FORMAT_VERSION}"
"""The file format this library writes and reads: ``competency-core/1``."""

HEADER_KEYS = ("$schema", "format")
SCHEMA_BASE = "https://competency-core.readthedocs.io/schemas"

SchemaKind = Literal["model", "workforce", "pilot", "feedback", "migration", "settings"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = (
    "model",
    "workforce",
    "pilot",
    "feedback",
    "migration",
    "settings",
)

_FORMAT = re.compile(rf"{FORMAT_NAME}/([0-9]+)")


def format_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Problems with a file's header keys (``$schema``, ``format``); none when it has none."""
    problems = []
    if "$schema" in data and not isinstance(data["$schema"], str):
        problems.append(Problem(path="$schema", message="should be text (a schema's URL)"))
    if "format" in data:
        value = data["format"]
        match = _FORMAT.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            problems.append(
                Problem(
                    path="format",
                    message=f"should be {FORMAT!r} (the file format's version), not {value!r}",
                )
            )
        elif int(match.group(1)) > FORMAT_VERSION:
            problems.append(
                Problem(
                    path="format",
                    message=f"the file is in format {value!r}, newer than this version of "
                    f"competency-core reads ({FORMAT!r}): upgrade competency-core to read it",
                )
            )
        elif int(match.group(1)) < 1:
            problems.append(Problem(path="format", message=f"there is no format {value!r}"))
    return problems


def without_header(data: Mapping[str, Any]) -> dict[str, Any]:
    """The file's data without its header keys (check them first: :func:`format_problems`)."""
    return {k: v for k, v in data.items() if k not in HEADER_KEYS}


class _Parsed(Protocol):
    data: Any
    file: str | None


def strip_header(doc: _Parsed) -> list[Problem]:
    """Check a parsed file's header keys and drop them from its data; their problems.

    Problems mean the file cannot be read (a newer format, a malformed header): the data
    is then left as it is.
    """
    if not isinstance(doc.data, Mapping):
        return []
    problems = [p.model_copy(update={"file": doc.file}) for p in format_problems(doc.data)]
    if not problems and any(k in doc.data for k in HEADER_KEYS):
        doc.data = without_header(doc.data)
    return problems


# -- JSON Schemas --------------------------------------------------------------------------

_HEADER_PROPERTIES: dict[str, Any] = {
    "$schema": {"type": "string", "description": "The schema to validate this file with."},
    "format": {
        "type": "string",
        "enum": [FORMAT],
        "default": FORMAT,
        "description": "The file format's version (default: the current one).",
    },
}


def _indicator_text() -> list[dict[str, Any]]:
    return [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "A translated text: language code -> text.",
        },
    ]


def _lenient_indicators(schema: dict[str, Any]) -> None:
    """Indicators as the loader reads them: plain text, or one instead of a list."""
    defs = schema.get("$defs", {})
    if "BehaviouralIndicator" in defs:
        full = defs["BehaviouralIndicator"]
        defs["BehaviouralIndicator"] = {
            "anyOf": [*_indicator_text(), {k: v for k, v in full.items() if k != "title"}],
            "title": full.get("title", "BehaviouralIndicator"),
            "description": full.get("description", ""),
        }
    competency = defs.get("Competency", {}).get("properties", {})
    per_level = competency.get("indicators", {}).get("additionalProperties")
    if isinstance(per_level, dict) and per_level.get("type") == "array":
        competency["indicators"]["additionalProperties"] = {
            "anyOf": [per_level, per_level["items"]]
        }


def document_schema(kind: str, model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the files holding ``model``: ``$id``, the header keys.

    :func:`competency_core.schemas.json_schema` names the model of each kind.
    """
    schema = model.model_json_schema()
    _lenient_indicators(schema)
    if kind in ("model", "workforce"):
        schema["properties"] = {**_HEADER_PROPERTIES, **schema.get("properties", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{kind}-{FORMAT_VERSION}.json",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": f"competency-core {kind}",
    }


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "HEADER_KEYS",
    "SCHEMA_KINDS",
    "SchemaKind",
    "document_schema",
    "format_problems",
    "strip_header",
    "without_header",
]
