"""A simulated pilot: seeded synthetic raters on real people, one competency made too broad.

Useful to try the pilot analysis before any real ratings exist, and to show what the item
analysis finds. :func:`simulate_pilot` selects a pilot group (stratified, seeded), takes
each participant's "true" level on every competency of their role (their current level
from the workforce's assessments, else their role's required level, moved by a personal
offset), and lets a self rater, the manager and some peers rate it:

- a well-defined competency is rated close to the true level: each rater adds a little
  noise, self raters lean upwards, and now and then a rater cannot rate or skips it;
- the *too broad* competency is read differently by every rater: ratings are pulled
  towards the middle of the scale with wide noise, and many raters cannot rate it.

Participants also give feedback (an NPS and clarity / relevance per competency), lower
on the too-broad competency. The same model, people, settings and seed always give the
same pilot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.feedback import (
    CompetencyFeedback,
    FeedbackPhase,
    FeedbackSubmission,
)
from competency_core.analytics.pilot import DEFAULT_STRATA, PilotSelection, select_pilot
from competency_core.analytics.ratings import AnalyticsError, PilotData, PilotRating
from competency_core.keys import Key
from competency_core.model import CompetencyModel
from competency_core.people import RaterType, Workforce
from competency_core.scales import ProficiencyScale
from competency_core.scoring import DEFAULT_POLICY, resolve_levels


class SimulationSettings(BaseModel):
    """How the synthetic raters behave (levels are in steps of the scale)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    too_broad: Key | None = Field(
        default="problem-solving", description="The competency raters read differently."
    )
    peers: int = Field(default=2, ge=0, description="Peer raters per participant.")
    person_spread: float = Field(
        default=0.5, ge=0, description="SD of a person's offset from their known levels."
    )
    competency_spread: float = Field(
        default=0.5, ge=0, description="SD of a person's own offset on each competency."
    )
    noise: float = Field(default=0.2, ge=0, description="SD of a rater's error.")
    self_bias: float = Field(default=0.2, description="How much self raters lean upwards.")
    cannot_rate: float = Field(default=0.03, ge=0, le=1, description="Chance of 'cannot rate'.")
    missing: float = Field(default=0.02, ge=0, le=1, description="Chance of a blank answer.")
    broad_noise: float = Field(default=1.3, ge=0, description="Rater error on the broad one.")
    broad_pull: float = Field(
        default=0.6, ge=0, le=1, description="How far ratings of the broad one go to the middle."
    )
    broad_cannot_rate: float = Field(default=0.45, ge=0, le=1)
    date: dt.date = Field(default=dt.date(2026, 3, 2), description="The pilot's rating date.")


class SimulatedPilot(BaseModel):
    """The pilot group, its ratings, and its feedback."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    selection: PilotSelection
    data: PilotData
    feedback: tuple[FeedbackSubmission, ...]
    settings: SimulationSettings
    seed: int


def _nearest_level(scale: ProficiencyScale, steps: float) -> int:
    i = int(np.clip(np.rint(steps), 0, len(scale.values) - 1))
    return scale.values[i]


def simulate_pilot(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    size: int = 10,
    seed: int = 0,
    by: Sequence[str] = DEFAULT_STRATA,
    settings: SimulationSettings | None = None,
) -> SimulatedPilot:
    """Run a simulated pilot on ``size`` people of ``workforce`` (see the module docs)."""
    cfg = settings or SimulationSettings()
    if cfg.too_broad is not None and not model.has_competency(cfg.too_broad):
        raise AnalyticsError(f"the too-broad competency {cfg.too_broad!r} is not in the model")
    selection = select_pilot(workforce, size, by=by, seed=seed)
    rng = np.random.default_rng(seed)
    as_of = max((a.date for a in workforce.assessments), default=cfg.date)
    ratings: list[PilotRating] = []
    feedback: list[FeedbackSubmission] = []
    for key in selection.people:
        person = workforce.person(key)
        if person.role is None or not model.has_role(person.role):
            continue
        role = model.role(person.role)
        known = resolve_levels(
            model, workforce.assessments_of(key), policy=DEFAULT_POLICY, on=as_of
        )
        offset = rng.normal(0.0, cfg.person_spread)
        raters: list[tuple[RaterType, str]] = [
            (RaterType.SELF, key),
            (RaterType.MANAGER, person.manager or f"manager-of-{key}"),
        ]
        raters += [(RaterType.PEER, f"peer-{i + 1}-of-{key}") for i in range(cfg.peers)]
        comps: list[CompetencyFeedback] = []
        for req in role.requirements:
            scale = model.scale_of(req.competency)
            steps = {v: i for i, v in enumerate(scale.values)}
            got = known.get(req.competency)
            base = got.normalised * (len(scale.values) - 1) if got else steps[req.level]
            true = base + offset + rng.normal(0.0, cfg.competency_spread)
            broad = req.competency == cfg.too_broad
            middle = (len(scale.values) - 1) / 2
            for rater_type, rater in raters:
                draw = rng.random()
                p_cannot = cfg.broad_cannot_rate if broad else cfg.cannot_rate
                if rater_type is not RaterType.SELF and draw < p_cannot:
                    level, cannot = None, True
                elif draw > 1 - cfg.missing:
                    level, cannot = None, False
                elif broad:
                    seen = (1 - cfg.broad_pull) * true + cfg.broad_pull * middle
                    level = _nearest_level(scale, seen + rng.normal(0.0, cfg.broad_noise))
                    cannot = False
                else:
                    lean = cfg.self_bias if rater_type is RaterType.SELF else 0.0
                    level = _nearest_level(scale, true + lean + rng.normal(0.0, cfg.noise))
                    cannot = False
                ratings.append(
                    PilotRating(
                        person=key,
                        competency=req.competency,
                        rater_type=rater_type,
                        rater=rater,
                        level=level,
                        cannot_rate=cannot,
                        date=cfg.date,
                    )
                )
            clarity = int(rng.integers(1, 3)) if broad else int(rng.integers(3, 6))
            comps.append(
                CompetencyFeedback(
                    competency=req.competency,
                    clarity=clarity,
                    relevance=int(rng.integers(3, 6)),
                    comment="Too broad: it covers everything from debugging to strategy."
                    if broad and clarity == 1
                    else None,
                )
            )
        feedback.append(
            FeedbackSubmission(
                model=model.key,
                model_version=model.version,
                phase=FeedbackPhase.PILOT,
                respondent=key,
                role=role.key,
                nps=int(rng.choice([5, 6, 7, 8, 8, 9, 9, 10])),
                competencies=tuple(comps),
                submitted_at=dt.datetime.combine(
                    cfg.date + dt.timedelta(days=7), dt.time(12), tzinfo=dt.UTC
                ),
            )
        )
    data = PilotData(
        model=model.key,
        model_version=model.version,
        participants=selection.people,
        ratings=tuple(ratings),
        metadata={"simulated": True, "seed": seed, "too_broad": cfg.too_broad},
    )
    return SimulatedPilot(
        selection=selection, data=data, feedback=tuple(feedback), settings=cfg, seed=seed
    )


__all__ = ["SimulatedPilot", "SimulationSettings", "simulate_pilot"]
