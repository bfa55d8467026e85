"""``competency pilot select|simulate|report`` and ``competency monitor``.

The heavy parts (matplotlib, Jinja2) are imported only when a report is written, so
other commands start fast.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.analytics.periods import Period
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.analytics.items import ItemThresholds
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce


from competency_core.cli import workforce_source
from competency_core.cli.core import load_model_or_fail
from competency_core.console import (
    EXIT_FINDINGS,
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    escape,
    fail,
    num,
    simple_table,
)
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.errors import ModelValidationError
from competency_core.hookspecs import hookimpl

commands = typer.Typer()
STEPS: list[DemoStep] = []


pilot_app = typer.Typer(
    name="pilot",
    help=N_("Pilot a model: choose a stratified pilot group, analyse its ratings and feedback."),
    no_args_is_help=True,
)
commands.add_typer(pilot_app, name="pilot")

StoreOption = typer.Option(
    None,
    "--store",
    "-s",
    help=N_("Store to read or write feedback: a SQLite file or a database URL."),
    show_default=False,
)


WorkforceStoreOption = workforce_source.store_option(
    "--store",
    help=N_(
        "Read the people from this store instead of a WORKFORCE file: a SQLite file or a "
        "database URL (default without WORKFORCE: $COMPETENCY_STORE)."
    ),
)


def _workforce(
    path: Path | None,
    store: str | None,
    model: CompetencyModel,
    fmt: OutputFormat,
    on: dt.date | None = None,
) -> Workforce:
    wf = workforce_source.load_people(model, path, store, fmt, on=on, people_flag="WORKFORCE")
    assert wf is not None  # required: load_people ends the command without people
    return wf


def _thresholds(pairs: list[str] | None) -> ItemThresholds:
    from pydantic import ValidationError

    from competency_core.analytics.items import ItemThresholds
    from competency_core.analytics.ratings import AnalyticsError

    values: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep:
            raise AnalyticsError(
                cli_tr()._(
                    "--threshold takes NAME=VALUE, e.g. low_alpha=0.7 (got %(pair)s)",
                    pair=repr(pair),
                )
            )
        values[name.strip().replace("-", "_")] = value.strip()
    try:
        return ItemThresholds.model_validate(values)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise AnalyticsError(
            cli_tr()._(
                "bad threshold (%(problems)s); the thresholds are %(names)s",
                problems=msgs,
                names=", ".join(ItemThresholds.model_fields),
            )
        ) from None


@pilot_app.command("select")
def pilot_select(
    model_path: Path = typer.Argument(..., metavar="MODEL", help=N_("The model file.")),
    workforce_path: Path = typer.Argument(
        None,
        metavar="WORKFORCE",
        help=N_("People to choose from (or --store)."),
        show_default=False,
    ),
    size: int = typer.Option(..., "--size", "-n", help=N_("How many people to choose.")),
    store: str = WorkforceStoreOption,
    seed: int = typer.Option(0, help=N_("Random seed: the same seed gives the same group.")),
    by: list[str] = typer.Option(
        None,
        "--by",
        help=N_(
            "Stratify by this field (repeat): role, department, team, job_level, manager or "
            "attributes.NAME (default: role, department, job_level)."
        ),
    ),
    exclude: list[str] = typer.Option(
        None, "--exclude", help=N_("A person not to choose (repeat).")
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help=N_("Write a pilot ratings file for the group (YAML or JSON).")
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Choose a stratified pilot group of a given size, reproducibly, and report its coverage."""
    from competency_core.analytics.pilot import DEFAULT_STRATA, select_pilot
    from competency_core.analytics.ratings import PilotData, save_pilot_data

    model = load_model_or_fail(model_path, fmt)
    wf = _workforce(workforce_path, store, model, fmt)
    sel = select_pilot(wf, size, by=by or DEFAULT_STRATA, seed=seed, exclude=exclude or ())
    if out is not None:
        save_pilot_data(
            PilotData(
                model=model.key,
                model_version=model.version,
                participants=sel.people,
                metadata={"selection": {"by": list(sel.by), "seed": seed, "size": size}},
            ),
            out,
        )
    if fmt == OutputFormat.JSON:
        emit_json({**sel.model_dump(mode="json"), "coverage": sel.coverage, "out": out})
        return
    t = cli_tr()
    console.print(
        simple_table(
            t._(
                "%(size)s of %(population)s people; %(represented)s of %(strata)s strata "
                "represented (seed %(seed)s)",
                size=sel.size,
                population=sel.population,
                represented=sel.represented,
                strata=len(sel.strata),
                seed=seed,
            ),
            [
                *map(_field, sel.by),
                t._("people"),
                t._("selected"),
                t._("proportional share"),
                t._("who"),
            ],
            [
                (
                    *s.values.values(),
                    s.population,
                    s.selected,
                    num(s.expected, 1),
                    ", ".join(s.people),
                )
                for s in sel.strata
            ],
        )
    )
    if sel.missing_strata:
        missing = t.n_(
            "%(n)s stratum has nobody in the group",
            "%(n)s strata have nobody in the group",
            len(sel.missing_strata),
        )
        console.print(
            f"[yellow]{escape(missing)}[/yellow]: "
            + escape(t._("the size is below the number of strata"))
        )
    if out is not None:
        console.print(escape(t._("pilot ratings file for the group written to %(path)s", path=out)))


