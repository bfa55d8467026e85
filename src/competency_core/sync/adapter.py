"""The :class:`Adapter` base class every adapter (built-in or third-party) derives from.

An adapter declares a ``name``, the :class:`Capability` values it supports and a settings
model (:class:`AdapterSettings`, secrets as :class:`~pydantic.SecretStr`), and implements
the typed methods behind those capabilities:

* to **write** (``push-*``, ``assign-learning``): turn local data into
  :class:`~competency_core.sync.objects.LocalObject` records (``model_objects`` ...), read
  the remote objects in a scope (:meth:`Adapter.read_remote`, streaming), and carry out one
  change at a time (:meth:`Adapter.create`, :meth:`Adapter.update`, :meth:`Adapter.delete`).
  The :class:`~competency_core.sync.engine.SyncEngine` does the planning, ordering,
  staleness checks, sync state and re-runs;
* to **read** (``pull-*``): :meth:`Adapter.pull_model`, and iterators of people, ratings,
  learning assignments and completed courses (``course`` evidence).

See docs/sync.md for a walk-through.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from competency_core.errors import Problem
from competency_core.sync.errors import AdapterSettingsError, CapabilityError
from competency_core.sync.objects import Capability, LocalObject, ObjectRef, RemoteObject, Scope

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Assessment, Evidence, LearningAssignment, Person
    from competency_core.sync.plan import Change, Plan
    from competency_core.sync.renames import Renames

RemoteIds = Mapping[ObjectRef, str]
"""The remote ids known while applying (read, recorded, or just created), by object."""


class AdapterSettings(BaseModel):
    """Base class of adapter settings: frozen, unknown fields refused, secrets as SecretStr.

    Values come from a settings file, ``--set name=value`` options and environment variables
    ``COMPETENCY_<ADAPTER>_<FIELD>`` (e.g. ``COMPETENCY_MOODLE_TOKEN``): see
    :meth:`Adapter.configure`. SecretStr values print as ``**********``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def secret_values(self) -> tuple[str, ...]:
        """The plain values of every secret field (to scrub from messages)."""
        out: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                out.append(value.get_secret_value())
        return tuple(out)

    def scrub(self, message: str) -> str:
        """``message`` with every secret value replaced by ``***``."""
        for secret in self.secret_values():
            message = message.replace(secret, "***")
        return message


S = TypeVar("S", bound=AdapterSettings)

# Which methods a capability needs (overridden from the base class).
_NEEDS: dict[Capability, tuple[str, ...]] = {
    Capability.PUSH_MODEL: ("model_objects", "read_remote", "create", "update", "delete"),
    Capability.PUSH_PEOPLE: ("people_objects", "read_remote", "create", "update", "delete"),
    Capability.PUSH_RATINGS: ("rating_objects", "read_remote", "create", "update", "delete"),
    Capability.ASSIGN_LEARNING: (
        "assignment_objects",
        "read_remote",
        "create",
        "update",
        "delete",
    ),
    Capability.PULL_MODEL: ("pull_model",),
    Capability.PULL_PEOPLE: ("pull_people",),
    Capability.PULL_RATINGS: ("pull_ratings",),
    Capability.PULL_LEARNING: ("pull_assignments",),
    Capability.PULL_COMPLETIONS: ("pull_completions",),
}


