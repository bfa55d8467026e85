"""Renamed keys a sync carries out in place: which items of a model changed their key.

When a competency, a role or a learning resource gets a new key between two versions of a
model (``coding.tests`` becomes ``coding.testing``), the remote object made from it should
get the new key in place, keeping its remote id and everything attached to it (ratings,
plans, course links, group members), rather than a new object being created and the old
one orphaned. :class:`Renames` says which keys changed, per kind of item; it comes from the
versioning diff of the previous version and the new one (:meth:`Renames.between`) or from
an explicit mapping (:meth:`Renames.of`).

>>> Renames(competencies={"coding.tests": "coding.testing"}).describe()
['competency coding.tests -> coding.testing']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from competency_core.errors import SyncError

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel


class Renames(BaseModel):
    """Old key -> new key of the renamed items of a model, per kind of item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competencies: dict[str, str] = Field(default_factory=dict)
    roles: dict[str, str] = Field(default_factory=dict)
    learning_resources: dict[str, str] = Field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Whether nothing was renamed."""
        return not (self.competencies or self.roles or self.learning_resources)

    def describe(self) -> list[str]:
        """One ``kind old -> new`` line per rename, for messages."""
        out: list[str] = []
        for what, renames in (
            ("competency", self.competencies),
            ("role", self.roles),
            ("learning resource", self.learning_resources),
        ):
            out += [f"{what} {old} -> {new}" for old, new in sorted(renames.items())]
        return out

    def merged(self, other: Renames) -> Renames:
        """These renames and ``other``'s (``other`` wins for the same old key)."""
        return Renames(
            competencies=self.competencies | other.competencies,
            roles=self.roles | other.roles,
            learning_resources=self.learning_resources | other.learning_resources,
        )

    @classmethod
    def between(cls, previous: CompetencyModel, model: CompetencyModel) -> Renames:
        """The renames the versioning diff finds from ``previous`` to ``model``."""
        from competency_core.versioning import diff_models

        diff = diff_models(previous, model)
        return cls(
            competencies=diff.renames("competency"),
            roles=diff.renames("role"),
            learning_resources=diff.renames("learning-resource"),
        )

    @classmethod
    def of(cls, renames: Mapping[str, str], model: CompetencyModel) -> Renames:
        """A plain ``{old: new}`` mapping sorted by the kind of item ``model`` has as ``new``.

        A pair applies to every kind of item (competency, role, learning resource) of
        ``model`` that has the new key and not the old one (unless another pair gives the
        old key to another item); :class:`SyncError` names the pairs that fit none.
        """
        kinds = {
            "competencies": {c.key for c in model.competencies},
            "roles": {r.key for r in model.roles},
            "learning_resources": {r.key for r in model.learning_resources},
        }
        out: dict[str, dict[str, str]] = {name: {} for name in kinds}
        wrong: list[str] = []
        targets = set(renames.values())
        for old, new in renames.items():
            fits = [
                name
                for name, keys in kinds.items()
                if new in keys and (old not in keys or old in targets)
            ]
            if old == new or not fits:
                wrong.append(f"{old} -> {new}")
            for name in fits:
                out[name][old] = new
        if wrong:
            raise SyncError(
                f"these renames do not fit the model {model.key!r} (the new key must be in "
                f"it and the old one not): {', '.join(wrong[:10])}"
            )
        return cls.model_validate(out)

    def check(self, model: CompetencyModel) -> None:
        """Refuse renames that do not fit ``model`` (new key missing, old key still there)."""
        pairs = {
            "competency": (self.competencies, {c.key for c in model.competencies}),
            "role": (self.roles, {r.key for r in model.roles}),
            "learning resource": (
                self.learning_resources,
                {r.key for r in model.learning_resources},
            ),
        }
        wrong = [  # an old key may be taken again by another renamed item (a -> b, b -> c)
            f"{what} {old} -> {new}"
            for what, (renames, keys) in pairs.items()
            for old, new in sorted(renames.items())
            if new not in keys or (old in keys and old not in renames.values()) or old == new
        ]
        if wrong:
            raise SyncError(
                f"these renames do not fit the model {model.key!r} (the new key must be in "
                f"it and the old one not): {', '.join(wrong[:10])}"
            )


def model_renames(
    model: CompetencyModel,
    *,
    previous: CompetencyModel | None = None,
    renames: Mapping[str, str] | Renames | None = None,
) -> Renames:
    """The renames of a model push: the diff from ``previous``, then the explicit ones."""
    out = Renames()
    if previous is not None:
        if previous.key != model.key:
            raise SyncError(
                f"the previous version is of the model {previous.key!r}, not {model.key!r}"
            )
        out = Renames.between(previous, model)
    if renames is not None:
        given = renames if isinstance(renames, Renames) else Renames.of(renames, model)
        given.check(model)
        out = out.merged(given)
    return out


__all__ = ["Renames", "model_renames"]
