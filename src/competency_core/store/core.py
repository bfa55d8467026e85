"""The store's foundation: opening a database, transactions, and shared helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from competency_core.store import upgrades
from competency_core.store.connect import (
    create_store_engine,
    mask_url,
    resolve_url,
    translate_errors,
)


def utc(value: dt.datetime) -> dt.datetime:
    """A timestamp as an aware UTC datetime (SQLite returns naive ones)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


class StoreCore:
    """Opens the database (upgrading its schema) and runs units of work in transactions."""

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        *,
        upgrade: bool = True,
        echo: bool = False,
    ) -> None:
        self.url = resolve_url(url)
        self._engine = create_store_engine(self.url, echo=echo)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._local = threading.local()
        self._upserts: dict[tuple[str, tuple[str, ...], tuple[str, ...], str | None], Any] = {}
        if upgrade:
            with translate_errors(self.url):
                upgrades.upgrade(self._engine)

    def __repr__(self) -> str:
        return f"Store({mask_url(self.url)!r})"

    @property
    def display_url(self) -> str:
        """The URL with any password masked, for messages and logs."""
        return mask_url(self.url)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tools that need it; its repr masks the password)."""
        return self._engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def schema_revision(self) -> str | None:
        """The schema revision of the database."""
        with translate_errors(self.url):
            return upgrades.current_revision(self._engine)

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()

    def __enter__(self) -> StoreCore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: everything in it is written, or nothing is.

        Store methods called inside join the transaction, so several operations can be
        made atomic together::

            with store.transaction():
                store.upsert_people(people)
                store.add_assessments(assessments)
        """
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        with translate_errors(self.url), self._sessions() as session, session.begin():
            self._local.session = session
            try:
                yield session
            finally:
                self._local.session = None

    # -- helpers for the repositories -------------------------------------------
    def _upsert(
        self,
        session: Session,
        table: Table,
        rows: Sequence[dict[str, Any]],
        keys: Sequence[str],
        bump: str | None = "revision",
    ) -> None:
        """Insert rows, updating those whose ``keys`` exist (``bump`` counter +1).

        The statement is built once per table, columns, keys and counter (a SCIM service
        upserts one person at a time, thousands of times).
        """
        if not rows:
            return
        cache_key = (table.name, tuple(rows[0]), tuple(keys), bump)
        statement = self._upserts.get(cache_key)
        if statement is None:
            statement = self._upserts[cache_key] = self._upsert_statement(
                table, rows[0], keys, bump
            )
        session.execute(statement, rows)

    def _upsert_statement(
        self, table: Table, row: dict[str, Any], keys: Sequence[str], bump: str | None
    ) -> Any:
        ins: Any
        if self.dialect == "postgresql":
            ins = postgresql.insert(table)
        elif self.dialect == "sqlite":
            ins = sqlite.insert(table)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(self.dialect)
        update = {c: ins.excluded[c] for c in row if c not in keys and c != bump}
        if bump:
            update[bump] = table.c[bump] + 1
        return ins.on_conflict_do_update(index_elements=list(keys), set_=update)

    def _count(self, session: Session, table: Table) -> int:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


__all__ = ["StoreCore", "now", "utc"]
