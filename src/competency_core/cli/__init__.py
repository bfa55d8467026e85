"""The ``competency`` CLI. Each command group lives in its own module and registers on ``app``.

User mistakes (bad files, unknown keys, refused transitions) end with a clear message and
exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

from competency_core.cli.app import app

# Modules that add commands to ``app``; each new command group appends its module here.
_COMMAND_MODULES = (
    "competency_core.cli.core",
    "competency_core.cli.analytics",
    "competency_core.cli.careers",
    "competency_core.cli.demo",
    "competency_core.cli.model_cmds",
    "competency_core.cli.publish",
    "competency_core.cli.scoring",
    "competency_core.cli.scim",
    "competency_core.cli.sync",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``competency`` command."""
    from competency_core.cli.output import EXIT_USAGE, err_console, print_problems
    from competency_core.errors import CompetencyError, ModelValidationError

    try:
        app(args=argv, prog_name="competency", standalone_mode=True)
    except ModelValidationError as exc:  # pragma: no cover - commands handle their own
        print_problems(exc.problems)
        sys.exit(EXIT_USAGE)
    except CompetencyError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_USAGE)


__all__ = ["app", "main"]
