"""People's evidence as columns: one array per field, never one pydantic object per rating.

:class:`EvidenceColumns` holds assessments and other evidence (certifications, badges,
courses, xAPI statements) as integer-coded arrays: the person and the competency as codes
into their key tuples, the level on the scale it was given on, the dates as days, the kind
and the rater type as small codes. The readers in :mod:`competency_core.scale.readers`
fill it from Parquet, Arrow IPC, CSV, workforce files and the store;
:meth:`EvidenceColumns.from_workforce` from a :class:`~competency_core.people.Workforce`
(the small-data API, and the reference of the equivalence tests).
:func:`competency_core.scale.resolve.resolve` turns it into
:class:`~competency_core.scoring.bulk.PeopleLevels` by the scoring policy, vectorised.

The columns of an evidence table (Arrow, Parquet, CSV), matched loosely by name
(``Valid until`` is ``valid_until``; :data:`ALIASES` lists the other names):

================  =========================================================================
column            meaning
================  =========================================================================
``person``        the person's key (required)
``competency``    the competency's key (or ``resource`` for a completed course)
``level``         the level, on ``scale`` (else on the competency's own scale)
``date``          when it was made or earned, ``YYYY-MM-DD`` (required)
``valid_until``   the last day it is valid (``expires`` in an assessments file)
``kind``          ``rating``, ``certification``, ``course``, ``badge`` or ``xapi``; without
                  this column every row is an assessment (a rating)
``rater_type``    who rated a rating: ``self``, ``manager``, ``peer``, ``360``, ``test``,
                  ``certification``, ``interview`` (an assessment without it: ``manager``)
``resource``      the learning resource of a completed course
``scale``         the scale of ``level`` when not the competency's own
``asserted_by``   the rater, issuer or LRS (``rater`` in an assessments file)
``name``          the certification, badge or course name
``identifier``    a stable id of the piece (its id when given)
================  =========================================================================

Other columns (``comment``, ``evidence``, ``model_version``, ``source``...) are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from competency_core.errors import ModelValidationError, ScoringError
from competency_core.people import Assessment, Evidence, EvidenceKind, RaterType, Workforce
from competency_core.problems import Problem

if TYPE_CHECKING:
    import pyarrow as pa

Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

KINDS: tuple[EvidenceKind, ...] = tuple(EvidenceKind)
"""The kinds, in the order of their codes in :attr:`EvidenceColumns.kind`."""
RATERS: tuple[RaterType, ...] = tuple(RaterType)
"""The rater types, in the order of their codes in :attr:`EvidenceColumns.rater_type`."""
NO_END = np.iinfo(np.int32).max
"""The ``valid_until`` of a piece that never lapses (days since 1970-01-01)."""
EPOCH = dt.date(1970, 1, 1)

COLUMNS = (
    "person",
    "competency",
    "level",
    "date",
    "valid_until",
    "kind",
    "rater_type",
    "resource",
    "scale",
    "asserted_by",
    "name",
    "identifier",
)
"""The columns an evidence table is read from (in this order when written)."""
TEXTS = ("asserted_by", "name", "identifier")
"""Columns kept only for the rules that read them (``any-of`` conditions, evidence ids)."""
ALIASES = {
    "expires": "valid_until",
    "expiry": "valid_until",
    "valid_to": "valid_until",
    "rater": "asserted_by",
    "issuer": "asserted_by",
    "id": "identifier",
    "person_key": "person",
    "competency_key": "competency",
    "course": "resource",
    "resource_key": "resource",
    "valid_from": "date",
}
"""Other names a column is known by (an assessments file's ``expires`` and ``rater``)."""


def column_name(header: str) -> str | None:
    """The column a header names (lower case, spaces and dashes as underscores), or None.

    >>> column_name(" Valid until "), column_name("Rater"), column_name("Comment")
    ('valid_until', 'asserted_by', None)
    """
    norm = re.sub(r"[\s\-]+", "_", header.strip().lower()).strip("_")
    norm = ALIASES.get(norm, norm)
    return norm if norm in COLUMNS else None


class ColumnarError(ModelValidationError, ScoringError):
    """Evidence that cannot be read or scored; ``problems`` locates each (file, row, column).

    A :class:`~competency_core.errors.ModelValidationError` (a list of located problems)
    and a :class:`~competency_core.errors.ScoringError`, as the per-person path raises.
    Nothing is returned alongside it: never a half-built result.
    """


@dataclass(frozen=True)
class Origin:
    """Where the rows came from, to name them in problems.

    ``file`` with ``lines`` (a line per row, e.g. of a CSV file) or without (rows of a
    Parquet or Arrow file, numbered from 1); with ``sections``, the rows are a workforce's
    sections in order (``(("assessments", 12), ("evidence", 3))``), named ``assessments[i]``
    (and located by ``lines`` too, in a YAML file).
    """

    file: str | None = None
    lines: Callable[[int], int] | None = None
    """The line of a row (0-based) in ``file``."""
    sections: tuple[tuple[str, int], ...] = ()

    def problem(self, row: int, column: str, message: str) -> Problem:
        """A problem of ``column`` in row ``row`` (0-based)."""
        line = self.lines(row) if self.lines is not None else None
        if self.sections:
            start = 0
            for name, n in self.sections:
                if row < start + n:
                    return Problem(
                        path=f"{name}[{row - start}].{column}",
                        message=message,
                        file=self.file,
                        line=line,
                    )
                start += n
        if line is not None:
            return Problem(path=column, message=message, file=self.file, line=line)
        return Problem(path=column, message=f"row {row + 1}: {message}", file=self.file)


def fail(problems: Sequence[Problem], what: str) -> ColumnarError:
    """The error for ``problems`` (at most 50 listed), summarised by ``what``."""
    n = len(problems)
    return ColumnarError(list(problems)[:50], f"{what}: {n} problem{'s' if n != 1 else ''}")


@dataclass(frozen=True)
class EvidenceColumns:
    """Assessments and other evidence of many people, one array per field (see the module docs).

    Every array has one entry per row. Codes index the key tuples (-1: none); ``level`` is
    NaN where the row attests no level; dates are days since 1970-01-01 (``valid_until`` is
    :data:`NO_END` for a piece that never lapses). ``texts`` holds, when the source had
    them, the codes and values of :data:`TEXTS` (for ``any-of`` rules and evidence ids).
    """

    people: tuple[str, ...]
    person: Int32Array
    competencies: tuple[str, ...]
    competency: Int32Array
    level: FloatArray
    date: Int32Array
    valid_until: Int32Array
    kind: Int8Array
    rater_type: Int8Array
    resources: tuple[str, ...] = ()
    resource: Int32Array | None = None
    scales: tuple[str, ...] = ()
    scale: Int32Array | None = None
    texts: Mapping[str, tuple[tuple[str, ...], Int32Array]] = field(default_factory=dict)
    origin: Origin = field(default_factory=Origin)
    listed: int | None = None
    """How many of ``people`` a workforce lists (the others only have evidence): the rows
    :func:`~competency_core.scale.resolve.resolve` gives by default, as
    ``PeopleLevels.from_workforce`` does. None: all of them."""

    @property
    def listed_people(self) -> tuple[str, ...]:
        """The people levels are resolved for by default."""
        return self.people if self.listed is None else self.people[: self.listed]

    def __len__(self) -> int:
        return len(self.person)

    @property
    def nbytes(self) -> int:
        """The bytes the arrays take (the key tuples left out)."""
        arrays: list[np.ndarray[Any, Any]] = [self.person, self.competency, self.level]
        arrays += [self.date, self.valid_until, self.kind, self.rater_type]
        arrays += [a for a in (self.resource, self.scale) if a is not None]
        arrays += [codes for _, codes in self.texts.values()]
        return sum(int(a.nbytes) for a in arrays)

    def take(self, rows: IntArray) -> EvidenceColumns:
        """The rows ``rows`` only (same key tuples)."""

        def sub(a: Any) -> Any:
            return None if a is None else a[rows]

        return replace(
            self,
            person=self.person[rows],
            competency=self.competency[rows],
            level=self.level[rows],
            date=self.date[rows],
            valid_until=self.valid_until[rows],
            kind=self.kind[rows],
            rater_type=self.rater_type[rows],
            resource=sub(self.resource),
            scale=sub(self.scale),
            texts={k: (v, c[rows]) for k, (v, c) in self.texts.items()},
            origin=Origin(file=self.origin.file),
        )

    # -- building ----------------------------------------------------------------------

    @classmethod
    def from_workforce(cls, workforce: Workforce) -> EvidenceColumns:
        """A workforce's assessments, then its other evidence, as columns.

        The people are the workforce's, in its order (evidence of anyone else is kept, with
        codes past them, and left out by :func:`~competency_core.scale.resolve.resolve`).
        """
        items: list[Assessment | Evidence] = [*workforce.assessments, *workforce.evidence]
        people = {p.key: i for i, p in enumerate(workforce.people)}
        origin = Origin(
            sections=(
                ("assessments", len(workforce.assessments)),
                ("evidence", len(workforce.evidence)),
            )
        )
        return replace(cls.from_items(items, people, origin), listed=len(people))

    @classmethod
    def from_items(
        cls,
        items: Sequence[Assessment | Evidence],
        people: Mapping[str, int] | None = None,
        origin: Origin | None = None,
    ) -> EvidenceColumns:
        """Assessments and evidence objects as columns (``people``: key -> code, extended)."""
        codes: dict[str, dict[str, int]] = {
            k: {} for k in ("competency", "resource", "scale", *TEXTS)
        }
        who = dict(people or {})

        def code(table: dict[str, int], value: str | None) -> int:
            if value is None:
                return -1
            return table.setdefault(value, len(table))

        n = len(items)
        person = np.empty(n, np.int32)
        columns = {k: np.empty(n, np.int32) for k in codes}
        level = np.full(n, np.nan)
        date = np.empty(n, np.int32)
        until = np.empty(n, np.int32)
        kind = np.empty(n, np.int8)
        rater = np.empty(n, np.int8)
        kind_code = {k: i for i, k in enumerate(KINDS)}
        rater_code = {r: i for i, r in enumerate(RATERS)}
        for i, item in enumerate(items):
            person[i] = who.setdefault(item.person, len(who))
            if isinstance(item, Assessment):
                values: tuple[str | None, ...] = (
                    item.competency, None, item.scale, item.rater, None, None
                )  # fmt: skip
                level[i] = item.level
                lapses = item.expires
                kind[i] = kind_code[EvidenceKind.RATING]
                rater[i] = rater_code[item.rater_type]
            else:
                values = (
                    item.competency, item.resource, item.scale, item.asserted_by, item.name,
                    item.identifier,
                )  # fmt: skip
                if item.level is not None:
                    level[i] = item.level
                lapses = item.valid_until
                kind[i] = kind_code[item.kind]
                rater[i] = -1 if item.rater_type is None else rater_code[item.rater_type]
            for (name, table), value in zip(codes.items(), values, strict=True):
                columns[name][i] = code(table, value)
            date[i] = (item.date - EPOCH).days
            until[i] = NO_END if lapses is None else (lapses - EPOCH).days
        return cls(
            people=tuple(who),
            person=person,
            competencies=tuple(codes["competency"]),
            competency=columns["competency"],
            level=level,
            date=date,
            valid_until=until,
            kind=kind,
            rater_type=rater,
            resources=tuple(codes["resource"]),
            resource=columns["resource"],
            scales=tuple(codes["scale"]),
            scale=columns["scale"],
            texts={k: (tuple(codes[k]), columns[k]) for k in TEXTS},
            origin=origin or Origin(),
        )

    @classmethod
    def from_arrow(
        cls,
        table: pa.Table,
        *,
        origin: Origin | None = None,
        people: Sequence[str] | None = None,
        assessments: bool | None = None,
    ) -> EvidenceColumns:
        """An evidence table (see the module docs) as columns, every row checked.

        ``people`` fixes the first person codes (others follow in order of appearance).
        ``assessments`` (default: when the table has no ``kind`` column) reads every row as
        an assessment: a rating, by a ``manager`` unless ``rater_type`` says otherwise.
        Raises :class:`ColumnarError` listing the rows at fault (file, row or line, column).
        """
        from competency_core.scale.arrow import encode_table

        return encode_table(cls, table, origin or Origin(), people, assessments)

    # -- back to objects and tables ------------------------------------------------------

    def items(self, rows: Iterable[int]) -> list[Evidence]:
        """The rows ``rows`` as evidence objects (for the rules that are not vectorised)."""
        out: list[Evidence] = []
        for i in rows:
            out.append(self.evidence(int(i)))
        return out

    def _text(self, name: str, i: int) -> str | None:
        hit = self.texts.get(name)
        if hit is None:
            return None
        code = int(hit[1][i])
        return None if code < 0 else hit[0][code]

    def evidence(self, i: int) -> Evidence:
        """Row ``i`` as an :class:`~competency_core.people.Evidence` (an assessment: a rating)."""
        comp = int(self.competency[i])
        res = -1 if self.resource is None else int(self.resource[i])
        scl = -1 if self.scale is None else int(self.scale[i])
        rater = int(self.rater_type[i])
        until = int(self.valid_until[i])
        lvl = self.level[i]
        return Evidence(
            kind=KINDS[int(self.kind[i])],
            person=self.people[int(self.person[i])],
            competency=None if comp < 0 else self.competencies[comp],
            resource=None if res < 0 else self.resources[res],
            level=None if np.isnan(lvl) else int(lvl),
            scale=None if scl < 0 else self.scales[scl],
            date=EPOCH + dt.timedelta(days=int(self.date[i])),
            valid_until=None if until == NO_END else EPOCH + dt.timedelta(days=until),
            rater_type=None if rater < 0 else RATERS[rater],
            asserted_by=self._text("asserted_by", i),
            name=self._text("name", i),
            identifier=self._text("identifier", i),
        )

    def to_arrow(self) -> pa.Table:
        """The columns as an evidence table (:data:`COLUMNS`; readable by :meth:`from_arrow`)."""
        import pyarrow as pa

        def keyed(keys: tuple[str, ...], codes: Int32Array | None) -> pa.Array:
            n = len(self)
            if codes is None or not keys:
                return pa.nulls(n, pa.string())
            indices = pa.array(codes, pa.int32(), mask=codes < 0)
            return pa.DictionaryArray.from_arrays(indices, pa.array(keys, pa.string())).cast(
                pa.string()
            )

        date = self.date.astype("datetime64[D]")
        until = self.valid_until.astype(np.int64)
        return pa.table(
            {
                "person": keyed(self.people, self.person),
                "competency": keyed(self.competencies, self.competency),
                "level": pa.array(self.level, pa.float64(), from_pandas=True).cast(pa.int64()),
                "date": pa.array(date, pa.date32()),
                "valid_until": pa.array(
                    until.astype("datetime64[D]"), pa.date32(), mask=until == NO_END
                ),
                "kind": keyed(tuple(str(k) for k in KINDS), self.kind.astype(np.int32)),
                "rater_type": keyed(
                    tuple(str(r) for r in RATERS), self.rater_type.astype(np.int32)
                ),
                "resource": keyed(self.resources, self.resource),
                "scale": keyed(self.scales, self.scale),
                **{k: keyed(*self.texts.get(k, ((), None))) for k in TEXTS},
            }
        )


__all__ = [
    "ALIASES",
    "COLUMNS",
    "KINDS",
    "NO_END",
    "RATERS",
    "ColumnarError",
    "EvidenceColumns",
    "Origin",
    "column_name",
]
