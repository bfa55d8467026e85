"""Models and their versions in the store, moved through the lifecycle.

Each operation is one transaction. Writes to a version check its ``revision`` (optimistic
locking): a write based on an old read fails with :class:`ConflictError` instead of
silently overwriting someone else's change. Published versions are immutable: the code
refuses to change them (:class:`LifecycleError`), the database refuses too (a trigger),
and their content hash is checked on every read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from competency_core import lifecycle
from competency_core.errors import (
    CompetencyError,
    ConflictError,
    LifecycleError,
    StoreError,
    UnknownKeyError,
)
from competency_core.io import to_data
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.records import ModelEvent, ModelVersionRecord
from competency_core.store.core import StoreCore, now, utc
from competency_core.store.schema import ModelEventRow, ModelRow, ModelVersionRow
from competency_core.versioning.diff import diff_models
from competency_core.versioning.rules import version_key

S = LifecycleStatus
WORKING = (S.DRAFT.value, S.PILOT.value, S.APPROVED.value)
RELEASED = (S.PUBLISHED.value, S.RETIRED.value)

_Moved = tuple[CompetencyModel, dict[str, Any], dict[str, Any]]
Step = Callable[
    [Session, ModelVersionRow, CompetencyModel],
    tuple[CompetencyModel, dict[str, Any], dict[str, Any]],
]


def _model_of(row: ModelVersionRow) -> CompetencyModel:
    try:
        model = CompetencyModel.model_validate({**row.content, "status": row.status})
    except (ValidationError, CompetencyError) as exc:
        raise StoreError(
            f"stored model {row.model_key} {row.version} no longer validates: {exc}"
        ) from None
    if row.status in RELEASED:
        try:
            lifecycle.verify_content(model, row.content_hash)
        except LifecycleError as exc:
            raise StoreError(str(exc)) from None
    return model


def _record(row: ModelVersionRow) -> ModelVersionRecord:
    return ModelVersionRecord(
        model=_model_of(row),
        revision=row.revision,
        content_hash=row.content_hash,
        based_on=row.based_on,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        published_at=utc(row.published_at) if row.published_at else None,
        published_by=row.published_by,
    )


def _values(model: CompetencyModel) -> dict[str, Any]:
    return {
        "version": model.version,
        "status": model.status.value,
        "name": model.text(model.name),
        "content": {k: v for k, v in to_data(model).items() if k != "status"},
        "content_hash": lifecycle.content_hash(model),
        "review_date": model.metadata.review_date,
    }


class ModelVersions(StoreCore):
    """The models part of :class:`~competency_core.store.Store`."""

    # -- reading ----------------------------------------------------------------
    def _rows(self, s: Session, key: str) -> list[ModelVersionRow]:
        rows = s.scalars(select(ModelVersionRow).where(ModelVersionRow.model_key == key)).all()
        return sorted(rows, key=lambda r: version_key(r.version))

    def _row(self, s: Session, key: str, version: str | None = None) -> ModelVersionRow:
        rows = self._rows(s, key)
        if not rows:
            raise UnknownKeyError("model", key)
        if version is not None:
            for r in rows:
                if r.version == version:
                    return r
            known = ", ".join(r.version for r in rows)
            raise UnknownKeyError("model version", f"{key} {version} (stored: {known})")
        working = [r for r in rows if r.status in WORKING]
        released = [r for r in rows if r.status in RELEASED]
        return (working or released or rows)[-1]

    def _working(self, s: Session, key: str) -> ModelVersionRow:
        for r in self._rows(s, key):
            if r.status in WORKING:
                return r
        raise LifecycleError(
            f"{key} has no version in draft, pilot or approval; start one with new_draft"
        )

    def _latest_released(
        self, s: Session, key: str, *, before: str | None = None
    ) -> ModelVersionRow | None:
        rows = [r for r in self._rows(s, key) if r.status in RELEASED and r.version != before]
        return rows[-1] if rows else None

    def model_keys(self) -> list[str]:
        """The keys of the stored models."""
        with self.transaction() as s:
            return list(s.scalars(select(ModelRow.key).order_by(ModelRow.key)))

    def get(self, key: str, version: str | None = None) -> ModelVersionRecord:
        """A version; by default the working version if any, else the latest published."""
        with self.transaction() as s:
            return _record(self._row(s, key, version))

    def versions(self, key: str) -> list[ModelVersionRecord]:
        """Every stored version of a model, oldest first."""
        with self.transaction() as s:
            rows = self._rows(s, key)
            if not rows:
                raise UnknownKeyError("model", key)
            return [_record(r) for r in rows]

    def published(self, key: str) -> ModelVersionRecord | None:
        """The newest published (or retired) version, if any."""
        with self.transaction() as s:
            row = self._latest_released(s, key)
            return _record(row) if row else None

    def history(self, key: str) -> list[ModelEvent]:
        """Everything that happened to a model, oldest first."""
        with self.transaction() as s:
            if s.get(ModelRow, key) is None:
                raise UnknownKeyError("model", key)
            rows = s.scalars(
                select(ModelEventRow)
                .where(ModelEventRow.model_key == key)
                .order_by(ModelEventRow.id)
            )
            return [
                ModelEvent(
                    model=r.model_key,
                    version=r.version,
                    event=r.event,
                    status=S(r.status) if r.status else None,
                    actor=r.actor,
                    at=utc(r.at),
                    comment=r.comment,
                    details=r.details,
                )
                for r in rows
            ]

    def due_for_review(
        self, *, on: dt.date | None = None, within_days: int = 0
    ) -> list[lifecycle.ReviewDue]:
        """The latest published version of each model that is due for review."""
        with self.transaction() as s:
            latest = [self._latest_released(s, k) for k in s.scalars(select(ModelRow.key))]
            models = [_model_of(r) for r in latest if r is not None]
        return lifecycle.due_for_review(models, on=on, within_days=within_days)

    # -- writing ----------------------------------------------------------------
    def _event(
        self,
        s: Session,
        model: CompetencyModel,
        event: str,
        actor: str | None,
        comment: str | None = None,
        **details: Any,
    ) -> None:
        s.add(
            ModelEventRow(
                model_key=model.key,
                version=model.version,
                event=event,
                status=model.status.value,
                actor=actor,
                at=now(),
                comment=comment,
                details=details,
            )
        )

    def _write(
        self, s: Session, row: ModelVersionRow, model: CompetencyModel, expected: int, **extra: Any
    ) -> ModelVersionRecord:
        """Replace a version's content if its revision is still ``expected``."""
        if row.status in RELEASED and (
            lifecycle.content_hash(model) != row.content_hash or model.version != row.version
        ):
            raise LifecycleError(f"{row.model_key} {row.version} is {row.status} and immutable")
        values = _values(model) | extra
        result = s.execute(
            update(ModelVersionRow)
            .where(ModelVersionRow.id == row.id, ModelVersionRow.revision == expected)
            .values(revision=expected + 1, updated_at=now(), **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(
                f"{row.model_key} {row.version} was changed by someone else since revision "
                f"{expected}: read it again and re-apply your change"
            )
        s.refresh(row)
        return _record(row)

    def _check_revision(self, row: ModelVersionRow, revision: int | None) -> int:
        if revision is not None and revision != row.revision:
            raise ConflictError(
                f"{row.model_key} {row.version} is at revision {row.revision}, not {revision}: "
                "someone else changed it since you read it; read it again"
            )
        return row.revision

    def add_model(
        self, model: CompetencyModel, *, actor: str | None = None, comment: str | None = None
    ) -> ModelVersionRecord:
        """Store a model version as it is (a new model, or another version of one).

        A model has at most one working version (draft, pilot or approved) at a time.
        """
        with self.transaction() as s:
            if s.get(ModelRow, model.key) is None:
                s.add(ModelRow(key=model.key, created_at=now()))
                s.flush()
            rows = self._rows(s, model.key)
            if any(r.version == model.version for r in rows):
                raise ConflictError(f"{model.key} {model.version} is already in the store")
            working = [r for r in rows if r.status in WORKING]
            if model.status.value in WORKING and working:
                w = working[0]
                raise LifecycleError(
                    f"{model.key} already has a working version {w.version} ({w.status}); "
                    "publish or discard it first"
                )
            stamp = now()
            published = model.status.value in RELEASED
            row = ModelVersionRow(
                model_key=model.key,
                based_on=None,
                revision=1,
                created_at=stamp,
                updated_at=stamp,
                published_at=stamp if published else None,
                published_by=actor if published else None,
                **_values(model),
            )
            s.add(row)
            s.flush()
            self._event(s, model, "imported", actor, comment)
            return _record(row)

    def save_draft(
        self,
        model: CompetencyModel,
        *,
        revision: int,
        version: str | None = None,
        actor: str | None = None,
        comment: str | None = None,
    ) -> ModelVersionRecord:
        """Replace the content of a draft; ``revision`` is the one you read.

        ``version`` is the stored version to replace when ``model`` changes it. Changing
        a version that is not a draft raises :class:`LifecycleError` and writes nothing.
        """
        with self.transaction() as s:
            row = self._row(s, model.key, version or model.version)
            current = _model_of(row)
            lifecycle.check_edit(current, model)
            if model.version != row.version:
                taken = next(
                    (r for r in self._rows(s, model.key) if r.version == model.version), None
                )
                if taken is not None:
                    raise ConflictError(
                        f"{model.key} {model.version} is already in the store ({taken.status}), "
                        f"so the draft {row.version} cannot take that version: set `version` "
                        f"in the file back to {row.version}, or to a version not used yet"
                    )
            self._check_revision(row, revision)
            diff = diff_models(current, model)
            rec = self._write(s, row, model, revision)
            self._event(s, model, "edited", actor, comment, changes=len(diff.changes))
            return rec

    def _move(
        self,
        key: str,
        event: str,
        step: Step,
        *,
        revision: int | None,
        actor: str | None,
        comment: str | None,
        version: str | None = None,
    ) -> ModelVersionRecord:
        with self.transaction() as s:
            row = self._working(s, key) if version is None else self._row(s, key, version)
            expected = self._check_revision(row, revision)
            model, extra, details = step(s, row, _model_of(row))
            rec = self._write(s, row, model, expected, **extra)
            self._event(s, model, event, actor, comment, **details)
            return rec

    def start_pilot(
        self,
        key: str,
        *,
        revision: int | None = None,
        actor: str | None = None,
        comment: str | None = None,
    ) -> ModelVersionRecord:
        """Draft -> pilot; the version is settled from the changes since it was drafted."""

        def step(s: Session, row: ModelVersionRow, m: CompetencyModel) -> _Moved:
            base = self._row(s, key, row.based_on) if row.based_on else None
            base = base or self._latest_released(s, key, before=row.version)
            moved = lifecycle.start_pilot(m, previous=_model_of(base) if base else None)
            return moved, {}, {"from_version": m.version} if moved.version != m.version else {}

        return self._move(key, "pilot", step, revision=revision, actor=actor, comment=comment)

    def return_to_draft(
        self,
        key: str,
        *,
        revision: int | None = None,
        actor: str | None = None,
        comment: str | None = None,
    ) -> ModelVersionRecord:
        """Pilot or approved -> draft, for refinement (approvals are withdrawn)."""
        return self._move(
            key,
            "draft",
            lambda s, r, m: (lifecycle.return_to_draft(m), {}, {}),
            revision=revision,
            actor=actor,
            comment=comment,
        )

    def approve(
        self,
        key: str,
        approver: str,
        by: str,
        *,
        comment: str | None = None,
        at: dt.datetime | None = None,
        revision: int | None = None,
    ) -> ModelVersionRecord:
        """Record ``approver``'s approval (given by ``by``); the last one approves the version."""

        def step(s: Session, row: ModelVersionRow, m: CompetencyModel) -> _Moved:
            moved = lifecycle.approve(m, approver, by, comment=comment, at=at)
            return moved, {}, {"approver": approver, "approved": moved.status == S.APPROVED}

        return self._move(key, "approval", step, revision=revision, actor=by, comment=comment)

    def mark_approved(
        self, key: str, *, revision: int | None = None, actor: str | None = None
    ) -> ModelVersionRecord:
        """Pilot -> approved for a model whose approvers have all approved (or names none)."""
        return self._move(
            key,
            "approved",
            lambda s, r, m: (lifecycle.mark_approved(m), {}, {}),
            revision=revision,
            actor=actor,
            comment=None,
        )

    def publish(
        self,
        key: str,
        *,
        by: str | None = None,
        revision: int | None = None,
        comment: str | None = None,
        lint: lifecycle.Linter | None = None,
    ) -> ModelVersionRecord:
        """Approved -> published after a clean lint; the content hash is recorded."""

        def step(s: Session, row: ModelVersionRow, m: CompetencyModel) -> _Moved:
            prev = self._latest_released(s, key, before=row.version)
            pub = lifecycle.publish(m, by=by, previous=_model_of(prev) if prev else None, lint=lint)
            extra = {"published_at": pub.published_at, "published_by": by}
            return pub.model, extra, {"content_hash": pub.content_hash}

        return self._move(key, "published", step, revision=revision, actor=by, comment=comment)

    def retire(
        self,
        key: str,
        version: str,
        *,
        actor: str | None = None,
        comment: str | None = None,
        revision: int | None = None,
    ) -> ModelVersionRecord:
        """Published -> retired (the version is kept, unchanged)."""
        return self._move(
            key,
            "retired",
            lambda s, r, m: (lifecycle.retire(m), {}, {}),
            revision=revision,
            actor=actor,
            comment=comment,
            version=version,
        )

    def new_draft(
        self,
        key: str,
        *,
        actor: str | None = None,
        from_version: str | None = None,
        version: str | None = None,
        comment: str | None = None,
    ) -> ModelVersionRecord:
        """Start a draft from the latest (or a given) published version."""
        with self.transaction() as s:
            for r in self._rows(s, key):
                if r.status in WORKING:
                    raise LifecycleError(
                        f"{key} already has a working version {r.version} ({r.status}); "
                        "publish or discard it first"
                    )
            base = (
                self._row(s, key, from_version) if from_version else self._latest_released(s, key)
            )
            if base is None:
                raise LifecycleError(f"{key} has no published version to start a draft from")
            draft = lifecycle.new_draft(_model_of(base), version=version)
            stamp = now()
            row = ModelVersionRow(
                model_key=key,
                based_on=base.version,
                revision=1,
                created_at=stamp,
                updated_at=stamp,
                **_values(draft),
            )
            s.add(row)
            s.flush()
            self._event(s, draft, "new-draft", actor, comment, based_on=base.version)
            return _record(row)

    def discard_draft(
        self, key: str, *, revision: int | None = None, actor: str | None = None
    ) -> None:
        """Delete the working version (never a published one)."""
        with self.transaction() as s:
            row = self._working(s, key)
            self._check_revision(row, revision)
            self._event(s, _model_of(row), "discarded", actor)
            s.execute(
                delete(ModelVersionRow).where(
                    ModelVersionRow.id == row.id, ModelVersionRow.revision == row.revision
                )
            )

    def transition(
        self,
        key: str,
        target: LifecycleStatus,
        *,
        actor: str | None = None,
        comment: str | None = None,
        revision: int | None = None,
        version: str | None = None,
    ) -> ModelVersionRecord:
        """Move the working version (or, to retire, ``version``) to ``target``."""
        if target == S.PILOT:
            return self.start_pilot(key, revision=revision, actor=actor, comment=comment)
        if target == S.DRAFT:
            return self.return_to_draft(key, revision=revision, actor=actor, comment=comment)
        if target == S.APPROVED:
            return self.mark_approved(key, revision=revision, actor=actor)
        if target == S.PUBLISHED:
            return self.publish(key, by=actor, revision=revision, comment=comment)
        if version is None:
            latest = self.published(key)
            if latest is None:
                raise LifecycleError(f"{key} has no published version to retire")
            version = latest.version
        return self.retire(key, version, actor=actor, comment=comment, revision=revision)


__all__ = ["ModelVersions"]
