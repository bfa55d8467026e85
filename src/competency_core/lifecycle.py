"""The lifecycle of a model version: draft -> pilot -> approved -> published -> retired.

Every function here is pure: it takes a model and returns a new one (models are frozen),
or raises :class:`~competency_core.errors.LifecycleError` saying why the step is refused
and what to do instead. The store (:mod:`competency_core.store`) persists the results.

==========  ===========================  ===============================================
from        to                           condition
==========  ===========================  ===============================================
draft       pilot                        the version is settled against the previous
                                         published version (see :func:`settle_version`)
pilot       draft                        refinement; approvals are withdrawn
pilot       approved                     every approver the model names has approved
approved    draft                        reopening; approvals are withdrawn
approved    published                    no lint finding of severity ``error``
published   retired                      always
==========  ===========================  ===============================================

Content is edited only in draft. A published version is immutable: its
:func:`content_hash` is recorded when it is published and checked whenever it is read.

>>> from competency_core.io import loads_model
>>> m = loads_model('''
... key: m
... name: M
... version: 1.0.0
... metadata: {required_approvers: [hr]}
... scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
... competencies: [{key: c, name: C, definition: Writes code, scale: s}]
... ''')
>>> m = start_pilot(m)
>>> m = approve(m, "hr", "Jonas Berg", comment="fine")
>>> m.status.value
'approved'
>>> publish(m, lint=lambda _: []).model.status.value
'published'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from competency_core.errors import LifecycleError, Problem
from competency_core.io import to_data
from competency_core.model import Approval, CompetencyModel, LifecycleStatus
from competency_core.versioning.diff import diff_models
from competency_core.versioning.rules import bump_version, version_key

S = LifecycleStatus

TRANSITIONS: dict[LifecycleStatus, frozenset[LifecycleStatus]] = {
    S.DRAFT: frozenset({S.PILOT}),
    S.PILOT: frozenset({S.DRAFT, S.APPROVED}),
    S.APPROVED: frozenset({S.PUBLISHED, S.DRAFT}),
    S.PUBLISHED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset(),
}
"""The allowed moves between statuses."""

HASH_EXCLUDED: tuple[str, ...] = ("status", "metadata.approvals")
"""Fields left out of the content hash: they record the lifecycle, not the content.

So the hash of a version is the same in draft, once approved, published and retired, and
an approver can tell that what is published is exactly what they saw.
"""


class _Finding(Protocol):
    """What publishing needs from a lint finding."""

    @property
    def severity(self) -> str: ...


Linter = Callable[[CompetencyModel], Sequence[_Finding]]


def canonical_json(model: CompetencyModel) -> str:
    """The model as canonical JSON: file data, sorted keys, lifecycle fields left out."""
    data: dict[str, Any] = dict(to_data(model))
    data.pop("status", None)
    meta = dict(data.get("metadata") or {})
    meta.pop("approvals", None)
    if meta:
        data["metadata"] = meta
    else:
        data.pop("metadata", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(model: CompetencyModel) -> str:
    """SHA-256 (hex) of :func:`canonical_json`: the identity of a version's content."""
    return hashlib.sha256(canonical_json(model).encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _set(model: CompetencyModel, **update: Any) -> CompetencyModel:
    """A copy with fields replaced, validated again."""
    data = model.model_dump(mode="python", round_trip=True)
    data.update(update)
    return CompetencyModel.model_validate(data)


def _name(model: CompetencyModel) -> str:
    return f"{model.key} {model.version}"


def check_transition(model: CompetencyModel, target: LifecycleStatus) -> None:
    """Raise :class:`LifecycleError` unless ``model`` may move to ``target``."""
    allowed = TRANSITIONS[model.status]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is final)"
        raise LifecycleError(
            f"{_name(model)} is {model.status.value} and cannot become {target.value}; "
            f"from {model.status.value} it can become: {options}"
        )


def missing_approvals(model: CompetencyModel) -> tuple[str, ...]:
    """The approvers the model names that have not approved yet."""
    done = {a.approver for a in model.metadata.approvals}
    return tuple(a for a in model.metadata.required_approvers if a not in done)


def settle_version(model: CompetencyModel, previous: CompetencyModel | None) -> CompetencyModel:
    """Raise a draft's version to what the changes since ``previous`` call for.

    A version written higher than the suggestion is kept (a deliberate major release,
    say); one lower is raised. With no previous published version the version stands.
    Refuses a draft identical to ``previous``: there is nothing to release.
    """
    if previous is None:
        return model
    diff = diff_models(previous, model)
    if diff.is_empty:
        raise LifecycleError(
            f"{model.key}: nothing changed since {previous.version}; there is nothing to release"
        )
    suggested = bump_version(previous.version, diff.bump)
    if version_key(model.version) >= version_key(suggested):
        return model
    return _set(model, version=suggested)


