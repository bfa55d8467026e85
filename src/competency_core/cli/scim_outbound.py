"""Demo step 81: competency-core as the client of a SCIM service (scim2-server) it starts.

The commands themselves are ``competency sync scim pull|plan|apply`` (in
:mod:`competency_core.cli.sync`); this module adds their step of ``competency demo``.
"""

from __future__ import annotations

from typing import Any

from competency_core.cli.demo import DemoContext, demo_step
from competency_core.cli.output import console, simple_table
from competency_core.cli.sync import print_plan, print_report

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


@demo_step(81, "SCIM: pull people from a SCIM service (scim2-server) and push role groups")
def _demo_outbound(ctx: DemoContext) -> None:
    import secrets

    from competency_core.sync import InMemorySyncState, SyncEngine
    from competency_scim.adapter import ScimAdapter
    from competency_scim.localserver import STRICT_CONFIG, LocalScimServer
    from competency_scim.mapping import mapping_report

    model = ctx.model()
    wf = ctx.workforce("people")
    token = secrets.token_urlsafe(24)
    with LocalScimServer(STRICT_CONFIG, token=token) as server:
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
                sorted(
                    (str(g.get("displayName")), str(len(g.get("members") or []))) for g in groups
                ),
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


__all__: list[str] = []
