"""The ``moodle`` plugin: what competency_moodle adds to competency-core, through its hooks.

Registered by the entry point ``moodle = "competency_moodle.plugin"`` of the ``competency_core``
group, exactly as a third party's plugin is. Importing this module is cheap (the CLI
imports every plugin at start-up): each hook imports what it provides when it is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    import typer

    from competency_core.demo import DemoStep
    from competency_core.sync import Adapter


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The ``moodle`` adapter."""
    from competency_moodle.adapter import MoodleAdapter

    return [MoodleAdapter]


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """``competency moodle check`` (:mod:`competency_moodle.cli`)."""
    from competency_moodle.cli import commands

    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """Demo steps 55-56 (:mod:`competency_moodle.demo`)."""
    from competency_moodle.demo import STEPS

    return STEPS


__all__ = ["register_adapters", "register_commands", "register_demo_steps"]
