"""Schema migrations of the store, run with Alembic from the scripts shipped in the package.

:func:`upgrade` brings a database to the newest schema (the store calls it when it opens,
unless told not to); :func:`downgrade` goes back. On PostgreSQL an advisory lock makes
concurrent upgrades wait for each other instead of racing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x636F6D70  # "comp": advisory lock id for schema upgrades on PostgreSQL


def _config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision the installed code knows."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (default: the newest), in one transaction."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the schema to ``revision`` (default: drop everything)."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def new_revision(message: str, rev_id: str) -> Path:
    """For developers: write a migration script for the changes in ``schema.py``.

    It upgrades a scratch SQLite database to the newest revision and lets Alembic compare
    it with the declared tables; review the script (and add PostgreSQL specifics) before
    committing it.
    """
    import tempfile

    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/scratch.sqlite3")
        upgrade(engine)
        with engine.begin() as conn:
            script = command.revision(
                _config(conn), message=message, autogenerate=True, rev_id=rev_id
            )
        engine.dispose()
    if script is None or isinstance(script, list):  # pragma: no cover - one head, one script
        raise RuntimeError("alembic did not write exactly one script")
    return Path(script.path)


__all__ = [
    "MIGRATIONS",
    "current_revision",
    "downgrade",
    "head_revision",
    "new_revision",
    "upgrade",
]
