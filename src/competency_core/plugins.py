"""The plugin registry: discovers plugins and gives typed access to what they provide.

:func:`plugin_registry` builds the pluggy manager once, in a function (never at import):
the hook specifications from :mod:`competency_core.hookspecs`, the built-in internal
plugins registered explicitly, then every plugin of the ``competency_core`` entry-point
group (the built-in adapters among them, exactly as a third party's), then
``check_pending()`` so that a misspelled hook fails at start-up. Everything else goes
through :class:`PluginRegistry`; nothing touches ``pm.hook`` directly.

>>> sorted(plugin_registry().adapters())  # doctest: +SKIP
['csv', ...]
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

import pluggy

from competency_core import hookspecs
from competency_core.errors import CompetencyError
from competency_core.hookspecs import NAME

if TYPE_CHECKING:
    import typer

    from competency_core.lifecycle import Publication
    from competency_core.model import CompetencyModel
    from competency_core.scoring.rules import EvidenceRule
    from competency_core.sync.adapter import Adapter
    from competency_core.sync.plan import ApplyReport, Plan

BUILTIN_PLUGINS: tuple[str, ...] = (
    "competency_core.sync.log",
    "competency_core.scoring.builtin_rules",
)
"""Internal modules registered as plugins explicitly (the adapters use the entry points)."""

CLI_PLUGINS: tuple[str, ...] = (
    "competency_core.cli.core",
    "competency_core.cli.model_cmds",
    "competency_core.cli.model_demo",
    "competency_core.cli.scoring",
    "competency_core.cli.expiring",
    "competency_core.cli.evidence",
    "competency_core.cli.explain",
    "competency_core.cli.careers",
    "competency_core.cli.sync",
    "competency_core.cli.publish",
    "competency_core.cli.analytics",
    "competency_core.cli.demo",
)
"""The CLI's own command and demo-step modules: plugins like any other, registered when
commands or demo steps are first asked for (so using the library never imports typer)."""

DISABLE_ENV = "COMPETENCY_DISABLE_PLUGINS"
"""An environment variable naming entry-point plugins to leave out (comma-separated)."""

_ADAPTER_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class PluginError(CompetencyError):
    """A plugin could not be loaded, or what it provides is invalid."""


class UnknownAdapterError(PluginError):
    """No installed plugin provides an adapter of that name."""


@dataclass(frozen=True)
class PublishFormat:
    """A format a model can be published in, provided by a plugin.

    ``render`` returns the whole document for a model (in ``language``, or the model's
    default language when None).
    """

    name: str
    description: str
    suffix: str
    render: Callable[[CompetencyModel, str | None], bytes | str]


@dataclass(frozen=True)
class PluginInfo:
    """An installed plugin: its name, and the distribution it came from (None: built in)."""

    name: str
    distribution: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class AdapterInfo:
    """An adapter class and the plugin that provides it."""

    adapter: type[Adapter[Any]]
    plugin: PluginInfo

    @property
    def name(self) -> str:
        """The adapter's name."""
        return self.adapter.name


def _load_entry_points(pm: pluggy.PluginManager) -> dict[str, PluginInfo]:
    """Register every plugin of the entry-point group; what was loaded, by plugin name."""
    infos: dict[str, PluginInfo] = {}
    for ep in sorted(importlib.metadata.entry_points(group=NAME), key=lambda e: e.name):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            distribution=dist.metadata["Name"] if dist is not None else None,
            version=dist.version if dist is not None else None,
        )
        where = f"{ep.name} = {ep.value}" + (f" from {info.distribution}" if dist else "")
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(
                f"the plugin {where} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            pm.register(plugin, name=ep.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"the plugin {where} is invalid: {exc}") from exc
        infos[ep.name] = info
    return infos


def build_plugin_manager(
    *, entry_points: bool = True, plugins: Iterable[object] = ()
) -> tuple[pluggy.PluginManager, dict[str, PluginInfo]]:
    """A checked plugin manager: specs, built-ins, ``plugins``, then the entry points."""
    pm = pluggy.PluginManager(NAME)
    pm.add_hookspecs(hookspecs)
    for blocked in os.environ.get(DISABLE_ENV, "").split(","):
        if blocked.strip():
            pm.set_blocked(blocked.strip())  # an installed plugin left out, as if absent
    infos: dict[str, PluginInfo] = {}
    for module_name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
        infos[module_name] = PluginInfo(name=module_name)
    for plugin in plugins:
        try:
            name = pm.register(plugin)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"the plugin {plugin!r} is invalid: {exc}") from exc
        if name is not None:
            infos[name] = PluginInfo(name=name)
    if entry_points:
        infos |= _load_entry_points(pm)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            f"{exc} (hooks are: {', '.join(sorted(hook_names()))}; see docs/plugins.md)"
        ) from None
    return pm, infos


