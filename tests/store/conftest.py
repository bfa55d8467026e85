"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started once per session from the OS binaries (as the
``postgres`` user when the tests run as root) and each test gets a fresh database copied
from a migrated template. ``COMPETENCY_TEST_POSTGRES_URL`` points the tests at an existing
server instead (its user needs CREATEDB). When no server can be had, the PostgreSQL tests
fail under CI (``CI=true``) and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from competency_core.store import Store
from competency_testing.postgres import PostgresServer, PostgresUnavailable, postgres_server

_TEMPLATE = "cc_template"
_counter = itertools.count()


class _ExistingServer:
    """An already-running server given by URL (COMPETENCY_TEST_POSTGRES_URL)."""

    def __init__(self, url: str) -> None:
        self.base = sa.engine.make_url(url).set(drivername="postgresql+psycopg")
        self.engine = sa.create_engine(self.base, isolation_level="AUTOCOMMIT")

    def url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text(sql))

    def create_database(self, name: str, *, template: str | None = None) -> str:
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL is required in CI but is not available: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | _ExistingServer]:
    """A PostgreSQL server for the session, with a migrated template database."""
    existing = os.environ.get("COMPETENCY_TEST_POSTGRES_URL")
    if existing:
        server: Any = _ExistingServer(existing)
        server.drop_database(_TEMPLATE)
        Store(server.create_database(_TEMPLATE)).close()
        yield server
        server.drop_database(_TEMPLATE)
        return
    cm = postgres_server()
    try:
        started = cm.__enter__()
    except PostgresUnavailable as exc:
        _unavailable(str(exc))
        return
    try:
        Store(started.create_database(_TEMPLATE)).close()
        yield started
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres: PostgresServer | _ExistingServer) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    name = f"cc_test_{os.getpid()}_{next(_counter)}"
    url = postgres.create_database(name, template=_TEMPLATE)
    yield url
    postgres.drop_database(name)


@pytest.fixture
def empty_postgres_url(postgres: PostgresServer | _ExistingServer) -> Iterator[str]:
    """A fresh database with no schema (for migration tests)."""
    name = f"cc_empty_{os.getpid()}_{next(_counter)}"
    url = postgres.create_database(name)
    yield url
    postgres.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A database URL on each backend: a SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A database URL with no schema yet, on each backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return str(request.getfixturevalue("empty_postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on each backend."""
    s = Store(store_url)
    yield s
    s.close()
