"""``competency path next|best|develop|succession|bench|health|draw``: career-path questions.

MODEL is a model file, a folder of O*NET text files (imported on the fly, tier and rank
on every transition) or a folder of ESCO occupation-skill relations (imported on the fly;
its transitions are suggested from skill overlap and followed). The people come from a
workforce file (``--people``) or the store (``--store``; see
:mod:`competency_core.cli.workforce_source`). Every command takes ``--format json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from competency_core.careers import (
        CareerGraph,
        CareerPath,
        Start,
        SuggestionSettings,
    )
    from competency_core.careers.results import Gap
    from competency_core.people import Workforce
    from competency_core.roles import TransitionKind

from competency_core import wording
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
from competency_core.cli.workforce_source import PeopleOption, StoreOption, load_people
from competency_core.console import (
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    err_console,
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
from competency_core.scoring.candidates import Moves

commands = typer.Typer()
STEPS: list[DemoStep] = []


path_app = typer.Typer(
    name="path",
    help=N_("Career paths: next steps, cheapest paths to a role, what to develop, succession."),
    no_args_is_help=True,
)
commands.add_typer(path_app, name="path")

ModelArgument = typer.Argument(
    ..., help=N_("A model file, or a folder of O*NET text files or of ESCO relations.")
)
PersonOption = typer.Option(
    None, "--person", help=N_("Start from this person (needs --people or --store).")
)
FromOption = typer.Option(None, "--from", help=N_("Start from this role."))
OnOption = typer.Option(
    None, "--on", formats=["%Y-%m-%d"], help=N_("Scoring date YYYY-MM-DD (default: today).")
)
KindOption = typer.Option(
    None, "--kind", help=N_("Follow only transitions of this kind (repeat for several).")
)
SuggestedOption = typer.Option(
    False, "--suggested", help=N_("Also follow transitions suggested by requirement overlap.")
)
SimilarityOption = typer.Option(
    None,
    "--similarity",
    min=0.01,
    max=1.0,
    help=N_("Least overlap for a suggested transition (default 0.75; 0.3 for ESCO)."),
)


def _follow(cg: CareerGraph, suggested: bool) -> bool:
    """Follow suggested transitions when asked, or when the graph has only those (ESCO)."""
    return suggested or bool(len(cg.suggested) and cg.suggested.all())


def _graph(
    model: Path, fmt: OutputFormat, suggested: bool = False, similarity: float | None = None
) -> CareerGraph:
    from competency_core.careers import CareerGraph, SuggestionSettings
    from competency_core.importers.esco import import_esco, is_esco_folder
    from competency_core.importers.onet import import_onet, is_onet_folder

    if model.is_dir() and is_esco_folder(model):
        # ESCO declares no transitions: its graph is the suggested one
        esco = SuggestionSettings(threshold=similarity or 0.3, per_role=3)
        return import_esco(model).career_graph(esco)
    suggest: bool | SuggestionSettings = (
        SuggestionSettings(threshold=similarity or 0.75) if suggested else False
    )
    if model.is_dir() and is_onet_folder(model):
        imported = import_onet(model)
        if fmt == OutputFormat.TEXT and imported.unrated:
            t = cli_tr()
            err_console.print(
                ("[yellow]" + escape(t._("note:")) + "[/yellow] ")
                + escape(
                    t.n_(
                        "%(n)s linked O*NET occupation has no ratings: it shows as not rated",
                        "%(n)s linked O*NET occupations have no ratings: they show as not rated",
                        len(imported.unrated),
                    )
                )
            )
        return imported.career_graph(suggest=suggest)
    return CareerGraph.from_model(load_model_or_fail(model, fmt), suggest=suggest)


def _workforce(
    cg: CareerGraph,
    people: Path | None,
    store: str | None,
    on: dt.datetime | None,
    fmt: OutputFormat,
) -> Workforce:
    wf = load_people(cg.model, people, store, fmt, on=on)
    assert wf is not None  # required: load_people ends the command without people
    return wf


def _start(
    cg: CareerGraph,
    role: str | None,
    person: str | None,
    people: Path | None,
    store: str | None,
    on: dt.datetime | None,
    fmt: OutputFormat,
) -> Start:
    from competency_core.careers import PersonProfile

    if (role is None) == (person is None):
        raise CompetencyError(
            cli_tr()._("start from a role (--from ROLE) or a person (--person KEY)")
        )
    if person is None:
        assert role is not None
        return role
    wf = _workforce(cg, people, store, on, fmt)
    return PersonProfile.from_workforce(cg, wf, person, on=on.date() if on else None)


def _kinds(kinds: list[str] | None) -> list[TransitionKind] | None:
    from competency_core.roles import TransitionKind

    if not kinds:
        return None
    try:
        return [TransitionKind(k) for k in kinds]
    except ValueError:
        raise CompetencyError(
            cli_tr()._(
                "unknown transition kind in %(kinds)s; use %(known)s",
                kinds=kinds,
                known=", ".join(k.value for k in TransitionKind),
            )
        ) from None


def _pct(value: float | None) -> str:
    return cli_tr()._("not rated") if value is None else pct(value)


WORDS = {
    "ready": N_("ready"),
    "not ready": N_("not ready"),
    "not rated": N_("not rated"),
    "ready now": N_("ready now"),
    "ready in one step": N_("ready in one step"),
    "found": N_("found"),
    "no path": N_("no path"),
    "rated": N_("rated"),
}
"""The careers results' statuses, bands and risks (translated where shown)."""


