"""Guides built from a model: interview guides, job-description skeletons, audience guides.

These are plain data (frozen dataclasses of texts); the handbook renders them as HTML and
Markdown and the workbook uses the assessment steps. All texts are in the language asked
for: the fixed wording through the project's catalogues (:mod:`competency_core.i18n`),
the model's own texts from the model.

- :func:`interview_guide`: behavioural questions for a role, from the indicators at each
  required level ("Tell me about a time when you had to ...", see
  :mod:`competency_core.publish.questions`), with follow-up probes, what to listen for, and
  what would show a level above;
- :func:`job_description`: a skeleton job description for a role: purpose, key
  responsibilities (from the essential requirements' indicators), required and desirable
  competencies, career path, and placeholders for what the model does not know;
- :func:`audience_guide`: the guides for employees, managers and HR.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from competency_core.i18n import N_, Translator, translator
from competency_core.model import CompetencyModel
from competency_core.publish.outline import ModelOutline
from competency_core.publish.questions import behavioural_question

ASSESSMENT_STEPS: tuple[tuple[str, str], ...] = (
    (
        N_("Read the role profile"),
        N_(
            "Start from the role the person holds (or is being considered for): which "
            "competencies it requires, at which level, and which requirements are essential."
        ),
    ),
    (
        N_("Read the indicators around the required level"),
        N_(
            "For each competency read the behavioural indicators at the required level and at "
            "the levels just below and above it."
        ),
    ),
    (
        N_("Collect evidence"),
        N_(
            "Think of concrete, recent situations (the review period, not years ago): what the "
            "situation was, what the person did themselves, and what came of it."
        ),
    ),
    (
        N_("Choose the level"),
        N_(
            "Choose the highest level whose indicators the person shows consistently, without "
            "help, in the normal work of the role. Occasional or supported behaviour belongs to "
            "the level below. Rate what was shown, not potential or intentions."
        ),
    ),
    (
        N_("Record the rating with its evidence"),
        N_(
            "Write one or two examples as evidence. A rating without evidence cannot be "
            "discussed, calibrated or carried over to the next version of the model."
        ),
    ),
    (
        N_("Discuss differences"),
        N_(
            "When a self rating and a manager rating differ by more than one level, talk about "
            "the evidence behind each before anything is decided."
        ),
    ),
)
"""The steps of an assessment, as (step, what it means); English, marked for the catalogues:
translate where used (``tr._(step)``)."""

RATER_GUIDANCE: tuple[tuple[str, str], ...] = (
    (
        "self",
        N_("The person rates themselves: the start of the conversation, never the end of it."),
    ),
    ("manager", N_("The line manager rates from what they saw during the period, with examples.")),
    ("peer", N_("Colleagues who work closely with the person rate what they saw first hand.")),
    ("360", N_("Combined ratings from several directions; read the comments, not only the mean.")),
    ("interview", N_("An interviewer rates a candidate from answers to behavioural questions.")),
    ("test", N_("A skills test or exercise with a known pass level.")),
    ("certification", N_("An external certificate; it may expire, and then no longer counts.")),
)
"""Rater types with a line on what each rating means (the line marked for the catalogues:
``tr._(line)``)."""


@dataclass(frozen=True)
class InterviewTopic:
    """The questions on one requirement of the role, and how to judge the answers."""

    competency: str
    competency_name: str
    level: int
    level_label: str
    essential: bool
    questions: tuple[str, ...]
    """Behavioural questions: ask the first; the others are spares."""
    listen_for: tuple[str, ...]
    """What an answer at the required level shows (its indicators)."""
    above: tuple[str, ...]
    """What an answer at the level above would show."""
    scale: str = ""
    """The key of the scale the competency is rated on (which rating table applies)."""


@dataclass(frozen=True)
class RatingScale:
    """One scale's rating table: its name and levels as (value, label, description)."""

    key: str
    name: str
    levels: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class InterviewGuide:
    """The interview guide for one role."""

    role: str
    title: str
    introduction: str
    probes: tuple[str, ...]
    """Follow-up questions that work after any behavioural question."""
    topics: tuple[InterviewTopic, ...]
    scales: tuple[RatingScale, ...]
    """The rating table of each scale used, one per scale (two scales never share one)."""

    @property
    def rating(self) -> tuple[tuple[int, str, str], ...]:
        """The levels of the first scale used (the only one for most roles)."""
        return self.scales[0].levels if self.scales else ()


@dataclass(frozen=True)
class RequiredCompetency:
    """A competency as listed in a job description."""

    competency: str
    name: str
    level: int
    level_label: str
    definition: str


@dataclass(frozen=True)
class JobDescription:
    """A job-description skeleton for one role: what the model knows, and placeholders."""

    role: str
    title: str
    facts: tuple[tuple[str, str], ...]
    """(label, value) in the reader's language."""
    purpose: str
    responsibilities: tuple[str, ...]
    essential: tuple[RequiredCompetency, ...]
    desirable: tuple[RequiredCompetency, ...]
    career_next: tuple[tuple[str, str], ...]
    """Roles this one leads to, as (role key, title)."""
    placeholders: tuple[str, ...]


PROBES = (
    N_("What was the situation, and what was at stake?"),
    N_("What did you do yourself, and why that way?"),
    N_("What was the result, and what would you do differently next time?"),
)
"""The follow-up questions after any behavioural question (translate where used)."""

PLACEHOLDERS = (
    N_("[Team and reporting line]"),
    N_("[Location and working arrangements]"),
    N_("[Salary range and benefits]"),
    N_("[How to apply, and by when]"),
)
"""What a job description needs that the model does not know (translate where used)."""


