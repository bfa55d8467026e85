"""What the ``scim`` adapter's objects share: their kinds, ``externalId`` and groups.

Every object the adapter manages carries an ``externalId`` of its own,
``<prefix>:<kind>:<key>`` (RFC 7643 §3.1: the identifier "as defined by the provisioning
client"), so it finds its groups again whatever their display name became, and never
touches groups or users that someone else made. The kinds:

* ``user`` (only with ``provision_users``): a user per person (:mod:`competency_scim.people`);
* ``role-group``: one group per role profile, members the people holding the role
  (:mod:`competency_scim.people`);
* ``learning-group``: one group per learning resource, members the people assigned it
  (:mod:`competency_scim.learning`);
* ``user-attributes`` (only with ``write_attributes``): the person's role and rated
  competencies on their user, in a custom extension (:mod:`competency_scim.ratings`).

Role and learning groups have the same shape, built here: a display name and the
members' person keys, written with PATCH operations adding and removing single members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import JsonValue

from competency_core.sync import LocalObject, ObjectRef
from competency_scim.client import CORE_GROUP

USER = "user"
ROLE_GROUP = "role-group"
LEARNING_GROUP = "learning-group"
USER_ATTRIBUTES = "user-attributes"
GROUP_KINDS = (ROLE_GROUP, LEARNING_GROUP)


def external_id(prefix: str, kind: str, key: str) -> str:
    """The ``externalId`` of a managed object."""
    return f"{prefix}:{'person' if kind == USER else kind}:{key}"


def key_from_external_id(prefix: str, kind: str, value: Any) -> str | None:
    """The local key in a managed object's ``externalId`` (None if not ours)."""
    head = f"{prefix}:{'person' if kind == USER else kind}:"
    if isinstance(value, str) and value.startswith(head) and len(value) > len(head):
        return value[len(head) :]
    return None


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


def user_ref(key: str) -> ObjectRef:
    """The reference of a person's user object."""
    return ObjectRef(kind=USER, key=key)


def local(
    kind: str, key: str, data: dict[str, JsonValue], depends: Iterable[ObjectRef] = ()
) -> LocalObject:
    """A local object of the adapter."""
    return LocalObject(kind=kind, key=key, data=data, depends_on=tuple(depends))


__all__ = [
    "GROUP_KINDS",
    "LEARNING_GROUP",
    "ROLE_GROUP",
    "USER",
    "USER_ATTRIBUTES",
    "external_id",
    "group_data",
    "group_data_of",
    "group_resource",
    "key_from_external_id",
    "local",
    "member_operations",
    "user_ref",
]
