"""``competency explain``: why a person has the level they have on a competency.

The level comes from the model's evidence rules (:mod:`competency_core.scoring.rules`);
the explanation names the rule and how it decided, the confidence, every piece of
evidence it used and every piece it ignored with the reason (expired, superseded,
outranked, not needed...), the notes (e.g. the any-of paths not met), and for a roll-up
the children's explanations. The people come from a workforce file (``--people``) or the
store (``--store``; see :mod:`competency_core.cli.workforce_source`).

The text helpers here (:func:`print_explanation`, :func:`short_why`) also serve
``gap``, ``plan`` and ``readiness --explain``. Only typer and the console are imported at
the top; the scoring is imported when a command runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core import wording
from competency_core.cli.workforce_source import PeopleOption, StoreOption, load_people
from competency_core.console import (
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    did_you_mean,
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
from competency_core.scoring.choices import Aggregation

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.scoring.policy import ScoringPolicy
    from competency_core.scoring.rules import Explanation, Weighed

commands = typer.Typer()
STEPS: list[DemoStep] = []


# -- text -----------------------------------------------------------------------------------


def _level_text(exp: Explanation) -> str:
    t = cli_tr()
    if exp.level is None:
        return t._("unassessed")
    text = t._("level %(level)s", level=num(exp.level))
    return text + (f" ({exp.label})" if exp.label else "")


def _confidence(exp: Explanation) -> str:
    if exp.confidence is None:
        return ""
    return ", " + cli_tr()._("confidence %(share)s", share=pct(exp.confidence))


EVIDENCE_KINDS = {
    "certification": N_("certification"),
    "badge": N_("badge"),
    "xapi": N_("xAPI statement"),
}
"""Kinds of evidence named in words (translated where used)."""


def describe_piece(w: Weighed, *, source: bool = True) -> str:
    """One piece of evidence in words: 'manager rating 4 by priya-raman on 2026-03-16'."""
    t = cli_tr()
    e = w.evidence
    kind = str(e.kind)
    if kind == "rating":
        rater = str(e.rater_type)
        text = t._(
            "%(rater)s rating %(level)s",
            rater=wording.rater_type(t, rater),
            level=e.level,
        )
    elif kind == "course":
        text = t._("course %(resource)s completed", resource=e.resource)
    else:
        text = t._(EVIDENCE_KINDS[kind]) if kind in EVIDENCE_KINDS else kind
        if e.name:
            text += f" {e.name!r}"
        if e.level is not None:
            text += " " + t._("level %(level)s", level=e.level)
    if e.asserted_by:
        text += " " + t._("by %(who)s", who=e.asserted_by)
    text += " " + t._("on %(date)s", date=e.date)
    if e.valid_until is not None:
        text += ", " + t._("valid until %(date)s", date=e.valid_until)
    if source and e.source and e.source != "assessment":
        text += " " + t._("(source: %(source)s)", source=e.source)
    return text


def short_why(exp: Explanation) -> str:
    """The rule and what decided, in one line.

    'precedence, the latest piece: manager rating 4 by ... on 2026-03-16', 'any-of, path
    certified: certification ...', 'roll-up, all 2 children: the lowest (hiring 4, ...)'.
    """
    if exp.level is None:
        return f"{exp.rule}: {exp.detail}" if exp.detail else exp.rule
    if exp.children:
        kids = ", ".join(
            f"{c.competency} {'-' if c.level is None else format(c.level, 'g')}"
            for c in exp.children
        )
        return f"{exp.rule}, {exp.detail} ({kids})"
    if exp.rule == "precedence":
        how = exp.detail.split(":", 1)[0]
    elif exp.rule == "any-of":
        how = cli_tr()._("path %(path)s", path=exp.detail)
    else:
        how = exp.detail
    head = f"{exp.rule}, {how}" if how else exp.rule
    if not exp.used:
        return head
    extra = len(exp.used) - 1
    more = " " + cli_tr().n_("(and %(n)s more)", "(and %(n)s more)", extra) if extra else ""
    return f"{head}: {describe_piece(exp.used[0], source=False)}{more}"


def _lines(exp: Explanation, indent: str, title: str) -> list[str]:
    t = cli_tr()
    out = [
        f"{indent}{title}: [bold]{escape(_level_text(exp))}[/bold]{escape(_confidence(exp))}",
        f"{indent}  " + escape(t._("rule %(rule)s: %(detail)s", rule=exp.rule, detail=exp.detail)),
    ]
    if exp.used:
        out.append(f"{indent}  " + escape(t._("used:")))
        out += [f"{indent}    - {escape(describe_piece(w))}: {escape(w.note)}" for w in exp.used]
    if exp.ignored:
        out.append(f"{indent}  " + escape(t._("ignored:")))
        out += [
            f"{indent}    - {escape(describe_piece(w))}: [yellow]{escape(w.note)}[/yellow]"
            for w in exp.ignored
        ]
    if exp.notes:
        out.append(f"{indent}  " + escape(t._("notes:")))
        out += [f"{indent}    - {escape(n)}" for n in exp.notes]
    if exp.children:
        out.append(f"{indent}  " + escape(t._("children:")))
        for c in exp.children:
            out += _lines(c, indent + "    ", c.competency)
    return out


def print_explanation(exp: Explanation) -> None:
    """Print an explanation for people: level, rule, used and ignored evidence, children."""
    title = cli_tr()._(
        "%(person)s on %(competency)s, %(on)s",
        person=exp.person,
        competency=exp.competency,
        on=exp.on,
    )
    for line in _lines(exp, "", f"[bold]{escape(title)}[/bold]"):
        console.print(line)


# -- the command ----------------------------------------------------------------------------


def _check_keys(
    model: CompetencyModel, wf: Workforce, person: str | None, competency: str | None
) -> None:
    """Unknown person or competency: a message with the closest key (no traceback)."""
    if person is not None and person not in {p.key for p in wf.people}:
        keys = [p.key for p in wf.people]
        raise CompetencyError(
            cli_tr()._(
                "unknown person %(person)s%(hint)s: the people are %(keys)s",
                person=repr(person),
                hint=did_you_mean(person, keys),
                keys=", ".join(keys[:8]) + (", ..." if len(keys) > 8 else ""),
            )
        )
    if competency is not None and not model.has_competency(competency):
        keys = [c.key for c in model.competencies]
        raise CompetencyError(
            cli_tr()._(
                "unknown competency %(competency)s%(hint)s in model %(model)s "
                "(`competency show MODEL` lists them)",
                competency=repr(competency),
                hint=did_you_mean(competency, keys),
                model=repr(model.key),
            )
        )


def explain_all(
    model: CompetencyModel,
    wf: Workforce,
    *,
    people: list[str],
    competencies: list[str],
    aggregate: Aggregation,
    on: dt.date,
) -> list[Explanation]:
    """Every person's explanation on every competency asked for, person by person."""
    from competency_core.scoring import ScoringPolicy
    from competency_core.scoring.rules import explain_levels

    policy = ScoringPolicy(aggregation=aggregate)
    out: list[Explanation] = []
    for p in people:
        got = explain_levels(
            model,
            wf.evidence_of(p),
            policy=policy,
            on=on,
            person=p,
            competencies=competencies,
        )
        out += [got[c] for c in competencies if c in got]
    return out


