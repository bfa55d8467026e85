"""Rules that turn a person's evidence into a level per competency, and say why.

A model declares its rules in its ``evidence`` section
(:class:`~competency_core.evidence.EvidenceRules`); each rule is a plugin, a subclass of
:class:`EvidenceRule` registered through the ``register_evidence_rules`` hook. The
built-in ones:

``precedence``
    Today's policy (:class:`~competency_core.scoring.ScoringPolicy`): the latest piece
    wins (same day: the most trusted rater type), or the most trusted rater type's latest,
    or a weighted blend. Credentials (certifications, badges) rank as certifications,
    scored xAPI results as tests. A completed course sets no level by itself.
``any-of``
    Paths, each a set of conditions that must all hold: "a certification alone", "a
    manager rating and a completed course together". The best satisfied path decides.
``roll-up``
    A parent competency's level from its children's: ``all`` (the lowest child), ``n-of``
    (the level at least ``n`` children reach) or ``weighted`` (the weighted mean).

Evidence that had not been earned or had expired on the scoring date is ignored, and a
half-life (``evidence.half_life``) lowers the confidence, or the level, as the deciding
evidence ages. :func:`explain_levels` returns, per competency, the level with the rule
that decided it and every piece of evidence it used and ignored, with the reason.
"""

from __future__ import annotations

import datetime as dt
import math
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from competency_core.errors import ModelValidationError, ScaleMappingError, ScoringError
from competency_core.evidence import EvidenceRules, RuleSpec
from competency_core.messages import pydantic_problems, register_model
from competency_core.model import CompetencyModel
from competency_core.people import (
    Assessment,
    Evidence,
    EvidenceKind,
    RaterType,
    as_evidence,
)
from competency_core.problems import Problem
from competency_core.scales import ProficiencyScale
from competency_core.scoring.choices import Aggregation
from competency_core.scoring.levels import SNAP_TOLERANCE, normalised_grid, snap
from competency_core.scoring.policy import ScoringPolicy

# -- what a rule sees and says -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weighed:
    """One piece of evidence as a rule considered it."""

    evidence: Evidence
    normalised: float | None
    """Its level normalised on the competency's scale (None: it attests no level)."""
    note: str = ""
    """Why it was used or ignored."""

    def with_note(self, note: str) -> Weighed:
        """The same piece with another note."""
        return Weighed(self.evidence, self.normalised, note)


@dataclass(frozen=True, slots=True)
class Decision:
    """What a rule decided for one competency."""

    normalised: float | None
    """The level normalised on the competency's scale (None: no level)."""
    used: tuple[Weighed, ...] = ()
    ignored: tuple[Weighed, ...] = ()
    detail: str = ""
    """How the rule decided, in a sentence: 'the latest piece (2026-03-01, manager)'."""
    notes: tuple[str, ...] = ()
    """Anything else worth knowing, e.g. the paths that were not satisfied."""
    children: tuple[Explanation, ...] = ()
    """The explanations of the children a roll-up used."""
    raters: tuple[RaterType, ...] = ()
    """The rater types the level came from (for analytics by rater)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a person has the level they have on one competency."""

    person: str
    competency: str
    on: dt.date
    rule: str
    """The rule's name, e.g. 'precedence', 'any-of', 'roll-up'."""
    detail: str
    level: float | None
    """The level on the competency's scale (None: unassessed)."""
    normalised: float | None
    label: str | None
    """The level's label on the scale, when the level is one of the scale's."""
    confidence: float | None
    """1.0 for fresh evidence, halved every half-life; None when there is no level."""
    used: tuple[Weighed, ...]
    ignored: tuple[Weighed, ...]
    notes: tuple[str, ...] = ()
    children: tuple[Explanation, ...] = ()
    raters: tuple[RaterType, ...] = ()
    considered: int = 0
    """How many current pieces the rule weighed."""

    @property
    def evidence_ids(self) -> set[str]:
        """The ids of every piece named, used or ignored, here and in the children."""
        ids = {w.evidence.id for w in self.used} | {w.evidence.id for w in self.ignored}
        for c in self.children:
            ids |= c.evidence_ids
        return ids

    def to_json(self) -> dict[str, Any]:
        """The explanation as plain JSON data."""
        return {
            "person": self.person,
            "competency": self.competency,
            "on": self.on.isoformat(),
            "level": self.level,
            "label": self.label,
            "normalised": self.normalised,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "rule": self.rule,
            "detail": self.detail,
            "used": [_weighed_json(w) for w in self.used],
            "ignored": [_weighed_json(w) for w in self.ignored],
            "notes": list(self.notes),
            "children": [c.to_json() for c in self.children],
        }


