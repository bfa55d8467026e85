"""``competency plan ... --push ADAPTER``: development plans as learning assignments, pushed.

The plans' chosen resources become :class:`~competency_core.people.LearningAssignment` objects
(:func:`competency_core.scoring.learning_assignments`), planned and applied through the
sync engine as ``competency sync ADAPTER apply assignments`` would: the adapter gets the
planned people and the model first (``use_workforce``), so the Moodle adapter makes each
person's learning plan and course enrolments.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    OutputFormat,
    apply_with_progress,
    cli_tr,
    console,
    emit_json,
    escape,
    guarded,
    print_plan,
    print_report,
)

if TYPE_CHECKING:
    from competency_core.cli.sync import AdapterOptions
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.scoring.plans import DevelopmentPlan
    from competency_core.sync import ApplyReport, Plan


def push_plans(
    model: CompetencyModel,
    workforce: Workforce,
    plans: list[DevelopmentPlan],
    adapter_name: str,
    options: AdapterOptions,
    *,
    dry_run: bool = False,
    due: dt.date | None = None,
    store: str | None = None,
    fmt: OutputFormat = OutputFormat.TEXT,
) -> None:
    """Push ``plans`` through ``adapter_name`` as learning assignments (or show the sync plan).

    Resources a person already has (an assignment in ``workforce``, not cancelled) are
    not assigned again. ``store`` holds the sync state (as ``competency sync --store``):
    the store the workforce was read from, with ``--store``.
    Exits with code 1 when a change failed.
    """
    from competency_core.cli.sync import hand_over, sync_state
    from competency_core.scoring.plans import learning_assignments
    from competency_core.sync import SyncEngine

    assignments = learning_assignments(plans, due=due, existing=workforce.assignments)
    planned = {p.person for p in plans if p.person is not None}
    people = [p for p in workforce.people if p.key in planned]

    def run() -> tuple[Plan, ApplyReport | None]:
        adapter = options.adapter(adapter_name)
        hand_over(adapter, people, model)
        with sync_state(store) as state:
            engine = SyncEngine(adapter, state)
            sync_plan = engine.plan_assignments(assignments)
            if dry_run:
                return sync_plan, None
            if fmt == OutputFormat.TEXT:
                print_plan(sync_plan, limit=20)
            return sync_plan, apply_with_progress(engine, sync_plan, fmt)

    if fmt == OutputFormat.TEXT:
        for a in assignments:
            why = _closes(plans, a.person, a.resource)
            t = cli_tr()
            line = t._("assign %(resource)s to %(person)s", resource=a.resource, person=a.person)
            if why:
                line += " " + t._("(closes %(keys)s)", keys=why)
            console.print(escape(line))
    sync_plan, report = guarded(fmt, run)
    if fmt == OutputFormat.JSON:
        out: dict[str, Any] = {
            "assignments": [a.model_dump(mode="json") for a in assignments],
            "plan": sync_plan.model_dump(mode="json"),
        }
        if report is not None:
            out["report"] = report.model_dump(mode="json")
        emit_json(out)
    elif report is None:
        print_plan(sync_plan)
    else:
        print_report(report)
    if report is not None and not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _closes(plans: list[DevelopmentPlan], person: str, resource: str) -> str:
    for plan in plans:
        if plan.person == person:
            for chosen in plan.resources:
                if chosen.resource == resource:
                    return ", ".join(chosen.closes)
    return ""


__all__ = ["push_plans"]
