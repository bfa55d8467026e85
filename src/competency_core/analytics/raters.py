"""Several raters on one person: aggregate their ratings, and measure how far they agree.

- :func:`aggregate_ratings` combines each person's ratings per competency into one level
  with scoring's own policies (:class:`~competency_core.scoring.ScoringPolicy`: latest,
  priority of rater types, or a weighted blend), so a pilot reads levels the way scoring
  will once the model is live.
- :func:`rating_gaps` pairs self ratings with manager ratings (or any two rater types):
  who rates themselves higher (over-rating) or lower (under-rating), per competency and
  per person.
- :func:`competency_agreement` measures inter-rater reliability per competency:
  Krippendorff's alpha (ordinal by default) from the well-kept ``krippendorff`` package,
  plus the plain shares of rater pairs that agree exactly or within one level, and an
  ICC(2,1) across rater types where the data allow one.

"Cannot rate" answers and blanks are no level: they are left out of every figure here and
counted separately (see :mod:`competency_core.analytics.items`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

import krippendorff
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.icc import intraclass_correlation
from competency_core.analytics.ratings import AnalyticsError, Answer, PilotRating, check_ratings
from competency_core.i18n import N_
from competency_core.model import CompetencyModel
from competency_core.people import RaterType
from competency_core.scoring import DEFAULT_POLICY, ScoringPolicy, resolve_levels

LevelOfMeasurement = Literal["nominal", "ordinal", "interval", "ratio"]
"""How Krippendorff's alpha weighs disagreements; proficiency levels are ordinal."""


