"""The bulk engine in chunks of people and roles: top-k answers without the full matrix.

:func:`stream_top_matches` scores people a chunk at a time against roles a chunk at a time
(the compiled kernel of :func:`~competency_core.scoring.readiness_matrix`, so every pair's
figures are the same bits), and keeps only

* for each person, the ``k`` roles that fit best, and for each role its ``k`` best
  candidates, merged chunk after chunk into running top-k lists in the exact order of
  :func:`~competency_core.scoring.ranking.top_k_rows` (ready first, then readiness, then
  the earlier index): the answer is :meth:`TopMatches.from_matrix
  <competency_core.scale.results.TopMatches.from_matrix>` of the whole matrix, ties
  included, whatever the chunk sizes;
* when the chunks say each person's current role (and team, department), readiness
  against their own role accumulated by competency, team and department: the figures of
  :func:`~competency_core.scoring.organisation.organisation_readiness`.

Memory is bounded by the chunk, not the workforce: one chunk's levels
(``people_chunk x competencies x 8`` bytes), one block of figures (``people_chunk x
role_chunk x 33`` bytes), the per-thread tables of the kernel, and the answer itself
(``(people + roles) x k x 41`` bytes). docs/scale.md gives the formula and the defaults.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from competency_core.errors import ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.scale.results import RankedPairs, TopMatches
from competency_core.scoring.bulk import PeopleLevels, RoleSet, _available_cpus, _columns
from competency_core.scoring.organisation import ReadinessStat
from competency_core.scoring.policy import (
    DEFAULT_POLICY,
    READY_TOLERANCE,
    ScoringPolicy,
    UnassessedPolicy,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

Progress = Callable[[int, int | None], None]
"""Called after each chunk of people with (people done, people in all or None if unknown)."""

PEOPLE_CHUNK = 4096
"""People scored at a time by default."""
ROLE_CHUNK = 512
"""Roles scored at a time by default."""


@dataclass(frozen=True)
class PeopleChunk:
    """A chunk of people's levels, with (optionally) each one's current role, team, department.

    Without ``role``, the chunk counts in the top-k answers but not in the readiness by
    competency and team (those score people against their own role).
    """

    levels: PeopleLevels
    role: Sequence[str | None] | None = None
    team: Sequence[str | None] | None = None
    department: Sequence[str | None] | None = None

    def __post_init__(self) -> None:
        n = len(self.levels.people)
        for name in ("role", "team", "department"):
            values = getattr(self, name)
            if values is not None and len(values) != n:
                raise ScoringError(f"people chunk: {len(values)} {name} values for {n} people")


def chunks_from_workforce(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    size: int = PEOPLE_CHUNK,
) -> Iterator[PeopleChunk]:
    """A workforce's people in chunks of ``size``, levels resolved, with role, team, department."""
    if size < 1:
        raise ScoringError(f"chunk size must be at least 1, got {size}")
    day = on or dt.date.today()
    people = workforce.people
    if not people:  # one empty chunk: the run still says who holds which role (nobody)
        empty = PeopleLevels.from_workforce(model, workforce, policy=policy, on=day, people=[])
        yield PeopleChunk(empty, role=[], team=[], department=[])
    for s in range(0, len(people), size):
        part = people[s : s + size]
        levels = PeopleLevels.from_workforce(
            model, workforce, policy=policy, on=day, people=[p.key for p in part]
        )
        yield PeopleChunk(
            levels,
            role=[p.role for p in part],
            team=[p.team for p in part],
            department=[p.department for p in part],
        )


@dataclass
class _Tally:
    """One group's (person, requirement) pairs, as :mod:`~competency_core.scoring.organisation` counts them."""

    people: int = 0
    requirements: int = 0
    assessed: int = 0
    counted: int = 0
    met: int = 0
    gaps: Counter[float] = field(default_factory=Counter)

    def stat(self, key: str, label: str) -> ReadinessStat:
        n_gaps = sum(self.gaps.values())
        # the exact sum of the gaps, rounded once: what math.fsum gives over every pair
        total = float(sum((Fraction(v) * n for v, n in self.gaps.items()), Fraction(0)))
        return ReadinessStat(
            key=key,
            label=label,
            people=self.people,
            requirements=self.requirements,
            assessed=self.assessed,
            met=self.met,
            share_met=self.met / self.counted if self.counted else 1.0,
            mean_gap=total / n_gaps if n_gaps else 0.0,
            coverage=self.assessed / self.requirements if self.requirements else 1.0,
        )


