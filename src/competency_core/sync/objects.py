"""What adapters sync: capabilities, scopes, and the local and remote objects compared.

An adapter turns local data (a model, people, ratings, assignments) into
:class:`LocalObject` records and reads the remote system as :class:`RemoteObject` records
of the same shape: a ``kind`` (``competency``), a ``key`` (the local key, which the remote
system must also carry: an idnumber, a username, a column), plain JSON ``data`` and the
objects it depends on. The engine compares the two by ``(kind, key)``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from competency_core.sync.diff import data_hash


class Capability(StrEnum):
    """What an adapter can do. ``push-*`` and ``assign-learning`` are planned writes."""

    PUSH_MODEL = "push-model"
    PULL_MODEL = "pull-model"
    PUSH_PEOPLE = "push-people"
    PULL_PEOPLE = "pull-people"
    PUSH_RATINGS = "push-ratings"
    PULL_RATINGS = "pull-ratings"
    ASSIGN_LEARNING = "assign-learning"
    PULL_LEARNING = "pull-learning"
    PULL_COMPLETIONS = "pull-completions"
    """Read completed courses (learning resources of the model) as ``course`` evidence."""

    @property
    def writes(self) -> bool:
        """Whether the capability changes the remote system (and so goes through a plan)."""
        return self.value.startswith("push-") or self is Capability.ASSIGN_LEARNING


class ObjectRef(BaseModel):
    """A reference to one synced object: its kind and local key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1, description="The object kind, e.g. 'competency'.")
    key: str = Field(min_length=1, description="The local key, e.g. 'system-design'.")

    def __str__(self) -> str:
        return f"{self.kind}/{self.key}"


class Scope(BaseModel):
    """What a plan covers: one write operation and, optionally, one target within it.

    For a model push the key is the model's key (one framework); for people it is usually
    None (the whole directory). Pruning deletes remote objects only within the scope.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    operation: Capability
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.operation.value}" + (f" {self.key}" if self.key else "")


class LocalObject(BaseModel):
    """An object as the local data says it should be remotely."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1)
    key: str = Field(min_length=1)
    data: dict[str, JsonValue] = Field(description="The content to write, as plain JSON.")
    depends_on: tuple[ObjectRef, ...] = Field(
        default=(), description="Objects that must exist remotely before this one."
    )

    @property
    def ref(self) -> ObjectRef:
        """The object's kind and key."""
        return ObjectRef(kind=self.kind, key=self.key)

    @cached_property
    def content_hash(self) -> str:
        """The hash of :attr:`data`."""
        return data_hash(self.data)


class RemoteObject(BaseModel):
    """An object as read from the remote system, in the same shape as its local object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(min_length=1)
    key: str = Field(min_length=1, description="The local key the remote object carries.")
    remote_id: str = Field(description="The remote system's id for it.")
    data: dict[str, JsonValue]
    depends_on: tuple[ObjectRef, ...] = Field(
        default=(), description="Objects it depends on remotely (deleted after it)."
    )

    @property
    def ref(self) -> ObjectRef:
        """The object's kind and key."""
        return ObjectRef(kind=self.kind, key=self.key)

    @cached_property
    def content_hash(self) -> str:
        """The hash of :attr:`data`."""
        return data_hash(self.data)


__all__ = ["Capability", "LocalObject", "ObjectRef", "RemoteObject", "Scope"]
