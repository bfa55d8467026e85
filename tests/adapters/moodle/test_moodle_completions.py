"""Completed courses in Moodle become ``course`` evidence (``pull completions``).

The same scenario on the emulator and on a real Moodle 5.1: people are enrolled through an
assignment push, one completes the course in Moodle, ``competency sync moodle pull
completions`` reads it (into the store twice: stored once), and the model's ``any-of``
rule (a manager's rating and the course) gives a level whose explanation names the Moodle
completion as used.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend, EmulatorBackend, Seeded

from competency_core.io import load_model, load_workforce
from competency_core.people import EvidenceKind
from competency_core.scoring.policy import DEFAULT_POLICY
from competency_core.scoring.rules import explain
from competency_core.store import Store
from competency_moodle.completions import completed_on

COMPLETED_AT = int(dt.datetime(2026, 5, 14, 15, 30, tzinfo=dt.UTC).timestamp())
ON = dt.date(2026, 6, 1)

MODEL = """\
key: completion-check
name: Course completion as evidence
version: 1.2.0
scales:
  - key: levels
    name: Levels
    proficient: 3
    levels:
      - {value: 1, label: Aware}
      - {value: 2, label: Working}
      - {value: 3, label: Skilled}
      - {value: 4, label: Expert}
competencies:
  - {key: clean-code, name: Clean code, scale: levels}
  - {key: mentoring, name: Mentoring, scale: levels}
learning_resources:
  - key: clean-code-course
    title: Clean code
    kind: course
    develops: [{competency: clean-code, to_level: 3}]
    external_ids: {moodle_course: CC-101}
  - key: mentoring-course
    title: Mentoring without tracking
    kind: course
    develops: [{competency: mentoring, to_level: 2}]
    external_ids: {moodle_course: %(untracked)s}
evidence:
  rules:
    - competency: clean-code
      rule: any-of
      paths:
        - name: rated and trained
          all: [{kind: rating, rater_type: manager}, {kind: course, resource: clean-code-course}]
"""

PEOPLE = """\
model: completion-check
people:
  - {key: ada, name: Ada, email: ada@example.org}
  - {key: bob, name: Bob, email: bob@example.org}
  - {key: %(absent)s, name: Not enrolled}
assessments:
  - {person: ada, competency: clean-code, level: 3, rater_type: manager, rater: Grace, date: 2026-03-20}
  - {person: bob, competency: clean-code, level: 3, rater_type: manager, rater: Grace, date: 2026-03-20}
assignments:
  - {person: ada, resource: clean-code-course, assigned: 2026-04-01}
  - {person: bob, resource: clean-code-course, assigned: 2026-04-01}
  - {person: ada, resource: mentoring-course, assigned: 2026-04-01}
