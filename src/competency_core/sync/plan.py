"""Plans and their outcomes: frozen, JSON-serialisable records of a sync.

A :class:`Plan` lists every object in scope with what applying it would do (create,
update, delete, or nothing), the changed fields, the content to write, and a
:class:`Fingerprint` of the remote state it was computed from. It prints as a dry run
(:meth:`Plan.render`) and saves to a file (:meth:`Plan.save`) to be applied later; the
engine refuses to apply it once the remote state has moved on. Applying gives an
:class:`ApplyReport` with one :class:`Outcome` per change.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from competency_core.errors import ModelValidationError, Problem
from competency_core.sync.diff import FieldChange
from competency_core.sync.objects import ObjectRef, Scope

PLAN_FORMAT: Literal["competency-core-plan/1"] = "competency-core-plan/1"


class Action(StrEnum):
    """What applying a plan does to one remote object."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNCHANGED = "unchanged"


_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-", Action.UNCHANGED: "="}


class Change(BaseModel):
    """One object in a plan: the action, the changed fields and the content to write."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Action
    kind: str
    key: str
    remote_id: str | None = Field(default=None, description="The remote id, when it exists.")
    fields: tuple[FieldChange, ...] = Field(
        default=(), description="Changed fields (every field, for a create)."
    )
    data: dict[str, JsonValue] | None = Field(
        default=None, description="The content to write (None for a delete)."
    )
    content_hash: str | None = Field(default=None, description="Hash of ``data``.")
    remote_hash: str | None = Field(
        default=None, description="Hash of the remote content read (None: it did not exist)."
    )
    depends_on: tuple[ObjectRef, ...] = ()
    note: str | None = None
    old_key: str | None = Field(
        default=None,
        description="For an update that renames the remote object in place: the key it has "
        "now (``key`` is the new one). Left out of the JSON when None.",
    )

    @model_serializer(mode="wrap")
    def _leave_out_no_rename(self, handler: SerializerFunctionWrapHandler) -> Any:
        # plans without renames stay exactly as before (readable by older versions)
        out = handler(self)
        if isinstance(out, dict) and out.get("old_key") is None:
            out.pop("old_key", None)
        return out

    @property
    def ref(self) -> ObjectRef:
        """The object's kind and key."""
        return ObjectRef(kind=self.kind, key=self.key)

    @property
    def old_ref(self) -> ObjectRef | None:
        """For a rename, the object's kind and the key it has before the change."""
        if self.old_key is None:
            return None
        return ObjectRef(kind=self.kind, key=self.old_key)

    @property
    def renames(self) -> bool:
        """Whether the change renames the remote object (an update with ``old_key``)."""
        return self.action is Action.UPDATE and self.old_key is not None

    @property
    def pending(self) -> bool:
        """Whether applying the change calls the remote system."""
        return self.action is not Action.UNCHANGED