def _weighed_json(w: Weighed) -> dict[str, Any]:
    e = w.evidence
    out: dict[str, Any] = {
        "id": e.id,
        "kind": str(e.kind),
        "date": e.date.isoformat(),
        "level": e.level,
        "why": w.note,
    }
    for name in ("competency", "resource", "valid_until", "asserted_by", "source", "name"):
        value = getattr(e, name)
        if value is not None:
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
    if e.rater_type is not None:
        out["rater_type"] = str(e.rater_type)
    if e.model_version is not None:
        out["model_version"] = e.model_version
    return out


@dataclass
class RuleContext:
    """What a rule may consult while it decides one competency of one person."""

    model: CompetencyModel
    policy: ScoringPolicy
    on: dt.date
    person: str
    competency: str
    child: Callable[[str], Explanation]
    """The explanation of another competency of the same person (for roll-ups)."""

    @property
    def scale(self) -> ProficiencyScale:
        """The competency's scale."""
        return self.model.scale_of(self.competency)

    def normalise(self, level: int) -> float:
        """A level of the competency's scale, normalised."""
        return self.scale.normalise(level)


class EvidenceRule(ABC):
    """A rule that decides one competency's level from its evidence (a plugin).

    Subclasses set ``name`` and ``Params`` (a pydantic model of the rule's parameters, as
    the model declares them next to ``rule:``) and implement :meth:`decide`; :meth:`check`
    reports parameters that do not fit the model, with paths relative to the rule.
    """

    name: ClassVar[str]
    Params: ClassVar[type[BaseModel]]

    def __init__(self, params: BaseModel, model: CompetencyModel, competency: str | None) -> None:
        self.params = params
        self.model = model
        self.competency = competency

    def check(self) -> list[Problem]:
        """Problems of the parameters against the model (none by default)."""
        return []

    @abstractmethod
    def decide(self, items: Sequence[Weighed], ctx: RuleContext) -> Decision:
        """The level of ``ctx.competency`` from its current evidence ``items``."""


class _NoParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- precedence: today's policy ------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


