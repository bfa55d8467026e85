"""``competency gap|fit|plan|readiness``: gap scoring, best fits, development plans, readiness.

Every command takes a model file and the people: a workforce file (``--people``, as
``examples/people.yaml``) or the store (``--store``, see
:mod:`competency_core.cli.workforce_source`), the scoring policy as options, and
``--format json``. Unknown people or roles, invalid files and assessments that cannot be
scored end with a clear message and exit code 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.cli.candidate_options import (
    AllReportsOption,
    AlongTransitionsOption,
    IncludeIncumbentsOption,
    ManagerOption,
    MovesOption,
    TeamOption,
    candidate_filter,
    filter_note,
)
from competency_core.cli.core import load_model_or_fail
from competency_core.cli.scale_run import (
    Engine,
    EngineOption,
    OutOption,
    ProgressOption,
    check_engine,
    check_out,
    one_line_errors,
    read_people,
    run_whole,
    top_matches,
)
from competency_core.cli.sync import AdapterOptions, with_adapter_options
from competency_core.cli.workforce_source import (
    PeopleOption,
    StoreOption,
    load_people,
    people_option,
)
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
from competency_core.scoring.candidates import CandidateFilter, Moves
from competency_core.scoring.choices import Aggregation, UnassessedPolicy

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.scoring import RoleScore, ScoringPolicy
    from competency_core.scoring.candidates import CandidatePool
    from competency_core.scoring.organisation import ReadinessStat
    from competency_core.scoring.plans import DevelopmentPlan
    from competency_core.scoring.ranking import Match
    from competency_core.scoring.rules import Explanation


commands = typer.Typer()
STEPS: list[DemoStep] = []


ModelArgument = typer.Argument(..., help=N_("The model file (YAML or JSON)."))
ScalePeopleOption = people_option(
    help=N_(
        "Workforce file: people, their assessments and learning assignments; with --engine "
        "also a table of levels (.parquet, .arrow, .feather, .csv: person, competency, level)."
    )
)
OnOption = typer.Option(
    None, "--on", formats=["%Y-%m-%d"], help=N_("Scoring date YYYY-MM-DD (default: today).")
)
UnassessedOption = typer.Option(
    UnassessedPolicy.MINIMUM,
    "--unassessed",
    help=N_("An unassessed requirement counts as the scale's minimum, or is left out (coverage)."),
)
AggregationOption = typer.Option(
    Aggregation.LATEST,
    "--aggregate",
    help=N_("Several ratings of one competency: the latest, the most trusted rater, or a blend."),
)
ThresholdOption = typer.Option(
    0.8, "--threshold", min=0.0, max=1.0, help=N_("Readiness from which someone is ready.")
)
LanguageOption = typer.Option(None, "--language", help=N_("Language of names and indicators."))
ExplainOption = typer.Option(
    False,
    "--explain",
    help=N_(
        "Say why each level is what it is: the evidence rule and the deciding evidence "
        "(JSON: each requirement's full explanation, as `competency explain` gives it)."
    ),
)


def _inputs(
    model: Path,
    people: Path | None,
    store: str | None,
    on: dt.datetime | None,
    fmt: OutputFormat,
) -> tuple[CompetencyModel, Workforce]:
    m = load_model_or_fail(model, fmt)
    wf = load_people(m, people, store, fmt, on=on)
    assert wf is not None  # required: load_people ends the command without people
    return m, wf


def _policy(
    unassessed: UnassessedPolicy, aggregate: Aggregation, threshold: float
) -> ScoringPolicy:
    from competency_core.scoring import ScoringPolicy

    return ScoringPolicy(unassessed=unassessed, aggregation=aggregate, ready_threshold=threshold)


def _day(on: dt.datetime | None) -> dt.date:
    return on.date() if on else dt.date.today()


def _explained(
    model: CompetencyModel,
    wf: Workforce,
    person: str,
    competencies: list[str],
    policy: ScoringPolicy,
    on: dt.date,
) -> dict[str, Explanation]:
    from competency_core.cli.explain import requirement_explanations

    return requirement_explanations(model, wf, person, competencies, policy=policy, on=on)


def _print_why(why: dict[str, Explanation], competencies: list[str], indent: str = "") -> None:
    """A short why per requirement: the rule and the deciding evidence."""
    from competency_core.cli.explain import short_why

    console.print(indent + escape(cli_tr()._("why (competency explain shows one in full):")))
    for ck in competencies:
        console.print(f"{indent}  {ck}: {escape(short_why(why[ck]))}")


def _pct(value: float | None) -> str:
    return pct(value)


def _level(value: float | None) -> str:
    return num(value)


def bold(text: str) -> str:
    """``text`` escaped, in bold (rich markup)."""
    return "[bold]" + escape(text) + "[/bold]"


def _yes(flag: bool, no: str = "") -> str:
    """``yes`` for True (in the CLI's language), ``no`` (or nothing) for False."""
    t = cli_tr()
    if flag:
        return t._("yes")
    return ("[red]" + t._("no") + "[/red]") if no else ""


def score_dict(model: CompetencyModel, s: RoleScore, language: str | None = None) -> dict[str, Any]:
    """A role score as the JSON object ``competency gap`` prints."""
    return {
        "person": s.person,
        "role": s.role,
        "on": s.on.isoformat(),
        "policy": s.policy.model_dump(mode="json"),
        "readiness": s.readiness,
        "gap": s.gap,
        "share_met": s.share_met,
        "coverage": s.coverage,
        "ready": s.ready,
        "unmet_essentials": list(s.unmet_essentials),
        "requirements": [
            {
                "competency": r.competency,
                "name": model.text(model.competency(r.competency).name, language),
                "required": r.required,
                "actual": r.actual,
                "assessed": r.assessed,
                "counted": r.counted,
                "gap": r.gap,
                "surplus": r.surplus,
                "weight": r.weight,
                "essential": r.essential,
                "met": r.met,
            }
            for r in s.requirements
        ],
        "biggest_gaps": [r.competency for r in s.gaps],
    }


@commands.command("gap")
def gap_command(
    model: Path = ModelArgument,
    people: Path = PeopleOption,
    store: str = StoreOption,
    person: str = typer.Option(..., "--person", help=N_("The person to score.")),
    role: str = typer.Option(
        None, "--role", "-r", help=N_("Score against this role (default: theirs).")
    ),
    unassessed: UnassessedPolicy = UnassessedOption,
    aggregate: Aggregation = AggregationOption,
    threshold: float = ThresholdOption,
    on: dt.datetime = OnOption,
    language: str = LanguageOption,
    explain: bool = ExplainOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """A person against a role: per requirement required and actual level, gap, met.

    With --explain, why each actual level is what it is (the evidence rule and the
    deciding evidence; `competency explain` shows one in full).
    """
    from competency_core.scoring import score_person

    m, wf = _inputs(model, people, store, on, fmt)
    why: dict[str, Explanation] = {}
    with reported(fmt):
        policy = _policy(unassessed, aggregate, threshold)
        s = score_person(m, wf, person, role, policy=policy, on=_day(on))
        if explain:
            why = _explained(m, wf, person, [r.competency for r in s.requirements], policy, s.on)
    if fmt == OutputFormat.JSON:
        data = score_dict(m, s, language)
        if explain:
            for req in data["requirements"]:
                req["explanation"] = why[req["competency"]].to_json()
        emit_json(data)
        return
    t = cli_tr()
    verdict = (
        ("[green]" + t._("ready") + "[/green]")
        if s.ready
        else ("[red]" + t._("not ready") + "[/red]")
    )
    console.print(
        t._(
            "%(person)s against %(role)s on %(on)s: %(verdict)s, readiness %(readiness)s, "
            "gap %(gap)s, %(met)s of requirements met, coverage %(coverage)s",
            person=bold(person),
            role=bold(s.role),
            on=s.on,
            verdict=verdict,
            readiness=_pct(s.readiness),
            gap=num(s.gap, 2),
            met=_pct(s.share_met),
            coverage=_pct(s.coverage),
        )
    )
    unassessed_note = " " + t._("(unassessed)")
    rows = [
        (
            r.competency,
            r.required,
            _level(r.actual) + ("" if r.assessed else unassessed_note),
            num(r.gap, 2),
            _yes(r.essential),
            _yes(r.met, no="no"),
        )
        for r in s.requirements
    ]
    console.print(
        simple_table(
            None,
            [
                t._("competency"),
                t._("required"),
                t._("actual"),
                t._("gap"),
                t._("essential"),
                t._("met"),
            ],
            rows,
        )
    )
    if s.unmet_essentials:
        console.print(
            escape(
                t._("unmet essential requirements: %(keys)s", keys=", ".join(s.unmet_essentials))
            )
        )
    if s.gaps:
        console.print(
            escape(
                t._("biggest gaps first: %(keys)s", keys=", ".join(g.competency for g in s.gaps))
            )
        )
    if explain:
        _print_why(why, [r.competency for r in s.requirements])


@commands.command("fit")
def fit_command(
    model: Path = ModelArgument,
    people: Path = ScalePeopleOption,
    store: str = StoreOption,
    person: str = typer.Option(None, "--person", help=N_("The roles that fit this person best.")),
    role: str = typer.Option(None, "--role", "-r", help=N_("The people who fit this role best.")),
    top: int = typer.Option(10, "--top", "-k", min=1, help=N_("How many to show.")),
    include_incumbents: bool = IncludeIncumbentsOption,
    moves: Moves = MovesOption,
    along_transitions: bool = AlongTransitionsOption,
    team: list[str] = TeamOption,
    manager: str = ManagerOption,
    all_reports: bool = AllReportsOption,
    unassessed: UnassessedPolicy = UnassessedOption,
    aggregate: Aggregation = AggregationOption,
    threshold: float = ThresholdOption,
    on: dt.datetime = OnOption,
    engine: Engine = EngineOption,
    out: Path = OutOption,
    progress: bool = ProgressOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Best fits: the top roles for a person (--person) or the top people for a role (--role).

    Ready first, then by readiness; everyone is scored against every role at once. For a
    role, the people who hold it are left out (--include-incumbents keeps them), and
    --moves, --along-transitions, --team and --manager narrow who is considered.

    With --engine the scoring runs on that engine; with neither --person nor --role it
    keeps the best roles of everyone and the best candidates of every role, written with
    --out FILE (docs/scale.md).
    """
    from competency_core.scoring import readiness_matrix
    from competency_core.scoring.candidates import best_candidates

    if engine is not None or out is not None:
        wanted = candidate_filter(
            include_incumbents, moves, along_transitions, team, manager, all_reports
        )
        _fit_on_engine(
            model, people, store, engine or Engine.MEMORY, person, role, top, wanted, out,
            progress, _policy(unassessed, aggregate, threshold), on, fmt,
        )  # fmt: skip
        return
    if progress is not None:
        with reported(fmt):
            raise CompetencyError(cli_tr()._("--progress goes with --engine or --out"))
    m, wf = _inputs(model, people, store, on, fmt)
    with reported(fmt):
        if (person is None) == (role is None):
            raise CompetencyError(
                cli_tr()._("name a person (--person KEY) or a role (--role KEY), not both")
            )
        policy = _policy(unassessed, aggregate, threshold)
        wanted = candidate_filter(
            include_incumbents, moves, along_transitions, team, manager, all_reports
        )
        pool = None
        if person is not None:
            if wanted != CandidateFilter(include_incumbents=include_incumbents):
                raise CompetencyError(
                    cli_tr()._(
                        "--moves, --along-transitions, --team and --manager choose people for "
                        "a role: use them with --role"
                    )
                )
            wf.person(person)
            matrix = readiness_matrix(m, wf, policy=policy, on=_day(on))
            matches, day = matrix.top_roles(person, top), matrix.on
        else:
            shortlist = best_candidates(
                m, wf, role, candidate_filter=wanted, k=top, policy=policy, on=_day(on)
            )
            matches, day, pool = shortlist.matches, shortlist.on, shortlist.pool
    _print_fits(
        person, role, policy, day, pool, matches, fmt,
        lambda x: m.text(m.role(x).title), lambda x: wf.person(x).name,
    )  # fmt: skip


def _fit_on_engine(
    model: Path,
    people: Path | None,
    store: str | None,
    engine: Engine,
    person: str | None,
    role: str | None,
    top: int,
    wanted: CandidateFilter,
    out: Path | None,
    progress: bool | None,
    policy: ScoringPolicy,
    on: dt.datetime | None,
    fmt: OutputFormat,
) -> None:
    """``fit --engine``: one person's roles, one role's candidates, or everyone (``--out``)."""
    from competency_core.scoring.candidates import select_candidates

    m = load_model_or_fail(model, fmt)
    with one_line_errors(fmt):
        if person is not None and role is not None:
            raise CompetencyError(
                cli_tr()._("name a person (--person KEY) or a role (--role KEY), not both")
            )
        check_out(out)
        check_engine(engine)
        if person is None and role is None:
            if wanted != CandidateFilter(include_incumbents=wanted.include_incumbents):
                raise CompetencyError(
                    cli_tr()._(
                        "--moves, --along-transitions, --team and --manager choose people for "
                        "a role: use them with --role"
                    )
                )
            source = read_people(m, people, store, engine, fmt, on)
            run_whole(
                engine, m, source, policy=policy, on=_day(on), k=top, out=out, fmt=fmt,
                progress=progress,
            )  # fmt: skip
            return
        if out is not None:
            raise CompetencyError(
                cli_tr()._("--out writes everyone's best fits: leave out --person and --role")
            )
        source = read_people(m, people, store, engine, fmt, on, workforce=True)
        pool = None
        if person is not None:
            if wanted != CandidateFilter(include_incumbents=wanted.include_incumbents):
                raise CompetencyError(
                    cli_tr()._(
                        "--moves, --along-transitions, --team and --manager choose people for "
                        "a role: use them with --role"
                    )
                )
            if source.workforce is not None:
                source.workforce.person(person)
            result = top_matches(
                engine, m, source, policy=policy, on=_day(on), k=top, only_people=[person]
            )
            matches = result.top_roles(person)
        else:
            assert role is not None
            m.role(role)
            only = None
            if source.workforce is not None:
                pool = select_candidates(m, source.workforce, role, wanted)
                only = list(pool.kept)
            elif wanted != CandidateFilter():
                raise CompetencyError(
                    cli_tr()._(
                        "a table of levels has no roles or teams: --include-incumbents, "
                        "--moves, --along-transitions, --team and --manager need a workforce "
                        "file or the store"
                    )
                )
            result = top_matches(
                engine, m, source, policy=policy, on=_day(on), k=top, roles=[role],
                only_people=only,
            )  # fmt: skip
            matches = result.top_candidates(role)
    wf = source.workforce

    def person_name(key: str) -> str:
        return wf.person(key).name if wf is not None else key

    _print_fits(
        person, role, policy, result.on, pool, matches, fmt,
        lambda x: m.text(m.role(x).title), person_name,
    )  # fmt: skip


def _print_fits(
    person: str | None,
    role: str | None,
    policy: ScoringPolicy,
    day: dt.date,
    pool: CandidatePool | None,
    matches: Sequence[Match],
    fmt: OutputFormat,
    role_title: Callable[[str], str],
    person_name: Callable[[str], str],
) -> None:
    """What ``fit`` prints: the matches as JSON or as a table, with the filters' note."""
    items = [x.model_dump(mode="json") for x in matches]
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "person" if person else "role": person or role,
                "on": day.isoformat(),
                "policy": policy.model_dump(mode="json"),
                **({"filters": pool.to_dict()} if pool is not None else {}),
                "matches": items,
            }
        )
        return
    t = cli_tr()
    title = (
        t.n_(
            "The best %(n)s role for %(person)s on %(on)s",
            "The best %(n)s roles for %(person)s on %(on)s",
            len(items),
            person=person,
            on=day,
        )
        if person
        else t.n_(
            "The best %(n)s person for %(role)s on %(on)s",
            "The best %(n)s people for %(role)s on %(on)s",
            len(items),
            role=role,
            on=day,
        )
    )

    def name_of(x: dict[str, Any]) -> str:
        return role_title(x["role"]) if person else person_name(x["person"])

    rows = [
        (
            x["rank"],
            x["role"] if person else x["person"],
            name_of(x),
            _pct(x["readiness"]),
            num(x["gap"], 2),
            _pct(x["share_met"]),
            _pct(x["coverage"]),
            ("[green]" + t._("ready") + "[/green]") if x["ready"] else "",
        )
        for x in items
    ]
    console.print(
        simple_table(
            title,
            [
                "#",
                t._("role") if person else t._("person"),
                t._("name"),
                t._("readiness"),
                t._("gap"),
                t._("met"),
                t._("coverage"),
                "",
            ],
            rows,
        )
    )
    if pool is not None:
        console.print(filter_note(pool))


class CostBasisChoice(StrEnum):
    """What the choice of learning resources minimises."""

    HOURS = "hours"
    COST = "cost"
    COUNT = "count"


def plan_dict(plan: DevelopmentPlan, why: dict[str, Explanation] | None = None) -> dict[str, Any]:
    """A development plan as the JSON object ``competency plan`` prints.

    With ``why`` (``--explain``), each item carries its level's explanation.
    """
    data = plan.model_dump(mode="json", exclude={"score"})
    data["readiness"] = plan.score.readiness
    data["ready"] = plan.score.ready
    if why is not None:
        for item in data["items"]:
            item["explanation"] = why[item["competency"]].to_json()
    return data


@commands.command("plan")
@with_adapter_options
def plan_command(
    model: Path = ModelArgument,
    people: Path = PeopleOption,
    store: str = StoreOption,
    person: str = typer.Option(None, "--person", help=N_("The person to plan for.")),
    everyone: bool = typer.Option(
        False, "--all", help=N_("Plan for everyone with a current role (towards it).")
    ),
    role: str = typer.Option(
        None, "--role", "-r", help=N_("The target role (default: their current role).")
    ),
    by: CostBasisChoice = typer.Option(
        CostBasisChoice.HOURS,
        "--by",
        help=N_("Choose learning that minimises hours, cost or count."),
    ),
    budget: float = typer.Option(
        None, "--budget", min=0.0, help=N_("Spend at most this many hours (cost, resources).")
    ),
    unassessed: UnassessedPolicy = UnassessedOption,
    aggregate: Aggregation = AggregationOption,
    threshold: float = ThresholdOption,
    on: dt.datetime = OnOption,
    language: str = LanguageOption,
    push: str = typer.Option(
        None,
        "--push",
        metavar="ADAPTER",
        help=N_(
            "Assign the chosen learning through ADAPTER (e.g. moodle: learning plans and "
            "enrolments), configured by the adapter options below."
        ),
        show_default=False,
    ),
    due: dt.datetime = typer.Option(
        None, "--due", formats=["%Y-%m-%d"], help=N_("With --push: when the learning is due.")
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help=N_("With --push: show what would change, change nothing.")
    ),
    renew_within: str = typer.Option(
        "6m",
        "--renew-within",
        help=N_(
            "List refreshers for certifications and ratings that lapse within this horizon "
            "and decide a required level (90d, 12w, 6m; 0 for none)."
        ),
    ),
    explain: bool = ExplainOption,
    fmt: OutputFormat = FormatOption,
    options: AdapterOptions = AdapterOptions(),
) -> None:
    """A development plan: gaps in priority order, what to practise, which learning closes them.

    With --push ADAPTER the chosen learning is assigned in another system (one assignment
    per person and resource, dated --on, due --due), as `competency sync ADAPTER apply
    assignments` would. Refreshers: what to renew before it lapses (--renew-within) lest a
    met requirement fall below the role's level.
    """
    from competency_core.cli.expiring import parse_within
    from competency_core.scoring.plans import plan_for_person, workforce_plans

    try:
        horizon = parse_within(renew_within)
    except typer.BadParameter as exc:
        raise typer.BadParameter(exc.message, param_hint="'--renew-within'") from None

    if (person is None) == (not everyone):
        with reported(fmt):
            raise CompetencyError(cli_tr()._("give --person P or --all (one of them)"))
    if everyone and role is not None:
        with reported(fmt):
            raise CompetencyError(
                cli_tr()._("--all plans towards each person's current role: drop --role")
            )
    m, wf = _inputs(model, people, store, on, fmt)
    with reported(fmt):
        policy = _policy(unassessed, aggregate, threshold)
        if everyone:
            plans = workforce_plans(
                m,
                wf,
                policy=policy,
                on=_day(on),
                by=by.value,
                budget=budget,
                language=language,
                renew_within=horizon or None,
            )
        else:
            plans = [
                plan_for_person(
                    m,
                    wf,
                    person,
                    role,
                    policy=policy,
                    on=_day(on),
                    by=by.value,
                    budget=budget,
                    language=language,
                    renew_within=horizon or None,
                )
            ]
    if push is not None:
        from competency_core.cli.plan_push import push_plans

        push_plans(
            m,
            wf,
            plans,
            push,
            options,
            dry_run=dry_run,
            due=due.date() if due else None,
            store=store,
            fmt=fmt,
        )
        return
    why: dict[str, dict[str, Explanation]] = {}
    if explain:
        with reported(fmt):
            why = {
                p.person: _explained(m, wf, p.person, [i.competency for i in p.items], policy, p.on)
                for p in plans
                if p.person is not None
            }
    if fmt == OutputFormat.JSON:
        data = [plan_dict(p, why.get(p.person or "")) for p in plans]
        emit_json(data if everyone else data[0])
        return
    for plan in plans:
        _print_plan(plan, why.get(plan.person or ""))


def _print_plan(plan: DevelopmentPlan, why: dict[str, Explanation] | None = None) -> None:
    person = plan.person or ""
    t = cli_tr()
    console.print(
        (
            "[bold]"
            + (
                escape(
                    t._(
                        "Development plan for %(person)s towards %(role)s",
                        person=person,
                        role=plan.role,
                    )
                )
            )
            + "[/bold] "
        )
        + escape(
            t.n_(
                "(readiness %(readiness)s, %(verdict)s): %(n)s gap",
                "(readiness %(readiness)s, %(verdict)s): %(n)s gaps",
                len(plan.items),
                readiness=_pct(plan.score.readiness),
                verdict=t._("ready") if plan.score.ready else t._("not ready"),
            )
        )
    )
    for n, item in enumerate(plan.items, 1):
        star = (" [bold]" + t._("essential") + "[/bold]") if item.essential else ""
        console.print(
            f"{n}. {escape(item.competency)} ({escape(item.name)}){star}: "
            + escape(
                t._(
                    "%(actual)s -> %(required)s, gap %(gap)s, priority %(priority)s",
                    actual=_level(item.actual),
                    required=item.required,
                    gap=num(item.gap, 2),
                    priority=num(item.priority, 2),
                )
            )
        )
        if item.indicators:
            console.print("   " + t._("practise (level %(level)s):", level=item.indicator_level))
            for text in item.indicators:
                console.print(f"     - {escape(text)}")
        if item.resources:
            console.print("   " + escape(t._("learning: %(keys)s", keys=", ".join(item.resources))))
        if why is not None:
            from competency_core.cli.explain import short_why

            level = _level(item.actual) if item.assessed else t._("unassessed")
            console.print(
                "   "
                + escape(
                    t._(
                        "why %(level)s: %(why)s",
                        level=level,
                        why=short_why(why[item.competency]),
                    )
                )
            )
    if plan.resources:
        rows = [
            (
                r.resource,
                r.title,
                r.kind,
                _level(r.hours),
                _level(r.cost),
                ", ".join(r.closes),
            )
            for r in plan.resources
        ]
        console.print(
            simple_table(
                t._(
                    "Learning chosen (by %(by)s): %(hours)s h, cost %(cost)s",
                    by=t._(plan.by) if plan.by in COST_BASES else plan.by,
                    hours=num(plan.total_hours),
                    cost=num(plan.total_cost),
                ),
                [
                    t._("resource"),
                    t._("title"),
                    t._("kind"),
                    t._("hours"),
                    t._("cost"),
                    t._("closes"),
                ],
                rows,
            )
        )
    if plan.uncovered:
        console.print(
            ("[yellow]" + escape(t._("no chosen learning closes:")) + "[/yellow] ")
            + escape(", ".join(plan.uncovered))
        )
    if plan.refreshers:
        console.print(
            ("[bold]" + escape(t._("Refreshers")) + "[/bold] ")
            + escape(t._("(lapsing within %(days)s days):", days=plan.renew_within))
        )
        for r in plan.refreshers:
            after = t._("unassessed") if r.level_after is None else _level(r.level_after)
            console.print(
                "- "
                + escape(
                    t._(
                        "%(action)s (due %(due)s): %(competency)s would fall from %(today)s to "
                        "%(after)s, the role requires %(required)s",
                        action=r.action,
                        due=r.due,
                        competency=r.competency,
                        today=_level(r.level_today),
                        after=after,
                        required=r.required,
                    )
                )
            )
            if r.resources:
                console.print(
                    "   " + escape(t._("learning: %(keys)s", keys=", ".join(r.resources)))
                )


BREAKDOWN_WORDS = (N_("competency"), N_("domain"), N_("department"), N_("team"))
"""The breakdowns' names (for the catalogue; translated where used)."""

COST_BASES = (N_("hours"), N_("cost"), N_("count"))
"""The cost bases a plan chooses learning by."""


class Breakdown(StrEnum):
    """How ``competency readiness`` groups its figures."""

    COMPETENCY = "competency"
    DOMAIN = "domain"
    DEPARTMENT = "department"
    TEAM = "team"


def _stat_row(s: ReadinessStat, named: bool) -> tuple[Any, ...]:
    return (
        s.key,
        *([s.label] if named else []),
        s.people,
        s.requirements,
        _pct(s.share_met),
        num(s.mean_gap, 2),
        _pct(s.coverage),
    )


@commands.command("readiness")
def readiness_command(
    model: Path = ModelArgument,
    people: Path = ScalePeopleOption,
    store: str = StoreOption,
    by: list[Breakdown] = typer.Option(
        None, "--by", help=N_("Breakdowns to show (repeat; default: competency and domain).")
    ),
    unassessed: UnassessedPolicy = UnassessedOption,
    aggregate: Aggregation = AggregationOption,
    threshold: float = ThresholdOption,
    on: dt.datetime = OnOption,
    language: str = LanguageOption,
    explain: bool = ExplainOption,
    engine: Engine = EngineOption,
    top: int = typer.Option(
        None,
        "--top",
        "-k",
        min=1,
        help=N_("With --engine: keep each person's best roles and each role's best candidates."),
        show_default=False,
    ),
    out: Path = OutOption,
    progress: bool = ProgressOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Organisation readiness: who meets what their own role requires, by competency, domain...

    For each group: the share of (person, requirement) pairs met and the mean gap, over
    the people whose current role requires it. With --explain, each person's requirements
    with why each level is what it is.

    With --engine (or --top, --out): everyone against every role on that engine, the --top
    best roles of each person and best candidates of each role, written with --out FILE
    (docs/scale.md).
    """
    from competency_core.scoring.organisation import organisation_readiness

    if engine is not None or top is not None or out is not None:
        if by or explain or language:
            with reported(fmt):
                raise CompetencyError(
                    cli_tr()._(
                        "--by, --explain and --language describe organisation readiness: "
                        "leave them out with --engine, --top or --out"
                    )
                )
        _whole_run(
            model, people, store, engine, top, out, progress, unassessed, aggregate, threshold,
            on, fmt,
        )  # fmt: skip
        return
    if progress is not None:
        with reported(fmt):
            raise CompetencyError(cli_tr()._("--progress goes with --engine, --top or --out"))
    m, wf = _inputs(model, people, store, on, fmt)
    explained: list[dict[str, Any]] = []
    with reported(fmt):
        policy = _policy(unassessed, aggregate, threshold)
        result = organisation_readiness(m, wf, policy=policy, on=_day(on), language=language)
        if explain:
            explained = _explained_people(m, wf, policy, result.on)
    if fmt == OutputFormat.JSON:
        data = result.model_dump(mode="json")
        if explain:
            data["explanations"] = explained
        emit_json(data)
        return
    o = result.overall
    t = cli_tr()
    console.print(
        ("[bold]" + escape(t._("Organisation readiness on %(on)s", on=result.on)) + "[/bold]: ")
        + escape(
            t.n_(
                "%(n)s person scored against their role, %(met)s of requirements met, "
                "mean gap %(gap)s, coverage %(coverage)s",
                "%(n)s people scored against their roles, %(met)s of requirements met, "
                "mean gap %(gap)s, coverage %(coverage)s",
                result.people,
                met=_pct(o.share_met),
                gap=num(o.mean_gap, 2),
                coverage=_pct(o.coverage),
            )
        )
    )
    if result.without_role:
        console.print(
            escape(
                t._("not scored (no current role): %(keys)s", keys=", ".join(result.without_role))
            )
        )
    groups = {
        Breakdown.COMPETENCY: result.by_competency,
        Breakdown.DOMAIN: result.by_domain,
        Breakdown.DEPARTMENT: result.by_department,
        Breakdown.TEAM: result.by_team,
    }
    for what in by or [Breakdown.COMPETENCY, Breakdown.DOMAIN]:
        named = what is Breakdown.COMPETENCY
        names = [t._("name")] if named else []
        word = t._(what.value)
        console.print(
            simple_table(
                t._("By %(what)s", what=word),
                [
                    word,
                    *names,
                    t._("people"),
                    t._("pairs"),
                    t._("met"),
                    t._("mean gap"),
                    t._("coverage"),
                ],
                [_stat_row(s, named) for s in groups[what]],
            )
        )
    if explain:
        _print_people_why(explained)


def _whole_run(
    model: Path,
    people: Path | None,
    store: str | None,
    engine: Engine | None,
    top: int | None,
    out: Path | None,
    progress: bool | None,
    unassessed: UnassessedPolicy,
    aggregate: Aggregation,
    threshold: float,
    on: dt.datetime | None,
    fmt: OutputFormat,
) -> None:
    """Everyone against every role on ``engine`` (default memory), reported or written."""
    m = load_model_or_fail(model, fmt)
    chosen = engine or Engine.MEMORY
    with one_line_errors(fmt):
        check_out(out)
        check_engine(chosen)
        source = read_people(m, people, store, chosen, fmt, on)
        run_whole(
            chosen,
            m,
            source,
            policy=_policy(unassessed, aggregate, threshold),
            on=_day(on),
            k=top or 10,
            out=out,
            fmt=fmt,
            progress=progress,
        )


def _explained_people(
    model: CompetencyModel, wf: Workforce, policy: ScoringPolicy, on: dt.date
) -> list[dict[str, Any]]:
    """Everyone with a role: each requirement's score and explanation (readiness --explain)."""
    from competency_core.scoring import score_person

    out: list[dict[str, Any]] = []
    roles = {r.key for r in model.roles}
    for person in wf.people:
        if person.role is None or person.role not in roles:
            continue
        s = score_person(model, wf, person.key, policy=policy, on=on)
        why = _explained(model, wf, person.key, [r.competency for r in s.requirements], policy, on)
        out.append(
            {
                "person": person.key,
                "role": s.role,
                "requirements": [
                    {
                        "competency": r.competency,
                        "required": r.required,
                        "actual": r.actual,
                        "met": r.met,
                        "explanation": why[r.competency].to_json(),
                        "why": _short(why[r.competency]),
                    }
                    for r in s.requirements
                ],
            }
        )
    return out


def _short(exp: Explanation) -> str:
    from competency_core.cli.explain import short_why

    return short_why(exp)


def _print_people_why(explained: list[dict[str, Any]]) -> None:
    rows = [
        (
            p["person"],
            r["competency"],
            r["required"],
            _level(r["actual"]),
            _yes(r["met"], no="no"),
            escape(r["why"]),
        )
        for p in explained
        for r in p["requirements"]
    ]
    t = cli_tr()
    console.print(
        simple_table(
            t._("Why each level (competency explain shows one in full)"),
            [
                t._("person"),
                t._("competency"),
                t._("required"),
                t._("actual"),
                t._("met"),
                t._("why"),
            ],
            rows,
        )
    )


# -- demo steps ------------------------------------------------------------------------

_DEMO_ON = dt.date(2026, 4, 1)


def _demo_cli(ctx: DemoContext, *args: str) -> None:
    """Run a scoring command on the examples, as a user would type it."""
    console.print(f"[dim]$ competency {' '.join(args)}[/dim]")
    from competency_core.cli import build_app

    code = build_app()(args=list(args), prog_name="competency", standalone_mode=False)
    if isinstance(code, int) and code:
        raise CompetencyError(f"competency {args[0]} failed (exit {code})")


def _demo_files(ctx: DemoContext) -> tuple[str, str]:
    return str(ctx.examples / "software-engineering.yaml"), str(ctx.examples / "people.yaml")


@demo_step(30, "Gap scoring: a person against their next role", STEPS)
def _demo_gap(ctx: DemoContext) -> None:
    model, people = _demo_files(ctx)
    on = _DEMO_ON.isoformat()
    _demo_cli(ctx, "gap", model, "-p", people, "--person", "daniel-kim", "-r",
              "senior-engineering-manager", "--on", on)  # fmt: skip


@demo_step(31, "Best fits: the top roles for a person, the top people for a role", STEPS)
def _demo_fit(ctx: DemoContext) -> None:
    model, people = _demo_files(ctx)
    on = _DEMO_ON.isoformat()
    _demo_cli(ctx, "fit", model, "-p", people, "--person", "daniel-kim", "-k", "3", "--on", on)
    _demo_cli(ctx, "fit", model, "-p", people, "--role", "staff-engineer", "-k", "5", "--on", on)


@demo_step(32, "Development plan: what to practise and which learning closes the gaps", STEPS)
def _demo_plan(ctx: DemoContext) -> None:
    model, people = _demo_files(ctx)
    _demo_cli(ctx, "plan", model, "-p", people, "--person", "daniel-kim", "-r",
              "senior-engineering-manager", "--on", _DEMO_ON.isoformat())  # fmt: skip


@demo_step(33, "Organisation readiness per competency, domain and team", STEPS)
def _demo_readiness(ctx: DemoContext) -> None:
    model, people = _demo_files(ctx)
    _demo_cli(ctx, "readiness", model, "-p", people, "--by", "domain", "--by", "team",
              "--on", _DEMO_ON.isoformat())  # fmt: skip


@demo_step(37, "At scale: every person against every role on DuckDB, answers as Parquet", STEPS)
def _demo_engines(ctx: DemoContext) -> None:
    model, people = _demo_files(ctx)
    on = _DEMO_ON.isoformat()
    # the same scoring compiled to SQL and run in the embedded DuckDB, then the streaming
    # engine writing each person's and each role's best pairs as one Parquet table
    _demo_cli(ctx, "readiness", model, "-p", people, "--engine", "duckdb", "--top", "2",
              "--on", on)  # fmt: skip
    out = str(ctx.out / "readiness-top3.parquet")
    _demo_cli(ctx, "readiness", model, "-p", people, "--engine", "streaming", "--top", "3",
              "--out", out, "--on", on)  # fmt: skip


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS
