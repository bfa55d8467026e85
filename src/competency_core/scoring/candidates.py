"""Who is considered for a role: the filters ``fit --role`` and ``path succession`` share.

A :class:`CandidateFilter` says who may be a candidate for a role; :func:`select_candidates`
applies it to a workforce and reports, filter by filter, how many people each left out;
:func:`best_candidates` ranks the people it keeps, exactly as
:meth:`~competency_core.scoring.ReadinessMatrix.top_candidates` ranks everyone (so the
answer is the unfiltered ranking with some people taken out, in the same order).
:func:`competency_core.careers.succession` takes the same filter.

The filters, in the order they apply (each counts only the people the ones before kept):

``incumbents``
    People whose current role is the role itself; left out unless ``include_incumbents``.
``no current role``
    People without a current role; kept only when ``moves`` is ``any`` and transitions are
    not required (nothing can be said about their move).
``moves``
    ``up``: the person's current role is junior to the role; ``across``: as senior as it;
    ``any`` (the default): no condition. Seniority is the roles' ``level`` (the model's
    numeric seniority) when both have one, else their ``grade`` when both grades are one
    prefix and a number (``E2`` below ``E3``) or the same text. People whose current role
    cannot be compared with the role are left out of ``up`` and ``across``.
``transitions``
    With ``along_transitions``: only people whose current role has a declared transition
    (``model.transitions``) straight to the role; suggested transitions and longer routes
    do not count.
``team``
    People of one of ``teams`` (``Person.team``).
``manager``
    The direct reports of ``manager`` (``Person.manager``), or with ``all_reports`` the
    whole reporting line below them; never the manager themselves.

Only the standard library is imported here, so the CLI can offer :class:`Moves` cheaply.

Examples:
    >>> from competency_core.testing.samples import sample_model, sample_workforce
    >>> pool = select_candidates(sample_model(), sample_workforce(), "senior-engineer")
    >>> pool.kept, [(s.filter, s.left_out) for s in pool.applied]
    (('ada', 'linus'), [('incumbents', 1)])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Person, Workforce
    from competency_core.roles import RoleProfile
    from competency_core.scoring.bulk import ReadinessMatrix
    from competency_core.scoring.policy import ScoringPolicy
    from competency_core.scoring.ranking import Match


class Moves(StrEnum):
    """Which moves into the role a candidate's current role may make (see the module)."""

    ANY = "any"
    UP = "up"
    ACROSS = "across"