class Precedence(EvidenceRule):
    """The scoring policy's aggregation and rater order (``latest``, ``priority``, ``blend``)."""

    name = "precedence"
    Params = _NoParams

    def decide(self, items: Sequence[Weighed], ctx: RuleContext) -> Decision:
        """The policy's precedence over the pieces with a level and a rater type."""
        policy = ctx.policy
        ranked: list[tuple[Weighed, RaterType]] = []
        ignored: list[Weighed] = []
        for w in items:
            rater = w.evidence.ranks_as
            if w.normalised is None or rater is None:
                why = (
                    "a completed course sets no level by itself (an any-of path can count it)"
                    if w.evidence.kind is EvidenceKind.COURSE
                    else "attests no level (an any-of path with a level can count it)"
                )
                ignored.append(w.with_note(why))
            else:
                ranked.append((w, rater))
        if not ranked:
            return Decision(None, ignored=tuple(ignored), detail="no evidence with a level")
        rank = policy.rater_rank
        if policy.aggregation is Aggregation.BLEND:
            by_rater: dict[RaterType, list[Weighed]] = defaultdict(list)
            for w, r in ranked:
                if policy.rater_weight(r) > 0:
                    by_rater[r].append(w)
                else:
                    ignored.append(w.with_note(f"{r} weighs 0 in the blend"))
            if not by_rater:
                return Decision(None, ignored=tuple(ignored), detail="nothing weighs in the blend")
            raters = tuple(sorted(by_rater, key=rank))
            used: list[Weighed] = []
            values: list[float] = []
            for r in raters:
                last = max(w.evidence.date for w in by_rater[r])
                latest = [w for w in by_rater[r] if w.evidence.date == last]
                values.append(_mean([w.normalised or 0.0 for w in latest]))
                weight = policy.rater_weight(r)
                used += [w.with_note(f"the latest {r} piece, weight {weight:g}") for w in latest]
                ignored += [
                    w.with_note(f"superseded by the {r} piece of {last}")
                    for w in by_rater[r]
                    if w.evidence.date < last
                ]
            weights = [policy.rater_weight(r) for r in raters]
            total = math.fsum(w * v for w, v in zip(weights, values, strict=True))
            detail = "a blend of the latest piece per rater type (" + ", ".join(
                f"{r} x{policy.rater_weight(r):g}" for r in raters
            )
            return Decision(
                total / math.fsum(weights),
                tuple(used),
                tuple(ignored),
                detail + ")",
                raters=raters,
            )
        ranks = {r: rank(r) for r in {r for _, r in ranked}}  # rater_rank searches a tuple
        if policy.aggregation is Aggregation.PRIORITY:
            best = min(ranks.values())
            top = [(w, r) for w, r in ranked if ranks[r] == best]
            last = max(w.evidence.date for w, _ in top)
            chosen = [w for w, _ in top if w.evidence.date == last]
            rater = top[0][1]
            outranked = f"outranked by {rater} (policy: priority)"
            superseded = f"superseded by the {rater} piece of {last}"
            for w, r in ranked:
                if ranks[r] != best:
                    ignored.append(w.with_note(outranked))
                elif w.evidence.date < last:
                    ignored.append(w.with_note(superseded))
            detail = f"the most trusted rater type's latest: {rater} on {last}"
        else:
            last = max(w.evidence.date for w, _ in ranked)
            same_day = [(w, r) for w, r in ranked if w.evidence.date == last]
            best = min(ranks[r] for _, r in same_day)
            chosen = [w for w, r in same_day if ranks[r] == best]
            rater = next(r for _, r in same_day if ranks[r] == best)
            superseded = f"superseded by the piece of {last}"
            outranked = f"outranked by {rater} on the same day"
            for w, r in ranked:
                if w.evidence.date < last:
                    ignored.append(w.with_note(superseded))
                elif ranks[r] != best:
                    ignored.append(w.with_note(outranked))
            detail = f"the latest piece: {rater} on {last}"
        note = "decided the level" if len(chosen) == 1 else f"one of {len(chosen)} averaged"
        return Decision(
            _mean([w.normalised or 0.0 for w in chosen]),
            tuple(w.with_note(note) for w in chosen),
            tuple(ignored),
            detail,
            raters=(rater,),
        )


# -- any-of: paths of evidence -------------------------------------------------------------


class Condition(BaseModel):
    """What one piece of evidence must be for a path (every field given must match)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EvidenceKind | None = None
    rater_type: RaterType | None = None
    asserted_by: str | None = Field(default=None, description="The issuer or rater.")
    name: str | None = Field(default=None, description="The certification or badge name.")
    resource: str | None = Field(default=None, description="The learning resource (course).")
    min_level: int | None = Field(default=None, description="At least this level.")

    def describe(self) -> str:
        """The condition in words: 'a certification named AWS SA'."""
        what = str(self.kind) if self.kind else "any evidence"
        parts = [f"a {what}" if self.kind else what]
        for label, value in (
            ("by", self.rater_type),
            ("asserted by", self.asserted_by),
            ("named", self.name),
            ("of", self.resource),
        ):
            if value is not None:
                parts.append(f"{label} {value}")
        if self.min_level is not None:
            parts.append(f"at level {self.min_level} or above")
        return " ".join(parts)

    def matches(self, w: Weighed, ctx: RuleContext) -> bool:
        """Whether a piece of evidence meets the condition."""
        e = w.evidence
        if self.kind is not None and e.kind is not self.kind:
            return False
        if self.rater_type is not None and e.ranks_as is not self.rater_type:
            return False
        if self.asserted_by is not None and (e.asserted_by or "").casefold() != (
            self.asserted_by.casefold()
        ):
            return False
        if self.name is not None and (e.name or "").casefold() != self.name.casefold():
            return False
        if self.resource is not None and e.resource != self.resource:
            return False
        if self.min_level is not None:
            need = ctx.normalise(self.min_level)
            if w.normalised is None or w.normalised < need - SNAP_TOLERANCE:
                return False
        return True


class EvidencePath(BaseModel):
    """Conditions that together give a level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    all: tuple[Condition, ...] = Field(min_length=1)
    level: int | Literal["lowest", "highest"] = Field(
        default="lowest",
        description="The level the path gives: a level of the scale, or the lowest (highest) "
        "level among the evidence it matched.",
    )