def requirement_explanations(
    model: CompetencyModel,
    wf: Workforce,
    person: str,
    competencies: list[str],
    *,
    policy: ScoringPolicy,
    on: dt.date,
) -> dict[str, Explanation]:
    """Why ``person`` has each level ``competencies`` asks for (``--explain`` of gap, plan...)."""
    from competency_core.scoring.rules import explain_levels

    return explain_levels(
        model,
        wf.evidence_of(person),
        policy=policy,
        on=on,
        person=person,
        competencies=competencies,
    )


def _print_all(explanations: list[Explanation], on: dt.date) -> None:
    shown = [e for e in explanations if e.level is not None or e.used or e.ignored]
    rows = [
        (
            e.person,
            e.competency,
            "-" if e.level is None else num(e.level) + (f" ({e.label})" if e.label else ""),
            pct(e.confidence),
            short_why(e),
            str(len(e.ignored)),
        )
        for e in shown
    ]
    t = cli_tr()
    console.print(
        simple_table(
            t._("Why each level, on %(on)s", on=on),
            [
                t._("person"),
                t._("competency"),
                t._("level"),
                t._("confidence"),
                t._("rule and deciding evidence"),
                t._("ignored"),
            ],
            rows,
        )
    )
    bare = len(explanations) - len(shown)
    if bare:
        console.print(
            t.n_(
                "%(n)s pair without any evidence is left out (JSON lists them).",
                "%(n)s pairs without any evidence are left out (JSON lists them).",
                bare,
            )
        )


