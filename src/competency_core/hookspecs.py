"""The hook specifications of competency-core: what plugins can provide and react to.

Plugins are found through the entry-point group ``competency_core`` (the built-in adapters
register exactly the same way, and the CLI's own command modules are plugins too). A plugin is a module or object with functions marked
``@hookimpl`` and named after the hooks below::

    from competency_core.hookspecs import hookimpl

    @hookimpl
    def register_adapters():
        return [MyAdapter]

pluggy calls every plugin's implementation of a hook; the registry
(:class:`competency_core.plugins.PluginRegistry`) gathers and checks the results, so
nothing else calls the hooks. docs/plugins.md describes each hook with an example.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import typer

    from competency_core.demo import DemoService, DemoStep
    from competency_core.lifecycle import Publication
    from competency_core.lint import LintRule
    from competency_core.plugins import PublishFormat
    from competency_core.scoring.rules import EvidenceRule
    from competency_core.sync.adapter import Adapter
    from competency_core.sync.plan import ApplyReport, Plan

NAME = "competency_core"
"""The pluggy project name and the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(NAME)
"""Marks a hook specification (in this module only)."""

hookimpl = pluggy.HookimplMarker(NAME)
"""Marks a plugin's implementation of a hook: ``@hookimpl def register_adapters(): ...``."""


# -- registration -------------------------------------------------------------------------


@hookspec
def register_adapters() -> Iterable[type[Adapter[Any]]]:
    """Return the :class:`~competency_core.sync.Adapter` classes this plugin provides.

    Called once, when the registry is built. Each class needs a unique ``name``.
    """
    return ()


@hookspec
def register_lint_rules() -> Iterable[LintRule]:
    """Return extra :class:`~competency_core.lint.LintRule` objects to run with the built-ins.

    Codes must not clash with built-in rules or other plugins' rules.
    """
    return ()


@hookspec
def register_evidence_rules() -> Iterable[type[EvidenceRule]]:
    """Return :class:`~competency_core.scoring.rules.EvidenceRule` classes (evidence to level).

    A model names a rule in its ``evidence`` section by the class's ``name``; names must
    not clash with the built-in rules (``precedence``, ``any-of``, ``roll-up``) or another
    plugin's. docs/evidence.md shows one.
    """
    return ()


@hookspec
def register_publish_formats() -> Iterable[PublishFormat]:
    """Return extra :class:`~competency_core.plugins.PublishFormat` objects for publishing."""
    return ()


@hookspec
def register_commands(app: typer.Typer) -> None:
    """Add this plugin's commands to ``app``, a typer app merged into the ``competency`` CLI.

    ``app.command()(fn)`` adds a command, ``app.add_typer(group, name="x")`` a group. Called
    at every start of the CLI: keep the module cheap to import (heavy imports inside the
    command functions). Names must not clash with built-in or other plugins' commands.
    """


@hookspec
def register_demo_steps() -> Iterable[DemoStep]:
    """Return :class:`~competency_core.demo.DemoStep` objects for ``competency demo``.

    Steps run by ascending ``order`` (plugins: 100 and up) and share one
    :class:`~competency_core.demo.DemoContext`.
    """
    return ()


@hookspec
def register_demo_services() -> Mapping[str, DemoService]:
    """Return named services that demo steps ask for (``ctx.service(name)``).

    A service is a function of the :class:`~competency_core.demo.DemoContext` returning a
    context manager that starts it (e.g. a local stand-in for a remote system, seeded with
    the examples) and stops it when the demo ends. A step that asks for a service nobody
    provides is skipped with a note. Names must be unique across plugins.
    """
    return {}


# -- sync events --------------------------------------------------------------------------


@hookspec
def plan_made(adapter: Adapter[Any], plan: Plan) -> None:
    """Called after ``adapter`` made ``plan`` (nothing has changed remotely yet)."""


@hookspec
def before_apply(adapter: Adapter[Any], plan: Plan) -> str | None:
    """Called before ``plan`` is applied; return a reason to veto the apply, or None.

    Any reason stops the apply before anything changes (``ApplyVetoedError``).
    """


@hookspec
def after_apply(adapter: Adapter[Any], plan: Plan, report: ApplyReport) -> None:
    """Called after ``plan`` was applied, with ``report`` holding every change's outcome.

    Also called when some changes failed (``report.ok`` is False).
    """


# -- models -------------------------------------------------------------------------------


@hookspec
def model_published(publication: Publication) -> None:
    """Called when a model version is published: ``publication`` has the model and its hash."""


__all__ = [
    "NAME",
    "after_apply",
    "before_apply",
    "hookimpl",
    "hookspec",
    "model_published",
    "plan_made",
    "register_adapters",
    "register_commands",
    "register_demo_services",
    "register_demo_steps",
    "register_lint_rules",
    "register_publish_formats",
]
