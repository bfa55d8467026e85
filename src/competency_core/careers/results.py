"""The plain, frozen results the career queries return (each turns into JSON with ``to_dict``)."""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, overload

if TYPE_CHECKING:
    from competency_core.scoring.candidates import CandidatePool

Status = Literal["ready", "not ready", "not rated"]
"""Where a person (or a role's holder) stands for a role; "not rated": it has no requirements."""

Band = Literal["ready now", "ready in one step", "not ready"]
"""Succession bands: ready now; ready once each remaining gap is closed by one level; not ready."""

PathStatus = Literal["found", "no path", "not rated"]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Gaps):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


class _Result:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (floats rounded to 6 decimals)."""
        out = _plain(self)
        assert isinstance(out, dict)
        return out


class Gap(NamedTuple):
    """An unmet requirement: the competency, the level asked and the level there is.

    A named tuple rather than a dataclass: queries make thousands of them.
    """

    competency: str
    name: str
    required: int
    actual: float | None
    """The level counted (the scale minimum for an unassessed one); None when excluded."""
    gap: float
    """Normalised gap ``n(required) - n(actual)`` in [0, 1]."""
    weight: float
    essential: bool

    def to_dict(self) -> dict[str, Any]:
        """The gap as plain JSON-ready data."""
        out = _plain(self)
        assert isinstance(out, dict)
        return out


class Gaps(Sequence[Gap]):
    """The gaps of one step: an immutable sequence of :class:`Gap`, made when first read.

    A next-steps query on a real model reaches hundreds of roles with dozens of gaps each;
    most callers read a few. The records are made from the query's arrays on first use and
    kept. Compares equal to a tuple (or list) of the same gaps.
    """

    __slots__ = ("_items", "_length", "_make")

    def __init__(self, make: Callable[[], Iterable[Gap]] | Iterable[Gap], length: int) -> None:
        self._make: Callable[[], Iterable[Gap]] | None
        self._items: tuple[Gap, ...] | None
        if callable(make):
            self._make, self._items = make, None
        else:
            self._make, self._items = None, tuple(make)
        self._length = length

    @classmethod
    def of(cls, gaps: Iterable[Gap]) -> Gaps:
        """Gaps already made."""
        items = tuple(gaps)
        return cls(items, len(items))

    def _all(self) -> tuple[Gap, ...]:
        if self._items is None:
            assert self._make is not None
            self._items, self._make = tuple(self._make()), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> Gap: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Gap, ...]: ...
    def __getitem__(self, index: int | slice) -> Gap | tuple[Gap, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Gap]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Gaps):
            return self._all() == other._all()
        if isinstance(other, tuple | list):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled (and copied) as the records, not as the query's arrays and graph
        return (Gaps.of, (self._all(),))


@dataclasses.dataclass(frozen=True, slots=True)
class NextStep(_Result):
    """A role reachable from where someone is, with their readiness for it."""

    role: str
    title: str
    hops: int
    via: tuple[str, ...]
    """A fewest-transitions route: the roles from the origin to this one, both included."""
    kinds: tuple[str, ...]
    """The kinds of the route's transitions."""
    suggested: bool
    """Whether the route uses a suggested (not declared) transition."""
    status: Status
    readiness: float | None
    gap: float | None
    gaps: Gaps
    """Unmet requirements, biggest gap first (made into records when first read)."""
    blocking: tuple[str, ...]
    """Essential requirements not met: each makes the person not ready, whatever the score."""


_T = TypeVar("_T")


_SETTERS: dict[type[Any], tuple[Callable[[Any, Any], None], ...]] = {}


def _slot_setters(cls: type[Any]) -> tuple[Callable[[Any, Any], None], ...]:
    found = _SETTERS.get(cls)
    if found is not None:
        return found
    if not (dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__):
        raise TypeError(f"{cls.__name__} is not a dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__: make it with its constructor")
    setters = tuple(cls.__dict__[f.name].__set__ for f in dataclasses.fields(cls))
    _SETTERS[cls] = setters
    return setters


def made_in_bulk(cls: type[_T], columns: Sequence[Sequence[Any]]) -> list[_T]:
    """Records of a frozen slots dataclass made column by column: ``[cls(*row) ...]``.

    A frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``, several
    times slower than the records it makes are worth when a query makes hundreds. Here each
    column is written through its slot in one C-level loop; the records are the ones the
    constructor would make (equal, same repr; ``cls`` has no ``__post_init__``). ``columns``
    are in field order, all as long.
    """
    setters = _slot_setters(cls)
    if len(columns) != len(setters):
        raise ValueError(f"{cls.__name__} has {len(setters)} fields; got {len(columns)} columns")
    n = len(columns[0]) if columns else 0
    if any(len(c) != n for c in columns):
        raise ValueError("the columns are not all as long")
    out = list(map(object.__new__, repeat(cls, n)))
    for setter, column in zip(setters, columns, strict=True):
        deque(map(setter, out, column), maxlen=0)
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class NextSteps(_Result):
    """The answer of :func:`~competency_core.careers.next_steps`."""

    origin: str
    person: str | None
    max_steps: int
    steps: tuple[NextStep, ...]
    """Rated roles by readiness (best first), then roles that are not rated."""

    @property
    def not_rated(self) -> tuple[str, ...]:
        """Reachable roles without requirements: no readiness can be given for them."""
        return tuple(s.role for s in self.steps if s.status == "not rated")


