"""Where the store lives: URLs, engines, and errors that never show a password.

The embedded default is a SQLite file, ``competency.sqlite3`` in the working folder.
``COMPETENCY_STORE_URL`` or an explicit URL/path chooses another, e.g.
``postgresql://user:secret@db.example.com/competency`` for a team.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from competency_core.errors import StoreError

ENV_VAR = "COMPETENCY_STORE_URL"
DEFAULT_FILE = "competency.sqlite3"


def resolve_url(value: str | os.PathLike[str] | None = None) -> str:
    """The store URL for an option value: a URL, a file path, or None (env var, then default).

    >>> resolve_url("postgresql://u:p@db/x")
    'postgresql+psycopg://u:p@db/x'
    >>> resolve_url("sqlite:///:memory:")
    'sqlite:///:memory:'
    """
    raw = os.fspath(value) if value is not None else os.environ.get(ENV_VAR) or DEFAULT_FILE
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError("the store URL is not a valid database URL") from None


def mask_url(url: str) -> str:
    """The URL with its password (and any ``password=`` query value) replaced by ``***``.

    >>> mask_url("postgresql+psycopg://me:s3cret@db:5432/x?password=s3cret")
    'postgresql+psycopg://me:***@db:5432/x?password=***'
    """
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return "<invalid store URL>"
    if "password" in u.query:
        u = u.update_query_dict({"password": "***"})
    return u.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def secrets_of(url: str) -> list[str]:
    """The secret strings in a URL (to scrub from messages)."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return []
    out = [u.password] if u.password else []
    q = u.query.get("password")
    out += [q] if isinstance(q, str) else list(q or ())
    return [str(s) for s in out if s]


def scrub(message: str, url: str) -> str:
    """``message`` with every secret of ``url`` replaced by ``***``."""
    for secret in secrets_of(url):
        message = message.replace(secret, "***")
    return message


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (so reads and
    # writes of one unit of work share one transaction), enforce foreign keys, wait for a
    # busy database instead of failing, and use the write-ahead log so that readers do not
    # block the writer (commits stay durable: synchronous is left at FULL).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def create_store_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for the store, with SQLite set up for real transactions and foreign keys."""
    u = _parse(url)
    try:
        if u.get_backend_name() == "sqlite":
            db = u.database or ""
            if db and db != ":memory:" and not db.startswith("file:"):
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(u, echo=echo)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(u, echo=echo, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"cannot use the store {mask_url(url)}: {scrub(str(exc), url)}") from None


@contextlib.contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Turn database errors into :class:`StoreError` with the password scrubbed."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        if exc.connection_invalidated or "connect" in reason.lower():
            raise StoreError(
                f"cannot reach the store {mask_url(url)}: {scrub(reason, url)}"
            ) from None
        raise StoreError(f"the store {mask_url(url)} failed: {scrub(reason, url)}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"the store {mask_url(url)} failed: {scrub(str(exc), url)}") from exc


__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "create_store_engine",
    "mask_url",
    "resolve_url",
    "scrub",
    "translate_errors",
]
