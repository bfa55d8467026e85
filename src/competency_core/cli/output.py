"""Shared output for CLI commands: text for people, JSON for machines, errors without tracebacks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from competency_core.errors import CompetencyError, ModelValidationError, Problem

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class OutputFormat(StrEnum):
    """How a command prints its results."""

    TEXT = "text"
    JSON = "json"


FormatOption = typer.Option(
    OutputFormat.TEXT, "--format", "-f", help="Output format: text for people, json for machines."
)


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
        err_console.print(f"{where}:{path} [{colour}]{p.severity}[/{colour}]: {escape(p.message)}")


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
    try:
        yield
    except ModelValidationError as exc:
        fail(exc.problems, fmt, str(exc).splitlines()[0])
    except CompetencyError as exc:
        fail([Problem(path="", message=str(exc))], fmt, "error")


def simple_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A rich table with the given columns and rows (values rendered with str)."""
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table