class AnyOfParams(BaseModel):
    """The paths of an ``any-of`` rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paths: tuple[EvidencePath, ...] = Field(min_length=1)


def _newest_first(w: Weighed, policy: ScoringPolicy) -> tuple[dt.date, float, int, str]:
    """How a condition picks among the pieces it matches (a total order, not input order).

    The newest, then the highest level, then the most trusted rater type, then the id.
    """
    rater = w.evidence.ranks_as
    rank = policy.rater_rank(rater) if rater is not None else len(RaterType)
    normalised = -1.0 if w.normalised is None else w.normalised
    return (w.evidence.date, normalised, -rank, w.evidence.id)


class AnyOf(EvidenceRule):
    """The best of several paths, each a set of conditions that must all hold."""

    name = "any-of"
    Params = AnyOfParams

    def check(self) -> list[Problem]:
        """Levels on the competency's scale; resources that exist and develop it."""
        assert isinstance(self.params, AnyOfParams)
        out: list[Problem] = []
        if self.competency is None:
            return [Problem(path="rule", message="any-of names paths of one competency")]
        scale = self.model.scale_of(self.competency)
        resources = {r.key: r for r in self.model.learning_resources}
        for i, p in enumerate(self.params.paths):
            if isinstance(p.level, int) and not scale.has_level(p.level):
                out.append(
                    Problem(
                        path=f"paths[{i}].level",
                        message=f"{p.level} is not a level of scale {scale.key!r} "
                        f"(levels: {list(scale.values)})",
                    )
                )
            for j, c in enumerate(p.all):
                if c.min_level is not None and not scale.has_level(c.min_level):
                    out.append(
                        Problem(
                            path=f"paths[{i}].all[{j}].min_level",
                            message=f"{c.min_level} is not a level of scale {scale.key!r}",
                        )
                    )
                if c.resource is not None:
                    res = resources.get(c.resource)
                    if res is None:
                        out.append(
                            Problem(
                                path=f"paths[{i}].all[{j}].resource",
                                message=f"unknown learning resource {c.resource!r}",
                            )
                        )
                    elif self.competency not in {d.competency for d in res.develops}:
                        out.append(
                            Problem(
                                path=f"paths[{i}].all[{j}].resource",
                                message=f"{c.resource!r} does not develop {self.competency!r}: "
                                "add it to the resource's develops, or name another resource",
                            )
                        )
        return out

    def decide(self, items: Sequence[Weighed], ctx: RuleContext) -> Decision:
        """The highest level among the paths whose conditions all hold."""
        assert isinstance(self.params, AnyOfParams)
        best: tuple[float, str, list[Weighed]] | None = None
        notes: list[str] = []
        for i, path in enumerate(self.params.paths):
            label = path.name or f"path {i + 1}"
            matched: list[Weighed] = []
            missing: list[str] = []
            for c in path.all:
                hits = [w for w in items if c.matches(w, ctx)]
                if not hits:
                    missing.append(c.describe())
                    continue
                matched.append(max(hits, key=lambda w: _newest_first(w, ctx.policy)))
            if missing:
                notes.append(f"{label}: not met, missing {'; '.join(missing)}")
                continue
            if isinstance(path.level, int):
                value: float | None = ctx.normalise(path.level)
            else:
                levels = [w.normalised for w in matched if w.normalised is not None]
                pick = min if path.level == "lowest" else max
                value = pick(levels) if levels else None
            if value is None:
                notes.append(f"{label}: met, but nothing it matched has a level (give it one)")
                continue
            if best is None or value > best[0] + SNAP_TOLERANCE:
                best = (value, label, matched)
        if best is None:
            return Decision(
                None,
                ignored=tuple(w.with_note("no path was met") for w in items),
                detail="no path was met",
                notes=tuple(notes),
            )
        value, label, matched = best
        seen = {id(w) for w in matched}
        unique = list({id(w): w for w in matched}.values())
        raters = tuple(dict.fromkeys(r for w in unique if (r := w.evidence.ranks_as) is not None))
        return Decision(
            value,
            tuple(w.with_note(f"met {label}") for w in unique),
            tuple(w.with_note(f"not needed by {label}") for w in items if id(w) not in seen),
            f"{label}",
            tuple(notes),
            raters=raters,
        )


