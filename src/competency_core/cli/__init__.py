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
_OWN: typer.Typer | None = None


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


def _own_app() -> typer.Typer:
    """The app with the CLI's own commands only: no entry point is looked up or loaded.

    A built-in command (``validate``, ``gap``, ...) runs from it, registered through the
    same hook; the installed plugins are found when something asks for them (an adapter,
    a plugin's lint rule, a sync hook). A plugin's command name cannot shadow a built-in
    one: the full app refuses the clash (``competency --help`` says so).
    """
    global _OWN
    if _OWN is None:
        from competency_core.cli.root import new_app
        from competency_core.plugins import PluginRegistry

        app = new_app()
        PluginRegistry.build(entry_points=False).register_commands(app)
        _OWN = app
    return _OWN


def _only(app: typer.Typer, name: str) -> typer.Typer | None:
    """A copy of ``app`` holding only the command or group called ``name`` (None: no such).

    typer turns every command's signature into options before running one; with only the
    one that runs, a command starts about 25 ms sooner. ``--help`` gets the whole app.
    """
    from competency_core.cli.root import new_app
    from competency_core.plugins import command_names

    def new_group() -> typer.Typer:
        return new_app()  # with its callback it stays a group of one (else typer runs it bare)

    def find(typer_app: typer.Typer) -> typer.Typer | None:
        for info in typer_app.registered_commands:
            if command_names(_single(command=info)) == [name]:
                slim = new_group()
                slim.registered_commands.append(info)
                return slim
        for group in typer_app.registered_groups:
            names = command_names(_single(group=group))
            if (
                not isinstance(group.name, str)
                and group.typer_instance is not None
                and names != [name]
            ):
                found = find(group.typer_instance)  # a plugin's merged commands
                if found is not None:
                    return found
            elif names == [name]:
                slim = new_group()
                slim.registered_groups.append(group)
                return slim
        return None

    return find(app)


def _single(command: Any = None, group: Any = None) -> typer.Typer:
    import typer

    holder = typer.Typer()
    if command is not None:
        holder.registered_commands.append(command)
    if group is not None:
        holder.registered_groups.append(group)
    return holder


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``competency`` command."""
    from competency_core.console import choose_language
    from competency_core.errors import CompetencyError, ModelValidationError

    args = sys.argv[1:] if argv is None else list(argv)
    language, args = _language_option(args)
    choose_language(language)
    try:
        app: typer.Typer | None = None
        if args and not args[0].startswith("-"):
            app = _only(_own_app(), args[0]) or _only(build_app(), args[0])
        _run(app or build_app(), args)
    except ModelValidationError as exc:  # pragma: no cover - commands handle their own
        from competency_core.console import EXIT_USAGE, print_problems

        print_problems(exc.problems)
        sys.exit(EXIT_USAGE)
    except CompetencyError as exc:
        from competency_core.console import EXIT_USAGE, print_error

        print_error(str(exc))
        sys.exit(EXIT_USAGE)


def _run(app: typer.Typer, args: list[str]) -> None:
    """Run ``app`` on ``args``; in another language than English with its help translated.

    The help texts are English in the sources (typer reads them at import);
    :func:`competency_core.cli.help_language.translate_help` puts the built click tree in
    the CLI's language. English runs the app as typer does, without the walk.
    """
    import gettext

    from competency_core.console import cli_tr

    tr = cli_tr()
    if type(tr.translations) is gettext.NullTranslations:
        app(args=args, prog_name="competency", standalone_mode=True)
        return
    import typer.main

    from competency_core.cli.help_language import translate_help

    command = typer.main.get_command(app)
    translate_help(command, tr)
    command(args=args, prog_name="competency", standalone_mode=True)


def _language_option(args: list[str]) -> tuple[str | None, list[str]]:
    """The root ``--language`` given before the command, and the arguments without it.

    Taken out here so the command runs from the slim app (see :func:`_only`); a
    ``--language`` after the command name is the command's own (a document's language).
    """
    for i, arg in enumerate(args):
        if not arg.startswith("-"):
            break
        if arg == "--language" and i + 1 < len(args):
            return args[i + 1], args[:i] + args[i + 2 :]
        if arg.startswith("--language="):
            return arg.split("=", 1)[1], args[:i] + args[i + 1 :]
    return None, args


def __getattr__(name: str) -> Any:
    if name == "app":  # the built app, for CliRunner-style tests and embedding
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "build_app", "main"]
