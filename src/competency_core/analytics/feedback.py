"""Feedback on a model from the people who use it: capture, storage and summaries.

A :class:`FeedbackSubmission` is what one respondent says at one time, in the pilot or
after release: a Net Promoter Score ("how likely are you to recommend this model to a
colleague?", 0-10), ratings of clarity and relevance (1-5) for the competencies they
looked at, comments per competency, and a general comment. It becomes a few
:class:`~competency_core.records.Feedback` records (one per competency, one for the NPS and
general comment), tagged with its phase, and is stored with the store's feedback API.

:func:`summarise_feedback` works on stored records: the NPS with its standard definition,
``% promoters (9-10) - % detractors (0-6)``, from -100 to 100, counting each respondent's
latest score once (anonymous responses each count); and per competency, mean clarity and
relevance, the share of low clarity ratings (1-2), and the comments.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from competency_core.analytics.ratings import AnalyticsError
from competency_core.errors import ModelValidationError
from competency_core.keys import Key
from competency_core.model import CompetencyModel
from competency_core.records import Feedback

PHASE_TAG = "phase:"
"""Feedback records carry their phase as a tag, e.g. ``phase:pilot``."""


class FeedbackPhase(StrEnum):
    """When the feedback was given."""

    PILOT = "pilot"
    RELEASE = "release"


class CompetencyFeedback(BaseModel):
    """A respondent's view of one competency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: Key
    clarity: int | None = Field(
        default=None, ge=1, le=5, description="1 (unclear) to 5 (perfectly clear)."
    )
    relevance: int | None = Field(
        default=None, ge=1, le=5, description="1 (irrelevant to my work) to 5 (essential)."
    )
    comment: str | None = None


class FeedbackSubmission(BaseModel):
    """Everything one respondent said at one time about a model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: Key
    model_version: str | None = None
    phase: FeedbackPhase = FeedbackPhase.PILOT
    respondent: str | None = Field(default=None, description="A person key; None: anonymous.")
    role: Key | None = Field(default=None, description="The role the respondent looked at.")
    nps: int | None = Field(default=None, ge=0, le=10, description="Likelihood to recommend.")
    comment: str | None = None
    competencies: tuple[CompetencyFeedback, ...] = ()
    submitted_at: dt.datetime

    def records(self) -> tuple[Feedback, ...]:
        """The store records of this submission (empty parts are left out)."""
        tags = (f"{PHASE_TAG}{self.phase.value}",)

        def record(**parts: Any) -> Feedback:
            return Feedback(
                model=self.model,
                model_version=self.model_version,
                respondent=self.respondent,
                role=self.role,
                tags=tags,
                submitted_at=self.submitted_at,
                **parts,
            )

        out: list[Feedback] = []
        if self.nps is not None or self.comment:
            out.append(record(nps=self.nps, text=self.comment or None))
        for c in self.competencies:
            if c.clarity is None and c.relevance is None and not c.comment:
                continue
            out.append(
                record(
                    competency=c.competency,
                    clarity=c.clarity,
                    relevance=c.relevance,
                    text=c.comment or None,
                )
            )
        return tuple(out)


class FeedbackFile(BaseModel):
    """A file of feedback submissions (YAML or JSON): ``{model: KEY, submissions: [...]}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: Key
    submissions: tuple[FeedbackSubmission, ...] = ()


def load_feedback_file(path: str | os.PathLike[str]) -> FeedbackFile:
    """Load a feedback file; every problem is reported at once, located."""
    from competency_core.io import detect_format, parse_text, pydantic_problems, read_text

    doc = parse_text(read_text(path), detect_format(path), str(path))
    if doc.problems or doc.data is None:
        raise ModelValidationError(doc.problems, f"{path}: the feedback file is invalid")
    try:
        return FeedbackFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = [
            p.located(doc.file, doc.line_of(p.path))
            for p in pydantic_problems(exc, doc.data, doc.file)
        ]
        raise ModelValidationError(problems, f"{path}: the feedback file is invalid") from None


def save_feedback_file(data: FeedbackFile, path: str | os.PathLike[str]) -> None:
    """Write a feedback file (YAML, or JSON for ``*.json``)."""
    from competency_core.io import detect_format, dumps, write_atomic

    write_atomic(path, dumps(data, detect_format(path)))


def phase_of(record: Feedback) -> FeedbackPhase | None:
    """The phase a stored record was tagged with, if any."""
    for t in record.tags:
        if t.startswith(PHASE_TAG):
            try:
                return FeedbackPhase(t.removeprefix(PHASE_TAG))
            except ValueError:
                return None
    return None


class NetPromoterScore(BaseModel):
    """A Net Promoter Score with its parts.

    >>> net_promoter_score([10, 9, 8, 7, 6, 0]).score
    0.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    responses: int
    promoters: int = Field(description="Scores of 9 or 10.")
    passives: int = Field(description="Scores of 7 or 8.")
    detractors: int = Field(description="Scores of 0 to 6.")
    score: float = Field(description="% promoters - % detractors, in [-100, 100].")
    distribution: dict[int, int] = Field(description="Score 0-10 -> responses.")


def net_promoter_score(scores: Iterable[int]) -> NetPromoterScore:
    """The NPS of 0-10 answers: % promoters (9-10) minus % detractors (0-6).

    Raises :class:`AnalyticsError` for an answer outside 0-10 or no answers at all.
    """
    values = list(scores)
    if not values:
        raise AnalyticsError("a Net Promoter Score needs at least one answer")
    bad = [v for v in values if not 0 <= v <= 10]
    if bad:
        raise AnalyticsError(f"NPS answers are 0-10; got {bad[:5]}")
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    n = len(values)
    return NetPromoterScore(
        responses=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
        score=100.0 * (promoters - detractors) / n,
        distribution={s: values.count(s) for s in range(11)},
    )


class CompetencyFeedbackSummary(BaseModel):
    """What respondents said about one competency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    name: str
    responses: int = Field(description="Records about the competency.")
    clarity: float | None = Field(description="Mean clarity (1-5).")
    clarity_ratings: int
    low_clarity_share: float | None = Field(description="Share of clarity ratings of 1 or 2.")
    relevance: float | None = Field(description="Mean relevance (1-5).")
    relevance_ratings: int
    comments: tuple[str, ...]


