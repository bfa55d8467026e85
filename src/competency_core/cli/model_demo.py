"""Demo steps for the lifecycle, on the embedded SQLite store.

draft -> pilot -> approved -> published 1.0.0 -> new draft -> diff -> published 1.1.0, with
the changelog and the assessment-migration report written out.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from competency_core.console import console, simple_table
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.store import Store

from competency_core.errors import LifecycleError

STEPS: list[DemoStep] = []


KEY = "software-engineering"
OWNER = "Priya Raman"
APPROVERS = {"hr": "Jonas Berg", "engineering-leadership": "Amara Okafor"}


def _store(ctx: DemoContext) -> Store:
    from competency_core.store import Store

    return Store(Path(ctx.state["store_path"]))


def _approve_and_publish(store: Store, model: CompetencyModel) -> None:
    for approver in model.metadata.required_approvers:
        by = APPROVERS.get(approver, f"{approver} representative")
        rec = store.approve(KEY, approver, by, comment="Reviewed the pilot results.")
        console.print(f"  approved as [bold]{approver}[/bold] by {by} -> {rec.status.value}")
    rec = store.publish(KEY, by=OWNER)
    console.print(
        f"  [green]published[/green] {rec.key} {rec.version}, content hash {rec.content_hash[:16]}..."
    )


@demo_step(order=20, title="Lifecycle: the model enters the embedded store as a draft", into=STEPS)
def _import(ctx: DemoContext) -> None:
    path = ctx.out / "competency.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    ctx.state["store_path"] = str(path)
    with _store(ctx) as store:
        rec = store.add_model(ctx.model(), actor=OWNER, comment="Drafted in workshops")
        console.print(
            f"stored {rec.key} {rec.version} as [bold]{rec.status.value}[/bold] "
            f"(revision {rec.revision}) in {store.display_url}"
        )
    ctx.record("embedded store (SQLite)", path)


@demo_step(
    order=21, title="Lifecycle: pilot, feedback, approvals, publication of 1.0.0", into=STEPS
)
def _first_release(ctx: DemoContext) -> None:
    from competency_core.store import Feedback

    model = ctx.model()
    with _store(ctx) as store:
        rec = store.start_pilot(KEY, actor=OWNER, comment="Pilot with two teams")
        console.print(f"  {rec.key} {rec.version} is now [bold]{rec.status.value}[/bold]")
        now = dt.datetime.now(dt.UTC)
        store.add_feedback(
            [
                Feedback(model=KEY, model_version=rec.version, competency="testing",
                         clarity=3, relevance=5, respondent="pilot-1", submitted_at=now),
                Feedback(model=KEY, model_version=rec.version, nps=8,
                         text="Clear levels; testing could say more about test design.",
                         submitted_at=now),
            ]
        )  # fmt: skip
        console.print("  pilot feedback stored (2 records)")
        _approve_and_publish(store, model)
        people = ctx.examples / "people.yaml"
        if people.is_file():
            wf = ctx.workforce()
            tagged = wf.model_copy(
                update={
                    "assessments": tuple(
                        a.model_copy(update={"model_version": "1.0.0"}) for a in wf.assessments
                    )
                }
            )
            n = store.import_workforce(tagged, model=KEY)
            console.print(f"  stored {len(wf.people)} people and {n} assessments against 1.0.0")


@demo_step(order=22, title="Lifecycle: changing the published 1.0.0 is refused", into=STEPS)
def _immutable(ctx: DemoContext) -> None:
    from competency_core.text import LocalizedText

    with _store(ctx) as store:
        before = store.get(KEY, "1.0.0")
        tampered = before.model.model_copy(update={"description": LocalizedText("Edited later")})
        try:
            store.save_draft(tampered, revision=before.revision)
        except LifecycleError as exc:
            console.print(f"  [yellow]refused:[/yellow] {exc}")
        after = store.get(KEY, "1.0.0")
        assert after == before, "a published version changed"
        console.print(f"  unchanged: revision {after.revision}, hash {after.content_hash[:16]}...")


def _edit(draft: CompetencyModel) -> CompetencyModel:
    """The 1.1 changes: a new competency, a desirable requirement on it, a reworded text."""
    from competency_core.competencies import BehaviouralIndicator, Competency
    from competency_core.model import CompetencyModel
    from competency_core.roles import Requirement
    from competency_core.text import LocalizedText

    scale = draft.scales[0]
    new = Competency(
        key="accessibility",
        name=LocalizedText("Accessibility"),
        definition=LocalizedText(
            "Building software that people with disabilities can use, following WCAG."
        ),
        domain="technical",
        category="engineering-craft",
        scale=scale.key,
        indicators={
            lv.value: (BehaviouralIndicator(text=LocalizedText(text)),)
            for lv, text in zip(
                scale.levels,
                (
                    "Knows that accessibility matters and where the WCAG guidelines are.",
                    "Fixes reported accessibility issues with guidance.",
                    "Builds features that pass automated and keyboard-only checks.",
                    "Reviews designs for accessibility and coaches the team on it.",
                    "Sets the organisation's accessibility standards and tooling.",
                ),
                strict=False,
            )
        },
        tags=("core",),
    )
    role_key = "senior-engineer" if draft.has_role("senior-engineer") else draft.roles[-1].key
    roles = tuple(
        r.model_copy(
            update={
                "requirements": (
                    *r.requirements,
                    Requirement(competency=new.key, level=3, weight=0.5, essential=False),
                )
            }
        )
        if r.key == role_key
        else r
        for r in draft.roles
    )
    comps = tuple(
        c.model_copy(
            update={
                "definition": LocalizedText(
                    "Designing and writing automated tests at the right level (unit, "
                    "integration, end to end) so that changes ship with confidence."
                )
            }
        )
        if c.key == "testing"
        else c
        for c in draft.competencies
    )
    data = draft.model_dump(mode="python", round_trip=True)
    data.update(competencies=(*comps, new), roles=roles)
    return CompetencyModel.model_validate(data)


@demo_step(
    order=23, title="Versioning: a new draft, its changes and the suggested version", into=STEPS
)
def _new_draft(ctx: DemoContext) -> None:
    from competency_core.io import write_atomic
    from competency_core.versioning import diff_models

    with _store(ctx) as store:
        draft = store.new_draft(KEY, actor=OWNER, comment="Annual review 2026")
        console.print(f"  new draft {draft.version} (provisional) based on {draft.based_on}")
        edited = _edit(draft.model)
        saved = store.save_draft(edited, revision=draft.revision, actor=OWNER)
        diff = diff_models(store.get(KEY, "1.0.0").model, saved.model)
    rows = [(c.bump, c.kind, c.entity, c.summary) for c in diff.changes]
    console.print(simple_table("Changes since 1.0.0", ["bump", "kind", "what", "change"], rows))
    console.print(f"  suggested: a [bold]{diff.bump}[/bold] release, {diff.suggested_version}")
    out = ctx.out / "diff-1.0.0-draft.json"
    payload = diff.model_dump(mode="json") | {"suggested_version": diff.suggested_version}
    write_atomic(out, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    ctx.record("structured diff of the draft (JSON)", out)


@demo_step(
    order=24,
    title="Lifecycle: pilot, approvals, publication of 1.1.0 and its changelog",
    into=STEPS,
)
def _second_release(ctx: DemoContext) -> None:
    from competency_core.io import save_model, write_atomic
    from competency_core.versioning import diff_models, render_changelog

    with _store(ctx) as store:
        rec = store.start_pilot(KEY, actor=OWNER)
        console.print(f"  pilot: the version is settled at [bold]{rec.version}[/bold]")
        _approve_and_publish(store, rec.model)
        old, new = store.get(KEY, "1.0.0"), store.get(KEY, rec.version)
        assert new.version == "1.1.0", new.version
        published_on = (new.published_at or dt.datetime.now(dt.UTC)).date()
        changelog = render_changelog(diff_models(old.model, new.model), date=published_on)
        path = ctx.out / "CHANGELOG-software-engineering.md"
        write_atomic(path, f"# Changelog: {KEY}\n\n{changelog}")
        ctx.record("changelog 1.0.0 -> 1.1.0 (Markdown)", path)
        export = ctx.out / "software-engineering-1.1.0.yaml"
        save_model(new.model, export)
        ctx.record("published model 1.1.0", export)
        if store.count_assessments(model=KEY, version="1.0.0"):
            report = store.migrate_assessments(KEY, "1.0.0", "1.1.0", actor=OWNER)
            rpath = ctx.out / "migration-1.0.0-1.1.0.md"
            write_atomic(rpath, report.to_markdown())
            ctx.record("assessment migration report", rpath)
            console.print(
                f"  assessments carried to 1.1.0: {report.carried} of {report.read}, "
                f"not carried: {len(report.not_carried)}"
            )
        events = store.history(KEY)
    console.print(changelog, markup=False, highlight=False)
    rows = [(e.version, e.event, e.status.value if e.status else "", e.actor or "") for e in events]
    console.print(simple_table(f"History of {KEY}", ["version", "event", "status", "by"], rows))


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS
