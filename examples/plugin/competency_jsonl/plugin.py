"""The ``jsonl`` plugin: what competency-jsonl adds to competency-core, through its hooks.

Registered by the entry point ``jsonl = "competency_jsonl.plugin"`` of the
``competency_core`` group (see ``pyproject.toml``), exactly as the built-in adapters are.
Importing this module is cheap (the CLI imports every plugin at each start): each hook
imports what it provides when it is called, and the sync hooks need nothing until a sync
runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    import typer

    from competency_core.demo import DemoStep
    from competency_core.lint import LintRule
    from competency_core.sync import Adapter, ApplyReport, Plan

audit = logging.getLogger("competency_jsonl.audit")
"""One line per apply, whatever the adapter (:func:`after_apply`)."""


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The ``jsonl`` adapter (:mod:`competency_jsonl.adapter`)."""
    from competency_jsonl.adapter import JsonlAdapter

    return [JsonlAdapter]


@hookimpl
def register_lint_rules() -> list[LintRule]:
    """``competency-name-length`` (:mod:`competency_jsonl.lint`)."""
    from competency_jsonl.lint import RULES

    return RULES


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """``competency jsonl verify`` (:mod:`competency_jsonl.cli`)."""
    from competency_jsonl.cli import commands

    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """Demo step 100 (:mod:`competency_jsonl.demo`)."""
    from competency_jsonl.demo import STEPS

    return STEPS


@hookimpl
def before_apply(adapter: Adapter[Any], plan: Plan) -> str | None:
    """Veto a jsonl apply that would delete more objects than the adapter allows."""
    from competency_core.sync import Action
    from competency_jsonl.adapter import JsonlAdapter

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


__all__ = [
    "after_apply",
    "audit",
    "before_apply",
    "register_adapters",
    "register_commands",
    "register_demo_steps",
    "register_lint_rules",
]