@pilot_app.command("simulate")
def pilot_simulate(
    model_path: Path = typer.Argument(..., metavar="MODEL", help=N_("The model file.")),
    workforce_path: Path = typer.Argument(
        None, metavar="WORKFORCE", help=N_("The people (or --store)."), show_default=False
    ),
    out: Path = typer.Option(..., "--out", "-o", help=N_("Pilot ratings file to write.")),
    store: str = WorkforceStoreOption,
    feedback_out: Path = typer.Option(None, "--feedback-out", help=N_("Feedback file to write.")),
    size: int = typer.Option(10, "--size", "-n", help=N_("Pilot group size.")),
    seed: int = typer.Option(0, help=N_("Random seed.")),
    too_broad: str = typer.Option(
        "problem-solving", help=N_("The competency raters read differently ('' for none).")
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Simulate a pilot with seeded synthetic raters (one competency deliberately too broad)."""
    from competency_core.analytics.feedback import FeedbackFile, save_feedback_file
    from competency_core.analytics.ratings import save_pilot_data
    from competency_core.analytics.simulate import SimulationSettings, simulate_pilot

    model = load_model_or_fail(model_path, fmt)
    wf = _workforce(workforce_path, store, model, fmt)
    sim = simulate_pilot(
        model,
        wf,
        size=size,
        seed=seed,
        settings=SimulationSettings(too_broad=too_broad or None),
    )
    save_pilot_data(sim.data, out)
    if feedback_out is not None:
        save_feedback_file(FeedbackFile(model=model.key, submissions=sim.feedback), feedback_out)
    result = {
        "participants": list(sim.selection.people),
        "ratings": len(sim.data.ratings),
        "feedback": len(sim.feedback),
        "out": str(out),
        "feedback_out": str(feedback_out) if feedback_out else None,
    }
    if fmt == OutputFormat.JSON:
        emit_json(result)
    else:
        t = cli_tr()
        line = t.n_(
            "%(n)s rating of %(people)s people written to %(path)s",
            "%(n)s ratings of %(people)s people written to %(path)s",
            len(sim.data.ratings),
            people=len(sim.selection.people),
            path=out,
        )
        if feedback_out:
            line += "; " + t._("feedback to %(path)s", path=feedback_out)
        console.print(escape(line))


@pilot_app.command("report")
def pilot_report(
    model_path: Path = typer.Argument(..., metavar="MODEL", help=N_("The model file.")),
    ratings_path: Path = typer.Argument(..., metavar="RATINGS", help=N_("The pilot ratings file.")),
    out: Path = typer.Option(
        Path("pilot-report"), "--out", "-o", help=N_("Folder for the report and its charts.")
    ),
    feedback: list[Path] = typer.Option(None, "--feedback", help=N_("A feedback file (repeat).")),
    store: str = StoreOption,
    threshold: list[str] = typer.Option(
        None, "--threshold", "-t", help=N_("Change a flag threshold: NAME=VALUE (repeat).")
    ),
    fail_on_flags: bool = typer.Option(False, help=N_("Exit 1 when a competency is flagged.")),
    language: str = typer.Option(
        None,
        "--language",
        "-l",
        help=N_("The report's language (its wording and the model's texts); default: English."),
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Analyse a pilot: rater agreement, self vs manager gaps, item flags, feedback; write the report."""
    from competency_core.analytics.feedback import FeedbackPhase, load_feedback, load_feedback_file
    from competency_core.analytics.ratings import AnalyticsError, load_pilot_data
    from competency_core.analytics.report import build_pilot_report, write_pilot_report

    model = load_model_or_fail(model_path, fmt)
    thresholds = _thresholds(threshold)
    try:
        data = load_pilot_data(ratings_path, model)
    except ModelValidationError as exc:
        fail(
            exc.problems,
            fmt,
            cli_tr()._("%(path)s: the pilot ratings file is invalid", path=ratings_path),
        )
    submissions: list[Any] = []
    for path in feedback or []:
        ff = load_feedback_file(path)
        if ff.model != model.key:
            raise AnalyticsError(
                cli_tr()._(
                    "%(path)s is feedback on model %(other)s, not %(model)s",
                    path=path,
                    other=repr(ff.model),
                    model=repr(model.key),
                )
            )
        submissions += ff.submissions
    if store is not None:
        from competency_core.store import Store

        with Store(store) as st:
            submissions += load_feedback(st, model.key, phase=FeedbackPhase.PILOT)
    report = build_pilot_report(
        model, data, feedback=submissions, thresholds=thresholds, language=language
    )
    files = write_pilot_report(report, out)
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "report": json.loads(files.json.read_text(encoding="utf-8")),
                "files": {
                    "markdown": str(files.markdown),
                    "html": str(files.html),
                    "json": str(files.json),
                    "charts": [str(c) for c in files.charts],
                },
            }
        )
    else:
        s = report.summary
        t = cli_tr()
        console.print(
            escape(
                t._(
                    "%(participants)s participants, %(answers)s answers (%(rated)s levels, "
                    "%(cannot)s cannot rate, %(blank)s blank)",
                    participants=s.participants,
                    answers=s.answers,
                    rated=s.rated,
                    cannot=s.cannot_rate,
                    blank=s.missing,
                )
            )
        )
        if report.findings:
            console.print(
                simple_table(
                    t.n_(
                        "%(n)s flagged competency",
                        "%(n)s flagged competencies",
                        len(report.findings),
                    ),
                    [t._("competency"), t._("may be"), t._("flags")],
                    [
                        (
                            f.name,
                            ", ".join(_concern(c) for c in f.concerns),
                            ", ".join(_flag(k) for k in f.flags),
                        )
                        for f in report.findings
                    ],
                )
            )
        else:
            console.print("[green]" + escape(t._("no competency flagged")) + "[/green]")
        console.print(escape(_written(files.html)))
    if fail_on_flags and report.findings:
        raise typer.Exit(EXIT_FINDINGS)