"""

ABSENT = "priya-raman"
"""A person with a Moodle account who is in no course (on the real site: the example's)."""
UNTRACKED = "SE-101"
"""A course without completion tracking (on the real site: the example's clean-code course)."""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "model.yaml"
    model.write_text(MODEL % {"untracked": UNTRACKED})
    people = tmp_path / "people.yaml"
    people.write_text(textwrap.dedent(PEOPLE % {"absent": ABSENT}))
    return model, people


def _seed(backend: Backend) -> Seeded:
    seeded = backend.seed()
    if isinstance(backend, EmulatorBackend):
        site = backend.emulator.site
        site.add_user(ABSENT)
        site.add_course("Writing maintainable code", idnumber=UNTRACKED)
    return seeded


def test_a_completed_course_is_pulled_into_the_store_once_and_explains_a_level(
    backend: Backend, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _seed(backend)
    model_file, people_file = _files(tmp_path)
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    remote = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN", "--scale-id", str(seeded.scale)]
    state = ["--store", "memory"]

    # enrol: the assignments push enrols ada and bob in the course of clean-code-course
    enrolled = cli(
        "sync", "moodle", "apply", "assignments", people_file, "--model", model_file,
        *remote, *state,
    )  # fmt: skip
    assert enrolled.code == 0, enrolled.err
    enrolments = {(c, u) for c, u, _ in seeded.site.snapshot()["enrolments"]}
    assert {("Clean code", "ada"), ("Clean code", "bob")} <= enrolments

    # complete: ada meets the course's criterion in Moodle; bob does not
    assert seeded.site.complete_course(seeded.course, "ada", COMPLETED_AT) == COMPLETED_AT

    # pull from a people file, as JSON: one completed course, with where it came from
    pull = ("sync", "moodle", "pull", "completions", "--model", model_file)
    pulled = cli(*pull, "--people", people_file, *remote, "--format", "json")
    assert pulled.code == 0, pulled.err
    (piece,) = pulled.json()["evidence"]
    ada = seeded.site.user_id("ada")
    assert piece == {
        "kind": "course",
        "person": "ada",
        "resource": "clean-code-course",
        "date": "2026-05-14",
        "asserted_by": f"moodle:{seeded.url}",
        "source": f"moodle:{seeded.url} course {seeded.course}",
        "name": "Clean code",
        "model_version": "1.2.0",
        "identifier": f"moodle:{seeded.url.split('://')[1]}:course:{seeded.course}:user:"
        f"{ada}:completed",
        "details": {
            "course": "Clean code",
            "moodle_user": "ada",
            "aggregation": "all",
            "criteria": "Self completion: Yes",
        },
    }
    # the course without completion tracking is named, with what to do; the absent person
    # (in no course) is no error
    assert "mentoring-course" in pulled.err
    assert "enable completion tracking in the course" in pulled.err
    assert ABSENT not in pulled.err

    # tracking on but no criteria: no one can complete the course, and the pull says so
    seeded.site.track_completion(seeded.site.course_id(UNTRACKED))
    untracked = cli(*pull, "--people", people_file, *remote, "--format", "json")
    assert untracked.code == 0, untracked.err
    assert len(untracked.json()["evidence"]) == 1
    assert "mentoring-course" in untracked.err
    assert "no completion criteria" in untracked.err

    # into the store, with the store's people: twice, stored once
    url = f"sqlite:///{tmp_path / 'people.sqlite3'}"
    model = load_model(model_file)
    workforce = load_workforce(people_file, model)
    with Store(url) as store:
        store.upsert_people(workforce.people)
    into = ("--store", url, "--into-store", "--format", "json")
    first = cli(*pull, *remote, *into)
    assert first.code == 0, first.err
    assert first.json()["evidence_added"] == 1
    again = cli(*pull, *remote, *into)
    assert again.code == 0, again.err
    assert again.json()["evidence_added"] == 0
    assert again.json()["evidence_already_stored"] == 1
    with Store(url) as store:
        stored = store.evidence(model=model.key)
    assert [e.model_dump(mode="json", exclude_none=True) for e in stored] == [piece]

    # the level: ada's manager rating and her Moodle completion meet the any-of path
    items = [*workforce.assessments, *stored]
    why = explain(model, items, "ada", "clean-code", policy=DEFAULT_POLICY, on=ON)
    assert why.rule == "any-of"
    assert why.level == 3
    assert sorted(str(w.evidence.kind) for w in why.used) == ["course", "rating"]
    (course,) = [w for w in why.to_json()["used"] if w["kind"] == "course"]
    assert course["id"] == piece["identifier"]
    assert course["source"] == f"moodle:{seeded.url} course {seeded.course}"
    assert course["resource"] == "clean-code-course"
    # bob is rated alike but completed nothing: the path is not met
    bob = explain(model, items, "bob", "clean-code", policy=DEFAULT_POLICY, on=ON)
    assert bob.level is None
    assert all(w.evidence.kind is not EvidenceKind.COURSE for w in bob.used)
    assert any("clean-code-course" in note for note in bob.notes)


def test_a_completion_pull_needs_the_people_and_the_models_courses(
    backend: Backend, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _seed(backend)
    model_file, people_file = _files(tmp_path)
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    monkeypatch.delenv("COMPETENCY_STORE", raising=False)
    monkeypatch.delenv("COMPETENCY_STORE_URL", raising=False)
    remote = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN"]
    no_people = cli("sync", "moodle", "pull", "completions", "--model", model_file, *remote)
    assert no_people.code != 0
    assert "--people FILE" in no_people.err
    assert "--store URL" in no_people.err
    no_model = cli("sync", "moodle", "pull", "completions", "--set", 'users=["ada"]', *remote)
    assert no_model.code != 0
    assert "--model FILE" in no_model.err
    both = cli(
        "sync", "moodle", "pull", "completions", "--model", model_file, "--people", people_file,
        "--store", str(tmp_path / "s.sqlite3"), *remote,
    )  # fmt: skip
    assert both.code != 0
    assert "not both" in both.err


def test_the_completion_day_is_when_the_last_criterion_was_met() -> None:
    day = int(dt.datetime(2026, 5, 14, 23, 59, tzinfo=dt.UTC).timestamp())
    rows = [{"timecompleted": day - 86_400 * 3}, {"timecompleted": day}, {"timecompleted": None}]
    assert completed_on({"completed": True, "completions": rows}) == dt.date(2026, 5, 14)
    assert completed_on({"completed": False, "completions": rows}) is None
    assert completed_on({"completed": True, "completions": [{"timecompleted": None}]}) is None
