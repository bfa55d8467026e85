"""Renamed competencies in a Moodle framework file: the row's idnumber rewritten in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from competency_core.io import loads_model
from competency_core.sync import Action, SyncEngine
from competency_csv import CsvAdapter

OLD = """
key: tiny
name: Tiny
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
competencies:
  - {key: coding, name: Coding, definition: Writes code, scale: s}
  - {key: coding.tests, name: Testing, parent: coding, scale: s, related: [design]}
  - {key: coding.tests.unit, name: Unit tests, parent: coding.tests, scale: s}
  - {key: design, name: Design, scale: s}
"""
NEW = OLD.replace("coding.tests", "coding.testing")


def test_a_renamed_competency_keeps_its_row(tmp_path: Path) -> None:
    e = SyncEngine(CsvAdapter.configure({"directory": str(tmp_path)}))
    old, new = loads_model(OLD), loads_model(NEW)
    assert e.apply(e.plan_model(old)).ok
    [path] = tmp_path.glob("*.csv")
    before = path.read_text(encoding="utf-8").splitlines()
    plan = e.plan_model(new, previous=old, prune=True)
    assert [(c.action, c.old_key, c.key) for c in plan.pending] == [
        (Action.UPDATE, "coding.tests", "coding.testing"),
        (Action.UPDATE, "coding.tests.unit", "coding.testing.unit"),  # and its parent cell
    ]
    assert e.apply(plan).ok
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    assert [line.replace("coding.testing", "coding.tests") for line in after] == before
    assert e.plan_model(new, prune=True).is_empty
    rendered = plan.render()
    assert "~ competency coding.tests -> coding.testing (renamed)" in rendered


def test_the_cli_takes_the_previous_version(tmp_path: Path, cli: Any) -> None:
    old_file, new_file = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_file.write_text(OLD, encoding="utf-8")
    new_file.write_text(NEW, encoding="utf-8")
    out = tmp_path / "out"
    common = ["--set", f"directory={out}", "--store", "memory"]
    assert cli("sync", "csv", "apply", "model", old_file, *common).code == 0
    shown = cli("sync", "csv", "plan", "model", new_file, "--previous", old_file, *common)
    assert shown.code == 0
    assert "~ competency coding.tests -> coding.testing (renamed)" in shown.out
    assert "+ competency" not in shown.out
    missing = cli("sync", "csv", "plan", "model", new_file, "--previous", "9.9.9", *common)
    assert missing.code == 2
    assert "--store memory holds no versions" in missing.err
