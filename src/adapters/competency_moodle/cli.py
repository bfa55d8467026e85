"""``competency moodle check``: what a Moodle site and a web-service token allow the sync.

``check`` shows the site (name, Moodle release and version, the token's user), whether the
competency subsystem is enabled, for each operation of the ``moodle`` adapter the
web-service functions it needs that the token's service lacks, and the capabilities the
sync user needs (those a read-only call reveals are tried; Moodle has no web service that
lists the others). It only reads, and exits with 1 when something the operations need is
missing (2 when the site cannot be reached or the options are wrong).

The token comes from an environment variable (``--token-env VAR``, default
``COMPETENCY_MOODLE_TOKEN``) or a file (``--token-file FILE``), and is never printed.

A plugin's command module, registered by :func:`competency_moodle.plugin.register_commands`:
the CLI imports it at every start, so it imports only typer and competency-core's console;
the client and the check are imported when the command runs.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    FormatOption,
    OutputFormat,
    console,
    emit_json,
    escape,
    guarded,
)

if TYPE_CHECKING:
    from competency_moodle.check import TokenCheck

TOKEN_ENV = "COMPETENCY_MOODLE_TOKEN"
URL_ENV = "COMPETENCY_MOODLE_URL"

commands = typer.Typer()
moodle_app = typer.Typer(
    name="moodle",
    help="The moodle adapter: check what a Moodle site and a web-service token allow the sync.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(moodle_app, name="moodle")


class OperationName(StrEnum):
    """An operation of the ``moodle`` adapter (``--operation``)."""

    PUSH_MODEL = "push-model"
    PULL_MODEL = "pull-model"
    ASSIGN_LEARNING = "assign-learning"
    PUSH_RATINGS = "push-ratings"
    PULL_RATINGS = "pull-ratings"
    PULL_COMPLETIONS = "pull-completions"


UrlOption = typer.Option(
    None,
    "--url",
    help=f"The Moodle site's root URL (default: ${URL_ENV}).",
    show_default=False,
)
TokenEnvOption = typer.Option(
    None,
    "--token-env",
    metavar="VAR",
    help=f"The environment variable holding the web-service token (default: {TOKEN_ENV}).",
    show_default=False,
)
TokenFileOption = typer.Option(
    None,
    "--token-file",
    metavar="FILE",
    help="A file whose first line is the token (instead of --token-env).",
    show_default=False,
)
OperationOption = typer.Option(
    None,
    "--operation",
    help="Check only these operations (repeatable; default: every one).",
    show_default=False,
)
PruneOption = typer.Option(
    False, "--prune", help="Also the functions a plan that prunes calls (the deletes)."
)
TimeoutOption = typer.Option(30.0, "--timeout", min=1, help="Seconds to wait for an answer.")


def read_token(env: str | None, file: Path | None) -> str:
    """The token from ``file``'s first line or the variable ``env`` (never in a message)."""
    from competency_core.errors import CompetencyError

    if env and file:
        raise CompetencyError("give the token by --token-env or by --token-file, not both")
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CompetencyError(f"--token-file: cannot read {file}: {exc.strerror}") from None
        token = lines[0].strip() if lines else ""
        if not token:
            raise CompetencyError(f"--token-file: the first line of {file} is empty")
        return token
    name = env or TOKEN_ENV
    token = os.environ.get(name, "").strip()
    if not token:
        raise CompetencyError(
            f"the environment variable {name} is not set or empty: export {name}=<token>, "
            "or give --token-env VAR or --token-file FILE"
        )
    return token


def _check(
    url: str | None,
    token_env: str | None,
    token_file: Path | None,
    operations: list[OperationName],
    prune: bool,
    timeout: float,
) -> TokenCheck:
    from typing import cast

    from pydantic import SecretStr, ValidationError

    from competency_core.errors import CompetencyError
    from competency_moodle.check import OPERATIONS, check_token
    from competency_moodle.client import MoodleClient
    from competency_moodle.functions import Operation
    from competency_moodle.settings import MoodleSettings

    site = url or os.environ.get(URL_ENV, "")
    if not site:
        raise CompetencyError(
            f"give the site's URL: --url https://moodle.example.org (or ${URL_ENV})"
        )
    token = read_token(token_env, token_file)
    try:
        settings = MoodleSettings(url=site, token=SecretStr(token), timeout=timeout, retries=1)
    except ValidationError as exc:
        raise CompetencyError(
            "; ".join(
                f"--{e['loc'][0]}: {str(e['msg']).removeprefix('Value error, ')}"
                for e in exc.errors(include_url=False, include_input=False)
            )
        ) from None
    chosen = cast("tuple[Operation, ...]", tuple(o.value for o in operations)) or OPERATIONS
    with MoodleClient(
        settings.url, settings.token, timeout=(min(10.0, timeout), timeout), retries=1
    ) as client:
        try:
            return check_token(client, chosen, prune=prune)
        except CompetencyError as exc:
            raise CompetencyError(settings.scrub(str(exc))) from None


def print_check(check: TokenCheck) -> None:
    """The site, the competency subsystem, functions per operation, capabilities, problems."""
    site = check.site
    if site is None:
        console.print(f"Moodle site {escape(check.url)}: [red]the token was refused[/red]")
    else:
        console.print(f"Moodle site [bold]{escape(site.sitename)}[/bold] ({escape(check.url)})")
        console.print(f"  Moodle {escape(site.release)} (version {escape(site.version or '?')})")
        console.print(f"  the token's user: {escape(site.username)} (id {site.userid})")
        state = "[green]enabled[/green]" if site.competencies_enabled else "[red]disabled[/red]"
        console.print(f"  competencies: {state}")
        console.print(f"Web-service functions (the token's service allows {len(site.functions)}):")
        for op in check.operations:
            lacking = check.missing.get(op, ())
            if lacking:
                console.print(
                    f"  {op}: [red]{len(lacking)} missing[/red]: {escape(', '.join(lacking))}"
                )
            else:
                console.print(f"  {op}: [green]every one allowed[/green]")
        console.print("Capabilities of the sync user (system context):")
        colours = {"allowed": "green", "refused": "red", "not checked": "dim"}
        for c in check.capabilities:
            colour = colours[c.status]
            console.print(f"  {c.capability} ({escape(c.name)}): [{colour}]{c.status}[/{colour}]")
        if any(c.status == "not checked" for c in check.capabilities):
            console.print(
                "  (no web service lists a user's capabilities: those not checked show up "
                "when a sync call is refused; docs/adapters/moodle.md, 'Setting up')"
            )
    problems = check.problems
    if problems:
        console.print(f"[red]{len(problems)} problem(s):[/red]")
        for p in problems:
            console.print(f"  - {escape(p)}")
    else:
        console.print("[green]ok:[/green] the token may run every operation checked")


@moodle_app.command("check")
def check_cmd(
    url: str = UrlOption,
    token_env: str = TokenEnvOption,
    token_file: Path = TokenFileOption,
    operation: list[OperationName] = OperationOption,
    prune: bool = PruneOption,
    timeout: float = TimeoutOption,
    fmt: OutputFormat = FormatOption,
) -> None:
    """What the site and the token allow the sync (only reads); exit 1 when something is missing."""
    result = guarded(
        fmt, lambda: _check(url, token_env, token_file, operation or [], prune, timeout)
    )
    if fmt == OutputFormat.JSON:
        emit_json(result.to_dict())
    else:
        print_check(result)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


__all__ = ["OperationName", "check_cmd", "commands", "moodle_app", "print_check", "read_token"]
