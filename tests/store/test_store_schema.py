"""Schema migrations, store URLs, and secrets kept out of reprs and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from competency_core.errors import StoreError
from competency_core.store import Store, mask_url, resolve_url
from competency_core.store.schema import Base
from competency_core.store.upgrades import current_revision, downgrade, head_revision, upgrade
from competency_testing.postgres import free_port

TABLES = {
    "cc_model",
    "cc_model_version",
    "cc_model_event",
    "cc_person",
    "cc_assessment",
    "cc_assignment",
    "cc_evidence",
    "cc_feedback",
    "cc_sync_state",
    "cc_directory_entry",
    "cc_directory_member",
}


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert _tables(engine) == TABLES
        upgrade(engine)  # nothing to do
        downgrade(engine)
        assert _tables(engine) == set()
        upgrade(engine)
        assert _tables(engine) == TABLES
    finally:
        engine.dispose()


def test_migrations_match_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == []


def test_store_opens_and_upgrades_an_empty_database(empty_url: str) -> None:
    store = Store(empty_url)
    try:
        assert store.schema_revision() == head_revision()
        assert store.model_keys() == []
    finally:
        store.close()


def test_without_upgrade_an_empty_database_gives_a_store_error(empty_url: str) -> None:
    store = Store(empty_url, upgrade=False)
    try:
        with pytest.raises(StoreError, match="failed"):
            store.model_keys()
    finally:
        store.close()


def test_resolve_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COMPETENCY_STORE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url() == f"sqlite:///{tmp_path / 'competency.sqlite3'}"
    assert resolve_url("x/db.sqlite3") == f"sqlite:///{tmp_path / 'x' / 'db.sqlite3'}"
    monkeypatch.setenv("COMPETENCY_STORE_URL", "postgres://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///other.db") == "sqlite:///other.db"


def test_passwords_never_show(tmp_path: Path) -> None:
    secret = "Sup3r-Secret-pw"
    url = f"postgresql://alice:{secret}@127.0.0.1:{free_port()}/competency"
    assert secret not in mask_url(resolve_url(url))
    with pytest.raises(StoreError) as info:
        Store(url)
    message = str(info.value)
    assert secret not in message
    assert "alice:***@127.0.0.1" in message
    assert info.value.__cause__ is None
    store = Store(url, upgrade=False)
    assert secret not in repr(store)
    assert secret not in store.display_url
    assert secret not in repr(store.engine)
    store.close()


def test_bad_urls_are_store_errors() -> None:
    with pytest.raises(StoreError, match="not a valid database URL"):
        Store("nonsense://::")


def test_new_revision_writes_a_script(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    from competency_core.store import upgrades

    copy = tmp_path / "migrations"
    shutil.copytree(upgrades.MIGRATIONS, copy)
    monkeypatch.setattr(upgrades, "MIGRATIONS", copy)
    head = head_revision()
    script = upgrades.new_revision("nothing changed", rev_id="0999")
    text = script.read_text()
    assert script.parent == copy / "versions"
    assert f"down_revision = '{head}'" in text or f'down_revision = "{head}"' in text
    assert "pass" in text  # the declared schema equals the migrated one
