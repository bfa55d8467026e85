"""``competency expiring``: whose levels lapse within a horizon, and what that does to readiness.

The people come from a workforce file (``--people``) or the store (``--store``, read as
of ``--on``; see :mod:`competency_core.cli.workforce_source`). The forecast is
:func:`competency_core.scoring.currency.expiring`. Only typer and the console are
imported here; the scoring is imported when the command runs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from competency_core.cli.workforce_source import PeopleOption, StoreOption, load_people
from competency_core.console import (
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    escape,
    num,
    pct,
    reported,
    simple_table,
)
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.errors import CompetencyError
from competency_core.hookspecs import hookimpl
from competency_core.i18n import N_
from competency_core.scoring.choices import Aggregation, UnassessedPolicy

if TYPE_CHECKING:
    from competency_core.scoring.currency import CurrencyForecast, CurrencyGroup, LapsingEvidence

commands = typer.Typer()
STEPS: list[DemoStep] = []

DAYS_PER_UNIT = {"": 1, "d": 1, "w": 7, "m": 30}
"""Days in a unit of ``--within``: days, weeks, and months counted as 30 days."""

_HORIZON = re.compile(r"^\s*(\d+)\s*([dwm]?)\s*$", re.IGNORECASE)


def parse_within(value: str) -> int:
    """The horizon in days: ``90d``, ``12w``, ``6m`` (a month is 30 days) or ``90``.

    >>> parse_within("90d"), parse_within("12w"), parse_within("6m"), parse_within("45")
    (90, 84, 180, 45)
    """
    found = _HORIZON.match(value)
    if found is None:
        raise typer.BadParameter(
            cli_tr()._(
                "%(value)s is not a horizon: give days (90d or 90), weeks (12w) or months "
                "(6m, a month counted as 30 days)",
                value=repr(value),
            ),
            param_hint="'--within'",
        )
    return int(found.group(1)) * DAYS_PER_UNIT[found.group(2).lower()]


def _pct(value: float | None) -> str:
    return pct(value)


def _level(value: float | None) -> str:
    return num(value)


def _ready(value: bool | None) -> str:
    if value is None:
        return "-"
    return cli_tr()._("ready") if value else cli_tr()._("not ready")


def _group_rows(groups: tuple[CurrencyGroup, ...]) -> list[tuple[str, ...]]:
    return [
        (
            g.key or "-",
            str(g.people),
            str(g.lapses),
            str(g.lose_readiness),
            ", ".join(f"{c.competency} ({c.lapses})" for c in g.competencies[:3]),
        )
        for g in groups
    ]


def _what(e: LapsingEvidence) -> str:
    """A lapsing piece in the table: its rater type, or its kind and name."""
    if e.kind == "assessment" and e.rater_type is not None:
        return e.rater_type.value
    return f"{e.kind} {e.name}" if e.name else e.kind


def _print(forecast: CurrencyForecast) -> None:
    f = forecast
    t = cli_tr()
    console.print(
        "[bold]"
        + escape(t._("Lapsing between %(on)s and %(until)s", on=f.on, until=f.until))
        + "[/bold] "
        + escape(
            t.n_("(%(n)s day):", "(%(n)s days):", f.within)
            + " "
            + t.n_(
                "%(n)s level of %(people)s of %(considered)s people;",
                "%(n)s levels of %(people)s of %(considered)s people;",
                len(f.lapses),
                people=len(f.people),
                considered=f.considered,
            )
            + " "
            + t.n_(
                "%(n)s loses readiness for their role",
                "%(n)s lose readiness for their role",
                len(f.losing_readiness),
            )
        )
    )
    if not f.people:
        return
    rows = [
        (
            p.person,
            x.competency,
            x.expires.isoformat(),
            ", ".join(_what(e) for e in x.evidence),
            f"{_level(x.level_before)} -> {_level(x.level_after)}",
            f"{_pct(p.readiness_today)} -> {_pct(p.readiness_after)}",
            ("[red]" + escape(t._("loses readiness")) + "[/red]")
            if p.loses_readiness
            else _ready(p.ready_after),
        )
        for p in f.people
        for x in p.lapses
    ]
    console.print(
        simple_table(
            None,
            [
                t._("person"),
                t._("competency"),
                t._("expires"),
                t._("evidence"),
                t._("level"),
                t._("readiness"),
                t._("after"),
            ],
            rows,
        )
    )
    columns = [
        t._("people"),
        t._("lapses"),
        t._("lose readiness"),
        t._("competencies (most lapses)"),
    ]
    console.print(simple_table(t._("By team"), [t._("team"), *columns], _group_rows(f.by_team)))
    console.print(simple_table(t._("By role"), [t._("role"), *columns], _group_rows(f.by_role)))


@commands.command("expiring")
def expiring_command(
    model: Path = typer.Argument(..., help=N_("The model file (YAML or JSON).")),
    people: Path = PeopleOption,
    store: str = StoreOption,
    within: str = typer.Option(
        ...,
        "--within",
        help=N_("The horizon: 90d, 12w, 6m (a month is 30 days) or a number of days."),
    ),
    on: dt.datetime = typer.Option(
        None, "--on", formats=["%Y-%m-%d"], help=N_("Forecast from this day (default: today).")
    ),
    team: str = typer.Option(None, "--team", help=N_("Only the people of this team.")),
    role: str = typer.Option(None, "--role", "-r", help=N_("Only the people in this role.")),
    unassessed: UnassessedPolicy = typer.Option(
        UnassessedPolicy.MINIMUM,
        "--unassessed",
        help=N_("What an unassessed requirement counts as."),
    ),
    aggregate: Aggregation = typer.Option(
        Aggregation.LATEST, "--aggregate", help=N_("How several ratings of one competency combine.")
    ),
    threshold: float = typer.Option(
        0.8, "--threshold", min=0.0, max=1.0, help=N_("Readiness from which someone is ready.")
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Whose levels lapse within a horizon (expiring ratings and certifications), per team and role.

    A rating counts up to its expiry day, a certification or badge up to its valid_until. Each lapsing level is resolved again on the day
    it lapses (another current rating takes over), and each person's readiness for their
    current role is compared on --on and the day after the horizon.
    """
    days = parse_within(within)
    from competency_core.cli.core import load_model_or_fail
    from competency_core.scoring.currency import expiring
    from competency_core.scoring.policy import ScoringPolicy

    m = load_model_or_fail(model, fmt)
    wf = load_people(m, people, store, fmt, on=on)
    assert wf is not None  # required: load_people ends the command without people
    day = on.date() if on else dt.date.today()
    with reported(fmt):
        policy = ScoringPolicy(
            unassessed=unassessed, aggregation=aggregate, ready_threshold=threshold
        )
        forecast = expiring(m, wf, on=day, within=days, policy=policy, team=team, role=role)
    if fmt == OutputFormat.JSON:
        data = forecast.model_dump(mode="json")
        data["losing_readiness"] = list(forecast.losing_readiness)
        emit_json(data)
        return
    _print(forecast)


# -- demo step -------------------------------------------------------------------------

_DEMO_ON = dt.date(2026, 4, 1)
"""The scoring demo steps' date (``competency_core.cli.scoring``)."""


@demo_step(34, "Currency: whose levels lapse in the next 12 months", STEPS)
def _demo_expiring(ctx: DemoContext) -> None:
    # Within 90 days of the demo date nothing in the examples lapses; within 12 months
    # five certifications do (Hannah's CSSLP and Ravi's CKA among them), and one costs its
    # holder readiness.
    from competency_core.cli import build_app

    args = [
        "expiring",
        str(ctx.examples / "software-engineering.yaml"),
        "-p",
        str(ctx.examples / "people.yaml"),
        "--within",
        "12m",
        "--on",
        _DEMO_ON.isoformat(),
    ]
    console.print(f"[dim]$ competency {' '.join(args)}[/dim]")
    code = build_app()(args=args, prog_name="competency", standalone_mode=False)
    if isinstance(code, int) and code:
        raise CompetencyError(cli_tr()._("competency expiring failed (exit %(code)s)", code=code))


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the ``expiring`` command."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The currency demo step."""
    return STEPS
