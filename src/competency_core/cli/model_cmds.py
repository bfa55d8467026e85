"""``competency model ...``: the lifecycle on the store, and ``competency diff OLD NEW``.

Every ``model`` command works on the store given by ``--store`` (a SQLite file or a
database URL), else ``$COMPETENCY_STORE_URL``, else ``./competency.sqlite3``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from competency_core.store import ModelVersionRecord, Store, WorkforceCheck
    from competency_core.versioning import (
        ModelDiff,
    )


from competency_core import wording
from competency_core.console import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    err_console,
    escape,
    fail,
    print_problems,
    problem_dict,
    reported,
    simple_table,
)
from competency_core.errors import ModelValidationError
from competency_core.hookspecs import hookimpl
from competency_core.i18n import N_

commands = typer.Typer()


model_app = typer.Typer(
    name="model",
    help=N_("Move models through draft, pilot, approval and publication on the store."),
    no_args_is_help=True,
)
commands.add_typer(model_app, name="model")

StoreOption = typer.Option(
    None,
    "--store",
    "-s",
    help=N_(
        "Store: a SQLite file or a database URL (default: $COMPETENCY_STORE_URL, "
        "else ./competency.sqlite3)."
    ),
    show_default=False,
)
ByOption = typer.Option(None, "--by", help=N_("Who does it (recorded in the history)."))
CommentOption = typer.Option(None, "--comment", "-c", help=N_("Why (recorded in the history)."))
RevisionOption = typer.Option(
    None,
    "--revision",
    help=N_("The revision you read (from `model status`); refused if someone wrote since."),
)


def _open(store: str | None) -> Store:
    from competency_core.store import Store

    return Store(store)


def _short(rec: ModelVersionRecord) -> dict[str, Any]:
    return {
        "model": rec.key,
        "version": rec.version,
        "status": rec.status.value,
        "revision": rec.revision,
        "content_hash": rec.content_hash,
        "based_on": rec.based_on,
        "published_at": rec.published_at,
        "published_by": rec.published_by,
        "review_date": rec.model.metadata.review_date,
        "approvals": [a.model_dump(mode="json") for a in rec.model.metadata.approvals],
        "missing_approvals": [
            a
            for a in rec.model.metadata.required_approvers
            if a not in {x.approver for x in rec.model.metadata.approvals}
        ],
    }


def _done(rec: ModelVersionRecord, fmt: OutputFormat, what: str) -> None:
    from competency_core.model import LifecycleStatus

    if fmt == OutputFormat.JSON:
        emit_json(_short(rec))
        return
    t = cli_tr()
    console.print(
        f"[green]{escape(what)}[/green]: "
        + escape(
            t._(
                "%(key)s %(version)s is %(status)s (revision %(revision)s, content hash %(hash)s)",
                key=rec.key,
                version=rec.version,
                status=_status(rec.status.value),
                revision=rec.revision,
                hash=rec.content_hash[:12],
            )
        )
    )
    missing = _short(rec)["missing_approvals"]
    if rec.status == LifecycleStatus.PILOT and missing:
        console.print(
            "  " + escape(t._("still needs the approval of: %(who)s", who=", ".join(missing)))
        )


def _status(value: str) -> str:
    """A version's status as the store commands write it."""
    return wording.status(cli_tr(), value)