def _move(kind: str) -> str:
    """A transition kind in words (as the workbook and the handbook name it)."""
    return wording.move_kind(cli_tr(), kind)


def _word(value: str) -> str:
    """A status, band or risk in the CLI's language (others as they are)."""
    return cli_tr()._(WORDS[value]) if value in WORDS else value


def _gaps(gaps: Sequence[Gap], n: int = 3) -> str:
    shown = ", ".join(
        f"{g.competency} {g.actual if g.actual is None else f'{g.actual:g}'}->{g.required}"
        f"{'*' if g.essential else ''}"
        for g in gaps[:n]
    )
    return shown + (f" (+{len(gaps) - n})" if len(gaps) > n else "")


@path_app.command("next")
def next_command(
    model: Path = ModelArgument,
    role: str = FromOption,
    person: str = PersonOption,
    people: Path = PeopleOption,
    store: str = StoreOption,
    steps: int = typer.Option(2, "--steps", "-k", min=1, help=N_("Transitions at most.")),
    kind: list[str] = KindOption,
    suggested: bool = SuggestedOption,
    similarity: float | None = SimilarityOption,
    limit: int = typer.Option(None, "--limit", "-n", min=1, help=N_("Show the best N only.")),
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Roles reachable in a few transitions, ranked by readiness, with the gaps that block."""
    from competency_core.careers import next_steps

    with reported(fmt):
        cg = _graph(model, fmt, suggested, similarity)
        start = _start(cg, role, person, people, store, on, fmt)
        result = next_steps(
            cg,
            start,
            max_steps=steps,
            kinds=_kinds(kind),
            include_suggested=_follow(cg, suggested),
            limit=limit,
        )
    if fmt == OutputFormat.JSON:
        emit_json(result.to_dict())
        return
    t = cli_tr()
    who = f" ({result.person})" if result.person else ""
    console.print(
        "[bold]"
        + escape(t._("Next steps from %(origin)s", origin=result.origin + who))
        + "[/bold], "
        + escape(t.n_("up to %(n)s transition", "up to %(n)s transitions", steps))
    )
    rows = [
        (s.role, s.hops, _word(s.status), _pct(s.readiness), _gaps(s.gaps)) for s in result.steps
    ]
    console.print(
        simple_table(
            None,
            [
                t._("role"),
                t._("hops"),
                t._("status"),
                t._("readiness"),
                t._("gaps (* essential)"),
            ],
            rows,
        )
    )


def _print_path(n: int, p: CareerPath) -> None:
    t = cli_tr()
    months = ", " + t.n_("%(n)s month", "%(n)s months", p.months)
    if p.unknown_months:
        months += " " + t._("(+%(n)s unknown)", n=p.unknown_months)
    cost = t._("cost %(cost)s", cost=num(p.cost, 3))
    console.print(
        f"{n}. {escape(' -> '.join(p.roles))}  [bold]{escape(cost)}[/bold]{escape(months)}"
    )
    for s in p.steps:
        tag = " " + t._("(suggested)") if s.suggested else ""
        gap = t._("gap %(gap)s", gap=num(s.gap, 3))
        console.print(escape(f"     {s.source} -> {s.target}: {_move(str(s.kind))}{tag}, {gap}"))


@path_app.command("best")
def best_command(
    model: Path = ModelArgument,
    target: str = typer.Option(..., "--to", help=N_("The target role.")),
    role: str = FromOption,
    person: str = PersonOption,
    people: Path = PeopleOption,
    store: str = StoreOption,
    k: int = typer.Option(5, "-k", min=1, help=N_("How many paths.")),
    time_weight: float = typer.Option(
        0.0, "--time-weight", min=0.0, help=N_("Cost of a year of typical time in a role.")
    ),
    kind: list[str] = KindOption,
    suggested: bool = SuggestedOption,
    similarity: float | None = SimilarityOption,
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """The k cheapest paths to a role, where a step costs the gap to close for it."""
    from competency_core.careers import best_paths

    with reported(fmt):
        cg = _graph(model, fmt, suggested, similarity)
        start = _start(cg, role, person, people, store, on, fmt)
        result = best_paths(
            cg,
            start,
            target,
            k=k,
            time_weight=time_weight,
            kinds=_kinds(kind),
            include_suggested=_follow(cg, suggested),
        )
    if fmt == OutputFormat.JSON:
        emit_json(result.to_dict())
        return
    who = f" ({result.person})" if result.person else ""
    source = result.source + who
    heading = cli_tr()._(
        "Cheapest paths from %(source)s to %(target)s",
        source=source,
        target=target,
    )
    console.print(f"[bold]{escape(heading)}[/bold]")
    if not result.paths:
        console.print(escape(f"{_word(result.status)}: {result.message}"))
    for n, p in enumerate(result.paths, 1):
        _print_path(n, p)


@path_app.command("develop")
def develop_command(
    model: Path = ModelArgument,
    target: str = typer.Option(..., "--to", help=N_("The target role.")),
    role: str = FromOption,
    person: str = PersonOption,
    people: Path = PeopleOption,
    store: str = StoreOption,
    time_weight: float = typer.Option(0.0, "--time-weight", min=0.0),
    kind: list[str] = KindOption,
    suggested: bool = SuggestedOption,
    similarity: float | None = SimilarityOption,
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """What to develop to reach a role: the gaps along the cheapest path, in order."""
    from competency_core.careers import development_plan

    with reported(fmt):
        cg = _graph(model, fmt, suggested, similarity)
        start = _start(cg, role, person, people, store, on, fmt)
        found, dev = development_plan(
            cg,
            start,
            target,
            time_weight=time_weight,
            kinds=_kinds(kind),
            include_suggested=_follow(cg, suggested),
        )
    if fmt == OutputFormat.JSON:
        emit_json(
            {"path": found.to_dict(), "development": dev.to_dict() if dev is not None else None}
        )
        return
    if dev is None:
        console.print(escape(f"{_word(found.status)}: {found.message}"))
        return
    _print_path(1, found.paths[0])
    t = cli_tr()
    rows = [
        (
            i.competency,
            i.name,
            num(i.start),
            i.target,
            i.first_needed,
            t._("yes") if i.essential else "",
            ", ".join(i.resources[:2]),
        )
        for i in dev.items
    ]
    console.print(
        simple_table(
            t.n_(
                "%(n)s competency to develop, in the order the path needs them",
                "%(n)s competencies to develop, in the order the path needs them",
                len(dev.items),
            ),
            [
                t._("competency"),
                t._("name"),
                t._("from"),
                t._("to"),
                t._("first needed for"),
                t._("essential"),
                t._("learning"),
            ],
            rows,
        )
    )
    for r in dev.not_rated:
        console.print(
            "[yellow]"
            + escape(t._("%(role)s is not rated: its gaps are unknown", role=r))
            + "[/yellow]"
        )


@path_app.command("succession")
def succession_command(
    model: Path = ModelArgument,
    role: str = typer.Argument(..., help=N_("The role to find successors for.")),
    people: Path = PeopleOption,
    store: str = StoreOption,
    limit: int = typer.Option(None, "--limit", "-n", min=1, help=N_("Show the best N only.")),
    include_incumbents: bool = IncludeIncumbentsOption,
    moves: Moves = MovesOption,
    along_transitions: bool = AlongTransitionsOption,
    team: list[str] = TeamOption,
    manager: str = ManagerOption,
    all_reports: bool = AllReportsOption,
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Ranked successors for a role: ready now / ready in one step / not ready.

    The people who hold the role are left out (--include-incumbents keeps them); --moves,
    --along-transitions, --team and --manager narrow who is considered.
    """
    from competency_core.careers import succession

    with reported(fmt):
        wanted = candidate_filter(
            include_incumbents, moves, along_transitions, team, manager, all_reports
        )
        cg = _graph(model, fmt)
        wf = _workforce(cg, people, store, on, fmt)
        result = succession(
            cg, role, wf, on=on.date() if on else None, limit=limit, candidate_filter=wanted
        )
    if fmt == OutputFormat.JSON:
        emit_json(result.to_dict())
        return
    t = cli_tr()
    console.print(
        ("[bold]" + escape(t._("Succession for %(role)s", role=result.role)) + "[/bold] ")
        + escape(
            t._(
                "(%(title)s): %(now)s ready now, %(one)s ready in one step, %(not_ready)s not "
                "ready; incumbents: %(incumbents)s",
                title=result.title,
                now=result.ready_now,
                one=result.ready_in_one_step,
                not_ready=result.not_ready,
                incumbents=", ".join(result.incumbents) or t._("none"),
            )
        )
    )
    if result.filters is not None:
        console.print(filter_note(result.filters))
    if result.status == "not rated":
        console.print(t._("the role is not rated (no requirements): nobody can be scored for it"))
        return
    rows = [
        (c.person, c.current_role, _word(c.band), _pct(c.readiness), c.hops, _gaps(c.gaps, 2))
        for c in result.candidates
    ]
    console.print(
        simple_table(
            None,
            [
                t._("person"),
                t._("current role"),
                t._("band"),
                t._("readiness"),
                t._("hops"),
                t._("gaps (* essential)"),
            ],
            rows,
        )
    )


@path_app.command("bench")
def bench_command(
    model: Path = ModelArgument,
    people: Path = PeopleOption,
    store: str = StoreOption,
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Bench strength of every role and the roles at risk (no successor ready now)."""
    from competency_core.careers import bench_strength, roles_at_risk

    with reported(fmt):
        cg = _graph(model, fmt)
        wf = _workforce(cg, people, store, on, fmt)
        day = on.date() if on else None
        bench = bench_strength(cg, wf, on=day)
        risk = roles_at_risk(cg, wf, on=day)
    if fmt == OutputFormat.JSON:
        emit_json(
            {"bench": [b.to_dict() for b in bench], "roles_at_risk": [r.to_dict() for r in risk]}
        )
        return
    t = cli_tr()
    rows = [
        (
            b.role,
            b.title,
            b.incumbents,
            b.ready_now if b.rated else t._("not rated"),
            b.ready_in_one_step if b.rated else "",
            ", ".join(b.ready_now_people),
        )
        for b in bench
    ]
    console.print(
        simple_table(
            t._("Bench strength"),
            [
                t._("role"),
                t._("title"),
                t._("incumbents"),
                t._("ready now"),
                t._("ready in one step"),
                t._("ready now: who"),
            ],
            rows,
        )
    )
    for r in risk:
        colour = "red" if r.risk == "high" else "yellow"
        level = t.p_("risk", "high") if r.risk == "high" else t.p_("risk", "medium")
        label = t._("%(risk)s risk", risk=level)
        console.print(
            f"[{colour}]{escape(label)}[/{colour}]: "
            + escape(
                t.n_(
                    "%(role)s (%(title)s): nobody ready now, %(one)s ready in one step, "
                    "%(n)s incumbent",
                    "%(role)s (%(title)s): nobody ready now, %(one)s ready in one step, "
                    "%(n)s incumbents",
                    r.incumbents,
                    role=r.role,
                    title=r.title,
                    one=r.ready_in_one_step,
                )
            )
        )


@path_app.command("health")
def health_command(model: Path = ModelArgument, fmt: OutputFormat = FormatOption) -> None:
    """Graph health: no way in or out, dead ends, promotion cycles, split families."""
    from competency_core.careers.health import graph_health

    with reported(fmt):
        health = graph_health(_graph(model, fmt))
    if fmt == OutputFormat.JSON:
        emit_json({**health.to_dict(), "problems": health.problems})
        return
    tr = cli_tr()
    heading = ", ".join(
        [
            tr.n_("%(n)s role", "%(n)s roles", health.roles),
            tr.n_("%(n)s declared transition", "%(n)s declared transitions", health.transitions),
        ]
    )
    heading += ": " + tr.n_(
        "%(n)s finding to look at", "%(n)s findings to look at", health.problems
    )
    console.print(f"[bold]{escape(heading)}[/bold]")

    def show(label: str, items: tuple[object, ...]) -> None:
        if items:
            shown = ", ".join(str(i) for i in items[:12])
            more = " " + tr._("(+%(n)s more)", n=len(items) - 12) if len(items) > 12 else ""
            console.print(escape(f"{tr._(label)} ({len(items)}): {shown}{more}"))

    show(N_("no way in (entry roles are expected here)"), health.no_way_in)
    show(N_("no way out (top roles are expected here)"), health.no_way_out)
    show(N_("isolated"), health.isolated)
    show(N_("unreachable above entry level"), health.unreachable)
    show(N_("dead ends below the top level"), health.dead_ends)
    show(
        N_("dead-end tracks"),
        tuple(
            tr._(
                "%(track)s (reaches level %(level)s of %(top)s)",
                track=t.track,
                level=t.highest_reachable,
                top=t.family_top,
            )
            for t in health.dead_end_tracks
        ),
    )
    show(N_("promotion cycles"), tuple(" -> ".join(c) for c in health.promotion_cycles))
    show(
        N_("promotions that do not go up"),
        tuple(f"{a} -> {b}" for a, b in health.promotions_not_up),
    )
    show(
        N_("disconnected families"),
        tuple(
            tr._(
                "%(family)s: %(sizes)s roles",
                family=f.family,
                sizes=" | ".join(str(len(g)) for g in f.groups),
            )
            for f in health.disconnected_families
        ),
    )
    show(N_("not rated"), health.not_rated)


class DrawFormat(StrEnum):
    """What ``path draw`` writes."""

    MERMAID = "mermaid"
    DOT = "dot"
    SVG = "svg"
    PNG = "png"


@path_app.command("draw")
def draw_command(
    model: Path = ModelArgument,
    as_: DrawFormat = typer.Option(
        None, "--as", help=N_("mermaid, dot, svg or png (default: from --out, else mermaid).")
    ),
    out: Path = typer.Option(None, "--out", "-o", help=N_("Write to this file.")),
    target: str = typer.Option(None, "--to", help=N_("Highlight the cheapest path to this role.")),
    role: str = FromOption,
    person: str = PersonOption,
    people: Path = PeopleOption,
    store: str = StoreOption,
    around: str = typer.Option(None, "--around", help=N_("Draw only the roles near this one.")),
    radius: int = typer.Option(1, "--radius", min=1, help=N_("How near, in transitions.")),
    suggested: bool = SuggestedOption,
    similarity: float | None = SimilarityOption,
    on: dt.datetime = OnOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Draw the graph as Mermaid, DOT, SVG or PNG, with a person's path highlighted."""
    from competency_core.careers import best_paths, drawing

    with reported(fmt):
        kind = as_ or (
            DrawFormat(out.suffix.lower().lstrip("."))
            if out is not None and out.suffix.lower() in (".svg", ".png", ".dot")
            else DrawFormat.MERMAID
        )
        cg = _graph(model, fmt, suggested, similarity)
        highlight: CareerPath | None = None
        if target is not None:
            start = _start(cg, role, person, people, store, on, fmt)
            found = best_paths(cg, start, target, k=1, include_suggested=_follow(cg, suggested))
            if not found.paths:
                raise CompetencyError(
                    cli_tr()._("nothing to highlight: %(why)s", why=found.message)
                )
            highlight = found.paths[0]
        roles = drawing.neighbourhood(cg, around, radius) if around else None
        if roles is None and highlight is not None and len(cg.roles) > drawing.MAX_PICTURE_ROLES:
            roles = set(highlight.roles)
        text: str | None = None
        written: Path | None = None
        if kind in (DrawFormat.SVG, DrawFormat.PNG):
            if out is None:
                raise CompetencyError(
                    cli_tr()._("a %(kind)s picture needs --out FILE.%(kind)s", kind=kind.value)
                )
            title = f"{model.stem}: {' -> '.join(highlight.roles)}" if highlight else model.stem
            written = drawing.draw(
                cg,
                out,
                highlight=highlight,
                roles=roles,
                suggested=_follow(cg, suggested),
                title=title,
            )
        else:
            render = drawing.to_mermaid if kind == DrawFormat.MERMAID else drawing.to_dot
            text = render(cg, highlight=highlight, roles=roles, suggested=_follow(cg, suggested))
            if out is not None:
                out.write_text(text + "\n", encoding="utf-8")
                written = out
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "format": kind.value,
                "file": str(written) if written else None,
                "text": text if written is None else None,
                "highlight": list(highlight.roles) if highlight else None,
            }
        )
    elif written is not None:
        console.print(
            escape(cli_tr()._("%(kind)s written to %(path)s", kind=kind.value, path=written))
        )
    else:
        typer.echo(text)


