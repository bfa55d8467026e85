"""Demo steps 55-56: the Moodle sync against a Moodle site the demo provides.

The steps ask the demo for the service ``moodle`` (:class:`DemoMoodle`): a site seeded
with a scale, the example model's courses and the example people. The test-support
distribution competency-core-testing provides one, its contract-checking emulator (not a
real Moodle); a plugin of your own can provide your staging site instead. Without any,
the demo skips the steps with a note.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol

from competency_core.console import console, print_plan, print_report
from competency_core.demo import DemoContext, DemoStep, demo_step

if TYPE_CHECKING:
    from competency_core.sync import SyncEngine
    from competency_moodle.adapter import MoodleAdapter

SERVICE = "moodle"
STEPS: list[DemoStep] = []


class DemoMoodle(Protocol):
    """What the demo's Moodle service gives the steps (``ctx.service("moodle")``)."""

    @property
    def title(self) -> str:
        """What the site is, in a few words (e.g. "Moodle emulator")."""

    @property
    def url(self) -> str:
        """The site's URL."""

    @property
    def settings(self) -> dict[str, Any]:
        """The ``moodle`` adapter's settings for it: url, token, scale_id."""

    def calls(self) -> Counter[str]:
        """The web-service calls since the last :meth:`reset_calls`, by type (read, write)."""

    def reset_calls(self) -> None:
        """Start counting calls again."""

    def snapshot(self) -> dict[str, Any]:
        """The site's competency data: frameworks (by idnumber), related, course links, templates."""


def _site(ctx: DemoContext) -> tuple[DemoMoodle, MoodleAdapter]:
    """The demo's Moodle service and an adapter configured for it."""
    from competency_moodle.adapter import MoodleAdapter

    site: DemoMoodle = ctx.service(SERVICE)
    adapter = MoodleAdapter.configure({**site.settings, "parent_rule": "complete"}, env={})
    return site, adapter


def _engine(ctx: DemoContext, adapter: MoodleAdapter) -> tuple[SyncEngine, Any]:
    from competency_core.store import Store
    from competency_core.sync import StoreSyncState, SyncEngine

    store = Store(ctx.store_path())
    return SyncEngine(adapter, StoreSyncState(store)), store


def _calls(site: DemoMoodle) -> str:
    kinds = site.calls()
    return f"{kinds.total()} calls ({kinds['read']} read, {kinds['write']} write)"


@demo_step(55, "Moodle: push the model to Moodle (plan, apply, a re-plan with no writes)", STEPS)
def _demo_push(ctx: DemoContext) -> None:
    site, adapter = _site(ctx)
    model = ctx.model("software-engineering")
    engine, store = _engine(ctx, adapter)
    try:
        with store:
            plan = engine.plan_model(model)
            print_plan(plan, limit=8)
            site.reset_calls()
            print_report(engine.apply(plan))
            console.print(f"{site.title}: the apply made {_calls(site)}")
            site.reset_calls()
            print_plan(engine.plan_model(model))
            console.print(f"{site.title}: the re-plan made {_calls(site)}")
    finally:
        adapter.close()
    snap = site.snapshot()
    fw = snap["frameworks"][model.key]
    console.print(
        f"In the {site.title}: framework {model.key!r} with {len(fw['competencies'])} "
        f"competencies, {len(snap['related'])} related pairs, "
        f"{len(snap['course_competencies'])} course links, {len(snap['templates'])} templates"
    )


@demo_step(56, "Moodle: learning plans and enrolments, ratings pushed and pulled back", STEPS)
def _demo_learning(ctx: DemoContext) -> None:
    from competency_core.io import dumps, write_atomic
    from competency_core.people import Workforce

    site, adapter = _site(ctx)
    model, wf = ctx.model("software-engineering"), ctx.workforce("people")
    engine, store = _engine(ctx, adapter)
    try:
        with store:
            if model.key not in site.snapshot()["frameworks"]:
                engine.apply(engine.plan_model(model))
            adapter.use_workforce(wf.people, model)
            for label in ("plans and enrolments", "ratings"):
                plan = (
                    engine.plan_assignments(wf.assignments)
                    if label != "ratings"
                    else engine.plan_ratings(wf.assessments)
                )
                report = engine.apply(plan)
                console.print(f"{label}: {report.summary()}")
                for warning in plan.warnings:
                    console.print(f"  [yellow]note[/yellow] {warning}", highlight=False)
        pulled = list(adapter.pull_ratings())
        people = len({a.person for a in pulled})
        console.print(
            f"pulled back from the {site.title}: {len(pulled)} ratings of {people} people "
            "(read through their learning plans, grades mapped to levels)"
        )
        back = Workforce(model=model.key, assessments=tuple(pulled))
        path = ctx.out / "moodle-ratings.yaml"
        write_atomic(path, dumps(back, "yaml"))
        ctx.record(f"ratings pulled from the {site.title}", path)
    finally:
        adapter.close()


__all__ = ["SERVICE", "STEPS", "DemoMoodle"]