@model_app.command("import")
def import_(
    file: Path = typer.Argument(..., help=N_("A model file (YAML or JSON).")),
    store: str = StoreOption,
    by: str = ByOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Store a model file as a version (a new model, or another version of one)."""
    from competency_core.io import load_model

    with _open(store) as s:
        _done(s.add_model(load_model(file), actor=by), fmt, cli_tr()._("imported"))


@model_app.command("save")
def save(
    file: Path = typer.Argument(..., help=N_("The edited draft (YAML or JSON).")),
    revision: int = typer.Option(..., help=N_("The revision you started from (`model status`).")),
    store: str = StoreOption,
    by: str = ByOption,
    comment: str = CommentOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Replace the content of the working draft with an edited file."""
    from competency_core.io import load_model

    model = load_model(file)
    with _open(store) as s:
        current = s.get(model.key)
        rec = s.save_draft(
            model, revision=revision, version=current.version, actor=by, comment=comment
        )
        _done(rec, fmt, cli_tr()._("saved"))


@model_app.command("export")
def export(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    out: Path = typer.Option(
        ..., "--out", "-o", help=N_("File to write (YAML, or JSON by extension).")
    ),
    version: str = typer.Option(
        None, help=N_("Version (default: working, else latest published).")
    ),
    store: str = StoreOption,
) -> None:
    """Write a stored version to a file (to edit a draft, or to hand out a published one)."""
    from competency_core.io import save_model

    with _open(store) as s:
        rec = s.get(key, version)
    save_model(rec.model, out)
    console.print(
        escape(
            cli_tr()._(
                "wrote %(key)s %(version)s (%(status)s) to %(path)s",
                key=rec.key,
                version=rec.version,
                status=_status(rec.status.value),
                path=out,
            )
        )
    )


@model_app.command("pilot")
def pilot(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    store: str = StoreOption,
    by: str = ByOption,
    comment: str = CommentOption,
    revision: int = RevisionOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Draft -> pilot. The version is settled from the changes since the last publication."""
    with _open(store) as s:
        _done(
            s.start_pilot(key, revision=revision, actor=by, comment=comment),
            fmt,
            cli_tr()._("piloting"),
        )


@model_app.command("to-draft")
def to_draft(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    store: str = StoreOption,
    by: str = ByOption,
    comment: str = CommentOption,
    revision: int = RevisionOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Pilot or approved -> draft, for refinement (recorded approvals are withdrawn)."""
    with _open(store) as s:
        rec = s.return_to_draft(key, revision=revision, actor=by, comment=comment)
        _done(rec, fmt, cli_tr()._("back to draft"))


@model_app.command("approve")
def approve(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    approver: str = typer.Option(
        ..., "--as", help=N_("The approving body, as the model names it.")
    ),
    by: str = typer.Option(..., "--by", help=N_("The person approving.")),
    comment: str = CommentOption,
    store: str = StoreOption,
    revision: int = RevisionOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Record an approval of the piloted version; the last one needed approves it."""
    with _open(store) as s:
        rec = s.approve(key, approver, by, comment=comment, revision=revision)
        _done(rec, fmt, cli_tr()._("approved as %(approver)s", approver=approver))


@model_app.command("publish")
def publish(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    by: str = typer.Option(None, "--by", help=N_("Who publishes.")),
    comment: str = CommentOption,
    store: str = StoreOption,
    revision: int = RevisionOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Approved -> published, after a clean lint. The version becomes immutable."""
    with _open(store) as s:
        _done(
            s.publish(key, by=by, revision=revision, comment=comment), fmt, cli_tr()._("published")
        )


@model_app.command("retire")
def retire(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    version: str = typer.Option(None, help=N_("Version to retire (default: latest published).")),
    store: str = StoreOption,
    by: str = ByOption,
    comment: str = CommentOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Published -> retired (kept unchanged, no longer current)."""
    from competency_core.model import LifecycleStatus

    with _open(store) as s:
        rec = s.transition(key, LifecycleStatus.RETIRED, actor=by, comment=comment, version=version)
        _done(rec, fmt, cli_tr()._("retired"))


@model_app.command("new-draft")
def new_draft(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    from_version: str = typer.Option(None, "--from", help=N_("Start from this published version.")),
    store: str = StoreOption,
    by: str = ByOption,
    comment: str = CommentOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Start the next version as a draft, from the latest (or a given) published version."""
    with _open(store) as s:
        rec = s.new_draft(key, actor=by, from_version=from_version, comment=comment)
        _done(rec, fmt, cli_tr()._("new draft"))


@model_app.command("discard")
def discard(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    store: str = StoreOption,
    by: str = ByOption,
    revision: int = RevisionOption,
) -> None:
    """Delete the working (unpublished) version."""
    with _open(store) as s:
        s.discard_draft(key, revision=revision, actor=by)
    console.print(escape(cli_tr()._("discarded the working version of %(key)s", key=key)))


@model_app.command("status")
def status(
    key: str = typer.Argument(None, help=N_("A model's key (default: every model).")),
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Where each model stands: working version, latest published, approvals, review date."""
    from competency_core.model import LifecycleStatus

    with _open(store) as s:
        keys = [key] if key else s.model_keys()
        versions = {k: s.versions(k) for k in keys}
        due = {d.model: d.reason for d in s.due_for_review()}
    if fmt == OutputFormat.JSON:
        emit_json({k: [_short(v) for v in vs] for k, vs in versions.items()})
        return
    rows = []
    for k, vs in versions.items():
        for v in vs if key else vs[-2:]:
            info = _short(v)
            rows.append(
                (k, v.version, _status(v.status.value), v.revision, v.content_hash[:12],
                 ", ".join(info["missing_approvals"]) if v.status == LifecycleStatus.PILOT else "",
                 info["review_date"] or "", due.get(k, "") if v.status == LifecycleStatus.PUBLISHED else "")
            )  # fmt: skip
    t = cli_tr()
    console.print(
        simple_table(
            t._("Store %(where)s", where=s.display_url),
            [
                t._("model"),
                t._("version"),
                t._("status"),
                t._("revision"),
                t._("hash"),
                t._("awaiting"),
                t._("review"),
                t._("due"),
            ],
            rows,
        )
    )


@model_app.command("history")
def history(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Everything that happened to a model: imports, edits, transitions, approvals."""
    with _open(store) as s:
        events = s.history(key)
    if fmt == OutputFormat.JSON:
        emit_json([e.model_dump(mode="json") for e in events])
        return
    rows = [
        (f"{e.at:%Y-%m-%d %H:%M}", e.version, e.event, e.status.value if e.status else "",
         e.actor or "", e.comment or "",
         ", ".join(f"{k}={str(v)[:16]}" for k, v in e.details.items()))
        for e in events
    ]  # fmt: skip
    t = cli_tr()
    cols = [
        t._("when (UTC)"),
        t._("version"),
        t._("event"),
        t._("status"),
        t._("by"),
        t._("comment"),
        t._("details"),
    ]
    console.print(simple_table(t._("History of %(key)s", key=key), cols, rows))


def _print_diff(diff: ModelDiff, fmt: str, out: Path | None, exit_code: bool) -> None:
    from competency_core.io import write_atomic
    from competency_core.versioning import render_changelog

    text = render_changelog(diff, version=diff.suggested_version if diff.bump else None)
    if out is not None:
        write_atomic(out, text)
    if fmt == "json":
        emit_json(
            diff.model_dump(mode="json")
            | {"bump": diff.bump, "suggested_version": diff.suggested_version}
        )
    elif fmt == "markdown":
        console.print(text, markup=False, highlight=False)
    else:
        console.print(text.rstrip(), markup=False, highlight=False)
        if out is not None:
            console.print(
                "[dim]" + escape(cli_tr()._("changelog written to %(path)s", path=out)) + "[/dim]"
            )
    if exit_code and not diff.is_empty:
        raise typer.Exit(EXIT_FINDINGS)


DiffFormat = typer.Option("text", "--format", "-f", help=N_("text, markdown or json."))
DiffOut = typer.Option(None, "--out", "-o", help=N_("Also write the Markdown changelog here."))
ExitCode = typer.Option(False, "--exit-code", help=N_("Exit with 1 when the versions differ."))


@model_app.command("diff")
def model_diff(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    old: str = typer.Argument(None, help=N_("Old version (default: the latest published).")),
    new: str = typer.Argument(None, help=N_("New version (default: the working version).")),
    store: str = StoreOption,
    fmt: str = DiffFormat,
    out: Path = DiffOut,
    exit_code: bool = ExitCode,
) -> None:
    """The changes between two stored versions, the suggested bump and the changelog."""
    from competency_core.model import LifecycleStatus
    from competency_core.versioning import diff_models

    with _open(store) as s:
        versions = s.versions(key)
        newer = s.get(key, new)
        if old is None:
            released = [
                v for v in versions
                if v.status in (LifecycleStatus.PUBLISHED, LifecycleStatus.RETIRED)
                and v.version != newer.version
            ]  # fmt: skip
            if not released:
                raise typer.BadParameter(f"{key} has no earlier published version: name OLD")
            old = released[-1].version
        older = s.get(key, old)
    _print_diff(diff_models(older.model, newer.model), fmt, out, exit_code)


@commands.command("diff")
def file_diff(
    old: Path = typer.Argument(..., help=N_("The old model file.")),
    new: Path = typer.Argument(..., help=N_("The new model file.")),
    fmt: str = DiffFormat,
    out: Path = DiffOut,
    exit_code: bool = ExitCode,
) -> None:
    """The changes between two model files, the suggested version bump and the changelog."""
    from competency_core.io import load_model
    from competency_core.versioning import diff_models

    _print_diff(diff_models(load_model(old), load_model(new)), fmt, out, exit_code)


@model_app.command("import-workforce")
def import_workforce(
    file: Path = typer.Argument(
        ..., help=N_("A workforce file (people, assessments, learning assignments).")
    ),
    version: str = typer.Option(
        None, help=N_("Model version the assessments were made against (default: their own).")
    ),
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Store people and assessments, each checked against the model version it names.

    All or nothing: when any row has a problem, nothing is written, one summary per kind
    of problem is printed (with counts and examples) and the exit code is 2.
    """
    from competency_core.io import load_workforce, parse_text, read_text
    from competency_core.problems import Problem

    try:
        wf = load_workforce(file)
    except ModelValidationError as exc:
        fail(exc.problems, fmt, cli_tr()._("%(path)s: the workforce file is invalid", path=file))
    key = wf.model
    if key is None:
        msg = cli_tr()._("the file does not name its model (a top-level `model:` key)")
        fail(
            [Problem(path="model", message=msg, file=str(file))],
            fmt,
            cli_tr()._("%(path)s: no model", path=file),
        )
    with reported(fmt), _open(store) as s, s.transaction():
        check = s.check_workforce(wf, model=key, version=version)
        if not check.ok:
            doc = parse_text(read_text(file), "yaml", str(file))
            _refused(check.located(str(file), doc.line_of), fmt)
        n = s.import_workforce(wf, model=key, version=version, check=False)
    if fmt == OutputFormat.JSON:
        emit_json({"model": key, "people": len(wf.people), "assessments": n,
                   "versions": check.versions})  # fmt: skip
        return
    t = cli_tr()
    on = ", ".join(
        t._("%(n)s on %(version)s", n=c, version=v) for v, c in sorted(check.versions.items())
    )
    line = t._(
        "stored %(people)s people and %(assessments)s assessments for %(model)s",
        people=len(wf.people),
        assessments=n,
        model=key,
    )
    console.print(escape(line + (f" ({on})" if on else "")))


def _refused(check: WorkforceCheck, fmt: OutputFormat) -> NoReturn:
    """Report a refused import: every located row in JSON, one summary per kind in text."""
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "errors": [problem_dict(p) | {"code": p.code} for p in check.problems],
                "summary": [x.model_dump(mode="json") for x in check.summaries],
            }
        )
    else:
        err_console.print(f"[red]{escape(check.headline)}[/red]")
        print_problems([x.as_problem() for x in check.summaries])
    raise typer.Exit(EXIT_USAGE)


@model_app.command("migrate")
def migrate(
    key: str = typer.Argument(..., help=N_("The model's key.")),
    from_version: str = typer.Option(..., "--from", help=N_("Version the assessments are on.")),
    to_version: str = typer.Option(..., "--to", help=N_("Version to carry them to.")),
    mapping: Path = typer.Option(
        None, help=N_("YAML mapping: renames, merges, merge_policy, splits, levels, drop.")
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help=N_("Report only; write nothing.")),
    report: Path = typer.Option(None, "--report", help=N_("Write the Markdown report here.")),
    store: str = StoreOption,
    by: str = ByOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Carry assessments to another version through a mapping; report what was not carried."""
    from pydantic import ValidationError

    from competency_core.io import parse_text, pydantic_problems, read_text, write_atomic
    from competency_core.versioning import MigrationMapping

    m = None
    if mapping is not None:
        doc = parse_text(read_text(mapping), "yaml", str(mapping))
        if doc.problems:
            raise ModelValidationError(
                doc.problems, cli_tr()._("%(path)s: not a valid mapping file", path=mapping)
            )
        try:
            m = MigrationMapping.model_validate(doc.data or {})
        except ValidationError as exc:
            problems = pydantic_problems(exc, doc.data, str(mapping))
            raise ModelValidationError(
                problems, cli_tr()._("%(path)s: not a valid mapping", path=mapping)
            ) from None
    with _open(store) as s:
        rep = s.migrate_assessments(key, from_version, to_version, m, dry_run=dry_run, actor=by)
    if report is not None:
        write_atomic(report, rep.to_markdown())
    if fmt == OutputFormat.JSON:
        emit_json(rep.model_dump(mode="json"))
        return
    console.print(rep.to_markdown(), markup=False, highlight=False)
    if dry_run:
        console.print("[yellow]" + escape(cli_tr()._("dry run: nothing was written")) + "[/yellow]")


@model_app.command("due")
def due(
    on: str = typer.Option(None, help=N_("Date to check (YYYY-MM-DD; default: today).")),
    within: int = typer.Option(0, help=N_("Also list reviews due within this many days.")),
    store: str = StoreOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Published models due for their periodic review."""
    day = dt.date.fromisoformat(on) if on else None
    with _open(store) as s:
        items = s.due_for_review(on=day, within_days=within)
    if fmt == OutputFormat.JSON:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    rows = [(i.model, i.version, i.review_date or "", i.reason) for i in items]
    t = cli_tr()
    console.print(
        simple_table(
            t._("Due for review"),
            [t._("model"), t._("version"), t._("review date"), t._("why")],
            rows,
        )
    )


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


__all__ = ["model_app"]
