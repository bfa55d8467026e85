"""Alembic environment of the competency-core store.

The store runs migrations itself (:func:`competency_core.store.migrations_api.upgrade`),
passing its connection in ``config.attributes["connection"]``; developers write a new
migration with :func:`competency_core.store.upgrades.new_revision`. Run through the
``alembic`` command instead, the database comes from ``-x url=...`` or ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from competency_core.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("pass the database with -x url=... (or set sqlalchemy.url)")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