@dataclasses.dataclass(frozen=True, slots=True)
class CandidateFilter:
    """Who may be a candidate for a role. The default leaves out only its incumbents."""

    include_incumbents: bool = False
    """Keep the people whose current role is the role."""
    moves: Moves = Moves.ANY
    """``up``: from a junior role; ``across``: from one as senior; ``any``: no condition."""
    along_transitions: bool = False
    """Only people whose current role has a declared transition straight to the role."""
    teams: tuple[str, ...] = ()
    """Only people of these teams (none: every team)."""
    manager: str | None = None
    """Only the people who report to this person (a person key)."""
    all_reports: bool = False
    """With ``manager``: the whole reporting line below them, not only direct reports."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "moves", Moves(self.moves))
        object.__setattr__(self, "teams", tuple(dict.fromkeys(self.teams)))
        if self.all_reports and self.manager is None:
            from competency_core.errors import CompetencyError

            raise CompetencyError("all reports of whom? name a manager with the reports")

    def to_dict(self) -> dict[str, Any]:
        """The filter as JSON-ready data."""
        return {
            "include_incumbents": self.include_incumbents,
            "moves": self.moves.value,
            "along_transitions": self.along_transitions,
            "teams": list(self.teams),
            "manager": self.manager,
            "all_reports": self.all_reports,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class FilterStep:
    """One filter that applied, and how many of the people that reached it it left out."""

    filter: str
    """``incumbents``, ``no current role``, ``moves``, ``transitions``, ``team``, ``manager``."""
    value: str
    """What it kept to: the role, the move, the teams, the manager."""
    left_out: int


@dataclasses.dataclass(frozen=True, slots=True)
class CandidatePool:
    """The people a :class:`CandidateFilter` keeps for a role, and what each filter did."""

    role: str
    filter: CandidateFilter
    considered: int
    """Everyone in the workforce."""
    kept: tuple[str, ...]
    """The people kept, in workforce order."""
    applied: tuple[FilterStep, ...]
    """The filters that applied, in order (each counts only people the earlier ones kept)."""

    def to_dict(self) -> dict[str, Any]:
        """What ``--format json`` prints as ``filters``: the settings and the counts."""
        return {
            **self.filter.to_dict(),
            "considered": self.considered,
            "kept": len(self.kept),
            "applied": [dataclasses.asdict(s) for s in self.applied],
        }


_GRADE = re.compile(r"^(\D*?)\s*(\d+)$")


def seniority_order(current: RoleProfile, role: RoleProfile) -> int | None:
    """-1, 0 or 1 as ``current`` is junior to, as senior as, or senior to ``role``.

    By ``level`` when both roles have one, else by grade (one prefix and a number, or the
    same text); None when they cannot be compared.

    Examples:
        >>> from competency_core.roles import RoleProfile
        >>> def r(grade, level=None):
        ...     return RoleProfile(key="r", title="R", grade=grade, level=level)
        >>> seniority_order(r("E2"), r("E3")), seniority_order(r("M1", 4), r("E4", 4))
        (-1, 0)
        >>> print(seniority_order(r("M1"), r("E4")))
        None
    """
    if current.level is not None and role.level is not None:
        a, b = current.level, role.level
    elif current.grade is None or role.grade is None:
        return None
    elif current.grade.strip().casefold() == role.grade.strip().casefold():
        return 0
    else:
        ga, gb = _GRADE.match(current.grade.strip()), _GRADE.match(role.grade.strip())
        if ga is None or gb is None or ga[1].casefold() != gb[1].casefold():
            return None
        a, b = int(ga[2]), int(gb[2])
    return (a > b) - (a < b)


def _reports(people: Iterable[Person], manager: str, everyone_below: bool) -> set[str]:
    """The keys of ``manager``'s direct reports, or of their whole reporting line."""
    below: dict[str, list[str]] = {}
    for p in people:
        if p.manager is not None:
            below.setdefault(p.manager, []).append(p.key)
    found: set[str] = set()
    todo = list(below.get(manager, ()))
    while todo:
        key = todo.pop()
        if key in found or key == manager:
            continue  # a loop in the reporting lines
        found.add(key)
        if everyone_below:
            todo.extend(below.get(key, ()))
    return found