@dataclasses.dataclass(frozen=True, slots=True)
class PathStep(_Result):
    """One transition of a career path and what it costs."""

    source: str
    target: str
    kind: str
    suggested: bool
    typical_months: int | None
    gap: float
    """The gap of the target role measured against where the path stands before the step."""
    cost: float
    """``gap + time_weight * typical_months / 12`` (unknown months count as 0)."""


@dataclasses.dataclass(frozen=True, slots=True)
class CareerPath(_Result):
    """A path of transitions; its cost is the sum of its steps' costs."""

    roles: tuple[str, ...]
    steps: tuple[PathStep, ...]
    cost: float
    gap: float
    """The sum of the steps' gaps."""
    months: int
    """The sum of the known typical months."""
    unknown_months: int
    """How many steps have no typical time."""


@dataclasses.dataclass(frozen=True, slots=True)
class BestPaths(_Result):
    """The answer of :func:`~competency_core.careers.best_paths`: cheapest first."""

    source: str
    target: str
    person: str | None
    k: int
    time_weight: float
    status: PathStatus
    message: str
    paths: tuple[CareerPath, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class DevelopmentItem(_Result):
    """One competency to develop along a path, where it is first needed and how far."""

    competency: str
    name: str
    start: float | None
    """The level at the start (the person's, or the origin role's requirement)."""
    target: int
    """The highest level the path's steps ask for."""
    first_needed: str
    """The first role on the path whose requirement is not met."""
    needed_by: tuple[tuple[str, int], ...]
    """Each role on the path with a gap on it, and the level it asks for, in path order."""
    essential: bool
    """Whether some step requires it as essential."""
    resources: tuple[str, ...]
    """Learning resources that develop it beyond the start; those that reach the target first."""


@dataclasses.dataclass(frozen=True, slots=True)
class StepDevelopment(_Result):
    """The gaps of one step of a path (the same gaps the step's cost counts)."""

    role: str
    gap: float
    gaps: tuple[Gap, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Development(_Result):
    """What to develop to walk a path: the union of the steps' gaps, in path order."""

    roles: tuple[str, ...]
    person: str | None
    items: tuple[DevelopmentItem, ...]
    steps: tuple[StepDevelopment, ...]
    not_rated: tuple[str, ...]
    """Roles on the path without requirements: their gaps are unknown, not zero."""


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate(_Result):
    """One person considered for a role."""

    person: str
    name: str
    current_role: str | None
    band: Band
    readiness: float
    gap: float
    hops: int | None
    """Transitions from the person's current role to the role (None: no route)."""
    gaps: tuple[Gap, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Succession(_Result):
    """The answer of :func:`~competency_core.careers.succession`: candidates, best first."""

    role: str
    title: str
    status: Literal["rated", "not rated"]
    incumbents: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    ready_now: int
    ready_in_one_step: int
    not_ready: int
    filters: CandidatePool | None = None
    """Who was considered: the filter and how many people each of its steps left out."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data; ``filters`` as ``competency fit`` prints it."""
        out = _plain(dataclasses.replace(self, filters=None))
        assert isinstance(out, dict)
        out["filters"] = None if self.filters is None else self.filters.to_dict()
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Bench(_Result):
    """Bench strength of one role: how many successors are ready now and soon."""

    role: str
    title: str
    rated: bool
    incumbents: int
    ready_now: int
    ready_in_one_step: int
    not_ready: int
    ready_now_people: tuple[str, ...]
    ready_in_one_step_people: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class RoleAtRisk(_Result):
    """A role nobody (besides its holders) is ready for now."""

    role: str
    title: str
    incumbents: int
    ready_in_one_step: int
    risk: Literal["high", "medium"]
    """``high``: nobody is ready in one step either; ``medium``: someone is."""


__all__ = [
    "Band",
    "Bench",
    "BestPaths",
    "Candidate",
    "CareerPath",
    "Development",
    "DevelopmentItem",
    "Gap",
    "Gaps",
    "NextStep",
    "NextSteps",
    "PathStatus",
    "PathStep",
    "RoleAtRisk",
    "Status",
    "StepDevelopment",
    "Succession",
]