@commands.command("explain")
def explain_command(
    model: Path = typer.Argument(..., help=N_("The model file (YAML or JSON).")),
    people: Path = PeopleOption,
    store: str = StoreOption,
    person: str = typer.Option(None, "--person", help=N_("The person whose level to explain.")),
    competency: str = typer.Option(
        None, "--competency", "-c", help=N_("The competency whose level to explain.")
    ),
    everything: bool = typer.Option(
        False,
        "--all",
        help=N_(
            "Every person x every competency of the model (with --person: of that person; "
            "with --competency: everyone on it)."
        ),
    ),
    on: dt.datetime = typer.Option(
        None, "--on", formats=["%Y-%m-%d"], help=N_("The scoring date (default: today).")
    ),
    aggregate: Aggregation = typer.Option(
        Aggregation.LATEST,
        "--aggregate",
        help=N_("How the precedence rule combines several ratings of one competency."),
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Why a person has their level on a competency: the rule, the evidence used and ignored.

    The rule is the model's (its evidence section; precedence by default), the evidence
    the person's assessments, certifications, badges, completed courses and xAPI
    statements. Evidence not yet earned or expired on --on is listed as ignored.
    """
    if not everything and (person is None or competency is None):
        with reported(fmt):
            raise CompetencyError(
                "name a person and a competency (--person P --competency C), or use --all "
                "(everyone, or with --person every competency of one person)"
            )
    from competency_core.cli.core import load_model_or_fail

    m = load_model_or_fail(model, fmt)
    wf = load_people(m, people, store, fmt, on=on)
    assert wf is not None  # required: load_people ends the command without people
    day = on.date() if on else dt.date.today()
    with reported(fmt):
        _check_keys(m, wf, person, competency)
        found = explain_all(
            m,
            wf,
            people=[person] if person else sorted(p.key for p in wf.people),
            competencies=[competency] if competency else [c.key for c in m.competencies],
            aggregate=aggregate,
            on=day,
        )
    if not everything:
        if fmt == OutputFormat.JSON:
            emit_json(found[0].to_json())
        else:
            print_explanation(found[0])
        return
    if fmt == OutputFormat.JSON:
        data: dict[str, Any] = {
            "model": m.key,
            "on": day.isoformat(),
            "explanations": [e.to_json() for e in found],
        }
        emit_json(data)
        return
    _print_all(found, day)


# -- demo steps -------------------------------------------------------------------------

_DEMO_ON = dt.date(2026, 4, 1)
"""The scoring demo steps' date (``competency_core.cli.scoring``)."""


def _demo_explain(ctx: DemoContext, person: str, competency: str) -> None:
    from competency_core.cli import build_app

    args = [
        "explain",
        str(ctx.examples / "software-engineering.yaml"),
        "-p",
        str(ctx.examples / "people.yaml"),
        "--person",
        person,
        "--competency",
        competency,
        "--on",
        _DEMO_ON.isoformat(),
    ]
    console.print(f"[dim]$ competency {' '.join(args)}[/dim]")
    code = build_app()(args=args, prog_name="competency", standalone_mode=False)
    if isinstance(code, int) and code:
        raise CompetencyError(cli_tr()._("competency explain failed (exit %(code)s)", code=code))


@demo_step(
    35, "Why this level? A certification path decides, a manager rating is not needed", STEPS
)
def _demo_any_of(ctx: DemoContext) -> None:
    # The model decides secure development by any-of paths: Hannah's current CSSLP meets
    # "certified" (level 4); her manager's rating 3 is listed as not needed.
    _demo_explain(ctx, "hannah-schmidt", "secure-development")


@demo_step(36, "Why this level? People management rolls up from its children", STEPS)
def _demo_roll_up(ctx: DemoContext) -> None:
    # Daniel's people management is the lower of hiring (4) and performance coaching (3);
    # his own ratings on people management are ignored.
    _demo_explain(ctx, "daniel-kim", "people-management")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the ``explain`` command."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The explanation demo steps."""
    return STEPS
