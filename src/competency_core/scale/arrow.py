"""An Arrow evidence table checked and encoded into :class:`~.columnar.EvidenceColumns`.

Every check runs on whole columns (pyarrow compute and numpy); the rows at fault are
looked up only when a check fails, and all of them (up to 50) are reported together, each
with its file, row or line and column. pyarrow is imported here, never at
``import competency_core``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from competency_core.people import EvidenceKind, RaterType
from competency_core.problems import Problem
from competency_core.scale.columnar import (
    KINDS,
    NO_END,
    RATERS,
    TEXTS,
    EvidenceColumns,
    Origin,
    column_name,
    fail,
)

if TYPE_CHECKING:
    import pyarrow as pa

EMPTY = -(2**62)
"""A date that is missing (``EMPTY + 1``: one that is not a date)."""
_SHOWN = 20
"""Rows reported per kind of mistake (the error lists at most 50 problems in all)."""


def _strings(col: Any) -> pa.Array:
    """A column as trimmed strings, empty cells as nulls (one chunk)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)


def _encode(arr: pa.Array, first: Sequence[str] = ()) -> tuple[tuple[str, ...], np.ndarray]:
    """Codes into a key tuple (``first`` keys keep their codes), -1 for nulls."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(arr)
    values = [str(v) for v in enc.dictionary.to_pylist()]
    indices = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    if not first:
        return tuple(values), indices
    keys = {k: i for i, k in enumerate(first)}
    remap = np.array([keys.setdefault(v, len(keys)) for v in values] + [-1], dtype=np.int32)
    return tuple(keys), remap[indices]


def _rows(mask: np.ndarray) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)[:_SHOWN]]


def _days(col: Any, name: str, origin: Origin, problems: list[Problem]) -> np.ndarray:
    """Dates as days since 1970 (int64; :data:`EMPTY` if missing): date32, timestamps or text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.date32())
    if not pa.types.is_date(arr.type):
        text = _strings(arr)
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        ok = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$").fill_null(True)
        bad = (
            pc.is_null(parsed).to_numpy(zero_copy_only=False)
            & text.is_valid().to_numpy(zero_copy_only=False)
        ) | ~ok.to_numpy(zero_copy_only=False)
        for i in _rows(bad):
            problems.append(
                origin.problem(
                    i, name, f"{text[i].as_py()!r} is not a date: write it as YYYY-MM-DD"
                )
            )
        days = parsed.cast(pa.date32()).cast(pa.int32()).cast(pa.int64()).fill_null(EMPTY)
        out = np.array(days.to_numpy(zero_copy_only=False), dtype=np.int64)
        out[bad] = EMPTY + 1
        return out
    days = arr.cast(pa.int32()).cast(pa.int64()).fill_null(EMPTY)
    return np.asarray(days.to_numpy(zero_copy_only=False), dtype=np.int64)


def _choice(
    arr: pa.Array, options: Sequence[str], name: str, origin: Origin, problems: list[Problem]
) -> np.ndarray:
    """Codes of ``options`` (case-insensitive), -1 for nulls; unknown values are problems."""
    import pyarrow.compute as pc

    values, codes = _encode(pc.utf8_lower(arr))
    lookup = {o: i for i, o in enumerate(options)}
    table = np.array([lookup.get(v, -2) for v in values] + [-1], dtype=np.int8)
    out: np.ndarray = table[codes]
    for i in _rows(out == -2):
        problems.append(
            origin.problem(i, name, f"{arr[i].as_py()!r} is not one of {', '.join(options)}")
        )
    return out


