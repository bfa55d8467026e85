"""Evidence of what people can do, and the rules a model declares to turn it into levels.

An :class:`~competency_core.people.Assessment` (a rating) is one kind of evidence; the
others are what people bring from the systems they live in: a certification with its
validity, a completed course or learning resource, an Open Badges 3.0 credential whose
achievement is aligned to a competency, and xAPI statements from a Learning Record Store.
Every piece keeps where it came from (``source``), when (``date``), who asserted it
(``asserted_by``) and the model version it was made against.

A model says how evidence becomes a level in its ``evidence`` section
(:class:`EvidenceRules`): a default rule and one rule per competency, each a named rule
with its own parameters (the built-in ones are ``precedence``, ``any-of`` and ``roll-up``;
plugins add more through the ``register_evidence_rules`` hook), and half-lives that lower
confidence or level as evidence ages. The rules themselves run in
:mod:`competency_core.scoring.rules`.

>>> import datetime as dt
>>> e = Evidence(kind="certification", person="ana", competency="cloud", name="AWS SA",
...              asserted_by="Amazon Web Services", date="2026-01-10",
...              valid_until="2029-01-10", level=4)
>>> e.is_current(dt.date(2026, 6, 1)), e.is_current(dt.date(2030, 1, 1))
(True, False)
>>> e.id
'certification:ana:cloud:2026-01-10:AWS SA'
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from competency_core.keys import Key
from competency_core.people import (
    LEVELLED_KINDS,
    RATER_OF_KIND,
    Evidence,
    EvidenceKind,
    as_evidence,
)

# -- the rules a model declares ------------------------------------------------------------


class RuleSpec(BaseModel):
    """A named rule with its parameters, as the model declares it.

    The parameters are the rule's own (checked by the rule when the model is scored or
    validated): ``{rule: roll-up, mode: n-of, n: 2}``.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    rule: str = Field(default="precedence", description="The rule's name, e.g. 'any-of'.")

    @property
    def params(self) -> dict[str, Any]:
        """The rule's parameters (everything but ``rule`` and ``competency``)."""
        extra = dict(self.model_extra or {})
        extra.pop("competency", None)
        return extra


class CompetencyRule(RuleSpec):
    """The rule that decides one competency's level."""

    competency: Key


class HalfLife(BaseModel):
    """How fast evidence of a competency ages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: Key | Literal["*"] = Field(description="A competency's key, or '*' for all.")
    days: PositiveInt = Field(description="After this many days evidence counts half.")
    lowers: Literal["confidence", "level"] = Field(
        default="confidence",
        description="'confidence': the level stands and its confidence falls; 'level': the "
        "level itself falls to the scale level at or below the normalised level x "
        "0.5^(age/days) (on a 1-4 scale, a 3 one half-life old: 2/3 x 0.5 = 1/3, a 2).",
    )


class EvidenceRules(BaseModel):
    """How the model turns evidence into levels (the ``evidence`` section of a model)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: RuleSpec = Field(
        default_factory=RuleSpec,
        description="The rule of every competency without its own (default: precedence, "
        "the scoring policy's aggregation and rater order).",
    )
    rules: tuple[CompetencyRule, ...] = Field(default=(), description="Rules per competency.")
    half_life: tuple[HalfLife, ...] = Field(
        default=(), description="Half-lives per competency ('*' for every competency)."
    )

    @property
    def declared(self) -> bool:
        """Whether anything differs from today's precedence with no ageing."""
        return bool(self.rules or self.half_life or self.default.rule != "precedence")

    def rule_for(self, competency: str) -> RuleSpec:
        """The rule that decides ``competency``."""
        for r in self.rules:
            if r.competency == competency:
                return r
        return self.default

    def half_life_for(self, competency: str) -> HalfLife | None:
        """The half-life of ``competency`` (its own, else the '*' one)."""
        star = None
        for h in self.half_life:
            if h.competency == competency:
                return h
            if h.competency == "*":
                star = h
        return star


__all__ = [
    "LEVELLED_KINDS",
    "RATER_OF_KIND",
    "CompetencyRule",
    "Evidence",
    "EvidenceKind",
    "EvidenceRules",
    "HalfLife",
    "RuleSpec",
    "as_evidence",
]
