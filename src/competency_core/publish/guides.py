"""Guides built from a model: interview guides, job-description skeletons, audience guides.

These are plain data (frozen dataclasses of texts); the handbook renders them as HTML and
Markdown and the workbook uses the assessment steps. Fixed wording is in English; the
model's own texts are in the language asked for.

- :func:`interview_guide`: behavioural questions for a role, from the indicators at each
  required level ("Tell me about a time when you had to ..."), with follow-up probes, what to
  listen for, and what would show a level above;
- :func:`job_description`: a skeleton job description for a role: purpose, key
  responsibilities (from the essential requirements' indicators), required and desirable
  competencies, career path, and placeholders for what the model does not know;
- :func:`audience_guide`: the guides for employees, managers and HR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from competency_core.model import CompetencyModel
from competency_core.publish.outline import ModelOutline

ASSESSMENT_STEPS: tuple[tuple[str, str], ...] = (
    (
        "Read the role profile",
        "Start from the role the person holds (or is being considered for): which "
        "competencies it requires, at which level, and which requirements are essential.",
    ),
    (
        "Read the indicators around the required level",
        "For each competency read the behavioural indicators at the required level and at "
        "the levels just below and above it.",
    ),
    (
        "Collect evidence",
        "Think of concrete, recent situations (the review period, not years ago): what the "
        "situation was, what the person did themselves, and what came of it.",
    ),
    (
        "Choose the level",
        "Choose the highest level whose indicators the person shows consistently, without "
        "help, in the normal work of the role. Occasional or supported behaviour belongs to "
        "the level below. Rate what was shown, not potential or intentions.",
    ),
    (
        "Record the rating with its evidence",
        "Write one or two examples as evidence. A rating without evidence cannot be "
        "discussed, calibrated or carried over to the next version of the model.",
    ),
    (
        "Discuss differences",
        "When a self rating and a manager rating differ by more than one level, talk about "
        "the evidence behind each before anything is decided.",
    ),
)
"""The steps of an assessment, as (step, what it means)."""

RATER_GUIDANCE: tuple[tuple[str, str], ...] = (
    ("self", "The person rates themselves: the start of the conversation, never the end of it."),
    ("manager", "The line manager rates from what they saw during the period, with examples."),
    ("peer", "Colleagues who work closely with the person rate what they saw first hand."),
    ("360", "Combined ratings from several directions; read the comments, not only the mean."),
    ("interview", "An interviewer rates a candidate from answers to behavioural questions."),
    ("test", "A skills test or exercise with a known pass level."),
    ("certification", "An external certificate; it may expire, and then no longer counts."),
)
"""Rater types with a line on what each rating means."""


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


@dataclass(frozen=True)
class InterviewGuide:
    """The interview guide for one role."""

    role: str
    title: str
    introduction: str
    probes: tuple[str, ...]
    """Follow-up questions that work after any behavioural question."""
    topics: tuple[InterviewTopic, ...]
    rating: tuple[tuple[int, str, str], ...]
    """The levels of the scale(s) used, as (value, label, description)."""


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
    purpose: str
    responsibilities: tuple[str, ...]
    essential: tuple[RequiredCompetency, ...]
    desirable: tuple[RequiredCompetency, ...]
    career_next: tuple[tuple[str, str], ...]
    """Roles this one leads to, as (role key, title)."""
    placeholders: tuple[str, ...]


_PROBES = (
    "What was the situation, and what was at stake?",
    "What did you do yourself, and why that way?",
    "What was the result, and what would you do differently next time?",
)
_IRREGULAR = {"has": "have", "does": "do", "goes": "go"}
_NOT_VERBS = {"always", "sometimes", "news", "this", "its", "is", "was", "thus", "across", "less"}
_FIRST_WORD = re.compile(r"^([A-Z][a-z]+)(?:( (?:and|or) )([a-z]+))?(\b.*)$", re.DOTALL)


def _base_verb(word: str) -> str | None:
    """The base form of a third-person verb ('Delivers' -> 'deliver'), or None."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _NOT_VERBS:
        return None
    if len(w) < 4 or not w.endswith("s") or w.endswith("ss") or w.endswith("us"):
        return None
    if w.endswith("ies"):
        return w[:-3] + "y"
    if re.search(r"(ch|sh|x|z|ss)es$", w):
        return w[:-2]
    return w[:-1]


def behavioural_question(indicator: str, language: str = "en") -> str:
    """A behavioural ("tell me about a time") question from an indicator.

    >>> behavioural_question("Delivers features end to end without close supervision.")
    'Tell me about a time when you had to deliver features end to end without close supervision.'
    >>> behavioural_question("Fixes or quarantines flaky tests")
    'Tell me about a time when you had to fix or quarantine flaky tests.'
    >>> behavioural_question("Is asked to review launches")
    'Give an example from your work that shows this: "Is asked to review launches".'
    """
    text = " ".join(indicator.split()).rstrip(".")
    m = _FIRST_WORD.match(text) if language.split("-")[0] == "en" else None
    verb = _base_verb(m.group(1)) if m else None
    if m and verb:
        rest = m.group(4)
        if m.group(2):
            second = _base_verb(m.group(3))
            rest = f"{m.group(2)}{second or m.group(3)}{rest}"
        rest = re.sub(r"\b(and|or) can ", r"\1 ", rest)
        return f"Tell me about a time when you had to {verb}{rest}."
    return f'Give an example from your work that shows this: "{text}".'


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
    """
    o = ModelOutline(model, language)
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
            f"Tell me about a recent situation where {name.lower() if o.lang == 'en' else name} "
            "made the difference in your work."
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
            )
        )
    rating = tuple(
        (lv.value, o.text(lv.label), o.text(lv.description))
        for key in scales
        for lv in model.scale(key).levels
    )
    title = o.text(profile.title)
    intro = (
        f"A structured interview for {title} on {len(topics)} competencies, essential ones "
        "first. Ask every candidate the same first question on each competency (the others "
        "are spares for when an answer gives too little), follow up with the probes, note "
        "what the candidate did (not what they would do), and rate each competency against "
        "the indicators on your own before the panel discusses."
    )
    return InterviewGuide(role, title, intro, _PROBES, tuple(topics), rating)


def job_description(
    model: CompetencyModel, role: str, *, language: str | None = None
) -> JobDescription:
    """A job-description skeleton for a role (see the module docs)."""
    o = ModelOutline(model, language)
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
            ("Job family", profile.family),
            ("Grade", profile.grade),
            (
                "Career track",
                o.text(next((t.name for t in model.tracks if t.key == profile.track), None)),
            ),
        )
        if value
    )
    title = o.text(profile.title)
    purpose = o.text(profile.summary) or f"[Describe in two sentences why the {title} role exists.]"
    return JobDescription(
        role=role,
        title=title,
        facts=facts,
        purpose=purpose,
        responsibilities=tuple(responsibilities),
        essential=listed(True),
        desirable=listed(False),
        career_next=tuple((t.target, o.title(t.target)) for t in o.transitions_from(role)),
        placeholders=(
            "[Team and reporting line]",
            "[Location and working arrangements]",
            "[Salary range and benefits]",
            "[How to apply, and by when]",
        ),
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
    "RequiredCompetency",
    "audience_guide",
    "behavioural_question",
    "interview_guide",
    "job_description",
]