@dataclass(frozen=True)
class StreamedReadiness:
    """Readiness of people against their own current role, accumulated over the chunks.

    The figures of :func:`~competency_core.scoring.organisation.organisation_readiness`
    where they overlap: overall, by competency (the model's order), by team, by department.
    """

    people: int
    """People scored (those with a current role)."""
    without_role: int
    overall: ReadinessStat
    by_competency: tuple[ReadinessStat, ...]
    by_team: tuple[ReadinessStat, ...]
    by_department: tuple[ReadinessStat, ...]


class _Aggregates:
    """Running tallies of people against their own role (see :class:`StreamedReadiness`)."""

    def __init__(self, model: CompetencyModel, policy: ScoringPolicy) -> None:
        self.model = model
        self.exclude = policy.unassessed is UnassessedPolicy.EXCLUDE
        self.comps = tuple(c.key for c in model.competencies)
        self.comp_index = {c: j for j, c in enumerate(self.comps)}
        self.roles: dict[str, tuple[IntArray, FloatArray]] = {}
        self.overall = _Tally()
        self.by_comp: dict[str, _Tally] = defaultdict(_Tally)
        self.by_team: dict[str, _Tally] = defaultdict(_Tally)
        self.by_dept: dict[str, _Tally] = defaultdict(_Tally)
        self.scored = 0
        self.without_role = 0

    def _role(self, key: str) -> tuple[IntArray, FloatArray]:
        if key not in self.roles:
            profile = self.model.role(key)
            comps = [self.comp_index[q.competency] for q in profile.requirements]
            levels = [
                self.model.scale_of(q.competency).normalise(q.level) for q in profile.requirements
            ]
            self.roles[key] = (np.array(comps, dtype=np.intp), np.array(levels, dtype=np.float64))
        return self.roles[key]

    def add(self, chunk: PeopleChunk) -> None:
        if chunk.role is None:
            return
        lv = chunk.levels
        col = {c: j for j, c in enumerate(lv.competencies)}
        source = np.hstack([lv.normalised, np.full((len(lv.people), 1), np.nan)])
        to_source = np.array([col.get(c, len(lv.competencies)) for c in self.comps], dtype=np.intp)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, role in enumerate(chunk.role):
            if role is None:
                self.without_role += 1
            else:
                groups[role].append(i)
        for role, rows in groups.items():
            comps, t = self._role(role)
            idx = np.array(rows, dtype=np.intp)
            self.scored += len(idx)
            if not len(comps):  # a role without requirements adds no pairs to any group
                continue
            a = source[idx][:, to_source[comps]]  # people x requirements
            assessed = ~np.isnan(a)
            counted = assessed if self.exclude else np.ones_like(assessed)
            actual = np.where(assessed, a, 0.0)
            gap = np.maximum(0.0, t[None, :] - actual)
            met = counted & (gap == 0.0)
            self._tally(self.overall, counted, assessed, met, gap, len(idx))
            for q, c in enumerate(comps):
                self._tally(
                    self.by_comp[self.comps[c]],
                    counted[:, q : q + 1],
                    assessed[:, q : q + 1],
                    met[:, q : q + 1],
                    gap[:, q : q + 1],
                    len(idx),
                )
            for names, tallies in ((chunk.team, self.by_team), (chunk.department, self.by_dept)):
                if names is None:
                    continue
                by_name: dict[str, list[int]] = defaultdict(list)
                for n, i in enumerate(rows):
                    if names[i] is not None:
                        by_name[str(names[i])].append(n)
                for name, sub in by_name.items():
                    s = np.array(sub, dtype=np.intp)
                    self._tally(tallies[name], counted[s], assessed[s], met[s], gap[s], len(s))

    @staticmethod
    def _tally(
        tally: _Tally,
        counted: npt.NDArray[np.bool_],
        assessed: npt.NDArray[np.bool_],
        met: npt.NDArray[np.bool_],
        gap: FloatArray,
        people: int,
    ) -> None:
        if counted.size:  # a person counts in a group once they bring a requirement to it
            tally.people += people
        tally.requirements += int(counted.size)
        tally.assessed += int(assessed.sum())
        tally.counted += int(counted.sum())
        tally.met += int(met.sum())
        values, counts = np.unique(gap[counted], return_counts=True)
        tally.gaps.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))

    def result(self, language: str | None) -> StreamedReadiness:
        names = {c.key: self.model.text(c.name, language) for c in self.model.competencies}
        return StreamedReadiness(
            people=self.scored,
            without_role=self.without_role,
            overall=self.overall.stat("overall", "Overall"),
            by_competency=tuple(
                self.by_comp[c].stat(c, names[c]) for c in self.comps if c in self.by_comp
            ),
            by_team=tuple(self.by_team[t].stat(t, t) for t in sorted(self.by_team)),
            by_department=tuple(self.by_dept[d].stat(d, d) for d in sorted(self.by_dept)),
        )


