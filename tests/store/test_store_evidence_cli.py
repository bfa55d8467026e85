"""Commands read evidence from the store as from a file, on SQLite and PostgreSQL.

A small model whose ``cloud`` level comes from an ``any-of`` rule (a certification alone,
or a manager rating with the course completed) and a workforce with that evidence: ``gap``
and ``fit --person`` answer the same from ``--store URL`` as from ``--people FILE``, and the
evidence changes the answer (without it, the levels are other).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core.io import save_model, save_workforce
from competency_core.model import CompetencyModel
from competency_core.people import (
    Assessment,
    Evidence,
    EvidenceKind,
    Person,
    RaterType,
    Workforce,
)
from competency_core.store import Store

Cli = Callable[..., Any]
ON = "2026-06-01"

MODEL = CompetencyModel.model_validate(
    {
        "key": "m",
        "name": "M",
        "version": "1.0.0",
        "scales": [
            {
                "key": "five",
                "name": "Five",
                "proficient": 3,
                "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
            }
        ],
        "competencies": [
            {"key": "cloud", "name": "Cloud", "scale": "five"},
            {"key": "python", "name": "Python", "scale": "five"},
        ],
        "learning_resources": [
            {
                "key": "aws-course",
                "title": "AWS course",
                "develops": [{"competency": "cloud", "to_level": 3}],
            }
        ],
        "roles": [
            {
                "key": "dev",
                "title": "Developer",
                "requirements": [
                    {"competency": "cloud", "level": 3, "essential": True},
                    {"competency": "python", "level": 3},
                ],
            }
        ],
        "evidence": {
            "rules": [
                {
                    "competency": "cloud",
                    "rule": "any-of",
                    "paths": [
                        {"name": "certified", "all": [{"kind": "certification"}]},
                        {
                            "name": "rated and trained",
                            "all": [
                                {"kind": "rating", "rater_type": "manager", "min_level": 2},
                                {"kind": "course", "resource": "aws-course"},
                            ],
                            "level": 3,
                        },
                    ],
                }
            ]
        },
    }
)

DAY = dt.date(2026, 1, 10)
WORKFORCE = Workforce(
    model="m",
    people=(
        Person(key="ana", name="Ana", role="dev"),
        Person(key="bo", name="Bo", role="dev"),
        Person(key="cy", name="Cy", role="dev"),
    ),
    assessments=(
        Assessment(person="ana", competency="python", level=3, date=DAY),
        Assessment(person="bo", competency="cloud", level=2, date=DAY),
        Assessment(person="bo", competency="python", level=4, date=DAY),
        Assessment(person="cy", competency="cloud", level=2, rater_type=RaterType.PEER, date=DAY),
    ),
    evidence=(
        Evidence(
            kind=EvidenceKind.CERTIFICATION,
            person="ana",
            competency="cloud",
            level=4,
            name="AWS SA",
            asserted_by="AWS",
            date=DAY,
            valid_until=dt.date(2029, 1, 10),
        ),
        Evidence(kind=EvidenceKind.COURSE, person="bo", resource="aws-course", date=DAY),
        Evidence(kind=EvidenceKind.COURSE, person="cy", resource="aws-course", date=DAY),
    ),
)


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    save_model(MODEL, path)
    return path


def _run(cli: Cli, *args: str | Path) -> Any:
    result = cli(*args, "-f", "json")
    assert result.code == 0, (args, result.out, result.err)
    return json.loads(result.out)


def test_gap_and_fit_answer_the_same_from_the_store(
    cli: Cli, model_file: Path, store_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "people.yaml"
    save_workforce(WORKFORCE, file)
    bare = tmp_path / "no-evidence.yaml"
    save_workforce(WORKFORCE.model_copy(update={"evidence": ()}), bare)
    with Store(store_url) as store:
        store.add_model(MODEL)
        store.import_workforce(WORKFORCE)
    commands = [
        ("gap", model_file, "--person", "ana", "-r", "dev", "--on", ON),
        ("gap", model_file, "--person", "bo", "-r", "dev", "--on", ON),
        ("gap", model_file, "--person", "cy", "-r", "dev", "--on", ON),
        ("fit", model_file, "--person", "bo", "--on", ON),
    ]
    for command in commands:
        from_file = _run(cli, *command, "--people", file)
        assert _run(cli, *command, "--store", store_url) == from_file, command
        if command[2] != "--person" or command[3] != "cy":  # cy's course alone proves nothing
            assert _run(cli, *command, "--people", bare) != from_file, command
