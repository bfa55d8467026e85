"""competency validate reports the evidence rules' problems at their line in the model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _bad_model(examples: Path, tmp_path: Path) -> Path:
    """The example model with a roll-up needing 5 of 2 children and a path at level 7."""
    text = (examples / "software-engineering.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      rule: roll-up\n      mode: all\n",
        "      rule: roll-up\n      mode: n-of\n      n: 5\n",
    )
    text = text.replace(
        "            - {kind: course, resource: secure-coding-course}\n          level: 3\n",
        "            - {kind: course, resource: pipeline-workshop}\n          level: 7\n",
    )
    bad = tmp_path / "bad-rules.yaml"
    bad.write_text(text, encoding="utf-8")
    return bad


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(needle))


def test_bad_rules_are_located_errors(cli: Any, examples: Path, tmp_path: Path) -> None:
    bad = _bad_model(examples, tmp_path)
    r = cli("validate", bad, "-f", "json")
    assert r.code == 2
    data = r.json()
    assert data["files"][0]["valid"] is False
    found = {e["path"]: e for e in data["errors"]}
    assert set(found) == {
        "evidence.rules[0].n",
        "evidence.rules[1].paths[1].level",
        "evidence.rules[1].paths[1].all[1].resource",
    }
    assert found["evidence.rules[0].n"]["message"] == "roll-up: n is 5 but there are 2 children"
    assert found["evidence.rules[0].n"]["line"] == _line(bad, "n: 5")
    level = found["evidence.rules[1].paths[1].level"]
    assert level["line"] == _line(bad, "level: 7")
    assert "7 is not a level of scale 'five-point'" in level["message"]
    resource = found["evidence.rules[1].paths[1].all[1].resource"]
    assert "'pipeline-workshop' does not develop 'secure-development'" in resource["message"]
    assert {e["file"] for e in data["errors"]} == {str(bad)}


def test_bad_rules_in_text_and_good_rules_pass(cli: Any, examples: Path, tmp_path: Path) -> None:
    bad = _bad_model(examples, tmp_path)
    r = cli("validate", bad)
    assert r.code == 2
    assert f"{bad}:{_line(bad, 'n: 5')}: evidence.rules[0].n: error: roll-up" in r.err
    assert "Traceback" not in r.err + r.out
    ok = cli("validate", examples / "software-engineering.yaml", "-f", "json")
    assert ok.code == 0, ok.out
    assert ok.json()["errors"] == []


def test_an_unknown_rule_is_reported(cli: Any, examples: Path, tmp_path: Path) -> None:
    text = (examples / "software-engineering.yaml").read_text(encoding="utf-8")
    text = text.replace("      rule: roll-up\n      mode: all\n", "      rule: majority\n")
    bad = tmp_path / "unknown-rule.yaml"
    bad.write_text(text, encoding="utf-8")
    data = cli("validate", bad, "-f", "json").json()
    [err] = data["errors"]
    assert err["path"] == "evidence.rules[0].rule"
    assert "unknown evidence rule 'majority'" in err["message"]
    assert err["line"] == _line(bad, "rule: majority")
