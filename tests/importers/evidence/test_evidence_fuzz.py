"""Whatever JSON a file holds, the readers skip it with a reason; they never raise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.importers.evidence.badges import read_credentials
from competency_core.importers.evidence.matching import EvidenceImport, ModelTargets, PeopleIndex
from competency_core.importers.evidence.xapi import Statement, statements_evidence
from competency_core.io import load_model, load_workforce

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DATA = Path(__file__).parent / "data"
MODEL = load_model(EXAMPLES / "software-engineering.yaml")
PEOPLE = load_workforce(EXAMPLES / "people.yaml", MODEL).people
GOOD_BADGE = json.loads((DATA / "badges" / "priya-incident-commander.json").read_text())
GOOD_STATEMENT = json.loads((DATA / "xapi" / "statements.json").read_text())["statements"][0]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


BADGE_PATHS = _paths(GOOD_BADGE)
STATEMENT_PATHS = _paths(GOOD_STATEMENT)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _badge(data: Any) -> EvidenceImport:
    return read_credentials(data, "fuzz.json", ModelTargets(MODEL), PeopleIndex(PEOPLE))


def _statement(data: Any) -> EvidenceImport:
    return statements_evidence([Statement(data, "fuzz.json", "[0]")], MODEL, PEOPLE)


@FUZZ
@given(json_values)
def test_any_json_as_a_credential_or_statement(value: Any) -> None:
    for result in (_badge(value), _statement(value)):
        assert len(result.evidence) + len(result.skipped) >= 1
        assert all(s.reason for s in result.skipped)


@FUZZ
@given(st.sampled_from(BADGE_PATHS), json_values)
def test_a_credential_with_one_field_replaced(path: tuple[Any, ...], value: Any) -> None:
    result = _badge(_replaced(GOOD_BADGE, path, value))
    assert all(s.reason and s.source == "fuzz.json" for s in result.skipped)
    assert all(e.person == "priya-raman" for e in result.evidence)


@FUZZ
@given(st.sampled_from(STATEMENT_PATHS), json_values)
def test_a_statement_with_one_field_replaced(path: tuple[Any, ...], value: Any) -> None:
    result = _statement(_replaced(GOOD_STATEMENT, path, value))
    assert len(result.evidence) + len(result.skipped) == 1


CSV_HEADER = "kind,person,competency,resource,level,scale,date,valid_until,asserted_by,rater_type\n"
cells = st.sampled_from(
    ["certification", "course", "rating", "badge", "priya-raman", "coding", "testing-workshop",
     "3", "9", "-1", "five-point", "2026-01-05", "2025-01-01", "05/01/2026", "peer", "",
     '"', '"a,b"', ";", "\t", "é"]
)  # fmt: skip


@FUZZ
@given(st.lists(st.lists(cells, min_size=1, max_size=12), max_size=6))
def test_any_csv_rows(tmp_path_factory: Any, rows: list[list[str]]) -> None:
    from competency_core.importers.evidence import read_evidence_csv

    f = tmp_path_factory.mktemp("csv") / "rows.csv"
    f.write_text(CSV_HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    result = read_evidence_csv([f], MODEL, PEOPLE)
    assert all(s.reason and s.line for s in result.skipped)
    assert len(result.evidence) + len(result.skipped) <= len(rows)