class AggregatedRating(BaseModel):
    """One person's level on one competency after the policy combined the raters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    competency: str
    level: float = Field(description="On the competency's scale (fractional after a blend).")
    normalised: float = Field(description="The level mapped to [0, 1].")
    ratings: int = Field(description="Rated answers combined.")
    raters: tuple[RaterType, ...] = Field(description="Rater types whose ratings counted.")
    cannot_rate: int = Field(description="Raters who said they cannot rate.")
    missing: int = Field(description="Blank answers.")


def aggregate_ratings(
    model: CompetencyModel,
    ratings: Iterable[PilotRating],
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
) -> tuple[AggregatedRating, ...]:
    """Each (person, competency) level, combining its raters with scoring's ``policy``.

    ``on`` is the date the levels are read as of (default: the latest rating's date).
    Pairs with only "cannot rate" or blank answers have no level and are left out.
    """
    items = list(ratings)
    check_ratings(model, items)
    if not items:
        return ()
    day = on or max(r.date for r in items)
    by_person: dict[str, list[PilotRating]] = defaultdict(list)
    for r in items:
        by_person[r.person].append(r)
    out: list[AggregatedRating] = []
    for person, rs in by_person.items():
        unrated: dict[tuple[str, Answer], int] = defaultdict(int)
        for r in rs:
            unrated[r.competency, r.answer] += 1
        assessments = [a for a in (r.to_assessment() for r in rs) if a is not None]
        levels = resolve_levels(model, assessments, policy=policy, on=day)
        for ck in dict.fromkeys(r.competency for r in rs):
            got = levels.get(ck)
            if got is None:
                continue
            out.append(
                AggregatedRating(
                    person=person,
                    competency=ck,
                    level=got.level,
                    normalised=got.normalised,
                    ratings=got.assessments,
                    raters=got.raters,
                    cannot_rate=unrated[ck, Answer.CANNOT_RATE],
                    missing=unrated[ck, Answer.MISSING],
                )
            )
    return tuple(out)


# -- self vs manager -------------------------------------------------------------------


class RatingGap(BaseModel):
    """One person's rating by two rater types on one competency (``first - second``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    competency: str
    first: float = Field(description="The level from the first rater type (e.g. self).")
    second: float = Field(description="The level from the second rater type (e.g. manager).")
    difference: float = Field(description="first - second, in levels of the scale.")
    normalised_difference: float = Field(description="first - second on the [0, 1] scale.")


class GapSummary(BaseModel):
    """Gaps between two rater types, summarised for one competency or one person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(description="The competency or person key.")
    pairs: int
    mean_difference: float = Field(description="Mean of first - second, in levels.")
    mean_absolute_difference: float
    over: int = Field(description="Pairs where the first rater type rated higher.")
    under: int = Field(description="Pairs where the first rater type rated lower.")
    agree: int = Field(description="Pairs with the same level.")

    @property
    def share_over(self) -> float:
        """Share of pairs over-rated by the first rater type."""
        return self.over / self.pairs if self.pairs else 0.0

    @property
    def share_under(self) -> float:
        """Share of pairs under-rated by the first rater type."""
        return self.under / self.pairs if self.pairs else 0.0


class RatingGapReport(BaseModel):
    """Self vs manager (or any two rater types) gaps, pair by pair and summarised."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first: RaterType
    second: RaterType
    gaps: tuple[RatingGap, ...]
    overall: GapSummary
    by_competency: tuple[GapSummary, ...] = Field(description="In the model's order.")
    by_person: tuple[GapSummary, ...] = Field(description="Biggest mean difference first.")


def _latest_mean(levels: Sequence[tuple[dt.date, int]]) -> float:
    last = max(d for d, _ in levels)
    same_day = [lv for d, lv in levels if d == last]
    return math.fsum(same_day) / len(same_day)


def _summary(key: str, gaps: Sequence[RatingGap]) -> GapSummary:
    diffs = [g.difference for g in gaps]
    return GapSummary(
        key=key,
        pairs=len(gaps),
        mean_difference=math.fsum(diffs) / len(diffs) if diffs else 0.0,
        mean_absolute_difference=math.fsum(abs(d) for d in diffs) / len(diffs) if diffs else 0.0,
        over=sum(d > 0 for d in diffs),
        under=sum(d < 0 for d in diffs),
        agree=sum(d == 0 for d in diffs),
    )


def rating_gaps(
    model: CompetencyModel,
    ratings: Iterable[PilotRating],
    *,
    first: RaterType = RaterType.SELF,
    second: RaterType = RaterType.MANAGER,
) -> RatingGapReport:
    """Pair each person's ``first`` and ``second`` ratings per competency (self vs manager).

    A positive difference is over-rating by ``first`` (someone rates themselves above their
    manager's rating). When a rater type rated a pair more than once, its latest rating
    counts (the mean of those on the same day).
    """
    items = list(ratings)
    check_ratings(model, items)
    levels: dict[tuple[str, str, RaterType], list[tuple[dt.date, int]]] = defaultdict(list)
    for r in items:
        if r.level is not None and r.rater_type in (first, second):
            levels[r.person, r.competency, r.rater_type].append((r.date, r.level))
    gaps: list[RatingGap] = []
    pairs = sorted({(p, c) for p, c, _ in levels})
    for person, ck in pairs:
        a, b = levels.get((person, ck, first)), levels.get((person, ck, second))
        if not a or not b:
            continue
        la, lb = _latest_mean(a), _latest_mean(b)
        scale = model.scale_of(ck)
        gaps.append(
            RatingGap(
                person=person,
                competency=ck,
                first=la,
                second=lb,
                difference=la - lb,
                normalised_difference=scale.normalise(la) - scale.normalise(lb),
            )
        )
    by_comp: dict[str, list[RatingGap]] = defaultdict(list)
    by_person: dict[str, list[RatingGap]] = defaultdict(list)
    for g in gaps:
        by_comp[g.competency].append(g)
        by_person[g.person].append(g)
    people = [_summary(p, gs) for p, gs in by_person.items()]
    return RatingGapReport(
        first=first,
        second=second,
        gaps=tuple(gaps),
        overall=_summary("overall", gaps),
        by_competency=tuple(
            _summary(c.key, by_comp[c.key]) for c in model.competencies if c.key in by_comp
        ),
        by_person=tuple(sorted(people, key=lambda s: (-abs(s.mean_difference), s.key))),
    )


# -- inter-rater reliability -------------------------------------------------------------


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[float | None]],
    *,
    level: LevelOfMeasurement = "ordinal",
    value_domain: Sequence[float] | None = None,
) -> float | None:
    """Krippendorff's alpha of a raters x units table (None for a blank cell).

    A thin wrapper over the ``krippendorff`` package that returns None, rather than
    raising or giving NaN, when alpha is undefined (no unit rated twice, or a single value
    used throughout).

    >>> krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="ordinal") > 0.8
    True
    """
    data = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in reliability_data],
        dtype=np.float64,
    )
    if data.ndim != 2 or data.size == 0:
        return None
    rated = ~np.isnan(data)
    pairable = rated.sum(axis=0) >= 2
    if not pairable.any() or len(np.unique(data[:, pairable][rated[:, pairable]])) < 2:
        return None
    return float(
        krippendorff.alpha(
            reliability_data=data,
            level_of_measurement=level,
            value_domain=None if value_domain is None else list(value_domain),
        )
    )


