"""People, assessments, feedback and sync state in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from competency_core.errors import ConflictError, UnknownKeyError
from competency_core.io import load_model, load_workforce
from competency_core.people import Assessment, Person, RaterType
from competency_core.store import Feedback, Store, SyncRecord
from competency_core.versioning.migrate import MigrationMapping

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _people(n: int = 3) -> list[Person]:
    return [Person(key=f"p{i}", name=f"Person {i}", role="engineer") for i in range(n)]


def test_people_upsert_and_read(store: Store) -> None:
    assert store.upsert_people(_people()) == 3
    renamed = Person(key="p1", name="Renamed", email="r@example.com", attributes={"site": "x"})
    store.upsert_people([renamed])
    assert store.person("p1") == renamed
    assert [p.key for p in store.people()] == ["p0", "p1", "p2"]
    with pytest.raises(UnknownKeyError):
        store.person("nobody")


def test_assessments_round_trip_and_history_order(store: Store) -> None:
    store.upsert_people(_people())
    made = [
        Assessment(
            person="p1",
            competency="coding",
            level=lv,
            date=dt.date(2026, 1, day),
            rater_type=RaterType.PEER,
            rater="p2",
            evidence=("PR 12", "PR 40"),
            expires=dt.date(2027, 1, 1),
            model_version="1.0.0",
            comment="solid",
        )
        for lv, day in ((3, 20), (2, 5), (4, 28))
    ]
    other = Assessment(person="p0", competency="coding", level=1, date=dt.date(2026, 1, 1))
    assert store.add_assessments([*made, other], model="software-engineering") == 4
    history = store.assessments_of("p1")
    assert history == sorted(made, key=lambda a: a.date)
    assert store.assessments_of("p1", competency="testing") == []
    assert store.count_assessments(model="software-engineering") == 4
    assert store.count_assessments(model="software-engineering", version="1.0.0") == 3
    assert list(store.iter_assessments(version="1.0.0")) == made


def test_assessments_for_unknown_people_write_nothing(store: Store) -> None:
    store.upsert_people(_people(1))
    day = dt.date(2026, 1, 1)
    good = [Assessment(person="p0", competency="c", level=1, date=day)] * 3
    bad = Assessment(person="ghost", competency="c", level=1, date=day)
    with pytest.raises(UnknownKeyError, match="ghost"):
        store.add_assessments([*good, bad], batch_size=2)  # fails in the second batch
    assert store.count_assessments() == 0


def test_import_workforce_and_migrate_between_versions(store: Store) -> None:
    model = load_model(EXAMPLES / "software-engineering.yaml")
    wf = load_workforce(EXAMPLES / "people.yaml", model)
    store.add_model(model)
    store.start_pilot(model.key)
    store.approve(model.key, "hr", "J")
    store.approve(model.key, "engineering-leadership", "A")
    store.publish(model.key)
    tagged = wf.model_copy(
        update={
            "assessments": tuple(
                a.model_copy(update={"model_version": "1.0.0"}) for a in wf.assessments
            )
        }
    )
    n = store.import_workforce(tagged)
    assert n == len(wf.assessments) > 0

    draft = store.new_draft(model.key)
    gone = "code-review"
    data = draft.model.model_dump(mode="python", round_trip=True)
    data["competencies"] = [c for c in draft.model.competencies if c.key != gone]
    data["competencies"] = [
        c.model_copy(update={"related": tuple(r for r in c.related if r != gone)})
        for c in data["competencies"]
    ]
    data["roles"] = [
        r.model_copy(
            update={"requirements": tuple(q for q in r.requirements if q.competency != gone)}
        )
        for r in draft.model.roles
    ]
    data["learning_resources"] = [
        lr.model_copy(update={"develops": tuple(d for d in lr.develops if d.competency != gone)})
        for lr in draft.model.learning_resources
    ]
    data["learning_resources"] = [lr for lr in data["learning_resources"] if lr.develops]
    edited = type(draft.model).model_validate(data)
    store.save_draft(edited, revision=draft.revision)
    assert store.start_pilot(model.key).version == "2.0.0"  # a removed competency is major

    dry = store.migrate_assessments(model.key, "1.0.0", "2.0.0", dry_run=True)
    assert store.count_assessments(version="2.0.0") == 0
    lost = [nc for nc in dry.not_carried if nc.assessment.competency == gone]
    assert lost
    assert all("removed in 2.0.0" in nc.reason for nc in lost)

    report = store.migrate_assessments(
        model.key, "1.0.0", "2.0.0", MigrationMapping(drop=(gone,)), actor="priya"
    )
    assert report.carried == store.count_assessments(version="2.0.0") == n - len(lost)
    assert all(nc.reason == "dropped by the mapping" for nc in report.not_carried)
    again = store.migrate_assessments(model.key, "1.0.0", "2.0.0", MigrationMapping(drop=(gone,)))
    assert again.carried == store.count_assessments(version="2.0.0")  # idempotent
    assert store.count_assessments(version="1.0.0") == n  # the originals stay
    assert store.history(model.key)[-1].event == "assessments-migrated"


def test_feedback_round_trip(store: Store) -> None:
    items = [
        Feedback(
            model="se",
            model_version="1.0.0",
            competency="coding",
            clarity=4,
            relevance=5,
            respondent="p1",
            submitted_at=T0,
        ),
        Feedback(model="se", nps=9, text="Useful for my review", tags=("pilot",), submitted_at=T0),
    ]
    stored = store.add_feedback(items)
    assert [f.id is not None for f in stored] == [True, True]
    assert store.feedback("se") == stored
    assert store.feedback("se", competency="coding") == stored[:1]
    assert store.feedback("se", version="1.0.0") == stored[:1]


def test_feedback_validation() -> None:
    with pytest.raises(ValidationError, match="needs a clarity"):
        Feedback(model="se", submitted_at=T0)
    with pytest.raises(ValidationError, match="rate a competency or a role"):
        Feedback(model="se", clarity=3, submitted_at=T0)
    with pytest.raises(ValidationError):
        Feedback(model="se", nps=11, submitted_at=T0)


def test_sync_state_upsert_and_optimistic_locking(store: Store) -> None:
    rec = SyncRecord(
        adapter="moodle",
        kind="competency",
        local_key="se/coding",
        remote_id="17",
        content_hash="abc",
        last_synced=T0,
        details={"framework": 3},
    )
    first = store.put_sync_state(rec)
    assert first.revision == 1
    assert first.model_copy(update={"revision": 0}) == rec
    second = store.put_sync_state(rec.model_copy(update={"content_hash": "def"}))
    assert second.revision == 2
    third = store.put_sync_state(rec.model_copy(update={"remote_id": "18"}), expected_revision=2)
    assert (third.revision, third.remote_id) == (3, "18")
    with pytest.raises(ConflictError, match="no longer at revision 2"):
        store.put_sync_state(rec, expected_revision=2)
    with pytest.raises(ConflictError, match="created by someone else"):
        store.put_sync_state(rec, expected_revision=0)
    other = rec.model_copy(update={"local_key": "se/testing"})
    assert store.put_sync_state(other, expected_revision=0).revision == 1
    assert [r.local_key for r in store.sync_states("moodle")] == ["se/coding", "se/testing"]
    assert store.sync_state("moodle", "competency", "se/coding") == third
    assert store.delete_sync_state("moodle", "competency", "se/coding")
    assert not store.delete_sync_state("moodle", "competency", "se/coding")
    assert store.sync_state("moodle", "competency", "se/coding") is None