# -- demo steps ------------------------------------------------------------------------

_DEMO_PERSON = "hannah-schmidt"
_DEMO_TARGET = "principal-engineer"


def _demo_graph(ctx: DemoContext) -> CareerGraph:
    from competency_core.careers import CareerGraph, SuggestionSettings

    if "career_graph" not in ctx.state:
        # the example's profiles are sparse (a dozen requirements out of 27): overlap is low
        ctx.state["career_graph"] = CareerGraph.from_model(
            ctx.model(), suggest=SuggestionSettings(threshold=0.3, per_role=2)
        )
    graph: CareerGraph = ctx.state["career_graph"]
    return graph


@demo_step(40, "Career paths: next steps, the cheapest paths and what to develop", STEPS)
def _demo_paths(ctx: DemoContext) -> None:
    from competency_core.careers import PersonProfile, best_paths, development_plan, next_steps

    cg = _demo_graph(ctx)
    wf = ctx.workforce()
    suggested = list(cg.transitions(suggested=True))
    console.print(
        f"{cg!r}; {len(suggested)} suggested transition(s) from requirement overlap: "
        + ", ".join(f"{t.source} -> {t.target} ({t.similarity:.2f})" for t in suggested)
    )
    me = PersonProfile.from_workforce(cg, wf, _DEMO_PERSON)
    steps = next_steps(cg, me, max_steps=2)
    console.print(f"[bold]Next steps for {me.name}[/bold] ({me.role}):")
    for s in steps.steps:
        console.print(f"  {s.role:28} {s.hops} hop(s)  {s.status:9}  {_pct(s.readiness):>4}")
    found = best_paths(cg, me, _DEMO_TARGET, k=3)
    console.print(f"[bold]The 3 cheapest paths to {_DEMO_TARGET}[/bold]:")
    for n, p in enumerate(found.paths, 1):
        _print_path(n, p)
    _, dev = development_plan(cg, me, _DEMO_TARGET)
    if dev is not None:
        console.print(f"[bold]What to develop on the way[/bold] ({len(dev.items)} competencies):")
        for i in dev.items:
            start = "-" if i.start is None else f"{i.start:g}"
            learn = f"  learning: {', '.join(i.resources[:2])}" if i.resources else ""
            console.print(f"  {i.competency:24} {start} -> {i.target} for {i.first_needed}{learn}")
    ctx.state["career_path"] = found.paths[0] if found.paths else None


