"""Terminal output for commands and demo steps: the public API plugins print through.

The built-in commands and every plugin's commands and demo steps (the adapters' among
them) use the same few things: the two consoles, text for people or JSON for machines
(``--format``), problems reported without a traceback (exit 2), tables, and a sync plan
or an apply report as the ``competency sync`` commands print them::

    from competency_core.console import console, print_plan, print_report

    plan = engine.plan_model(model)
    print_plan(plan, limit=8)
    print_report(engine.apply(plan))

Nothing here imports rich until something is printed, so a command module that imports
it stays cheap to load (``competency --help`` loads every command module).

Messages are written in the CLI's language (:func:`choose_language`: ``competency
--language LANG``, else ``COMPETENCY_LANGUAGE``, else the POSIX locale): translate them
with :func:`cli_tr` (``cli_tr()._("%(n)s roles", n=3)``) and format numbers and shares
with :func:`num` and :func:`pct`; the catalogue is the ``cli`` area (docs/cli.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import typer

from competency_core.errors import CompetencyError, ModelValidationError
from competency_core.i18n import N_

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from competency_core.i18n import Translator
    from competency_core.problems import Problem
    from competency_core.sync.engine import SyncEngine
    from competency_core.sync.plan import ApplyReport, Plan

T = TypeVar("T")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# -- the CLI's language ---------------------------------------------------------------

LANGUAGE_ENV = "COMPETENCY_LANGUAGE"
"""The environment variable that names the CLI's language (wins over the POSIX locale)."""

LOCALE_ENVS = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The POSIX locale variables, in the order they are looked at (the first set one wins)."""

_chosen: str | None = None
_tr: Translator | None = None


def language_from_locale(value: str | None) -> str | None:
    """The language of a POSIX locale name: ``sv_SE.UTF-8`` -> ``sv_SE``; ``C``/``POSIX`` -> ``en``.

    None for an empty value. The encoding (``.UTF-8``) and modifier (``@euro``) are dropped.

    >>> language_from_locale("sv_SE.UTF-8"), language_from_locale("C.UTF-8")
    ('sv_SE', 'en')
    """
    if not value:
        return None
    name = value.split(".", 1)[0].split("@", 1)[0].strip()
    if not name or name in ("C", "POSIX"):
        return "en"
    return name


def language_choice(option: str | None = None) -> tuple[str, str]:
    """The CLI's language and where it came from (``option``, the environment, the locale).

    ``--language`` wins, then ``COMPETENCY_LANGUAGE``, then the first of ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` that is set; English when none is.
    """
    import os

    if option:
        return option, "--language"
    if os.environ.get(LANGUAGE_ENV):
        return os.environ[LANGUAGE_ENV], LANGUAGE_ENV
    for name in LOCALE_ENVS:
        found = language_from_locale(os.environ.get(name))
        if found:
            return found, name
    return "en", "default"


def choose_language(option: str | None = None) -> str:
    """Set the CLI's language (see :func:`language_choice`); returns it.

    A language asked for by ``--language`` or ``COMPETENCY_LANGUAGE`` that has no
    catalogue gets a one-line warning on standard error and the English wording; one that
    only comes from the POSIX locale falls back to English quietly (every program reads it).
    """
    global _chosen, _tr
    from competency_core.i18n import normalise_language

    language, source = language_choice(option)
    _chosen, _tr = normalise_language(language), None
    if source in ("--language", LANGUAGE_ENV):
        t = cli_tr()
        if not t.complete:
            err_console.print(
                t._(
                    "warning: no catalogue for language %(language)s (%(source)s); "
                    "the messages stay in English",
                    language=repr(language),
                    source=source,
                ),
                markup=False,
            )
    return _chosen


def cli_language() -> str:
    """The language the CLI writes its messages in (chosen from the environment if unset)."""
    if _chosen is None:
        choose_language()
    assert _chosen is not None
    return _chosen


def cli_tr() -> Translator:
    """The :class:`~competency_core.i18n.Translator` for the CLI's messages.

    English without a user's own English catalogue needs no catalogue at all (reading one
    costs about 0.1 s of start-up), so it is the source wording as written.
    """
    global _tr
    if _tr is None:
        import gettext

        from competency_core.i18n import SOURCE_LANGUAGE, Translator, catalogue_dirs, translator

        language = cli_language()
        own = [d for d in catalogue_dirs()[1:] if (d / language.split("_")[0]).is_dir()]
        if language.split("_")[0] == SOURCE_LANGUAGE and not own:
            _tr = Translator(language, gettext.NullTranslations())
        else:
            _tr = translator(language)
    return _tr


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` in the CLI's language (see :func:`competency_core.keys.did_you_mean`)."""
    from competency_core.keys import did_you_mean as english

    hint = english(word, options)
    head = " (did you mean "
    if not hint or _plain(cli_language()) or not hint.startswith(head):
        return hint
    return " " + cli_tr()._("(did you mean %(key)s?)", key=hint[len(head) : -2])


