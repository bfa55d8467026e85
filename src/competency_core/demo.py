"""Demo steps: what ``competency demo`` runs, provided by plugins through a hook.

Every step of the end-to-end demo, the built-in ones and each adapter's, is a
:class:`DemoStep` returned by a plugin's ``register_demo_steps`` hook; the demo runs them
by ascending ``order`` with one shared :class:`DemoContext`::

    from competency_core.demo import DemoContext, DemoStep
    from competency_core.hookspecs import hookimpl

    def _show(ctx: DemoContext) -> None:
        console.print(ctx.model().title)

    @hookimpl
    def register_demo_steps() -> list[DemoStep]:
        return [DemoStep(90, "My plugin: the example model's title", _show)]

Orders in use: 10-12 checking, 20-24 lifecycle and versions, 30-36 scoring, currency and
explanations, 40-42 careers, 50-52 the CSV adapter, 55-56 the Moodle adapter, 60
publishing, 70-71 analytics, 80-81 the SCIM adapter; plugins take 100 and up.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from competency_core.errors import CompetencyError

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.plugins import PluginRegistry


@dataclass
class DemoContext:
    """What demo steps share: the examples, the output folder, and what was written where.

    ``state`` carries what one step leaves for a later one (e.g. a started server).
    """

    examples: Path
    out: Path
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    _models: dict[str, CompetencyModel] = field(default_factory=dict)
    _workforces: dict[str, Workforce] = field(default_factory=dict)
    _services: dict[str, Any] = field(default_factory=dict)
    _stack: ExitStack = field(default_factory=ExitStack)
    registry: PluginRegistry | None = None

    def model(self, name: str = "software-engineering") -> CompetencyModel:
        """An example model by file stem (loaded once)."""
        if name not in self._models:
            from competency_core.io import load_model

            self._models[name] = load_model(self.examples / f"{name}.yaml")
        return self._models[name]

    def workforce(self, name: str = "people", model: str = "software-engineering") -> Workforce:
        """An example workforce file by stem, checked against its model."""
        if name not in self._workforces:
            from competency_core.io import load_workforce

            self._workforces[name] = load_workforce(
                self.examples / f"{name}.yaml", self.model(model)
            )
        return self._workforces[name]

    def record(self, label: str, path: Path) -> None:
        """Note an output the demo wrote (listed at the end of the demo)."""
        self.outputs.append((label, path))

    def service(self, name: str) -> Any:
        """The running service ``name`` (started on first use, stopped by :meth:`close`).

        Services come from plugins' ``register_demo_services`` hooks; :class:`MissingService`
        when no installed plugin provides ``name``.
        """
        if name not in self._services:
            provided = demo_services(self.registry)
            if name not in provided:
                raise MissingService(name)
            self._services[name] = self._stack.enter_context(provided[name](self))
        return self._services[name]

    def close(self) -> None:
        """Stop every service started for the demo (last started first)."""
        self._services.clear()
        self._stack.close()

    def __enter__(self) -> DemoContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def store_path(self) -> str:
        """The embedded store the demo's steps share (a SQLite file in the output folder)."""
        path: str = self.state.get("store_path") or str(self.out / "competency.sqlite3")
        return path


DemoService: TypeAlias = Callable[[DemoContext], AbstractContextManager[Any]]
"""A service demo steps can ask for: started with the context, stopped when the demo ends."""


class MissingService(CompetencyError):
    """No installed plugin provides a service a demo step asks for."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"no installed plugin provides the demo service {name!r} (competency-core-testing "
            "provides stand-ins for remote systems: pip install competency-core-testing)"
        )


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo: its place (``order``, ascending), its title, and what it runs."""

    order: int
    title: str
    run: Callable[[DemoContext], None]


def demo_step(
    order: int, title: str, into: list[DemoStep]
) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    """A decorator that appends a :class:`DemoStep` to ``into`` (a module's step list)."""

    def register(fn: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        into.append(DemoStep(order, title, fn))
        return fn

    return register


def demo_steps(registry: PluginRegistry | None = None) -> list[DemoStep]:
    """Every plugin's demo steps (the CLI's own included), by ascending order.

    ``registry`` defaults to the installed plugins'. A plugin that returns anything but a
    :class:`DemoStep` is refused (:class:`~competency_core.plugins.PluginError`).
    """
    from competency_core.plugins import PluginError, plugin_registry

    plugins = registry or plugin_registry()
    plugins.add_cli_plugins()
    steps: list[DemoStep] = []
    for info, step in plugins.provided("register_demo_steps"):
        if not isinstance(step, DemoStep):
            raise PluginError(f"the plugin {info.name} registered {step!r} as a demo step")
        steps.append(step)
    return sorted(steps, key=lambda s: s.order)


def demo_services(registry: PluginRegistry | None = None) -> dict[str, DemoService]:
    """Every plugin's demo services by name (two plugins may not provide one name)."""
    from competency_core.plugins import PluginError, plugin_registry

    plugins = registry or plugin_registry()
    found: dict[str, DemoService] = {}
    owner: dict[str, str] = {}
    for info, services in plugins.provided_mappings("register_demo_services"):
        for name, start in services.items():
            if name in found:
                raise PluginError(
                    f"two plugins provide the demo service {name!r}: {owner[name]} and {info.name}"
                )
            if not callable(start):
                raise PluginError(f"the plugin {info.name}'s demo service {name!r} is not callable")
            found[name], owner[name] = start, info.name
    return found


__all__ = [
    "DemoContext",
    "DemoService",
    "DemoStep",
    "MissingService",
    "demo_services",
    "demo_step",
    "demo_steps",
]
