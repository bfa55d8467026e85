"""The columnar road: evidence as arrays, resolved vectorised, equals today's per-person road.

For generated models (with and without evidence rules: precedence, any-of, roll-up,
half-lives), workforces (assessments and evidence of every kind) and policies (every
aggregation, random rater orders and weights): ``resolve`` on the columns of the
workforce, and on the same evidence round-tripped through Parquet, Arrow IPC and CSV
files, gives exactly ``PeopleLevels.from_workforce`` (NaN where it has NaN, equal values).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.csv as pcsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.io import load_model, load_workforce, save_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.scale.columnar import EvidenceColumns
from competency_core.scale.readers import iter_people_levels, read_evidence
from competency_core.scale.resolve import resolve
from competency_core.scoring.bulk import PeopleLevels
from competency_core.scoring.choices import Aggregation
from competency_core.scoring.policy import ScoringPolicy
from competency_core.testing import strategies as cs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
ON = st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30))


@st.composite
def cases(draw: st.DrawFn) -> tuple[CompetencyModel, Workforce, ScoringPolicy, dt.date]:
    """A model (rules or not), a workforce with evidence of every kind, a policy, a date."""
    m = draw(cs.scoring_models(hierarchy=st.booleans(), n_competencies=(1, 6)))
    if draw(st.booleans()):
        m = m.model_copy(update={"evidence": draw(cs.evidence_rules(m))})
    evidence = draw(st.sampled_from([0, (0, 10)]))
    wf = draw(
        cs.workforces(
            m,
            n_people=(0, 5),
            assessments_per_person=(0, 12),
            evidence_per_person=evidence,
        )
    )
    policy = draw(cs.scoring_policies())
    return m, wf, policy, draw(ON)


def _same(got: PeopleLevels, want: PeopleLevels) -> None:
    assert got.people == want.people
    assert got.competencies == want.competencies
    np.testing.assert_array_equal(np.isnan(got.normalised), np.isnan(want.normalised))
    np.testing.assert_array_equal(got.normalised, want.normalised)


@pytest.mark.parametrize("aggregation", list(Aggregation))
@SETTINGS
@given(case=cases())
def test_resolve_equals_the_per_person_road(
    aggregation: Aggregation, case: tuple[CompetencyModel, Workforce, ScoringPolicy, dt.date]
) -> None:
    m, wf, policy, on = case
    policy = policy.model_copy(update={"aggregation": aggregation})
    want = PeopleLevels.from_workforce(m, wf, policy=policy, on=on)
    columns = EvidenceColumns.from_workforce(wf)
    _same(resolve(m, columns, policy=policy, on=on, people=want.people), want)
    with tempfile.TemporaryDirectory() as tmp:
        table = columns.to_arrow()
        for name, write in (
            ("e.parquet", pq.write_table),
            ("e.arrow", feather.write_feather),
            ("e.csv", pcsv.write_csv),
        ):
            path = Path(tmp) / name
            write(table, path)
            back = read_evidence(path, assessments=False)
            _same(resolve(m, back, policy=policy, on=on, people=want.people), want)


@settings(SETTINGS, max_examples=15)
@given(case=cases(), chunk=st.integers(1, 4))
def test_parquet_chunks_of_people_resolve_as_the_whole(
    case: tuple[CompetencyModel, Workforce, ScoringPolicy, dt.date], chunk: int
) -> None:
    m, wf, policy, on = case
    table = EvidenceColumns.from_workforce(wf).to_arrow()
    table = table.take(np.argsort(np.asarray(table.column("person").to_pylist()), kind="stable"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.parquet"
        pq.write_table(table, path, row_group_size=7)
        parts = list(
            iter_people_levels(m, path, policy=policy, on=on, chunk_people=chunk, batch_rows=5)
        )
    whole = resolve(m, EvidenceColumns.from_arrow(table), policy=policy, on=on)
    assert all(len(p.people) <= chunk for p in parts)
    assert tuple(k for p in parts for k in p.people) == whole.people
    if parts:
        joined = np.vstack([p.normalised for p in parts])
        np.testing.assert_array_equal(joined, whole.normalised)


@settings(SETTINGS, max_examples=15)
@given(case=cases())
def test_workforce_files_read_as_the_checked_loader_reads_them(
    case: tuple[CompetencyModel, Workforce, ScoringPolicy, dt.date],
) -> None:
    m, wf, policy, on = case
    want = PeopleLevels.from_workforce(m, wf, policy=policy, on=on)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("w.yaml", "w.json"):
            path = Path(tmp) / name
            save_workforce(wf, path)
            got = resolve(m, read_evidence(path), policy=policy, on=on)
            _same(got, want)


def test_the_example_workforce() -> None:
    m = load_model(EXAMPLES / "software-engineering.yaml")
    on = dt.date(2026, 6, 1)
    path = EXAMPLES / "people.yaml"
    want = PeopleLevels.from_workforce(m, load_workforce(path), on=on)
    _same(resolve(m, read_evidence(path), on=on), want)


def test_the_fast_path_reads_what_competency_writes(tmp_path: Path) -> None:
    from competency_core.scale.fastyaml import read_sections

    wf = load_workforce(EXAMPLES / "people.yaml")
    path = tmp_path / "w.yaml"
    save_workforce(wf, path)
    sections = read_sections(path)
    assert sections is not None
    assert sections.people == tuple(p.key for p in wf.people)
    assert sections.assessments is not None
    assert sections.assessments.num_rows == len(wf.assessments)
    # line numbers point at each item's first line
    lines = path.read_text().split("\n")
    assert all(lines[n - 1].startswith("- person: ") for n in sections.assessment_lines)


@pytest.mark.parametrize(
    "text",
    [
        "assessments:\n- &a {person: x, competency: c, level: 1, date: 2026-01-01}\n",
        "assessments:\n- person: x\n  level: !!str 3\n",
        "assessments:\n- person: yes\n  competency: c\n  level: 1\n  date: 2026-01-01\n",
        "assessments:\n- person: x\n  competency: c\n  level: 0x1\n  date: 2026-01-01\n",
        "assessments:\n- person: x\n  competency: c\n  level: 1\n  date: 2026-01-01\n  x: 1\n",
        "assessments:\n- person: x\n  competency: c\n  level: 1\n  level: 2\n  date: 2026-01-01\n",
        'assessments:\n- {person: "a, b", competency: c, level: 1, date: 2026-01-01}\n',
        "assessments:\n- person: x\n  comment: |\n    two\n    lines\n",
        "roles: []\n",
    ],
)
def test_the_fast_path_leaves_what_it_does_not_understand(tmp_path: Path, text: str) -> None:
    from competency_core.scale.fastyaml import read_sections

    path = tmp_path / "w.yaml"
    path.write_text(text)
    assert read_sections(path) is None


def test_evidence_of_someone_the_workforce_does_not_list_is_left_out(tmp_path: Path) -> None:
    m = load_model(EXAMPLES / "software-engineering.yaml")
    path = tmp_path / "w.yaml"
    path.write_text(
        "people:\n- key: ana\n  name: Ana\nassessments:\n"
        "- person: ana\n  competency: api-design\n  level: 3\n  date: '2026-01-10'\n"
        "- person: zed\n  competency: api-design\n  level: 4\n  date: '2026-01-10'\n"
    )
    on = dt.date(2026, 6, 1)
    want = PeopleLevels.from_workforce(m, load_workforce(path), on=on)
    got = resolve(m, read_evidence(path), on=on)
    assert got.people == ("ana",)
    _same(got, want)
    wf = load_workforce(path)
    _same(resolve(m, EvidenceColumns.from_workforce(wf), on=on), want)
