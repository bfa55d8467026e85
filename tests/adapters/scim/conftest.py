"""Fixtures of the SCIM adapter's tests.

Inbound (competency-core as a SCIM service provider): a store on SQLite (and on a real
PostgreSQL server for the tests marked ``postgres``), the software-engineering example
model, the inbound service on that store served over HTTP on 127.0.0.1 in a thread, and a
``requests`` session carrying its bearer token.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from scim_inbound_support import Inbound, start_inbound

from competency_core.io import load_model
from competency_core.model import CompetencyModel
from competency_core.store import Store
from competency_scim.mapping import RoleMapping
from competency_testing.postgres import PostgresServer, PostgresUnavailable, postgres_server
from competency_testing.scim.idp import SAMPLE_MAPPING

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

# -- inbound ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def scim_model() -> CompetencyModel:
    """The software-engineering example model (its role titles map job titles to roles)."""
    return load_model(EXAMPLES / "software-engineering.yaml")


@pytest.fixture(scope="session")
def sample_mapping() -> RoleMapping:
    """The role mapping that goes with :func:`competency_testing.scim.idp.sample_employees`."""
    return RoleMapping.model_validate(SAMPLE_MAPPING)


@pytest.fixture(scope="session")
def scim_postgres() -> Iterator[dict[str, str]]:
    """A throw-away PostgreSQL server for the session, with two migrated databases.

    ``function`` serves the tests with a store of their own, ``module`` the module-scoped
    stores; each is emptied (TRUNCATE) before use, which is much faster than creating a
    database per test. Skipped when no server can be had, and failed under CI (``CI=true``).
    """
    cm = postgres_server()
    try:
        server: PostgresServer = cm.__enter__()
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL is required in CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        urls = {}
        for scope in ("function", "module"):
            urls[scope] = server.create_database(f"cc_scim_{scope}")
            Store(urls[scope]).close()
        yield urls
    finally:
        cm.__exit__(None, None, None)


def _emptied(url: str) -> Store:
    store = Store(url, upgrade=False)
    with store.transaction() as s:
        tables = s.scalars(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        )
        names = ", ".join(f'"{t}"' for t in tables)
        s.execute(sa.text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
    return store


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store, copied for each test (migrating takes about a second)."""
    path = tmp_path_factory.mktemp("scim-template") / "template.sqlite3"
    Store(f"sqlite:///{path}").close()
    return path


def _sqlite_store(template: Path, tmp_path: Path) -> Store:
    path = tmp_path / "scim.sqlite3"
    shutil.copyfile(template, path)
    return Store(f"sqlite:///{path}", upgrade=False)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextlib.contextmanager
def _backend_store(backend: str, folder: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    if backend == "sqlite":
        store = _sqlite_store(request.getfixturevalue("_sqlite_template"), folder)
        with store:
            yield store
        return
    urls: dict[str, str] = request.getfixturevalue("scim_postgres")
    with _emptied(urls[request.scope]) as store:
        yield store


@pytest.fixture(params=BACKENDS)
def inbound_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on SQLite, and on PostgreSQL."""
    with _backend_store(request.param, tmp_path, request) as store:
        yield store


@pytest.fixture(scope="module", params=BACKENDS)
def module_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """An empty store on each backend, shared by the tests of a module (they only read)."""
    with _backend_store(request.param, tmp_path_factory.mktemp("scim"), request) as store:
        yield store


@pytest.fixture
def sqlite_store(tmp_path: Path, _sqlite_template: Path) -> Iterator[Store]:
    """An empty store on SQLite only (for tests whose subject is not the database)."""
    store = _sqlite_store(_sqlite_template, tmp_path)
    yield store
    store.close()


@pytest.fixture
def inbound(
    inbound_store: Store, scim_model: CompetencyModel, sample_mapping: RoleMapping
) -> Iterator[Inbound]:
    """The inbound service on each backend, with the sample mapping and the example model."""
    yield from start_inbound(inbound_store, scim_model, sample_mapping)


@pytest.fixture
def inbound_sqlite(
    sqlite_store: Store, scim_model: CompetencyModel, sample_mapping: RoleMapping
) -> Iterator[Inbound]:
    """The inbound service on SQLite only."""
    yield from start_inbound(sqlite_store, scim_model, sample_mapping)