def _concern(value: Any) -> str:
    from competency_core.analytics.report import CONCERN_TEXT

    return cli_tr()._(CONCERN_TEXT[value]) if value in CONCERN_TEXT else str(value)


def _flag(kind: Any) -> str:
    from competency_core.analytics.report import FLAG_TEXT

    key = str(getattr(kind, "value", kind))
    return cli_tr()._(FLAG_TEXT[key]) if key in FLAG_TEXT else key


def _field(name: str) -> str:
    from competency_core.analytics.report import FIELDS

    return cli_tr()._(FIELDS[name]) if name in FIELDS else name


def _written(html: Path) -> str:
    return cli_tr()._("report written to %(path)s (also .md and .json)", path=html)


@commands.command()
def monitor(
    model_path: Path = typer.Argument(..., metavar="MODEL", help=N_("The model file.")),
    workforce_path: Path = typer.Argument(
        None,
        metavar="WORKFORCE",
        help=N_("People, assessments and assignments (or --store)."),
        show_default=False,
    ),
    store: str = WorkforceStoreOption,
    on: str = typer.Option(None, help=N_("Report date, YYYY-MM-DD (default: today).")),
    period: Period = typer.Option(Period.QUARTER, help=N_("Length of a period.")),
    periods: int = typer.Option(
        4, help=N_("How many periods to show, ending with the current one.")
    ),
    coverage_window: Period = typer.Option(
        None, help=N_("How far back 'assessed recently' looks (default: one period).")
    ),
    out: Path = typer.Option(
        Path("monitoring-report"), "--out", "-o", help=N_("Folder for the report and its charts.")
    ),
    language: str = typer.Option(
        None,
        "--language",
        "-l",
        help=N_("The report's language (its wording and the model's name); default: English."),
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Adoption and use of a released model: coverage, use per period, trends, readiness."""
    from competency_core.analytics.monitoring import monitor as run_monitor
    from competency_core.analytics.ratings import AnalyticsError
    from competency_core.analytics.report import write_monitoring_report

    model = load_model_or_fail(model_path, fmt)
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise AnalyticsError(
            cli_tr()._("--on takes a date as YYYY-MM-DD (got %(value)s)", value=repr(on))
        ) from None
    wf = _workforce(workforce_path, store, model, fmt, on=day)
    report = run_monitor(
        model, wf, on=day, period=period, periods=periods, coverage_window=coverage_window
    )
    files = write_monitoring_report(
        report, out, model_name=model.text(model.name, language), language=language
    )
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "report": report.model_dump(mode="json"),
                "files": {
                    "markdown": str(files.markdown),
                    "html": str(files.html),
                    "json": str(files.json),
                },
            }
        )
        return
    c = report.coverage
    t = cli_tr()
    console.print(
        escape(
            t._(
                "roles with a profile: %(with_profile)s/%(in_use)s; people assessed since "
                "%(since)s: %(assessed)s/%(people)s",
                with_profile=c.roles_with_profile,
                in_use=c.roles_in_use,
                since=c.assessed_since,
                assessed=c.people_assessed,
                people=c.people,
            )
        )
    )
    from competency_core.analytics.report import PER_PERIOD

    console.print(
        simple_table(
            t._("use %(per_period)s", per_period=t._(PER_PERIOD[period.value])),
            [
                t._("period"),
                t._("assessments"),
                t._("people"),
                t._("plans"),
                t._("learning"),
                t._("completed"),
            ],
            [
                (
                    u.label,
                    u.assessments,
                    u.people_assessed,
                    u.development_plans,
                    u.learning_assignments,
                    u.learning_completed,
                )
                for u in report.usage
            ],
        )
    )
    console.print(escape(_written(files.html)))


# -- demo --------------------------------------------------------------------------------

DEMO_TOO_BROAD = "problem-solving"
DEMO_SEED = 2


@demo_step(70, "Pilot: a simulated pilot with one competency made too broad, analysed", STEPS)
def _demo_pilot(ctx: DemoContext) -> None:
    from competency_core.analytics.feedback import FeedbackPhase, load_feedback, store_feedback
    from competency_core.analytics.ratings import AnalyticsError, save_pilot_data
    from competency_core.analytics.report import build_pilot_report, write_pilot_report
    from competency_core.analytics.simulate import SimulationSettings, simulate_pilot
    from competency_core.store import Store

    model = ctx.model("software-engineering")
    sim = simulate_pilot(
        model,
        ctx.workforce("people", "software-engineering"),
        size=10,
        seed=DEMO_SEED,
        settings=SimulationSettings(too_broad=DEMO_TOO_BROAD),
    )
    folder = ctx.out / "pilot"
    save_pilot_data(sim.data, folder / "pilot-ratings.yaml")
    store_path = ctx.state.get("store_path") or str(ctx.out / "competency.sqlite3")
    with Store(store_path) as store:
        stored = store_feedback(store, sim.feedback)
        ids = {f.id for f in stored}
        feedback = [
            f
            for f in load_feedback(store, model.key, phase=FeedbackPhase.PILOT)
            if f.id in ids  # this run's records (an earlier run may have stored some too)
        ]
    console.print(
        f"pilot group of {sim.selection.size} (seed {DEMO_SEED}), "
        f"{sim.selection.represented}/{len(sim.selection.strata)} strata; "
        f"{len(sim.data.ratings)} ratings; {len(stored)} feedback records stored"
    )
    report = build_pilot_report(
        model, sim.data, selection=sim.selection, feedback=feedback, on=sim.settings.date
    )
    files = write_pilot_report(report, folder)
    console.print(
        simple_table(
            "flagged competencies",
            ["competency", "may be", "flags"],
            [
                (
                    f.name,
                    ", ".join(_concern(c) for c in f.concerns),
                    ", ".join(k.value for k in f.flags),
                )
                for f in report.findings
            ],
        )
    )
    found = report.finding(DEMO_TOO_BROAD)
    if found is None or not found.flags:
        raise AnalyticsError(f"the simulated pilot did not flag {DEMO_TOO_BROAD!r}")
    console.print(
        f"[green]flagged[/green] the deliberately too-broad competency "
        f"[bold]{found.name}[/bold]: {', '.join(k.value for k in found.flags)}"
    )
    ctx.record("pilot report (HTML)", files.html)
    ctx.record("pilot report (Markdown)", files.markdown)
    ctx.record("pilot report (JSON)", files.json)
    ctx.record("pilot ratings (simulated)", folder / "pilot-ratings.yaml")


@demo_step(71, "Monitoring: adoption, use per month and readiness per domain", STEPS)
def _demo_monitor(ctx: DemoContext) -> None:
    from competency_core.analytics.monitoring import monitor as run_monitor
    from competency_core.analytics.report import write_monitoring_report
    from competency_core.scoring.plans import plan_for_person

    model = ctx.model("software-engineering")
    wf = ctx.workforce("people", "software-engineering")
    # a development plan for each person the day they were first assigned learning
    first: dict[str, dt.date] = {}
    for la in sorted(wf.assignments, key=lambda a: a.assigned):
        first.setdefault(la.person, la.assigned)
    plans = [plan_for_person(model, wf, person, on=day) for person, day in first.items()]
    report = run_monitor(
        model,
        wf,
        on=dt.date(2026, 6, 30),
        period=Period.MONTH,
        periods=6,
        plans=plans,
        coverage_window=Period.YEAR,
    )
    files = write_monitoring_report(
        report, ctx.out / "monitoring", model_name=model.text(model.name)
    )
    c = report.coverage
    console.print(
        f"roles with a profile {c.roles_with_profile}/{c.roles_in_use}; people assessed in the "
        f"last year {c.people_assessed}/{c.people}; "
        + ", ".join(f"{t.series} {t.direction}" for t in report.trends)
    )
    ctx.record("monitoring report (HTML)", files.html)
    ctx.record("monitoring report (JSON)", files.json)


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS


__all__ = ["monitor", "pilot_app"]
