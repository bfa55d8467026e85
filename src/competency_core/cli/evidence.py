"""``competency evidence import``: read evidence from Open Badges, xAPI and CSV files.

The readers are :mod:`competency_core.importers.evidence`; the people the evidence is
matched to come from a workforce file (``--people``) or the store (``--store``; see
:mod:`competency_core.cli.workforce_source`). What was read is printed (or written to a
workforce file with ``--out``, or recorded in the store with ``--into-store``), and every
item left out is listed with where it is and why. Only typer and the console are
imported here; the readers are imported when the command runs.
"""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.cli.workforce_source import (
    PeopleOption,
    StoreOption,
    default_store,
    load_people,
)
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
    print_error,
    print_problems,
    reported,
    simple_table,
)
from competency_core.hookspecs import hookimpl
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.importers.evidence import EvidenceImport
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce

commands = typer.Typer()
evidence_app = typer.Typer(
    name="evidence",
    help=N_("Evidence of what people can do: import it from Open Badges, xAPI and CSV."),
    no_args_is_help=True,
)
commands.add_typer(evidence_app, name="evidence")


class EvidenceFormat(StrEnum):
    """The formats ``competency evidence import`` reads."""

    BADGE = "badge"
    XAPI = "xapi"
    CSV = "csv"


def _usage(message: str, fmt: OutputFormat) -> Any:
    from competency_core.problems import Problem

    if fmt == OutputFormat.JSON:
        fail([Problem(path="", message=message)], fmt)
    print_error(message)
    raise typer.Exit(EXIT_USAGE)


def _password(variable: str | None, user: str | None, fmt: OutputFormat) -> Any:
    """The LRS password from the environment variable named, as a secret."""
    from pydantic import SecretStr

    if user is None:
        if variable is not None:
            _usage(cli_tr()._("--lrs-password-env needs --lrs-user (the LRS user)"), fmt)
        return None
    if variable is None:
        _usage(
            cli_tr()._(
                "--lrs-user needs --lrs-password-env VAR: the name of the environment variable "
                "holding the password (never the password itself)"
            ),
            fmt,
        )
    value = os.environ.get(str(variable))
    if not value:
        _usage(
            cli_tr()._(
                "the environment variable %(name)s (--lrs-password-env) is not set",
                name=variable,
            ),
            fmt,
        )
    return SecretStr(str(value))


def _read(
    kind: EvidenceFormat,
    sources: list[Path],
    model: CompetencyModel,
    workforce: Workforce,
    *,
    lrs: str | None,
    lrs_user: str | None,
    password: Any,
    since: dt.datetime | None,
    until: dt.datetime | None,
    xapi_version: str,
    activity_prefix: str | None,
    encoding: str,
    delimiter: str | None,
) -> EvidenceImport:
    from competency_core.importers.evidence import (
        EvidenceImport,
        LrsClient,
        read_badges,
        read_evidence_csv,
        read_xapi_files,
        read_xapi_lrs,
    )

    people = workforce.people
    if kind is EvidenceFormat.BADGE:
        return read_badges(sources, model, people)
    if kind is EvidenceFormat.CSV:
        return read_evidence_csv(sources, model, people, encoding=encoding, delimiter=delimiter)
    result = read_xapi_files(sources, model, people, activity_prefix=activity_prefix)
    if lrs is not None:
        client = LrsClient(lrs, username=lrs_user, password=password, version=xapi_version)
        result = EvidenceImport.combined(
            [
                result,
                read_xapi_lrs(
                    client,
                    model,
                    people,
                    since=since,
                    until=until,
                    activity_prefix=activity_prefix,
                ),
            ]
        )
    return result


def _merged(workforce: Workforce, model: CompetencyModel, result: EvidenceImport) -> Workforce:
    """The workforce with the imported evidence added (a piece it holds is kept once)."""
    held = {(e.person, e.id) for e in workforce.evidence}
    new = [e for e in result.evidence if (e.person, e.id) not in held]
    unique = {(e.person, e.id): e for e in reversed(new)}  # the first of repeats wins
    added = [e for e in new if unique.get((e.person, e.id)) is e]
    return workforce.model_copy(
        update={
            "model": workforce.model or model.key,
            "evidence": workforce.evidence + tuple(added),
        }
    )