class Fingerprint(BaseModel):
    """The identity of the remote state a plan read: a hash over every object in scope."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    digest: str = Field(description="SHA-256 over (kind, key, remote id, content hash).")
    objects: int = Field(ge=0, description="How many remote objects were read.")

    @property
    def short(self) -> str:
        """The first 12 characters of the digest."""
        return self.digest[:12]


class Plan(BaseModel):
    """What applying would change remotely, computed from a read of the remote state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["competency-core-plan/1"] = PLAN_FORMAT
    adapter: str = Field(description="The adapter's name, e.g. 'csv'.")
    target: str = Field(description="Which remote system (never with credentials).")
    scope: Scope
    prune: bool = Field(description="Whether remote objects missing locally are deleted.")
    created_at: dt.datetime
    fingerprint: Fingerprint
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def pending(self) -> tuple[Change, ...]:
        """The changes that call the remote system (not ``unchanged``)."""
        return tuple(c for c in self.changes if c.pending)

    @property
    def is_empty(self) -> bool:
        """Whether applying would change nothing remotely."""
        return not self.pending

    def counts(self) -> dict[Action, int]:
        """How many changes of each action."""
        found = Counter(c.action for c in self.changes)
        return {a: found.get(a, 0) for a in Action}

    def summary(self) -> str:
        """One line: how many objects to create, update and delete."""
        n = self.counts()
        renamed = sum(1 for c in self.changes if c.renames)
        return (
            f"{n[Action.CREATE]} to create, {n[Action.UPDATE]} to update"
            + (f" ({renamed} renamed)" if renamed else "")
            + f", {n[Action.DELETE]} to delete, {n[Action.UNCHANGED]} unchanged"
        )

    def render(self, *, show_unchanged: bool = False) -> str:
        """The plan as a dry run for people: one line per change, then the summary."""
        lines = [
            f"Plan for {self.adapter} ({self.target}): {self.scope}"
            f"{', pruning' if self.prune else ''}; remote state {self.fingerprint.short} "
            f"({self.fingerprint.objects} object(s) read)"
        ]
        for c in self.changes:
            if c.action is Action.UNCHANGED and not show_unchanged and not c.note:
                continue
            head = f"  {_SYMBOL[c.action]} {c.kind} {c.key}"
            if c.renames:
                head = f"  {_SYMBOL[c.action]} {c.kind} {c.old_key} -> {c.key} (renamed)"
            if c.action is Action.UPDATE and c.fields:
                head += ": " + "; ".join(
                    f"{f.field} {_short(f.old)} -> {_short(f.new)}" for f in c.fields
                )
            if c.note:
                head += f"  ({c.note})"
            lines.append(head)
        lines.extend(f"  warning: {w}" for w in self.warnings)
        lines.append(f"Plan: {self.summary()}." if self.pending else "No changes.")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The plan as JSON text (what :meth:`save` writes)."""
        return self.model_dump_json(indent=2) + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan to a JSON file, atomically."""
        from competency_core.io import write_atomic

        write_atomic(path, self.to_json())

    @classmethod
    def from_json(cls, text: str, *, file: str | None = None) -> Plan:
        """Read a plan from JSON text; :class:`ModelValidationError` if it is not one."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            problems = [
                Problem(
                    path=".".join(str(p) for p in e["loc"]),
                    message=str(e["msg"]),
                    file=file,
                )
                for e in exc.errors(include_url=False)
            ]
            raise ModelValidationError(
                problems[:20], f"{file or 'the text'} is not a competency-core sync plan"
            ) from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Plan:
        """Read a plan saved with :meth:`save`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelValidationError(
                [Problem(path="", message=f"cannot read: {exc.strerror}", file=str(path))],
                f"cannot read the plan {path}",
            ) from None
        return cls.from_json(text, file=str(path))


def _short(value: Any) -> str:
    text = "none" if value is None else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class OutcomeStatus(StrEnum):
    """How one change went."""

    DONE = "done"
    ALREADY_DONE = "already-done"
    FAILED = "failed"
    SKIPPED = "skipped"


class Outcome(BaseModel):
    """What happened to one change of a plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    key: str
    action: Action
    status: OutcomeStatus
    remote_id: str | None = None
    message: str | None = Field(default=None, description="Why it failed or was skipped.")

    @property
    def ref(self) -> ObjectRef:
        """The object's kind and key."""
        return ObjectRef(kind=self.kind, key=self.key)


class ApplyReport(BaseModel):
    """Every outcome of applying a plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    adapter: str
    target: str
    scope: Scope
    fingerprint: Fingerprint = Field(description="The fingerprint of the plan applied.")
    outcomes: tuple[Outcome, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every change was carried out (none failed or was skipped)."""
        return all(
            o.status in (OutcomeStatus.DONE, OutcomeStatus.ALREADY_DONE) for o in self.outcomes
        )

    @property
    def failed(self) -> tuple[Outcome, ...]:
        """The outcomes that failed."""
        return tuple(o for o in self.outcomes if o.status is OutcomeStatus.FAILED)

    def counts(self) -> dict[str, int]:
        """Outcomes by ``created``/``updated``/``deleted`` (done) and by the other statuses."""
        done = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}
        out = {"created": 0, "updated": 0, "deleted": 0}
        out |= {s.value: 0 for s in OutcomeStatus if s is not OutcomeStatus.DONE}
        for o in self.outcomes:
            name = done[o.action] if o.status is OutcomeStatus.DONE else o.status.value
            out[name] = out.get(name, 0) + 1
        return out

    def summary(self) -> str:
        """One line with the counts."""
        return ", ".join(f"{n} {name}" for name, n in self.counts().items())


__all__ = [
    "PLAN_FORMAT",
    "Action",
    "ApplyReport",
    "Change",
    "Fingerprint",
    "Outcome",
    "OutcomeStatus",
    "Plan",
]
