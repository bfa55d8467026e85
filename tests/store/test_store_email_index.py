"""The expression index on people's ``lower(email)`` (migration 0005), on SQLite and PostgreSQL.

The SCIM inbound service finds the person a new user's e-mail belongs to on every create,
comparing case-insensitively; the index keeps that lookup from reading every person
(issue 19: provisioning was quadratic). The migration creates the index on both
databases, the lookup uses it, its answers are still case-insensitive, and a downgrade
drops it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.people import Person
from competency_core.store import Store
from competency_core.store.schema import PersonRow
from competency_core.store.upgrades import downgrade, upgrade

INDEX = "ix_cc_person_email_lower"


def _has_index(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        else:
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        definition = conn.execute(sa.text(sql), {"name": INDEX}).scalar()
    text = str(definition).lower()
    return (
        definition is not None and "lower(" in text and "email" in text
    )  # PG: lower((email)::text)


def _plan(engine: sa.Engine, email: str) -> str:
    """The database's plan for the SCIM service's lookup of a person by e-mail."""
    query = sa.select(PersonRow.key).where(sa.func.lower(PersonRow.email) == email.lower())
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            return " ".join(str(r[-1]) for r in rows)
        conn.execute(sa.text("SET enable_seqscan = off"))  # a tiny table: make the choice visible
        rows = conn.execute(sa.text(f"EXPLAIN {compiled}")).all()
        return " ".join(str(r[0]) for r in rows)


def test_the_migration_creates_and_drops_the_index(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    try:
        upgrade(engine, "0004")
        assert not _has_index(engine)
        upgrade(engine)
        assert _has_index(engine)
        assert INDEX in _plan(engine, "Ana@Example.com")
        downgrade(engine, "0004")
        assert not _has_index(engine)
        upgrade(engine)
        assert _has_index(engine)
    finally:
        engine.dispose()


def test_a_new_store_has_the_index(store: Store) -> None:
    assert _has_index(store.engine)


def _owners(store: Store, email: str) -> list[str]:
    with store.transaction() as s:
        query = sa.select(PersonRow.key).where(sa.func.lower(PersonRow.email) == email.lower())
        return sorted(s.scalars(query))


_LOCAL = st.text(alphabet="abcXYZ.-_", min_size=1, max_size=8)


@settings(max_examples=25, deadline=None)
@given(st.lists(_LOCAL, min_size=1, max_size=6, unique_by=str.lower), st.data())
def test_the_indexed_lookup_is_case_insensitive(
    tmp_path_factory: pytest.TempPathFactory, locals_: list[str], data: st.DataObject
) -> None:
    # A fresh SQLite store per example (hypothesis and function fixtures do not mix).
    store = Store(tmp_path_factory.mktemp("email") / "store.sqlite3")
    try:
        people = [
            Person(key=f"p{i}", name=f"P{i}", email=f"{local}@Example.COM")
            for i, local in enumerate(locals_)
        ]
        store.upsert_people(people)
        i = data.draw(st.integers(0, len(people) - 1))
        variant = data.draw(st.sampled_from([str.lower, str.upper, str.swapcase]))
        assert _owners(store, variant(f"{locals_[i]}@example.com")) == [f"p{i}"]
        assert _owners(store, "nobody@example.com") == []
    finally:
        store.close()
