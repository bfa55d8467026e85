"""The SCIM service's storage: scim2-server's ``ScimStorage`` on competency-core's store.

scim2-server handles the protocol (validation, PATCH, filters, ETags, responses) and calls
a storage to read and write resources. :class:`DirectoryStorage` keeps them in the store's
directory tables (:mod:`competency_core.store.directory`), in the store's transaction, and
projects every change onto people (:mod:`competency_scim.projection`): a user becomes a
:class:`~competency_core.people.Person` with a role from the mapping, a group gives its
members their team.

Searches that compare ``userName``, ``externalId``, ``displayName`` or ``id`` with ``eq``,
or ``meta.lastModified`` with an order, are narrowed in SQL first; unfiltered pages are
read with ``LIMIT``/``OFFSET``. Other filters are evaluated by scim2-models on the
resources of the type, so they mean exactly what RFC 7644 says.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import cache
from typing import Any, Union, cast

from scim2_models import (
    Meta,
    NotFoundException,
    Path,
    PreconditionFailedException,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimFilter,
    ScimProvider,
    SearchRequest,
    UniquenessException,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_models.path.expressions import LogicalExpr, LogicalOperator
from scim2_server.storage import ScimStorage, SearchPage
from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competency_core.store import Store
from competency_core.store.core import utc
from competency_core.store.directory import DirectoryEntryRow, DirectoryMemberRow
from competency_scim.mapping import RoleMapper
from competency_scim.projection import USER, Projection

Entry = DirectoryEntryRow
Member = DirectoryMemberRow
ENTRY = cast(Table, Entry.__table__)
MEMBER = cast(Table, Member.__table__)
# statements of a creation, built once (Core, run on the session's connection)
_INSERT_ENTRY = insert(ENTRY)
_TAKEN = (
    select(ENTRY.c.id)
    .where(ENTRY.c.resource_type == bindparam("type"), ENTRY.c.user_name_key == bindparam("key"))
    .limit(1)
)
_GROUPS_OF_ONE = (
    select(ENTRY.c.id, ENTRY.c.data)
    .join(MEMBER, ENTRY.c.id == MEMBER.c.group_id)
    .where(MEMBER.c.member_id == bindparam("id"))
    .order_by(ENTRY.c.id)
)

_DROPPED = ("id", "meta", "password", "groups")  # never kept: assigned, secret or computed
_LOOKUPS = {
    "user_name": "user_name_key",
    "external_id": "external_id",
    "display_name": "display_key",
}
_ORDER = {
    CompareOperator.gt: "__ge__",  # narrowed loosely: the filter itself decides
    CompareOperator.ge: "__ge__",
    CompareOperator.lt: "__le__",
    CompareOperator.le: "__le__",
}
_MAX_NARROWING = 8  # conditions of a filter given to SQL (the filter decides the rest)
ANALYZE_FIRST = 100
"""PostgreSQL: creations after which the directory's tables are analyzed (then twice as many).

A lookup planned while a table is empty (never analyzed) can keep a plan that reads every
row: the ``userName`` check chose the ``(resource_type, last_modified)`` index and filtered
``user_name_key``, so each creation read every user, and psycopg's prepared statements keep
that plan until statistics change. Analyzing each time the directory about doubles keeps
the plans fitted to its size, at a cost that stays a small share of the creations.
"""
_ANALYZE = text("ANALYZE cc_directory_entry, cc_directory_member, cc_person")


def utcnow() -> dt.datetime:
    """The current time in UTC, to the millisecond (as SCIM timestamps travel)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def etag(version: int) -> str:
    """The weak ETag of a version counter."""
    return f'W/"{version}"'


def _version_number(value: str | None) -> int | None:
    if not value:
        return None
    text = value.removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else -1


def _iso(value: dt.datetime) -> str:
    return utc(value).isoformat().replace("+00:00", "Z")


