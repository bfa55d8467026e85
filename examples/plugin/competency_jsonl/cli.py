"""``competency jsonl verify``: check that JSON-lines files are as the adapter signed them.

The ``jsonl`` adapter signs every line it writes with the key from
``COMPETENCY_JSONL_SIGNING_KEY``; anyone who edits a file without the key leaves lines
whose signature no longer matches. ``verify`` reads every line of the files (or of the
``*.jsonl`` files of the folders) given and lists each bad one with its file and line
number: tampered (the signature does not match), unsigned, unreadable, or a duplicate of
an earlier line. It exits with code 1 when it finds any (2 for a usage error).

A plugin's command module, registered by :func:`competency_jsonl.plugin.register_commands`:
the CLI imports it at every start, so it imports only typer, competency-core's console and
the standard-library :mod:`competency_jsonl.signing`; the key is read, never printed.
"""

from __future__ import annotations

from pathlib import Path

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    FormatOption,
    OutputFormat,
    console,
    emit_json,
    err_console,
    escape,
    guarded,
)
from competency_jsonl.signing import SIGNING_KEY_ENV, Verification

commands = typer.Typer()
jsonl_app = typer.Typer(
    name="jsonl",
    help="The competency-jsonl plugin: check the JSON-lines files the jsonl adapter writes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(jsonl_app, name="jsonl")

PathsArgument = typer.Argument(
    ...,
    help="Folders the jsonl adapter wrote to (their *.jsonl files are checked), or files.",
    show_default=False,
)
KeyEnvOption = typer.Option(
    SIGNING_KEY_ENV,
    "--key-env",
    metavar="VAR",
    help="The environment variable holding the signing key (the adapter's signing_key).",
)

COLOURS = {"tampered": "red", "unsigned": "red", "duplicate": "yellow", "unreadable": "yellow"}


def print_verification(result: Verification, key_env: str = SIGNING_KEY_ENV) -> None:
    """Every finding, one line each (``file:line: problem: message (object)``), then a summary."""
    if result.wrong_key:  # one line instead of every line of every file
        console.print(
            f"[red]not verified:[/red] {result.summary()}: no signature matches, so the "
            f"key is probably not the one the files were signed with (${escape(key_env)})"
        )
        return
    for f in result.findings:
        colour = COLOURS.get(f.problem.value, "red")
        about = f" ({escape(f.ref)})" if f.ref else ""
        console.print(
            f"{escape(f.file)}:{f.line}: [{colour}]{f.problem.value}[/{colour}]: "
            f"{escape(f.message)}{about}"
        )
    if result.ok:
        console.print(f"[green]verified:[/green] {result.summary()}")
    else:
        console.print(f"[red]not verified:[/red] {result.summary()}")


def _verify(paths: list[Path], key: str) -> Verification:
    from competency_core.errors import CompetencyError
    from competency_jsonl.signing import jsonl_files, verify

    try:
        files = jsonl_files(paths)
    except FileNotFoundError as exc:
        raise CompetencyError(f"no such file or folder: {exc.args[0]}") from None
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise CompetencyError(f"no .jsonl files in {where}")
    try:
        return verify(files, key)
    except OSError as exc:
        raise CompetencyError(f"cannot read {exc.filename}: {exc.strerror}") from None


@jsonl_app.command("verify")
def verify_cmd(
    paths: list[Path] = PathsArgument,
    key_env: str = KeyEnvOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """Check every line's signature; list tampered, unsigned and duplicate lines (exit 1)."""
    import os

    key = os.environ.get(key_env, "")
    if not key:
        err_console.print(
            f"[yellow]warning:[/yellow] ${escape(key_env)} is not set: checking against the "
            "empty key, which the adapter uses without one (anyone can forge those signatures)"
        )
    result = guarded(fmt, lambda: _verify(paths, key))
    if fmt == OutputFormat.JSON:
        emit_json({**result.to_dict(), "key_env": key_env, "key_set": bool(key)})
    else:
        print_verification(result, key_env)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


__all__ = ["commands", "jsonl_app", "print_verification", "verify_cmd"]
