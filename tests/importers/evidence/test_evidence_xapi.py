"""xAPI statements from files: the samples in data/xapi, and each mapping rule."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_core.importers.evidence import read_xapi_files
from competency_core.importers.evidence.matching import ModelTargets, PeopleIndex
from competency_core.importers.evidence.xapi import (
    Statement,
    level_from_score,
    statement_evidence,
    statements_evidence,
)
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, EvidenceKind, Workforce
from competency_core.scales import ProficiencyScale

PREFIX = "https://ladder.example.com/competencies/"
PASSED = "http://adlnet.gov/expapi/verbs/passed"


def _statement(**changes: Any) -> dict[str, Any]:
    s: dict[str, Any] = {
        "id": "11111111-2222-4333-8444-555555555555",
        "actor": {"objectType": "Agent", "mbox": "mailto:priya.raman@example.com"},
        "verb": {"id": PASSED},
        "object": {"objectType": "Activity", "id": PREFIX + "testing"},
        "result": {"score": {"scaled": 0.5}},
        "timestamp": "2026-04-01T10:00:00Z",
        "authority": {"objectType": "Agent", "mbox": "mailto:lrs@example.com"},
    }
    s.update(changes)
    return s


def _one(model: CompetencyModel, workforce: Workforce, data: Any) -> Evidence | Any:
    return statement_evidence(
        Statement(data, "mem.json", "[0]"),
        ModelTargets(model, activity_prefix=PREFIX),
        PeopleIndex(workforce.people),
    )


def test_the_samples(data: Path, model: CompetencyModel, workforce: Workforce) -> None:
    result = read_xapi_files([data / "xapi"], model, workforce.people, activity_prefix=PREFIX)
    got = {e.identifier: e for e in result.evidence}
    assert len(got) == 4
    coding = got["6f1c2a3b-0000-4000-8000-000000000001"]
    assert (coding.kind, coding.person, coding.competency, coding.level) == (
        EvidenceKind.XAPI, "priya-raman", "coding", 4,
    )  # fmt: skip
    assert coding.date == dt.date(2026, 3, 2)
    assert coding.asserted_by == "Example Corp LRS"
    assert coding.source == f"xapi:{data / 'xapi' / 'statements.json'}"
    assert coding.name == "Programming assessment"
    course = got["6f1c2a3b-0000-4000-8000-000000000002"]
    assert (course.kind, course.person, course.resource, course.level, course.competency) == (
        EvidenceKind.COURSE, "daniel-kim", "sre-book", None, None,
    )  # fmt: skip
    assert course.date == dt.date(2026, 3, 5)  # the timestamp's own date (+01:00)
    mastered = got["6f1c2a3b-0000-4000-8000-000000000003"]  # mbox_sha1sum; raw 45 of 0..50
    assert (mastered.person, mastered.competency, mastered.level) == (
        "sofia-lindqvist",
        "observability",
        4,
    )
    assert got["6f1c2a3b-0000-4000-8000-000000000011"].resource == "ddia-book"  # JSON lines

    why = {(Path(s.source).name, s.path, s.line): s.reason for s in result.skipped}
    assert len(result.skipped) == 9
    assert "verbs/failed" in why["statements.json", "statements[3].verb", None]
    assert "verbs/attempted" in why["statements.json", "statements[4].verb", None]
    assert "visitor@example.org" in why["statements.json", "statements[5].actor", None]
    assert "trivia/42" in why["statements.json", "statements[6].object.id", None]
    assert why["statements.json", "statements[7].result.success", None] == "result.success is false"
    assert why["statements.json", "statements[8]", None].startswith("voided by statement")
    assert "voiding statement" in why["statements.json", "statements[9].verb", None]
    assert "Group" in why["statements.jsonl", "actor", 2]
    assert why["statements.jsonl", "", 3].startswith("not JSON")


def test_actor_by_account_key_or_email(model: CompetencyModel, workforce: Workforce) -> None:
    for name in ("daniel-kim", "Daniel.Kim@example.com"):
        e = _one(
            model,
            workforce,
            _statement(actor={"account": {"homePage": "https://lms", "name": name}}),
        )
        assert isinstance(e, Evidence)
        assert e.person == "daniel-kim"
    sha1 = hashlib.sha1(b"mailto:omar.haddad@example.com").hexdigest()
    e = _one(model, workforce, _statement(actor={"mbox_sha1sum": sha1}))
    assert isinstance(e, Evidence)
    assert e.person == "omar-haddad"
    skipped = _one(model, workforce, _statement(actor={"openid": "https://id.example.com/u/1"}))
    assert not isinstance(skipped, Evidence)
    assert "openid" in skipped.reason


def test_authority_of_an_oauth_group(model: CompetencyModel, workforce: Workforce) -> None:
    group = {
        "objectType": "Group",
        "member": [
            {"account": {"homePage": "https://lrs.example.com", "name": "moodle-app"}},
            {"mbox": "mailto:priya.raman@example.com"},
        ],
    }
    e = _one(model, workforce, _statement(authority=group))
    assert isinstance(e, Evidence)
    assert e.asserted_by == "moodle-app"


@pytest.mark.parametrize(
    ("result", "level"),
    [
        ({"score": {"scaled": 0.5}}, 3),
        ({"score": {"scaled": 0.49}}, 2),
        ({"score": {"scaled": 1}}, 5),
        ({"score": {"scaled": 0}}, 1),
        ({"score": {"raw": 7, "min": 0, "max": 10}}, 3),
        ({"score": {"scaled": -0.5}}, None),
        ({"score": {"scaled": 3}}, None),
        ({"completion": True}, None),
    ],
)
def test_level_from_the_score(
    model: CompetencyModel, workforce: Workforce, result: dict[str, Any], level: int | None
) -> None:
    e = _one(model, workforce, _statement(result=result))
    assert isinstance(e, Evidence)
    assert e.level == level
    if "score" in result and level is None:
        assert "level_note" in e.details


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}, "[0].verb", "only passed"),
        ({"verb": {}}, "[0].verb", "no verb id"),
        ({"actor": None}, "[0].actor", "no actor"),
        ({"object": {"objectType": "StatementRef", "id": "x"}}, "[0].object.objectType", "not an Activity"),
        ({"object": {"objectType": "Activity"}}, "[0].object.id", "no id"),
        ({"timestamp": "yesterday"}, "[0].timestamp", "timestamp"),
        ({"object": {"id": "https://elsewhere.example.org/x"}}, "[0].object.id", "activity prefix"),
    ],
)  # fmt: skip
def test_skipped_statements(
    model: CompetencyModel, workforce: Workforce, change: dict[str, Any], path: str, words: str
) -> None:
    skipped = _one(model, workforce, _statement(**change))
    assert not isinstance(skipped, Evidence)
    assert skipped.path == path
    assert words in skipped.reason
    assert skipped.item == "11111111-2222-4333-8444-555555555555"


def test_prefix_names_resources_too(model: CompetencyModel, workforce: Workforce) -> None:
    e = _one(model, workforce, _statement(object={"id": PREFIX + "testing-workshop"}, result={}))
    assert isinstance(e, Evidence)
    assert (e.kind, e.resource) == (
        EvidenceKind.COURSE,
        "testing-workshop",
    )


def test_voiding_applies_within_a_batch(model: CompetencyModel, workforce: Workforce) -> None:
    kept = _statement(id="aaaaaaaa-0000-4000-8000-000000000001")
    voided = copy.deepcopy(kept) | {"id": "aaaaaaaa-0000-4000-8000-000000000002"}
    voiding = _statement(
        id="aaaaaaaa-0000-4000-8000-000000000003",
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": voided["id"]},
    )
    items = [Statement(s, "mem", f"[{i}]") for i, s in enumerate([kept, voided, voiding])]
    result = statements_evidence(items, model, workforce.people, activity_prefix=PREFIX)
    assert [e.identifier for e in result.evidence] == [kept["id"]]
    assert [s.path for s in result.skipped] == ["[1]", "[2].verb"]


def test_a_file_with_no_statements(
    tmp_path: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    f = tmp_path / "odd.json"
    f.write_text('{"hello": 1}')
    result = read_xapi_files([f], model, workforce.people)
    assert not result.evidence
    assert "no statements" in result.skipped[0].reason


SCALE = ProficiencyScale(
    key="s", name="S", proficient=2, levels=[{"value": v, "label": str(v)} for v in (0, 1, 2, 4)]
)


@given(st.floats(min_value=0, max_value=1))
def test_level_from_score_is_the_highest_at_or_below(scaled: float) -> None:
    level = level_from_score(SCALE, scaled)
    assert level is not None
    assert SCALE.normalise(level) <= scaled + 1e-9
    above = [v for v in SCALE.values if v > level]
    assert all(SCALE.normalise(v) > scaled + 1e-9 for v in above)


def test_a_broken_json_file_is_not_read_as_json_lines(
    tmp_path: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    f = tmp_path / "broken.json"
    f.write_text('[\n  {"id": "a",\n   "verb": {}\n  },\n  {"id": "b"\n]\n')
    result = read_xapi_files([f], model, workforce.people)
    assert len(result.skipped) == 1
    assert result.skipped[0].reason.startswith("not JSON")
    assert result.skipped[0].line == 6
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert (
        read_xapi_files([empty], model, workforce.people).skipped[0].reason == "the file is empty"
    )