def hook_names() -> tuple[str, ...]:
    """The names of every hook a plugin can implement."""
    return tuple(
        name
        for name in hookspecs.__all__
        if callable(getattr(hookspecs, name)) and hasattr(getattr(hookspecs, name), f"{NAME}_spec")
    )


class PluginRegistry:
    """Typed access to everything plugins provide, and the one place that calls the hooks."""

    def __init__(self, pm: pluggy.PluginManager, infos: Mapping[str, PluginInfo]) -> None:
        self._pm = pm
        self._infos = dict(infos)
        self._adapters: dict[str, AdapterInfo] | None = None

    @classmethod
    def build(cls, *, entry_points: bool = True, plugins: Iterable[object] = ()) -> PluginRegistry:
        """A new registry (tests use ``entry_points=False`` and their own ``plugins``)."""
        pm, infos = build_plugin_manager(entry_points=entry_points, plugins=plugins)
        return cls(pm, infos)

    def __repr__(self) -> str:
        return f"PluginRegistry({sorted(self._infos)})"

    # -- what is installed ---------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        """Every registered plugin, built-in ones first."""
        return list(self._infos.values())

    def _info(self, plugin_name: str) -> PluginInfo:
        return self._infos.get(plugin_name, PluginInfo(name=plugin_name))

    def _results(self, hook: str) -> Iterable[tuple[PluginInfo, Iterable[Any]]]:
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            try:
                got = impl.function()
            except Exception as exc:
                raise PluginError(f"the plugin {impl.plugin_name}'s {hook} failed: {exc}") from exc
            yield self._info(impl.plugin_name), list(got or ())

    def adapters(self) -> dict[str, AdapterInfo]:
        """Every adapter class by name, checked (name, capabilities implemented, unique)."""
        if self._adapters is not None:
            return self._adapters
        found: dict[str, AdapterInfo] = {}
        for info, classes in self._results("register_adapters"):
            for cls in classes:
                if not _is_adapter_class(cls):
                    raise PluginError(
                        f"the plugin {info.name} registered {cls!r}, which is not an Adapter class"
                    )
                if not _ADAPTER_NAME.fullmatch(cls.name):
                    raise PluginError(
                        f"the plugin {info.name}'s adapter {cls.__name__} has the name "
                        f"{cls.name!r}: use lower-case letters, digits and '-'"
                    )
                if cls.name in found:
                    raise PluginError(
                        f"two plugins provide an adapter named {cls.name!r}: "
                        f"{found[cls.name].plugin.name} and {info.name}; uninstall one"
                    )
                missing = cls.missing_methods()
                if missing:
                    detail = "; ".join(
                        f"{c.value} needs {', '.join(m)}" for c, m in missing.items()
                    )
                    raise PluginError(
                        f"the plugin {info.name}'s adapter {cls.name!r} declares capabilities "
                        f"it does not implement: {detail}"
                    )
                found[cls.name] = AdapterInfo(adapter=cls, plugin=info)
        self._adapters = dict(sorted(found.items()))
        return self._adapters

    def adapter(self, name: str) -> type[Adapter[Any]]:
        """The adapter class called ``name`` (:class:`UnknownAdapterError` if none)."""
        adapters = self.adapters()
        if name not in adapters:
            known = ", ".join(adapters) or "none"
            raise UnknownAdapterError(
                f"no adapter named {name!r} is installed (installed: {known}); "
                "`competency adapters` lists them"
            )
        return adapters[name].adapter

    # -- the CLI --------------------------------------------------------------------------
    def add_cli_plugins(self) -> None:
        """Register the CLI's own modules (once), exactly as an entry point's plugin.

        Their commands and demo steps then come through the same hooks as every plugin's.
        """
        for module_name in CLI_PLUGINS:
            if self._pm.get_plugin(module_name) is None:
                self._pm.register(importlib.import_module(module_name), name=module_name)
                self._infos.setdefault(module_name, PluginInfo(name=module_name))
        self._pm.check_pending()

    def register_commands(self, app: typer.Typer) -> dict[str, str]:
        """Add every plugin's commands to ``app``; returns the plugin of each command name.

        Each plugin gets a typer app of its own to declare its commands on, merged into
        ``app`` afterwards; a command name two plugins declare is refused
        (:class:`PluginError`), as is a name the core uses.
        """
        import typer

        self.add_cli_plugins()
        owners: dict[str, str] = {}
        impls = self._pm.hook.register_commands.get_hookimpls()
        core = [i for i in impls if i.plugin_name in CLI_PLUGINS]  # listed first in --help
        for impl in core + [i for i in impls if i.plugin_name not in CLI_PLUGINS]:
            info = self._info(impl.plugin_name)
            own = typer.Typer()
            try:
                impl.function(app=own)
            except Exception as exc:
                raise PluginError(
                    f"the plugin {info.name}'s register_commands failed: {exc}"
                ) from exc
            for name in command_names(own):
                if name in owners:
                    raise PluginError(
                        f"the plugin {info.name}'s command {name!r} clashes with the "
                        f"plugin {owners[name]}'s: rename it"
                    )
                owners[name] = info.name
            app.add_typer(own)
        return owners

    def provided_mappings(self, hook: str) -> list[tuple[PluginInfo, Mapping[str, Any]]]:
        """What every plugin returns from a hook that returns a mapping, by plugin."""
        out: list[tuple[PluginInfo, Mapping[str, Any]]] = []
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            try:
                got = impl.function()
            except Exception as exc:
                raise PluginError(f"the plugin {impl.plugin_name}'s {hook} failed: {exc}") from exc
            if got and not isinstance(got, Mapping):
                raise PluginError(
                    f"the plugin {impl.plugin_name}'s {hook} returned {got!r}, not a mapping"
                )
            out.append((self._info(impl.plugin_name), got or {}))
        return out

    def provided(self, hook: str) -> list[tuple[PluginInfo, Any]]:
        """What every plugin returns from a ``register_*`` hook: (plugin, item) pairs.

        The typed accessors here and elsewhere (:func:`competency_core.lint.plugin_rules`)
        check the items; this is the one place that calls the hook.
        """
        return [(info, item) for info, items in self._results(hook) for item in items]

    def evidence_rules(self) -> dict[str, type[EvidenceRule]]:
        """Every evidence rule (the built-in ones are registered like a plugin's), by name."""
        out: dict[str, type[EvidenceRule]] = {}
        for info, rule in self.provided("register_evidence_rules"):
            # checked by shape: the plugin layer imports no engine
            if not (
                isinstance(rule, type)
                and isinstance(getattr(rule, "name", None), str)
                and callable(getattr(rule, "decide", None))
                and isinstance(getattr(rule, "Params", None), type)
            ):
                raise PluginError(f"the plugin {info.name} registered {rule!r} as an evidence rule")
            name: str = getattr(rule, "name")  # noqa: B009 (checked above, by shape)
            if name in out and out[name] is not rule:
                raise PluginError(f"two plugins provide the evidence rule {name!r}")
            out[name] = rule
        return out

    def publish_formats(self) -> dict[str, PublishFormat]:
        """Every plugin-provided publish format, by name."""
        out: dict[str, PublishFormat] = {}
        for info, formats in self._results("register_publish_formats"):
            for fmt in formats:
                if not isinstance(fmt, PublishFormat):
                    raise PluginError(f"the plugin {info.name} registered {fmt!r} as a format")
                if fmt.name in out:
                    raise PluginError(f"two plugins provide the publish format {fmt.name!r}")
                out[fmt.name] = fmt
        return out

    # -- events ------------------------------------------------------------------------
    def _call(self, hook: str, **kwargs: Any) -> list[Any]:
        try:
            result: list[Any] = getattr(self._pm.hook, hook)(**kwargs)
        except CompetencyError:
            raise
        except Exception as exc:
            raise PluginError(
                f"a plugin's {hook} hook failed: {type(exc).__name__}: {exc}"
            ) from exc
        return result

    def plan_made(self, adapter: Adapter[Any], plan: Plan) -> None:
        """Tell plugins a plan was made."""
        self._call("plan_made", adapter=adapter, plan=plan)

    def before_apply(self, adapter: Adapter[Any], plan: Plan) -> None:
        """Ask plugins whether ``plan`` may be applied; :class:`ApplyVetoedError` if not."""
        from competency_core.errors import ApplyVetoedError

        reasons = [str(r) for r in self._call("before_apply", adapter=adapter, plan=plan) if r]
        if reasons:
            raise ApplyVetoedError(reasons)

    def after_apply(self, adapter: Adapter[Any], plan: Plan, report: ApplyReport) -> None:
        """Tell plugins a plan was applied, with every outcome."""
        self._call("after_apply", adapter=adapter, plan=plan, report=report)

    def model_published(self, publication: Publication) -> None:
        """Tell plugins a model version was published."""
        self._call("model_published", publication=publication)


