"""pytest fixtures of competency-core-testing: a Moodle emulator, a SCIM service, PostgreSQL.

A pytest plugin (entry point ``pytest11``, name ``competency_testing``): installing the
distribution makes these fixtures available, and nothing else changes in a run (no
options, no autouse fixtures, no hooks). A fixture does its work only when a test asks for
it; ``pytest -p no:competency_testing`` turns the plugin off. The servers are imported
inside the fixtures, so loading the plugin costs nothing.

* ``moodle_emulator``: a started :class:`~competency_testing.moodle.MoodleEmulator` (the
  packaged contract) accepting ``moodle_token`` for every function; stopped afterwards;
* ``moodle_token``: that token;
* ``local_scim_server``: a started :class:`~competency_testing.scim.LocalScimServer`
  (scim2-server, default configuration) accepting ``local_scim_server.token``;
* ``throwaway_postgres``: a PostgreSQL server for the session
  (:class:`~competency_testing.postgres.PostgresServer`), started from the OS binaries,
  stopped and removed at the end; the test is skipped, saying why, when none can run;
* ``throwaway_postgres_url``: the SQLAlchemy URL of an empty database on it (one for the
  session).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from competency_testing.moodle import MoodleEmulator
    from competency_testing.postgres import PostgresServer
    from competency_testing.scim import LocalScimServer

SESSION_DATABASE = "competency_test"
"""The database of ``throwaway_postgres_url``."""


@pytest.fixture
def moodle_token() -> str:
    """The web-service token ``moodle_emulator`` accepts (a fresh random one per test)."""
    return secrets.token_hex(16)


@pytest.fixture
def moodle_emulator(moodle_token: str) -> Iterator[MoodleEmulator]:
    """A started Moodle emulator on 127.0.0.1 with ``moodle_token``; stopped after the test."""
    from competency_testing.moodle import MoodleEmulator

    with MoodleEmulator() as emulator:
        emulator.add_token(moodle_token)
        yield emulator


@pytest.fixture
def local_scim_server() -> Iterator[LocalScimServer]:
    """A started scim2-server on 127.0.0.1 with a random bearer token (``.token``)."""
    from competency_testing.scim import LocalScimServer

    with LocalScimServer(token=secrets.token_urlsafe(24)) as server:
        yield server


@pytest.fixture(scope="session")
def throwaway_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session; skipped (with the reason) when none can run."""
    from competency_testing.postgres import PostgresUnavailable, postgres_server

    manager = postgres_server()
    try:
        server = manager.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL is not available (competency_testing.postgres): {exc}")
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def throwaway_postgres_url(throwaway_postgres: PostgresServer) -> str:
    """The URL (``postgresql+psycopg://``) of an empty database on ``throwaway_postgres``."""
    return throwaway_postgres.create_database(SESSION_DATABASE)


__all__ = [
    "SESSION_DATABASE",
    "local_scim_server",
    "moodle_emulator",
    "moodle_token",
    "throwaway_postgres",
    "throwaway_postgres_url",
]