def select_candidates(
    model: CompetencyModel,
    workforce: Workforce,
    role: str,
    candidate_filter: CandidateFilter | None = None,
) -> CandidatePool:
    """The people of ``workforce`` that ``candidate_filter`` keeps for ``role``.

    Unknown roles, teams nobody is in and managers who are not people of the workforce
    raise :class:`~competency_core.errors.CompetencyError`.
    """
    from competency_core.errors import CompetencyError, UnknownKeyError

    f = candidate_filter if candidate_filter is not None else CandidateFilter()
    target = model.role(role)
    people = list(workforce.people)
    steps: list[FilterStep] = []

    def apply(name: str, value: str, keep: Any) -> None:
        nonlocal people
        kept = [p for p in people if keep(p)]
        steps.append(FilterStep(name, value, len(people) - len(kept)))
        people = kept

    def current(p: Person) -> RoleProfile | None:
        try:
            return model.role(p.role) if p.role is not None else None
        except UnknownKeyError:
            return None

    if f.teams:
        known = {p.team for p in workforce.people if p.team is not None}
        if unknown := [t for t in f.teams if t not in known]:
            raise CompetencyError(
                f"nobody is in team {', '.join(map(repr, unknown))}; the teams are: "
                + (", ".join(sorted(known)) or "none")
            )
    if f.manager is not None:
        workforce.person(f.manager)  # an unknown manager is a typo, not an empty answer
    if not f.include_incumbents:
        apply("incumbents", role, lambda p: p.role != role)
    if f.moves is not Moves.ANY or f.along_transitions:
        apply("no current role", "a current role", lambda p: p.role is not None)
    if f.moves is not Moves.ANY:
        wanted = -1 if f.moves is Moves.UP else 0

        def moves(p: Person) -> bool:
            now = current(p)
            return now is not None and seniority_order(now, target) == wanted

        apply("moves", f.moves.value, moves)
    if f.along_transitions:
        sources = {t.source for t in model.transitions if t.target == role}
        apply("transitions", f"declared transition to {role}", lambda p: p.role in sources)
    if f.teams:
        teams = set(f.teams)
        apply("team", ", ".join(f.teams), lambda p: p.team in teams)
    if f.manager is not None:
        reports = _reports(workforce.people, f.manager, f.all_reports)
        value = f"{'all' if f.all_reports else 'direct'} reports of {f.manager}"
        apply("manager", value, lambda p: p.key in reports)
    return CandidatePool(
        role=target.key,
        filter=f,
        considered=len(workforce.people),
        kept=tuple(p.key for p in people),
        applied=tuple(steps),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Shortlist:
    """The answer of :func:`best_candidates`: the best candidates kept, and the pool."""

    role: str
    on: dt.date
    policy: ScoringPolicy
    pool: CandidatePool
    matches: tuple[Match, ...]
    """Best first, ranked 1, 2, ... among the people kept."""


def rank_among(
    matrix: ReadinessMatrix, role: str, people: Iterable[str], k: int
) -> tuple[Match, ...]:
    """The ``k`` best of ``people`` for ``role`` in ``matrix``, ranked 1, 2, ...

    In the order of :meth:`~competency_core.scoring.ReadinessMatrix.top_candidates`.
    """
    import numpy as np

    from competency_core.scoring.ranking import top_k_rows

    index = {key: i for i, key in enumerate(matrix.people)}
    rows = np.array(sorted(index[key] for key in people), dtype=np.intp)
    if rows.size == 0:
        return ()
    r = matrix.roles.index(role)
    best = top_k_rows(matrix.readiness[rows, r][None, :], matrix.ready[rows, r][None, :], k)[0]
    return tuple(
        matrix.match(matrix.people[rows[j]], role).model_copy(update={"rank": n})
        for n, j in enumerate(best, 1)
        if j >= 0
    )


def best_candidates(
    model: CompetencyModel,
    workforce: Workforce,
    role: str,
    *,
    candidate_filter: CandidateFilter | None = None,
    k: int = 10,
    policy: ScoringPolicy | None = None,
    on: dt.date | None = None,
) -> Shortlist:
    """The ``k`` people that fit ``role`` best among those ``candidate_filter`` keeps.

    Ready first, then by readiness, then workforce order, as
    :meth:`~competency_core.scoring.ReadinessMatrix.top_candidates`; the incumbents are left
    out unless the filter includes them.

    Examples:
        >>> import datetime as dt
        >>> from competency_core.testing.samples import sample_model, sample_workforce
        >>> s = best_candidates(sample_model(), sample_workforce(), "engineer",
        ...                     on=dt.date(2026, 1, 1))
        >>> [m.person for m in s.matches], s.pool.applied[0].left_out
        (['grace'], 2)
    """
    from competency_core.scoring.bulk import readiness_matrix
    from competency_core.scoring.policy import DEFAULT_POLICY

    pool = select_candidates(model, workforce, role, candidate_filter)
    use = policy if policy is not None else DEFAULT_POLICY
    day = on or dt.date.today()
    matrix = readiness_matrix(model, workforce, roles=[pool.role], policy=use, on=day)
    matches = rank_among(matrix, pool.role, pool.kept, k)
    return Shortlist(role=pool.role, on=day, policy=use, pool=pool, matches=matches)


__all__ = [
    "CandidateFilter",
    "CandidatePool",
    "FilterStep",
    "Moves",
    "Shortlist",
    "best_candidates",
    "rank_among",
    "select_candidates",
    "seniority_order",
]