def _translator(o: ModelOutline) -> Translator:
    return translator(o.lang)


def interview_guide(
    model: CompetencyModel,
    role: str,
    *,
    language: str | None = None,
    per_competency: int = 2,
) -> InterviewGuide:
    """The interview guide for a role: behavioural questions from the required indicators.

    Requirements are taken essential first, then by weight; each gets up to
    ``per_competency`` questions from its indicators at the required level (those for the
    role's track, and those for every track), or one general question when it has none.
    Each scale the role's competencies are rated on gets its own rating table.
    """
    o = ModelOutline(model, language)
    tr = _translator(o)
    profile = model.role(role)
    topics: list[InterviewTopic] = []
    scales: dict[str, None] = {}
    for q in o.sorted_requirements(profile):
        comp = model.competency(q.competency)
        scale = model.scale(comp.scale)
        scales[scale.key] = None
        at = [o.text(i.text) for i in comp.indicators_at(q.level, profile.track)]
        nxt = scale.next_level(q.level)
        above = (
            [o.text(i.text) for i in comp.indicators_at(nxt.value, profile.track)] if nxt else []
        )
        name = o.text(comp.name)
        questions = [behavioural_question(i, o.lang) for i in at[:per_competency]] or [
            tr._(
                "Tell me about a recent situation where %(competency)s made the difference "
                "in your work.",
                competency=name.lower() if o.lang.startswith("en") else name,
            )
        ]
        topics.append(
            InterviewTopic(
                competency=comp.key,
                competency_name=name,
                level=q.level,
                level_label=o.level_label(comp.key, q.level),
                essential=q.essential,
                questions=tuple(questions),
                listen_for=tuple(at) or (o.text(scale.level(q.level).description),),
                above=tuple(above),
                scale=scale.key,
            )
        )
    rating = tuple(
        RatingScale(
            key,
            o.text(model.scale(key).name),
            tuple(
                (lv.value, o.text(lv.label), o.text(lv.description))
                for lv in model.scale(key).levels
            ),
        )
        for key in scales
    )
    title = o.text(profile.title)
    intro = tr.n_(
        "A structured interview for %(role)s on %(n)s competency. Ask every candidate the "
        "same first question (the others are spares for when an answer gives too little), "
        "follow up with the probes, note what the candidate did (not what they would do), "
        "and rate the competency against the indicators on your own before the panel "
        "discusses.",
        "A structured interview for %(role)s on %(n)s competencies, essential ones first. "
        "Ask every candidate the same first question on each competency (the others are "
        "spares for when an answer gives too little), follow up with the probes, note what "
        "the candidate did (not what they would do), and rate each competency against the "
        "indicators on your own before the panel discusses.",
        len(topics),
        role=title,
    )
    return InterviewGuide(role, title, intro, tuple(tr.each(PROBES)), tuple(topics), rating)


def job_description(
    model: CompetencyModel, role: str, *, language: str | None = None
) -> JobDescription:
    """A job-description skeleton for a role (see the module docs)."""
    o = ModelOutline(model, language)
    tr = _translator(o)
    profile = model.role(role)

    def listed(essential: bool) -> tuple[RequiredCompetency, ...]:
        return tuple(
            RequiredCompetency(
                competency=q.competency,
                name=o.name(q.competency),
                level=q.level,
                level_label=o.level_label(q.competency, q.level),
                definition=o.text(model.competency(q.competency).definition),
            )
            for q in o.sorted_requirements(profile)
            if q.essential == essential
        )

    responsibilities: list[str] = []
    for q in o.sorted_requirements(profile):
        if not q.essential:
            continue
        for ind in model.competency(q.competency).indicators_at(q.level, profile.track)[:1]:
            responsibilities.append(o.text(ind.text))
    facts = tuple(
        (label, value)
        for label, value in (
            (tr._("Job family"), profile.family),
            (tr._("Grade"), profile.grade),
            (tr._("Career track"), o.track_name(profile.track)),
        )
        if value
    )
    title = o.text(profile.title)
    purpose = o.text(profile.summary) or tr._(
        "[Describe in two sentences why the %(role)s role exists.]", role=title
    )
    return JobDescription(
        role=role,
        title=title,
        facts=facts,
        purpose=purpose,
        responsibilities=tuple(responsibilities),
        essential=listed(True),
        desirable=listed(False),
        career_next=tuple((t.target, o.title(t.target)) for t in o.transitions_from(role)),
        placeholders=tuple(tr.each(PLACEHOLDERS)),
    )


class Audience(StrEnum):
    """Who a guide is written for."""

    EMPLOYEES = "employees"
    MANAGERS = "managers"
    HR = "hr"


@dataclass(frozen=True)
class GuideSection:
    """A section of an audience guide: a heading, paragraphs, and a bullet list."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class AudienceGuide:
    """A guide for employees, managers or HR."""

    audience: Audience
    title: str
    introduction: str
    sections: tuple[GuideSection, ...]


def audience_guide(
    model: CompetencyModel, audience: Audience | str, *, language: str | None = None
) -> AudienceGuide:
    """The guide for one audience, with the model's scales and numbers filled in."""
    from competency_core.publish.audiences import build_guide

    return build_guide(ModelOutline(model, language), Audience(audience))


__all__ = [
    "ASSESSMENT_STEPS",
    "RATER_GUIDANCE",
    "Audience",
    "AudienceGuide",
    "GuideSection",
    "InterviewGuide",
    "InterviewTopic",
    "JobDescription",
    "RatingScale",
    "RequiredCompetency",
    "audience_guide",
    "behavioural_question",
    "interview_guide",
    "job_description",
]