class Adapter(Generic[S]):
    """Moves models, people, ratings and learning between competency-core and one system.

    Subclasses set the class attributes and override the methods of their capabilities;
    every other method raises :class:`CapabilityError`. ``flush_every`` says how often the
    engine calls :meth:`flush` while applying (every n changes; None: only at the end) and
    records sync state only after a flush succeeded.
    """

    name: ClassVar[str] = ""
    """The adapter's name on the command line and in plans, e.g. ``csv``."""
    title: ClassVar[str] = ""
    """A short description for ``competency adapters``."""
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    """What the adapter can do."""
    settings_model: ClassVar[type[AdapterSettings]] = AdapterSettings
    """The pydantic model of its settings."""
    flush_every: ClassVar[int | None] = 1

    def __init__(self, settings: S) -> None:
        self.settings: S = settings
        self._warnings: list[str] = []

    # -- configuration ---------------------------------------------------------------
    @classmethod
    def configure(
        cls, values: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None
    ) -> Self:
        """An adapter with settings from ``values``, filled in from environment variables.

        A field missing from ``values`` is read from ``COMPETENCY_<NAME>_<FIELD>`` (upper
        case) in ``env`` (default: ``os.environ``). Invalid settings raise
        :class:`AdapterSettingsError` naming each field, never echoing a value.
        """
        env = os.environ if env is None else env
        data: dict[str, Any] = dict(values or {})
        prefix = f"COMPETENCY_{cls.name.upper().replace('-', '_')}_"
        for field in cls.settings_model.model_fields:
            if field not in data and (prefix + field.upper()) in env:
                data[field] = env[prefix + field.upper()]
        try:
            settings = cls.settings_model.model_validate(data)
        except ValidationError as exc:
            problems = [
                Problem(
                    path=".".join(str(p) for p in e["loc"]) or "settings",
                    message=(
                        "unknown setting (known: "
                        + ", ".join(sorted(cls.settings_model.model_fields))
                        + ")"
                        if e["type"] == "extra_forbidden"
                        else str(e["msg"])
                    ),
                )
                for e in exc.errors(include_url=False, include_input=False)
            ]
            raise AdapterSettingsError(cls.name, problems) from None
        return cls(cast(Any, settings))

    @property
    def target(self) -> str:
        """Which remote system this adapter talks to, without credentials (e.g. a URL)."""
        return self.name

    @property
    def state_namespace(self) -> str:
        """The ``adapter`` column of the sync state: the name and target (hashed if long)."""
        full = f"{self.name}:{self.target}"
        if len(full) <= 100:
            return full
        return f"{self.name}:sha256:{hashlib.sha256(self.target.encode()).hexdigest()[:32]}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} target={self.target!r}>"

    # -- capabilities ----------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        """Whether the adapter declares ``capability``."""
        return capability in self.capabilities

    def require(self, capability: Capability) -> None:
        """Raise :class:`CapabilityError` unless the adapter declares ``capability``."""
        if capability not in self.capabilities:
            can = ", ".join(sorted(c.value for c in self.capabilities)) or "nothing"
            raise CapabilityError(
                f"the {self.name!r} adapter cannot {capability.value.replace('-', ' ')} "
                f"(it can: {can})"
            )

    @classmethod
    def missing_methods(cls) -> dict[Capability, tuple[str, ...]]:
        """Declared capabilities whose methods the class does not implement."""
        out: dict[Capability, tuple[str, ...]] = {}
        for cap in cls.capabilities:
            missing = tuple(m for m in _NEEDS[cap] if getattr(cls, m) is getattr(Adapter, m, None))
            if missing:
                out[cap] = missing
        return out

    # -- warnings collected into the next plan ------------------------------------
    def warn(self, message: str) -> None:
        """Note something the user should know; it is shown in the plan being made."""
        self._warnings.append(message)

    def take_warnings(self) -> tuple[str, ...]:
        """The warnings noted since the last call (the engine puts them in the plan)."""
        out, self._warnings = tuple(self._warnings), []
        return out

    # -- local data -> objects (writes) ----------------------------------------------
    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        """The objects a model becomes remotely (``push-model``), parents before children."""
        raise self._cannot(Capability.PUSH_MODEL)

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        """The objects people become remotely (``push-people``)."""
        raise self._cannot(Capability.PUSH_PEOPLE)

    def rating_objects(self, assessments: Iterable[Assessment]) -> Iterable[LocalObject]:
        """The objects assessments become remotely (``push-ratings``)."""
        raise self._cannot(Capability.PUSH_RATINGS)

    def assignment_objects(
        self, assignments: Iterable[LearningAssignment]
    ) -> Iterable[LocalObject]:
        """The objects learning assignments become remotely (``assign-learning``)."""
        raise self._cannot(Capability.ASSIGN_LEARNING)

    # -- renames ----------------------------------------------------------------------
    def object_renames(self, scope: Scope, renames: Renames) -> dict[ObjectRef, str]:
        """The remote objects of ``scope`` that the model's renames rename in place.

        Returns old reference -> new key (same kind). The engine turns each into one
        ``update`` change carrying ``old_key``; :meth:`update` then gives the remote object
        its new key, keeping its remote id. Called before the local objects are made.

        The default renames nothing and says so in the plan: the renamed items are
        created under their new keys and the old objects kept (deleted with pruning).
        """
        if not renames.is_empty:
            self.warn(
                f"the {self.name} adapter cannot rename objects in place: "
                + "; ".join(renames.describe()[:10])
                + " will be created under the new key, and the old object kept (pruning "
                "deletes it)"
            )
        return {}

    def rekeyed(self, obj: RemoteObject, renames: Mapping[ObjectRef, str]) -> RemoteObject:
        """The remote object as it will read once the ``renames`` are carried out.

        The default renames the object itself and the objects it depends on. Adapters
        whose remote data refers to other objects through the remote system's own ids
        (a parent id read back as the parent's key) translate those fields too, so that
        the objects around a renamed one do not show as changed.
        """
        new = renames.get(obj.ref)
        deps = tuple(
            d.model_copy(update={"key": renames[d]}) if d in renames else d for d in obj.depends_on
        )
        if new is None and deps == obj.depends_on:
            return obj
        return obj.model_copy(update={"key": new or obj.key, "depends_on": deps})

    # -- the remote side (writes) ----------------------------------------------------
    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        """Stream every remote object in ``scope``, in the shape of the local objects."""
        raise self._cannot(scope.operation)

    def begin(self, plan: Plan) -> None:
        """Called once before a plan's changes are carried out (e.g. to open a file)."""

    def create(self, change: Change, ids: RemoteIds) -> str:
        """Create the object of a ``create`` change; returns its remote id.

        ``ids`` gives the remote ids of the objects it depends on. Raise
        :class:`~competency_core.errors.SyncError` when the remote system refuses.
        """
        raise CapabilityError(f"the {self.name!r} adapter cannot create objects")

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        """Make the remote object ``remote_id`` hold ``change.data``.

        When ``change.old_key`` is set (a rename, see :meth:`object_renames`), the remote
        object also gets the new key ``change.key``, in place.
        """
        raise CapabilityError(f"the {self.name!r} adapter cannot update objects")

    def delete(self, change: Change, remote_id: str) -> None:
        """Delete the remote object ``remote_id`` (only ever asked for with pruning)."""
        raise CapabilityError(f"the {self.name!r} adapter cannot delete objects")

    def flush(self) -> None:
        """Make the changes carried out so far durable (e.g. write the file)."""

    # -- reads -------------------------------------------------------------------------
    def pull_model(self, key: str | None = None) -> CompetencyModel:
        """Read a model (the one with ``key``, or the only one) from the remote system."""
        raise self._cannot(Capability.PULL_MODEL)

    def pull_people(self) -> Iterator[Person]:
        """Stream the people of the remote system."""
        raise self._cannot(Capability.PULL_PEOPLE)

    def pull_ratings(self) -> Iterator[Assessment]:
        """Stream the ratings of the remote system as assessments."""
        raise self._cannot(Capability.PULL_RATINGS)

    def pull_assignments(self) -> Iterator[LearningAssignment]:
        """Stream the learning assignments of the remote system."""
        raise self._cannot(Capability.PULL_LEARNING)

    def pull_completions(self) -> Iterator[Evidence]:
        """Stream the completed courses of the remote system as ``course`` evidence.

        Each piece names the learning resource of the model the course is (``resource``),
        the person, the day it was completed, and where it came from (``source``,
        ``asserted_by``, a stable ``identifier``, so that pulling twice stores it once).
        """
        raise self._cannot(Capability.PULL_COMPLETIONS)

    def _cannot(self, capability: Capability) -> CapabilityError:
        try:
            self.require(capability)
        except CapabilityError as exc:
            return exc
        return CapabilityError(
            f"the {self.name!r} adapter declares {capability.value} but does not implement it"
        )


__all__ = ["Adapter", "AdapterSettings", "Capability", "RemoteIds"]