# -- roll-up: a parent from its children ---------------------------------------------------


class RollUpParams(BaseModel):
    """How children's levels make the parent's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["all", "n-of", "weighted"] = "all"
    n: PositiveInt | None = Field(default=None, description="For n-of: how many children.")
    weights: dict[str, float] = Field(
        default_factory=dict, description="For weighted: weight per child (default 1)."
    )


def _floor(value: float, grid: Sequence[float]) -> float:
    """The highest grid point at or below ``value`` (the lowest when none is)."""
    below = [t for t in grid if t <= value + SNAP_TOLERANCE]
    return max(below) if below else grid[0]


class RollUp(EvidenceRule):
    """A parent competency's level from its children's levels."""

    name = "roll-up"
    Params = RollUpParams

    def children(self) -> list[str]:
        """The keys of the competency's children, in model order."""
        return [c.key for c in self.model.competencies if c.parent == self.competency]

    def check(self) -> list[Problem]:
        """Children to roll up; n and weights that fit the mode and the children."""
        assert isinstance(self.params, RollUpParams)
        if self.competency is None:
            return [Problem(path="rule", message="roll-up is declared per parent competency")]
        kids = self.children()
        out: list[Problem] = []
        if not kids:
            out.append(
                Problem(
                    path="competency",
                    message=f"{self.competency!r} has no children to roll up (set their parent)",
                )
            )
        p = self.params
        if p.mode == "n-of" and p.n is None:
            out.append(Problem(path="n", message="n-of needs n, the number of children"))
        if p.mode == "n-of" and p.n is not None and kids and p.n > len(kids):
            out.append(Problem(path="n", message=f"n is {p.n} but there are {len(kids)} children"))
        if p.mode != "n-of" and p.n is not None:
            out.append(Problem(path="n", message="n is for mode n-of"))
        for child, w in p.weights.items():
            if child not in kids:
                out.append(Problem(path=f"weights.{child}", message=f"{child!r} is not a child"))
            elif not w >= 0:
                out.append(Problem(path=f"weights.{child}", message="a weight is >= 0"))
        if p.weights and p.mode != "weighted":
            out.append(Problem(path="weights", message="weights are for mode weighted"))
        return out

    def decide(self, items: Sequence[Weighed], ctx: RuleContext) -> Decision:
        """The children's levels combined by the mode, to the scale level at or below."""
        assert isinstance(self.params, RollUpParams)
        p = self.params
        kids = [ctx.child(k) for k in self.children()]
        values = [k.normalised for k in kids]
        ignored = tuple(w.with_note("the level rolls up from the children") for w in items)
        if all(v is None for v in values):
            return Decision(None, (), ignored, "no child has a level", children=tuple(kids))
        known = [0.0 if v is None else v for v in values]
        notes = tuple(
            f"{k.competency} is unassessed and counts as the minimum"
            for k in kids
            if k.level is None
        )
        if p.mode == "all":
            value, detail = min(known), f"all {len(kids)} children: the lowest"
        elif p.mode == "n-of":
            n = p.n or 1
            value = sorted(known, reverse=True)[n - 1]
            detail = f"{n} of {len(kids)} children: the level {n} of them reach"
        else:
            weights = [p.weights.get(k.competency, 1.0) for k in kids]
            if math.fsum(weights) <= 0:
                return Decision(None, (), ignored, "every child weighs 0", children=tuple(kids))
            value = math.fsum(w * v for w, v in zip(weights, known, strict=True)) / math.fsum(
                weights
            )
            detail = f"the weighted mean of {len(kids)} children, to the scale level at or below"
        raters = tuple(dict.fromkeys(r for k in kids for r in k.raters))
        return Decision(
            _floor(value, normalised_grid(ctx.scale)),
            (),
            ignored,
            detail,
            notes,
            tuple(kids),
            raters,
        )


BUILTIN_RULES: dict[str, type[EvidenceRule]] = {r.name: r for r in (Precedence, AnyOf, RollUp)}
"""The rules that ship with competency-core (registered through the hook like any other)."""


