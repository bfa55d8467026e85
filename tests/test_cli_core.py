"""The core CLI commands: exit codes, JSON output, and no traceback for user mistakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIVE_MISTAKES = (Path(__file__).parent / "samples" / "five_mistakes.yaml").read_text()


def test_validate_examples_exits_zero(cli: Any, examples: Path) -> None:
    files = sorted(examples.glob("*.yaml"))
    assert len(files) >= 4
    result = cli("validate", *files)
    assert result.code == 0, result.err
    assert "invalid" not in result.out


def test_validate_reports_every_error_as_json(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(FIVE_MISTAKES)
    result = cli("validate", path, "--format", "json")
    assert result.code == 2
    errors = result.json()["errors"]
    assert len(errors) == 5
    assert all(set(e) >= {"file", "path", "line", "message"} for e in errors)
    assert {e["line"] for e in errors} == {14, 18, 27, 28, 29}


def test_validate_text_output_names_file_line_and_path(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(FIVE_MISTAKES)
    result = cli("validate", path)
    assert result.code == 2
    assert f"{path}:14: competencies[0].scale: error: unknown scale 'fiv'" in result.err


def test_missing_file_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    result = cli("validate", tmp_path / "nope.yaml", "-f", "json")
    assert result.code == 2
    assert result.json()["errors"][0]["message"] == "no such file"
    assert cli("show", tmp_path / "nope.yaml").code == 2


def test_workforce_is_checked_against_its_model(cli: Any, examples: Path, tmp_path: Path) -> None:
    model = examples / "software-engineering.yaml"
    people = tmp_path / "people.yaml"
    people.write_text(
        "model: software-engineering\npeople:\n  - {key: ann, name: Ann, role: no-such-role}\n"
        "assessments:\n  - {person: bob, competency: nope, level: 3, date: 2026-01-01}\n"
    )
    result = cli("validate", people, "--model", model, "-f", "json")
    assert result.code == 2
    paths = {(e["path"], e["line"]) for e in result.json()["errors"]}
    assert paths == {
        ("people[0].role", 3),
        ("assessments[0].person", 5),
        ("assessments[0].competency", 5),
    }


def test_lint_prints_findings_and_sets_exit_code(cli: Any, examples: Path, tmp_path: Path) -> None:
    result = cli("lint", examples / "software-engineering.yaml", "-f", "json")
    assert result.code == 0
    data = result.json()
    assert data["model"] == "software-engineering"
    assert all(f["severity"] != "error" for f in data["findings"])
    strict = cli("lint", examples / "software-engineering.yaml", "--fail-on", "warning")
    assert strict.code == (1 if data["counts"].get("warning") else 0)


def test_show_summarises_in_another_language(cli: Any, examples: Path) -> None:
    result = cli("show", examples / "customer-success.yaml", "--language", "sv", "-f", "json")
    assert result.code == 0
    data = result.json()
    assert data["languages"] == ["en", "sv"]
    assert data["roles"]
    assert data["competencies"]
    text = cli("show", examples / "software-engineering.yaml")
    assert text.code == 0
    assert "roles" in text.out


def test_schema_prints_json_schema(cli: Any, tmp_path: Path) -> None:
    result = cli("schema")
    assert result.code == 0
    assert result.json()["title"] == "competency-core model"
    out = tmp_path / "schema.json"
    assert cli("schema", "workforce", "--out", out).code == 0
    assert json.loads(out.read_text())["title"] == "competency-core workforce"


def test_unknown_command_is_a_usage_error(cli: Any) -> None:
    assert cli("no-such-command").code == 2
