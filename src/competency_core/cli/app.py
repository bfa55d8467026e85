"""The ``competency`` command-line application (typer)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="competency",
    help="Work with competency models: validate, lint, score, version, publish and sync.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
