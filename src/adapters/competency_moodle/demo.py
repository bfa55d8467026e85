"""Demo steps 55-56: the Moodle sync against the local Moodle emulator (not a real Moodle).

The emulator comes from the test-support distribution, competency-core-testing
(:mod:`competency_testing.moodle`, imported when a step runs): without it the steps say
so in one line and stop. It is started in this process on 127.0.0.1, seeded with a scale,
the example model's courses and the example people, and checks every call against
Moodle's web-service contract (the copy shipped with it, or
``$COMPETENCY_MOODLE_CONTRACT``).
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import TYPE_CHECKING, Any

from competency_core.console import console, print_plan, print_report
from competency_core.demo import DemoContext, DemoStep, demo_step

if TYPE_CHECKING:
    from competency_core.sync import SyncEngine
    from competency_moodle.adapter import MoodleAdapter


if TYPE_CHECKING:  # the emulator is test support: imported when a step runs, if installed
    from competency_testing.moodle import MoodleEmulator

STEPS: list[DemoStep] = []
_KEY = "moodle_emulator"
NEEDS_TESTING = "needs competency-core-testing (pip install competency-core-testing)"


def _emulator(ctx: DemoContext) -> tuple[MoodleEmulator, MoodleAdapter] | None:
    """The running emulator and an adapter on it (started and seeded on first use)."""
    from competency_core.plugins import plugin_registry
    from competency_moodle.adapter import MoodleAdapter
    from competency_moodle.directory import course_ref

    if _KEY in ctx.state:
        found: tuple[MoodleEmulator, MoodleAdapter] = ctx.state[_KEY]
        return found
    try:
        from competency_testing.moodle import MoodleEmulator, find_contract
    except ImportError:
        console.print(f"[yellow]skipped:[/yellow] {NEEDS_TESTING}", highlight=False)
        return None
    contract = find_contract()
    if contract is None:
        console.print(
            "[yellow]skipped:[/yellow] $COMPETENCY_MOODLE_CONTRACT names no file (unset it "
            "to use the contract shipped with competency-core-testing)",
            highlight=False,
        )
        return None
    moodle = MoodleEmulator(contract).start()
    token = secrets.token_hex(16)
    moodle.add_token(token)
    model, wf = ctx.model("software-engineering"), ctx.workforce("people")
    scale = model.scales[0]
    sid = moodle.site.add_scale(scale.key, [model.text(lv.label) for lv in scale.levels])
    for res in model.learning_resources:
        ref = course_ref(res.external_ids)
        if ref:
            moodle.site.add_course(model.text(res.title), idnumber=ref)
    for person in wf.people:
        moodle.site.add_user(person.key, email=person.email)
    cls = plugin_registry().adapter("moodle")
    adapter = cls.configure(
        {"url": moodle.url, "token": token, "scale_id": sid, "parent_rule": "complete"}, env={}
    )
    assert isinstance(adapter, MoodleAdapter)
    console.print(
        f"[bold]Moodle emulator[/bold] (a local stand-in, not a real Moodle) at {moodle.url}: "
        f"scale {sid} {scale.key!r}, {len(moodle.site.courses)} courses, "
        f"{len(wf.people)} users; every call is checked against {contract.name}"
    )
    ctx.state[_KEY] = (moodle, adapter)
    return moodle, adapter


def _engine(ctx: DemoContext, adapter: MoodleAdapter) -> tuple[SyncEngine, Any]:
    from competency_core.store import Store
    from competency_core.sync import StoreSyncState, SyncEngine

    store = Store(ctx.store_path())
    return SyncEngine(adapter, StoreSyncState(store)), store


def _calls(moodle: MoodleEmulator) -> str:
    calls = moodle.calls
    kinds = Counter(c.type for c in calls)
    return f"{len(calls)} calls ({kinds.get('read', 0)} read, {kinds.get('write', 0)} write)"


@demo_step(
    55, "Moodle emulator: push the model to Moodle (plan, apply, a re-plan with no writes)", STEPS
)
def _demo_push(ctx: DemoContext) -> None:
    started = _emulator(ctx)
    if started is None:
        return
    moodle, adapter = started
    model = ctx.model("software-engineering")
    engine, store = _engine(ctx, adapter)
    with store:
        plan = engine.plan_model(model)
        print_plan(plan, limit=8)
        moodle.reset_calls()
        report = engine.apply(plan)
        print_report(report)
        console.print(f"Moodle emulator: the apply made {_calls(moodle)}")
        moodle.reset_calls()
        again = engine.plan_model(model)
        print_plan(again)
        console.print(f"Moodle emulator: the re-plan made {_calls(moodle)}")
    snap = moodle.site.snapshot()
    fw = snap["frameworks"][model.key]
    console.print(
        f"In the emulated Moodle: framework {model.key!r} with {len(fw['competencies'])} "
        f"competencies, {len(snap['related'])} related pairs, "
        f"{len(snap['course_competencies'])} course links, {len(snap['templates'])} templates"
    )


@demo_step(
    56, "Moodle emulator: learning plans and enrolments, ratings pushed and pulled back", STEPS
)
def _demo_learning(ctx: DemoContext) -> None:
    from competency_core.io import dumps, write_atomic
    from competency_core.people import Workforce

    started = _emulator(ctx)
    if started is None:
        return
    moodle, adapter = started
    model, wf = ctx.model("software-engineering"), ctx.workforce("people")
    engine, store = _engine(ctx, adapter)
    try:
        with store:
            if model.key not in moodle.site.snapshot()["frameworks"]:
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
            f"pulled back from the Moodle emulator: {len(pulled)} ratings of {people} people "
            "(read through their learning plans, grades mapped to levels)"
        )
        back = Workforce(model=model.key, assessments=tuple(pulled))
        path = ctx.out / "moodle-ratings.yaml"
        write_atomic(path, dumps(back, "yaml"))
        ctx.record("ratings pulled from the Moodle emulator", path)
    finally:
        adapter.close()
        moodle.stop()
        ctx.state.pop(_KEY, None)


__all__ = ["STEPS"]
