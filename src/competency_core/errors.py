"""The exception hierarchy and the located problem record.

Every error the library raises derives from :class:`CompetencyError`, so callers can
catch one type. Errors that concern user input carry :class:`Problem` records that say
*where* (file, path inside it, line) and *what* is wrong. ``Problem`` is defined in
:mod:`competency_core.problems` and importable from here too; this module itself imports
no pydantic, so catching the library's errors costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use (pydantic costs ~0.1 s): see __getattr__ below
    from competency_core.problems import Problem as Problem
    from competency_core.problems import Severity as Severity


class CompetencyError(Exception):
    """Root of every exception raised by competency-core."""


class ModelValidationError(CompetencyError):
    """A model (or a data file) is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = sum(1 for p in self.problems if p.severity == "error")
        head = summary or f"{n} problem{'s' if n != 1 else ''} found"
        body = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            body += f"\n  ... and {more} more"
        super().__init__(f"{head}\n{body}" if body else head)

    @property
    def errors(self) -> Sequence[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]


class ReferenceError_(CompetencyError):
    """A key was looked up that the model does not contain."""


class UnknownKeyError(ReferenceError_, KeyError):
    """A competency, role, scale or person key that does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind} {key!r}")

    def __str__(self) -> str:
        return f"unknown {self.kind} {self.key!r}"


class ScaleMappingError(CompetencyError):
    """A level on one scale cannot be converted to another (no mapping, or not on the scale)."""


class ScoringError(CompetencyError):
    """Scoring could not be done as asked (e.g. an assessment on an unmappable scale)."""


class LifecycleError(CompetencyError):
    """A lifecycle transition is not allowed, or a published version would change."""


class StoreError(CompetencyError):
    """The store failed to read or write (connection, schema, transaction)."""


class ConflictError(StoreError):
    """Optimistic locking: somebody else changed the record since it was read."""


class SyncError(CompetencyError):
    """An adapter's plan or apply failed; carries the request context, never secrets."""


class ApplyVetoedError(SyncError):
    """A plugin's ``before_apply`` hook refused the apply; ``reasons`` says why."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("the apply was vetoed: " + "; ".join(self.reasons))


__all__ = [
    "ApplyVetoedError",
    "CompetencyError",
    "ConflictError",
    "LifecycleError",
    "ModelValidationError",
    "Problem",
    "ScaleMappingError",
    "ScoringError",
    "Severity",
    "StoreError",
    "SyncError",
    "UnknownKeyError",
]


def __getattr__(name: str) -> Any:
    if name in ("Problem", "Severity"):
        from competency_core import problems

        return getattr(problems, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
