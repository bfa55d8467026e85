"""competency-jsonl: an example competency-core plugin.

competency-core finds this module through the ``competency_core`` entry point and calls
the functions marked ``@hookimpl`` below.
"""

from __future__ import annotations

import logging
from typing import Any

from competency_core.hookspecs import hookimpl
from competency_core.lint import LintRule
from competency_core.model import CompetencyModel
from competency_core.sync import Action, Adapter, ApplyReport, Plan
from competency_jsonl.adapter import JsonlAdapter, JsonlSettings

audit = logging.getLogger("competency_jsonl.audit")


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The adapter this plugin provides."""
    return [JsonlAdapter]


def _long_names(model: CompetencyModel, options: Any) -> Any:
    limit = int(options["max_length"])
    for i, c in enumerate(model.competencies):
        name = model.text(c.name)
        if len(name) > limit:
            yield f"competencies[{i}].name", f"{c.key!r} has a {len(name)}-character name"


@hookimpl
def register_lint_rules() -> list[LintRule]:
    """A lint rule: names that Moodle (and most LMSs) would cut."""
    return [
        LintRule(
            "competency-name-length",
            "Competency names fit in Moodle's 100 characters.",
            _long_names,
            options={"max_length": 100},
        )
    ]


@hookimpl
def before_apply(adapter: Adapter[Any], plan: Plan) -> str | None:
    """Veto a jsonl apply that would delete more objects than the adapter allows."""
    if not isinstance(adapter, JsonlAdapter):
        return None
    deletes = plan.counts()[Action.DELETE]
    if deletes > adapter.settings.max_deletes:
        return f"{deletes} deletions, more than max_deletes={adapter.settings.max_deletes}"
    return None


@hookimpl
def after_apply(adapter: Adapter[Any], plan: Plan, report: ApplyReport) -> None:
    """An audit line for every apply, whatever the adapter."""
    audit.info("%s %s %s: %s", adapter.name, plan.target, plan.scope, report.summary())


__all__ = ["JsonlAdapter", "JsonlSettings"]