# -- the model's rules, compiled and checked -----------------------------------------------


def available_rules() -> dict[str, type[EvidenceRule]]:
    """Every rule, built-in and from plugins, by name."""
    from competency_core.plugins import plugin_registry

    return plugin_registry().evidence_rules()


def _rule_class(name: str) -> type[EvidenceRule] | None:
    if name in BUILTIN_RULES:
        return BUILTIN_RULES[name]
    return available_rules().get(name)


def _instantiate(
    spec: RuleSpec, model: CompetencyModel, competency: str | None, path: str
) -> tuple[EvidenceRule | None, list[Problem]]:
    cls = _rule_class(spec.rule)
    if cls is None:
        known = ", ".join(sorted(available_rules()))
        return None, [
            Problem(
                path=f"{path}.rule",
                message=f"unknown evidence rule {spec.rule!r} (rules: {known}; a plugin can "
                "add one through register_evidence_rules)",
            )
        ]
    try:
        params = cls.Params.model_validate(spec.params)
    except ValidationError as exc:
        # in the user's words, at paths like a model's (paths[0].all), without pydantic's
        # echoes ("should have at least 1 item" of a list whose one item is wrong)
        register_model(cls.Params)
        return None, [
            Problem(
                path=f"{path}.{p.path}" if p.path else path,
                message=f"{spec.rule}: {p.message}",
            )
            for p in pydantic_problems(exc, spec.params)
        ]
    rule = cls(params, model, competency)
    return rule, [
        Problem(path=f"{path}.{p.path}", message=f"{spec.rule}: {p.message}") for p in rule.check()
    ]


@dataclass
class CompiledRules:
    """The model's rules as rule objects, checked."""

    default: EvidenceRule
    by_competency: dict[str, EvidenceRule] = field(default_factory=dict)

    def rule_for(self, competency: str) -> EvidenceRule:
        """The rule deciding ``competency``."""
        return self.by_competency.get(competency, self.default)


def evidence_rule_problems(model: CompetencyModel) -> list[Problem]:
    """Every problem of the model's evidence rules, with its path (``competency validate``)."""
    return _compile(model)[1]


def _compile(model: CompetencyModel) -> tuple[CompiledRules | None, list[Problem]]:
    rules: EvidenceRules = model.evidence
    problems: list[Problem] = []
    default, found = _instantiate(rules.default, model, None, "evidence.default")
    problems += found
    by: dict[str, EvidenceRule] = {}
    for i, spec in enumerate(rules.rules):
        if not model.has_competency(spec.competency):
            continue  # the model's reference check reports it
        rule, found = _instantiate(spec, model, spec.competency, f"evidence.rules[{i}]")
        problems += found
        if rule is not None:
            by[spec.competency] = rule
    if default is None or problems:
        return None, problems
    return CompiledRules(default, by), problems


def compile_rules(model: CompetencyModel) -> CompiledRules:
    """The model's evidence rules, checked (cached on the model while its rules stay)."""
    slot = "__compiled_evidence_rules"
    hit = model.__dict__.get(slot)
    # ``model_copy`` copies the cache along: the rules hold the model they were compiled
    # for (a roll-up reads its children from it), so a copy compiles its own
    if hit is not None and hit[0] is model.evidence and hit[1].default.model is model:
        compiled: CompiledRules = hit[1]
        return compiled
    compiled_or_none, problems = _compile(model)
    if compiled_or_none is None:
        raise ModelValidationError(problems, f"model {model.key!r}: the evidence rules are invalid")
    model.__dict__[slot] = (model.evidence, compiled_or_none)
    return compiled_or_none


# -- from evidence to explanations ---------------------------------------------------------


def _who(e: Evidence, competency: str) -> str:
    """The piece named in a message (its id is built only when there is something to say)."""
    return f"evidence {e.id!r} of {e.person!r} on {competency!r}"


