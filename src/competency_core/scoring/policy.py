"""Scoring policies: what unassessed competencies count as, how several ratings combine.

Nothing here is a hidden default: :data:`DEFAULT_POLICY` spells out every choice, and
every scoring function takes a ``policy`` argument.

>>> DEFAULT_POLICY.unassessed, DEFAULT_POLICY.aggregation, DEFAULT_POLICY.ready_threshold
(<UnassessedPolicy.MINIMUM: 'minimum'>, <Aggregation.LATEST: 'latest'>, 0.8)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from competency_core.people import RaterType
from competency_core.scoring.choices import Aggregation, UnassessedPolicy

DEFAULT_RATER_PRIORITY: tuple[RaterType, ...] = (
    RaterType.CERTIFICATION,
    RaterType.TEST,
    RaterType.MANAGER,
    RaterType.THREE_SIXTY,
    RaterType.INTERVIEW,
    RaterType.PEER,
    RaterType.SELF,
)
"""Evidence first (certification, test), then the manager, 360, interview, peer and self."""

DEFAULT_RATER_WEIGHTS: dict[RaterType, float] = {
    RaterType.CERTIFICATION: 3.0,
    RaterType.TEST: 3.0,
    RaterType.MANAGER: 2.0,
    RaterType.THREE_SIXTY: 2.0,
    RaterType.INTERVIEW: 2.0,
    RaterType.PEER: 1.0,
    RaterType.SELF: 1.0,
}
"""Weights of the ``blend`` aggregation: evidence 3, manager / 360 / interview 2, peer and self 1."""

READY_TOLERANCE = 1e-9
"""``ready`` compares readiness with the threshold within this tolerance."""


class ScoringPolicy(BaseModel):
    """Every choice scoring makes, explicit.

    >>> ScoringPolicy(unassessed="exclude", aggregation="priority").rater_rank(RaterType.SELF)
    6
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    unassessed: UnassessedPolicy = Field(
        default=UnassessedPolicy.MINIMUM,
        description="What an unassessed required competency counts as (default: the minimum).",
    )
    aggregation: Aggregation = Field(
        default=Aggregation.LATEST,
        description="How several assessments of one competency combine (default: the latest).",
    )
    rater_priority: tuple[RaterType, ...] = Field(
        default=DEFAULT_RATER_PRIORITY,
        description="Rater types, most trusted first; unlisted ones rank after the listed.",
    )
    rater_weights: dict[RaterType, float] = Field(
        default_factory=lambda: dict(DEFAULT_RATER_WEIGHTS),
        description="Weights of rater types for the blend aggregation; unlisted ones weigh 0.",
    )
    ready_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="Readiness from which someone is ready (when no essential is unmet).",
    )

    @field_validator("rater_priority")
    @classmethod
    def _distinct(cls, value: tuple[RaterType, ...]) -> tuple[RaterType, ...]:
        if len(set(value)) != len(value):
            raise ValueError("rater_priority lists a rater type twice")
        return value

    @field_validator("rater_weights")
    @classmethod
    def _non_negative(cls, value: dict[RaterType, float]) -> dict[RaterType, float]:
        bad = {str(k): w for k, w in value.items() if not w >= 0}
        if bad:
            raise ValueError(f"rater weights must be >= 0; got {bad}")
        return value

    def rater_rank(self, rater: RaterType) -> int:
        """Position of a rater type in the priority order (0 is the most trusted)."""
        try:
            return self.rater_priority.index(rater)
        except ValueError:
            return len(self.rater_priority) + list(RaterType).index(rater)

    def rater_weight(self, rater: RaterType) -> float:
        """The blend weight of a rater type (0 when unlisted)."""
        return self.rater_weights.get(rater, 0.0)


DEFAULT_POLICY = ScoringPolicy()
"""Unassessed count as the minimum, latest assessment wins, ready from readiness 0.8."""


__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_RATER_PRIORITY",
    "DEFAULT_RATER_WEIGHTS",
    "READY_TOLERANCE",
    "Aggregation",
    "ScoringPolicy",
    "UnassessedPolicy",
]