@demo_step(41, "Career paths: succession, bench strength and roles at risk", STEPS)
def _demo_succession(ctx: DemoContext) -> None:
    from competency_core.careers import roles_at_risk, succession
    from competency_core.careers.health import graph_health

    cg = _demo_graph(ctx)
    wf = ctx.workforce()
    result = succession(cg, "staff-engineer", wf, limit=5)
    console.print(
        f"[bold]Successors for staff-engineer[/bold]: {result.ready_now} ready now, "
        f"{result.ready_in_one_step} ready in one step"
    )
    for c in result.candidates:
        console.print(f"  {c.person:18} {c.current_role or '-':26} {c.band:17} {_pct(c.readiness)}")
    for r in roles_at_risk(cg, wf):
        console.print(f"  at risk ({r.risk}): {r.role}, {r.ready_in_one_step} ready in one step")
    health = graph_health(cg)
    console.print(f"Graph health: {health.problems} finding(s) to look at")


@demo_step(42, "Career paths: the graph as a picture, with the cheapest path highlighted", STEPS)
def _demo_picture(ctx: DemoContext) -> None:
    from competency_core.careers import drawing

    cg = _demo_graph(ctx)
    path = ctx.state.get("career_path")
    picture = drawing.draw(
        cg,
        ctx.out / "career-paths.png",
        highlight=path,
        title=f"{_DEMO_PERSON}: cheapest path to {_DEMO_TARGET}",
    )
    mermaid = ctx.out / "career-paths.mmd"
    mermaid.write_text(drawing.to_mermaid(cg, highlight=path) + "\n", encoding="utf-8")
    ctx.record("career graph picture (PNG)", picture)
    ctx.record("career graph (Mermaid)", mermaid)
    console.print(f"picture written to {picture}, Mermaid text to {mermaid}")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS
