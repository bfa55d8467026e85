"""The plugin's lint rule: competency names that Moodle (and most LMSs) would cut."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from competency_core.lint import LintRule
from competency_core.model import CompetencyModel


def _long_names(model: CompetencyModel, options: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    limit = int(options["max_length"])
    for i, c in enumerate(model.competencies):
        name = model.text(c.name)
        if len(name) > limit:
            yield f"competencies[{i}].name", f"{c.key!r} has a {len(name)}-character name"


NAME_LENGTH = LintRule(
    "competency-name-length",
    "Competency names fit in Moodle's 100 characters.",
    _long_names,
    options={"max_length": 100},
)
"""``competency-name-length``: names longer than ``max_length`` (default 100)."""

RULES: list[LintRule] = [NAME_LENGTH]

__all__ = ["NAME_LENGTH", "RULES"]
