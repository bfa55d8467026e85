"""``competency sync <adapter> plan|apply|pull`` and ``competency adapters``.

Writes are planned first: ``plan`` prints what would change (and saves the plan with
``--out``); ``apply`` carries out a saved plan (``--plan``) or plans and applies at once.
The sync state lives in the store (``--store``; ``--store memory`` keeps nothing).
Adapter settings come from ``--settings FILE`` (YAML or JSON), ``--set name=value`` and
environment variables ``COMPETENCY_<ADAPTER>_<NAME>`` (the place for secrets): the
options that say so are declared once (:data:`ADAPTER_PARAMETERS`) and added to every
command that configures an adapter by :func:`with_adapter_options`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    FormatOption,
    OutputFormat,
    apply_with_progress,
    cli_tr,
    console,
    emit_json,
    err_console,
    escape,
    guarded,
    print_plan,
    print_report,
    problem_dict,
    simple_table,
)
from competency_core.errors import CompetencyError, ModelValidationError
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.problems import Problem
    from competency_core.sync import (
        Adapter,
        ApplyReport,
        Capability,
        Plan,
        Renames,
        SyncEngine,
        SyncStateStore,
    )


from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.sync import Adapter, ApplyReport, Renames, SyncStateStore

commands = typer.Typer()
sync_app = typer.Typer(
    name="sync",
    help=N_("Sync models, people, ratings and learning with another system through an adapter."),
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(sync_app, name="sync")


class What(StrEnum):
    """What a plan pushes."""

    MODEL = "model"
    PEOPLE = "people"
    RATINGS = "ratings"
    ASSIGNMENTS = "assignments"


class PullWhat(StrEnum):
    """What ``pull`` reads."""

    MODEL = "model"
    PEOPLE = "people"
    RATINGS = "ratings"
    ASSIGNMENTS = "assignments"
    WORKFORCE = "workforce"
    COMPLETIONS = "completions"


StoreOption = typer.Option(
    None,
    "--store",
    help=N_(
        "Where the sync state lives: a SQLite file or database URL (default: "
        "$COMPETENCY_STORE_URL, else ./competency.sqlite3), or 'memory'."
    ),
    show_default=False,
)
PreviousOption = typer.Option(
    None,
    "--previous",
    metavar="OLD",
    help=N_(
        "The model version the remote system has (a model file, a version in the store, "
        "or 'published'): competencies, roles and resources renamed since are renamed in place "
        "remotely instead of created anew."
    ),
    show_default=False,
)


# -- the adapter options, declared once --------------------------------------------------


@dataclass(frozen=True)
class AdapterOptions:
    """The command-line options that configure an adapter (see :func:`make_adapter`)."""

    set_: list[str] | None = None
    settings: Path | None = None
    url: str | None = None
    token_env: str | None = None
    token_file: Path | None = None
    scale_id: int | None = None

    def adapter(self, name: str) -> Adapter[Any]:
        """The adapter ``name`` configured from these options and the environment."""
        return make_adapter(
            name,
            self.set_,
            self.settings,
            url=self.url,
            token_env=self.token_env,
            token_file=self.token_file,
            scale_id=self.scale_id,
        )


def _keyword(name: str, annotation: Any, option: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation
    )


ADAPTER_PARAMETERS: tuple[inspect.Parameter, ...] = (
    _keyword(
        "set_",
        list[str],
        typer.Option(
            None,
            "--set",
            help=N_("An adapter setting, name=value (repeatable); JSON for {...} and [...]."),
        ),
    ),
    _keyword(
        "settings",
        Path,
        typer.Option(
            None,
            "--settings",
            help=N_("A YAML or JSON file of adapter settings."),
            show_default=False,
        ),
    ),
    _keyword(
        "url",
        str,
        typer.Option(
            None,
            "--url",
            help=N_("The remote system's URL (the adapter's url setting)."),
            show_default=False,
        ),
    ),
    _keyword(
        "token_env",
        str,
        typer.Option(
            None,
            "--token-env",
            metavar="VAR",
            help=N_(
                "Read the adapter's token from the environment variable VAR (keeps it off "
                "the command line and out of shell history)."
            ),
            show_default=False,
        ),
    ),
    _keyword(
        "token_file",
        Path,
        typer.Option(
            None,
            "--token-file",
            metavar="FILE",
            help=N_(
                "Read the adapter's token from the first line of FILE (instead of --token-env)."
            ),
            show_default=False,
        ),
    ),
    _keyword(
        "scale_id",
        int,
        typer.Option(
            None,
            "--scale-id",
            metavar="N",
            help=N_(
                "The remote scale to use (the adapter's scale_id setting, e.g. a Moodle scale)."
            ),
            show_default=False,
        ),
    ),
)
"""The options every command that configures an adapter takes (``--set``, ``--settings``,
``--url``, ``--token-env``, ``--token-file``, ``--scale-id``), in one place."""

_OPTION_NAMES = tuple(f.name for f in fields(AdapterOptions))


def with_adapter_options(fn: Callable[..., None]) -> Callable[..., None]:
    """Give a command the adapter options; it receives them as ``options: AdapterOptions``.

    The command's own parameters keep their place; the adapter options follow them (in
    ``--help`` too), so a command declares only what is its own.
    """
    hints = typing.get_type_hints(fn)
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in inspect.signature(fn).parameters.values()
        if p.name != "options"
    ]
    params = [*own, *ADAPTER_PARAMETERS]

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> None:
        options = AdapterOptions(**{n: kwargs.pop(n) for n in _OPTION_NAMES})
        fn(*args, options=options, **kwargs)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    del command.__wrapped__  # typer reads the signature above, not fn's
    return command


# -- settings, adapter, state --------------------------------------------------------------


def parse_settings(pairs: list[str] | None, file: Path | None) -> dict[str, Any]:
    """Settings from a file and ``name=value`` pairs (pairs win)."""
    values: dict[str, Any] = {}
    if file is not None:
        from competency_core.io import read_text
        from competency_core.parsing import parse_yaml

        loaded, _, problems = parse_yaml(read_text(file), str(file))
        if problems:
            raise ModelValidationError(
                problems, cli_tr()._("cannot read the settings file %(path)s", path=file)
            )
        if not isinstance(loaded, dict):
            raise CompetencyError(
                cli_tr()._(
                    "the settings file %(path)s must hold a mapping of name: value", path=file
                )
            )
        values |= loaded
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CompetencyError(
                cli_tr()._("--set takes name=value, not %(pair)s", pair=repr(pair))
            )
        parsed: Any = value
        if value.strip().startswith(("{", "[")):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError as exc:
                raise CompetencyError(
                    cli_tr()._(
                        "--set %(name)s: not JSON (%(problem)s)", name=name.strip(), problem=exc.msg
                    )
                ) from None
        values[name.strip()] = parsed
    return values


def make_adapter(
    name: str,
    pairs: list[str] | None,
    file: Path | None,
    *,
    url: str | None = None,
    token_env: str | None = None,
    token_file: Path | None = None,
    scale_id: int | None = None,
) -> Adapter[Any]:
    """The adapter ``name`` configured from the command line and the environment.

    ``url`` sets the ``url`` setting; ``token_env`` names the environment variable that
    holds the ``token`` setting, ``token_file`` a file holding it; ``scale_id`` sets
    ``scale_id``.
    """
    from competency_core.plugins import plugin_registry

    cls = plugin_registry().adapter(name)
    values = parse_settings(pairs, file)
    fields = cls.settings_model.model_fields
    for pair in pairs or ():
        spec = fields.get(pair.partition("=")[0].strip())
        if spec is not None and "SecretStr" in str(spec.annotation):
            raise CompetencyError(
                cli_tr()._(
                    "--set %(setting)s=...: a secret on the command line shows in shell history "
                    "and process lists; use --token-env VAR, --token-file FILE or %(env)s "
                    "instead",
                    setting=pair.partition("=")[0].strip(),
                    env="COMPETENCY_" + name.upper() + "_<NAME>",
                )
            )
    for option, field, given in (
        ("--url", "url", url),
        ("--token-env/--token-file", "token", token_env or token_file),
        ("--scale-id", "scale_id", scale_id),
    ):
        if given is not None and field not in fields:
            raise CompetencyError(
                cli_tr()._(
                    "the %(adapter)s adapter has no %(setting)s setting: drop %(option)s",
                    adapter=name,
                    setting=field,
                    option=option,
                )
            )
    if token_env and token_file:
        raise CompetencyError(
            cli_tr()._("give the token by --token-env or by --token-file, not both")
        )
    if token_file is not None:
        try:
            lines = token_file.read_text(encoding="utf-8").strip().splitlines()
        except OSError as exc:
            raise CompetencyError(
                cli_tr()._(
                    "--token-file: cannot read %(path)s: %(problem)s",
                    path=token_file,
                    problem=exc.strerror,
                )
            ) from None
        if not lines or not lines[0].strip():
            raise CompetencyError(cli_tr()._("--token-file: %(path)s is empty", path=token_file))
        values["token"] = lines[0].strip()
    if scale_id is not None:
        values["scale_id"] = scale_id
    if url:
        values["url"] = url
    if token_env:
        token = os.environ.get(token_env, "")
        if not token.strip():
            raise CompetencyError(
                cli_tr()._(
                    "--token-env %(name)s: the environment variable %(name)s is not set or "
                    "empty; export %(name)s=<token> first",
                    name=token_env,
                )
            )
        values["token"] = token
    adapter: Adapter[Any] = cls.configure(values)
    return adapter


@contextlib.contextmanager
def sync_state(store: str | None) -> Iterator[SyncStateStore]:
    """The sync state named by ``--store`` (closed afterwards)."""
    from competency_core.sync import InMemorySyncState, StoreSyncState

    if store == "memory":
        yield InMemorySyncState()
        return
    from competency_core.store import Store

    with Store(store) as s:
        yield StoreSyncState(s)


# -- plan and apply ---------------------------------------------------------------------------


def make_plan(
    engine: SyncEngine,
    what: What,
    source: Path,
    model_file: Path | None,
    prune: bool,
    previous: str | None = None,
    store: str | None = None,
) -> Plan:
    """Read ``source`` and plan pushing it (``previous``: the version the remote has)."""
    from competency_core.io import load_model, load_workforce
    from competency_core.sync import Renames

    if what is What.MODEL:
        model = load_model(source)
        old = previous_model(previous, model, store) if previous else None
        return engine.plan_model(model, prune=prune, previous=old)
    local_model = load_model(model_file) if model_file else None
    renames: Renames | None = None
    if previous:
        if local_model is None:
            raise CompetencyError(
                cli_tr()._("--previous needs --model (the new version of the model)")
            )
        renames = Renames.between(previous_model(previous, local_model, store), local_model)
    wf = load_workforce(source, local_model)
    hand_over(engine.adapter, wf.people, local_model)
    if what is What.PEOPLE:
        return engine.plan_people(wf.people, prune=prune, renames=renames)
    if what is What.RATINGS:
        return engine.plan_ratings(wf.assessments, prune=prune, renames=renames)
    return engine.plan_assignments(wf.assignments, prune=prune, renames=renames)


def previous_model(previous: str, model: CompetencyModel, store: str | None) -> CompetencyModel:
    """The version named by ``--previous``: a model file, or a version in the store.

    ``published`` is the newest published (or retired) version other than ``model``'s.
    """
    from competency_core.io import load_model

    path = Path(previous)
    if path.exists():
        return load_model(path)
    if store == "memory":
        raise CompetencyError(
            cli_tr()._(
                "--previous %(previous)s: no such file, and --store memory holds no versions",
                previous=previous,
            )
        )
    from competency_core.store import Store

    with Store(store) as s:
        if previous != "published":
            return s.get(model.key, previous).model
        released = [
            v
            for v in s.versions(model.key)
            if v.status.value in ("published", "retired") and v.version != model.version
        ]
        if not released:
            raise CompetencyError(
                cli_tr()._(
                    "--previous published: the store has no published version of %(model)s "
                    "other than %(version)s",
                    model=model.key,
                    version=model.version,
                )
            )
        return released[-1].model


def hand_over(
    adapter: Adapter[Any], people: Any = (), model: CompetencyModel | None = None
) -> None:
    """Give the people and the model to an adapter that asks for them (``use_workforce``).

    Some adapters match people or map levels with them (the Moodle adapter's learning
    plans, enrolments and ratings); others do not define the method.
    """
    use = getattr(adapter, "use_workforce", None)
    if callable(use):
        use(people, model)


@sync_app.callback()
def sync(
    ctx: typer.Context,
    adapter: str = typer.Argument(
        ..., help=N_("The adapter, e.g. csv (see `competency adapters`).")
    ),
) -> None:
    """Plan, apply and pull through ADAPTER."""
    ctx.meta["competency_adapter"] = adapter


@sync_app.command("plan")
@with_adapter_options
def plan_cmd(
    ctx: typer.Context,
    what: What = typer.Argument(
        ..., help=N_("What to push: model, people, ratings or assignments.")
    ),
    source: Path = typer.Argument(..., help=N_("The model file, or the workforce file.")),
    model: Path = typer.Option(None, "--model", help=N_("The model a workforce file belongs to.")),
    prune: bool = typer.Option(False, "--prune", help=N_("Delete remote objects missing locally.")),
    previous: str = PreviousOption,
    out: Path = typer.Option(None, "--out", "-o", help=N_("Save the plan (JSON) to apply later.")),
    show_unchanged: bool = typer.Option(False, help=N_("List unchanged objects too.")),
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
    options: AdapterOptions = AdapterOptions(),
) -> None:
    """Show what a push would change remotely (a dry run: nothing changes)."""
    from competency_core.sync import SyncEngine

    name = ctx.meta["competency_adapter"]

    def run() -> Plan:
        adapter = options.adapter(name)
        with sync_state(store) as state:
            return make_plan(
                SyncEngine(adapter, state), what, source, model, prune, previous, store
            )

    plan = guarded(fmt, run)
    if out is not None:
        plan.save(out)
    if fmt == OutputFormat.JSON:
        emit_json(plan.model_dump(mode="json"))
        return
    print_plan(plan, show_unchanged=show_unchanged)
    if out is not None:
        console.print(
            escape(
                cli_tr()._(
                    "plan saved to %(path)s; apply it with `competency sync %(adapter)s apply "
                    "--plan %(path)s`",
                    path=out,
                    adapter=name,
                )
            )
        )


@sync_app.command("apply")
@with_adapter_options
def apply_cmd(
    ctx: typer.Context,
    what: What = typer.Argument(None, help=N_("What to push (without --plan).")),
    source: Path = typer.Argument(None, help=N_("The model or workforce file (without --plan).")),
    plan_file: Path = typer.Option(None, "--plan", help=N_("A plan saved by `plan --out`.")),
    model: Path = typer.Option(None, "--model", help=N_("The model a workforce file belongs to.")),
    prune: bool = typer.Option(False, "--prune", help=N_("Delete remote objects missing locally.")),
    previous: str = PreviousOption,
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
    options: AdapterOptions = AdapterOptions(),
) -> None:
    """Carry out a saved plan (--plan), or plan and apply at once; refuses a stale plan."""
    from competency_core.io import load_model
    from competency_core.sync import Plan, SyncEngine

    name = ctx.meta["competency_adapter"]
    if (plan_file is None) == (what is None or source is None):
        guarded(fmt, _raise(cli_tr()._("give either --plan FILE, or what to push and its file")))

    def run() -> tuple[Plan, ApplyReport]:
        adapter = options.adapter(name)
        with sync_state(store) as state:
            engine = SyncEngine(adapter, state)
            if plan_file is not None:
                plan = Plan.load(plan_file)
                if model is not None:
                    hand_over(adapter, (), load_model(model))
                prepare = getattr(adapter, "prepare", None)
                if callable(prepare):  # an adapter that reads what a saved plan is about
                    prepare(plan)
            else:
                plan = make_plan(engine, what, source, model, prune, previous, store)
                if fmt == OutputFormat.TEXT:
                    print_plan(plan, limit=20)
            return plan, apply_with_progress(engine, plan, fmt)

    plan, report = guarded(fmt, run)
    if fmt == OutputFormat.JSON:
        emit_json({"plan": plan.model_dump(mode="json"), "report": report.model_dump(mode="json")})
    else:
        print_report(report)
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _raise(message: str) -> Callable[[], None]:
    def fn() -> None:
        raise CompetencyError(message)

    return fn


@sync_app.command("pull")
@with_adapter_options
def pull_cmd(
    ctx: typer.Context,
    what: PullWhat = typer.Argument(
        ..., help=N_("model, people, ratings, assignments, workforce or completions.")
    ),
    key: str = typer.Option(None, "--key", help=N_("The model's key (for model).")),
    model_key: str = typer.Option(None, "--model-key", help=N_("The model a workforce is for.")),
    out: Path = typer.Option(None, "--out", "-o", help=N_("Write to this YAML/JSON file.")),
    model_file: Path = typer.Option(
        None, "--model", help=N_("The model file (for adapters that map ratings with it).")
    ),
    people_file: Path = typer.Option(
        None, "--people", help=N_("A workforce file whose people to read (for adapters that ask).")
    ),
    into_store: bool = typer.Option(
        False,
        "--into-store",
        help=N_(
            "Write what was pulled into the store: people upserted by key, ratings and "
            "completed courses added (none twice), learning assignments upserted."
        ),
    ),
    store: str = typer.Option(
        None,
        "--store",
        help=N_(
            "The store, a SQLite file or a database URL: where --into-store writes "
            "(default: $COMPETENCY_STORE, else $COMPETENCY_STORE_URL, else "
            "./competency.sqlite3), and, without --people, whose people to read."
        ),
        show_default=False,
    ),
    fmt: OutputFormat = FormatOption,
    options: AdapterOptions = AdapterOptions(),
) -> None:
    """Read a model, people, ratings, learning assignments or completed courses remotely.

    Completed courses (completions) are the model's learning resources people completed,
    as course evidence. With --into-store they are written into the store (where gap,
    readiness, plan and the other commands read the people with --store) and counted.
    """
    from competency_core.io import dumps, load_model, load_workforce, write_atomic
    from competency_core.people import Workforce
    from competency_core.sync import Capability

    name = ctx.meta["competency_adapter"]
    skipped: list[Problem] = []
    notes: list[str] = []

    def run() -> Any:
        if into_store and what is PullWhat.MODEL:
            raise CompetencyError(
                cli_tr()._(
                    "--into-store takes people, ratings, assignments or workforce; store a "
                    "pulled model with --out FILE, then competency model import FILE"
                )
            )
        adapter = options.adapter(name)
        local_model = load_model(model_file) if model_file else None
        if people_file is not None and store is not None and not into_store:
            raise CompetencyError(
                cli_tr()._("read the people from --people FILE or --store URL, not both")
            )
        if people_file is not None or local_model is not None:
            wf = load_workforce(people_file, local_model) if people_file else None
            hand_over(adapter, wf.people if wf else (), local_model)
        if people_file is None and what not in PEOPLE_FREE:
            from competency_core.cli.workforce_source import default_store

            source = store if store is not None else default_store() if into_store else None
            if source is not None:
                hand_over(adapter, stored_people(source))
        try:
            if what is PullWhat.MODEL:
                adapter.require(Capability.PULL_MODEL)
                return adapter.pull_model(key)
            parts: dict[str, Any] = {
                "model": model_key or key or (local_model.key if local_model else None)
            }
            if what in (PullWhat.PEOPLE, PullWhat.WORKFORCE):
                parts["people"] = tuple(_pull(adapter, Capability.PULL_PEOPLE, "pull_people"))
            if what in (PullWhat.RATINGS, PullWhat.WORKFORCE):
                parts["assessments"] = tuple(
                    _pull(adapter, Capability.PULL_RATINGS, "pull_ratings")
                )
            if what in (PullWhat.ASSIGNMENTS, PullWhat.WORKFORCE):
                parts["assignments"] = tuple(
                    _pull(adapter, Capability.PULL_LEARNING, "pull_assignments")
                )
            if what is PullWhat.COMPLETIONS:
                parts["evidence"] = tuple(
                    _pull(adapter, Capability.PULL_COMPLETIONS, "pull_completions")
                )
            return Workforce.model_validate(parts)
        finally:
            skipped.extend(getattr(adapter, "skipped", []))
            notes.extend(getattr(adapter, "notes", []))

    result = guarded(fmt, run)
    t = cli_tr()
    for p in skipped:
        err_console.print("[yellow]" + escape(t._("skipped")) + f"[/yellow] {escape(str(p))}")
    if fmt == OutputFormat.TEXT:
        for n in notes:
            err_console.print(
                ("[yellow]" + escape(t._("note")) + f"[/yellow] {escape(str(n))}"),
                highlight=False,
            )
        if isinstance(result, Workforce):
            parts = [
                t.n_("%(n)s person", "%(n)s people", len(result.people)),
                t.n_("%(n)s rating", "%(n)s ratings", len(result.assessments)),
                t.n_(
                    "%(n)s learning assignment",
                    "%(n)s learning assignments",
                    len(result.assignments),
                ),
            ]
            if result.evidence:
                parts.append(
                    t.n_("%(n)s completed course", "%(n)s completed courses", len(result.evidence))
                )
            err_console.print(
                escape(
                    t._(
                        "Pulled: %(counts)s from %(adapter)s.",
                        counts=", ".join(parts),
                        adapter=name,
                    )
                )
            )
    if into_store:
        counts = guarded(fmt, lambda: store_pulled(result, store))
        if out is not None:
            write_atomic(out, dumps(result, "json" if str(out).endswith(".json") else "yaml"))
        if fmt == OutputFormat.JSON:
            emit_json(
                counts
                | {
                    "written": str(out) if out else None,
                    "skipped": [problem_dict(p) for p in skipped],
                }
            )
        else:
            line = t._(
                "Stored in %(store)s: %(people)s people upserted, %(ratings)s ratings added "
                "(%(ratings_there)s already there), %(assignments)s learning assignments "
                "upserted",
                store=counts["store"],
                people=counts["people"],
                ratings=counts["ratings_added"],
                ratings_there=counts["ratings_already_stored"],
                assignments=counts["assignments"],
            )
            if result.evidence:
                line += ", " + t._(
                    "%(added)s completed courses added (%(there)s already there)",
                    added=counts["evidence_added"],
                    there=counts["evidence_already_stored"],
                )
            if out:
                line += "; " + t._("written to %(path)s", path=out)
            console.print(escape(line + "."))
        return
    if out is not None:
        write_atomic(out, dumps(result, "json" if str(out).endswith(".json") else "yaml"))
        if fmt == OutputFormat.JSON:
            emit_json({"written": str(out), "skipped": [problem_dict(p) for p in skipped]})
        else:
            console.print(escape(t._("written to %(path)s", path=out)))
    elif fmt == OutputFormat.JSON:
        emit_json(json.loads(dumps(result, "json")))
    else:
        console.print(dumps(result, "yaml"), markup=False, end="")


def store_pulled(workforce: Workforce, store: str | None) -> dict[str, Any]:
    """Write a pulled workforce into the store, in one transaction; the counts.

    People are upserted by key, ratings added unless the store holds an identical one for
    the model, learning assignments upserted (by person, resource and date), other
    evidence (completed courses) added unless the store holds a piece with the same id.
    Ratings, assignments and evidence need the model's key (``--model-key`` or
    ``--model``); their people must be in the store or pulled with them.
    """
    from competency_core.cli.workforce_source import default_store
    from competency_core.store import Store

    key = workforce.model
    if key is None and (workforce.assessments or workforce.assignments or workforce.evidence):
        raise CompetencyError(
            cli_tr()._(
                "ratings, learning assignments and evidence are stored for a model: name it "
                "with --model-key KEY (or --model FILE)"
            )
        )
    with Store(store or default_store()) as s, s.transaction():
        people = s.upsert_people(workforce.people)
        added = s.add_assessments(workforce.assessments, model=key, skip_identical=True)
        assigned = (
            s.add_assignments(workforce.assignments, model=key)
            if key is not None and workforce.assignments
            else 0
        )
        evidence = s.add_evidence(workforce.evidence, model=key) if workforce.evidence else 0
        where = s.display_url
    return {
        "store": where,
        "model": key,
        "people": people,
        "ratings_added": added,
        "ratings_already_stored": len(workforce.assessments) - added,
        "assignments": assigned,
        "evidence_added": evidence,
        "evidence_already_stored": len(workforce.evidence) - evidence,
    }


PEOPLE_FREE = frozenset({PullWhat.MODEL, PullWhat.PEOPLE})
"""What ``pull`` reads without being told whose (the rest reads the people of --store)."""


def stored_people(store: str) -> list[Any]:
    """The people a store holds (whose ratings or completions a pull reads)."""
    from competency_core.store import Store

    with Store(store) as s:
        return s.people()


def _pull(adapter: Adapter[Any], capability: Capability, method: str) -> Iterator[Any]:
    from rich.progress import Progress, TextColumn

    adapter.require(capability)
    items: Iterator[Any] = getattr(adapter, method)()
    show = err_console.is_terminal
    what = method.removeprefix("pull_")
    with Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.completed}"),
        console=err_console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task(f"pulling {what} from {adapter.name}", total=None)
        for n, item in enumerate(items, 1):
            if n % 50 == 0:
                bar.update(task, completed=n)
            yield item


@commands.command()
def adapters(fmt: OutputFormat = FormatOption) -> None:
    """List the installed adapters, what each can do, and the plugin that provides it."""
    from competency_core.plugins import plugin_registry

    found = guarded(fmt, lambda: plugin_registry().adapters())
    rows: list[dict[str, Any]] = []
    for info in found.values():
        cls = info.adapter
        fields = cls.settings_model.model_fields
        rows.append(
            {
                "name": cls.name,
                "title": cls.title,
                "capabilities": sorted(c.value for c in cls.capabilities),
                "plugin": info.plugin.name,
                "distribution": info.plugin.distribution,
                "version": info.plugin.version,
                "settings": [
                    {
                        "name": n,
                        "required": f.is_required(),
                        "secret": "SecretStr" in str(f.annotation),
                        "description": f.description,
                    }
                    for n, f in fields.items()
                ],
            }
        )
    if fmt == OutputFormat.JSON:
        emit_json(rows)
        return
    t = cli_tr()
    built_in = t._("built in")
    console.print(
        simple_table(
            t.n_("%(n)s adapter", "%(n)s adapters", len(rows)),
            [t._("name"), t._("can"), t._("plugin"), t._("description")],
            [
                (
                    r["name"],
                    ", ".join(r["capabilities"]),
                    f"{r['plugin']} ({r['distribution'] or built_in} {r['version'] or ''})".strip(),
                    r["title"],
                )
                for r in rows
            ],
        )
    )


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """``competency sync ...`` and ``competency adapters``."""
    app.add_typer(commands)


__all__ = [
    "ADAPTER_PARAMETERS",
    "AdapterOptions",
    "adapters",
    "apply_cmd",
    "make_adapter",
    "parse_settings",
    "plan_cmd",
    "pull_cmd",
    "register_commands",
    "sync_app",
    "with_adapter_options",
]
