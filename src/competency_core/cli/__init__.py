"""The ``competency`` CLI: every command comes from a plugin, the built-in ones too.

:func:`main` builds the typer app once per process: the registry
(:func:`competency_core.plugins.plugin_registry`) calls each plugin's
``register_commands(app)`` hook, the CLI's own command modules
(:data:`competency_core.plugins.CLI_PLUGINS`) exactly like an adapter's or a third
party's. Command modules are cheap to import (``competency --help`` loads them all): each
command imports what it runs when it runs.

User mistakes (bad files, unknown keys, refused transitions) end with a clear message and
exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

_APP: typer.Typer | None = None


def build_app() -> typer.Typer:
    """The ``competency`` app with every installed plugin's commands (built once, then kept)."""
    global _APP
    if _APP is None:
        from competency_core.cli.root import new_app
        from competency_core.plugins import plugin_registry

        app = new_app()
        plugin_registry().register_commands(app)
        _APP = app
    return _APP


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``competency`` command."""
    from competency_core.errors import CompetencyError, ModelValidationError

    try:
        app = build_app()
        app(args=argv, prog_name="competency", standalone_mode=True)
    except ModelValidationError as exc:  # pragma: no cover - commands handle their own
        from competency_core.console import EXIT_USAGE, print_problems

        print_problems(exc.problems)
        sys.exit(EXIT_USAGE)
    except CompetencyError as exc:
        from competency_core.console import EXIT_USAGE, err_console

        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_USAGE)


def __getattr__(name: str) -> Any:
    if name == "app":  # the built app, for CliRunner-style tests and embedding
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "build_app", "main"]