def start_pilot(
    model: CompetencyModel, *, previous: CompetencyModel | None = None
) -> CompetencyModel:
    """Draft -> pilot; the version is settled against ``previous`` (the last published)."""
    check_transition(model, S.PILOT)
    return _set(settle_version(model, previous), status=S.PILOT)


def return_to_draft(model: CompetencyModel) -> CompetencyModel:
    """Pilot or approved -> draft, for refinement; recorded approvals are withdrawn."""
    check_transition(model, S.DRAFT)
    meta = model.metadata.model_copy(update={"approvals": ()})
    return _set(model, status=S.DRAFT, metadata=meta)


def approve(
    model: CompetencyModel,
    approver: str,
    by: str,
    *,
    comment: str | None = None,
    at: dt.datetime | None = None,
) -> CompetencyModel:
    """Record an approval of a piloted version; the last one needed makes it approved.

    ``approver`` is the approving body as the model names it (``hr``...), ``by`` the
    person. An approver the model does not name, or one that already approved, is
    refused. A model that names no approvers accepts any.
    """
    if model.status != S.PILOT:
        raise LifecycleError(
            f"{_name(model)} is {model.status.value}: approvals are given to a piloted "
            "version (move it to pilot first)"
        )
    required = model.metadata.required_approvers
    if required and approver not in required:
        raise LifecycleError(
            f"{approver!r} is not an approver of {model.key}; the model names: {', '.join(required)}"
        )
    for a in model.metadata.approvals:
        if a.approver == approver:
            raise LifecycleError(
                f"{approver!r} already approved {_name(model)} ({a.by}, {a.at:%Y-%m-%d %H:%M})"
            )
    record = Approval(approver=approver, by=by, at=at or _now(), comment=comment)
    meta = model.metadata.model_copy(update={"approvals": (*model.metadata.approvals, record)})
    approved = _set(model, metadata=meta)
    if not missing_approvals(approved):
        approved = _set(approved, status=S.APPROVED)
    return approved


def mark_approved(model: CompetencyModel) -> CompetencyModel:
    """Pilot -> approved, when every named approver has approved (or none is named)."""
    check_transition(model, S.APPROVED)
    missing = missing_approvals(model)
    if missing:
        raise LifecycleError(f"{_name(model)} still needs the approval of: {', '.join(missing)}")
    return _set(model, status=S.APPROVED)


class PublishBlockedError(LifecycleError):
    """Publishing was refused because the lint found errors; ``problems`` lists them."""

    def __init__(self, model: CompetencyModel, problems: Sequence[Any]) -> None:
        self.problems = tuple(problems)
        body = "\n".join(f"  - {p}" for p in self.problems[:20])
        super().__init__(
            f"{_name(model)} cannot be published: the lint found {len(self.problems)} "
            f"error(s); fix them in a draft first\n{body}"
        )


