"""The lifecycle as pure functions: transitions, approvals, publishing, content hash, review."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from competency_core import lifecycle as lc
from competency_core.errors import LifecycleError, Problem
from competency_core.io import dumps, load_model, loads_model
from competency_core.model import Approval, CompetencyModel, LifecycleStatus
from competency_core.text import LocalizedText

S = LifecycleStatus
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AT = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def se() -> CompetencyModel:
    return load_model(EXAMPLES / "software-engineering.yaml")


def _clean(_: CompetencyModel) -> list[Problem]:
    return [Problem(path="x", message="just a warning", severity="warning")]


def _approved(model: CompetencyModel) -> CompetencyModel:
    m = lc.start_pilot(model)
    for approver in model.metadata.required_approvers:
        m = lc.approve(m, approver, f"{approver} lead", at=AT)
    return m


def test_transition_table_is_checked(se: CompetencyModel) -> None:
    assert se.status == S.DRAFT
    for target in (S.APPROVED, S.PUBLISHED, S.RETIRED, S.DRAFT):
        with pytest.raises(LifecycleError, match="from draft it can become: pilot"):
            lc.check_transition(se, target)
    assert lc.start_pilot(se).status == S.PILOT


def test_approvals_record_who_when_and_comment(se: CompetencyModel) -> None:
    m = lc.start_pilot(se)
    m = lc.approve(m, "hr", "Jonas Berg", comment="grades fit", at=AT)
    assert m.status == S.PILOT
    assert lc.missing_approvals(m) == ("engineering-leadership",)
    assert m.metadata.approvals == (
        Approval(approver="hr", by="Jonas Berg", at=AT, comment="grades fit"),
    )
    m = lc.approve(m, "engineering-leadership", "Amara Okafor", at=AT)
    assert m.status == S.APPROVED
    assert lc.missing_approvals(m) == ()


def test_approval_refusals(se: CompetencyModel) -> None:
    with pytest.raises(LifecycleError, match="piloted version"):
        lc.approve(se, "hr", "Jonas")
    m = lc.start_pilot(se)
    with pytest.raises(LifecycleError, match="not an approver of software-engineering"):
        lc.approve(m, "legal", "Someone")
    m = lc.approve(m, "hr", "Jonas")
    with pytest.raises(LifecycleError, match="'hr' already approved"):
        lc.approve(m, "hr", "Jonas again")
    with pytest.raises(LifecycleError, match="still needs the approval of: engineering-leadership"):
        lc.mark_approved(m)


def test_model_naming_no_approvers_is_approved_by_transition(se: CompetencyModel) -> None:
    meta = se.metadata.model_copy(update={"required_approvers": ()})
    m = lc.start_pilot(se.model_copy(update={"metadata": meta}))
    assert lc.mark_approved(m).status == S.APPROVED


def test_back_to_draft_withdraws_approvals(se: CompetencyModel) -> None:
    m = lc.approve(lc.start_pilot(se), "hr", "Jonas")
    back = lc.return_to_draft(m)
    assert back.status == S.DRAFT
    assert back.metadata.approvals == ()
    assert lc.return_to_draft(_approved(se)).status == S.DRAFT


def test_publish_needs_clean_lint_and_records_hash(se: CompetencyModel) -> None:
    m = _approved(se)
    blocked = [Problem(path="roles[0]", message="no essential requirement", severity="error")]
    with pytest.raises(lc.PublishBlockedError, match="no essential requirement") as info:
        lc.publish(m, lint=lambda _: blocked)
    assert info.value.problems == tuple(blocked)
    pub = lc.publish(m, by="priya", at=AT, lint=_clean)
    assert pub.model.status == S.PUBLISHED
    assert pub.content_hash == lc.content_hash(se)  # status and approvals are not content
    assert (pub.published_at, pub.published_by) == (AT, "priya")
    assert [w.message for w in pub.warnings] == ["just a warning"]


def test_publish_uses_the_real_lint_by_default(se: CompetencyModel) -> None:
    pub = lc.publish(_approved(se))
    assert pub.model.status == S.PUBLISHED


def test_content_hash_is_canonical(se: CompetencyModel) -> None:
    h = lc.content_hash(se)
    assert len(h) == 64
    assert lc.content_hash(loads_model(dumps(se, "json"), "json")) == h
    assert lc.content_hash(_approved(se)) == h
    reworded = se.model_copy(update={"description": LocalizedText("Other words.")})
    assert lc.content_hash(reworded) != h
    assert '"status"' not in lc.canonical_json(_approved(se))


def test_published_versions_are_immutable(se: CompetencyModel) -> None:
    pub = lc.publish(_approved(se), lint=_clean).model
    edited = pub.model_copy(update={"description": LocalizedText("Changed")})
    with pytest.raises(LifecycleError, match="published and immutable"):
        lc.check_edit(pub, edited)
    with pytest.raises(LifecycleError, match="move it back to draft"):
        lc.check_edit(lc.start_pilot(se), se)
    with pytest.raises(LifecycleError, match="cannot change the status"):
        lc.check_edit(se, lc.start_pilot(se))
    lc.check_edit(se, se.model_copy(update={"description": LocalizedText("fine in a draft")}))
    lc.verify_content(pub, lc.content_hash(pub))
    with pytest.raises(LifecycleError, match="content hash mismatch"):
        lc.verify_content(edited, lc.content_hash(pub))


def test_new_draft_and_settled_version(se: CompetencyModel) -> None:
    pub = lc.publish(_approved(se), lint=_clean).model
    draft = lc.new_draft(pub)
    assert (draft.status, draft.version, draft.metadata.approvals) == (S.DRAFT, "1.0.1", ())
    with pytest.raises(LifecycleError, match=re.escape("nothing changed since 1.0.0")):
        lc.start_pilot(draft, previous=pub)
    reworded = draft.model_copy(update={"description": LocalizedText("Better words.")})
    assert lc.start_pilot(reworded, previous=pub).version == "1.0.1"
    role = draft.roles[0]
    req = role.requirements[0]
    raised = role.model_copy(
        update={
            "requirements": (
                req.model_copy(update={"level": req.level + 1}),
                *role.requirements[1:],
            )
        }
    )
    data = reworded.model_dump(mode="python", round_trip=True)
    data["roles"] = (raised, *draft.roles[1:])
    major = CompetencyModel.model_validate(data)
    assert lc.start_pilot(major, previous=pub).version == "2.0.0"
    deliberate = reworded.model_copy(update={"version": "3.0.0"})
    assert lc.start_pilot(deliberate, previous=pub).version == "3.0.0"
    with pytest.raises(LifecycleError, match="new drafts start from a published version"):
        lc.new_draft(se)


def test_publish_refuses_an_understated_version(se: CompetencyModel) -> None:
    pub = lc.publish(_approved(se), lint=_clean).model
    draft = lc.new_draft(pub)
    role = draft.roles[0]
    req = role.requirements[0]
    raised = role.model_copy(
        update={
            "requirements": (
                req.model_copy(update={"level": req.level + 1}),
                *role.requirements[1:],
            )
        }
    )
    data = draft.model_dump(mode="python", round_trip=True)
    data["roles"] = (raised, *draft.roles[1:])
    data["status"] = S.APPROVED
    data["metadata"] = pub.metadata  # with the approvals
    sneaky = CompetencyModel.model_validate(data)  # approved at 1.0.1 without settling
    with pytest.raises(
        LifecycleError, match=re.escape("understates its changes since 1.0.0: they are major")
    ):
        lc.publish(sneaky, previous=pub, lint=_clean)
    with pytest.raises(LifecycleError, match=re.escape("not newer than the published 1.0.0")):
        lc.publish(sneaky.model_copy(update={"version": "1.0.0"}), previous=pub, lint=_clean)


def test_retire() -> None:
    m = loads_model(
        """
key: m
name: M
status: published
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
"""
    )
    assert lc.retire(m).status == S.RETIRED
    with pytest.raises(LifecycleError, match="nothing \\(it is final\\)"):
        lc.retire(lc.retire(m))


def test_due_for_review(se: CompetencyModel) -> None:
    pub = lc.publish(_approved(se), lint=_clean).model
    review = pub.metadata.review_date
    assert review is not None
    assert lc.due_for_review([pub], on=review - dt.timedelta(days=10)) == []
    soon = lc.due_for_review([pub], on=review - dt.timedelta(days=10), within_days=30)
    assert [r.reason for r in soon] == [f"due on {review.isoformat()}"]
    late = lc.due_for_review([pub, se], on=review + dt.timedelta(days=5))
    assert [(r.model, r.days_overdue, r.reason) for r in late] == [(se.key, 5, "overdue by 5 days")]
    undated = pub.model_copy(
        update={"metadata": pub.metadata.model_copy(update={"review_date": None})}
    )
    assert [r.reason for r in lc.due_for_review([undated])] == ["no review date is set"]
