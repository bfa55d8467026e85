"""Reporting periods of monitoring (kept apart so the CLI can offer them without numpy)."""

from __future__ import annotations

from enum import StrEnum


class Period(StrEnum):
    """The length of a reporting period."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        """How many months the period spans."""
        return {"month": 1, "quarter": 3, "year": 12}[self.value]


__all__ = ["Period"]
