"""The ``scim`` adapter: pulls people, plans and applies role / learning groups on scim2-server."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import EXTENSION, STRICT_CONFIG, ScimServer, fail_times, refuse_filter, sample_users

from competency_core.people import LearningAssignment, Person
from competency_core.plugins import PluginRegistry, plugin_registry
from competency_core.sync import (
    Action,
    Adapter,
    AdapterSettingsError,
    InMemorySyncState,
    OutcomeStatus,
    SyncEngine,
)
from competency_core.testing import AdapterContract
from competency_scim.adapter import ScimAdapter
from competency_scim.errors import ScimAuthError

TOKEN = "scim-push-tok-3e0a9b17-secret"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ROLE_TITLES = {"Software Engineer": "engineer", "Data Analyst": "analyst"}


@pytest.fixture(scope="module")
def tenants() -> Iterator[ScimServer]:
    """One scim2-server; each tenant (first path segment) is an empty service of its own."""
    with ScimServer(token=TOKEN, tenants=True) as s:
        yield s


@pytest.fixture(scope="module")
def strict_tenants() -> Iterator[ScimServer]:
    with ScimServer(STRICT_CONFIG, token=TOKEN, tenants=True) as s:
        yield s


_REGISTRY = PluginRegistry.build(entry_points=False)


def engine(adapter: Adapter[Any]) -> SyncEngine:
    return SyncEngine(adapter, InMemorySyncState(), registry=_REGISTRY)


def new_tenant(server: ScimServer, n_users: int = 0) -> str:
    url = server.url_for("t" + uuid.uuid4().hex[:10])
    if n_users:
        server.add_users(sample_users(n_users), base=url)
    return url


def adapter(url: str, **settings: Any) -> ScimAdapter:
    values = {"url": url, "token": TOKEN, "page_size": 10, "role_titles": ROLE_TITLES}
    return ScimAdapter.configure(values | settings, env={})


def people(n: int) -> list[Person]:
    roles = ("engineer", "analyst", None)
    return [
        Person(key=f"user{i:05d}-example.com", name=f"User {i}", role=roles[i % 3])
        for i in range(n)
    ]


# -- pull -------------------------------------------------------------------------------------


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_pull_people_maps_roles_and_notes_the_unmapped(
    tenants: ScimServer, strict_tenants: ScimServer, strict: bool
) -> None:
    server = strict_tenants if strict else tenants
    url = new_tenant(server, 30)
    boss = server.add_users(
        [{"userName": "boss@example.com", "title": "Chef", "active": True}], base=url
    )[0]
    with server.session() as s:
        users = s.get(url + "/Users", params={"filter": 'userName eq "user00001@example.com"'})
        uid = users.json()["Resources"][0]["id"]
        s.patch(
            url + f"/Users/{uid}",
            json={
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {"op": "add", "path": f"{ENT}:manager", "value": {"value": boss["id"]}}
                ],
            },
        ).raise_for_status()
    a = adapter(url)
    pulled = {p.key: p for p in a.pull_people()}
    assert len(pulled) == 25  # every 5th user is inactive
    one = pulled["user00001-example.com"]
    assert one.role == "analyst"
    assert one.email == "user00001@example.com"
    assert one.department == "Dept 1"
    assert one.manager == "boss-example.com"
    assert pulled["user00000-example.com"].role == "engineer"
    assert pulled["user00002-example.com"].role is None  # "Chef" maps to nothing
    assert a.unmapped
    assert a.unmapped_count == len(a.unmapped) == 9  # every third is a "Chef" (one inactive)
    assert any("have no role" in n for n in a.notes)
    everyone = adapter(url, active_only=False)
    assert len(list(everyone.pull_people())) == 31


def test_incremental_pull(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 12)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    assert list(adapter(url, modified_since=later.isoformat()).pull_people()) == []
    assert len(list(adapter(url, active_only=False).pull_people())) == 12


# -- push -------------------------------------------------------------------------------------


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_role_groups_plan_apply_then_nothing_to_do(
    tenants: ScimServer, strict_tenants: ScimServer, strict: bool
) -> None:
    server = strict_tenants if strict else tenants
    url = new_tenant(server, 20)
    everyone = people(20)
    a = adapter(url)
    e = engine(a)
    plan = e.plan_people(everyone)
    created = [c for c in plan.changes if c.action is Action.CREATE]
    assert {c.key for c in created} == {"engineer", "analyst"}
    report = e.apply(plan)
    assert report.ok, report.failed
    with server.session() as s:
        groups = s.get(url + "/Groups").json()["Resources"]
    by_name = {g["displayName"]: g for g in groups}
    assert set(by_name) == {"Role: engineer", "Role: analyst"}
    assert len(by_name["Role: engineer"]["members"]) == 7

    server.faults.log.clear()
    again = engine(adapter(url))
    plan2 = again.plan_people(everyone)
    assert plan2.is_empty, plan2.render()
    assert again.apply(plan2).ok
    assert server.faults.writes() == []  # a re-run sends no write at all


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_memberships_are_patched_with_add_and_remove(
    tenants: ScimServer, strict_tenants: ScimServer, strict: bool
) -> None:
    tenants = strict_tenants if strict else tenants
    url = new_tenant(tenants, 12)
    everyone = people(12)
    e = engine(adapter(url))
    assert e.apply(e.plan_people(everyone)).ok
    # person 0 becomes an analyst, person 1 leaves analysts (no role any more)
    moved = [
        p.model_copy(update={"role": "analyst"}) if p.key.startswith("user00000") else p
        for p in everyone
    ]
    moved = [
        p.model_copy(update={"role": None}) if p.key.startswith("user00001") else p for p in moved
    ]
    tenants.faults.log.clear()
    tenants.faults.if_match.clear()
    e2 = engine(adapter(url))
    plan = e2.plan_people(moved)
    updates = {c.key: c for c in plan.changes if c.action is Action.UPDATE}
    assert set(updates) == {"engineer", "analyst"}
    assert e2.apply(plan).ok
    patches = [(m, p) for m, p, _ in tenants.faults.writes()]
    assert patches
    assert all(m == "PATCH" for m, _ in patches)
    # If-Match with the version read where the service announces ETags, never elsewhere
    sent = [v for m, v in tenants.faults.if_match if m == "PATCH"]
    assert sent
    assert all(v is None for v in sent) if strict else all(sent)
    assert engine(adapter(url)).plan_people(moved).is_empty
    with tenants.session() as s:
        groups = {g["displayName"]: g for g in s.get(url + "/Groups").json()["Resources"]}
    analysts = {m["value"] for m in groups["Role: analyst"].get("members", [])}
    assert len(analysts) == 4  # 1, 4, 7, 10 were analysts; 0 joined, 1 left


def test_nothing_deleted_unless_pruned_and_foreign_groups_untouched(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 9)
    foreign = tenants.add_group("Everyone (made by the IdP)", [], base=url)
    e = engine(adapter(url))
    assert e.apply(e.plan_people(people(9))).ok
    nobody = [p.model_copy(update={"role": None}) for p in people(9)]
    plan = engine(adapter(url)).plan_people(nobody)
    assert not [c for c in plan.changes if c.action is Action.DELETE]
    assert engine(adapter(url)).apply(plan).ok  # the groups are emptied, kept
    with tenants.session() as s:
        groups = {g["displayName"]: g for g in s.get(url + "/Groups").json()["Resources"]}
    assert set(groups) == {"Everyone (made by the IdP)", "Role: engineer", "Role: analyst"}
    assert not groups["Role: engineer"].get("members")
    assert groups["Everyone (made by the IdP)"]["id"] == foreign["id"]


def test_refused_group_filter_is_done_on_the_client(strict_tenants: ScimServer) -> None:
    url = new_tenant(strict_tenants, 6)
    strict_tenants.add_group("Someone else's", [], base=url)
    strict_tenants.faults.faults.append(refuse_filter("externalId"))
    try:
        e = engine(adapter(url))
        assert e.apply(e.plan_people(people(6))).ok
        again = engine(adapter(url)).plan_people(people(6))
    finally:
        strict_tenants.faults.faults.clear()
    assert again.is_empty, again.render()
    assert any("filtering on the client" in w for w in again.warnings)
    assert {c.key for c in again.changes} == {"engineer", "analyst"}


def test_with_the_model_every_role_gets_a_group_named_by_its_title(tenants: ScimServer) -> None:
    from competency_core.io import load_model

    model = load_model(Path(__file__).parents[3] / "examples" / "software-engineering.yaml")
    url = new_tenant(tenants, 3)
    someone = [
        Person(key="user00000-example.com", name="U0", role="engineer"),
        Person(key="user00001-example.com", name="U1", role="not-in-the-model"),
    ]
    a = adapter(url, role_group_name="{title} ({key})")
    a.use_workforce(someone, model)
    plan = engine(a).plan_people(someone)
    groups = {c.key: c.data for c in plan.changes}
    assert set(groups) == {r.key for r in model.roles} | {"not-in-the-model"}
    engineer = groups["engineer"]
    assert engineer is not None
    assert engineer["displayName"] == f"{model.text(model.role('engineer').title)} (engineer)"
    assert engineer["members"] == ["user00000-example.com"]
    assert any("not-in-the-model" in w for w in plan.warnings)
    with pytest.raises(AdapterSettingsError):
        adapter(url, role_group_name="Role {nope}")


def test_learning_groups(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 6)
    day = dt.date(2026, 1, 5)
    assigned = [
        LearningAssignment(person=f"user{i:05d}-example.com", resource="course-sql", assigned=day)
        for i in range(4)
    ] + [
        LearningAssignment(
            person="user00005-example.com",
            resource="course-sql",
            assigned=day,
            status="cancelled",
        )
    ]
    e = engine(adapter(url, learning_group_name="LMS {key}"))
    plan = e.plan_assignments(assigned)
    assert [c.key for c in plan.changes] == ["course-sql"]
    assert e.apply(plan).ok
    with tenants.session() as s:
        (group,) = s.get(url + "/Groups").json()["Resources"]
    assert group["displayName"] == "LMS course-sql"
    assert len(group["members"]) == 4
    assert engine(adapter(url, learning_group_name="LMS {key}")).plan_assignments(assigned).is_empty


def test_people_without_a_user_are_left_out_with_a_warning(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 3)
    extra = Person(key="nobody-here", name="Nobody", role="engineer")
    plan = engine(adapter(url)).plan_people([*people(3), extra])
    assert any("nobody-here" in w and "no user" in w for w in plan.warnings)
    group = next(c for c in plan.changes if c.key == "engineer")
    assert group.data is not None
    assert group.data["members"] == ["user00000-example.com"]


def test_a_failing_write_is_reported_and_a_rerun_finishes(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 9)
    plan_engine = engine(adapter(url))
    plan = plan_engine.plan_people(people(9))
    tenants.faults.faults.append(fail_times(1, 500, method="POST"))
    try:
        report = engine(adapter(url)).apply(plan)
    finally:
        tenants.faults.faults.clear()
    assert [o.status for o in report.outcomes].count(OutcomeStatus.FAILED) == 1
    failed = report.failed[0]
    assert "HTTP 500" in (failed.message or "")
    rerun = engine(adapter(url))
    assert rerun.apply(rerun.plan_people(people(9))).ok
    assert engine(adapter(url)).plan_people(people(9)).is_empty


def test_users_sharing_a_person_key_are_left_out_once(tenants: ScimServer) -> None:
    url = new_tenant(tenants)
    tenants.add_users([{"userName": "ab@x.com"}, {"userName": "ab-x.com"}], base=url)
    a = adapter(url)
    e = engine(a)
    plan = e.plan_people([Person(key="ab-x.com", name="AB", role="engineer")])
    clashes = [w for w in plan.warnings if "share a person key" in w]
    assert len(clashes) == 1
    assert e.apply(plan).ok
    assert [w for w in e.plan_people([]).warnings if "share a person key" in w] == clashes


def test_refused_token_in_a_plan(tenants: ScimServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = new_tenant(tenants, 1)
    wrong = "wrong-push-token-77aa01-never-shown"
    a = adapter(url, token=wrong)
    with pytest.raises(ScimAuthError) as exc:
        engine(a).plan_people(people(1))
    assert "check the bearer token" in str(exc.value)
    texts = [str(exc.value), repr(a), repr(a.settings), a.settings.model_dump_json()]
    texts += [r.getMessage() for r in caplog.records]
    assert not any(wrong in t for t in texts)


def test_provisioned_users_and_extension_attributes(tenants: ScimServer) -> None:
    with ScimServer(token=TOKEN, extension=True) as server:
        url = server.url
        someone = [
            Person(key="ada", name="Ada Lovelace", role="engineer", email="ada@example.com"),
            Person(key="alan", name="Alan Turing", role="analyst", department="Research"),
        ]
        settings = {"provision_users": True, "write_attributes": True}
        e = engine(adapter(url, **settings))
        plan = e.plan_people(someone)
        kinds = sorted((c.kind, c.key) for c in plan.changes)
        assert ("user", "ada") in kinds
        assert ("user-attributes", "alan") in kinds
        report = e.apply(plan)
        assert report.ok, report.failed
        with server.session() as s:
            users = {u["userName"]: u for u in s.get(url + "/Users").json()["Resources"]}
        assert users["ada"][EXTENSION]["role"] == "engineer"
        assert users["alan"][ENT]["department"] == "Research"
        assert engine(adapter(url, **settings)).plan_people(someone).is_empty
        from competency_core.people import Assessment

        rated = [
            Assessment(person="ada", competency="sql", level=3, date=dt.date(2026, 1, 1)),
            Assessment(person="ada", competency="sql", level=4, date=dt.date(2026, 2, 1)),
        ]
        e3 = engine(adapter(url, **settings))
        assert e3.apply(e3.plan_ratings(rated)).ok
        with server.session() as s:
            ada = s.get(url + "/Users", params={"filter": 'userName eq "ada"'}).json()
        assert ada["Resources"][0][EXTENSION]["competencies"] == ["sql:4"]
        assert ada["Resources"][0][EXTENSION]["role"] == "engineer"
        assert engine(adapter(url, **settings)).plan_ratings(rated).is_empty


def test_prune_deletes_only_provisioned_users(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 2)  # two users from the identity provider
    two = [Person(key=k, name=k.title(), role="engineer") for k in ("ada", "alan")]
    settings = {"provision_users": True}
    e = engine(adapter(url, **settings))
    assert e.apply(e.plan_people(two)).ok
    kept = engine(adapter(url, **settings)).plan_people(two[:1])
    assert [c.action for c in kept.changes if c.kind == "user"] == [
        Action.UNCHANGED,
        Action.UNCHANGED,
    ]
    e2 = engine(adapter(url, **settings))
    pruned = e2.plan_people(two[:1], prune=True)
    deletes = [(c.kind, c.key) for c in pruned.changes if c.action is Action.DELETE]
    assert deletes == [("user", "alan")]
    assert e2.apply(pruned).ok
    with tenants.session() as s:
        names = sorted(u["userName"] for u in s.get(url + "/Users").json()["Resources"])
    assert names == ["ada", "user00000@example.com", "user00001@example.com"]
    assert engine(adapter(url, **settings)).plan_people(two[:1], prune=True).is_empty


def test_provisioning_adopts_an_existing_user_of_the_same_name(tenants: ScimServer) -> None:
    url = new_tenant(tenants)
    (existing,) = tenants.add_users([{"userName": "ada", "displayName": "A. L."}], base=url)
    ada = Person(key="ada", name="Ada Lovelace", role="engineer")
    e = engine(adapter(url, provision_users=True))
    plan = e.plan_people([ada])
    assert {(c.kind, c.action) for c in plan.changes} == {
        ("user", Action.CREATE),
        ("role-group", Action.CREATE),
    }
    report = e.apply(plan)
    assert report.ok, report.failed
    with tenants.session() as s:
        (user,) = s.get(url + "/Users").json()["Resources"]
    assert user["id"] == existing["id"]
    assert user["displayName"] == "Ada Lovelace"
    assert user["externalId"] == "competency-core:person:ada"
    assert engine(adapter(url, provision_users=True)).plan_people([ada]).is_empty


def test_extension_not_announced_is_a_warning(tenants: ScimServer) -> None:
    url = new_tenant(tenants, 2)
    plan = engine(adapter(url, write_attributes=True)).plan_people(people(2))
    assert any("does not announce" in w for w in plan.warnings)
    assert {c.kind for c in plan.changes} == {"role-group"}


def test_registered_through_the_entry_point() -> None:
    assert plugin_registry().adapter("scim") is ScimAdapter


class TestScimContract(AdapterContract):
    """The shared adapter contract, each adapter on a fresh tenant of one scim2-server."""

    server: ScimServer | None = None

    @pytest.fixture(autouse=True)
    def _server(self, tenants: ScimServer) -> None:
        type(self).server = tenants

    def make_adapter(self) -> Adapter[Any]:
        assert self.server is not None
        url = new_tenant(self.server)
        return adapter(url, provision_users=True)
