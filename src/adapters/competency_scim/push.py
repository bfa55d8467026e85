"""What the ``scim`` adapter writes: users, role and learning groups, extension attributes.

Every object it manages carries an ``externalId`` of its own, ``<prefix>:<kind>:<key>``
(RFC 7643 §3.1: the identifier "as defined by the provisioning client"), so it finds its
groups again whatever their display name became, and never touches groups or users that
someone else made:

* ``role-group``: one group per role profile, members the people holding the role;
* ``learning-group``: one group per learning resource, members the people assigned it
  (not cancelled): the way LMSs take enrolments from an identity provider;
* ``user`` (only with ``provision_users``): a user per person, for services that take
  their users from competency-core (an LMS without an identity provider);
* ``user-attributes`` (only with ``write_attributes``, when the service announces the
  extension schema in ``/Schemas``): the person's role and rated competencies on their
  user, in a custom extension.

The functions here turn local data into the plain-JSON shape the plan compares, and SCIM
resources back into the same shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import JsonValue

from competency_core.people import Assessment, AssignmentStatus, LearningAssignment, Person
from competency_core.sync import LocalObject, ObjectRef
from competency_scim.client import CORE_GROUP, CORE_USER, ENTERPRISE_USER

USER = "user"
ROLE_GROUP = "role-group"
LEARNING_GROUP = "learning-group"
USER_ATTRIBUTES = "user-attributes"
GROUP_KINDS = (ROLE_GROUP, LEARNING_GROUP)

EXTENSION = "urn:competency-core:params:scim:schemas:extension:competency:2.0:User"
"""The default extension schema of role and competency attributes on users."""


def external_id(prefix: str, kind: str, key: str) -> str:
    """The ``externalId`` of a managed object."""
    return f"{prefix}:{'person' if kind == USER else kind}:{key}"


def key_from_external_id(prefix: str, kind: str, value: Any) -> str | None:
    """The local key in a managed object's ``externalId`` (None if not ours)."""
    head = f"{prefix}:{'person' if kind == USER else kind}:"
    if isinstance(value, str) and value.startswith(head) and len(value) > len(head):
        return value[len(head) :]
    return None


# -- users ------------------------------------------------------------------------------------


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


# -- groups -----------------------------------------------------------------------------------


def group_data(name: str, members: Iterable[str]) -> dict[str, JsonValue]:
    """A managed group's content: its display name and its members' person keys, sorted."""
    keys: list[JsonValue] = [*sorted(set(members))]
    return {"displayName": name, "members": keys}


def group_data_of(resource: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, JsonValue]:
    """A group resource in :func:`group_data`'s shape.

    Members are the person keys of the users in ``keys`` (user id -> key); a member the
    adapter cannot name shows as ``?<id>``, so the plan says it will be removed. Nested
    groups are left alone.
    """
    members: list[str] = []
    for m in resource.get("members") or ():
        if not isinstance(m, dict) or not m.get("value"):
            continue
        if str(m.get("type") or "User").casefold() == "group":
            continue
        value = str(m["value"])
        members.append(keys.get(value, f"?{value}"))
    return group_data(str(resource.get("displayName") or ""), members)


def group_resource(external: str, name: str, member_ids: Iterable[str]) -> dict[str, Any]:
    """A new group resource."""
    return {
        "schemas": [CORE_GROUP],
        "displayName": name,
        "externalId": external,
        "members": [{"value": i, "type": "User"} for i in sorted(set(member_ids))],
    }


def member_operations(
    current: Mapping[str, Any], name: str, wanted_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """PATCH operations making a group resource hold ``name`` and exactly ``wanted_ids``.

    Memberships are added and removed one by one (never a replace of the whole list, which
    would race with an identity provider changing the same group); nested groups stay.
    """
    have = {
        str(m["value"])
        for m in current.get("members") or ()
        if isinstance(m, dict)
        and m.get("value")
        and str(m.get("type") or "User").casefold() != "group"
    }
    want = set(wanted_ids)
    ops: list[dict[str, Any]] = []
    if current.get("displayName") != name:
        ops.append({"op": "replace", "path": "displayName", "value": name})
    add = sorted(want - have)
    if add:
        ops.append({"op": "add", "path": "members", "value": [{"value": i} for i in add]})
    for i in sorted(have - want):
        ops.append({"op": "remove", "path": f'members[value eq "{i}"]'})
    return ops


def role_members(people: Iterable[Person]) -> dict[str, list[str]]:
    """Person keys by role."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in people:
        if p.role:
            out[p.role].append(p.key)
    return out


def learning_members(assignments: Iterable[LearningAssignment]) -> dict[str, list[str]]:
    """Person keys by learning resource (cancelled assignments left out)."""
    out: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        out.setdefault(a.resource, [])
        if a.status is not AssignmentStatus.CANCELLED:
            out[a.resource].append(a.person)
    return out


# -- extension attributes ----------------------------------------------------------------------


def attribute_data(role: str | None, competencies: Iterable[str] = ()) -> dict[str, JsonValue]:
    """The extension attributes of a user: role and ``competency:level`` values, sorted."""
    values: list[JsonValue] = [*sorted(set(competencies))]
    return {"role": role, "competencies": values}


def attribute_data_of(resource: Mapping[str, Any], schema: str) -> dict[str, JsonValue] | None:
    """A user's extension attributes, or None when the user has none."""
    ext = resource.get(schema)
    if not isinstance(ext, dict) or not (ext.get("role") or ext.get("competencies")):
        return None
    values = ext.get("competencies") or []
    return attribute_data(
        str(ext["role"]) if ext.get("role") else None,
        [str(v) for v in values] if isinstance(values, list) else [str(values)],
    )


def attribute_operations(schema: str, data: Mapping[str, JsonValue]) -> list[dict[str, Any]]:
    """PATCH operations writing the extension attributes (absent values removed)."""
    ops: list[dict[str, Any]] = []
    for name in ("role", "competencies"):
        value = data.get(name)
        path = f"{schema}:{name}"
        ops.append(
            {"op": "replace", "path": path, "value": value}
            if value
            else {"op": "remove", "path": path}
        )
    return ops


def latest_levels(assessments: Iterable[Assessment]) -> dict[str, list[str]]:
    """``competency:level`` of each person's latest assessment per competency."""
    latest: dict[tuple[str, str], Assessment] = {}
    for a in assessments:
        k = (a.person, a.competency)
        if k not in latest or a.date >= latest[k].date:
            latest[k] = a
    out: dict[str, list[str]] = defaultdict(list)
    for (person, competency), a in sorted(latest.items()):
        out[person].append(f"{competency}:{a.level}")
    return out


def user_ref(key: str) -> ObjectRef:
    """The reference of a person's user object."""
    return ObjectRef(kind=USER, key=key)


def local(
    kind: str, key: str, data: dict[str, JsonValue], depends: Iterable[ObjectRef] = ()
) -> LocalObject:
    """A local object of the adapter."""
    return LocalObject(kind=kind, key=key, data=data, depends_on=tuple(depends))


__all__ = [
    "EXTENSION",
    "GROUP_KINDS",
    "LEARNING_GROUP",
    "ROLE_GROUP",
    "USER",
    "USER_ATTRIBUTES",
    "attribute_data",
    "attribute_data_of",
    "attribute_operations",
    "external_id",
    "group_data",
    "group_data_of",
    "group_resource",
    "key_from_external_id",
    "latest_levels",
    "learning_members",
    "local",
    "member_operations",
    "role_members",
    "user_data",
    "user_data_of",
    "user_operations",
    "user_ref",
    "user_resource",
]
