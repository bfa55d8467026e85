"""Demo steps 80-81: the SCIM adapter both ways.

Step 80 runs the inbound service (``competency scim serve``) in-process and has identity
providers provision people into it; step 81 is competency-core as the client of a SCIM
service through ``competency sync scim pull|plan|apply``. The steps ask the demo for two
services (``ctx.service(...)``): :data:`IDENTITY_PROVIDERS`, simulators that speak as
Microsoft Entra ID and Okta do, and :data:`SCIM_SERVICE`, a running SCIM service with a
bearer token. The test-support distribution competency-core-testing provides both
(scim2-server in a thread for the second); without them the demo skips the steps.
"""

from __future__ import annotations

from typing import Any

from competency_core.console import console, print_plan, print_report, simple_table
from competency_core.demo import DemoContext, DemoStep, demo_step

STEPS: list[DemoStep] = []
IDENTITY_PROVIDERS = "scim-identity-providers"
"""A service with ``SAMPLE_MAPPING``, ``sample_employees()``, ``Employee(...)`` and the
provisioners ``EntraProvisioner(session, url)`` and ``OktaProvisioner(session, url)``
(``provision``, ``change_title``, ``disable``, ``update``, ``deactivate``, ``calls``)."""
SCIM_SERVICE = "scim-service"
"""A running SCIM 2.0 service: ``url``, ``token``, ``session()``, ``add_users(users)``."""


@demo_step(80, "SCIM: Entra ID and Okta provision people into the inbound SCIM service", STEPS)
def _demo_inbound(ctx: DemoContext) -> None:
    import secrets

    import requests

    from competency_core.store import Store
    from competency_scim.mapping import RoleMapping, mapping_report
    from competency_scim.service import create_app, running

    idp = ctx.service(IDENTITY_PROVIDERS)

    path = ctx.out / "scim-inbound.sqlite3"
    path.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    rules = RoleMapping.model_validate(idp.SAMPLE_MAPPING)
    model = ctx.model()
    with Store(path) as db, running(create_app(db, token=token, mapping=rules, model=model)) as srv:
        console.print(f"Inbound SCIM service on {srv.url} (bearer token: a random one)")
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {token}"
            entra = idp.EntraProvisioner(session, srv.url)
            people = idp.sample_employees()
            entra.provision(people)
            entra.change_title("mei.chen@example.com", "Senior Software Engineer")
            entra.disable("sara.nilsson@example.com")
            okta = idp.OktaProvisioner(session, srv.url)
            contractors = [
                idp.Employee(
                    "noor.haddad@partner.example",
                    "Noor",
                    "Haddad",
                    "Software Engineer",
                    department="Engineering",
                    groups=("Team Platform",),
                ),
                idp.Employee(
                    "tom.riley@partner.example",
                    "Tom",
                    "Riley",
                    "Staff Software Engineer",
                    department="Engineering",
                    groups=("Team Platform",),
                ),
                idp.Employee(
                    "ines.costa@partner.example",
                    "Ines",
                    "Costa",
                    "Data Analyst",
                    department="Analytics",
                ),
            ]
            okta.provision(contractors)
            okta.update(
                idp.Employee(
                    "tom.riley@partner.example",
                    "Tom",
                    "Riley",
                    "Principal Software Engineer",
                    department="Engineering",
                    manager="noor.haddad@partner.example",
                )
            )
            okta.deactivate("ines.costa@partner.example")
            bad = requests.get(
                f"{srv.url}/Users", headers={"Authorization": "Bearer wrong"}, timeout=10
            )
        console.print(
            f"Entra ID-style: {len(entra.calls)} requests (lookups, POST, PascalCase PATCH, "
            f"manager as a bare id, 'False' as a string); Okta-style: {len(okta.calls)} "
            f"requests (lookups, POST, PUT, PATCH active=false); a wrong token: HTTP {bad.status_code}"
        )
        stored = db.people()
        console.print(
            simple_table(
                "People received over SCIM",
                ["person", "role", "team", "active"],
                [(p.key, p.role or "-", p.team, p.attributes.get("active")) for p in stored],
            )
        )
        managed = sum(1 for p in stored if p.manager)
        console.print(
            f"{managed} people have their manager resolved from the Enterprise manager id"
        )
        report = mapping_report(stored, model)
    console.print(report.summary())
    for u in report.unmapped:
        console.print(f"  [yellow]unmapped[/yellow] {u.key}: {u.reason}")
    ctx.record("SCIM inbound store (SQLite)", path)


ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _directory(ctx: DemoContext) -> list[dict[str, Any]]:
    """The example people as an HR system's SCIM users: job titles, departments, numbers."""
    model = ctx.model()
    users: list[dict[str, Any]] = []
    for i, p in enumerate(ctx.workforce("people").people):
        title = model.text(model.role(p.role).title) if p.role else None
        users.append(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
                "userName": p.key,
                "displayName": p.name,
                "emails": [{"value": p.email, "type": "work", "primary": True}] if p.email else [],
                "title": title,
                "active": True,
                ENTERPRISE: {"employeeNumber": str(4100 + i), "department": p.department},
            }
        )
    users.append(
        {
            "userName": "office-manager",
            "displayName": "Olle Berg",
            "title": "Office Manager",
            "active": True,
        }
    )
    return users