def _normalised_level(model: CompetencyModel, e: Evidence, competency: str) -> float | None:
    """The piece's level normalised on the competency's scale (converted when needed)."""
    if e.level is None or e.competency is None:
        return None
    target = model.competency(competency).scale
    source = e.scale or target
    if source == target:
        scale = model.scale(target)
        if not scale.has_level(e.level):
            raise ScoringError(
                f"{_who(e, competency)}: {e.level} is not a level of scale {target!r} (levels: {list(scale.values)})"
            )
        return scale.normalise(e.level)
    mapping = model.scale_mapping(source, target)
    if mapping is None:
        raise ScoringError(
            f"{_who(e, competency)} is on scale {source!r}, but the competency is measured on {target!r} and "
            f"model {model.key!r} declares no mapping from {source!r} to {target!r} (add one "
            "under scale_mappings)"
        )
    try:
        return model.scale(target).normalise(mapping.convert(e.level))
    except ScaleMappingError as exc:
        raise ScoringError(f"{_who(e, competency)}: {exc}") from None


@dataclass
class _ScaleTable:
    """What scoring looks up per competency, kept on the model while its scales stay."""

    normalised: dict[tuple[str, str | None, int], float] = field(default_factory=dict)
    """(competency, the piece's scale, level) -> the level normalised on the competency's."""
    grids: dict[str, tuple[ProficiencyScale, tuple[float, ...]]] = field(default_factory=dict)
    """Competency -> its scale and the scale's normalised levels."""

    def grid(
        self, model: CompetencyModel, competency: str
    ) -> tuple[ProficiencyScale, tuple[float, ...]]:
        """The competency's scale and its normalised grid."""
        hit = self.grids.get(competency)
        if hit is None:
            scale = model.scale_of(competency)
            hit = self.grids[competency] = (scale, normalised_grid(scale))
        return hit

    def level(self, model: CompetencyModel, e: Evidence, competency: str) -> float | None:
        """:func:`_normalised_level`, looked up once per competency, scale and level."""
        if e.level is None or e.competency is None:
            return None
        key = (competency, e.scale, e.level)
        n = self.normalised.get(key)
        if n is None:
            n = _normalised_level(model, e, competency)
            if n is not None:
                self.normalised[key] = n
        return n


def _scale_table(model: CompetencyModel) -> _ScaleTable:
    """The model's lookup table (a copy with other competencies, scales or mappings gets its own)."""
    slot = "__scale_table"
    hit = model.__dict__.get(slot)
    own = (model.competencies, model.scales, model.scale_mappings)
    if hit is not None and all(a is b for a, b in zip(hit[0], own, strict=True)):
        table: _ScaleTable = hit[1]
        return table
    table = _ScaleTable()
    model.__dict__[slot] = (own, table)
    return table


def _targets(model: CompetencyModel, e: Evidence) -> list[str]:
    if e.competency is not None:
        if not model.has_competency(e.competency):
            raise ScoringError(
                f"evidence {e.id!r} of {e.person!r} is of {e.competency!r}, which is not in "
                f"model {model.key!r}"
            )
        return [e.competency]
    resource = next((r for r in model.learning_resources if r.key == e.resource), None)
    if resource is None:
        raise ScoringError(
            f"evidence {e.id!r} of {e.person!r} names learning resource {e.resource!r}, which "
            f"is not in model {model.key!r}"
        )
    return [d.competency for d in resource.develops]


def _not_current(e: Evidence, on: dt.date) -> str:
    if e.date > on:
        return f"not yet: dated {e.date}, after {on}"
    return f"expired on {e.valid_until}"


