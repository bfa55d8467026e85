"""Directory resources projected onto people: users become persons, groups become teams.

Called by :class:`~competency_scim.storage.DirectoryStorage` inside the transaction of
every write, so the people always agree with the directory:

* a user becomes (or updates) a :class:`~competency_core.people.Person`: its key is fixed
  when it first arrives (from the mapping's ``person_key``; a person already in the store
  with the same e-mail address and no directory entry is adopted instead of duplicated),
  its role comes from the :class:`~competency_scim.mapping.RoleMapper`, its manager is the
  person its Enterprise ``manager.value`` points at (resolved when that user arrives, in
  whichever order they come), its team is the first group it belongs to that matches the
  mapping;
* a role that cannot be mapped keeps the role the person already had (if any), and the
  person is reported as unmapped;
* the directory is the source of the manager: a user that no longer names one loses it
  (a person adopted from elsewhere keeps theirs until the directory names one);
* deleting a user keeps the person (assessments refer to it) with ``active: false`` and
  the date it was deprovisioned; ``active: false`` from the identity provider does the same
  without deleting anything;
* a group's members get their team again when the group's name or members change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from competency_core.errors import UnknownKeyError
from competency_core.people import Person
from competency_core.store import Store
from competency_core.store.directory import DirectoryEntryRow, DirectoryMemberRow
from competency_core.store.schema import PersonRow
from competency_scim.mapping import UNMAPPED, RoleMapper, ScimUser, email_of

log = logging.getLogger("competency_scim")

Entry = DirectoryEntryRow
Member = DirectoryMemberRow
USER = "User"
PERSON = cast(Table, PersonRow.__table__)
ENTRY = cast(Table, Entry.__table__)

# The statements of a user's creation, built once (Core, run on the session's connection)
_BY_EMAIL = select(PERSON.c.key).where(func.lower(PERSON.c.email) == bindparam("email")).limit(2)
_LINKED = (
    select(ENTRY.c.id)
    .where(ENTRY.c.person_key == bindparam("key"), ENTRY.c.id != bindparam("id"))
    .limit(1)
)
_PERSON_KEY = select(ENTRY.c.person_key).where(ENTRY.c.id == bindparam("id"))
_PERSON = select(PERSON).where(PERSON.c.key == bindparam("key"))
_REPORTED = select(ENTRY.c.id).where(ENTRY.c.manager_id == bindparam("id")).limit(1)


class Projection:
    """Keeps the people of the store in step with the directory (see the module docs)."""

    def __init__(self, store: Store, mapper: RoleMapper) -> None:
        self.store = store
        self.mapper = mapper

    @staticmethod
    def manager_id(data: Mapping[str, Any]) -> str | None:
        """The manager's id in a user's JSON (Enterprise ``manager.value``)."""
        return ScimUser(data).manager_id

    # -- events from the storage --------------------------------------------------------------
    def changed(
        self,
        s: Session,
        row: Entry,
        *,
        created: bool,
        members_before: set[str] | None = None,
        display_before: str | None = None,
    ) -> None:
        """A resource was created or replaced: update the people it concerns."""
        if row.resource_type == USER:
            self.project_user(s, row)
            if created:  # people who named this user as their manager before it arrived
                for report in s.scalars(select(Entry).where(Entry.manager_id == row.id)):
                    self.project_user(s, report)
            return
        after = {str(m) for m in self._member_values(row.data)}
        before = members_before or set()
        renamed = display_before is not None and display_before != row.data.get("displayName")
        self._reproject(s, (before | after) if renamed else (before ^ after))

    def arrived(
        self, s: Session, entry_id: str, resource_type: str, data: Mapping[str, Any]
    ) -> None:
        """A new resource is written (a user with its person): the other people it concerns.

        Users who named a new user as their manager before it arrived get it now; a new
        group's members get their team.
        """
        if resource_type == USER:
            if s.connection().execute(_REPORTED, {"id": entry_id}).first() is None:
                return  # (nearly always: nobody could name a new id before it was given)
            for report in list(s.scalars(select(Entry).where(Entry.manager_id == entry_id))):
                self.project_user(s, report)
            return
        self._reproject(s, set(self._member_values(data)))

    def deleted(self, s: Session, row: Entry, members: set[str]) -> None:
        """A resource was deleted (its rows are gone): deprovision a user, re-team members."""
        if row.resource_type == USER:
            if row.person_key:
                self._deprovision(row.person_key)
            return
        self._reproject(s, members)

    # -- users ---------------------------------------------------------------------------------
    def project_user(self, s: Session, row: Entry) -> Person:
        """Write the person a user row becomes; returns it."""
        person = self.user_person(
            s,
            row.id,
            row.data,
            person_key=row.person_key,
            manager_id=row.manager_id,
            groups=self._group_names(s, row.id),
        )
        self.write_person(person)
        if row.person_key != person.key:
            row.person_key = person.key
            s.flush()
        return person

    def user_person(
        self,
        s: Session,
        entry_id: str,
        data: Mapping[str, Any],
        *,
        person_key: str | None,
        manager_id: str | None,
        groups: tuple[str, ...],
    ) -> Person:
        """The person a user becomes (reads only; :meth:`write_person` writes it).

        ``person_key`` is the key the entry already became (None: a new one is found),
        ``groups`` the names of the groups the user is a direct member of.
        """
        user = ScimUser({**data, "id": entry_id}, groups=groups)
        key = person_key or self._new_key(s, user, entry_id)
        manager = None
        if manager_id:
            manager = s.connection().execute(_PERSON_KEY, {"id": manager_id}).scalar()
        person = self.mapper.person(user, key=key, manager=manager)
        existing = self._stored_person(s, key)
        if existing is not None:
            attributes = {**existing.attributes, **person.attributes}
            attributes.pop("deprovisioned", None)
            update: dict[str, Any] = {"attributes": attributes}
            if person.role is None and existing.role is not None:
                attributes["role_source"] += f" (kept the earlier role {existing.role})"
                update["role"] = existing.role
            if manager is None and manager_id is None and "scim_id" not in existing.attributes:
                update["manager"] = existing.manager  # adopted: the directory names no manager
            person = person.model_copy(update=update)
        if person.attributes.get("role_source", "").startswith(UNMAPPED):
            log.info("person %s: no role mapped (%s)", key, person.attributes["role_source"])
        return person

    def write_person(self, person: Person) -> None:
        """Write a person :meth:`user_person` gave (inserted, or updated by key)."""
        self.store.upsert_people([person])

    def _new_key(self, s: Session, user: ScimUser, entry_id: str) -> str:
        email = email_of(user.data, user.user_name)
        if email:
            found = s.connection().execute(_BY_EMAIL, {"email": email.lower()})
            owners = list(found.scalars())
            if len(owners) == 1 and not self._linked(s, owners[0], entry_id):
                return str(owners[0])
        key = self.mapper.key_for(user)
        if self._linked(s, key, entry_id):
            key = f"{key[:91].rstrip('-_.:/')}-{entry_id[:8]}"
        return key

    @staticmethod
    def _linked(s: Session, key: str, entry_id: str) -> bool:
        """Whether another directory entry already became the person ``key``."""
        found = s.connection().execute(_LINKED, {"key": key, "id": entry_id})
        return found.first() is not None

    @staticmethod
    def _stored_person(s: Session, key: str) -> Person | None:
        """The person ``key`` as the store holds it now (read in SQL, not the session's cache)."""
        row = s.connection().execute(_PERSON, {"key": key}).first()
        if row is None:
            return None
        return Person(
            key=row.key,
            name=row.name,
            email=row.email,
            role=row.role,
            department=row.department,
            team=row.team,
            manager=row.manager,
            job_level=row.job_level,
            attributes=row.attributes,
        )

    def _person(self, key: str) -> Person | None:
        try:
            return self.store.person(key)
        except UnknownKeyError:
            return None

    def _deprovision(self, key: str) -> None:
        person = self._person(key)
        if person is None:
            return
        attributes = {k: v for k, v in person.attributes.items() if k != "scim_id"}
        attributes["active"] = "false"
        attributes["deprovisioned"] = dt.date.today().isoformat()
        self.store.upsert_people([person.model_copy(update={"attributes": attributes})])

    # -- groups ---------------------------------------------------------------------------------
    @staticmethod
    def _member_values(data: Mapping[str, Any]) -> list[str]:
        return [
            str(m["value"])
            for m in data.get("members") or []
            if isinstance(m, Mapping) and m.get("value")
        ]

    @staticmethod
    def _group_names(s: Session, member_id: str) -> tuple[str, ...]:
        rows = s.scalars(
            select(Entry.data)
            .join(Member, Member.group_id == Entry.id)
            .where(Member.member_id == member_id)
        )
        return tuple(str(d["displayName"]) for d in rows if d.get("displayName"))

    def reproject_all(self) -> int:
        """Project every directory user again (after the mapping changed); returns how many."""
        done = 0
        with self.store.transaction() as s:
            for row in list(s.scalars(select(Entry).where(Entry.resource_type == USER))):
                self.project_user(s, row)
                done += 1
        return done

    def _reproject(self, s: Session, ids: set[str]) -> None:
        if not ids:
            return
        users = s.scalars(select(Entry).where(Entry.id.in_(ids), Entry.resource_type == USER))
        for row in list(users):
            self.project_user(s, row)


def directory_counts(store: Store) -> dict[str, int]:
    """How many resources of each type the directory holds (``{"User": 12, "Group": 3}``)."""
    with store.transaction() as s:
        rows = s.execute(select(Entry.resource_type, func.count()).group_by(Entry.resource_type))
        return {str(name): int(n) for name, n in rows}


__all__ = ["Projection", "directory_counts"]