@dataclass(frozen=True)
class StreamingResult:
    """What a streaming run gives: the top-k answers and, if roles were given, readiness."""

    top: TopMatches
    readiness: StreamedReadiness | None
    """None when no chunk said who holds which role."""


def _as_chunks(
    people: PeopleLevels | PeopleChunk | Iterable[PeopleLevels | PeopleChunk], size: int
) -> Iterator[PeopleChunk]:
    items: Iterable[PeopleLevels | PeopleChunk]
    items = [people] if isinstance(people, PeopleLevels | PeopleChunk) else people
    for item in items:
        chunk = item if isinstance(item, PeopleChunk) else PeopleChunk(item)
        n = len(chunk.levels.people)
        if n <= size:
            yield chunk
            continue
        lv = chunk.levels
        for s in range(0, n, size):
            part = slice(s, s + size)
            yield PeopleChunk(
                PeopleLevels(lv.people[part], lv.competencies, lv.normalised[part]),
                role=None if chunk.role is None else chunk.role[part],
                team=None if chunk.team is None else chunk.team[part],
                department=None if chunk.department is None else chunk.department[part],
            )


def _running(rows: int, k: int) -> RankedPairs:
    return RankedPairs.empty(rows, k)


def _grow(pairs: RankedPairs, rows: int) -> RankedPairs:
    """``pairs`` with room for ``rows`` rows (growing by half, so appending stays linear)."""
    have = pairs.index.shape[0]
    if rows <= have:
        return pairs
    extra = RankedPairs.empty(max(rows, have + have // 2) - have, pairs.k)
    return RankedPairs(
        **{
            name: np.concatenate([getattr(pairs, name), getattr(extra, name)])
            for name in ("index", "readiness", "gap", "share_met", "coverage", "ready")
        }
    )


def _rows(pairs: RankedPairs, rows: int) -> RankedPairs:
    return RankedPairs(
        **{
            name: np.ascontiguousarray(getattr(pairs, name)[:rows])
            for name in ("index", "readiness", "gap", "share_met", "coverage", "ready")
        }
    )


def stream_top_matches(
    model: CompetencyModel,
    people: PeopleLevels | PeopleChunk | Iterable[PeopleLevels | PeopleChunk],
    *,
    roles: RoleSet | Sequence[str] | None = None,
    k: int = 10,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    people_chunk: int = PEOPLE_CHUNK,
    role_chunk: int = ROLE_CHUNK,
    workers: int | None = None,
    progress: Progress | None = None,
    total: int | None = None,
    language: str | None = None,
) -> StreamingResult:
    """Top-``k`` roles per person and candidates per role, people and roles in chunks.

    ``people`` is one :class:`~competency_core.scoring.PeopleLevels` (split into
    ``people_chunk`` rows) or an iterable of them or of :class:`PeopleChunk` (read lazily,
    e.g. from Parquet; a chunk larger than ``people_chunk`` is split). Levels must be
    resolved as of ``on`` by ``policy`` already (``on`` and ``policy`` are recorded in the
    answer, and ``policy`` decides how unassessed competencies count). People are numbered
    in the order they arrive. ``progress(done, total)`` is called after each chunk
    (``total``: the count given, or that of a single ``PeopleLevels``, else None).
    ``language`` names the competencies in the readiness figures.
    """
    from competency_core.scoring import compiled

    if people_chunk < 1 or role_chunk < 1:
        raise ScoringError(
            f"chunk sizes must be at least 1, got people {people_chunk}, roles {role_chunk}"
        )
    if k < 0:
        raise ScoringError(f"k must not be negative, got {k}")
    day = on or dt.date.today()
    rs = roles if isinstance(roles, RoleSet) else RoleSet.from_model(model, roles)
    n_r = len(rs.roles)
    if total is None and isinstance(people, PeopleLevels):
        total = len(people.people)
    n_workers = workers if workers is not None else min(8, _available_cpus())
    kernel_roles = compiled.compile_role_set(rs)
    exclude = policy.unassessed is UnassessedPolicy.EXCLUDE
    threshold = policy.ready_threshold - READY_TOLERANCE
    per_role = _running(n_r, k)
    per_person = _running(total or 0, k)
    keys: list[str] = []
    aggregates = _Aggregates(model, policy)
    saw_roles = False
    buffers: list[npt.NDArray[np.generic]] = []  # the blocks' memory, reused block after block
    with compiled.using_threads(n_workers):
        for chunk in _as_chunks(people, people_chunk):
            lv = chunk.levels
            first, n_p = len(keys), len(lv.people)
            keys.extend(lv.people)
            if chunk.role is not None:
                saw_roles = True
                aggregates.add(chunk)
            if n_p == 0:
                continue
            per_person = _grow(per_person, first + n_p)
            source, index = _columns(lv, rs)
            source = np.ascontiguousarray(source, dtype=np.float64)
            for r0 in range(0, n_r, role_chunk):
                r1 = min(n_r, r0 + role_chunk)
                out = _block(buffers, r1 - r0, n_p)
                compiled.score_roles(
                    source, index, kernel_roles, r0, r1,
                    exclude=exclude, threshold=threshold, base=rs.base, out=out,
                )  # fmt: skip
                if k > 0:
                    compiled.merge_block(
                        out, by_row=True, offset=first, first_row=r0, top=_fields(per_role)
                    )
                    compiled.merge_block(
                        out, by_row=False, offset=r0, first_row=first, top=_fields(per_person)
                    )
            if progress is not None:
                progress(len(keys), total)
    if len(set(keys)) != len(keys):
        dup = next(p for p, n in Counter(keys).items() if n > 1)
        raise ScoringError(f"person {dup!r} comes in more than one chunk")
    top = TopMatches(
        people=tuple(keys),
        roles=rs.roles,
        k=k,
        roles_per_person=_rows(per_person, len(keys)),
        candidates_per_role=per_role,
        policy=policy,
        on=day,
    )
    return StreamingResult(top, aggregates.result(language) if saw_roles else None)


def _block(
    buffers: list[npt.NDArray[np.generic]], rows: int, cols: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """A block's five ``(rows, cols)`` C-order arrays, views of ``buffers`` (grown if short).

    Reusing the memory spares the page faults of fresh arrays for every block.
    """
    size = rows * cols
    if not buffers or buffers[0].size < size:
        buffers[:] = [np.empty(size) for _ in range(4)] + [np.empty(size, dtype=np.bool_)]
    f = [b[:size].reshape(rows, cols) for b in buffers]
    return (f[0], f[1], f[2], f[3], f[4])  # type: ignore[return-value]


def _fields(
    pairs: RankedPairs,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    return (pairs.index, pairs.readiness, pairs.gap, pairs.share_met, pairs.coverage, pairs.ready)


__all__ = [
    "PEOPLE_CHUNK",
    "ROLE_CHUNK",
    "PeopleChunk",
    "Progress",
    "StreamedReadiness",
    "StreamingResult",
    "chunks_from_workforce",
    "stream_top_matches",
]
