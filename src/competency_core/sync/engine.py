"""The sync engine shared by every adapter: plan, then apply.

:meth:`SyncEngine.plan` reads the remote objects in a scope, compares them with the local
objects by ``(kind, key)`` and returns a frozen :class:`~competency_core.sync.plan.Plan`.
:meth:`SyncEngine.apply` checks the plan is still fresh, carries out its changes in
dependency order (creates and updates parents first, deletes children first), records
each object's remote id and content hash in the sync state, and reports an outcome per
change. It is safe to re-run after a crash or a failed call: objects that already hold
their planned content are recognised (``already-done``) and an object created by the
interrupted run is updated, not created twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from competency_core.errors import SyncError
from competency_core.records import SyncRecord
from competency_core.sync.diff import changed_fields
from competency_core.sync.errors import PlanMismatchError, StalePlanError
from competency_core.sync.objects import Capability, LocalObject, ObjectRef, RemoteObject, Scope
from competency_core.sync.plan import (
    Action,
    ApplyReport,
    Change,
    Fingerprint,
    Outcome,
    OutcomeStatus,
    Plan,
)
from competency_core.sync.renames import Renames, model_renames
from competency_core.sync.state import InMemorySyncState, SyncStateStore

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Assessment, LearningAssignment, Person
    from competency_core.plugins import PluginRegistry
    from competency_core.sync.adapter import Adapter


@dataclass(frozen=True)
class Progress:
    """Where an apply stands: ``done`` of ``total`` changes, and the latest outcome."""

    done: int
    total: int
    outcome: Outcome


ProgressFn = Callable[[Progress], None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fingerprint(objects: Iterable[RemoteObject]) -> Fingerprint:
    """The fingerprint of a remote state: a hash over every object's identity and content."""
    lines = sorted(f"{o.kind}\x1f{o.key}\x1f{o.remote_id}\x1f{o.content_hash}" for o in objects)
    digest = hashlib.sha256("\x1e".join(lines).encode("utf-8")).hexdigest()
    return Fingerprint(digest=digest, objects=len(lines))


def _index(objects: Iterable[RemoteObject], what: str) -> dict[ObjectRef, RemoteObject]:
    out: dict[ObjectRef, RemoteObject] = {}
    dups: list[str] = []
    for o in objects:
        if o.ref in out:
            dups.append(f"{o.ref} (ids {out[o.ref].remote_id} and {o.remote_id})")
        out[o.ref] = o
    if dups:
        raise SyncError(
            f"the {what} has several objects with the same key: {', '.join(dups[:10])}; "
            "remove the duplicates there before syncing"
        )
    return out


