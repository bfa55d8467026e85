"""The ``scim`` plugin: what competency_scim adds to competency-core, through its hooks.

Registered by the entry point ``scim = "competency_scim.plugin"`` of the ``competency_core``
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
    """The ``scim`` adapter."""
    from competency_scim.adapter import ScimAdapter

    return [ScimAdapter]


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """The adapter's own commands (:mod:`competency_scim.cli`)."""
    from competency_scim.cli import commands

    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """Demo steps 80-81 (:mod:`competency_scim.demo`)."""
    from competency_scim.demo import STEPS

    return STEPS


__all__ = ["register_adapters", "register_commands", "register_demo_steps"]
