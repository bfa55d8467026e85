"""Every adapter has one shape: the same modules for the same jobs (docs/plugins.md).

``plugin`` (hooks only), ``settings`` (the settings model), ``adapter`` (the class wiring
the pieces), ``client`` (how it talks to the other system), ``cli`` and ``demo`` always;
``model`` (a module or a package), ``people``, ``learning`` and ``ratings`` exactly when the
adapter declares a matching capability. The example plugin (competency_jsonl) has the
same shape; its ``signing`` module (the signed line format of its files) stands for
``client``, since the files are all it talks to.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from competency_core.sync import Adapter, Capability

PACKAGES = ("competency_csv", "competency_moodle", "competency_scim", "competency_jsonl")
ALWAYS = ("plugin", "settings", "adapter", "client", "cli", "demo")
STANDS_FOR = {"competency_jsonl": {"client": "signing"}}
"""Modules named otherwise in a package: what stands for ``client`` in the example plugin."""

BY_CAPABILITY: dict[str, frozenset[Capability]] = {
    "model": frozenset({Capability.PUSH_MODEL, Capability.PULL_MODEL}),
    "people": frozenset({Capability.PUSH_PEOPLE, Capability.PULL_PEOPLE}),
    "learning": frozenset(
        {Capability.ASSIGN_LEARNING, Capability.PULL_LEARNING, Capability.PULL_COMPLETIONS}
    ),
    "ratings": frozenset({Capability.PUSH_RATINGS, Capability.PULL_RATINGS}),
}
"""A capability module, and the capabilities any one of which calls for it."""


def _exists(package: str, module: str) -> bool:
    return importlib.util.find_spec(f"{package}.{module}") is not None


def _adapters(package: str) -> list[type[Adapter[Any]]]:
    plugin = importlib.import_module(f"{package}.plugin")
    adapters: list[type[Adapter[Any]]] = plugin.register_adapters()
    return adapters


def _settings_models(module: ModuleType) -> list[type[BaseModel]]:
    """The pydantic models a settings module defines."""
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, BaseModel) and obj.__module__ == module.__name__
    ]


def test_every_capability_has_a_module_name() -> None:
    assert frozenset().union(*BY_CAPABILITY.values()) == frozenset(Capability)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_modules_every_adapter_has(package: str) -> None:
    names = STANDS_FOR.get(package, {})
    missing = [m for m in ALWAYS if not _exists(package, names.get(m, m))]
    assert missing == [], f"{package} lacks {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_a_capability_module_exists_exactly_when_the_capability_is_declared(
    package: str,
) -> None:
    (adapter,) = _adapters(package)
    declared = adapter.capabilities
    for module, capabilities in BY_CAPABILITY.items():
        wanted = bool(declared & capabilities)
        assert _exists(package, module) == wanted, (
            f"{package}.{module}: the adapter declares "
            f"{sorted(c.value for c in declared & capabilities) or 'none of'} "
            f"{sorted(c.value for c in capabilities)}"
        )


@pytest.mark.parametrize("package", PACKAGES)
def test_the_settings_class_lives_in_settings(package: str) -> None:
    (adapter,) = _adapters(package)
    assert adapter.settings_model.__module__ == f"{package}.settings"
    assert adapter.__module__ == f"{package}.adapter"
    # the package exports it under its own name, from settings
    exported = importlib.import_module(package)
    assert getattr(exported, adapter.settings_model.__name__) is adapter.settings_model


@pytest.mark.parametrize("package", PACKAGES)
def test_the_plugin_module_holds_hooks_only(package: str) -> None:
    plugin = importlib.import_module(f"{package}.plugin")
    functions = [
        name
        for name in plugin.__all__
        if inspect.isfunction(getattr(plugin, name)) and not name.startswith("_")
    ]
    assert functions
    for name in functions:
        assert hasattr(getattr(plugin, name), "competency_core_impl"), f"{package}.plugin.{name}"
    # the cli and demo modules are the ones the hooks register
    assert {"register_commands", "register_demo_steps", "register_adapters"} <= set(functions)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_setting_is_declared_once_with_one_description(package: str) -> None:
    models = _settings_models(importlib.import_module(f"{package}.settings"))
    assert models
    described: dict[str, dict[str, str]] = {}
    for model in models:
        for base in model.__mro__[1:]:
            if isinstance(base, type) and issubclass(base, BaseModel) and base is not BaseModel:
                again = set(model.__annotations__) & set(base.model_fields)
                assert not again, f"{model.__name__} repeats {sorted(again)} of {base.__name__}"
        for name, info in model.model_fields.items():
            described.setdefault(name, {})[model.__name__] = info.description or ""
    differing = {name: d for name, d in described.items() if len(set(d.values())) > 1}
    assert differing == {}


def test_the_csv_settings_inherit_the_dialect_and_the_framework_options() -> None:
    from competency_csv.settings import CsvDialect, CsvSettings, FrameworkOptions

    assert issubclass(CsvSettings, CsvDialect)
    assert issubclass(CsvSettings, FrameworkOptions)
    for name in ("language", "multilang", "description_format"):
        assert (
            CsvSettings.model_fields[name].description
            == FrameworkOptions.model_fields[name].description
        )
    assert "0 Moodle, 1 HTML, 2 plain, 4 Markdown" in (
        FrameworkOptions.model_fields["description_format"].description or ""
    )
    settings = CsvSettings.model_validate(
        {"directory": ".", "language": "sv", "multilang": True, "description_format": 0}
    )
    assert settings.framework_options == FrameworkOptions(
        language="sv", multilang=True, description_format=0
    )
    assert settings.dialect == CsvDialect()