class CompetencyAgreement(BaseModel):
    """How far raters agree on one competency, across the people rated on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    level_of_measurement: LevelOfMeasurement
    people: int = Field(description="People with at least one level on the competency.")
    pairable_people: int = Field(description="People rated by at least two raters.")
    pairable_ratings: int = Field(description="Levels given to the pairable people.")
    alpha: float | None = Field(description="Krippendorff's alpha; None when undefined.")
    exact_agreement: float | None = Field(
        description="Share of rater pairs on the same person giving the same level."
    )
    within_one: float | None = Field(
        description="Share of rater pairs on the same person at most one level apart."
    )
    mean_spread: float | None = Field(
        description="Mean range (highest - lowest level, in scale steps) per pairable person."
    )
    icc: float | None = Field(
        default=None,
        description="ICC(2,1) across rater types (several of one type averaged), over the "
        "people rated by every type present; None when fewer than 3 such people.",
    )
    note: str | None = Field(default=None, description="Why alpha is undefined, if it is.")


def _icc_by_rater_type(
    per_person: dict[str, list[tuple[RaterType, int]]], index: dict[int, int]
) -> float | None:
    types = sorted({t for rs in per_person.values() for t, _ in rs})
    if len(types) < 2:
        return None
    rows: list[list[float]] = []
    for rs in per_person.values():
        by_type: dict[RaterType, list[int]] = defaultdict(list)
        for t, lv in rs:
            by_type[t].append(index[lv])
        if all(by_type.get(t) for t in types):
            rows.append([math.fsum(by_type[t]) / len(by_type[t]) for t in types])
    if len(rows) < 3:
        return None
    try:
        return intraclass_correlation(rows).icc2_1
    except AnalyticsError:
        return None


def competency_agreement(
    model: CompetencyModel,
    ratings: Iterable[PilotRating],
    *,
    level: LevelOfMeasurement = "ordinal",
    competencies: Sequence[str] | None = None,
) -> tuple[CompetencyAgreement, ...]:
    """Inter-rater reliability per competency: units are people, values are levels.

    Every rated answer on a person counts as one rater's value, whoever gave it (self,
    manager, peers...), so alpha asks: do the raters of a person agree more than raters of
    different people would by chance? Returns one record per competency with ratings (in
    the model's order), or per key of ``competencies``.
    """
    items = list(ratings)
    check_ratings(model, items)
    grouped: dict[str, dict[str, list[tuple[RaterType, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in items:
        if r.level is not None:
            grouped[r.competency][r.person].append((r.rater_type, r.level))
    keys = list(competencies) if competencies is not None else [c.key for c in model.competencies]
    out: list[CompetencyAgreement] = []
    for ck in keys:
        if ck not in grouped and competencies is None:
            continue
        per_person = grouped.get(ck, {})
        scale = model.scale_of(ck)
        index = {v: i for i, v in enumerate(scale.values)}
        counts = np.zeros((len(per_person), len(scale.values)), dtype=np.int64)
        pairs = exact = near = 0
        spreads: list[int] = []
        for u, rs in enumerate(per_person.values()):
            steps = [index[lv] for _, lv in rs]
            for s in steps:
                counts[u, s] += 1
            if len(steps) >= 2:
                spreads.append(max(steps) - min(steps))
            for a, b in itertools.combinations(steps, 2):
                pairs += 1
                exact += a == b
                near += abs(a - b) <= 1
        pairable = counts.sum(axis=1) >= 2
        used = counts[pairable].sum(axis=0) > 0
        alpha: float | None = None
        note: str | None = None
        if not pairable.any():
            note = N_("no person was rated by two raters")
        elif used.sum() < 2:
            note = N_("every rating was the same level: agreement cannot be told from chance")
        else:
            alpha = float(
                krippendorff.alpha(
                    value_counts=counts[pairable],
                    value_domain=list(scale.values),
                    level_of_measurement=level,
                )
            )
        out.append(
            CompetencyAgreement(
                competency=ck,
                level_of_measurement=level,
                people=len(per_person),
                pairable_people=int(pairable.sum()),
                pairable_ratings=int(counts[pairable].sum()),
                alpha=alpha,
                exact_agreement=exact / pairs if pairs else None,
                within_one=near / pairs if pairs else None,
                mean_spread=math.fsum(spreads) / len(spreads) if spreads else None,
                icc=_icc_by_rater_type(per_person, index),
                note=note,
            )
        )
    return tuple(out)


__all__ = [
    "AggregatedRating",
    "CompetencyAgreement",
    "GapSummary",
    "LevelOfMeasurement",
    "RatingGap",
    "RatingGapReport",
    "aggregate_ratings",
    "competency_agreement",
    "krippendorff_alpha",
    "rating_gaps",
]
