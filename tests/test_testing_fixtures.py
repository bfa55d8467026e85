"""competency-core-testing's pytest plugin: its fixtures work, and loading it costs nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from competency_moodle import MoodleClient

if TYPE_CHECKING:
    from competency_testing.moodle import MoodleEmulator
    from competency_testing.scim import LocalScimServer

FIXTURES = (
    "moodle_emulator",
    "moodle_token",
    "local_scim_server",
    "throwaway_postgres",
    "throwaway_postgres_url",
)


def test_the_plugin_is_loaded_through_its_entry_point(request: pytest.FixtureRequest) -> None:
    plugin = request.config.pluginmanager.get_plugin("competency_testing")
    assert plugin is not None
    assert plugin.__name__ == "competency_testing.fixtures"
    # no autouse fixture: a test that asks for none of them gets none of them
    assert not set(FIXTURES) & set(request.fixturenames)


def test_loading_the_plugin_imports_no_server() -> None:
    code = (
        "import json, sys; import competency_testing.fixtures; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('competency'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == ["competency_testing", "competency_testing.fixtures"]


def test_moodle_emulator(moodle_emulator: MoodleEmulator, moodle_token: str) -> None:
    with MoodleClient(moodle_emulator.url, moodle_token) as client:
        info = client.call("core_webservice_get_site_info")
    assert info["userid"] == 2
    assert [c.function for c in moodle_emulator.calls] == ["core_webservice_get_site_info"]


def test_local_scim_server(local_scim_server: LocalScimServer) -> None:
    assert local_scim_server.token
    created = local_scim_server.add_users([{"userName": "ada", "title": "Engineer"}])
    with local_scim_server.session() as session:
        r = session.get(f"{local_scim_server.url}/Users", timeout=30)
    r.raise_for_status()
    assert [u["userName"] for u in r.json()["Resources"]] == ["ada"]
    assert created[0]["id"]


@pytest.mark.postgres
def test_throwaway_postgres_url(throwaway_postgres_url: str) -> None:
    engine = sa.create_engine(throwaway_postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "competency_test"
    finally:
        engine.dispose()
