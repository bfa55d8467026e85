"""Where a command reads the workforce from: a file (``--people``) or the store (``--store``).

Every command that scores or lists people takes the pair of options declared here and
calls :func:`load_people`. ``--people FILE`` reads a workforce file; ``--store URL`` (a
SQLite file or a database URL) reads the people the store holds, with their assessments
and learning assignments of the command's model, as they stood on the command's date
(``--on``; :meth:`~competency_core.store.Store.workforce`). With neither, the store named
by ``$COMPETENCY_STORE`` (else ``$COMPETENCY_STORE_URL``) is read; with none of these,
the command says what to pass and exits with code 2.

Only typer is imported here; the loaders are imported when a workforce is read.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from competency_core.console import EXIT_USAGE, OutputFormat, cli_tr, fail, print_error
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce

STORE_ENV_VARS = ("COMPETENCY_STORE", "COMPETENCY_STORE_URL")
"""The environment variables that name the default store, in order of precedence."""

LEVELS_TABLE_SUFFIXES = (".parquet", ".arrow", ".feather", ".ipc", ".csv")
"""``--people`` files that are tables of levels, not workforce files (as
:data:`competency_core.scale.tables.TABLE_SUFFIXES`, kept here so that reading a workforce
loads no table code)."""

PEOPLE_HELP = N_("Workforce file: people, their assessments and learning assignments.")
STORE_HELP = N_(
    "Read the people from this store instead of a file: a SQLite file or a database URL "
    "(default without --people: $COMPETENCY_STORE, else $COMPETENCY_STORE_URL)."
)


def people_option(*names: str, help: str = PEOPLE_HELP) -> Any:
    """The ``--people FILE`` option (optional: the store is the other source)."""
    return typer.Option(None, *(names or ("--people", "-p")), help=help, show_default=False)


def store_option(*names: str, help: str = STORE_HELP) -> Any:
    """The ``--store URL`` option that makes the store the source of the workforce."""
    return typer.Option(None, *(names or ("--store",)), help=help, show_default=False)


PeopleOption = people_option()
StoreOption = store_option()


def default_store() -> str | None:
    """The store the environment names (``$COMPETENCY_STORE``, ``$COMPETENCY_STORE_URL``)."""
    for name in STORE_ENV_VARS:
        if value := os.environ.get(name, "").strip():
            return value
    return None


def _usage(message: str, fmt: OutputFormat) -> NoReturn:
    """End the command with ``message`` (exit 2; ``{"errors": [...]}`` in JSON)."""
    if fmt == OutputFormat.JSON:
        from competency_core.problems import Problem

        fail([Problem(path="", message=message)], fmt)
    print_error(message)
    raise typer.Exit(EXIT_USAGE)


def load_people(
    model: CompetencyModel,
    people: Path | None,
    store: str | None,
    fmt: OutputFormat,
    *,
    on: dt.date | dt.datetime | None = None,
    required: bool = True,
    people_flag: str = "--people FILE",
) -> Workforce | None:
    """The workforce for ``model`` from ``--people`` or the store, checked against the model.

    ``on`` is the day the store's workforce is read as of (default: today). When the
    people are not ``required`` (they add to what the command does) they are read only
    from ``--people`` or ``--store``, else ``None``; when they are, the default store
    (``$COMPETENCY_STORE``) is read, and without one the command ends (exit 2) saying
    what to pass. Problems (an invalid file, people or assessments that do not fit the model) end
    it too, each named.
    """
    from competency_core.errors import CompetencyError, ModelValidationError

    if people is not None and store is not None:
        _usage(
            cli_tr()._("read the people from %(flag)s or --store URL, not both", flag=people_flag),
            fmt,
        )
    if people is not None and people.suffix.lower() in LEVELS_TABLE_SUFFIXES:
        _usage(
            cli_tr()._(
                "%(path)s is a table of levels: only competency readiness and competency fit "
                "read it, with --engine",
                path=people,
            ),
            fmt,
        )
    if people is not None:
        from competency_core.io import load_workforce

        try:
            return load_workforce(people, model)
        except ModelValidationError as exc:
            fail(
                exc.problems,
                fmt,
                cli_tr()._("%(path)s: the workforce file is invalid", path=people),
            )
    if not required and store is None:
        return None  # optional people are read only when asked for, never by default
    source = store or default_store()
    if source is None:
        _usage(
            cli_tr()._(
                "this needs the people: pass %(flag)s (a workforce file) or --store URL "
                "(a store: a SQLite file such as competency.sqlite3, or a database URL), or "
                "set COMPETENCY_STORE",
                flag=people_flag,
            ),
            fmt,
        )
    from competency_core.io import workforce_problems
    from competency_core.store import Store

    day = on.date() if isinstance(on, dt.datetime) else on
    try:
        with Store(source) as s:
            where = s.display_url
            wf = s.workforce(model, as_of=day)
    except CompetencyError as exc:
        _usage(f"--store: {exc}", fmt)
    problems = [p for p in workforce_problems(wf, model) if p.severity == "error"]
    if problems:
        fail(
            problems,
            fmt,
            cli_tr()._(
                "the store %(where)s: its workforce does not fit model %(model)s",
                where=where,
                model=model.key,
            ),
        )
    return wf


__all__ = [
    "LEVELS_TABLE_SUFFIXES",
    "PEOPLE_HELP",
    "STORE_ENV_VARS",
    "STORE_HELP",
    "PeopleOption",
    "StoreOption",
    "default_store",
    "load_people",
    "people_option",
    "store_option",
]
