"""Models and versions in the store, through the lifecycle, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from competency_core import lifecycle
from competency_core.errors import (
    ConflictError,
    LifecycleError,
    Problem,
    StoreError,
    UnknownKeyError,
)
from competency_core.io import load_model
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.roles import Requirement
from competency_core.store import Store
from competency_core.text import LocalizedText

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
S = LifecycleStatus
KEY = "software-engineering"


@pytest.fixture(scope="module")
def model() -> CompetencyModel:
    return load_model(EXAMPLES / "software-engineering.yaml")


def _publish_first(store: Store, model: CompetencyModel) -> None:
    store.add_model(model, actor="priya")
    store.start_pilot(KEY, actor="priya")
    store.approve(KEY, "hr", "Jonas Berg", comment="fits our grading")
    store.approve(KEY, "engineering-leadership", "Amara Okafor")
    store.publish(KEY, by="priya")


def _minor_edit(m: CompetencyModel) -> CompetencyModel:
    """Add a desirable requirement and reword a definition: a minor change."""
    role = m.roles[-1]
    missing = next(c for c in m.competencies if role.requirement(c.key) is None and c.assessable)
    role2 = role.model_copy(
        update={
            "requirements": (
                *role.requirements,
                Requirement(competency=missing.key, level=3, essential=False),
            )
        }
    )
    comp = m.competencies[0].model_copy(update={"definition": LocalizedText("Reworded.")})
    data = m.model_dump(mode="python", round_trip=True)
    data["roles"] = (*m.roles[:-1], role2)
    data["competencies"] = (comp, *m.competencies[1:])
    return CompetencyModel.model_validate(data)


def test_add_and_get_round_trip(store: Store, model: CompetencyModel) -> None:
    rec = store.add_model(model, actor="priya")
    assert rec.revision == 1
    assert rec.status == S.DRAFT
    assert rec.content_hash == lifecycle.content_hash(model)
    again = store.get(KEY)
    assert again.model == model
    assert store.model_keys() == [KEY]
    with pytest.raises(ConflictError, match="already in the store"):
        store.add_model(model)


def test_full_lifecycle_to_1_1_0(store: Store, model: CompetencyModel) -> None:
    _publish_first(store, model)
    first = store.get(KEY, "1.0.0")
    assert first.status == S.PUBLISHED
    assert first.published_by == "priya"
    assert first.published_at is not None
    assert [a.approver for a in first.model.metadata.approvals] == ["hr", "engineering-leadership"]

    draft = store.new_draft(KEY, actor="priya")
    assert (draft.version, draft.status, draft.based_on) == ("1.0.1", S.DRAFT, "1.0.0")
    edited = _minor_edit(draft.model)
    saved = store.save_draft(edited, revision=draft.revision, actor="priya")
    assert saved.revision == draft.revision + 1
    piloted = store.start_pilot(KEY)
    assert piloted.version == "1.1.0"  # settled from the (minor) changes
    store.approve(KEY, "hr", "Jonas Berg")
    store.approve(KEY, "engineering-leadership", "Amara Okafor")
    published = store.publish(KEY, by="priya")
    assert (published.version, published.status) == ("1.1.0", S.PUBLISHED)
    assert [v.version for v in store.versions(KEY)] == ["1.0.0", "1.1.0"]
    latest = store.published(KEY)
    assert latest is not None
    assert latest.version == "1.1.0"
    events = [e.event for e in store.history(KEY)]
    assert events == [
        "imported", "pilot", "approval", "approval", "published",
        "new-draft", "edited", "pilot", "approval", "approval", "published",
    ]  # fmt: skip


def test_published_version_cannot_change_and_nothing_changes(
    store: Store, model: CompetencyModel
) -> None:
    _publish_first(store, model)
    before = store.get(KEY, "1.0.0")
    changed = before.model.model_copy(update={"description": LocalizedText("Changed.")})
    with pytest.raises(LifecycleError, match="published and immutable"):
        store.save_draft(changed, revision=before.revision)
    with pytest.raises(LifecycleError, match="no version in draft"):
        store.start_pilot(KEY)
    with pytest.raises(LifecycleError, match="no version in draft"):
        store.approve(KEY, "hr", "Jonas Berg")
    after = store.get(KEY, "1.0.0")
    assert after == before
    assert [e.event for e in store.history(KEY)][-1] == "published"


def test_database_refuses_to_alter_or_delete_published_rows(
    store: Store, model: CompetencyModel
) -> None:
    _publish_first(store, model)
    before = store.get(KEY, "1.0.0")
    for sql in (
        "UPDATE cc_model_version SET content_hash = 'x'",
        "UPDATE cc_model_version SET status = 'draft'",
        "UPDATE cc_model_version SET version = '9.9.9'",
        "DELETE FROM cc_model_version",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="immutable"), store.engine.begin() as c:
            c.execute(sa.text(sql))
    assert store.get(KEY, "1.0.0") == before


def test_tampered_content_is_detected_on_read(store: Store, model: CompetencyModel) -> None:
    _publish_first(store, model)
    drop = {
        "sqlite": "DROP TRIGGER cc_model_version_immutable",
        "postgresql": "DROP TRIGGER cc_model_version_immutable ON cc_model_version",
    }[store.dialect]
    with store.engine.begin() as c:
        c.execute(sa.text(drop))
        row = c.execute(sa.text("SELECT id, content FROM cc_model_version")).one()
        content = row.content if isinstance(row.content, dict) else json.loads(row.content)
        content["description"] = "Quietly altered"
        tbl = sa.table("cc_model_version", sa.column("id"), sa.column("content", sa.JSON))
        c.execute(sa.update(tbl).where(tbl.c.id == row.id).values(content=content))
    with pytest.raises(StoreError, match="content hash mismatch"):
        store.get(KEY, "1.0.0")


def test_optimistic_locking_two_writers(store_url: str, model: CompetencyModel) -> None:
    alice, bob = Store(store_url), Store(store_url)
    try:
        alice.add_model(model)
        a, b = alice.get(KEY), bob.get(KEY)
        alice.save_draft(
            a.model.model_copy(update={"description": LocalizedText("Alice's")}),
            revision=a.revision,
        )
        with pytest.raises(ConflictError, match="someone else"):
            bob.save_draft(
                b.model.model_copy(update={"description": LocalizedText("Bob's")}),
                revision=b.revision,
            )
        with pytest.raises(ConflictError):
            bob.start_pilot(KEY, revision=b.revision)
        final = bob.get(KEY)
        assert final.model.text(final.model.description) == "Alice's"
        assert final.revision == a.revision + 1
    finally:
        alice.close()
        bob.close()


def test_transaction_is_all_or_nothing(store: Store, model: CompetencyModel) -> None:
    def half_way() -> None:
        with store.transaction():
            store.add_model(model)
            store.start_pilot(KEY)
            raise RuntimeError("crash half-way")

    with pytest.raises(RuntimeError):
        half_way()
    assert store.model_keys() == []
    with pytest.raises(UnknownKeyError):
        store.get(KEY)


def test_refused_steps(store: Store, model: CompetencyModel) -> None:
    store.add_model(model)
    with pytest.raises(LifecycleError, match="piloted"):
        store.approve(KEY, "hr", "Jonas")
    store.start_pilot(KEY)
    with pytest.raises(LifecycleError, match="not an approver"):
        store.approve(KEY, "finance", "Someone")
    store.approve(KEY, "hr", "Jonas")
    with pytest.raises(LifecycleError, match="already approved"):
        store.approve(KEY, "hr", "Jonas")
    with pytest.raises(LifecycleError, match="still needs the approval of: engineering-leadership"):
        store.mark_approved(KEY)
    back = store.return_to_draft(KEY, comment="pilot feedback: reword testing")
    assert back.status == S.DRAFT
    assert back.model.metadata.approvals == ()
    with pytest.raises(LifecycleError, match="working version"):
        store.add_model(model.model_copy(update={"version": "2.0.0"}))
    with pytest.raises(LifecycleError, match="already has a working version"):
        store.new_draft(KEY)


def test_publish_requires_a_clean_lint(store: Store, model: CompetencyModel) -> None:
    store.add_model(model)
    store.start_pilot(KEY)
    store.approve(KEY, "hr", "J")
    approved = store.approve(KEY, "engineering-leadership", "A")

    def lint(_: CompetencyModel) -> list[Problem]:
        return [Problem(path="roles[0]", message="too vague", severity="error", code="x")]

    with pytest.raises(lifecycle.PublishBlockedError, match="too vague"):
        store.publish(KEY, lint=lint)
    assert store.get(KEY) == approved


def test_nothing_to_release_and_discard(store: Store, model: CompetencyModel) -> None:
    _publish_first(store, model)
    store.new_draft(KEY)
    with pytest.raises(LifecycleError, match="already has a working version"):
        store.new_draft(KEY)
    with pytest.raises(LifecycleError, match="nothing changed"):
        store.start_pilot(KEY)
    store.discard_draft(KEY)
    assert [v.version for v in store.versions(KEY)] == ["1.0.0"]
    assert store.history(KEY)[-1].event == "discarded"


def test_retire_and_review_dates(store: Store, model: CompetencyModel) -> None:
    _publish_first(store, model)
    review = model.metadata.review_date
    assert review is not None
    assert store.due_for_review(on=review - dt.timedelta(days=1)) == []
    due = store.due_for_review(on=review + dt.timedelta(days=3))
    assert [(d.model, d.days_overdue) for d in due] == [(KEY, 3)]
    retired = store.transition(KEY, S.RETIRED, actor="priya")
    assert retired.status == S.RETIRED
    assert retired.content_hash == lifecycle.content_hash(model)
    assert store.due_for_review(on=review + dt.timedelta(days=3)) == []


def test_unknown_keys(store: Store) -> None:
    with pytest.raises(UnknownKeyError, match="unknown model 'nope'"):
        store.get("nope")
    with pytest.raises(UnknownKeyError):
        store.history("nope")


def test_saving_a_draft_over_an_existing_version_says_what_to_do(
    store: Store, model: CompetencyModel
) -> None:
    """Not the database's "UNIQUE constraint failed": the version is taken; what to change."""
    _publish_first(store, model)
    draft = store.new_draft(KEY)
    edited = _minor_edit(draft.model).model_copy(update={"version": model.version})
    with pytest.raises(ConflictError) as caught:
        store.save_draft(edited, revision=draft.revision, version=draft.version)
    message = str(caught.value)
    assert f"{KEY} {model.version} is already in the store" in message
    assert f"back to {draft.version}" in message
    assert "UNIQUE" not in message.upper()
    assert "constraint" not in message
    assert store.get(KEY).version == draft.version  # nothing written
    assert store.get(KEY).revision == draft.revision
