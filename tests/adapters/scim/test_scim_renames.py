"""Renamed roles and learning resources on a SCIM service: the same group, renamed in place."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from servers import ScimServer, sample_users

from competency_core.people import LearningAssignment, Person
from competency_core.plugins import PluginRegistry
from competency_core.sync import Action, InMemorySyncState, Renames, SyncEngine
from competency_scim.adapter import ScimAdapter

TOKEN = "scim-rename-tok-5b1c2d-secret"
_REGISTRY = PluginRegistry.build(entry_points=False)


@pytest.fixture(scope="module")
def tenants() -> Iterator[ScimServer]:
    with ScimServer(token=TOKEN, tenants=True) as s:
        yield s


def _tenant(server: ScimServer, n_users: int) -> str:
    url = server.url_for("t" + uuid.uuid4().hex[:10])
    server.add_users(sample_users(n_users), base=url)
    return url


def _engine(url: str, **settings: Any) -> SyncEngine:
    values = {"url": url, "token": TOKEN, "page_size": 10}
    return SyncEngine(
        ScimAdapter.configure(values | settings, env={}), InMemorySyncState(), registry=_REGISTRY
    )


def _groups(server: ScimServer, url: str) -> dict[str, dict[str, Any]]:
    with server.session() as s:
        return {g["externalId"]: g for g in s.get(url + "/Groups").json()["Resources"]}


def _people(role: str) -> list[Person]:
    return [Person(key=f"user{i:05d}-example.com", name=f"U{i}", role=role) for i in range(3)]


def test_a_renamed_role_keeps_its_group_id_and_members(tenants: ScimServer) -> None:
    url = _tenant(tenants, 3)
    e = _engine(url)
    assert e.apply(e.plan_people(_people("engineer"))).ok
    [before] = _groups(tenants, url).values()
    plan = e.plan_people(_people("developer"), renames=Renames(roles={"engineer": "developer"}))
    assert [(c.action, c.old_key, c.key) for c in plan.pending] == [
        (Action.UPDATE, "engineer", "developer")
    ]
    assert "~ role-group engineer -> developer (renamed)" in plan.render()
    assert e.apply(plan).ok
    groups = _groups(tenants, url)
    assert set(groups) == {"competency-core:role-group:developer"}
    after = groups["competency-core:role-group:developer"]
    assert after["id"] == before["id"]
    assert after["displayName"] == "Role: developer"
    assert sorted(m["value"] for m in after["members"]) == sorted(
        m["value"] for m in before["members"]
    )
    assert _engine(url).plan_people(_people("developer"), prune=True).is_empty


def test_a_renamed_learning_resource_keeps_its_group(tenants: ScimServer) -> None:
    url = _tenant(tenants, 2)
    day = dt.date(2026, 1, 5)

    def assigned(resource: str) -> list[LearningAssignment]:
        return [
            LearningAssignment(person=f"user{i:05d}-example.com", resource=resource, assigned=day)
            for i in range(2)
        ]

    e = _engine(url)
    assert e.apply(e.plan_assignments(assigned("sql-101"))).ok
    [before] = _groups(tenants, url).values()
    renames = Renames(learning_resources={"sql-101": "sql-basics"})
    plan = e.plan_assignments(assigned("sql-basics"), renames=renames, prune=True)
    assert [(c.old_key, c.key) for c in plan.pending] == [("sql-101", "sql-basics")]
    assert e.apply(plan).ok
    [after] = _groups(tenants, url).values()
    assert after["id"] == before["id"]
    assert after["externalId"] == "competency-core:learning-group:sql-basics"
    assert _engine(url).plan_assignments(assigned("sql-basics"), prune=True).is_empty


def test_without_renames_a_role_group_is_created_and_the_old_one_emptied(
    tenants: ScimServer,
) -> None:
    url = _tenant(tenants, 3)
    e = _engine(url)
    assert e.apply(e.plan_people(_people("engineer"))).ok
    plan = e.plan_people(_people("developer"))
    assert {(c.action, c.key) for c in plan.pending} == {
        (Action.CREATE, "developer"),
        (Action.UPDATE, "engineer"),
    }
