"""What identity providers send: Entra ID- and Okta-style provisioning over HTTP.

Real identity providers do not send textbook SCIM. :class:`EntraProvisioner` and
:class:`OktaProvisioner` replay the request sequences of Microsoft Entra ID and Okta
against any SCIM 2.0 service, so the inbound service can be shown (``competency demo``),
tested and benchmarked against what it will really receive:

* **Entra ID** looks a user up by ``userName eq`` (and by ``externalId``) before creating
  it, sends PATCH operations in PascalCase (``"Replace"``, ``"Add"``), booleans as strings
  (``"False"``), PATCHes without a ``path`` (the value names the attributes), sets the
  manager as a bare id, and disables people by ``active`` rather than deleting them;
* **Okta** looks users up by ``userName eq`` with ``startIndex``/``count``, creates them
  with the Enterprise extension, updates them with PUT (the whole user), deactivates them
  with ``{"op": "replace", "value": {"active": false}}``, and pushes groups with PATCH
  ``add``/``remove`` of ``members``.

The requests go through the caller's :class:`requests.Session` (carrying the bearer token),
and every call is recorded in :attr:`Provisioner.calls` (method, path, status: never a
header).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from competency_core.errors import SyncError
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = "application/scim+json"


@dataclass(frozen=True)
class Employee:
    """One person as an HR system knows them, before any identity provider sends them."""

    user_name: str
    given_name: str
    family_name: str
    title: str | None = None
    department: str | None = None
    employee_number: str | None = None
    cost_center: str | None = None
    division: str | None = None
    manager: str | None = None
    """The ``user_name`` of the manager (the provisioner turns it into the manager's id)."""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Call:
    """One request a provisioner made: method, path (with query), status."""

    method: str
    path: str
    status: int


@dataclass
class Provisioner:
    """The common part: requests to a SCIM service at ``base_url`` (ending in ``/v2``)."""

    session: requests.Session
    base_url: str
    timeout: float = 30.0
    calls: list[Call] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    """The service's id of every user (by userName) and group (by name) sent so far."""

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """Send a request; the parsed JSON answer (None for 204), or :class:`SyncError`."""
        response = self.session.request(
            method,
            f"{self.base_url.rstrip('/')}/{path.lstrip('/')}",
            params=params or None,
            data=None if body is None else json.dumps(body),
            headers={"Content-Type": SCIM_JSON, "Accept": SCIM_JSON},
            timeout=self.timeout,
        )
        query = "&".join(f"{k}={v}" for k, v in params.items())
        self.calls.append(Call(method, path + (f"?{query}" if query else ""), response.status_code))
        if response.status_code >= 400:
            detail = ""
            try:
                detail = str(response.json().get("detail") or "")
            except ValueError:
                detail = response.text[:200]
            raise SyncError(
                f"{method} {path} was refused: HTTP {response.status_code}"
                + (f" ({detail})" if detail else "")
            )
        return response.json() if response.content else None

    def find_user(self, user_name: str, **paging: Any) -> str | None:
        """The id of the user with ``userName`` (``userName eq``), or None."""
        found = self.request("GET", "Users", filter=f'userName eq "{user_name}"', **paging)
        resources = found.get("Resources") or []
        return str(resources[0]["id"]) if resources else None

    def user_body(self, e: Employee, *, active: Any = True, manager: Any = None) -> dict[str, Any]:
        """The JSON of a user, with the Enterprise User extension."""
        enterprise = {
            k: v
            for k, v in {
                "employeeNumber": e.employee_number,
                "department": e.department,
                "costCenter": e.cost_center,
                "division": e.division,
                "manager": manager,
            }.items()
            if v is not None
        }
        body: dict[str, Any] = {
            "schemas": [CORE_USER, ENTERPRISE_USER] if enterprise else [CORE_USER],
            "userName": e.user_name,
            "externalId": e.employee_number or e.user_name,
            "name": {"givenName": e.given_name, "familyName": e.family_name},
            "displayName": f"{e.given_name} {e.family_name}",
            "emails": [{"value": e.user_name, "type": "work", "primary": True}],
            "active": active,
        }
        if e.title:
            body["title"] = e.title
        if enterprise:
            body[ENTERPRISE_USER] = enterprise
        return body

    def _groups(self, employees: Sequence[Employee]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for e in employees:
            for g in e.groups:
                groups.setdefault(g, []).append(self.ids[e.user_name])
        return groups


class EntraProvisioner(Provisioner):
    """Provisioning as Microsoft Entra ID does it (see the module docs)."""

    def provision(self, employees: Sequence[Employee]) -> None:
        """Create the users (looked up first), then their managers, then the groups."""
        for e in employees:
            self.request(
                "GET", "Users", filter=f'externalId eq "{e.employee_number or e.user_name}"'
            )
            existing = self.find_user(e.user_name)
            if existing is None:
                existing = str(self.request("POST", "Users", self.user_body(e))["id"])
            self.ids[e.user_name] = existing
        for e in employees:  # Entra sets the manager once both exist, as a bare id
            if e.manager:
                self.patch_user(
                    e.user_name,
                    [
                        {
                            "op": "Add",
                            "path": f"{ENTERPRISE_USER}:manager",
                            "value": self.ids[e.manager],
                        }
                    ],
                )
        for name, members in self._groups(employees).items():
            found = self.request("GET", "Groups", filter=f'displayName eq "{name}"')
            if found.get("Resources"):
                gid = str(found["Resources"][0]["id"])
            else:
                gid = str(
                    self.request("POST", "Groups", {"schemas": [GROUP], "displayName": name})["id"]
                )
            self.ids[name] = gid
            self.request(
                "PATCH",
                f"Groups/{gid}",
                {
                    "schemas": [PATCH_OP],
                    "Operations": [
                        {"op": "Add", "path": "members", "value": [{"value": m} for m in members]}
                    ],
                },
            )

    def patch_user(self, user_name: str, operations: list[dict[str, Any]]) -> None:
        """PATCH a user with Entra's operations."""
        body = {"schemas": [PATCH_OP], "Operations": operations}
        self.request("PATCH", f"Users/{self.ids[user_name]}", body)

    def change_title(self, user_name: str, title: str) -> None:
        """A new job title: ``"Replace"`` with a path."""
        self.patch_user(user_name, [{"op": "Replace", "path": "title", "value": title}])

    def disable(self, user_name: str) -> None:
        """Disable a user: ``"Replace"`` without a path, the boolean as a string."""
        self.patch_user(user_name, [{"op": "Replace", "value": {"active": "False"}}])

    def remove_member(self, group: str, user_name: str) -> None:
        """Take a user out of a group: ``"Remove"`` with the member in the value."""
        self.request(
            "PATCH",
            f"Groups/{self.ids[group]}",
            {
                "schemas": [PATCH_OP],
                "Operations": [
                    {"op": "Remove", "path": "members", "value": [{"value": self.ids[user_name]}]}
                ],
            },
        )


class OktaProvisioner(Provisioner):
    """Provisioning as Okta does it (see the module docs)."""

    def provision(self, employees: Sequence[Employee]) -> None:
        """Create the users (looked up first; managers before their reports), then push groups."""
        for e in _managers_first(employees):
            existing = self.find_user(e.user_name, startIndex=1, count=100)
            manager = {"value": self.ids[e.manager]} if e.manager in self.ids else None
            if existing is None:
                body = self.user_body(e, manager=manager)
                existing = str(self.request("POST", "Users", body)["id"])
            self.ids[e.user_name] = existing
        for name, members in self._groups(employees).items():
            body = {"schemas": [GROUP], "displayName": name, "members": []}
            gid = str(self.request("POST", "Groups", body)["id"])
            self.ids[name] = gid
            self.request(
                "PATCH",
                f"Groups/{gid}",
                {
                    "schemas": [PATCH_OP],
                    "Operations": [
                        {"op": "add", "path": "members", "value": [{"value": m} for m in members]}
                    ],
                },
            )

    def update(self, e: Employee) -> None:
        """A changed profile: GET the user, then PUT it whole (as Okta does)."""
        uid = self.ids[e.user_name]
        self.request("GET", f"Users/{uid}")
        manager = {"value": self.ids[e.manager]} if e.manager in self.ids else None
        body = self.user_body(e, manager=manager)
        body["id"] = uid
        self.request("PUT", f"Users/{uid}", body)

    def deactivate(self, user_name: str) -> None:
        """Deprovision: ``active`` false by PATCH, nothing deleted."""
        body = {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        }
        self.request("PATCH", f"Users/{self.ids[user_name]}", body)

    def remove_member(self, group: str, user_name: str) -> None:
        """Take a user out of a group: ``remove`` with a value filter in the path."""
        body = {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "remove", "path": f'members[value eq "{self.ids[user_name]}"]'}],
        }
        self.request("PATCH", f"Groups/{self.ids[group]}", body)