EVIDENCE_KINDS = {
    "rating": N_("rating"),
    "certification": N_("certification"),
    "badge": N_("badge"),
    "course": N_("course"),
    "xapi": N_("xAPI statement"),
}
"""Kinds of evidence as the import names them (translated where used)."""


def _kind(value: str) -> str:
    return cli_tr()._(EVIDENCE_KINDS[value]) if value in EVIDENCE_KINDS else value


def _print(kind: EvidenceFormat, result: EvidenceImport) -> None:
    counts: dict[str, int] = {}
    for e in result.evidence:
        counts[e.kind.value] = counts.get(e.kind.value, 0) + 1
    t = cli_tr()
    by_kind = ", ".join(f"{n} {_kind(k)}" for k, n in sorted(counts.items()))
    read = t.n_(
        "Read %(n)s piece of evidence",
        "Read %(n)s pieces of evidence",
        len(result.evidence),
    )
    console.print(
        f"[bold]{escape(read)}[/bold]"
        + escape(f" ({by_kind})" if by_kind else "")
        + " "
        + escape(
            t._(
                "from %(kind)s sources; skipped %(skipped)s",
                kind=kind.value,
                skipped=len(result.skipped),
            )
        )
    )
    if result.evidence:
        rows = [
            (
                e.person,
                _kind(e.kind.value),
                e.competency or t._("course %(resource)s", resource=e.resource),
                "-" if e.level is None else str(e.level),
                e.date.isoformat(),
                e.valid_until.isoformat() if e.valid_until else "-",
                e.asserted_by or "-",
                e.name or "-",
            )
            for e in result.evidence
        ]
        console.print(
            simple_table(
                None,
                [
                    t._("person"),
                    t._("kind"),
                    t._("about"),
                    t._("level"),
                    t._("date"),
                    t._("valid until"),
                    t._("asserted by"),
                    t._("name"),
                ],
                rows,
            )
        )
    if result.skipped:
        skipped = t._("Skipped %(n)s:", n=len(result.skipped))
        err_console.print(f"[yellow]{escape(skipped)}[/yellow]")
        print_problems([s.as_problem() for s in result.skipped])


