from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

CliRun = Callable[..., Any]


def test_pilot_select(cli: CliRun, examples: Path, tmp_path: Path) -> None:
    model, people = examples / "software-engineering.yaml", examples / "people.yaml"
    out = tmp_path / "group.yaml"
    r = cli(
        "pilot", "select", model, people, "--size", "8", "--seed", "3", "--out", out, "-f", "json"
    )
    assert r.code == 0, r.err
    data = r.json()
    assert data["size"] == 8
    assert len(data["people"]) == 8
    assert data["coverage"] == 1.0
    again = cli("pilot", "select", model, people, "--size", "8", "--seed", "3", "-f", "json")
    assert again.json()["people"] == data["people"]
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["participants"] == data["people"]
    text = cli("pilot", "select", model, people, "--size", "4", "--by", "role")
    assert text.code == 0
    assert "strata have nobody in the group" in text.out


def test_pilot_select_mistakes_exit_2(cli: CliRun, examples: Path) -> None:
    model, people = examples / "software-engineering.yaml", examples / "people.yaml"
    too_many = cli("pilot", "select", model, people, "--size", "99")
    assert too_many.code == 2
    assert "only 14 are available" in too_many.err
    bad_field = cli("pilot", "select", model, people, "--size", "3", "--by", "salary")
    assert bad_field.code == 2
    assert "cannot stratify by 'salary'" in bad_field.err


def test_simulate_then_report(cli: CliRun, examples: Path, tmp_path: Path) -> None:
    model, people = examples / "software-engineering.yaml", examples / "people.yaml"
    ratings, feedback = tmp_path / "ratings.yaml", tmp_path / "feedback.yaml"
    r = cli(
        "pilot",
        "simulate",
        model,
        people,
        "--out",
        ratings,
        "--feedback-out",
        feedback,
        "--seed",
        "2",
    )
    assert r.code == 0, r.err
    out = tmp_path / "report"
    rep = cli(
        "pilot",
        "report",
        model,
        ratings,
        "--feedback",
        feedback,
        "--out",
        out,
        "-f",
        "json",
        "--fail-on-flags",
        "--threshold",
        "low-alpha=0.5",
        "-t",
        "ceiling_share=1",
    )
    assert rep.code == 1  # flagged competencies with --fail-on-flags
    data = rep.json()
    thresholds = data["report"]["items"]["thresholds"]
    assert (thresholds["low_alpha"], thresholds["ceiling_share"]) == (0.5, 1.0)
    assert "ceiling" not in {k for f in data["report"]["findings"] for k in f["flags"]}
    assert data["report"]["findings"][0]["competency"] == "problem-solving"
    assert data["report"]["feedback"]["nps"]["responses"] == 10
    assert Path(data["files"]["html"]).is_file()


def test_report_mistakes_exit_2(cli: CliRun, examples: Path, tmp_path: Path) -> None:
    model = examples / "software-engineering.yaml"
    ratings = tmp_path / "r.yaml"
    ratings.write_text("model: software-engineering\nratings: []\n", encoding="utf-8")
    bad = cli("pilot", "report", model, ratings, "--out", tmp_path, "-t", "low_alpha")
    assert bad.code == 2
    assert "NAME=VALUE" in bad.err
    unknown = cli("pilot", "report", model, ratings, "--out", tmp_path, "-t", "nope=1")
    assert unknown.code == 2
    assert "bad threshold" in unknown.err
    wrong = tmp_path / "w.yaml"
    wrong.write_text("model: other\nratings: []\n", encoding="utf-8")
    mismatch = cli("pilot", "report", model, wrong, "--out", tmp_path, "-f", "json")
    assert mismatch.code == 2
    assert "not 'software-engineering'" in mismatch.json()["errors"][0]["message"]


def test_monitor(cli: CliRun, examples: Path, tmp_path: Path) -> None:
    model, people = examples / "software-engineering.yaml", examples / "people.yaml"
    r = cli(
        "monitor",
        model,
        people,
        "--on",
        "2026-06-30",
        "--period",
        "month",
        "--periods",
        "3",
        "--out",
        tmp_path,
        "-f",
        "json",
    )
    assert r.code == 0, r.err
    data = r.json()
    assert [u["label"] for u in data["report"]["usage"]] == ["2026-04", "2026-05", "2026-06"]
    assert Path(data["files"]["markdown"]).is_file()
    bad = cli("monitor", model, people, "--on", "June", "--out", tmp_path)
    assert bad.code == 2
    assert "YYYY-MM-DD" in bad.err


def test_demo_step_flags_the_too_broad_competency(
    cli: CliRun, examples: Path, tmp_path: Path
) -> None:
    r = cli("demo", "--examples", examples, "--out", tmp_path, "--only", "Pilot:")
    assert r.code == 0, r.err
    assert "flagged the deliberately too-broad competency" in r.out
    assert (tmp_path / "pilot" / "pilot-report.html").is_file()
    assert (tmp_path / "pilot" / "charts" / "answers.png").is_file()
