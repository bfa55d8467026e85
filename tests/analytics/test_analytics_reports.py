from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from analytics_helpers import five_point_model, matrix_ratings

from competency_core.analytics.feedback import CompetencyFeedback, FeedbackSubmission
from competency_core.analytics.items import Concern, FlagKind
from competency_core.analytics.monitoring import Period, monitor
from competency_core.analytics.ratings import PilotData, load_pilot_data, save_pilot_data
from competency_core.analytics.report import (
    build_pilot_report,
    write_monitoring_report,
    write_pilot_report,
)
from competency_core.analytics.simulate import simulate_pilot
from competency_core.errors import ModelValidationError

PNG = b"\x89PNG\r\n\x1a\n"


def test_pilot_report_files(se_model, se_people, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sim = simulate_pilot(se_model, se_people, size=10, seed=2)
    report = build_pilot_report(
        se_model, sim.data, selection=sim.selection, feedback=sim.feedback, on=dt.date(2026, 3, 20)
    )
    assert report.findings[0].competency == "problem-solving"
    assert report.findings[0].concerns[0] is Concern.TOO_BROAD
    assert report.summary.participants == 10
    assert report.summary.answers == len(sim.data.ratings)
    assert report.level_labels[3] == "Practitioner"
    files = write_pilot_report(report, tmp_path / "pilot")
    assert {p.name for p in files.charts} == {
        "answers.png",
        "agreement.png",
        "self-vs-manager.png",
        "pilot-group.png",
        "feedback.png",
    }
    for chart in files.charts:
        assert chart.read_bytes().startswith(PNG)
    md = files.markdown.read_text(encoding="utf-8")
    assert "### Problem solving (`problem-solving`): too broad, hard to measure" in md
    assert "![Krippendorff's alpha per competency](charts/agreement.png)" in md
    html = files.html.read_text(encoding="utf-8")
    assert '<img src="charts/answers.png"' in html
    assert 'id="finding-problem-solving"' in html
    data = json.loads(files.json.read_text(encoding="utf-8"))
    assert data["findings"][0]["competency"] == "problem-solving"
    assert data["findings"][0]["flags"] == ["hard-to-rate", "low-agreement"]


def test_free_text_cannot_inject_markup(tmp_path: Path) -> None:
    model = five_point_model(["alpha"])
    data = PilotData(model=model.key, ratings=tuple(matrix_ratings("alpha", [[1, 2, 3, 4, 5]] * 2)))
    evil = "<script>alert(1)</script> | **bold** [x](javascript:y)"
    fb = FeedbackSubmission(
        model=model.key,
        comment=evil,
        nps=9,
        competencies=(CompetencyFeedback(competency="alpha", clarity=2, comment=evil),),
        submitted_at=dt.datetime(2026, 3, 9, tzinfo=dt.UTC),
    )
    files = write_pilot_report(build_pilot_report(model, data, feedback=[fb]), tmp_path)
    html = files.html.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    md = files.markdown.read_text(encoding="utf-8")
    assert "<script>" not in md
    assert r"\<script\>" in md
    assert r"\| \*\*bold\*\* \[x\]" in md
    assert "charts/feedback.png" in md


def test_a_quiet_pilot_says_so(tmp_path: Path) -> None:
    model = five_point_model(["alpha"])
    data = PilotData(model=model.key, ratings=tuple(matrix_ratings("alpha", [[1, 2, 3, 4, 5]] * 2)))
    report = build_pilot_report(model, data)
    assert report.findings == ()
    assert report.feedback is None
    md = write_pilot_report(report, tmp_path).markdown.read_text(encoding="utf-8")
    assert "No competency was flagged." in md
    assert "Participants' feedback" not in md


def test_monitoring_report_files(se_model, se_people, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = monitor(se_model, se_people, on=dt.date(2026, 6, 30), period=Period.MONTH, periods=6)
    files = write_monitoring_report(r, tmp_path, model_name="SE")
    assert [p.name for p in files.charts] == ["usage.png", "readiness.png"]
    assert all(p.read_bytes().startswith(PNG) for p in files.charts)
    md = files.markdown.read_text(encoding="utf-8")
    assert "# Monitoring report: SE 1.0.0" in md
    assert "| 2026-03 | 176 | 13 | 0 | 6 | 0 |" in md
    assert json.loads(files.json.read_text(encoding="utf-8"))["period"] == "month"


def test_pilot_ratings_file_round_trip_and_errors(tmp_path: Path) -> None:
    model = five_point_model(["alpha"])
    data = PilotData(model=model.key, ratings=tuple(matrix_ratings("alpha", [[1, 2]])))
    path = tmp_path / "ratings.yaml"
    save_pilot_data(data, path)
    assert load_pilot_data(path, model) == data
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "model: test-model\nratings:\n"
        "  - {person: p, competency: alpha, rater_type: self, level: 9, date: 2026-03-02}\n"
        "  - {person: p, competency: nope, rater_type: boss, level: 1, date: 2026-03-02}\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelValidationError) as info:
        load_pilot_data(bad, model)
    problems = {(p.path, p.line) for p in info.value.problems}
    assert ("ratings[1].rater_type", 4) in problems
    other = tmp_path / "other.yaml"
    other.write_text(
        "model: test-model\nratings:\n"
        "  - {person: p, competency: alpha, rater_type: self, level: 9, date: 2026-03-02}\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelValidationError) as info:
        load_pilot_data(other, model)
    (p,) = info.value.problems
    assert (p.path, p.line) == ("ratings[0].level", 3)
    assert "not a level" in p.message


def test_flag_kinds_are_stable_strings() -> None:
    # reports and JSON consumers read these names
    assert [k.value for k in FlagKind] == [
        "ceiling",
        "floor",
        "low-variance",
        "hard-to-rate",
        "low-agreement",
        "no-role",
        "every-role",
    ]
