"""``competency plan ... --push moodle``: development plans become learning plans and
enrolments, on the emulator and on a real Moodle 5.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend, Seeded
from moodle_scenario import adapter, engine, model_data, workforce

from competency_core.io import save_model, save_workforce
from competency_core.model import CompetencyModel
from competency_core.store import Store


def push_model() -> CompetencyModel:
    """The scenario's model; its course also develops testing, which the role does not ask."""
    data = model_data()
    clean_code, ghost = data["learning_resources"]
    clean_code = clean_code | {
        "develops": [
            {"competency": "coding", "to_level": 3},
            {"competency": "coding.tests", "to_level": 3},
        ]
    }
    return CompetencyModel.model_validate(data | {"learning_resources": [clean_code, ghost]})


@pytest.fixture
def files(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Backend, Seeded, list[Any]]:
    """The model pushed to a fresh site; the model and people files; the adapter options."""
    seeded = backend.seed()
    model = push_model()
    e = engine(adapter(seeded))
    assert e.apply(e.plan_model(model)).ok
    save_model(model, tmp_path / "model.yaml")
    people = workforce().model_copy(update={"assignments": ()})  # nothing assigned yet
    save_workforce(people, tmp_path / "people.yaml")
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    monkeypatch.chdir(tmp_path)  # the sync state: ./competency.sqlite3
    return backend, seeded, [tmp_path / "model.yaml", "--people", tmp_path / "people.yaml"]


def test_plans_pushed_as_learning_plans_and_enrolments(
    files: tuple[Backend, Seeded, list[Any]], cli: Any
) -> None:
    moodle, seeded, inputs = files
    opts = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN", "--scale-id", seeded.scale]
    run = ["plan", *inputs, "--all", "--on", "2026-04-01", "--push", "moodle", *opts]
    moodle.reset_calls()
    dry = cli(*run, "--dry-run")
    assert dry.code == 0, dry.err
    assert "assign clean-code to bob (closes coding)" in dry.out
    assert "assign ghost-course to bob (closes design)" in dry.out
    assert "to ada" not in dry.out  # no gap
    assert "assign clean-code to zed" in dry.out  # planned; Moodle does not have zed
    assert "+ plan bob|engineer" in dry.out
    assert moodle.write_calls() == []

    done = cli(*run)
    assert done.code == 0, done.err
    snap = seeded.site.snapshot()
    # the plan holds what bob's learning develops besides the role's competencies
    assert ("bob", "Engineer", 1, ("coding", "coding.tests", "design")) in snap["plans"]
    assert ("ada", "Engineer", 1, ("coding", "design")) in snap["plans"]
    assert snap["enrolments"] == [("Clean code", "bob", 5)]

    again = cli(*run, "--dry-run", "--format", "json")
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert [(a["person"], a["resource"], a["assigned"]) for a in data["assignments"]] == [
        ("bob", "clean-code", "2026-04-01"),
        ("bob", "ghost-course", "2026-04-01"),
        ("zed", "clean-code", "2026-04-01"),
        ("zed", "ghost-course", "2026-04-01"),
    ]
    assert {c["kind"] for c in data["plan"]["changes"] if c["action"] != "unchanged"} <= {
        "enrolment"
    }


def test_one_person_or_all_not_both(files: tuple[Backend, Seeded, list[Any]], cli: Any) -> None:
    _, _, inputs = files
    both = cli("plan", *inputs, "--all", "--person", "bob", "--push", "moodle")
    assert both.code == 2
    assert "--person P or --all" in both.err


def test_plans_of_the_people_in_the_store(
    files: tuple[Backend, Seeded, list[Any]], cli: Any, tmp_path: Path
) -> None:
    _, seeded, inputs = files
    url = f"sqlite:///{tmp_path / 'people.sqlite3'}"
    wf = workforce()
    with Store(url) as db:
        db.upsert_people(wf.people)
        db.add_assessments(wf.assessments, model=wf.model)
    opts = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN", "--scale-id", seeded.scale]
    run = ["plan", inputs[0], "--store", url, "--person", "bob", "--on", "2026-04-01"]
    done = cli(*run, "--push", "moodle", *opts)
    assert done.code == 0, done.err
    assert "assign clean-code to bob (closes coding)" in done.out
    snap = seeded.site.snapshot()
    assert snap["plans"] == [("bob", "Engineer", 1, ("coding", "coding.tests", "design"))]
    assert snap["enrolments"] == [("Clean code", "bob", 5)]