def _plain(language: str) -> bool:
    return language.split("_")[0] == "en"


def pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage in the CLI's language (``25%``, ``25 %``); ``-`` for None."""
    if value is None:
        return "-"
    if _plain(cli_language()):
        return f"{value:.{digits}%}"
    return cli_tr().percent(value, digits)


def num(value: float | None, digits: int | None = None) -> str:
    """A number in the CLI's language (``1.5``, ``1,5``); ``digits`` fixes the decimals."""
    if value is None:
        return "-"
    if _plain(cli_language()):
        return f"{value:.{digits}f}" if digits is not None else f"{value:g}"
    if digits is None and float(value).is_integer():
        return cli_tr().number(int(value))
    return cli_tr().number(value, digits)


class _LazyConsole:
    """A rich ``Console`` made on first use (importing rich costs ~50 ms)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    # ``with console:`` (rich's Live and Progress use it) looks these up on the type, past
    # __getattr__: pass them on too
    def __enter__(self) -> Console:
        return self._get().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._get().__exit__(*exc)

    def __repr__(self) -> str:
        return f"<lazy rich console {self._options}>"


console = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))
"""Standard output, for results."""
err_console = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))
"""Standard error, for problems, progress and notes."""


def escape(text: str) -> str:
    """``text`` with rich markup escaped (so ``[x]`` prints as itself)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class OutputFormat(StrEnum):
    """How a command prints its results."""

    TEXT = "text"
    JSON = "json"


FormatOption = typer.Option(
    OutputFormat.TEXT,
    "--format",
    "-f",
    help=N_("Output format: text for people, json for machines."),
)
"""The ``--format``/``-f`` option every command that prints results takes."""


def emit_json(data: Any) -> None:
    """Print JSON to standard output (dates and other values as strings)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def problem_dict(p: Problem) -> dict[str, Any]:
    """A problem as the JSON object the CLI prints: file, path, line, message (+ severity)."""
    return {
        "file": p.file,
        "path": p.path,
        "line": p.line,
        "message": p.message,
        "severity": p.severity,
    }


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems for people, one per line, errors in red and warnings in yellow."""
    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    for p in sorted(problems, key=lambda q: (q.file or "", q.line or 0)):
        where = escape(p.file or "<input>")
        if p.line:
            where += f":{p.line}"
        path = f" [bold]{escape(p.path)}[/bold]:" if p.path else ""
        colour = colours.get(p.severity, "white")
        severity = severity_word(p.severity)
        err_console.print(f"{where}:{path} [{colour}]{severity}[/{colour}]: {escape(p.message)}")


SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
"""The severities' words, for :func:`severity_word`."""


def severity_word(severity: str) -> str:
    """``error``/``warning``/``info`` in the CLI's language (others as they are)."""
    word = SEVERITIES.get(severity)
    return cli_tr()._(word) if word else severity


def fail(problems: Iterable[Problem], fmt: OutputFormat, summary: str | None = None) -> NoReturn:
    """Report problems (``{"errors": [...]}`` in JSON) and exit with code 2."""
    items = list(problems)
    if fmt == OutputFormat.JSON:
        emit_json({"errors": [problem_dict(p) for p in items]})
    else:
        if summary:
            err_console.print(f"[red]{escape(summary)}[/red]")
        print_problems(items)
    raise typer.Exit(EXIT_USAGE)


