"""SCIM filters (RFC 7644 §3.4.2.2) with the same test done on the client.

A :class:`Filter` pairs the filter expression sent to the service with a Python test of a
resource, which the client applies itself when the service refuses the filter.

>>> (Filter.active() & Filter.equals("userName", "bjensen")).expression
'(active eq true) and (userName eq "bjensen")'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def filter_text(value: str) -> str:
    r"""A string as a SCIM filter literal (quoted, with ``\\`` and ``"`` escaped).

    >>> filter_text('a "b"')
    '"a \\"b\\""'
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scim_datetime(value: dt.datetime) -> str:
    """A datetime as SCIM writes it (UTC, ``Z``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _is_true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() == "true"
    return value is True


@dataclass(frozen=True)
class Filter:
    """A SCIM filter with the same test done locally, for services that refuse the filter.

    >>> Filter.active().expression
    'active eq true'
    """

    expression: str
    test: Callable[[Mapping[str, Any]], bool]

    @classmethod
    def active(cls) -> Filter:
        """Active resources only (``active eq true``; absent ``active`` counts as active)."""
        return cls(
            "active eq true",
            lambda r: r.get("active") is None or _is_true(r.get("active")),
        )

    @classmethod
    def modified_since(cls, since: dt.datetime) -> Filter:
        """Resources changed after ``since`` (``meta.lastModified gt``), for incremental pulls."""
        bound = since if since.tzinfo else since.replace(tzinfo=dt.UTC)

        def test(r: Mapping[str, Any]) -> bool:
            meta = r.get("meta")
            changed = _parse_datetime(meta.get("lastModified")) if isinstance(meta, dict) else None
            return changed is None or changed > bound

        return cls(f"meta.lastModified gt {filter_text(scim_datetime(since))}", test)

    @classmethod
    def equals(cls, attribute: str, value: str) -> Filter:
        """``attribute eq "value"`` on a top-level attribute (case-insensitive, as SCIM)."""
        folded = value.casefold()
        return cls(
            f"{attribute} eq {filter_text(value)}",
            lambda r: str(r.get(attribute) or "").casefold() == folded,
        )

    @classmethod
    def starts_with(cls, attribute: str, value: str) -> Filter:
        """``attribute sw "value"`` on a top-level attribute (case-insensitive)."""
        folded = value.casefold()
        return cls(
            f"{attribute} sw {filter_text(value)}",
            lambda r: str(r.get(attribute) or "").casefold().startswith(folded),
        )

    def __and__(self, other: Filter) -> Filter:
        return Filter(
            f"({self.expression}) and ({other.expression})",
            lambda r: self.test(r) and other.test(r),
        )


def combine(active: bool | None, since: dt.datetime | None) -> Filter | None:
    """Active users and/or users changed since a time, as one filter (None: no filter)."""
    parts: list[Filter] = []
    if active:
        parts.append(Filter.active())
    if since is not None:
        parts.append(Filter.modified_since(since))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = out & p
    return out


__all__ = ["Filter", "combine", "filter_text", "scim_datetime"]