def _managers_first(employees: Iterable[Employee]) -> list[Employee]:
    """Employees ordered so that everyone's manager comes before them (when present)."""
    by_name = {e.user_name: e for e in employees}
    out: list[Employee] = []
    seen: set[str] = set()

    def visit(e: Employee, path: frozenset[str]) -> None:
        if e.user_name in seen:
            return
        if e.manager in by_name and e.manager not in path:
            visit(by_name[e.manager], path | {e.user_name})
        seen.add(e.user_name)
        out.append(e)

    for e in by_name.values():
        visit(e, frozenset())
    return out


def sample_employees(domain: str = "example.com") -> list[Employee]:
    """A small engineering organisation, shaped to the ``software-engineering`` example.

    Titles equal the model's role titles, except two that a mapping rule must catch
    (``Sr. Software Engineer``, ``SRE II``) and one that nothing maps (``Office Manager``).
    """

    def e(user: str, given: str, family: str, title: str, **kw: Any) -> Employee:
        return Employee(f"{user}@{domain}", given, family, title, **kw)

    m = f"@{domain}"
    return [
        e(
            "priya.raman",
            "Priya",
            "Raman",
            "Senior Engineering Manager",
            department="Engineering",
            employee_number="1001",
            cost_center="CC-4000",
            division="Technology",
            groups=("Engineering Leadership",),
        ),
        e(
            "daniel.kim",
            "Daniel",
            "Kim",
            "Engineering Manager",
            department="Engineering",
            employee_number="1002",
            cost_center="CC-4100",
            manager="priya.raman" + m,
            groups=("Team Payments", "Engineering Leadership"),
        ),
        e(
            "amara.okafor",
            "Amara",
            "Okafor",
            "Senior Software Engineer",
            department="Engineering",
            employee_number="1003",
            cost_center="CC-4100",
            manager="daniel.kim" + m,
            groups=("Team Payments",),
        ),
        e(
            "lucas.meyer",
            "Lucas",
            "Meyer",
            "Sr. Software Engineer",
            department="Engineering",
            employee_number="1004",
            cost_center="CC-4100",
            manager="daniel.kim" + m,
            groups=("Team Payments",),
        ),
        e(
            "mei.chen",
            "Mei",
            "Chen",
            "Software Engineer",
            department="Engineering",
            employee_number="1005",
            cost_center="CC-4100",
            manager="daniel.kim" + m,
            groups=("Team Payments",),
        ),
        e(
            "jonas.berg",
            "Jonas",
            "Berg",
            "SRE II",
            department="Engineering",
            employee_number="1006",
            cost_center="CC-4200",
            manager="priya.raman" + m,
            groups=("Team Platform",),
        ),
        e(
            "sara.nilsson",
            "Sara",
            "Nilsson",
            "Office Manager",
            department="Operations",
            employee_number="1007",
            cost_center="CC-9000",
            manager="priya.raman" + m,
        ),
    ]


SAMPLE_MAPPING = {
    "person_key": "userName",
    "rules": [
        {
            "attribute": "title",
            "matches": r"(sr\.?|senior) software engineer",
            "role": "senior-engineer",
        },
        {
            "attribute": "title",
            "matches": r"sre( i+)?|site reliability engineer",
            "role": "senior-sre",
        },
    ],
    "match_role_titles": True,
    "team_groups": ["Team *"],
}
"""The role mapping that goes with :func:`sample_employees` (as a mapping file would say it)."""


__all__ = [
    "GROUP",
    "PATCH_OP",
    "SAMPLE_MAPPING",
    "Call",
    "Employee",
    "EntraProvisioner",
    "OktaProvisioner",
    "Provisioner",
    "sample_employees",
]