class DirectoryStorage(ScimStorage):
    """A ``ScimStorage`` writing to competency-core's store, projecting users onto people.

    ``mapper`` says how users become people (key, role, team); ``clock`` and ``new_id``
    give the timestamps and the ids of new resources (tests pass fixed ones). Every
    method joins the store's current transaction, or runs in its own.
    """

    supports_cursors = False

    def __init__(
        self,
        store: Store,
        provider: ScimProvider,
        mapper: RoleMapper | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.store = store
        self.provider = provider
        self.mapper = mapper or RoleMapper()
        self.clock = clock
        self.new_id = new_id
        self._models: dict[str, type[Resource[Any]]] = {
            str(rt.name): cast(type[Resource[Any]], provider.model_for(rt))
            for rt in provider.resource_types
        }
        self.projection = Projection(store, self.mapper)
        self._savepoints = store.dialect != "sqlite"
        self._analyze = store.dialect == "postgresql"
        self._created = 0  # creations since the last ANALYZE (PostgreSQL)
        self._analyze_after = ANALYZE_FIRST

    def __repr__(self) -> str:
        return f"DirectoryStorage({self.store!r})"

    # -- rows and resources ---------------------------------------------------------------
    def model(self, resource_type: ResourceType | str) -> type[Resource[Any]]:
        """The model class of a resource type."""
        name = resource_type if isinstance(resource_type, str) else str(resource_type.name)
        return self._models[name]

    def _resource(self, row: Entry, groups: Sequence[dict[str, Any]] = ()) -> Resource[Any]:
        data = dict(row.data)
        data["id"] = row.id
        data["meta"] = {
            "resourceType": row.resource_type,
            "created": _iso(row.created),
            "lastModified": _iso(row.last_modified),
            "version": etag(row.version),
        }
        if groups:
            data["groups"] = list(groups)
        return self.model(row.resource_type).model_validate(data)

    def _lookup(self, resource: Resource[Any], field: str) -> str | None:
        value = getattr(resource, field, None)
        if not isinstance(value, str) or not value:
            return None
        if field == "external_id":
            return value[:400]
        binding = _binding(type(resource), "userName" if field == "user_name" else "displayName")
        try:
            key = binding.comparable(value) if binding is not None else value
        except ValueError:
            return None
        return str(key)[:400]

    def _values(self, resource: Resource[Any]) -> dict[str, Any]:
        data = resource.model_dump()
        for name in _DROPPED:
            data.pop(name, None)
        return {
            "data": data,
            "user_name_key": self._lookup(resource, "user_name"),
            "external_id": self._lookup(resource, "external_id"),
            "display_key": self._lookup(resource, "display_name"),
        }

    def _groups_of(self, s: Session, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The groups each of ``ids`` is a direct member of (the read-only ``groups``)."""
        out: dict[str, list[dict[str, Any]]] = {}
        if not ids:
            return out
        rows: Iterable[Any]
        if len(ids) == 1:  # (every creation: one statement built once)
            found = s.connection().execute(_GROUPS_OF_ONE, {"id": ids[0]})
            rows = [(ids[0], group_id, data) for group_id, data in found]
        else:
            rows = s.execute(
                select(Member.member_id, Entry.id, Entry.data)
                .join(Entry, Entry.id == Member.group_id)
                .where(Member.member_id.in_(list(ids)))
                .order_by(Entry.id)
            )
        for member_id, group_id, data in rows:
            entry = {"value": group_id, "$ref": f"Groups/{group_id}", "type": "direct"}
            if data.get("displayName"):
                entry["display"] = data["displayName"]
            out.setdefault(member_id, []).append(entry)
        return out

    def _with_groups(self, s: Session, rows: Sequence[Entry]) -> list[Resource[Any]]:
        groups = self._groups_of(
            s, [r.id for r in rows if "groups" in self.model(r.resource_type).model_fields]
        )
        return [self._resource(r, groups.get(r.id, ())) for r in rows]

    def _row(self, s: Session, resource_type: ResourceType, resource_id: str | None) -> Entry:
        row = s.get(Entry, resource_id) if resource_id else None
        if row is None or row.resource_type != resource_type.name:
            raise NotFoundException(detail=f"{resource_type.name} {resource_id!r} not found")
        return row

    # -- the ScimStorage contract -----------------------------------------------------------
    @contextmanager
    def operation(self) -> Iterator[None]:
        """One SCIM operation in a savepoint: a failed bulk operation leaves the others."""
        with self.store.transaction() as s, s.begin_nested():
            yield

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        """The stored resource (a new object every call)."""
        with self.store.transaction() as s:
            return self._with_groups(s, [self._row(s, resource_type, resource_id)])[0]

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        """One page of the resources of ``resource_types`` that match the request."""
        names = list(dict.fromkeys(str(rt.name) for rt in resource_types))
        scim_filter = search_request.filter
        start = search_request.start_index_0 or 0
        count = search_request.count
        with self.store.transaction() as s:
            base = select(Entry).where(Entry.resource_type.in_(names))
            if scim_filter is None and search_request.sort_by is None:
                total = int(s.scalar(select(func.count()).select_from(base.subquery())) or 0)
                if count == 0 or start >= total:  # (a start past any SQL integer, too)
                    return SearchPage(total, [])
                page = base.order_by(Entry.id).offset(start)
                if count is not None:
                    page = page.limit(count)
                return SearchPage(total, self._with_groups(s, list(s.scalars(page))))
            narrowed = base.where(*self._narrowing(scim_filter, names))
            resources = self._with_groups(
                s, list(s.scalars(narrowed.execution_options(yield_per=500)))
            )
        if scim_filter is not None and not scim_filter.models and resources:
            models = tuple(dict.fromkeys(type(r) for r in resources))
            scim_filter = ScimFilter.__class_getitem__(Union[models])(str(scim_filter))  # noqa: UP007
        found = [r for r in resources if scim_filter is None or scim_filter.match(r)]
        descending = (
            search_request.sort_by is not None
            and search_request.sort_order == SearchRequest.SortOrder.descending
        )
        found.sort(key=lambda r: _sort_key(search_request, r), reverse=descending)
        stop = None if count is None else start + count
        return SearchPage(len(found), found[start:stop])

    def _narrowing(
        self, scim_filter: ScimFilter[Any] | None, names: list[str]
    ) -> list[ColumnElement[bool]]:
        """SQL conditions every match of the filter meets (a superset of the matches)."""
        if scim_filter is None or len(names) != 1:
            return []
        node = scim_filter.ast
        terms = (
            node.terms
            if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_
            else (node,)
        )
        out: list[ColumnElement[bool]] = []
        for term in terms:
            if not isinstance(term, Comparison):
                continue
            path = term.attr_path
            if path.attr.casefold() == "meta" and (path.sub_attr or "").casefold() == (
                "lastmodified"
            ):
                when = _timestamp(term.value)
                if when is not None and term.op in _ORDER:
                    out.append(getattr(Entry.last_modified, _ORDER[term.op])(when))
                continue
            if term.op != CompareOperator.eq or not isinstance(term.value, str):
                continue
            binding = scim_filter.resolve_comparison(path, strict=False)
            if binding is None or binding.is_multivalued or binding.sub_field_name:
                continue
            if binding.field_name == "id":
                out.append(Entry.id == term.value)
            elif binding.field_name in _LOOKUPS:
                try:
                    value = term.value if binding.case_exact else binding.comparable(term.value)
                except ValueError:
                    continue
                out.append(getattr(Entry, _LOOKUPS[binding.field_name]) == str(value)[:400])
        # Any subset of the conditions still narrows to a superset of the matches; a few
        # suffice, and thousands overflow the database's expression depth (SQLite: 1,000).
        return out[:_MAX_NARROWING]

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        """Store a new resource and project it onto people.

        Everything is read first (uniqueness, the person a user becomes), then written
        with SQL statements alone (no ORM objects): the directory row, already naming its
        person, its memberships and the person. The answer is the resource as given, with
        its id and ``meta`` (and without what is never kept), not a second reading.
        """
        values = self._values(resource)
        data = values["data"]
        now = self.clock()
        rid = self.new_id()
        name = str(resource_type.name)
        model = self.model(name)
        with self.store.transaction() as s:
            s.flush()  # what the session holds is written before the statements below read
            if self._savepoints:  # (SQLite: the unique index refuses the row itself, below)
                self._check_unique(s, resource_type, values["user_name_key"], None)
            manager_id = self.projection.manager_id(data)
            groups = (
                self._groups_of(s, [rid]).get(rid, []) if "groups" in model.model_fields else []
            )
            person = None
            if name == USER:
                names = tuple(str(g["display"]) for g in groups if g.get("display"))
                person = self.projection.user_person(
                    s, rid, data, person_key=None, manager_id=manager_id, groups=names
                )
            row = {
                "id": rid,
                "resource_type": name,
                "version": 1,
                "created": now,
                "last_modified": now,
                "manager_id": manager_id,
                "person_key": person.key if person is not None else None,
                **values,
            }
            try:
                # on PostgreSQL a failed statement ends the transaction: a savepoint keeps
                # it (SQLite takes back the statement alone, and serves one writer at a time)
                with s.begin_nested() if self._savepoints else nullcontext():
                    s.connection().execute(_INSERT_ENTRY, row)
            except IntegrityError:
                raise UniquenessException(detail="userName is already taken") from None
            if members := self._member_ids(data):
                s.execute(insert(Member), [{"group_id": rid, "member_id": m} for m in members])
            if person is not None:
                self.projection.write_person(person)
            self.projection.arrived(s, rid, name, data)
            if self._analyze:
                self._analyze_when_grown(s)
            return self._creation(resource, model, rid, name, now, groups)

    def _analyze_when_grown(self, s: Session) -> None:
        """ANALYZE the directory's tables each time it about doubled (see ANALYZE_FIRST)."""
        self._created += 1
        if self._created >= self._analyze_after:
            s.connection().execute(_ANALYZE)  # (in the transaction: its own rows count)
            self._created = 0
            self._analyze_after *= 2

    def _creation(
        self,
        resource: Resource[Any],
        model: type[Resource[Any]],
        rid: str,
        name: str,
        now: dt.datetime,
        groups: Sequence[dict[str, Any]],
    ) -> Resource[Any]:
        """The resource :meth:`create` stored, as :meth:`get` would read it back."""
        if groups or type(resource) is not model:
            return self._resource(
                Entry(
                    id=rid,
                    resource_type=name,
                    version=1,
                    created=now,
                    last_modified=now,
                    data=self._values(resource)["data"],
                ),
                groups,
            )
        meta = Meta(
            resource_type=name,
            created=utc(now),
            last_modified=utc(now),
            version=etag(1),
        )
        update: dict[str, Any] = {"id": rid, "meta": meta}
        update.update((f, None) for f in ("password", "groups") if f in model.model_fields)
        return resource.model_copy(update=update)  # (shallow: the request is not kept)

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        """Replace a stored resource (optimistically: at ``expected_version``)."""
        values = self._values(resource)
        with self.store.transaction() as s:
            row = self._row(s, resource_type, resource.id)
            wanted = _version_number(expected_version)
            if wanted is not None and wanted != row.version:
                raise PreconditionFailedException(detail="the resource changed meanwhile")
            self._check_unique(s, resource_type, values["user_name_key"], row.id)
            old_members = self._members(s, row.id)
            old_display = row.data.get("displayName")
            done = s.execute(
                update(Entry)
                .where(Entry.id == row.id, Entry.version == row.version)
                .values(
                    version=row.version + 1,
                    last_modified=max(self.clock(), utc(row.last_modified)),
                    manager_id=self.projection.manager_id(values["data"]),
                    **values,
                )
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise PreconditionFailedException(detail="the resource changed meanwhile")
            s.refresh(row)
            self._set_members(s, row, old_members)
            self.projection.changed(
                s, row, created=False, members_before=old_members, display_before=old_display
            )
            return self._with_groups(s, [row])[0]

    def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        """Delete a resource; a deleted user's person is kept, marked as deprovisioned."""
        with self.store.transaction() as s:
            row = self._row(s, resource_type, resource_id)
            wanted = _version_number(expected_version)
            if wanted is not None and wanted != row.version:
                raise PreconditionFailedException(detail="the resource changed meanwhile")
            members = self._members(s, row.id)
            self._remove_from_groups(s, row.id)
            s.execute(delete(Member).where(Member.group_id == row.id))
            s.delete(row)
            s.flush()
            self.projection.deleted(s, row, members)

    # -- uniqueness and memberships --------------------------------------------------------
    def _check_unique(
        self, s: Session, resource_type: ResourceType, key: str | None, own: str | None
    ) -> None:
        if key is None:
            return
        found = s.connection().execute(_TAKEN, {"type": str(resource_type.name), "key": key})
        other = found.scalar()
        if other is not None and other != own:
            raise UniquenessException(detail="userName is already taken")

    @staticmethod
    def _members(s: Session, group_id: str) -> set[str]:
        return set(s.scalars(select(Member.member_id).where(Member.group_id == group_id)))

    @staticmethod
    def _member_ids(data: dict[str, Any]) -> set[str]:
        members = data.get("members") or []
        return {str(m["value"]) for m in members if isinstance(m, dict) and m.get("value")}

    def _set_members(self, s: Session, row: Entry, before: set[str]) -> None:
        after = self._member_ids(row.data)
        if gone := before - after:
            s.execute(delete(Member).where(Member.group_id == row.id, Member.member_id.in_(gone)))
        if new := after - before:
            s.execute(insert(Member), [{"group_id": row.id, "member_id": m} for m in new])

    def _remove_from_groups(self, s: Session, member_id: str) -> None:
        """Take a deleted resource out of every group that lists it (new group versions)."""
        group_ids = list(s.scalars(select(Member.group_id).where(Member.member_id == member_id)))
        for gid in group_ids:
            group = s.get(Entry, gid)
            if group is None:
                continue
            data = dict(group.data)
            data["members"] = [
                m for m in data.get("members") or [] if str(m.get("value")) != member_id
            ] or None
            if data["members"] is None:
                del data["members"]
            group.data = data
            group.version += 1
            group.last_modified = max(self.clock(), utc(group.last_modified))
        s.execute(delete(Member).where(Member.member_id == member_id))
        s.flush()


@cache
def _binding(model: type[Resource[Any]], attribute: str) -> Any:
    """How ``attribute`` of ``model`` compares (resolved once per model and attribute)."""
    return Path.__class_getitem__(model)(attribute).resolve()


def _timestamp(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return utc(value)
    if not isinstance(value, str):
        return None
    try:
        return utc(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _sort_key(search_request: SearchRequest[Any], resource: Resource[Any]) -> tuple[Any, ...]:
    value = search_request.sort_value(resource) if search_request.sort_by else None
    return (value is None, value if value is not None else "", str(resource.id))


__all__ = ["DirectoryStorage", "etag", "utcnow"]