class FeedbackSummary(BaseModel):
    """Feedback on a model, summarised: NPS, clarity and relevance, comments."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    phase: FeedbackPhase | None = Field(description="The phase summarised (None: all).")
    records: int
    respondents: int = Field(description="Distinct named respondents (anonymous not counted).")
    nps: NetPromoterScore | None
    competencies: tuple[CompetencyFeedbackSummary, ...] = Field(
        description="Competencies with feedback, in the model's order (others after)."
    )
    comments: tuple[str, ...] = Field(description="General comments, oldest first.")

    @property
    def unclear(self) -> tuple[CompetencyFeedbackSummary, ...]:
        """Competencies with a mean clarity below 3, least clear first."""
        hits = [c for c in self.competencies if c.clarity is not None and c.clarity < 3]
        return tuple(sorted(hits, key=lambda c: (c.clarity, c.competency)))


def _mean(values: Sequence[int]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def summarise_feedback(
    records: Iterable[Feedback | FeedbackSubmission],
    *,
    model: CompetencyModel | str,
    phase: FeedbackPhase | None = None,
    version: str | None = None,
) -> FeedbackSummary:
    """Summarise feedback on ``model`` (of one phase and version, when given).

    Records about other models are ignored. Each named respondent's latest NPS counts once.
    """
    key = model if isinstance(model, str) else model.key
    flat: list[Feedback] = []
    for r in records:
        flat += r.records() if isinstance(r, FeedbackSubmission) else [r]
    keep = [
        r
        for r in flat
        if r.model == key
        and (phase is None or phase_of(r) == phase)
        and (version is None or r.model_version == version)
    ]
    keep.sort(key=lambda r: (r.submitted_at, r.id or 0))
    latest: dict[str, int] = {}
    anonymous: list[int] = []
    for r in keep:
        if r.nps is None:
            continue
        if r.respondent is None:
            anonymous.append(r.nps)
        else:
            latest[r.respondent] = r.nps
    scores = [*latest.values(), *anonymous]
    by_comp: dict[str, list[Feedback]] = defaultdict(list)
    general: list[str] = []
    for r in keep:
        if r.competency is not None:
            by_comp[r.competency].append(r)
        elif r.text:
            general.append(r.text)
    order = [c.key for c in model.competencies] if not isinstance(model, str) else []
    keys = [k for k in order if k in by_comp] + sorted(k for k in by_comp if k not in order)
    comps: list[CompetencyFeedbackSummary] = []
    for ck in keys:
        rs = by_comp[ck]
        clarity = [r.clarity for r in rs if r.clarity is not None]
        relevance = [r.relevance for r in rs if r.relevance is not None]
        name = ck
        if not isinstance(model, str) and model.has_competency(ck):
            name = model.text(model.competency(ck).name)
        comps.append(
            CompetencyFeedbackSummary(
                competency=ck,
                name=name,
                responses=len(rs),
                clarity=_mean(clarity),
                clarity_ratings=len(clarity),
                low_clarity_share=sum(c <= 2 for c in clarity) / len(clarity) if clarity else None,
                relevance=_mean(relevance),
                relevance_ratings=len(relevance),
                comments=tuple(r.text for r in rs if r.text),
            )
        )
    return FeedbackSummary(
        model=key,
        phase=phase,
        records=len(keep),
        respondents=len({r.respondent for r in keep if r.respondent is not None}),
        nps=net_promoter_score(scores) if scores else None,
        competencies=tuple(comps),
        comments=tuple(general),
    )


class FeedbackStore(Protocol):
    """The part of :class:`~competency_core.store.Store` that feedback needs."""

    def add_feedback(self, items: Iterable[Feedback]) -> list[Feedback]:
        """Store records; return them with their ids."""
        ...  # pragma: no cover

    def feedback(
        self, model: str, *, version: str | None = None, competency: str | None = None
    ) -> list[Feedback]:
        """Stored records on a model, oldest first."""
        ...  # pragma: no cover


def store_feedback(
    store: FeedbackStore, submissions: Iterable[FeedbackSubmission]
) -> list[Feedback]:
    """Store submissions through the store's feedback API; returns the records with ids."""
    records = [r for s in submissions for r in s.records()]
    return store.add_feedback(records) if records else []


def load_feedback(
    store: FeedbackStore,
    model: str,
    *,
    version: str | None = None,
    phase: FeedbackPhase | None = None,
) -> list[Feedback]:
    """Stored feedback on a model (a version; a phase), oldest first."""
    records = store.feedback(model, version=version)
    return [r for r in records if phase is None or phase_of(r) == phase]


__all__ = [
    "PHASE_TAG",
    "CompetencyFeedback",
    "CompetencyFeedbackSummary",
    "FeedbackFile",
    "FeedbackPhase",
    "FeedbackStore",
    "FeedbackSubmission",
    "FeedbackSummary",
    "NetPromoterScore",
    "load_feedback",
    "load_feedback_file",
    "net_promoter_score",
    "phase_of",
    "save_feedback_file",
    "store_feedback",
    "summarise_feedback",
]