def explain_levels(
    model: CompetencyModel,
    items: Iterable[Assessment | Evidence],
    *,
    policy: ScoringPolicy,
    on: dt.date,
    person: str = "",
    competencies: Collection[str] | None = None,
) -> dict[str, Explanation]:
    """Each competency's level from one person's evidence, with why, under the model's rules.

    Every competency with evidence (and every rolled-up parent) is decided; ``competencies``
    limits what is returned. Pieces that had not been earned or had expired on ``on`` are
    listed as ignored with the reason.
    """
    compiled = compile_rules(model)
    table = _scale_table(model)
    current: dict[str, list[Weighed]] = defaultdict(list)
    stale: dict[str, list[Weighed]] = defaultdict(list)
    targets: dict[tuple[str | None, str | None], list[str]] = {}
    for item in items:
        e = as_evidence(item)
        if not person:
            person = e.person
        hit = targets.get((e.competency, e.resource))
        if hit is None:
            hit = targets[(e.competency, e.resource)] = _targets(model, e)
        for ck in hit:
            n = table.level(model, e, ck)
            if e.is_current(on):
                current[ck].append(Weighed(e, n))
            else:
                stale[ck].append(Weighed(e, n, _not_current(e, on)))
    rolled = {ck for ck, rule in compiled.by_competency.items() if isinstance(rule, RollUp)}
    done: dict[str, Explanation] = {}

    def decide(ck: str) -> Explanation:
        if ck in done:
            return done[ck]
        ctx = RuleContext(model, policy, on, person, ck, decide)
        rule = compiled.rule_for(ck)
        d = rule.decide(tuple(current.get(ck, ())), ctx)
        value = d.normalised
        scale, grid = table.grid(model, ck)
        confidence: float | None = None
        notes = list(d.notes)
        if value is not None:
            value = snap(value, grid)
            confidence = 1.0
            if d.children:
                confidence = min((c.confidence or 1.0) for c in d.children if c.level is not None)
            hl = model.evidence.half_life_for(ck)
            dated = [w.evidence.date for w in d.used]
            if hl is not None and dated:
                age = (on - max(dated)).days
                confidence = 0.5 ** (age / hl.days)
                if hl.lowers == "level":
                    lowered = _floor(value * confidence, grid)
                    if lowered < value - SNAP_TOLERANCE:
                        notes.append(
                            f"aged {age} days against a half-life of {hl.days}: the level falls "
                            f"from {_level_value(scale, value):g}"
                        )
                    value = lowered
                else:
                    notes.append(f"aged {age} days against a half-life of {hl.days}")
        level = None if value is None else _level_value(scale, value)
        label = None
        if level is not None and float(level).is_integer() and scale.has_level(int(level)):
            label = str(scale.level(int(level)).label)
        exp = Explanation(
            person=person,
            competency=ck,
            on=on,
            rule=rule.name,
            detail=d.detail,
            level=level,
            normalised=value,
            label=label,
            confidence=confidence,
            used=d.used,
            ignored=d.ignored + tuple(stale.get(ck, ())),
            notes=tuple(notes),
            children=d.children,
            raters=d.raters,
            considered=len(current.get(ck, ())),
        )
        done[ck] = exp
        return exp

    wanted = set(current) | set(stale) | rolled
    if competencies is not None:
        wanted = {ck for ck in wanted if ck in competencies} | {
            ck for ck in competencies if model.has_competency(ck)
        }
    return {ck: decide(ck) for ck in sorted(wanted)}


def _level_value(scale: ProficiencyScale, n: float) -> float:
    for v in scale.values:
        if scale.normalise(v) == n:
            return float(v)
    return scale.min_value + n * (scale.max_value - scale.min_value)


def explain(
    model: CompetencyModel,
    items: Iterable[Assessment | Evidence],
    person: str,
    competency: str,
    *,
    policy: ScoringPolicy,
    on: dt.date,
) -> Explanation:
    """Why ``person`` has their level on ``competency`` (the level may be None: unassessed)."""
    if not model.has_competency(competency):
        raise ScoringError(f"competency {competency!r} is not in model {model.key!r}")
    mine = [i for i in items if i.person == person]
    return explain_levels(
        model, mine, policy=policy, on=on, person=person, competencies=[competency]
    )[competency]


def needs_rules(model: CompetencyModel, items: Sequence[Assessment | Evidence]) -> bool:
    """Whether levels need the rules engine (declared rules, or evidence besides ratings)."""
    return model.evidence.declared or any(isinstance(i, Evidence) for i in items)


def rule_names(model: CompetencyModel) -> Mapping[str, str]:
    """The rule deciding each competency of the model, by key."""
    compiled = compile_rules(model)
    return {c.key: compiled.rule_for(c.key).name for c in model.competencies}


__all__ = [
    "BUILTIN_RULES",
    "AnyOf",
    "AnyOfParams",
    "CompiledRules",
    "Condition",
    "Decision",
    "EvidencePath",
    "EvidenceRule",
    "Explanation",
    "Precedence",
    "RollUp",
    "RollUpParams",
    "RuleContext",
    "Weighed",
    "available_rules",
    "compile_rules",
    "evidence_rule_problems",
    "explain",
    "explain_levels",
    "needs_rules",
    "rule_names",
]
