"""competency-core and its adapters work without competency-core-testing installed.

The test support is a distribution of its own: no module of the library or of the shipped
adapters imports it when loaded, and the demo steps built on it (the Moodle emulator, the
identity-provider simulators, the local SCIM service, which it provides to the demo as
services) say in one line that they are skipped and why.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core.plugins import DISABLE_ENV, plugin_registry, reset_plugin_registry

# every module of the library and the shipped adapters, imported with competency_testing
# made unimportable
IMPORT_ALL = """
import importlib, pkgutil, sys

class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "competency_testing":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
failed = []
for top in ("competency_core", "competency_csv", "competency_moodle", "competency_scim"):
    package = importlib.import_module(top)
    for info in pkgutil.walk_packages(package.__path__, top + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            failed.append(f"{info.name}: {exc!r}")
print("\\n".join(failed))
"""


def test_no_module_imports_the_testing_distribution_when_loaded() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("step", ["Moodle: push", "Entra ID and Okta", "SCIM: pull people"])
def test_a_demo_step_without_the_testing_distribution_says_so(
    step: str,
    cli: Callable[..., Any],
    examples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # as if competency-core-testing were not installed: its plugin is left out
    monkeypatch.setenv(DISABLE_ENV, "testing")
    reset_plugin_registry()
    try:
        assert "testing" not in {p.name for p in plugin_registry().plugins()}
        r = cli("demo", "--examples", examples, "--out", tmp_path, "--only", step)
    finally:
        monkeypatch.delenv(DISABLE_ENV)
        reset_plugin_registry()
    assert r.code == 0, r.err
    lines = [line for line in r.out.splitlines() if "skipped" in line]
    assert len(lines) == 1, r.out
    assert "no installed plugin provides the demo service" in lines[0]
    assert "pip install competency-core-testing" in lines[0]