def _is_adapter_class(cls: object) -> TypeGuard[type[Adapter[Any]]]:
    """Whether ``cls`` is an adapter class, judged by its shape.

    The registry sits below :mod:`competency_core.sync` (whose engine fires the hooks), so
    it does not import the ``Adapter`` base class.
    """
    return isinstance(cls, type) and all(
        hasattr(cls, attr)
        for attr in (
            "name",
            "title",
            "capabilities",
            "settings_model",
            "configure",
            "missing_methods",
        )
    )


def command_names(app: typer.Typer) -> list[str]:
    """The top-level command and group names a typer app declares (merged groups opened).

    As typer names them: a command's ``name``, else its function's name with ``-`` for
    ``_``; a group's name; a group added without a name contributes its own commands.
    """
    names: list[str] = []
    for cmd in app.registered_commands:
        name = cmd.name if isinstance(cmd.name, str) else None
        if name is None and cmd.callback is not None:
            name = cmd.callback.__name__.lower().replace("_", "-")
        names.append(name or "?")
    for group in app.registered_groups:
        name = group.name if isinstance(group.name, str) else None
        if name is None and group.typer_instance is not None:
            info_name = group.typer_instance.info.name
            name = info_name if isinstance(info_name, str) else None
            if name is None:
                names += command_names(group.typer_instance)
                continue
        names.append(name or "?")
    return names


@functools.cache
def plugin_registry() -> PluginRegistry:
    """The registry of the installed plugins, built on first use and then kept."""
    return PluginRegistry.build()


def reset_plugin_registry() -> None:
    """Forget the registry, so the next :func:`plugin_registry` finds plugins again."""
    plugin_registry.cache_clear()


__all__ = [
    "BUILTIN_PLUGINS",
    "CLI_PLUGINS",
    "DISABLE_ENV",
    "AdapterInfo",
    "PluginError",
    "PluginInfo",
    "PluginRegistry",
    "PublishFormat",
    "UnknownAdapterError",
    "build_plugin_manager",
    "command_names",
    "hook_names",
    "plugin_registry",
    "reset_plugin_registry",
]
