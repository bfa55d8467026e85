"""Content hashes and field-level differences of the plain data that adapters sync.

Sync objects carry JSON data (a mapping of field to value). Two pieces of data are the same
exactly when their :func:`data_hash` is; :func:`changed_fields` says which fields differ,
with nested mappings compared field by field (``scale.proficient``) and lists as a whole.

>>> [(c.field, c.old, c.new) for c in changed_fields({"name": "A", "x": 1}, {"name": "B", "x": 1})]
[('name', 'A', 'B')]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, JsonValue


class FieldChange(BaseModel):
    """One field whose value differs: its dotted name, the remote value and the local one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    old: JsonValue = None
    new: JsonValue = None


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: equal data gives equal text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def data_hash(data: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_json`: the identity of an object's content."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def changed_fields(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """The fields whose values differ between ``old`` and ``new`` (None: no data), by name.

    A field missing on one side compares as None.
    """
    a = dict(_flatten(old or {}))
    b = dict(_flatten(new or {}))
    out = [
        FieldChange(field=name, old=a.get(name), new=b.get(name))
        for name in sorted(a.keys() | b.keys())
        if a.get(name) != b.get(name)
    ]
    return tuple(out)


__all__ = ["FieldChange", "canonical_json", "changed_fields", "data_hash"]
