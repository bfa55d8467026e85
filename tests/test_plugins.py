"""The plugin system: hooks documented, entry points, checks, and the example plugin."""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import competency_core
from competency_core import hookspecs
from competency_core.hookspecs import hookimpl
from competency_core.io import loads_model
from competency_core.lint import LintRule, available_rules, lint_model, plugin_rules
from competency_core.plugins import (
    PluginError,
    PluginRegistry,
    PublishFormat,
    UnknownAdapterError,
    hook_names,
    plugin_registry,
    reset_plugin_registry,
)
from competency_core.sync import Adapter, ApplyVetoedError, Capability, SyncEngine
from competency_core.testing import AdapterContract
from competency_core.text import LocalizedText

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
MODEL = loads_model(
    """
key: m
name: M
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
competencies: [{key: c, name: C, scale: s}]
"""
)


def _sections() -> dict[str, str]:
    parts = re.split(r"^### `([a-z_]+)`\s*$", DOC, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_hook_is_documented_with_an_example() -> None:
    sections = _sections()
    missing = [h for h in hook_names() if h not in sections]
    assert not missing, f"hooks without a section in docs/plugins.md: {missing}"
    assert set(sections) <= set(hook_names()), "docs/plugins.md documents unknown hooks"
    for hook, body in sections.items():
        code = re.findall(r"```python\n(.*?)```", body, flags=re.S)
        assert code, f"docs/plugins.md: {hook} has no example"
        assert any("@hookimpl" in c and f"def {hook}(" in c for c in code), hook


def test_the_documented_examples_are_valid_plugins() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    for i, code in enumerate(blocks):
        namespace: dict[str, Any] = {}
        exec(compile(textwrap.dedent(code), f"docs/plugins.md[{i}]", "exec"), namespace)
        module = type(sys)("doc_plugin")
        module.__dict__.update(namespace)
        PluginRegistry.build(entry_points=False, plugins=[module])  # check_pending passes


def test_hook_names_are_the_specifications() -> None:
    assert set(hook_names()) == {
        "register_adapters",
        "register_commands",
        "register_demo_services",
        "register_demo_steps",
        "register_lint_rules",
        "register_publish_formats",
        "plan_made",
        "before_apply",
        "after_apply",
        "model_published",
    }
    assert hookspecs.NAME == "competency_core"


def test_the_csv_adapter_comes_through_the_entry_point() -> None:
    eps = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="competency_core")}
    assert eps["csv"] == "competency_csv.plugin"
    info = plugin_registry().adapters()["csv"]
    assert info.plugin.distribution == "competency-core"
    assert info.adapter.capabilities == frozenset(Capability)
    assert PluginRegistry.build(entry_points=False).adapters() == {}


def test_the_registry_is_built_once_and_can_be_reset() -> None:
    first = plugin_registry()
    assert plugin_registry() is first
    reset_plugin_registry()
    assert plugin_registry() is not first
    assert "competency_core.sync.log" in {p.name for p in first.plugins()}


def test_an_unknown_adapter_names_the_installed_ones() -> None:
    with pytest.raises(UnknownAdapterError, match=r"no adapter named 'nope' is installed \("):
        plugin_registry().adapter("nope")


class Misspelled:
    @hookimpl
    def register_adapter(self) -> list[Any]:  # not a hook
        return []


def test_a_misspelled_hook_fails_at_start_up() -> None:
    with pytest.raises(PluginError, match="unknown hook 'register_adapter'"):
        PluginRegistry.build(entry_points=False, plugins=[Misspelled()])


def test_a_broken_entry_point_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = importlib.metadata.EntryPoint("broken", "no_such_module_xyz", "competency_core")
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [broken])
    with pytest.raises(PluginError, match="broken = no_such_module_xyz failed to load"):
        PluginRegistry.build()


class Provides:
    def __init__(self, *items: Any) -> None:
        self.items = items

    @hookimpl
    def register_adapters(self) -> list[Any]:
        return [i for i in self.items if isinstance(i, type)]

    @hookimpl
    def register_lint_rules(self) -> list[Any]:
        return [i for i in self.items if isinstance(i, LintRule)]

    @hookimpl
    def register_publish_formats(self) -> list[Any]:
        return [i for i in self.items if isinstance(i, PublishFormat)]


class Pulls(Adapter[Any]):
    name = "pulls"
    capabilities = frozenset({Capability.PULL_PEOPLE})


def test_adapters_are_checked_when_registered() -> None:
    def adapters(*classes: Any) -> Any:
        return PluginRegistry.build(entry_points=False, plugins=[Provides(*classes)]).adapters()

    with pytest.raises(
        PluginError,
        match="declares capabilities it does not implement: pull-people needs pull_people",
    ):
        adapters(Pulls)
    with pytest.raises(PluginError, match="not an Adapter class"):
        adapters(dict)
    bad_name = type("Bad", (Pulls,), {"name": "Bad Name", "pull_people": lambda self: iter(())})
    with pytest.raises(PluginError, match="use lower-case letters"):
        adapters(bad_name)
    ok = type("Ok", (Pulls,), {"pull_people": lambda self: iter(())})
    assert list(adapters(ok)) == ["pulls"]
    two = PluginRegistry.build(entry_points=False, plugins=[Provides(ok), Provides(ok)])
    with pytest.raises(PluginError, match="two plugins provide an adapter named 'pulls'"):
        two.adapters()