def _topological(changes: Sequence[Change]) -> list[Change]:
    """Changes with every dependency (within ``changes``) first; plan order otherwise."""
    pos = {c.ref: i for i, c in enumerate(changes)}
    waiting: dict[int, set[int]] = {i: set() for i in range(len(changes))}
    users: dict[int, list[int]] = {i: [] for i in range(len(changes))}
    for i, c in enumerate(changes):
        for dep in c.depends_on:
            j = pos.get(dep)
            if j is not None and j != i and j not in waiting[i]:  # a dependency named twice
                waiting[i].add(j)
                users[j].append(i)
    ready = [i for i, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    out: list[Change] = []
    while ready:
        i = heapq.heappop(ready)
        out.append(changes[i])
        for u in users[i]:
            waiting[u].discard(i)
            if not waiting[u]:
                heapq.heappush(ready, u)
    if len(out) < len(changes):
        stuck = [str(changes[i].ref) for i, deps in waiting.items() if deps]
        raise SyncError(
            "these objects depend on each other in a cycle, so no order can create them: "
            + ", ".join(stuck[:10])
        )
    return out


def plan_renames(plan: Plan) -> dict[ObjectRef, str]:
    """The renames a plan carries out: old reference -> new key."""
    return {c.old_ref: c.key for c in plan.changes if c.renames and c.old_ref is not None}


def _usable_renames(
    renames: Mapping[ObjectRef, str],
    local: Mapping[ObjectRef, LocalObject],
    remote: Mapping[ObjectRef, RemoteObject],
    warn: Callable[[str], None],
) -> dict[ObjectRef, str]:
    """The renames that apply: the old key is remote, the new key local and free remotely.

    The old key may be local again when its remote object is renamed away itself (a
    chain: a -> b while b -> c); a new key may be held remotely only by such an object.
    Renames into the same key, and keys that swap (a cycle), are left out with a warning:
    keys are unique remotely, so those cannot be done in place in one plan.
    """
    found = {
        old: new
        for old, new in renames.items()
        if old in remote and ObjectRef(kind=old.kind, key=new) in local and new != old.key
    }
    targets: dict[ObjectRef, list[ObjectRef]] = {}
    for old, new in found.items():
        targets.setdefault(ObjectRef(kind=old.kind, key=new), []).append(old)
    clash = {t: olds for t, olds in targets.items() if len(olds) > 1}
    for t, olds in sorted(clash.items(), key=lambda i: str(i[0])):
        warn(
            f"{', '.join(sorted(str(o) for o in olds))} are all renamed to {t.key}: none is "
            "renamed in place"
        )
        for o in olds:
            found.pop(o, None)
    while True:  # drop renames whose old key stays or whose new key stays taken
        bad = [
            old
            for old, new in found.items()
            if (old in local and old not in _targets(found))
            or (
                ObjectRef(kind=old.kind, key=new) in remote
                and ObjectRef(kind=old.kind, key=new) not in found
            )
        ]
        if not bad:
            break
        for old in bad:
            found.pop(old)
    cycles: set[ObjectRef] = set()
    for start in found:
        seen: list[ObjectRef] = []
        ref: ObjectRef | None = start
        while ref is not None and ref in found and ref not in seen:
            seen.append(ref)
            ref = ObjectRef(kind=ref.kind, key=found[ref])
        if ref is not None and ref in seen:
            cycles |= set(seen[seen.index(ref) :])
    if cycles:
        warn(
            "these keys swap among themselves, which cannot be done in place in one plan "
            f"(keys are unique remotely): {', '.join(sorted(str(c) for c in cycles))}; "
            "rename one of them to a temporary key in a version of its own first"
        )
        for c in cycles:
            found.pop(c, None)
    return found


def _targets(found: Mapping[ObjectRef, str]) -> set[ObjectRef]:
    return {ObjectRef(kind=o.kind, key=n) for o, n in found.items()}


def dependency_order(changes: Iterable[Change]) -> list[Change]:
    """The order to apply changes in: creates and updates parents first, then deletes.

    Deletes go children first. Unchanged objects are left out.
    """
    items = list(changes)
    writes = [c for c in items if c.action in (Action.CREATE, Action.UPDATE)]
    deletes = [c for c in items if c.action is Action.DELETE]
    return _topological(writes) + list(reversed(_topological(deletes)))


class SyncEngine:
    """Plans and applies syncs through one adapter, keeping the sync state in ``state``.

    ``state`` defaults to an in-memory state (forgotten when the engine is), ``registry``
    to the plugin registry whose event hooks (``plan_made``, ``before_apply``,
    ``after_apply``) are called.
    """

    def __init__(
        self,
        adapter: Adapter[Any],
        state: SyncStateStore | None = None,
        *,
        registry: PluginRegistry | None = None,
    ) -> None:
        self.adapter = adapter
        self.state: SyncStateStore = state if state is not None else InMemorySyncState()
        self._registry = registry

    def __repr__(self) -> str:
        return f"SyncEngine({self.adapter!r})"

    @property
    def registry(self) -> PluginRegistry:
        """The plugin registry whose event hooks are called."""
        if self._registry is None:
            from competency_core.plugins import plugin_registry

            self._registry = plugin_registry()
        return self._registry

    # -- planning ----------------------------------------------------------------------
    def plan_model(
        self,
        model: CompetencyModel,
        *,
        prune: bool = False,
        previous: CompetencyModel | None = None,
        renames: Mapping[str, str] | Renames | None = None,
    ) -> Plan:
        """Plan pushing a model (scope: the model's key).

        ``previous`` is the version the remote system was last given (its renamed
        competencies, roles and resources, found by the versioning diff, are renamed in
        place remotely instead of created anew); ``renames`` adds explicit ones, as
        ``{old key: new key}`` or :class:`Renames`.
        """
        scope = Scope(operation=Capability.PUSH_MODEL, key=model.key)
        self.adapter.require(scope.operation)
        found = model_renames(model, previous=previous, renames=renames)
        moved = self._object_renames(scope, found)
        return self.plan(scope, self.adapter.model_objects(model), prune=prune, renames=moved)

    def plan_people(
        self, people: Iterable[Person], *, prune: bool = False, renames: Renames | None = None
    ) -> Plan:
        """Plan pushing people (``renames``: e.g. renamed roles, whose groups follow)."""
        scope = Scope(operation=Capability.PUSH_PEOPLE)
        self.adapter.require(scope.operation)
        moved = self._object_renames(scope, renames)
        return self.plan(scope, self.adapter.people_objects(people), prune=prune, renames=moved)

    def plan_ratings(
        self,
        assessments: Iterable[Assessment],
        *,
        prune: bool = False,
        renames: Renames | None = None,
    ) -> Plan:
        """Plan pushing assessments as ratings."""
        scope = Scope(operation=Capability.PUSH_RATINGS)
        self.adapter.require(scope.operation)
        moved = self._object_renames(scope, renames)
        objects = self.adapter.rating_objects(assessments)
        return self.plan(scope, objects, prune=prune, renames=moved)

    def plan_assignments(
        self,
        assignments: Iterable[LearningAssignment],
        *,
        prune: bool = False,
        renames: Renames | None = None,
    ) -> Plan:
        """Plan assigning learning (``renames``: e.g. renamed learning resources)."""
        scope = Scope(operation=Capability.ASSIGN_LEARNING)
        self.adapter.require(scope.operation)
        moved = self._object_renames(scope, renames)
        objects = self.adapter.assignment_objects(assignments)
        return self.plan(scope, objects, prune=prune, renames=moved)

    def _object_renames(self, scope: Scope, renames: Renames | None) -> dict[ObjectRef, str]:
        if renames is None or renames.is_empty:
            return {}
        return dict(self.adapter.object_renames(scope, renames))

    def plan(
        self,
        scope: Scope,
        objects: Iterable[LocalObject],
        *,
        prune: bool = False,
        renames: Mapping[ObjectRef, str] | None = None,
    ) -> Plan:
        """Compare local ``objects`` with the remote objects in ``scope``: the plan.

        ``renames`` (old reference -> new key) names remote objects to rename in place:
        a remote object found under the old key while the local data has the new one
        becomes one ``update`` carrying ``old_key``, instead of a create and a delete.
        """
        adapter = self.adapter
        adapter.require(scope.operation)
        local: dict[ObjectRef, LocalObject] = {}
        dups: list[str] = []
        for obj in objects:
            if obj.ref in local:
                dups.append(str(obj.ref))
            local[obj.ref] = obj
        if dups:
            raise SyncError(
                "the local data has several objects with the same key: " + ", ".join(dups[:10])
            )
        remote_list = list(adapter.read_remote(scope))
        where = f"remote system ({adapter.target})"
        real = _index(remote_list, where)
        moves = _usable_renames(renames or {}, local, real, adapter.warn)
        remote = _index([adapter.rekeyed(o, moves) for o in remote_list], where) if moves else real
        came_from = {ObjectRef(kind=o.kind, key=new): o for o, new in moves.items()}
        ns = adapter.state_namespace
        records = {ObjectRef(kind=r.kind, key=r.local_key): r for r in self.state.records(ns)}
        changes: list[Change] = []
        for ref, obj in local.items():
            old = came_from.get(ref)
            if old is None:
                changes.append(self._compare(obj, remote.get(ref), records.get(ref)))
                continue
            cur = remote[ref]
            after = moves.get(ObjectRef(kind=ref.kind, key=obj.key))  # a chain: b -> c first
            extra = (ObjectRef(kind=ref.kind, key=after),) if after else ()
            changes.append(
                Change(
                    action=Action.UPDATE,
                    kind=obj.kind,
                    key=obj.key,
                    old_key=old.key,
                    remote_id=cur.remote_id,
                    remote_hash=cur.content_hash,
                    fields=changed_fields(cur.data, obj.data),
                    data=obj.data,
                    content_hash=obj.content_hash,
                    depends_on=tuple(dict.fromkeys(obj.depends_on + extra)),
                )
            )
        for ref, other in remote.items():
            if ref in local:
                continue
            changes.append(
                Change(
                    action=Action.DELETE if prune else Action.UNCHANGED,
                    kind=other.kind,
                    key=other.key,
                    remote_id=other.remote_id,
                    remote_hash=other.content_hash,
                    depends_on=other.depends_on,
                    note=None if prune else "only remote: kept (prune deletes it)",
                )
            )
        dependency_order(changes)  # refuse cycles now, not half-way through an apply
        plan = Plan(
            adapter=adapter.name,
            target=adapter.target,
            scope=scope,
            prune=prune,
            created_at=_now(),
            fingerprint=fingerprint(remote_list),
            changes=tuple(changes),
            warnings=adapter.take_warnings(),
        )
        self.registry.plan_made(adapter, plan)
        return plan

    @staticmethod
    def _compare(obj: LocalObject, cur: RemoteObject | None, rec: SyncRecord | None) -> Change:
        common: dict[str, Any] = {
            "kind": obj.kind,
            "key": obj.key,
            "data": obj.data,
            "content_hash": obj.content_hash,
            "depends_on": obj.depends_on,
        }
        if cur is None:
            note = "synced before but missing remotely: created again" if rec else None
            return Change(
                action=Action.CREATE, fields=changed_fields(None, obj.data), note=note, **common
            )
        if cur.content_hash == obj.content_hash:
            return Change(
                action=Action.UNCHANGED,
                remote_id=cur.remote_id,
                remote_hash=cur.content_hash,
                **common,
            )
        note = None
        if rec and rec.content_hash and rec.content_hash != cur.content_hash:
            note = "changed remotely since the last sync: the local content wins"
        return Change(
            action=Action.UPDATE,
            remote_id=cur.remote_id,
            remote_hash=cur.content_hash,
            fields=changed_fields(cur.data, obj.data),
            note=note,
            **common,
        )

    # -- applying ----------------------------------------------------------------------
    def apply(self, plan: Plan, *, progress: ProgressFn | None = None) -> ApplyReport:
        """Carry out a plan; refuses a stale one (:class:`StalePlanError`).

        A failed call (:class:`SyncError` from the adapter) fails that change and skips the
        changes that depend on it; the rest go ahead. The report says what happened to each.
        """
        adapter = self.adapter
        if plan.adapter != adapter.name or plan.target != adapter.target:
            raise PlanMismatchError(
                f"the plan was made for {plan.adapter} ({plan.target}), "
                f"not for {adapter.name} ({adapter.target})"
            )
        adapter.require(plan.scope.operation)
        self.registry.before_apply(adapter, plan)
        current, real = self._check_fresh(plan)
        run = _Run(self, plan, current, progress, real)
        adapter.begin(plan)
        run.execute()
        report = ApplyReport(
            adapter=adapter.name,
            target=adapter.target,
            scope=plan.scope,
            fingerprint=plan.fingerprint,
            outcomes=tuple(run.outcomes),
        )
        self.registry.after_apply(adapter, plan, report)
        return report

    def _check_fresh(
        self, plan: Plan
    ) -> tuple[dict[ObjectRef, RemoteObject], dict[ObjectRef, RemoteObject]]:
        """The current remote objects, if the plan still holds for them.

        Returns them as they will read once the plan's renames are done (by the keys the
        plan uses), and as they are.
        """
        objects = list(self.adapter.read_remote(plan.scope))
        moves = plan_renames(plan)
        # compared as they will read once renamed, as the plan compared them
        objects_seen = [self.adapter.rekeyed(o, moves) for o in objects] if moves else objects
        where = f"remote system ({self.adapter.target})"
        current = _index(objects_seen, where)
        real = _index(objects, where) if moves else current
        if fingerprint(objects) == plan.fingerprint:
            return current, real
        by_ref = {c.ref: c for c in plan.changes}
        stale: list[str] = []
        for ref in sorted(current.keys() | by_ref.keys(), key=str):
            change = by_ref.get(ref)
            now = current[ref].content_hash if ref in current else None
            if change is None:
                stale.append(f"{ref} (new)")
                continue
            allowed = {change.remote_hash}
            if change.data is not None:  # holds what the plan writes (or will read so)
                allowed.add(change.content_hash)
            elif change.action is Action.DELETE:
                allowed.add(None)
            if now not in allowed:
                stale.append(str(ref) + (" (deleted)" if now is None else " (changed)"))
        if stale:
            raise StalePlanError(stale)
        return current, real


class _Run:
    """One execution of a plan: the outcomes, the staged sync records and the flushes."""

    def __init__(
        self,
        engine: SyncEngine,
        plan: Plan,
        current: dict[ObjectRef, RemoteObject],
        progress: ProgressFn | None,
        real: dict[ObjectRef, RemoteObject] | None = None,
    ) -> None:
        self.adapter = engine.adapter
        self.state = engine.state
        self.ns = engine.adapter.state_namespace
        self.plan = plan
        self.current = current  # as the objects read once renamed, by the plan's keys
        self.real = current if real is None else real  # as they read now
        self.progress = progress
        self.ids: dict[ObjectRef, str] = {ref: o.remote_id for ref, o in current.items()}
        self.outcomes: list[Outcome] = []
        self.failed: set[ObjectRef] = set()
        self.put: list[SyncRecord] = []
        self.drop: list[ObjectRef] = []
        self.unsaved: list[int] = []  # outcomes not yet made durable by a flush
        self.keep: dict[ObjectRef, ObjectRef] = {}  # not to delete: a dependent was not deleted

    def record(self, change: Change, remote_id: str) -> None:
        if change.old_ref is not None:
            self.drop.append(change.old_ref)
        self.put.append(
            SyncRecord(
                adapter=self.ns,
                kind=change.kind,
                local_key=change.key,
                remote_id=remote_id,
                content_hash=change.content_hash,
                last_synced=_now(),
            )
        )

    def blocked_by(self, change: Change) -> ObjectRef | None:
        """The failed object that keeps ``change`` from going ahead, if any."""
        if change.action is Action.DELETE:
            return self.keep.get(change.ref)
        return next((d for d in change.depends_on if d in self.failed), None)

    def execute(self) -> None:
        order = dependency_order(self.plan.changes)
        total = len(order)
        every = self.adapter.flush_every
        for change in order:
            outcome = self.carry_out(change)
            self.outcomes.append(outcome)
            if outcome.status in (OutcomeStatus.DONE, OutcomeStatus.ALREADY_DONE):
                self.unsaved.append(len(self.outcomes) - 1)
            else:
                self.failed.add(change.ref)
                if change.action is Action.DELETE:
                    for dep in change.depends_on:
                        self.keep.setdefault(dep, change.ref)
            if every and len(self.unsaved) >= every:
                self.flush()
            if self.progress is not None:
                self.progress(Progress(done=len(self.outcomes), total=total, outcome=outcome))
        for change in self.plan.changes:  # adopt objects that already match
            if change.action is Action.UNCHANGED and change.data is not None and change.remote_id:
                rec = self.state.get(self.ns, change.kind, change.key)
                if rec is None or rec.content_hash != change.content_hash:
                    self.record(change, change.remote_id)
        self.flush()

    def carry_out(self, change: Change) -> Outcome:
        def outcome(status: OutcomeStatus, rid: str | None, msg: str | None = None) -> Outcome:
            return Outcome(
                kind=change.kind,
                key=change.key,
                action=change.action,
                status=status,
                remote_id=rid,
                message=msg,
            )

        blocker = self.blocked_by(change)
        if blocker is not None:
            return outcome(OutcomeStatus.SKIPPED, change.remote_id, f"{blocker} failed")
        cur = self.current.get(change.ref)
        try:
            if change.renames and cur is not None:
                now = self.real.get(change.ref)
                if now is None or now.remote_id != cur.remote_id:
                    self.adapter.update(change, cur.remote_id, self.ids)  # the rename
                elif cur.content_hash != change.content_hash:  # renamed by an earlier run
                    self.adapter.update(
                        change.model_copy(update={"old_key": None}), cur.remote_id, self.ids
                    )
                else:
                    self.record(change, cur.remote_id)
                    return outcome(OutcomeStatus.ALREADY_DONE, cur.remote_id)
                self.ids[change.ref] = cur.remote_id
                self.record(change, cur.remote_id)
                return outcome(OutcomeStatus.DONE, cur.remote_id, "renamed in place")
            if change.renames:  # gone remotely since the plan: made again, new key
                change = change.model_copy(update={"old_key": None})
            if change.action is Action.DELETE:
                if cur is None:
                    self.drop.append(change.ref)
                    return outcome(OutcomeStatus.ALREADY_DONE, None)
                target = change.model_copy(update={"remote_id": cur.remote_id})
                self.adapter.delete(target, cur.remote_id)
                self.ids.pop(change.ref, None)
                self.drop.append(change.ref)
                return outcome(OutcomeStatus.DONE, cur.remote_id)
            if cur is not None and cur.content_hash == change.content_hash:
                self.record(change, cur.remote_id)
                return outcome(OutcomeStatus.ALREADY_DONE, cur.remote_id)
            if cur is not None:
                self.adapter.update(change, cur.remote_id, self.ids)
                self.record(change, cur.remote_id)
                msg = "existed already: updated" if change.action is Action.CREATE else None
                return outcome(OutcomeStatus.DONE, cur.remote_id, msg)
            rid = self.adapter.create(change, self.ids)
            self.ids[change.ref] = rid
            self.record(change, rid)
            return outcome(OutcomeStatus.DONE, rid)
        except SyncError as exc:
            message = self.adapter.settings.scrub(str(exc))
            return outcome(OutcomeStatus.FAILED, change.remote_id, message)

    def flush(self) -> None:
        try:
            self.adapter.flush()
        except SyncError as exc:
            message = "not saved: " + self.adapter.settings.scrub(str(exc))
            for i in self.unsaved:
                o = self.outcomes[i]
                self.outcomes[i] = o.model_copy(
                    update={"status": OutcomeStatus.FAILED, "message": message}
                )
                self.failed.add(o.ref)
            self.unsaved.clear()
            self.put.clear()
            self.drop.clear()
            return
        if self.put or self.drop:
            self.state.write(self.ns, self.put, self.drop)
        self.unsaved.clear()
        self.put.clear()
        self.drop.clear()


__all__ = [
    "Progress",
    "ProgressFn",
    "SyncEngine",
    "dependency_order",
    "fingerprint",
    "plan_renames",
]
