"""The ``scim`` adapter: pull people from any SCIM 2.0 service, push role and learning groups.

* ``pull-people``: Users (core and Enterprise User) become people, streamed page by page;
  roles come from the role mapping (:mod:`competency_scim.mapping`: a mapping file, or a
  ``role_titles`` setting title -> role), and the people it cannot map are noted.
* ``push-people``: one group per role profile, members the people holding it (with
  ``provision_users``, the users themselves too; with ``write_attributes``, the role on
  each user through a custom extension schema, when the service announces it);
* ``assign-learning``: one group per learning resource, members the people assigned it;
* ``push-ratings`` (with ``write_attributes``): each person's latest rated level per
  competency on their user, in the extension.

Writes go through the sync engine's plan and apply: memberships are changed with PATCH
add/remove of single members, with ``If-Match`` when the service has ETags; a re-run with
nothing to do sends no write; nothing is deleted unless the plan prunes, and only objects
carrying the adapter's own ``externalId`` prefix are ever touched. See docs/adapters/scim.md.

This module wires the pieces together: the settings (:mod:`competency_scim.settings`), the
client (:mod:`competency_scim.client`), the role mapping (:mod:`competency_scim.mapping`),
and what is written: users and role groups (:mod:`competency_scim.people`), learning groups
(:mod:`competency_scim.learning`) and the attribute extension (:mod:`competency_scim.ratings`),
on what they share (:mod:`competency_scim.managed`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pydantic import JsonValue

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, LearningAssignment, Person
from competency_core.sync import (
    Adapter,
    AdapterSettings,
    Capability,
    Change,
    LocalObject,
    ObjectRef,
    Plan,
    RemoteIds,
    RemoteObject,
    Renames,
    Scope,
)
from competency_scim.client import Filter, ScimClient
from competency_scim.errors import ScimConflictError, ScimNotFoundError
from competency_scim.learning import learning_members
from competency_scim.managed import (
    LEARNING_GROUP,
    ROLE_GROUP,
    USER,
    USER_ATTRIBUTES,
    external_id,
    group_data,
    group_data_of,
    group_resource,
    key_from_external_id,
    local,
    member_operations,
    user_ref,
)
from competency_scim.mapping import RoleMapper, RoleMapping, RoleRule, ScimUser
from competency_scim.people import (
    role_members,
    user_data,
    user_data_of,
    user_operations,
    user_resource,
)
from competency_scim.ratings import (
    attribute_data,
    attribute_data_of,
    attribute_operations,
    latest_levels,
)
from competency_scim.settings import ScimSettings

log = logging.getLogger("competency_scim")

UNMAPPED_KEPT = 100
"""How many people without a role a pull keeps as examples (the rest are counted)."""

_WRITE_SCOPES = {
    Capability.PUSH_PEOPLE: (ROLE_GROUP,),
    Capability.ASSIGN_LEARNING: (LEARNING_GROUP,),
    Capability.PUSH_RATINGS: (),
}


class ScimAdapter(Adapter[ScimSettings]):
    """Any SCIM 2.0 service: people pulled from Users; role and learning groups pushed."""

    name: ClassVar[str] = "scim"
    title: ClassVar[str] = (
        "SCIM 2.0 services (HRIS, identity providers, LMSs): people in, role/learning groups out"
    )
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.PULL_PEOPLE,
            Capability.PUSH_PEOPLE,
            Capability.ASSIGN_LEARNING,
            Capability.PUSH_RATINGS,
        }
    )
    settings_model: ClassVar[type[AdapterSettings]] = ScimSettings
    flush_every: ClassVar[int | None] = 1

    def __init__(self, settings: ScimSettings, *, client: ScimClient | None = None) -> None:
        super().__init__(settings)
        self._client = client
        self.notes: list[str] = []
        self.unmapped: list[Person] = []  # the first UNMAPPED_KEPT people without a role
        self.unmapped_count = 0
        self.pulled = 0
        self._ids: dict[str, str] = {}  # person key -> user id
        self._keys: dict[str, str] = {}  # user id -> person key
        self._users: dict[str, dict[str, Any]] = {}  # person key -> user (managed parts)
        self._fresh = False
        self._extension: bool | None = None
        self._mapper: RoleMapper | None = None
        self._renamed: dict[str, dict[str, str]] = {}  # group kind -> old key -> new key
        self._model: CompetencyModel | None = None

    @property
    def target(self) -> str:
        """The service's URL."""
        return self.settings.url

    @property
    def client(self) -> ScimClient:
        """The SCIM client (made on first use)."""
        if self._client is None:
            s = self.settings
            self._client = ScimClient(
                s.url,
                s.token,
                timeout=(min(10.0, s.timeout), s.timeout),
                retries=s.retries,
                page_size=s.page_size,
                paging=s.paging,
                token_hint="the token setting, --token-env or COMPETENCY_SCIM_TOKEN",
            )
            self._client.on_fallback = self._fell_back
        return self._client

    def _fell_back(self, message: str) -> None:
        """A filter was refused: tell the pull's summary and the next plan."""
        self.notes.append(message)
        self.warn(message)

    # -- people: who is who ------------------------------------------------------------
    def mapper(self) -> RoleMapper:
        """The role mapper of the settings (a mapping file, else ``role_titles``), read once."""
        if self._mapper is None:
            self._mapper = self._make_mapper()
        return self._mapper

    def _make_mapper(self) -> RoleMapper:
        s = self.settings
        if s.mapping_file is not None:
            mapping = RoleMapping.load(s.mapping_file)
        else:
            rules = tuple(
                RoleRule(attribute="title", equals=t, role=r) for t, r in s.role_titles.items()
            )
            mapping = RoleMapping(rules=rules, match_role_titles=s.model_file is not None)
        model = None
        if s.model_file is not None:
            from competency_core.io import load_model

            model = load_model(s.model_file)
        return RoleMapper(mapping=mapping, model=model)

    def key_of(self, user: dict[str, Any], mapper: RoleMapper) -> str:
        """The person key of a user: ours from its externalId, else by the mapping."""
        own = key_from_external_id(self.settings.prefix, USER, user.get("externalId"))
        return own or mapper.key_for(ScimUser(user))

    def _index_users(self, *, planning: bool = False) -> None:
        """Read every user: person key <-> id, and the managed attributes.

        ``planning``: note users left out in the plan being made.
        """
        mapper = self.mapper()
        self._ids.clear()
        self._keys.clear()
        self._users.clear()
        clashes: list[str] = []
        for user in self.client.users():
            uid = str(user.get("id") or "")
            if not uid:
                continue
            try:
                key = self.key_of(user, mapper)
            except ValueError:
                continue
            if key in self._ids:
                clashes.append(key)
                continue
            self._ids[key] = uid
            self._keys[uid] = key
            kept: dict[str, Any] = {"externalId": user.get("externalId")}
            if self.settings.provision_users:
                kept["data"] = user_data_of(user)
            if self.settings.write_attributes:
                kept["attributes"] = attribute_data_of(user, self.settings.extension_schema)
            self._users[key] = kept
        if clashes and planning:
            self.warn(
                f"{len(clashes)} user(s) share a person key with another user and are left "
                f"out: {', '.join(sorted(clashes)[:10])}"
            )
        self._fresh = True

    def _fresh_index(self) -> None:
        if not self._fresh:
            self._index_users()

    def _extension_ok(self) -> bool:
        if not self.settings.write_attributes:
            return False
        if self._extension is None:
            self._extension = self.settings.extension_schema in self.client.schema_ids()
            if not self._extension:
                self.warn(
                    f"the service does not announce {self.settings.extension_schema} in "
                    "/Schemas: role and competency attributes are not written"
                )
        return self._extension

    def _exists(self, key: str) -> bool:
        return key in self._ids or self.settings.provision_users

    def _depends(self, keys: Iterable[str]) -> list[Any]:
        if not self.settings.provision_users:
            return []
        return [user_ref(k) for k in sorted(set(keys))]

    def _left_out(self, missing: set[str], what: str) -> None:
        if missing:
            shown = ", ".join(sorted(missing)[:10]) + (" ..." if len(missing) > 10 else "")
            self.warn(
                f"{len(missing)} person(s) have no user in the service and are left out of "
                f"{what}: {shown} (set provision_users to create them)"
            )

    # -- local objects -----------------------------------------------------------------
    def use_workforce(self, people: Iterable[Person], model: CompetencyModel | None) -> None:
        """Take the model the people belong to: every role profile gets a group, titled.

        Without a model, only the roles people hold get groups, named by key.
        """
        self._model = model

    def _role_titles(self) -> dict[str, str]:
        model = self._model
        return {r.key: model.text(r.title) or r.key for r in model.roles} if model else {}

    def _groups(
        self,
        kind: str,
        template: str,
        members: dict[str, list[str]],
        what: str,
        titles: dict[str, str] | None = None,
    ) -> Iterator[LocalObject]:
        missing: set[str] = set()
        titles = titles or {}
        existing = {o.key for o in self._read_groups(kind)}
        moving = self._renamed.get(kind, {})
        wanted = members.keys() | titles.keys()
        # a group renamed in place is not kept (emptied) under its old key as well
        existing = {k for k in existing if k not in moving or moving[k] not in wanted}
        for key in sorted(members.keys() | existing | titles.keys()):
            keys = members.get(key, [])
            missing |= {k for k in keys if not self._exists(k)}
            held = [k for k in keys if self._exists(k)]
            name = template.format(key=key, title=titles.get(key, key))
            yield local(kind, key, group_data(name, held), self._depends(held))
        self._left_out(missing, what)

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        """Users (with provision_users), role attributes (write_attributes), role groups."""
        self._index_users(planning=True)
        everyone = list(people)
        if self.settings.provision_users:
            for p in everyone:
                yield local(USER, p.key, user_data(p))
        if self._extension_ok():
            for p in everyone:
                if self._exists(p.key):
                    old = self._users.get(p.key, {}).get("attributes") or {}
                    data = attribute_data(p.role, old.get("competencies") or [])
                    yield local(USER_ATTRIBUTES, p.key, data, self._depends([p.key]))
        titles = self._role_titles()
        holders = role_members(everyone)
        unknown = sorted(r for r in holders if titles and r not in titles)
        if unknown:
            self.warn(
                f"role(s) not in the model {self._model.key if self._model else ''}: "
                f"{', '.join(unknown[:10])} (their groups are named by key)"
            )
        yield from self._groups(
            ROLE_GROUP, self.settings.role_group_name, holders, "role groups", titles
        )

    def assignment_objects(
        self, assignments: Iterable[LearningAssignment]
    ) -> Iterable[LocalObject]:
        """One learning group per learning resource."""
        self._index_users(planning=True)
        yield from self._groups(
            LEARNING_GROUP,
            self.settings.learning_group_name,
            learning_members(assignments),
            "learning groups",
        )

    def rating_objects(self, assessments: Iterable[Assessment]) -> Iterable[LocalObject]:
        """Each person's latest level per competency, on their user (write_attributes)."""
        self._index_users(planning=True)
        if not self._extension_ok():
            if not self.settings.write_attributes:
                self.warn("set write_attributes to write competencies to users: nothing to do")
            return
        missing: set[str] = set()
        for person, levels in sorted(latest_levels(assessments).items()):
            if person not in self._ids:
                missing.add(person)
                continue
            old = self._users.get(person, {}).get("attributes") or {}
            data = attribute_data(old.get("role"), levels)
            yield local(USER_ATTRIBUTES, person, data)
        self._left_out(missing, "competency attributes")

    # -- renames -------------------------------------------------------------------------
    def object_renames(self, scope: Scope, renames: Renames) -> dict[ObjectRef, str]:
        """Renamed roles (with people) and learning resources (with learning): their groups.

        The group keeps its id and members; a PATCH gives it the new ``externalId`` and
        display name. Competency renames do not reach groups (the ``competencies``
        attribute on users is rewritten from the ratings as they are).
        """
        self._renamed = {}
        if scope.operation is Capability.PUSH_PEOPLE and renames.roles:
            self._renamed[ROLE_GROUP] = dict(renames.roles)
        if scope.operation is Capability.ASSIGN_LEARNING and renames.learning_resources:
            self._renamed[LEARNING_GROUP] = dict(renames.learning_resources)
        return {
            ObjectRef(kind=kind, key=old): new
            for kind, moves in self._renamed.items()
            for old, new in moves.items()
        }

    # -- the remote side -----------------------------------------------------------------
    def _read_groups(self, kind: str) -> Iterator[RemoteObject]:
        prefix = external_id(self.settings.prefix, kind, "")
        for g in self.client.groups(
            where=Filter.starts_with("externalId", prefix),
            attributes=("displayName", "externalId", "members"),
        ):
            key = key_from_external_id(self.settings.prefix, kind, g.get("externalId"))
            if key is None or not g.get("id"):
                continue
            yield RemoteObject(
                kind=kind,
                key=key,
                remote_id=str(g["id"]),
                data=group_data_of(g, self._keys),
            )

    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        """The managed users, user attributes and groups of the scope."""
        self.require(scope.operation)
        if scope.operation not in _WRITE_SCOPES:
            raise SyncError(f"the scim adapter does not write {scope.operation.value}")
        self._fresh_index()
        self._fresh = False  # the next read (apply's freshness check) reads again
        users = scope.operation is Capability.PUSH_PEOPLE and self.settings.provision_users
        attributes = scope.operation in (Capability.PUSH_PEOPLE, Capability.PUSH_RATINGS)
        attributes = attributes and self._extension_ok()
        for key, user in sorted(self._users.items()):
            if users and key_from_external_id(self.settings.prefix, USER, user.get("externalId")):
                yield RemoteObject(kind=USER, key=key, remote_id=self._ids[key], data=user["data"])
            if attributes and user.get("attributes") is not None:
                data = dict(user["attributes"])
                yield RemoteObject(
                    kind=USER_ATTRIBUTES, key=key, remote_id=self._ids[key], data=data
                )
        for kind in _WRITE_SCOPES[scope.operation]:
            yield from self._read_groups(kind)

    def begin(self, plan: Plan) -> None:
        """Note the users that exist now (the apply's freshness check read them)."""
        if not self._ids:
            self._index_users()

    def _member_ids(self, keys: Iterable[JsonValue], ids: RemoteIds) -> list[str]:
        out: list[str] = []
        for k in keys:
            key = str(k)
            uid = ids.get(user_ref(key)) or self._ids.get(key)
            if uid is None:
                raise SyncError(
                    f"{key} has no user in the service {self.target}: plan again "
                    "(or set provision_users to create users)"
                )
            out.append(uid)
        return out

    def create(self, change: Change, ids: RemoteIds) -> str:
        """Create a user or a group; adopt one of the same name that someone else made."""
        data = change.data or {}
        c = self.client
        if change.kind == USER:
            try:
                created = c.create("Users", user_resource(self.settings.prefix, change.key, data))
            except ScimConflictError:
                found = c.find_one("Users", Filter.equals("userName", str(data["userName"])))
                if found is None:
                    raise
                uid = str(found["id"])
                self._update_user(uid, change, user_data_of(found), adopt=True)
                created = found
            uid = str(created["id"])
            self._ids[change.key], self._keys[uid] = uid, change.key
            return uid
        if change.kind == USER_ATTRIBUTES:
            found_id = ids.get(user_ref(change.key)) or self._ids.get(change.key)
            if found_id is None:
                raise SyncError(f"{change.key} has no user in the service {self.target}")
            self.update(change, found_id, ids)
            return found_id
        name = str(data["displayName"])
        external = external_id(self.settings.prefix, change.kind, change.key)
        members = self._member_ids(data.get("members") or [], ids)  # type: ignore[arg-type]
        try:
            return str(c.create("Groups", group_resource(external, name, members))["id"])
        except ScimConflictError:
            found = c.find_one("Groups", Filter.equals("displayName", name))
            if found is None or found.get("externalId") not in (None, "", external):
                raise
            gid = str(found["id"])
            c.patch("Groups", gid, [{"op": "replace", "path": "externalId", "value": external}])
            self.update(change, gid, ids)
            return gid

    def _update_user(
        self, uid: str, change: Change, old: dict[str, JsonValue] | None, *, adopt: bool = False
    ) -> None:
        ops = user_operations(old, change.data or {})
        if adopt:
            external = external_id(self.settings.prefix, USER, change.key)
            ops.append({"op": "replace", "path": "externalId", "value": external})
        self.client.patch("Users", uid, ops)

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        """Change a user's attributes or a group's name and members (PATCH, If-Match)."""
        c = self.client
        data = change.data or {}
        if change.kind == USER:
            current, version = c.get("Users", remote_id)
            ops = user_operations(user_data_of(current), data)
            c.patch("Users", remote_id, ops, version=version)
            return
        if change.kind == USER_ATTRIBUTES:
            schema = self.settings.extension_schema
            c.patch("Users", remote_id, attribute_operations(schema, data))
            return
        current, version = c.get("Groups", remote_id, attributes=("displayName", "members"))
        wanted = self._member_ids(data.get("members") or [], ids)  # type: ignore[arg-type]
        ops = member_operations(current, str(data["displayName"]), wanted)
        if change.old_key is not None:  # renamed: the same group (id, members) under the new key
            external = external_id(self.settings.prefix, change.kind, change.key)
            ops.insert(0, {"op": "replace", "path": "externalId", "value": external})
        c.patch("Groups", remote_id, ops, version=version)

    def delete(self, change: Change, remote_id: str) -> None:
        """Delete a managed group or user (only with pruning); clear user attributes."""
        if change.kind == USER_ATTRIBUTES:
            ops = attribute_operations(self.settings.extension_schema, {})
            with contextlib.suppress(ScimNotFoundError):
                self.client.patch("Users", remote_id, ops)
            return
        self.client.delete("Users" if change.kind == USER else "Groups", remote_id)

    # -- reads -------------------------------------------------------------------------
    def pull_people(self) -> Iterator[Person]:
        """Stream the users as people (active only unless ``active_only`` is off).

        Afterwards ``pulled`` counts them, ``unmapped_count`` those without a role (the
        first :data:`UNMAPPED_KEPT` are in ``unmapped``), and ``notes`` says what to know.
        """
        s = self.settings
        mapper = self.mapper()
        keys: dict[str, str] = {}
        self.pulled = 0
        self.unmapped.clear()
        self.unmapped_count = 0
        for user in self.client.users(
            active=True if s.active_only else None, modified_since=s.modified_since
        ):
            try:
                key = self.key_of(user, mapper)
            except ValueError:
                self.notes.append(f"user {user.get('id')!r} has no userName or id: skipped")
                continue
            if user.get("id"):
                keys[str(user["id"])] = key
            groups = tuple(
                str(g.get("display"))
                for g in user.get("groups") or ()
                if isinstance(g, dict) and g.get("display")
            )
            scim_user = ScimUser(user, groups)
            manager = self._manager_key(scim_user, keys, mapper)
            person = mapper.person(scim_user, key=key, manager=manager)
            self.pulled += 1
            if person.role is None:
                self.unmapped_count += 1
                if len(self.unmapped) < UNMAPPED_KEPT:  # a stream keeps no more than this
                    self.unmapped.append(person)
            yield person
        if self.unmapped_count:
            shown = ", ".join(
                f"{p.key} ({p.attributes.get('title') or 'no title'})" for p in self.unmapped[:5]
            )
            self.notes.append(
                f"{self.unmapped_count} of {self.pulled} people have no role: {shown}"
                + (" ..." if self.unmapped_count > 5 else "")
                + "; add rules to the role mapping"
            )

    def _manager_key(self, user: ScimUser, keys: dict[str, str], mapper: RoleMapper) -> str | None:
        mid = user.manager_id
        if not mid:
            return None
        if mid not in keys:
            try:
                found, _ = self.client.get("Users", mid, attributes=("userName", "externalId"))
                keys[mid] = self.key_of(found, mapper)
            except (ScimNotFoundError, ValueError):
                self.notes.append(f"the manager {mid!r} of {user.user_name} is not a user")
                keys[mid] = ""
        return keys[mid] or None


__all__ = ["ScimAdapter"]
