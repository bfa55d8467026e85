"""The exception hierarchy and the located problem record.

Every error the library raises derives from :class:`CompetencyError`, so callers can
catch one type. Errors that concern user input carry :class:`Problem` records that say
*where* (file, path inside it, line) and *what* is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]


class Problem(BaseModel):
    """One located problem in a model, a data file or a request.

    ``path`` uses dotted and indexed notation (``roles[3].requirements[1].level``);
    ``line`` is 1-based and known for YAML input.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    code: str | None = None

    def located(self, file: str | None = None, line: int | None = None) -> Problem:
        """Return a copy with the file and line filled in where they were unknown."""
        return self.model_copy(
            update={"file": self.file or file, "line": self.line if self.line else line}
        )

    def __str__(self) -> str:
        where = self.file or "<model>"
        if self.line:
            where += f":{self.line}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.severity}: {self.message}"


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


__all__ = [
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
