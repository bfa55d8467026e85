"""Demo steps 50-52: the CSV adapter, a model as a Moodle framework file and people to CSV.

The steps go through the sync engine with the demo's embedded store holding the sync
state, as ``competency sync csv plan|apply|pull`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from competency_core.console import console, print_plan, print_report
from competency_core.demo import DemoContext, DemoStep, demo_step

if TYPE_CHECKING:
    from competency_core.sync import SyncEngine


STEPS: list[DemoStep] = []


def _demo_engine(ctx: DemoContext) -> tuple[SyncEngine, Any]:
    from competency_core.plugins import plugin_registry
    from competency_core.store import Store
    from competency_core.sync import StoreSyncState, SyncEngine

    store = Store(ctx.store_path())
    folder = ctx.out / "sync-csv"
    adapter = plugin_registry().adapter("csv").configure({"directory": str(folder)})
    return SyncEngine(adapter, StoreSyncState(store)), store


@demo_step(50, "Sync: plan exporting the model as a Moodle framework CSV (a dry run)", STEPS)
def _demo_plan(ctx: DemoContext) -> None:
    engine, store = _demo_engine(ctx)
    with store:
        plan = engine.plan_model(ctx.model("software-engineering"))
    print_plan(plan, limit=8)
    path = ctx.out / "sync-plan.json"
    plan.save(path)
    ctx.record("sync plan (JSON, apply it later)", path)


@demo_step(51, "Sync: apply the saved plan, then plan again (nothing left to do)", STEPS)
def _demo_apply(ctx: DemoContext) -> None:
    from competency_core.sync import Plan

    engine, store = _demo_engine(ctx)
    with store:
        report = engine.apply(Plan.load(ctx.out / "sync-plan.json"))
        print_report(report)
        again = engine.plan_model(ctx.model("software-engineering"))
    print_plan(again)
    csv_path = Path(engine.adapter.target) / "software-engineering.moodle.csv"
    ctx.record("Moodle competency framework CSV", csv_path)


@demo_step(52, "Sync: people, ratings and learning to CSV and back", STEPS)
def _demo_people(ctx: DemoContext) -> None:
    from competency_core.people import Workforce

    engine, store = _demo_engine(ctx)
    wf = ctx.workforce("people")
    adapter: Any = engine.adapter
    with store:
        for label, plan in (
            ("people", engine.plan_people(wf.people)),
            ("ratings", engine.plan_ratings(wf.assessments)),
            ("assignments", engine.plan_assignments(wf.assignments)),
        ):
            report = engine.apply(plan)
            console.print(f"{label}: {report.summary()}")
    back = Workforce(
        model=wf.model,
        people=tuple(adapter.pull_people()),
        assessments=tuple(adapter.pull_ratings()),
        assignments=tuple(adapter.pull_assignments()),
    )
    same = back.model_copy(update={"metadata": wf.metadata}) == wf
    console.print(
        f"pulled back: {len(back.people)} people, {len(back.assessments)} ratings, "
        f"{len(back.assignments)} assignments; identical to the workforce file: {same}"
    )
    ctx.record("people CSV", Path(adapter.target) / "people.csv")


__all__ = ["STEPS"]
