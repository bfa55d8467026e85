"""The located problem record: what is wrong, and where (file, path inside it, line).

Also importable as ``competency_core.errors.Problem``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]


class Problem(BaseModel):
    """One located problem in a model, a data file or a request.

    ``path`` uses dotted and indexed notation (``roles[3].requirements[1].level``);
    ``line`` is 1-based and known for YAML input.
    """

    model_config = ConfigDict(defer_build=True, frozen=True)

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


__all__ = ["Problem", "Severity"]
