"""Sync state: for each adapter target and local object, its remote id and the content pushed.

The engine reads it when planning (to notice remote edits and deletions since the last
sync) and writes it as it applies, a batch of records in one transaction.
:class:`StoreSyncState` keeps it in the store (SQLite by default, or PostgreSQL);
:class:`InMemorySyncState` is for tests and throw-away runs. Anything with the three
methods of :class:`SyncStateStore` will do.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from competency_core.records import SyncRecord
from competency_core.sync.objects import ObjectRef

if TYPE_CHECKING:
    from competency_core.store import Store


@runtime_checkable
class SyncStateStore(Protocol):
    """Where the sync state lives: read one record or all, write a batch atomically."""

    def get(self, adapter: str, kind: str, key: str) -> SyncRecord | None:
        """The record of one local object for one adapter target, if any."""
        ...

    def records(self, adapter: str, kind: str | None = None) -> Sequence[SyncRecord]:
        """Every record of an adapter target (of one kind)."""
        ...

    def write(
        self, adapter: str, put: Iterable[SyncRecord] = (), delete: Iterable[ObjectRef] = ()
    ) -> None:
        """Write and forget records of ``adapter`` in one transaction: all or nothing."""
        ...


class InMemorySyncState:
    """Sync state in a dictionary: for tests and runs that need not remember anything."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str, str], SyncRecord] = {}

    def get(self, adapter: str, kind: str, key: str) -> SyncRecord | None:
        """The record of one local object, if any."""
        return self._records.get((adapter, kind, key))

    def records(self, adapter: str, kind: str | None = None) -> Sequence[SyncRecord]:
        """Every record of an adapter target (of one kind), by kind and key."""
        return [
            r
            for (a, k, _), r in sorted(self._records.items())
            if a == adapter and (kind is None or k == kind)
        ]

    def write(
        self, adapter: str, put: Iterable[SyncRecord] = (), delete: Iterable[ObjectRef] = ()
    ) -> None:
        """Apply the batch to a copy, then swap it in (all or nothing)."""
        staged = copy.copy(self._records)
        for record in put:
            if record.adapter != adapter:
                raise ValueError(f"record for {record.adapter!r} written as {adapter!r}")
            staged[(adapter, record.kind, record.local_key)] = record
        for ref in delete:
            staged.pop((adapter, ref.kind, ref.key), None)
        self._records = staged

    def __len__(self) -> int:
        return len(self._records)


class StoreSyncState:
    """Sync state in the store's sync-state table (one transaction per batch)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"StoreSyncState({self.store!r})"

    def get(self, adapter: str, kind: str, key: str) -> SyncRecord | None:
        """The record of one local object, if any."""
        return self.store.sync_state(adapter, kind, key)

    def records(self, adapter: str, kind: str | None = None) -> Sequence[SyncRecord]:
        """Every record of an adapter target (of one kind), by kind and key."""
        return self.store.sync_states(adapter, kind)

    def write(
        self, adapter: str, put: Iterable[SyncRecord] = (), delete: Iterable[ObjectRef] = ()
    ) -> None:
        """Write the batch in one store transaction."""
        with self.store.transaction():
            for record in put:
                self.store.put_sync_state(record)
            for ref in delete:
                self.store.delete_sync_state(adapter, ref.kind, ref.key)


__all__ = ["InMemorySyncState", "StoreSyncState", "SyncRecord", "SyncStateStore"]