@demo_step(81, "SCIM: pull people from a SCIM service (scim2-server) and push role groups", STEPS)
def _demo_outbound(ctx: DemoContext) -> None:
    from competency_core.sync import InMemorySyncState, SyncEngine
    from competency_scim.adapter import ScimAdapter
    from competency_scim.mapping import mapping_report

    model = ctx.model()
    wf = ctx.workforce("people")
    server = ctx.service(SCIM_SERVICE)
    token = server.token
    created = server.add_users(_directory(ctx))
    ids = {u["userName"]: u["id"] for u in created}
    with server.session() as session:
        for p in wf.people:
            if p.manager in ids:
                op = {
                    "op": "add",
                    "path": f"{ENTERPRISE}:manager",
                    "value": {"value": ids[p.manager]},
                }
                session.patch(
                    f"{server.url}/Users/{ids[p.key]}",
                    json={
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [op],
                    },
                    timeout=30,
                ).raise_for_status()
    console.print(
        f"scim2-server on {server.url} (pages of at most 7, no ETags): "
        f"{len(created)} users with job titles, as an HR system holds them"
    )
    settings = {
        "url": server.url,
        "token": token,
        "model_file": str(ctx.examples / "software-engineering.yaml"),
        "role_group_name": "Role: {title}",
    }
    adapter = ScimAdapter.configure(settings, env={})
    pulled = list(adapter.pull_people())
    report = mapping_report(pulled, model)
    console.print(
        f"Pulled {len(pulled)} people in {adapter.client.requests_made} requests: "
        f"{report.summary()}"
    )
    console.print(
        simple_table(
            "role mapping (job title = the role's title)",
            ["role", "people"],
            [(role, str(n)) for role, n in report.by_role.items()]
            + [(f"(none) {u.key}: {u.title}", "1") for u in report.unmapped],
        )
    )
    adapter.use_workforce(wf.people, model)  # every role profile gets a group, titled
    engine = SyncEngine(adapter, InMemorySyncState())
    plan = engine.plan_people(wf.people)
    print_plan(plan, limit=8)
    path = ctx.out / "scim-groups-plan.json"
    plan.save(path)
    ctx.record("SCIM role-groups plan (JSON)", path)
    print_report(engine.apply(plan))
    groups = adapter.client.groups(attributes=("displayName", "members"))
    console.print(
        simple_table(
            "groups in the SCIM service after the apply",
            ["group", "members"],
            sorted((str(g.get("displayName")), str(len(g.get("members") or []))) for g in groups),
        )
    )
    learning = engine.plan_assignments(wf.assignments)
    print_plan(learning, limit=6)
    print_report(engine.apply(learning))
    again = ScimAdapter.configure(settings, env={})
    again.use_workforce(wf.people, model)
    replan = SyncEngine(again, InMemorySyncState()).plan_people(wf.people)
    print_plan(replan)
    writes = [c for c in replan.changes if c.pending]
    console.print(f"Planning again: {len(writes)} change(s) left")


__all__ = ["IDENTITY_PROVIDERS", "SCIM_SERVICE", "STEPS"]