@contextmanager
def reported(fmt: OutputFormat) -> Iterator[None]:
    """Turn library errors into the CLI's error report (exit 2), in JSON when asked."""
    from competency_core.problems import Problem

    try:
        yield
    except ModelValidationError as exc:
        fail(exc.problems, fmt, str(exc).splitlines()[0])
    except CompetencyError as exc:
        fail([Problem(path="", message=str(exc))], fmt, severity_word("error"))


def guarded(fmt: OutputFormat, fn: Callable[[], T]) -> T:
    """Run ``fn``; a user mistake ends with its problems (JSON with ``--format json``), exit 2."""
    from competency_core.problems import Problem

    try:
        return fn()
    except ModelValidationError as exc:
        fail(exc.problems, fmt, str(exc).splitlines()[0])
    except CompetencyError as exc:
        if fmt == OutputFormat.JSON:
            fail([Problem(path="", message=str(exc))], fmt)
        print_error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None


def print_error(message: str) -> None:
    """``error: MESSAGE`` on standard error (``error:`` in the CLI's language, in red)."""
    label = cli_tr()._("error:")
    err_console.print(f"[red]{escape(label)}[/red] {escape(message)}", highlight=False)


def simple_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A rich table with the given columns and rows (values rendered with str)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


# -- sync plans and reports ---------------------------------------------------------------


def print_plan(plan: Plan, *, show_unchanged: bool = False, limit: int | None = None) -> None:
    """A sync plan for people (at most ``limit`` change lines; warnings are never cut)."""
    lines = plan.render(show_unchanged=show_unchanged).splitlines()
    body = [line for line in lines[1:-1] if not line.startswith("  warning: ")]
    warnings = [line for line in lines[1:-1] if line.startswith("  warning: ")]
    if limit is not None and len(body) > limit:
        more = len(body) - limit
        body = [*body[:limit], "  " + cli_tr().n_("... and %(n)s more", "... and %(n)s more", more)]
    body += warnings  # never cut: they say what the plan leaves out
    for line in [lines[0], *body, lines[-1]]:
        style = {"+": "green", "~": "yellow", "-": "red"}.get(line.strip()[:1])
        console.print(f"[{style}]{line}[/{style}]" if style else line, markup=bool(style))


def print_report(report: ApplyReport) -> None:
    """The final summary of an apply, and each failed or skipped change (on stderr)."""
    for o in report.outcomes:
        if o.status.value in ("failed", "skipped"):
            err_console.print(
                f"[red]{o.status.value}[/red] {o.action.value} {o.kind} {o.key}: {o.message}",
                markup=True,
            )
    colour = "green" if report.ok else "red"
    label = cli_tr()._("Applied:")
    console.print(f"[{colour}]{escape(label)}[/{colour}] {escape(report.summary())}.")


def apply_with_progress(engine: SyncEngine, plan: Plan, fmt: OutputFormat) -> ApplyReport:
    """Apply a plan, with a progress bar on a terminal (text output only)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = len(plan.pending)
    show = fmt == OutputFormat.TEXT and err_console.is_terminal and total > 1
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task(
            cli_tr()._("applying to %(adapter)s", adapter=plan.adapter), total=total
        )
        return engine.apply(plan, progress=lambda p: bar.update(task, completed=p.done))


__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "LANGUAGE_ENV",
    "FormatOption",
    "OutputFormat",
    "apply_with_progress",
    "choose_language",
    "cli_language",
    "cli_tr",
    "console",
    "did_you_mean",
    "emit_json",
    "err_console",
    "escape",
    "fail",
    "guarded",
    "language_choice",
    "language_from_locale",
    "num",
    "pct",
    "print_error",
    "print_plan",
    "print_problems",
    "print_report",
    "problem_dict",
    "reported",
    "severity_word",
    "simple_table",
]
