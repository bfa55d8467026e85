"""The inbound service as the directory grows (issue 19): creations that stay cheap.

On PostgreSQL the storage analyzes the directory's tables each time the directory about
doubled (:data:`competency_scim.storage.ANALYZE_FIRST`, then twice as many), so that the
lookups of every creation are planned for the directory's size, not for the empty table
they were first planned on (a plan kept by prepared statements read every user).
A creation answers what a read gives back (it no longer reads the row it wrote).
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scim2_models import ResourceType, UniquenessException

from competency_core.store import Store
from competency_scim import storage as storage_module
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER
from competency_scim.service import build_provider
from competency_scim.storage import DirectoryStorage


def _user(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "userName": f"grow{i:04d}@example.com",
        "emails": [{"value": f"grow{i:04d}@example.com", "primary": True}],
        "title": "Software Engineer",
        ENTERPRISE_USER: {"department": "R&D"},
        **extra,
    }


def _create(storage: DirectoryStorage, users: range) -> list[Any]:
    user_type = next(rt for rt in storage.provider.resource_types if rt.name == "User")
    model = storage.model("User")
    with storage.store.transaction():
        return [storage.create(user_type, model.model_validate(_user(i))) for i in users]


def _reltuples(store: Store) -> float:
    with store.transaction() as s:
        return float(
            s.scalar(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'cc_directory_entry'"))
        )


@pytest.mark.postgres
@pytest.mark.parametrize("inbound_store", ["postgresql"], indirect=True)
def test_postgresql_tables_are_analyzed_as_the_directory_doubles(
    inbound_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "ANALYZE_FIRST", 3)
    storage = DirectoryStorage(inbound_store, build_provider())
    _create(storage, range(3))
    assert _reltuples(inbound_store) == 3  # analyzed after the first 3
    _create(storage, range(3, 8))
    assert _reltuples(inbound_store) == 3  # 5 more: not yet (the next after 6)
    _create(storage, range(8, 9))
    assert _reltuples(inbound_store) == 9


def test_a_creation_answers_what_a_read_gives_back(inbound_store: Store) -> None:
    storage = DirectoryStorage(inbound_store, build_provider())
    created = _create(storage, range(4))
    user_type = next(rt for rt in storage.provider.resource_types if rt.name == "User")
    for resource in created:
        again = storage.get(user_type, resource.id)
        assert again.model_dump() == resource.model_dump()
    people = {p.key: p for p in inbound_store.people()}
    assert len(people) == 4
    assert {p.attributes["scim_id"] for p in people.values()} == {r.id for r in created}


def test_a_taken_user_name_is_refused_and_writes_nothing(inbound_store: Store) -> None:
    storage = DirectoryStorage(inbound_store, build_provider())
    _create(storage, range(2))
    user_type: ResourceType = next(
        rt for rt in storage.provider.resource_types if rt.name == "User"
    )
    twin = storage.model("User").model_validate(_user(1, userName="GROW0001@example.com"))
    with pytest.raises(UniquenessException), storage.operation():
        storage.create(user_type, twin)
    assert len(inbound_store.people()) == 2
    _create(storage, range(2, 3))  # the transaction goes on after the refusal
    assert len(inbound_store.people()) == 3


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(["Ana", "ana", "Bo", "BO", "cy"]), min_size=1, max_size=6))
def test_user_names_stay_unique_however_cased(sqlite_store: Store, names: list[str]) -> None:
    storage = DirectoryStorage(sqlite_store, build_provider())
    user_type = next(rt for rt in storage.provider.resource_types if rt.name == "User")
    model = storage.model("User")
    kept: set[str] = set()
    with sqlite_store.transaction() as s:
        s.execute(sa.text("DELETE FROM cc_directory_entry"))
        s.execute(sa.text("DELETE FROM cc_person"))
    for name in names:
        try:
            with sqlite_store.transaction(), storage.operation():
                storage.create(user_type, model.model_validate({"userName": name}))
            assert name.casefold() not in kept
            kept.add(name.casefold())
        except UniquenessException:
            assert name.casefold() in kept
    assert len(sqlite_store.people()) == len(kept)
