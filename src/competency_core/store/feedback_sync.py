"""Feedback on models, and the sync state that adapters keep, in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from competency_core.errors import ConflictError
from competency_core.records import Feedback, SyncRecord
from competency_core.store.core import utc
from competency_core.store.schema import FeedbackRow, SyncStateRow
from competency_core.store.workforce import WorkforceRepository


def _feedback(row: FeedbackRow) -> Feedback:
    return Feedback(
        id=row.id,
        model=row.model_key,
        model_version=row.model_version,
        competency=row.competency,
        role=row.role,
        respondent=row.respondent,
        clarity=row.clarity,
        relevance=row.relevance,
        nps=row.nps,
        text=row.text,
        tags=tuple(row.tags),
        submitted_at=utc(row.submitted_at),
    )


def _sync(row: SyncStateRow) -> SyncRecord:
    return SyncRecord(
        adapter=row.adapter,
        kind=row.kind,
        local_key=row.local_key,
        remote_id=row.remote_id,
        content_hash=row.content_hash,
        last_synced=utc(row.last_synced),
        details=row.details,
        revision=row.revision,
    )


class FeedbackAndSync(WorkforceRepository):
    """The feedback and sync-state part of :class:`~competency_core.store.Store`."""

    def add_feedback(self, items: Iterable[Feedback]) -> list[Feedback]:
        """Store feedback records; returns them with their ids."""
        out: list[Feedback] = []
        with self.transaction() as s:
            for f in items:
                row = FeedbackRow(
                    model_key=f.model,
                    model_version=f.model_version,
                    competency=f.competency,
                    role=f.role,
                    respondent=f.respondent,
                    clarity=f.clarity,
                    relevance=f.relevance,
                    nps=f.nps,
                    text=f.text,
                    tags=list(f.tags),
                    submitted_at=f.submitted_at,
                )
                s.add(row)
                s.flush()
                out.append(f.model_copy(update={"id": row.id}))
        return out

    def feedback(
        self, model: str, *, version: str | None = None, competency: str | None = None
    ) -> list[Feedback]:
        """Feedback on a model (a version, a competency), oldest first."""
        stmt = select(FeedbackRow).where(FeedbackRow.model_key == model)
        if version is not None:
            stmt = stmt.where(FeedbackRow.model_version == version)
        if competency is not None:
            stmt = stmt.where(FeedbackRow.competency == competency)
        with self.transaction() as s:
            return [_feedback(r) for r in s.scalars(stmt.order_by(FeedbackRow.id))]

    def sync_state(self, adapter: str, kind: str, local_key: str) -> SyncRecord | None:
        """What ``adapter`` last wrote for one local object, if anything."""
        with self.transaction() as s:
            row = s.get(SyncStateRow, (adapter, kind, local_key))
            return _sync(row) if row else None

    def sync_states(self, adapter: str, kind: str | None = None) -> list[SyncRecord]:
        """Every sync record of an adapter (of one kind), by kind and key."""
        stmt = select(SyncStateRow).where(SyncStateRow.adapter == adapter)
        if kind is not None:
            stmt = stmt.where(SyncStateRow.kind == kind)
        with self.transaction() as s:
            rows = s.scalars(stmt.order_by(SyncStateRow.kind, SyncStateRow.local_key))
            return [_sync(r) for r in rows]

    def put_sync_state(
        self, record: SyncRecord, *, expected_revision: int | None = None
    ) -> SyncRecord:
        """Write a sync record (insert or update); returns it with its new revision.

        With ``expected_revision`` the write is checked: 0 means "must not exist yet",
        n means "must still be at revision n"; otherwise :class:`ConflictError`.
        """
        values: dict[str, Any] = {
            "remote_id": record.remote_id,
            "content_hash": record.content_hash,
            "last_synced": record.last_synced,
            "details": dict(record.details),
        }
        ids = {"adapter": record.adapter, "kind": record.kind, "local_key": record.local_key}
        where = (
            SyncStateRow.adapter == record.adapter,
            SyncStateRow.kind == record.kind,
            SyncStateRow.local_key == record.local_key,
        )
        with self.transaction() as s:
            if expected_revision is None:
                self._upsert(
                    s,
                    cast(Table, SyncStateRow.__table__),
                    [ids | values | {"revision": 1}],
                    list(ids),
                )
            elif expected_revision == 0:
                try:
                    with s.begin_nested():
                        s.execute(insert(SyncStateRow).values(**ids, **values, revision=1))
                except IntegrityError:
                    raise ConflictError(
                        f"sync state {record.adapter}/{record.kind}/{record.local_key} "
                        "was created by someone else meanwhile"
                    ) from None
            else:
                result = s.execute(
                    update(SyncStateRow)
                    .where(*where, SyncStateRow.revision == expected_revision)
                    .values(**values, revision=expected_revision + 1)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    raise ConflictError(
                        f"sync state {record.adapter}/{record.kind}/{record.local_key} is no "
                        f"longer at revision {expected_revision}: read it again"
                    )
            row = s.scalars(select(SyncStateRow).where(*where)).one()
            s.refresh(row)
            return _sync(row)

    def delete_sync_state(self, adapter: str, kind: str, local_key: str) -> bool:
        """Forget a sync record; whether there was one."""
        with self.transaction() as s:
            result = s.execute(
                delete(SyncStateRow).where(
                    SyncStateRow.adapter == adapter,
                    SyncStateRow.kind == kind,
                    SyncStateRow.local_key == local_key,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]


__all__ = ["FeedbackAndSync"]