def _levels(col: Any, origin: Origin, problems: list[Problem]) -> np.ndarray:
    """Levels as float64 (NaN: none); text must be a whole number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        out = np.asarray(arr.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        text = None
    else:
        text = _strings(arr)
        whole = pc.match_substring_regex(text, r"^[+-]?\d{1,9}$")
        out = np.asarray(
            pc.if_else(whole, text, None).cast(pa.float64()).to_numpy(zero_copy_only=False),
            dtype=np.float64,
        )
        shown = np.asarray(text.is_valid().to_numpy(zero_copy_only=False)) & np.isnan(out)
        for i in _rows(shown):
            problems.append(
                origin.problem(i, "level", f"{text[i].as_py()!r} is not a whole number")
            )
    frac = ~np.isnan(out) & (out != np.round(out))
    for i in _rows(frac):
        problems.append(origin.problem(i, "level", f"{out[i]:g} is not a whole number"))
    return out


def encode_table(
    cls: type[EvidenceColumns],
    table: pa.Table,
    origin: Origin,
    people: Sequence[str] | None,
    assessments: bool | None,
) -> EvidenceColumns:
    """:meth:`EvidenceColumns.from_arrow` (see there)."""
    import pyarrow as pa

    problems: list[Problem] = []
    named: dict[str, Any] = {}
    for raw in table.column_names:
        name = column_name(raw)
        if name is None:
            continue
        if name in named:
            problems.append(
                Problem(
                    path=raw, message=f"column {raw!r} repeats column {name!r}", file=origin.file
                )
            )
            continue
        named[name] = table.column(raw)
    found = ", ".join(table.column_names) or "none"
    as_assessments = "kind" not in named if assessments is None else assessments
    required = ["person", "competency", "level", "date"] if as_assessments else ["person", "date"]
    missing = [c for c in required if c not in named]
    if "competency" not in named and "resource" not in named and "competency" not in missing:
        missing.append("competency or resource")
    if missing:
        problems.append(
            Problem(
                path="",
                message=f"missing column(s) {', '.join(missing)} (found: {found}); name the "
                "columns person, competency, level, date (and valid_until, kind, rater_type, "
                "resource, scale, asserted_by, name, identifier)",
                file=origin.file,
            )
        )
    if problems:
        raise fail(problems, f"{origin.file or 'the table'}: cannot read the evidence")
    n = table.num_rows
    nulls = pa.nulls(n, pa.string())

    def text(name: str) -> pa.Array:
        return _strings(named[name]) if name in named else nulls

    person_text = text("person")
    no_person = ~np.asarray(person_text.is_valid().to_numpy(zero_copy_only=False))
    for i in _rows(no_person):
        problems.append(origin.problem(i, "person", "required, but empty"))
    people_keys, person = _encode(person_text, tuple(people or ()))
    comp_text, res_text = text("competency"), text("resource")
    competencies, competency = _encode(comp_text)
    resources, resource = _encode(res_text)
    scales, scale = _encode(text("scale"))
    level = _levels(named["level"], origin, problems) if "level" in named else np.full(n, np.nan)
    level_given = (
        np.asarray(text("level").is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if "level" in named
        else np.zeros(n, dtype=bool)
    )
    date = _days(named["date"], "date", origin, problems)
    for i in _rows(date == EMPTY):
        problems.append(origin.problem(i, "date", "required, but empty"))
    if "valid_until" in named:
        until = _days(named["valid_until"], "valid_until", origin, problems)
        until = np.where(until == EMPTY, NO_END, until)
    else:
        until = np.full(n, NO_END, dtype=np.int64)
    early = (until < date) & (date > EMPTY + 1) & (until > EMPTY + 1)
    for i in _rows(early):
        problems.append(origin.problem(i, "valid_until", "the last valid day is before the date"))
    rating = KINDS.index(EvidenceKind.RATING)
    if as_assessments or "kind" not in named:
        kind = np.full(n, rating, dtype=np.int8)
    else:
        kind = _choice(text("kind"), [str(k) for k in KINDS], "kind", origin, problems)
        for i in _rows(kind == -1):
            problems.append(origin.problem(i, "kind", "required, but empty"))
    rater = _choice(text("rater_type"), [str(r) for r in RATERS], "rater_type", origin, problems)
    if as_assessments:
        rater = np.where(rater == -1, RATERS.index(RaterType.MANAGER), rater).astype(np.int8)
    is_rating = kind == rating
    for i in _rows(is_rating & (rater == -1)):
        problems.append(origin.problem(i, "rater_type", "a rating says who rated: required"))
    for i in _rows(is_rating & ~level_given):
        problems.append(origin.problem(i, "level", "a rating has a level: required, but empty"))
    for i in _rows((competency < 0) & (resource < 0)):
        problems.append(
            origin.problem(i, "competency", "names a competency or a learning resource (a course)")
        )
    for i in _rows((kind == KINDS.index(EvidenceKind.COURSE)) & (resource < 0)):
        problems.append(origin.problem(i, "resource", "a completed course names its resource"))
    if problems:
        raise fail(problems, f"{origin.file or 'the table'}: cannot read the evidence")
    texts = {k: _encode(text(k)) for k in TEXTS if k in named}
    return cls(
        people=people_keys,
        person=person,
        competencies=competencies,
        competency=competency,
        level=level,
        date=date.astype(np.int32),
        valid_until=until.astype(np.int32),
        kind=kind.astype(np.int8),
        rater_type=rater.astype(np.int8),
        resources=resources,
        resource=resource,
        scales=scales,
        scale=scale,
        texts=texts,
        origin=origin,
    )


__all__ = ["encode_table"]
