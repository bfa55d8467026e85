"""People in a SCIM service: users (with ``provision_users``) and one group per role.

* ``user``: a user per person, for services that take their users from competency-core
  (an LMS without an identity provider): its ``userName`` (the person's key), display
  name, work e-mail and department (Enterprise User), and the PATCH operations that change
  them;
* ``role-group``: one group per role profile, members the people holding the role (the
  group's shape is :mod:`competency_scim.managed`'s).

The person's role on their user (with ``write_attributes``) is written in the extension of
:mod:`competency_scim.ratings`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import JsonValue

from competency_core.people import Person
from competency_scim.client import CORE_USER, ENTERPRISE_USER
from competency_scim.managed import USER, external_id


def user_data(person: Person) -> dict[str, JsonValue]:
    """The attributes of a person's user that the adapter manages."""
    return {
        "userName": person.key,
        "displayName": person.name,
        "email": person.email,
        "department": person.department,
    }


def user_data_of(resource: Mapping[str, Any]) -> dict[str, JsonValue]:
    """The managed attributes of a SCIM user resource, in :func:`user_data`'s shape."""
    emails = resource.get("emails")
    email = None
    if isinstance(emails, list):
        values = [e for e in emails if isinstance(e, dict) and e.get("value")]
        primary = [e for e in values if e.get("primary") in (True, "true", "True")]
        email = str((primary or values or [{"value": None}])[0]["value"]) if values else None
    enterprise = resource.get(ENTERPRISE_USER)
    department = enterprise.get("department") if isinstance(enterprise, dict) else None
    return {
        "userName": str(resource.get("userName") or ""),
        "displayName": resource.get("displayName"),
        "email": email,
        "department": department,
    }


def user_resource(prefix: str, key: str, data: Mapping[str, JsonValue]) -> dict[str, Any]:
    """A new user resource for :func:`user_data`."""
    body: dict[str, Any] = {
        "schemas": [CORE_USER],
        "userName": data["userName"],
        "externalId": external_id(prefix, USER, key),
        "active": True,
    }
    if data.get("displayName"):
        body["displayName"] = data["displayName"]
    if data.get("email"):
        body["emails"] = [{"value": data["email"], "type": "work", "primary": True}]
    if data.get("department"):
        body["schemas"].append(ENTERPRISE_USER)
        body[ENTERPRISE_USER] = {"department": data["department"]}
    return body


def user_operations(
    old: Mapping[str, JsonValue] | None, new: Mapping[str, JsonValue]
) -> list[dict[str, Any]]:
    """PATCH operations turning a user's managed attributes from ``old`` into ``new``."""
    old = old or {}
    ops: list[dict[str, Any]] = []
    for name, path in (
        ("userName", "userName"),
        ("displayName", "displayName"),
        ("department", f"{ENTERPRISE_USER}:department"),
    ):
        if old.get(name) != new.get(name):
            value = new.get(name)
            ops.append(
                {"op": "replace", "path": path, "value": value}
                if value
                else {"op": "remove", "path": path}
            )
    if old.get("email") != new.get("email"):
        value = new.get("email")
        ops.append(
            {
                "op": "replace",
                "path": "emails",
                "value": [{"value": value, "type": "work", "primary": True}] if value else [],
            }
        )
    return ops


def role_members(people: Iterable[Person]) -> dict[str, list[str]]:
    """Person keys by role."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in people:
        if p.role:
            out[p.role].append(p.key)
    return out


__all__ = [
    "role_members",
    "user_data",
    "user_data_of",
    "user_operations",
    "user_resource",
]
