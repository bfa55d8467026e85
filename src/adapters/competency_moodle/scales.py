"""Mapping a model's proficiency scales onto the items of an existing Moodle scale.

Moodle has no web service that creates a scale: the caller names one (``scale_id``) and
the adapter reads its items (``core_competency_get_scale_values``). Each model scale is
mapped onto those items, in this order of preference: an explicit ``level_map``; the
level labels equal to the item names; the same number of levels as items (by position);
with ``scale_fit='spread'``, fewer levels spread over more items keeping their order.
Anything else is refused before a plan is made.

>>> m = map_scale("s", [1, 2, 3], ["Low", "Mid", "High"], 2, ["No", "Some", "Much"])
>>> m.items, m.configuration(7)
({1: 1, 2: 2, 3: 3}, [{'scaleid': 7}, {'id': 1, 'scaledefault': 0, 'proficient': 0}, \
{'id': 2, 'scaledefault': 1, 'proficient': 1}, {'id': 3, 'scaledefault': 0, 'proficient': 1}])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from competency_core.errors import SyncError


class ScaleMismatchError(SyncError):
    """A model scale cannot be mapped onto the Moodle scale's items."""


@dataclass(frozen=True)
class ScaleMap:
    """How one model scale's levels map onto the Moodle scale's 1-based items."""

    scale: str
    items: dict[int, int]
    """Level value -> item number."""
    proficient_level: int
    item_names: tuple[str, ...]
    how: str

    @property
    def levels(self) -> dict[int, int]:
        """Item number -> level value (items no level maps to are absent)."""
        return {item: level for level, item in self.items.items()}

    @property
    def proficient_item(self) -> int:
        """The item of the first proficient level."""
        return self.items[self.proficient_level]

    def configuration(self, scale_id: int) -> list[dict[str, Any]]:
        """Moodle's ``scaleconfiguration`` (the proficient item is the default).

        The item of the first proficient level and every item above it are proficient.
        """
        first = self.proficient_item
        return [
            {"scaleid": scale_id},
            *(
                {"id": i, "scaledefault": int(i == first), "proficient": int(i >= first)}
                for i in range(1, len(self.item_names) + 1)
            ),
        ]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def map_scale(
    key: str,
    values: Sequence[int],
    labels: Sequence[str],
    proficient: int,
    item_names: Sequence[str],
    *,
    explicit: Mapping[int, int] | None = None,
    fit: Literal["exact", "spread"] = "exact",
) -> ScaleMap:
    """Map the model scale ``key`` (levels ``values`` with ``labels``) onto ``item_names``.

    Raises :class:`ScaleMismatchError` saying why and what to set when it cannot.
    """
    n, m = len(values), len(item_names)
    names = tuple(item_names)
    shown = ", ".join(f"{i}={name!r}" for i, name in enumerate(names, 1))
    if explicit:
        missing = [v for v in values if v not in explicit]
        bad = [f"{v}->{i}" for v, i in explicit.items() if not 1 <= i <= m]
        if missing or bad:
            raise ScaleMismatchError(
                f"level_map for the scale {key!r}: "
                + (f"levels {missing} have no item; " if missing else "")
                + (f"items out of range: {', '.join(bad)}; " if bad else "")
                + f"the Moodle scale has {m} items ({shown})"
            )
        ordered = [explicit[v] for v in sorted(values)]
        if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
            raise ScaleMismatchError(
                f"level_map for the scale {key!r} must keep the levels' order and give each "
                "level its own item (ratings pulled back must map to one level)"
            )
        return ScaleMap(key, {v: explicit[v] for v in values}, proficient, names, "level_map")
    by_name = {_norm(name): i for i, name in enumerate(names, 1)}
    if all(_norm(label) in by_name for label in labels) and len(set(map(_norm, labels))) == n:
        items = {v: by_name[_norm(label)] for v, label in zip(values, labels, strict=True)}
        if [items[v] for v in sorted(values)] == sorted(items.values()):
            return ScaleMap(key, items, proficient, names, "by name")
    ordered_values = sorted(values)
    if n == m:
        return ScaleMap(
            key, {v: i for i, v in enumerate(ordered_values, 1)}, proficient, names, "by position"
        )
    if fit == "spread" and 1 < n < m:
        items = {v: 1 + round(k * (m - 1) / (n - 1)) for k, v in enumerate(ordered_values)}
        return ScaleMap(key, items, proficient, names, "spread")
    hint = (
        "set level_map for it (e.g. --set 'level_map={\""
        + key
        + '": {"1": 1, ...}}\'), or name another Moodle scale'
    )
    if n < m:
        hint += ", or set scale_fit=spread"
    raise ScaleMismatchError(
        f"the model scale {key!r} has {n} levels ({', '.join(map(repr, labels))}) and the "
        f"Moodle scale has {m} items ({shown}): they cannot be mapped one to one; {hint}"
    )


__all__ = ["ScaleMap", "ScaleMismatchError", "map_scale"]
