"""``competency csv check``: every bad row of CSV files, before an import fails on them.

``check`` reads people, assessments and learning-assignment files, and Moodle competency
framework files, as ``competency sync csv pull`` and Moodle's importer would, imports
nothing, and lists every problem with its file, line and column and what to do about it
(:mod:`competency_csv.check`). The kind of each file is told from its header, or given
with ``--kind``. It exits with 1 when a file has an error, and with 2 when a file cannot
be read at all (missing, another encoding, a kind it cannot tell).

A plugin's command module, registered by :func:`competency_csv.plugin.register_commands`:
the CLI imports it at every start, so it imports only typer and competency-core's console;
the checking is imported when the command runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    FormatOption,
    OutputFormat,
    console,
    emit_json,
    escape,
    guarded,
)

if TYPE_CHECKING:
    from competency_csv.check import FileCheck
    from competency_csv.settings import CsvDialect

commands = typer.Typer()
csv_app = typer.Typer(
    name="csv",
    help="The csv adapter's files: check people, assessments, assignments and Moodle "
    "framework files before importing them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(csv_app, name="csv")


class FileKind(StrEnum):
    """What a file holds (``--kind``)."""

    PEOPLE = "people"
    ASSESSMENTS = "assessments"
    ASSIGNMENTS = "assignments"
    FRAMEWORK = "framework"


FilesArgument = typer.Argument(..., help="The CSV files to check.", show_default=False)
KindOption = typer.Option(
    None,
    "--kind",
    help="What the files hold (default: told from each file's header).",
    show_default=False,
)
DelimiterOption = typer.Option(
    ",", "--delimiter", help="One character, 'tab', or 'auto' (guessed from the header)."
)
EncodingOption = typer.Option("utf-8", "--encoding", help="The files' text encoding.")
MapOption = typer.Option(
    None,
    "--map",
    metavar="THEIRS=OURS",
    help="A file's column name -> ours, e.g. --map 'Employee ID=id' (repeatable).",
    show_default=False,
)


def _options(delimiter: str, encoding: str, pairs: list[str]) -> tuple[CsvDialect, dict[str, str]]:
    from pydantic import ValidationError

    from competency_core.errors import CompetencyError
    from competency_csv.settings import CsvDialect

    try:
        dialect = CsvDialect(delimiter=delimiter, encoding=encoding)
    except ValidationError as exc:
        option = {"delimiter": "--delimiter", "encoding": "--encoding"}
        raise CompetencyError(
            "; ".join(
                f"{option.get(str(e['loc'][0]), e['loc'][0])}: "
                + str(e["msg"]).removeprefix("Value error, ")
                for e in exc.errors(include_url=False, include_input=False)
            )
        ) from None
    header_map: dict[str, str] = {}
    for pair in pairs:
        theirs, sep, ours = pair.rpartition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise CompetencyError(f"--map takes THEIRS=OURS, e.g. 'Employee ID=id', not {pair!r}")
        header_map[theirs.strip()] = ours.strip()
    return dialect, header_map


def _check(
    files: list[Path], kind: FileKind | None, dialect: CsvDialect, header_map: dict[str, str]
) -> list[FileCheck]:
    from competency_csv.check import check_file

    return [check_file(f, kind.value if kind else None, dialect, header_map) for f in files]


def print_checks(checks: list[FileCheck]) -> None:
    """Each file's problems (``file:line: column: severity: message`` and a hint), a summary."""
    colours = {"error": "red", "warning": "yellow"}
    for c in checks:
        what = f"{c.kind}, {c.rows} row(s)" if c.kind else "kind unknown"
        if not c.readable:
            state = "[red]not checked[/red]"
        elif c.errors:
            state = f"[red]{c.bad_lines} bad line(s)[/red]"
        else:
            state = "[green]fine[/green]"
        console.print(f"{escape(c.file)} ({what}): {state}")
        for f in c.findings:
            p = f.problem
            where = escape(p.file or c.file) + (f":{p.line}" if p.line else "")
            column = f" [bold]{escape(p.path)}[/bold]:" if p.path else ""
            colour = colours.get(p.severity, "cyan")
            console.print(
                f"  {where}:{column} [{colour}]{p.severity}[/{colour}]: {escape(p.message)}"
            )
            if f.hint:
                console.print(f"    what to do: {escape(f.hint)}")
    bad = [c for c in checks if not c.ok]
    summary = f"{len(checks)} file(s) checked, {len(checks) - len(bad)} fine"
    if bad:
        summary += f", {len(bad)} with problems: " + ", ".join(escape(c.file) for c in bad)
    console.print(summary)


@csv_app.command("check")
def check_cmd(
    files: list[Path] = FilesArgument,
    kind: FileKind | None = KindOption,
    delimiter: str = DelimiterOption,
    encoding: str = EncodingOption,
    header_map: list[str] = MapOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """List every bad row of CSV files (file, line, column, what to do); exit 1 if any."""
    dialect, columns = guarded(fmt, lambda: _options(delimiter, encoding, header_map or []))
    checks = _check(files, kind, dialect, columns)
    if fmt == OutputFormat.JSON:
        emit_json({"ok": all(c.ok for c in checks), "files": [c.to_dict() for c in checks]})
    else:
        print_checks(checks)
    if not all(c.readable for c in checks):
        raise typer.Exit(EXIT_USAGE)
    if not all(c.ok for c in checks):
        raise typer.Exit(EXIT_FINDINGS)


__all__ = ["FileKind", "check_cmd", "commands", "csv_app", "print_checks"]
