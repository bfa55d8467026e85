"""The records of a diff: one :class:`Change` per difference, gathered in a :class:`ModelDiff`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from competency_core.versioning.rules import Bump, bump_version, max_bump

ChangeKind = Literal["added", "removed", "renamed", "changed"]
Entity = Literal[
    "model",
    "scale",
    "level",
    "scale-mapping",
    "track",
    "competency",
    "indicator",
    "role",
    "requirement",
    "transition",
    "learning-resource",
]


class Change(BaseModel):
    """One difference between two versions, with the bump it calls for and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ChangeKind
    entity: Entity
    path: str = Field(description="Where, by keys: roles[dev].requirements[c].level")
    key: str = Field(description="The item's key (in the new version, except for removals).")
    old_key: str | None = Field(default=None, description="The previous key of a renamed item.")
    field: str | None = Field(default=None, description="The changed field, for 'changed'.")
    old: Any = None
    new: Any = None
    bump: Bump
    reason: str = Field(description="Why the change calls for this bump (the rule).")
    summary: str = Field(description="One line for people, in Markdown.")


class ModelDiff(BaseModel):
    """Every change from one version of a model to another, in model order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the versions have the same content (status and approvals aside)."""
        return not self.changes

    @property
    def bump(self) -> Bump | None:
        """The largest bump any change calls for (None when nothing changed)."""
        return max_bump([c.bump for c in self.changes])

    @property
    def suggested_version(self) -> str:
        """The old version bumped by :attr:`bump`."""
        return bump_version(self.old_version, self.bump)

    def by_bump(self, bump: Bump) -> tuple[Change, ...]:
        """The changes that call for exactly ``bump``."""
        return tuple(c for c in self.changes if c.bump == bump)

    def renames(self, entity: Entity) -> dict[str, str]:
        """Old key -> new key of the renamed items of one kind."""
        return {
            c.old_key: c.key
            for c in self.changes
            if c.kind == "renamed" and c.entity == entity and c.old_key
        }


__all__ = ["Change", "ChangeKind", "Entity", "ModelDiff"]