@evidence_app.command("import")
def import_command(
    kind: EvidenceFormat = typer.Argument(
        ..., help=N_("What the sources hold: badge (Open Badges 3.0), xapi or csv.")
    ),
    sources: list[Path] = typer.Argument(
        None,
        help=N_("Files or directories to read (for xapi, none is needed with --lrs)."),
        show_default=False,
    ),
    model: Path = typer.Option(
        ..., "--model", "-m", help=N_("The model file the evidence is matched to (YAML or JSON).")
    ),
    people: Path = PeopleOption,
    store: str = StoreOption,
    into_store: bool = typer.Option(
        False,
        "--into-store",
        help=N_(
            "Record the evidence in the store (--store URL, else $COMPETENCY_STORE); "
            "pieces it already holds are left out."
        ),
    ),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help=N_("Write the workforce with the evidence added (an evidence: section) to FILE."),
        show_default=False,
    ),
    activity_prefix: str = typer.Option(
        None,
        "--activity-prefix",
        help=N_(
            "xapi: an activity id made of this URL + a competency's (or resource's) key "
            "names it, e.g. https://lms.example.com/competencies/"
        ),
        show_default=False,
    ),
    lrs: str = typer.Option(
        None,
        "--lrs",
        help=N_("xapi: read the statements of this Learning Record Store (its xAPI endpoint)."),
        show_default=False,
    ),
    lrs_user: str = typer.Option(None, "--lrs-user", help=N_("xapi: the LRS user (basic auth).")),
    lrs_password_env: str = typer.Option(
        None,
        "--lrs-password-env",
        help=N_("xapi: the environment variable that holds the LRS password."),
        show_default=False,
    ),
    since: dt.datetime = typer.Option(
        None,
        "--since",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help=N_("xapi: only statements the LRS stored from then (a date is its midnight, UTC)."),
        show_default=False,
    ),
    until: dt.datetime = typer.Option(
        None,
        "--until",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help=N_("xapi: only statements the LRS stored until then."),
        show_default=False,
    ),
    xapi_version: str = typer.Option(
        "1.0.3",
        "--xapi-version",
        help=N_("xapi: the X-Experience-API-Version sent (1.0.3, 2.0.0)."),
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help=N_("csv: the files' encoding.")),
    delimiter: str = typer.Option(
        None,
        "--delimiter",
        help=N_("csv: the delimiter (default: guessed from the header)."),
        show_default=False,
    ),
    strict: bool = typer.Option(
        False, "--strict", help=N_("Exit with code 1 when anything was skipped.")
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Import evidence (badges, xAPI statements, certifications and courses) for a model.

    Every item is matched to a person (by email or key) and to a competency or learning
    resource of the model (by key, reference URI or URL); what cannot be is skipped and
    listed with its file, place and reason. Nothing is written without --out or
    --into-store. Exit code 0, or 1 with --strict when items were skipped; 2 when a source
    cannot be read at all.
    """
    lrs_options = [n for n, v in (("--lrs", lrs), ("--since", since), ("--until", until)) if v]
    if kind is not EvidenceFormat.XAPI and (lrs_options or activity_prefix):
        _usage(
            cli_tr()._(
                "%(options)s only apply to xapi sources",
                options=", ".join(lrs_options or ["--activity-prefix"]),
            ),
            fmt,
        )
    if not sources and lrs is None:
        _usage(
            cli_tr()._("give the files or directories to read (or --lrs URL)")
            if kind is EvidenceFormat.XAPI
            else cli_tr()._("give the files or directories to read"),
            fmt,
        )
    if (since or until) and lrs is None:
        _usage(cli_tr()._("--since and --until filter what an LRS returns: give --lrs URL"), fmt)
    if people is not None and store is not None and not into_store:
        _usage(
            cli_tr()._(
                "read the people from --people FILE or --store URL, not both (with "
                "--into-store, --store is where the evidence is recorded)"
            ),
            fmt,
        )
    password = _password(lrs_password_env, lrs_user, fmt)
    sink = None
    if into_store:
        sink = store or default_store()
        if sink is None:
            _usage(
                cli_tr()._("--into-store needs a store: pass --store URL or set COMPETENCY_STORE"),
                fmt,
            )
    from competency_core.cli.core import load_model_or_fail

    m = load_model_or_fail(model, fmt)
    wf = load_people(m, people, None if people is not None else store, fmt)
    assert wf is not None  # required: load_people ends the command without people
    with reported(fmt):
        result = _read(
            kind,
            list(sources or []),
            m,
            wf,
            lrs=lrs,
            lrs_user=lrs_user,
            password=password,
            since=since,
            until=until,
            xapi_version=xapi_version,
            activity_prefix=activity_prefix,
            encoding=encoding,
            delimiter=delimiter,
        )
    stored = None
    where = sink
    if sink is not None and result.evidence:
        from competency_core.errors import UnknownKeyError
        from competency_core.store import Store

        with reported(fmt), Store(sink) as s:
            where = s.display_url
            try:
                stored = s.add_evidence(result.evidence, model=m.key)
            except UnknownKeyError as exc:
                _usage(
                    cli_tr()._(
                        "the store %(where)s has no person %(key)s, so nothing was recorded: "
                        "store the people first (competency model import-workforce FILE, or a "
                        "sync pull of people --into-store), or read them from the store "
                        "(--store URL without --people)",
                        where=where,
                        key=repr(exc.key),
                    ),
                    fmt,
                )
    elif sink is not None:
        stored = 0
    if out is not None:
        from competency_core.io import save_workforce

        with reported(fmt):
            save_workforce(_merged(wf, m, result), out)
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "format": kind.value,
                "model": m.key,
                "imported": len(result.evidence),
                "skipped": len(result.skipped),
                "stored": stored,
                "out": None if out is None else str(out),
                "evidence": [
                    e.model_dump(mode="json", exclude_defaults=True) for e in result.evidence
                ],
                "skipped_items": [s.model_dump(mode="json") for s in result.skipped],
            }
        )
    else:
        _print(kind, result)
        t = cli_tr()
        if stored is not None:
            console.print(
                escape(
                    t.n_(
                        "recorded %(n)s new piece in the store %(where)s",
                        "recorded %(n)s new pieces in the store %(where)s",
                        stored,
                        where=where,
                    )
                )
            )
        if out is not None:
            console.print(escape(t._("wrote %(path)s", path=out)))
    if strict and result.skipped:
        raise typer.Exit(EXIT_FINDINGS)


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the ``evidence`` commands."""
    app.add_typer(commands)


__all__ = ["EvidenceFormat", "evidence_app"]
