"""A workforce file's ``evidence:`` entries are checked against the model like assessments.

Each problem names the file, the line of the entry's field and its path
(``evidence[i].field``): an unknown person, competency or learning resource (with a
suggestion), a level off the scale, a scale with no mapping, and a model version other
than the model's (a warning).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from competency_core.errors import ModelValidationError
from competency_core.io import check_workforce_file, load_workforce, workforce_problems
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, EvidenceKind, Person, Workforce

MODEL = CompetencyModel.model_validate(
    {
        "key": "m",
        "name": "M",
        "version": "2.0.0",
        "scales": [
            {
                "key": "five",
                "name": "Five",
                "proficient": 3,
                "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
            },
            {
                "key": "three",
                "name": "Three",
                "proficient": 2,
                "levels": [{"value": v, "label": str(v)} for v in range(1, 4)],
            },
            {
                "key": "ten",
                "name": "Ten",
                "proficient": 5,
                "levels": [{"value": v, "label": str(v)} for v in range(1, 11)],
            },
        ],
        "scale_mappings": [{"source": "three", "target": "five", "levels": {1: 1, 2: 3, 3: 5}}],
        "competencies": [
            {"key": "cloud", "name": "Cloud", "scale": "five"},
            {"key": "python", "name": "Python", "scale": "five"},
        ],
        "learning_resources": [
            {
                "key": "aws-course",
                "title": "AWS",
                "develops": [{"competency": "cloud", "to_level": 3}],
            }
        ],
    }
)

GOOD = """\
model: m
people:
  - {key: ana, name: Ana}
evidence:
  - {kind: certification, person: ana, competency: cloud, level: 4, date: 2026-01-10}
  - {kind: course, person: ana, resource: aws-course, date: 2026-02-01}
  - {kind: badge, person: ana, competency: python, level: 2, scale: three, date: 2026-02-01}
  - {kind: xapi, person: ana, competency: python, date: 2026-03-01}
"""

BAD = """\
model: m
people:
  - {key: ana, name: Ana}
evidence:
  - kind: certification
    person: anna
    competency: clod
    level: 4
    date: 2026-01-10
  - kind: course
    person: ana
    resource: aws-cours
    date: 2026-02-01
  - kind: rating
    person: ana
    competency: python
    rater_type: manager
    level: 9
    date: 2026-02-01
  - kind: badge
    person: ana
    competency: python
    level: 3
    scale: ten
    date: 2026-02-01
    model_version: 1.0.0
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_evidence_has_no_problems(tmp_path: Path) -> None:
    wf, problems = check_workforce_file(_write(tmp_path, GOOD), MODEL)
    assert problems == []
    assert wf is not None
    assert len(wf.evidence) == 4


def test_each_bad_field_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, BAD)
    wf, problems = check_workforce_file(path, MODEL)
    assert wf is None
    got = {(p.path, p.line, p.severity): p for p in problems}
    assert set(got) == {
        ("evidence[0].person", 6, "error"),
        ("evidence[0].competency", 7, "error"),
        ("evidence[1].resource", 12, "error"),
        ("evidence[2].level", 18, "error"),
        ("evidence[3].scale", 24, "error"),
        ("evidence[3].model_version", 26, "warning"),
    }
    assert all(p.file == str(path) for p in problems)
    assert "unknown person 'anna'" in got["evidence[0].person", 6, "error"].message
    assert "did you mean 'ana'" in got["evidence[0].person", 6, "error"].message
    assert "did you mean 'cloud'" in got["evidence[0].competency", 7, "error"].message
    resource = got["evidence[1].resource", 12, "error"].message
    assert "unknown learning resource 'aws-cours'" in resource
    assert "did you mean 'aws-course'" in resource
    level = got["evidence[2].level", 18, "error"].message
    assert "9 is not a level of scale 'five'" in level
    mapping = got["evidence[3].scale", 24, "error"].message
    assert "no scale mapping from 'ten' to 'five'" in mapping
    assert "add one under scale_mappings" in mapping
    assert "migrate the evidence" in got["evidence[3].model_version", 26, "warning"].message
    with pytest.raises(ModelValidationError) as info:
        load_workforce(path, MODEL)
    text = str(info.value)
    assert f"{path}:7: evidence[0].competency:" in text


def test_a_workforce_object_is_checked_too() -> None:
    wf = Workforce(
        model="m",
        people=(Person(key="ana", name="Ana"),),
        evidence=(
            Evidence(
                kind=EvidenceKind.BADGE, person="bo", competency="cloud", level=7, date="2026-01-01"
            ),
        ),
    )
    paths = sorted(p.path for p in workforce_problems(wf, MODEL))
    assert paths == ["evidence[0].level", "evidence[0].person"]
