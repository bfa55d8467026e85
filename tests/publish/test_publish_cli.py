"""``competency publish`` and ``competency import-case``: outputs, JSON, user mistakes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import competency_core as cc

Cli = Callable[..., Any]


def test_publish_writes_every_output(
    cli: Cli, examples: Path, tmp_path: Path, se_model: cc.CompetencyModel
) -> None:
    res = cli(
        "publish",
        examples / "software-engineering.yaml",
        "--xlsx",
        tmp_path / "m.xlsx",
        "--html",
        tmp_path / "html",
        "--markdown",
        tmp_path / "md",
        "--case",
        tmp_path / "m.case.json",
        "--people",
        examples / "people.yaml",
        "--on",
        "2026-06-01",
        "--format",
        "json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert [o["kind"] for o in data["outputs"]] == ["xlsx", "html", "markdown", "case"]
    xlsx = data["outputs"][0]
    # the model's sheets in one workbook, the people's in a confidential one beside it
    assert xlsx["sheets"] == 5 + len(se_model.roles)
    assert xlsx["people_workbook"] == str(tmp_path / "m-people.xlsx")
    assert xlsx["people_sheets"] > 2
    assert (tmp_path / "m.xlsx").is_file()
    assert (tmp_path / "m-people.xlsx").is_file()
    assert (tmp_path / "html" / "index.html").is_file()
    assert (tmp_path / "md" / "index.md").is_file()
    package = json.loads((tmp_path / "m.case.json").read_text(encoding="utf-8"))
    assert len(package["CFItems"]) == len(se_model.competencies)


def test_publish_table_output(cli: Cli, examples: Path, tmp_path: Path) -> None:
    res = cli("publish", examples / "software-engineering.yaml", "--case", tmp_path / "m.json")
    assert res.code == 0, res.err
    assert "published" in res.out
    assert "items 27" in res.out


def test_publish_mistakes_are_clear(cli: Cli, examples: Path, tmp_path: Path) -> None:
    model = examples / "software-engineering.yaml"
    res = cli("publish", model)
    assert res.code != 0
    assert "nothing to publish" in res.out + res.err
    res = cli("publish", model, "--case", tmp_path / "x.json", "--on", "someday")
    assert res.code != 0
    assert "'someday' is not a date" in res.out + res.err
    res = cli("publish", tmp_path / "missing.yaml", "--case", tmp_path / "x.json")
    assert res.code != 0
    assert "missing.yaml" in res.out + res.err
    assert not (tmp_path / "x.json").exists()


def test_import_case_round_trip(
    cli: Cli, examples: Path, tmp_path: Path, se_model: cc.CompetencyModel
) -> None:
    assert (
        cli("publish", examples / "software-engineering.yaml", "--case", tmp_path / "p.json").code
        == 0
    )
    res = cli(
        "import-case", tmp_path / "p.json", "--out", tmp_path / "back.yaml", "--format", "json"
    )
    assert res.code == 0, res.err
    assert res.json()["notes"] == []
    assert cc.load_model(tmp_path / "back.yaml") == se_model


def test_import_case_of_a_real_package_with_the_schema(
    cli: Cli, shared_data: Path, tmp_path: Path
) -> None:
    case = shared_data / "case"
    res = cli(
        "import-case",
        case / "opensalt_Ordering.json",
        "--out",
        tmp_path / "ordering.yaml",
        "--schema",
        case / "case-v1p1-cfpackage-schema.json",
        "--format",
        "json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert data["competencies"] == len(cc.load_model(tmp_path / "ordering.yaml").competencies)
    # a CASE 1.0 package with fields 1.1 does not allow: reported as warnings, still imported
    assert data["schema_problems"]
    assert {p["severity"] for p in data["schema_problems"]} == {"warning"}


def test_import_case_of_broken_json(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    res = cli("import-case", bad, "--out", tmp_path / "m.yaml")
    assert res.code != 0
    assert "bad.json" in res.err
    assert "invalid JSON" in res.err
    assert "Traceback" not in res.err
    assert not (tmp_path / "m.yaml").exists()
