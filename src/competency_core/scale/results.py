"""The answers of a scoring run at scale: the best pairs per person and per role.

A run over a million people and thousands of roles cannot hand back the whole people x
roles matrix; every engine (memory, streaming, DuckDB, PostgreSQL, Spark) hands back
:class:`TopMatches` instead: for each person the ``k`` roles that fit best, for each role
the ``k`` best candidates, each with the pair's figures. The order is the one of
:func:`~competency_core.scoring.ranking.top_k_rows`: ready before not ready, then higher
readiness, then the earlier index (the order people or roles were given in), so every
engine gives the same answer, ties included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from competency_core.errors import ScoringError, UnknownKeyError
from competency_core.scoring.bulk import ReadinessMatrix
from competency_core.scoring.policy import ScoringPolicy
from competency_core.scoring.ranking import Match

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

FIGURES = ("readiness", "gap", "share_met", "coverage")
"""The figures of a pair, in the order :class:`RankedPairs` and the result tables use."""


@dataclass(frozen=True)
class RankedPairs:
    """For each row (a person, or a role), its ``k`` best pairs, best first.

    ``index`` names the other side (role indices for a person's row, people indices for a
    role's row); rows with fewer than ``k`` pairs are padded with -1, NaN figures and
    ``ready`` False.
    """

    index: IntArray
    readiness: FloatArray
    gap: FloatArray
    share_met: FloatArray
    coverage: FloatArray
    ready: BoolArray

    def __post_init__(self) -> None:
        shape = self.index.shape
        for name in (*FIGURES, "ready"):
            if getattr(self, name).shape != shape:
                raise ScoringError(
                    f"ranked pairs: {name} has shape {getattr(self, name).shape}, expected {shape}"
                )

    @classmethod
    def empty(cls, rows: int, k: int) -> RankedPairs:
        """``rows`` rows of padding only."""
        shape = (rows, max(0, k))
        return cls(
            index=np.full(shape, -1, dtype=np.intp),
            readiness=np.full(shape, np.nan),
            gap=np.full(shape, np.nan),
            share_met=np.full(shape, np.nan),
            coverage=np.full(shape, np.nan),
            ready=np.zeros(shape, dtype=bool),
        )

    @property
    def k(self) -> int:
        """The number of pairs kept per row."""
        return int(self.index.shape[1])


@dataclass(frozen=True)
class TopMatches:
    """The ``k`` best roles of every person and the ``k`` best candidates of every role."""

    people: tuple[str, ...]
    roles: tuple[str, ...]
    k: int
    roles_per_person: RankedPairs
    """Shape ``(len(people), k)``: role indices and figures."""
    candidates_per_role: RankedPairs
    """Shape ``(len(roles), k)``: people indices and figures."""
    policy: ScoringPolicy
    on: dt.date

    def __post_init__(self) -> None:
        if self.roles_per_person.index.shape != (len(self.people), self.k):
            raise ScoringError("roles_per_person must have one row of k per person")
        if self.candidates_per_role.index.shape != (len(self.roles), self.k):
            raise ScoringError("candidates_per_role must have one row of k per role")

    @classmethod
    def from_matrix(cls, matrix: ReadinessMatrix, k: int) -> TopMatches:
        """The top-k answers of a full matrix (the reference every engine is checked against)."""
        per_person = matrix.top_roles_per_person(k)
        per_role = matrix.top_candidates_per_role(k)
        return cls(
            people=matrix.people,
            roles=matrix.roles,
            k=k,
            roles_per_person=_gather(matrix, per_person, by_person=True),
            candidates_per_role=_gather(matrix, per_role, by_person=False),
            policy=matrix.policy,
            on=matrix.on,
        )

    def top_roles(self, person: str) -> tuple[Match, ...]:
        """A person's best roles, as :class:`~competency_core.scoring.ranking.Match`."""
        try:
            i = self.people.index(person)
        except ValueError:
            raise UnknownKeyError("person", person) from None
        return self._matches(self.roles_per_person, i, lambda j: (person, self.roles[j]))

    def top_candidates(self, role: str) -> tuple[Match, ...]:
        """A role's best candidates, as :class:`~competency_core.scoring.ranking.Match`."""
        try:
            r = self.roles.index(role)
        except ValueError:
            raise UnknownKeyError("role", role) from None
        return self._matches(self.candidates_per_role, r, lambda j: (self.people[j], role))

    @staticmethod
    def _matches(
        pairs: RankedPairs, row: int, names: Callable[[int], tuple[str, str]]
    ) -> tuple[Match, ...]:
        out = []
        for n in range(pairs.k):
            j = int(pairs.index[row, n])
            if j < 0:
                break
            person, role = names(j)
            out.append(
                Match(
                    person=person,
                    role=role,
                    rank=n + 1,
                    readiness=float(pairs.readiness[row, n]),
                    gap=float(pairs.gap[row, n]),
                    share_met=float(pairs.share_met[row, n]),
                    coverage=float(pairs.coverage[row, n]),
                    ready=bool(pairs.ready[row, n]),
                )
            )
        return tuple(out)


def _gather(matrix: ReadinessMatrix, index: IntArray, *, by_person: bool) -> RankedPairs:
    if 0 in matrix.readiness.shape:  # no roles or no people: every row is padding
        return RankedPairs.empty(index.shape[0], index.shape[1])
    rows = np.arange(index.shape[0])[:, None]
    safe = np.where(index >= 0, index, 0)
    pad = index < 0

    def pick(values: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        return values[rows, safe] if by_person else values.T[rows, safe]

    figures = {}
    for name in FIGURES:
        got = np.asarray(pick(getattr(matrix, name)), dtype=np.float64)
        got[pad] = np.nan
        figures[name] = got
    ready = np.asarray(pick(matrix.ready), dtype=bool)
    ready[pad] = False
    return RankedPairs(index=index.astype(np.intp), ready=ready, **figures)


__all__ = ["FIGURES", "RankedPairs", "TopMatches"]
