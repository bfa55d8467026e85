"""Ratings in a SCIM service: rated competencies on users, in a custom extension schema.

With ``write_attributes``, and when the service announces the extension schema in
``/Schemas``, each person's user carries ``role`` and ``competencies`` (the latest rated
level per competency, as ``competency:level``) in :data:`EXTENSION` (or the schema the
``extension_schema`` setting names): the ``user-attributes`` objects of ``push-ratings``
(and of ``push-people``, for the role).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import JsonValue

from competency_core.people import Assessment

EXTENSION = "urn:competency-core:params:scim:schemas:extension:competency:2.0:User"
"""The default extension schema of role and competency attributes on users."""


def attribute_data(role: str | None, competencies: Iterable[str] = ()) -> dict[str, JsonValue]:
    """The extension attributes of a user: role and ``competency:level`` values, sorted."""
    values: list[JsonValue] = [*sorted(set(competencies))]
    return {"role": role, "competencies": values}


def attribute_data_of(resource: Mapping[str, Any], schema: str) -> dict[str, JsonValue] | None:
    """A user's extension attributes, or None when the user has none."""
    ext = resource.get(schema)
    if not isinstance(ext, dict) or not (ext.get("role") or ext.get("competencies")):
        return None
    values = ext.get("competencies") or []
    return attribute_data(
        str(ext["role"]) if ext.get("role") else None,
        [str(v) for v in values] if isinstance(values, list) else [str(values)],
    )


def attribute_operations(schema: str, data: Mapping[str, JsonValue]) -> list[dict[str, Any]]:
    """PATCH operations writing the extension attributes (absent values removed)."""
    ops: list[dict[str, Any]] = []
    for name in ("role", "competencies"):
        value = data.get(name)
        path = f"{schema}:{name}"
        ops.append(
            {"op": "replace", "path": path, "value": value}
            if value
            else {"op": "remove", "path": path}
        )
    return ops


def latest_levels(assessments: Iterable[Assessment]) -> dict[str, list[str]]:
    """``competency:level`` of each person's latest assessment per competency."""
    latest: dict[tuple[str, str], Assessment] = {}
    for a in assessments:
        k = (a.person, a.competency)
        if k not in latest or a.date >= latest[k].date:
            latest[k] = a
    out: dict[str, list[str]] = defaultdict(list)
    for (person, competency), a in sorted(latest.items()):
        out[person].append(f"{competency}:{a.level}")
    return out


__all__ = [
    "EXTENSION",
    "attribute_data",
    "attribute_data_of",
    "attribute_operations",
    "latest_levels",
]
