"""The errors of planning and applying a sync, all :class:`~competency_core.errors.SyncError`."""

from __future__ import annotations

from collections.abc import Sequence

from competency_core.errors import ApplyVetoedError, ModelValidationError, Problem, SyncError


class StalePlanError(SyncError):
    """The remote state changed since the plan was made: plan again.

    ``changed`` lists the ``kind/key`` of each object whose remote state is neither what the
    plan read nor what it meant to write.
    """

    def __init__(self, changed: Sequence[str]) -> None:
        self.changed = tuple(changed)
        shown = ", ".join(self.changed[:10])
        more = f" and {len(self.changed) - 10} more" if len(self.changed) > 10 else ""
        super().__init__(
            "the plan is stale: the remote state changed since it was made "
            f"({shown}{more}); make a new plan and review it"
        )


class CapabilityError(SyncError):
    """The adapter cannot do what was asked (it does not declare the capability)."""


class PlanMismatchError(SyncError):
    """The plan was made for another adapter, target or operation."""


class AdapterSettingsError(ModelValidationError, SyncError):
    """An adapter's settings are invalid; ``problems`` lists each, never with a secret value."""

    def __init__(self, adapter: str, problems: Sequence[Problem]) -> None:
        super().__init__(problems, f"invalid settings for the {adapter!r} adapter")


__all__ = [
    "AdapterSettingsError",
    "ApplyVetoedError",
    "CapabilityError",
    "PlanMismatchError",
    "StalePlanError",
]
