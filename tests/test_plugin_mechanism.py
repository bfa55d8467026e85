"""The hooks ``register_commands`` and ``register_demo_steps``: merged, ordered and checked.

A plugin's commands join the CLI's own (which register through the same hook) unless a
name clashes; its demo steps join the built-in ones by order unless they are not
:class:`~competency_core.demo.DemoStep` objects. The example plugin's command and step
are in tests/test_example_plugin.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer

from competency_core.demo import DemoContext, DemoStep, demo_steps
from competency_core.hookspecs import hookimpl
from competency_core.plugins import CLI_PLUGINS, PluginError, PluginRegistry


def _registry(*plugins: object) -> PluginRegistry:
    return PluginRegistry.build(entry_points=False, plugins=plugins)


class Command:
    """A plugin adding one command called ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name

    @hookimpl
    def register_commands(self, app: typer.Typer) -> None:
        def run() -> None:
            """Do something."""

        app.command(self.name)(run)


class Group:
    """A plugin adding a command group called ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name

    @hookimpl
    def register_commands(self, app: typer.Typer) -> None:
        group = typer.Typer(name=self.name)
        group.command("go")(lambda: None)
        app.add_typer(group)


def test_a_plugins_command_joins_the_cli() -> None:
    app = typer.Typer()
    owners = _registry(Command("hello")).register_commands(app)
    assert owners["validate"] == "competency_core.cli.core"
    assert set(owners.values()) - set(CLI_PLUGINS) == {owners["hello"]}


def test_a_command_named_like_a_built_in_one_is_refused() -> None:
    with pytest.raises(
        PluginError,
        match=r"command 'validate' clashes with the plugin competency_core\.cli\.core's: rename it",
    ):
        _registry(Command("validate")).register_commands(typer.Typer())
    with pytest.raises(PluginError, match=r"command 'sync' clashes with the plugin"):
        _registry(Group("sync")).register_commands(typer.Typer())


def test_two_plugins_with_the_same_command_are_refused() -> None:
    first, second = Command("hello"), Group("hello")
    with pytest.raises(PluginError, match=r"command 'hello' clashes with the plugin \d+'s"):
        _registry(first, second).register_commands(typer.Typer())


def test_a_failing_register_commands_is_a_plugin_error() -> None:
    class Broken:
        @hookimpl
        def register_commands(self, app: typer.Typer) -> None:
            raise RuntimeError("no typer today")

    with pytest.raises(PluginError, match="register_commands failed: no typer today"):
        _registry(Broken()).register_commands(typer.Typer())


class Steps:
    """A plugin returning ``items`` as its demo steps."""

    def __init__(self, *items: Any) -> None:
        self.items = items

    @hookimpl
    def register_demo_steps(self) -> list[Any]:
        return list(self.items)


def _nothing(ctx: DemoContext) -> None:
    pass


def test_plugin_demo_steps_join_the_built_in_ones_by_order() -> None:
    late, early = DemoStep(150, "late", _nothing), DemoStep(5, "early", _nothing)
    steps = demo_steps(_registry(Steps(late, early)))
    orders = [s.order for s in steps]
    assert orders == sorted(orders)
    assert steps[0] is early
    assert steps[-1] is late
    assert {10, 20, 30, 40, 60, 70} <= set(orders)  # the CLI's own modules' steps


def test_something_that_is_not_a_demo_step_is_refused() -> None:
    with pytest.raises(PluginError, match=r"registered \(100, 'mine', .*\) as a demo step"):
        demo_steps(_registry(Steps((100, "mine", _nothing))))
