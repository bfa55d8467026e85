"""The ``competency`` command-line application (typer), before plugins add their commands."""

from __future__ import annotations

import typer

from competency_core.i18n import N_

HELP = N_("Work with competency models: validate, lint, score, version, publish and sync.")


def new_app() -> typer.Typer:
    """An empty ``competency`` app; :func:`competency_core.cli.build_app` fills it.

    Help is plain text (``rich_markup_mode=None``): rendering it through rich costs about
    0.15 s of CPU on every ``--help``, more than the rest of the start-up together.
    """
    app = typer.Typer(
        name="competency",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback(help=HELP)(root_options)
    return app


def root_options(
    language: str = typer.Option(
        None,
        "--language",
        metavar="LANG",
        help=N_(
            "The language of the CLI's messages (sv, en, ...); default: COMPETENCY_LANGUAGE, "
            "then LC_ALL, LC_MESSAGES, LANG. A command's own --language (publish, reports) sets "
            "its documents' language."
        ),
    ),
) -> None:
    """Work with competency models: validate, lint, score, version, publish and sync."""
    if language is not None:
        from competency_core.console import choose_language

        choose_language(language)


__all__ = ["HELP", "new_app", "root_options"]
