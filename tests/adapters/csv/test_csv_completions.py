"""``competency sync csv pull completions``: completed assignments in a CSV file as evidence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from competency_core.io import load_model, load_workforce
from competency_core.store import Store

Cli = Callable[..., Any]

ASSIGNMENTS = """\
person,resource,assigned,due,status,completed
lena-fischer,testing-workshop,2026-03-20,2026-06-30,completed,2026-05-20
aisha-bello,testing-workshop,2026-03-20,2026-06-30,in-progress,
jakob-eriksson,secure-coding-course,2026-03-25,2026-09-30,completed,
"""


def test_completed_rows_are_pulled_as_course_evidence_and_stored_once(
    cli: Cli, examples: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lms"
    folder.mkdir()
    (folder / "assignments.csv").write_text(ASSIGNMENTS, encoding="utf-8")
    model_file = examples / "software-engineering.yaml"
    pull = ("sync", "csv", "pull", "completions", "--set", f"directory={folder}")
    pulled = cli(*pull, "--model", model_file, "-f", "json")
    assert pulled.code == 0, pulled.err
    # only a completed row with its completion date is a completed course
    assert pulled.json()["evidence"] == [
        {
            "kind": "course",
            "person": "lena-fischer",
            "resource": "testing-workshop",
            "date": "2026-05-20",
            "source": "csv:assignments.csv",
        }
    ]
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    model = load_model(model_file)
    with Store(url) as store:
        store.upsert_people(load_workforce(examples / "people.yaml", model).people)
    into = ("--model", model_file, "--into-store", "--store", url, "-f", "json")
    first = cli(*pull, *into)
    assert first.code == 0, first.err
    assert first.json()["evidence_added"] == 1
    again = cli(*pull, *into)
    assert again.json()["evidence_added"] == 0
    assert again.json()["evidence_already_stored"] == 1
