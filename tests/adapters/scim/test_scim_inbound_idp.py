"""Identity providers provisioning into the inbound service, as they really do it.

Entra ID- and Okta-style request sequences (competency_testing.scim.idp) over HTTP, on SQLite and
PostgreSQL, then the store: people with their mapped roles, managers, teams, deprovisioned
people kept; plus the single odd payloads each provider is known for.
"""

from __future__ import annotations

from typing import Any

from scim_inbound_support import Inbound

from competency_core.people import Person
from competency_core.store import Store
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER, mapping_report
from competency_scim.projection import directory_counts
from competency_testing.scim.idp import (
    PATCH_OP,
    Employee,
    EntraProvisioner,
    OktaProvisioner,
    sample_employees,
)


def _people(store: Store) -> dict[str, Person]:
    return {p.key: p for p in store.people()}


def _patch(inbound: Inbound, path: str, *operations: dict[str, Any]) -> None:
    r = inbound.call("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)})
    assert r.status_code in (200, 204), r.text


def test_an_entra_style_sequence(inbound: Inbound, scim_model: Any) -> None:
    entra = EntraProvisioner(inbound.session, inbound.url)
    entra.provision(sample_employees())
    assert directory_counts(inbound.store) == {"User": 7, "Group": 3}
    people = _people(inbound.store)
    assert len(people) == 7
    roles = {k.split("-")[0]: p.role for k, p in people.items()}
    assert roles == {
        "priya.raman": "senior-engineering-manager",  # title = a role's title
        "daniel.kim": "engineering-manager",
        "amara.okafor": "senior-engineer",
        "lucas.meyer": "senior-engineer",  # "Sr. Software Engineer": a mapping rule
        "mei.chen": "engineer",
        "jonas.berg": "senior-sre",  # "SRE II": a mapping rule
        "sara.nilsson": None,  # "Office Manager": nothing maps it
    }
    mei = people["mei.chen-example.com"]
    assert mei.manager == "daniel.kim-example.com"  # from the bare manager id Entra sent
    assert mei.team == "Team Payments"  # the group matching "Team *"
    assert mei.department == "Engineering"
    assert mei.email == "mei.chen@example.com"
    assert mei.attributes["employee_number"] == "1005"
    assert mei.attributes["cost_center"] == "CC-4100"
    assert people["priya.raman-example.com"].attributes["division"] == "Technology"
    assert people["daniel.kim-example.com"].team == "Team Payments"  # not "Engineering Leadership"

    entra.change_title("mei.chen@example.com", "Senior Software Engineer")
    entra.disable("sara.nilsson@example.com")
    entra.remove_member("Team Payments", "amara.okafor@example.com")
    people = _people(inbound.store)
    assert people["mei.chen-example.com"].role == "senior-engineer"
    sara = people["sara.nilsson-example.com"]
    assert sara.attributes["active"] == "false"  # "False" as a string, PATCH without a path
    assert people["amara.okafor-example.com"].team is None
    assert directory_counts(inbound.store)["User"] == 7  # disabled, not deleted

    report = mapping_report(people.values(), scim_model)
    assert report.people == 7
    assert report.inactive == 1
    assert [u.key for u in report.unmapped] == ["sara.nilsson-example.com"]
    assert report.unmapped[0].reason == "unmapped: title 'Office Manager'"
    assert report.by_role["senior-engineer"] == 3

    # Entra runs its cycle again: lookups find everyone, nothing is created twice.
    before = len(entra.calls)
    entra.provision(sample_employees())
    assert not [c for c in entra.calls[before:] if c.method == "POST"]
    assert directory_counts(inbound.store) == {"User": 7, "Group": 3}
    assert len(_people(inbound.store)) == 7


def test_an_okta_style_sequence(inbound: Inbound) -> None:
    okta = OktaProvisioner(inbound.session, inbound.url)
    staff = [
        Employee("tom@partner.example", "Tom", "Riley", "Staff Software Engineer",
                 department="Engineering", manager="noor@partner.example", groups=("Team Platform",)),
        Employee("noor@partner.example", "Noor", "Haddad", "Engineering Manager",
                 department="Engineering", groups=("Team Platform",)),
        Employee("ines@partner.example", "Ines", "Costa", "Data Analyst", department="Analytics"),
    ]  # fmt: skip
    okta.provision(staff)
    lookups = [c for c in okta.calls if c.method == "GET" and "userName eq" in c.path]
    assert len(lookups) == 3  # every create was preceded by a userName lookup
    people = _people(inbound.store)
    assert people["tom-partner.example"].manager == "noor-partner.example"  # managers first
    assert people["tom-partner.example"].role == "staff-engineer"
    assert people["tom-partner.example"].team == "Team Platform"

    okta.update(
        Employee("tom@partner.example", "Tom", "Riley", "Principal Software Engineer",
                 department="Platform")
    )  # fmt: skip
    assert [c.method for c in okta.calls[-2:]] == ["GET", "PUT"]
    tom = _people(inbound.store)["tom-partner.example"]
    assert tom.role == "principal-engineer"
    assert tom.department == "Platform"
    assert tom.manager is None  # the PUT no longer names a manager
    assert tom.team == "Team Platform"  # PUT of a user does not touch its groups

    okta.deactivate("ines@partner.example")
    okta.remove_member("Team Platform", "tom@partner.example")
    people = _people(inbound.store)
    assert people["ines-partner.example"].attributes["active"] == "false"
    assert people["tom-partner.example"].team is None
    assert people["noor-partner.example"].team == "Team Platform"
    group = inbound.call("GET", f"Groups/{okta.ids['Team Platform']}").json()
    assert [m["value"] for m in group["members"]] == [okta.ids["noor@partner.example"]]


def test_entra_odd_payloads(inbound_sqlite: Inbound) -> None:
    inbound = inbound_sqlite
    boss = inbound.call("POST", "Users", {"schemas": [CORE_USER], "userName": "boss@x.example"})
    boss_id = boss.json()["id"]
    body = {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "userName": "ann@x.example",
        "active": "True",  # a boolean as a string
        "title": "Software Engineer",
        ENTERPRISE_USER: {"manager": boss_id, "department": "R&D"},  # a bare manager id
    }
    r = inbound.call("POST", "Users", body)
    assert r.status_code == 201, r.text
    ann = r.json()
    assert ann["active"] is True
    assert ann[ENTERPRISE_USER]["manager"]["value"] == boss_id
    uid = ann["id"]
    _patch(
        inbound,
        f"Users/{uid}",
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Replace", "value": {f"{ENTERPRISE_USER}:department": "Platform", "title": "Engineering Manager"}},
        {"op": "Add", "path": 'emails[type eq "work"].value', "value": "ann@x.example"},
    )  # fmt: skip
    got = inbound.call("GET", f"Users/{uid}").json()
    assert got["active"] is False
    assert got["title"] == "Engineering Manager"
    assert got[ENTERPRISE_USER]["department"] == "Platform"
    assert got["emails"] == [{"type": "work", "value": "ann@x.example"}]
    person = inbound.store.person("ann-x.example")
    assert (person.role, person.department, person.manager) == (
        "engineering-manager",
        "Platform",
        "boss-x.example",
    )
    assert person.attributes["active"] == "false"
    _patch(inbound, f"Users/{uid}", {"op": "Remove", "path": f"{ENTERPRISE_USER}:manager"})
    assert inbound.store.person("ann-x.example").manager is None
    # An unknown attribute (Entra sends its own) is ignored, not refused.
    extra = {"schemas": [CORE_USER], "userName": "bob@x.example", "urn:contoso:custom": {"a": 1}}
    assert inbound.call("POST", "Users", extra).status_code == 201


def test_deleting_a_user_keeps_the_person_deprovisioned(inbound_sqlite: Inbound) -> None:
    inbound = inbound_sqlite
    okta = OktaProvisioner(inbound.session, inbound.url)
    okta.provision(
        [Employee("kim@x.example", "Kim", "Park", "Software Engineer", groups=("Team Web",))]
    )
    uid, gid = okta.ids["kim@x.example"], okta.ids["Team Web"]
    assert inbound.call("DELETE", f"Users/{uid}").status_code == 204
    assert inbound.call("GET", f"Users/{uid}").status_code == 404
    kim = inbound.store.person("kim-x.example")
    assert kim.attributes["active"] == "false"
    assert "deprovisioned" in kim.attributes
    assert kim.role == "engineer"  # kept: assessments refer to the person
    assert "members" not in inbound.call("GET", f"Groups/{gid}").json()
    # Provisioned again later: the same person comes back, active.
    okta.provision([Employee("kim@x.example", "Kim", "Park", "Software Engineer")])
    kim = inbound.store.person("kim-x.example")
    assert kim.attributes["active"] == "true"
    assert "deprovisioned" not in kim.attributes
    assert len(inbound.store.people()) == 1


def test_a_person_already_in_the_store_is_adopted(inbound_sqlite: Inbound) -> None:
    inbound = inbound_sqlite
    inbound.store.upsert_people(
        [Person(key="priya", name="Priya Raman", email="Priya.Raman@example.com", role="engineer")]
    )
    entra = EntraProvisioner(inbound.session, inbound.url)
    entra.provision(sample_employees()[:1])
    people = _people(inbound.store)
    assert list(people) == ["priya"]  # the same e-mail address: no duplicate
    assert people["priya"].role == "senior-engineering-manager"
    assert people["priya"].attributes["scim_id"] == entra.ids["priya.raman@example.com"]


def test_a_report_arriving_before_the_manager_is_linked_when_the_manager_arrives(
    inbound_sqlite: Inbound,
) -> None:
    inbound = inbound_sqlite
    # Bulk lets an identity provider refer to a user it creates in the same request.
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [
            {
                "method": "POST",
                "path": "/Users",
                "bulkId": "report",
                "data": {
                    "schemas": [CORE_USER, ENTERPRISE_USER],
                    "userName": "report@x.example",
                    ENTERPRISE_USER: {"manager": {"value": "bulkId:boss"}},
                },
            },
            {
                "method": "POST",
                "path": "/Users",
                "bulkId": "boss",
                "data": {"schemas": [CORE_USER], "userName": "boss@x.example"},
            },
        ],
    }
    r = inbound.call("POST", "Bulk", body)
    assert r.status_code == 200, r.text
    assert [op["status"] for op in r.json()["Operations"]] == ["201", "201"]
    assert inbound.store.person("report-x.example").manager == "boss-x.example"


def test_renaming_or_deleting_a_group_moves_its_members_teams(inbound_sqlite: Inbound) -> None:
    inbound = inbound_sqlite
    okta = OktaProvisioner(inbound.session, inbound.url)
    okta.provision(
        [
            Employee("a@x.example", "Ann", "A", "Software Engineer", groups=("Team Web",)),
            Employee(
                "b@x.example", "Bo", "B", "Software Engineer", groups=("Team Web", "Team Zeta")
            ),
        ]
    )
    gid = okta.ids["Team Web"]
    _patch(inbound, f"Groups/{gid}", {"op": "replace", "path": "displayName", "value": "Team Apps"})
    people = _people(inbound.store)
    assert people["a-x.example"].team == "Team Apps"
    assert people["b-x.example"].team == "Team Apps"  # the first matching group by name
    assert inbound.call("DELETE", f"Groups/{gid}").status_code == 204
    people = _people(inbound.store)
    assert people["a-x.example"].team is None
    assert people["b-x.example"].team == "Team Zeta"
