"""``competency csv check``: every bad row with file, line, column and what to do; exit codes."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core import load_model
from competency_core.io import load_workforce
from competency_csv import ASSESSMENTS, PEOPLE, CsvDialect, export_framework, write_table
from competency_csv.check import check_file, hint, sniff_kind
from competency_csv.model.pull import check_framework

Cli = Callable[..., Any]
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def good(tmp_path: Path) -> dict[str, Path]:
    """A good file of each kind, written by the adapter's own functions."""
    wf = load_workforce(EXAMPLES / "people.yaml")
    files = {
        "people": tmp_path / "people.csv",
        "assessments": tmp_path / "ratings.csv",
        "framework": tmp_path / "se.moodle.csv",
    }
    write_table(files["people"], PEOPLE, wf.people)
    write_table(files["assessments"], ASSESSMENTS, wf.assessments)
    export_framework(load_model(EXAMPLES / "software-engineering.yaml"), files["framework"])
    return files


def test_good_files_are_fine_and_their_kind_is_told_from_the_header(
    cli: Cli, good: dict[str, Path]
) -> None:
    result = cli("csv", "check", *good.values(), "--format", "json")
    assert result.code == 0, result.out
    data = result.json()
    assert data["ok"] is True
    assert [f["kind"] for f in data["files"]] == list(good)
    assert all(f["rows"] > 0 and f["findings"] == [] for f in data["files"])
    text = cli("csv", "check", *good.values())
    assert text.code == 0
    assert "3 file(s) checked, 3 fine" in text.out


def test_every_bad_row_is_reported_with_line_column_and_what_to_do(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(
        "person,competency,level,date,rater_type\n"
        "ann,coding,x,2026-13-01,boss\n"
        ",coding,2,2026-01-01,self\n"
        "bob,coding,2,2026-01-01,self\n"
        "bob,coding,2,2026-01-01,self\n"
        "cem,coding,2,2026-01-01,self,extra\n",
        encoding="utf-8",
    )
    result = cli("csv", "check", path, "-f", "json")
    assert result.code == 1
    (checked,) = result.json()["files"]
    assert checked["kind"] == "assessments"
    found = {(f["line"], f["column"]) for f in checked["findings"]}
    assert found == {
        (2, "level"),
        (2, "date"),
        (2, "rater_type"),
        (3, "person"),
        (5, None),  # the same rating as line 4
        (6, None),  # a cell more than the header
    }
    assert all(f["hint"] and f["file"] == str(path) for f in checked["findings"])
    by_column = {f["column"]: f["hint"] for f in checked["findings"] if f["column"]}
    assert "YYYY-MM-DD" in by_column["date"]
    assert "manager" in by_column["rater_type"]
    text = cli("csv", "check", path)
    assert text.code == 1
    assert f"{path}:2: level: error:" in text.out
    assert "what to do: fill in the person cell" in text.out


def test_a_header_map_and_a_dialect_are_used_and_named_in_hints(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("Employee ID;Full name\ne-1;Åsa\n;Bob\n", encoding="cp1252")
    args = ["csv", "check", path, "--delimiter", ";", "--encoding", "cp1252"]
    # without the map the kind cannot be told: not checked (exit 2), with a hint
    unknown = cli(*args)
    assert unknown.code == 2
    assert "--kind" in unknown.out
    # as people without the map: the missing columns, and how to map them
    missing = cli(*args, "--kind", "people", "-f", "json")
    assert missing.code == 1
    (finding,) = missing.json()["files"][0]["findings"]
    assert finding["message"].startswith("missing column(s) id, name")
    assert "--map" in finding["hint"]
    mapped = cli(*args, "--map", "Employee ID=id", "--map", "Full name=name")
    assert mapped.code == 1
    assert "hr.csv:3: Employee ID (id): error: required, but empty" in mapped.out
    assert "fill in the Employee ID cell" in mapped.out


def test_unreadable_input_exits_2(cli: Cli, tmp_path: Path, good: dict[str, Path]) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\ne-1,Åsa\n".encode("cp1252"))
    result = cli("csv", "check", good["people"], latin, tmp_path / "missing.csv", "-f", "json")
    assert result.code == 2
    files = result.json()["files"]
    assert [f["readable"] for f in files] == [True, False, False]
    assert "--encoding" in files[1]["findings"][0]["hint"]
    assert files[1]["findings"][0]["line"] == 2
    assert "cannot read" in files[2]["findings"][0]["message"]


def test_usage_mistakes_exit_2_without_a_traceback(cli: Cli, good: dict[str, Path]) -> None:
    assert cli("csv", "check", good["people"], "--encoding", "klingon").code == 2
    assert cli("csv", "check", good["people"], "--map", "no-equals").code == 2
    assert cli("csv", "check", good["people"], "--kind", "nonsense").code == 2


def test_a_framework_file_gets_what_moodle_would_drop(cli: Cli, good: dict[str, Path]) -> None:
    path = good["framework"]
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[3][0] = "nope"  # line 4: an unknown parent
    rows[5][1] = rows[6][1]  # line 7: an ID number used on line 6 too
    rows[7][7] = "rule"  # line 8: a completion rule (a warning)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    count, problems = check_framework(path)
    assert count == len(rows) - 1
    errors = {(p.line, p.path) for p in problems if p.severity == "error"}
    assert errors == {(4, "Parent ID number"), (7, "ID number")}
    assert any(p.line == 8 and p.severity == "warning" for p in problems)
    result = cli("csv", "check", path, "--kind", "framework", "-f", "json")
    assert result.code == 1
    hints = {f["column"]: f["hint"] for f in result.json()["files"][0]["findings"]}
    assert "leave the cell empty" in hints["Parent ID number"]


def test_a_framework_file_with_the_wrong_delimiter(tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    export_framework(
        load_model(EXAMPLES / "software-engineering.yaml"), semi, CsvDialect(delimiter=";")
    )
    assert sniff_kind(semi, CsvDialect(), {}) is None  # one column per line with ','
    checked = check_file(semi, "framework")
    assert not checked.ok
    assert any("--delimiter" in (f.hint or "") for f in checked.findings)
    assert check_file(semi, None, CsvDialect(delimiter="auto")).ok


def test_hints_cover_the_messages_of_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "assignments.csv"
    path.write_text(
        "person,resource,assigned,status,due\nann,r1,2026-01-01,done,yesterday\n",
        encoding="utf-8",
    )
    checked = check_file(path)
    assert checked.kind == "assignments"
    assert {f.problem.path: bool(f.hint) for f in checked.findings} == {
        "status": True,
        "due": True,
    }
    assert all(hint(f.problem, "assignments") == f.hint for f in checked.findings)