class Publication(BaseModel):
    """A published version: the model, its content hash, when and by whom."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    model: CompetencyModel
    content_hash: str = Field(description="SHA-256 of the canonical content (hex).")
    published_at: dt.datetime
    published_by: str | None = None
    warnings: tuple[Problem, ...] = Field(
        default=(), description="Lint findings below error severity, for information."
    )


def _default_lint(model: CompetencyModel) -> Sequence[_Finding]:
    from competency_core.lint import lint_model

    return lint_model(model)


def publish(
    model: CompetencyModel,
    *,
    by: str | None = None,
    at: dt.datetime | None = None,
    previous: CompetencyModel | None = None,
    lint: Linter | None = None,
) -> Publication:
    """Approved -> published, after a clean lint (no finding of severity ``error``).

    With ``previous`` (the last published version) the version must be newer and at
    least what the changes call for. ``lint`` replaces :func:`competency_core.lint.lint_model`.
    """
    check_transition(model, S.PUBLISHED)
    missing = missing_approvals(model)
    if missing:
        raise LifecycleError(f"{_name(model)} still needs the approval of: {', '.join(missing)}")
    if previous is not None:
        if version_key(model.version) <= version_key(previous.version):
            raise LifecycleError(
                f"{_name(model)} is not newer than the published {previous.version}"
            )
        diff = diff_models(previous, model)
        suggested = bump_version(previous.version, diff.bump)
        if version_key(model.version) < version_key(suggested):
            raise LifecycleError(
                f"{_name(model)} understates its changes since {previous.version}: they are "
                f"{diff.bump}, so the version must be at least {suggested}"
            )
    findings = list((lint or _default_lint)(model))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise PublishBlockedError(model, errors)
    published = _set(model, status=S.PUBLISHED)
    return Publication(
        model=published,
        content_hash=content_hash(published),
        published_at=at or _now(),
        published_by=by,
        warnings=tuple(f for f in findings if isinstance(f, Problem)),
    )


def retire(model: CompetencyModel) -> CompetencyModel:
    """Published -> retired (kept, and still immutable)."""
    check_transition(model, S.RETIRED)
    return _set(model, status=S.RETIRED)


def new_draft(published: CompetencyModel, *, version: str | None = None) -> CompetencyModel:
    """A draft to work on, from a published (or retired) version.

    Its version is provisional, the next patch unless given: moving it to pilot settles
    it from the changes made (:func:`settle_version`).
    """
    if published.status not in (S.PUBLISHED, S.RETIRED):
        raise LifecycleError(
            f"{_name(published)} is {published.status.value}: new drafts start from a "
            "published version"
        )
    meta = published.metadata.model_copy(update={"approvals": ()})
    return _set(
        published,
        status=S.DRAFT,
        metadata=meta,
        version=version or bump_version(published.version, "patch"),
    )


def check_edit(current: CompetencyModel, edited: CompetencyModel) -> None:
    """Raise :class:`LifecycleError` unless ``current`` may be replaced by ``edited``.

    Only drafts change content; an edit may not change the status (use the transitions).
    """
    if current.key != edited.key:
        raise LifecycleError(
            f"an edit cannot change the model's key ({current.key} -> {edited.key})"
        )
    if current.status != S.DRAFT:
        same = content_hash(current) == content_hash(edited)
        if current.status in (S.PUBLISHED, S.RETIRED):
            raise LifecycleError(
                f"{_name(current)} is {current.status.value} and immutable "
                f"(content hash {content_hash(current)[:12]}); "
                + ("nothing to change" if same else "start a new draft to change it")
            )
        raise LifecycleError(
            f"{_name(current)} is {current.status.value}: move it back to draft to edit it"
        )
    if edited.status != current.status:
        raise LifecycleError(
            f"an edit cannot change the status ({current.status.value} -> "
            f"{edited.status.value}); use the lifecycle transitions"
        )


def verify_content(model: CompetencyModel, expected_hash: str) -> None:
    """Raise :class:`LifecycleError` if a published version's content no longer matches."""
    actual = content_hash(model)
    if actual != expected_hash:
        raise LifecycleError(
            f"{_name(model)}: content hash mismatch (recorded {expected_hash[:12]}, "
            f"now {actual[:12]}): the published content was altered outside competency-core"
        )


class ReviewDue(BaseModel):
    """A published model that is due (or overdue) for its periodic review."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    model: str
    version: str
    review_date: dt.date | None
    days_overdue: int | None = Field(description="None when no review date is set.")
    reason: str


def due_for_review(
    models: Iterable[CompetencyModel], *, on: dt.date | None = None, within_days: int = 0
) -> list[ReviewDue]:
    """Published models whose review date is on or before ``on`` (+ ``within_days``).

    A published model without a review date is reported too: every model is reviewed.
    """
    today = on or dt.date.today()
    horizon = today + dt.timedelta(days=within_days)
    out: list[ReviewDue] = []
    for m in models:
        if m.status != S.PUBLISHED:
            continue
        date = m.metadata.review_date
        if date is None:
            out.append(
                ReviewDue(
                    model=m.key,
                    version=m.version,
                    review_date=None,
                    days_overdue=None,
                    reason="no review date is set",
                )
            )
        elif date <= horizon:
            days = (today - date).days
            reason = f"overdue by {days} days" if days > 0 else f"due on {date.isoformat()}"
            out.append(
                ReviewDue(
                    model=m.key,
                    version=m.version,
                    review_date=date,
                    days_overdue=days,
                    reason=reason,
                )
            )
    return sorted(out, key=lambda r: (r.review_date or dt.date.min, r.model))


__all__ = [
    "HASH_EXCLUDED",
    "TRANSITIONS",
    "Publication",
    "PublishBlockedError",
    "ReviewDue",
    "approve",
    "canonical_json",
    "check_edit",
    "check_transition",
    "content_hash",
    "due_for_review",
    "mark_approved",
    "missing_approvals",
    "new_draft",
    "publish",
    "retire",
    "return_to_draft",
    "settle_version",
    "start_pilot",
    "verify_content",
]