def test_plugin_lint_rules_join_the_built_in_ones() -> None:
    rule = LintRule("no-c", "No competency called c.", lambda m, o: [("competencies[0]", "c!")])
    registry = PluginRegistry.build(entry_points=False, plugins=[Provides(rule)])
    assert plugin_rules(registry) == [rule]
    clash = LintRule("definition-present", "Clash.", lambda m, o: [])
    with pytest.raises(PluginError, match="clashes with competency-core's"):
        plugin_rules(PluginRegistry.build(entry_points=False, plugins=[Provides(clash)]))


def test_publish_formats_and_model_published() -> None:
    fmt = PublishFormat(
        "keys", "Keys.", ".txt", lambda m, lang: " ".join(c.key for c in m.competencies)
    )
    seen: list[str] = []

    class Published:
        @hookimpl
        def model_published(self, publication: Any) -> None:
            seen.append(publication.content_hash)

    registry = PluginRegistry.build(entry_points=False, plugins=[Provides(fmt), Published()])
    assert registry.publish_formats()["keys"].render(MODEL, None) == "c"
    registry.model_published(type("P", (), {"content_hash": "abc"})())
    assert seen == ["abc"]


def test_a_failing_hook_is_a_plugin_error() -> None:
    class Raises:
        @hookimpl
        def plan_made(self, adapter: Any, plan: Any) -> None:
            raise RuntimeError("boom")

    registry = PluginRegistry.build(entry_points=False, plugins=[Raises()])
    with pytest.raises(PluginError, match="plan_made hook failed: RuntimeError: boom"):
        registry.plan_made(None, None)  # type: ignore[arg-type]


# -- the example plugin (examples/plugin), installed as a third party would --------------------


@pytest.fixture(scope="module")
def example_plugin() -> Any:
    """The example plugin's distribution (installed by `make`; installed here if missing)."""

    def find() -> Any:
        return next(
            (
                ep
                for ep in importlib.metadata.entry_points(group="competency_core")
                if ep.name == "jsonl"
            ),
            None,
        )

    if find() is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "-e",
                str(REPO / "examples" / "plugin"),
            ],
            check=True,
            timeout=300,
        )
        sys.path.insert(0, str(REPO / "examples" / "plugin"))
        importlib.invalidate_caches()
    assert find() is not None, (
        "the example plugin is not installed (pip install -e examples/plugin)"
    )
    reset_plugin_registry()
    yield find()
    reset_plugin_registry()


def test_the_example_plugin_is_found_through_its_entry_point(example_plugin: Any) -> None:
    assert example_plugin.value == "competency_jsonl.plugin"
    info = plugin_registry().adapters()["jsonl"]
    assert info.plugin.distribution == "competency-jsonl"
    assert info.plugin.version == "0.1.0"
    assert "competency-name-length" in available_rules()
    assert "competency-name-length" not in available_rules(plugins=False)


def test_the_example_plugin_lint_rule_runs_in_lint(example_plugin: Any) -> None:
    long = MODEL.model_copy(
        update={
            "competencies": (
                MODEL.competencies[0].model_copy(update={"name": LocalizedText("x" * 120)}),
            )
        }
    )
    codes = [f.code for f in lint_model(long)]
    assert "competency-name-length" in codes
    assert "competency-name-length" not in [f.code for f in lint_model(MODEL)]


def test_the_example_plugin_syncs_audits_and_vetoes(
    example_plugin: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="competency_jsonl.audit")
    cls = plugin_registry().adapter("jsonl")
    adapter = cls.configure(
        {"directory": str(tmp_path), "max_deletes": 0},
        env={"COMPETENCY_JSONL_SIGNING_KEY": "k3y-never-shown"},
    )
    engine = SyncEngine(adapter)  # the installed plugins' hooks
    report = engine.apply(
        engine.plan_model(
            competency_core.loads_model(
                (REPO / "examples" / "software-engineering.yaml").read_text()
            )
        )
    )
    assert report.ok
    assert any("jsonl" in r.getMessage() and "created" in r.getMessage() for r in caplog.records)
    assert "k3y-never-shown" not in caplog.text
    with pytest.raises(ApplyVetoedError, match="more than max_deletes=0"):
        engine.apply(
            engine.plan_model(MODEL.model_copy(update={"key": "software-engineering"}), prune=True)
        )


@pytest.mark.usefixtures("example_plugin")
class TestExamplePluginContract(AdapterContract):
    """The example plugin's adapter, found through its entry point, under the contract."""

    def make_adapter(self) -> Adapter[Any]:
        cls = plugin_registry().adapter("jsonl")
        adapter: Adapter[Any] = cls.configure(
            {"directory": str(self.new_directory()), "max_deletes": 1000},
            env={"COMPETENCY_JSONL_SIGNING_KEY": "contract-signing-key"},
        )
        return adapter
