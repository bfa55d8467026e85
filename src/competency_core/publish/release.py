"""The release kit: what an organisation needs to roll a model out, built from the model.

:func:`release_kit` returns a :class:`ReleaseKit` (plain frozen data, in one language):

- **value messaging** per audience (employees, managers, HR, leadership): what the model
  gives them, counted from the model (roles, competencies, career moves, the scales), then
  the organisation's own key messages (``metadata.release.key_messages``);
- **FAQs**: a standard set answered from the model (how am I assessed, what the levels
  mean, what the model is used for, where to see a role's requirements, who to ask, when
  it is reviewed), then the organisation's own (``metadata.release.faqs``);
- a **communication plan**: key messages, a timeline counted from the release date
  (leadership briefing six weeks before, managers' briefing four, HR training two, the
  announcement, Q&A sessions two weeks after, the first adoption review three months
  after, the annual review), each step with its audience, channels and owner;
- a **training outline** for HR and for managers, with exercises drawn from the model's
  own behavioural indicators (:mod:`competency_core.publish.release_training`);
- the **contact channel** for questions;
- how **adoption** is measured: the figures ``competency monitor`` reports and the
  targets set for them.

Nothing is invented: where the release metadata (``metadata.release``, see
:mod:`competency_core.release_plan`) does not say something, the kit says "To be decided"
and lists it in :attr:`ReleaseKit.to_decide`. The kit is deterministic: the same model,
language and ``today`` give the same kit. The handbook renders it as the ``release/`` pages.

>>> import competency_core as cc
>>> kit = release_kit(cc.load_model("examples/software-engineering.yaml"),
...                   today=dt.date(2027, 1, 4))
>>> kit.release_date, [s.date for s in kit.plan.steps][:2]
(datetime.date(2027, 2, 15), [datetime.date(2027, 1, 4), datetime.date(2027, 1, 18)])
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from competency_core.i18n import N_, Translator, translator
from competency_core.model import CompetencyModel
from competency_core.publish.outline import ModelOutline
from competency_core.release_plan import (
    AdoptionMetric,
    ChannelKind,
    ModelUse,
    ReleaseAudience,
    ReleasePlan,
)

AUDIENCE_TITLES: dict[ReleaseAudience, str] = {
    ReleaseAudience.EMPLOYEES: N_("Employees"),
    ReleaseAudience.MANAGERS: N_("Managers"),
    ReleaseAudience.HR: N_("HR"),
    ReleaseAudience.LEADERSHIP: N_("Leadership"),
}
"""The audiences as readers call them (translate with ``tr._``)."""

CHANNEL_KINDS: dict[ChannelKind, str] = {
    ChannelKind.INTRANET: N_("Intranet"),
    ChannelKind.EMAIL: N_("E-mail"),
    ChannelKind.ALL_HANDS: N_("All-hands meeting"),
    ChannelKind.MANAGER_BRIEFING: N_("Managers' briefing"),
    ChannelKind.LEADERSHIP_MEETING: N_("Leadership meeting"),
    ChannelKind.TRAINING: N_("Training session"),
    ChannelKind.CHAT: N_("Chat channel"),
    ChannelKind.Q_AND_A: N_("Q&A session"),
    ChannelKind.NEWSLETTER: N_("Newsletter"),
    ChannelKind.OTHER: N_("Other channel"),
}

USES: dict[ModelUse, str] = {
    ModelUse.DEVELOPMENT: N_("development"),
    ModelUse.PERFORMANCE_REVIEWS: N_("performance reviews"),
    ModelUse.PAY: N_("pay decisions"),
    ModelUse.RECRUITMENT: N_("recruitment"),
    ModelUse.SUCCESSION: N_("succession planning"),
    ModelUse.WORKFORCE_PLANNING: N_("workforce planning"),
}

METRICS: dict[AdoptionMetric, tuple[str, str]] = {
    AdoptionMetric.ROLE_COVERAGE: (
        N_("Role coverage"),
        N_("The share of the roles people hold that have a role profile in the model."),
    ),
    AdoptionMetric.ASSESSED_SHARE: (
        N_("People assessed"),
        N_("The share of people assessed within the coverage window."),
    ),
    AdoptionMetric.ASSESSMENTS: (
        N_("Assessments"),
        N_("How many assessments were made against the model, per period."),
    ),
    AdoptionMetric.PEOPLE_ASSESSED: (
        N_("People assessed per period"),
        N_("How many different people were assessed, per period."),
    ),
    AdoptionMetric.DEVELOPMENT_PLANS: (
        N_("Development plans"),
        N_("How many development plans were drawn up from gaps, per period."),
    ),
    AdoptionMetric.LEARNING_ASSIGNMENTS: (
        N_("Learning assigned"),
        N_("How many learning assignments were made, per period."),
    ),
    AdoptionMetric.LEARNING_COMPLETED: (
        N_("Learning completed"),
        N_("How many learning assignments were completed, per period."),
    ),
    AdoptionMetric.SHARE_MET: (
        N_("Requirements met"),
        N_("The share of people's requirements that are met, per competency domain."),
    ),
}
"""What each figure of ``competency monitor`` is called and what it counts."""

TO_BE_DECIDED = N_("To be decided: %(what)s")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class AudienceValue:
    """What the model gives one audience: messages from the model and the organisation's."""

    audience: ReleaseAudience
    title: str
    messages: tuple[str, ...]
    own: tuple[str, ...] = ()


@dataclass(frozen=True)
class FAQ:
    """A question with its answer (and points to list under it)."""

    key: str
    """A stable anchor: ``assessed``, ``levels``, ... or ``own-1``, ``own-2``."""
    question: str
    answer: str
    points: tuple[str, ...] = ()
    own: bool = False
    audience: str | None = None


@dataclass(frozen=True)
class TimelineStep:
    """One step of the communication plan."""

    key: str
    when: str
    """Relative to the release ("6 weeks before the release")."""
    date: dt.date | None
    date_text: str
    activity: str
    audience: str
    channels: tuple[str, ...]
    owner: str
    message: str
    past: bool = False


@dataclass(frozen=True)
class ChannelLine:
    """A communication channel as listed in the plan."""

    kind: str
    name: str
    address: str | None
    owner: str | None


@dataclass(frozen=True)
class CommunicationPlan:
    """Key messages, the timeline and the channels."""

    key_messages: tuple[tuple[str, str], ...]
    """(audience, message)."""
    steps: tuple[TimelineStep, ...]
    channels: tuple[ChannelLine, ...]


@dataclass(frozen=True)
class ExerciseLevel:
    """A level shown in an exercise, with the model's indicators at it."""

    value: int
    label: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    """A training exercise, built on one competency or role of the model."""

    key: str
    title: str
    instructions: tuple[str, ...]
    competency: str | None = None
    """The competency's key when the exercise uses its indicators."""
    subject: str = ""
    """The competency's or the role's name."""
    levels: tuple[ExerciseLevel, ...] = ()
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingModule:
    """The training for one audience (HR or managers)."""

    audience: ReleaseAudience
    title: str
    goal: str
    agenda: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    sessions: tuple[str, ...]
    """Planned sessions (date, owner, place), or one "to be decided" line."""


@dataclass(frozen=True)
class TargetLine:
    """An adoption target as shown: the figure, the goal and the date."""

    metric: AdoptionMetric
    name: str
    value: str
    by: dt.date
    by_text: str
    domain: str | None = None


@dataclass(frozen=True)
class AdoptionMeasure:
    """How adoption is measured: the figures of ``competency monitor`` and the targets."""

    introduction: str
    metrics: tuple[tuple[str, str], ...]
    """(name, what it counts) for every figure the monitor reports."""
    targets: tuple[TargetLine, ...]
    command: str
    review: str
    no_targets: str | None = None
    """The "to be decided" line when no targets are set."""


@dataclass(frozen=True)
class ContactLine:
    """The channel for questions (or a placeholder)."""

    name: str
    address: str | None
    decided: bool
    url: str | None = None
    """The address to link to: an http(s) or mailto address, or mailto: for a bare e-mail."""


@dataclass(frozen=True)
class ReleaseKit:
    """The release kit of a model in one language (see the module docs)."""

    model: str
    version: str
    language: str
    title: str
    introduction: str
    generated_on: dt.date
    release_date: dt.date | None
    release_date_text: str
    contact: ContactLine
    value: tuple[AudienceValue, ...]
    faqs: tuple[FAQ, ...]
    plan: CommunicationPlan
    training: tuple[TrainingModule, ...]
    adoption: AdoptionMeasure
    to_decide: tuple[str, ...]
    """Everything the release metadata does not say yet, as "To be decided: ..." lines."""


class KitContext:
    """The shared state of one build of a kit: the model, the wording and the placeholders.

    For the modules that build the kit's parts (``release_messages``, ``release_timeline``,
    ``release_training``); not part of the public API.
    """

    def __init__(self, model: CompetencyModel, language: str | None, today: dt.date) -> None:
        self.model = model
        self.o = ModelOutline(model, language)
        self.tr: Translator = translator(self.o.lang)
        self.plan = model.metadata.release or ReleasePlan()
        self.today = today
        self.missing: list[str] = []

    def tbd(self, what: str) -> str:
        """A "to be decided" line, remembered for :attr:`ReleaseKit.to_decide`."""
        line = self.tr._(TO_BE_DECIDED, what=what)
        if line not in self.missing:
            self.missing.append(line)
        return line

    def date(self, value: dt.date) -> str:
        """A date as the reader writes it."""
        return self.tr.date(value)

    def stakeholder(self, *roles: str) -> str | None:
        """The first stakeholder whose role is one of ``roles`` (then the owner for 'owner')."""
        md = self.model.metadata
        for role in roles:
            for s in md.stakeholders:
                if s.role.strip().lower() == role:
                    return s.name
        if "owner" in roles and md.owner:
            return md.owner
        return None

    def listing(self, items: list[str]) -> str:
        """Items joined as a reader of the language lists them ("a, b and c")."""
        from babel.lists import format_list

        return str(format_list(items, locale=self.tr.locale)) if items else ""


RELEASE_PAGES: tuple[tuple[str, str], ...] = (
    ("index", "release-index"),
    ("faq", "release-faq"),
    ("communication-plan", "release-plan"),
    ("training", "release-training"),
)
"""The handbook's release pages: (page under ``release/``, template stem)."""


def page_words(language: str | None = None) -> dict[str, str]:
    """The headings and labels of the release pages in ``language`` (templates use ``w``)."""
    tr = translator(language)
    return {
        "kit": tr._("Release kit"),
        "value": tr._("What the model gives each audience"),
        "own_messages": tr._("The organisation's own messages"),
        "faq": tr._("Frequently asked questions"),
        "common_faqs": tr._("Common questions"),
        "own_faqs": tr._("The organisation's own questions"),
        "plan": tr._("Communication plan"),
        "key_messages": tr._("Key messages"),
        "timeline": tr._("Timeline"),
        "channels": tr._("Channels"),
        "training": tr._("Training for HR and managers"),
        "contact": tr._("Questions about the model"),
        "adoption": tr._("Measuring adoption"),
        "to_decide": tr._("Still to be decided"),
        "release_date": tr._("Release date"),
        "contact_channel": tr._("Contact channel"),
        "when": tr._("When"),
        "date": tr._("Date"),
        "activity": tr._("Activity"),
        "audience": tr._("Audience"),
        "owner": tr._("Owner"),
        "message": tr._("Message"),
        "kind": tr._("Kind"),
        "name": tr._("Name"),
        "address": tr._("Address"),
        "goal": tr._("Goal"),
        "agenda": tr._("Agenda"),
        "sessions": tr._("Sessions"),
        "exercises": tr._("Exercises"),
        "level": tr._("Level"),
        "indicators": tr._("Behavioural indicators"),
        "figure": tr._("Figure"),
        "what_it_counts": tr._("What it counts"),
        "targets": tr._("Targets"),
        "target": tr._("Target"),
        "by": tr._("By"),
        "domain": tr._("Domain"),
        "all_domains": tr._("all domains"),
        "run": tr._("To produce the report:"),
        "see_scales": tr._("The proficiency scales"),
        "see_roles": tr._("The role profiles"),
        "none_declared": tr._("No channels are declared in the model's release metadata."),
    }


def release_kit(
    model: CompetencyModel, *, language: str | None = None, today: dt.date | None = None
) -> ReleaseKit:
    """The release kit of ``model`` in ``language`` (default: the model's default language).

    ``today`` (default: today) marks the timeline steps already past; everything else
    depends on the model alone, so the same model gives the same kit.
    """
    from competency_core.publish.release_messages import audience_value, contact_line, faqs
    from competency_core.publish.release_timeline import adoption_measure, communication_plan
    from competency_core.publish.release_training import training_modules

    k = KitContext(model, language, today or dt.date.today())
    tr = k.tr
    contact = contact_line(k)
    release = k.plan.date
    release_text = k.date(release) if release else k.tbd(tr._("the release date"))
    value = audience_value(k)
    questions = faqs(k, contact)
    plan = communication_plan(k, value)
    training = training_modules(k.o, tr, k.plan, k.tbd)
    adoption = adoption_measure(k)
    return ReleaseKit(
        model=model.key,
        version=model.version,
        language=k.o.lang,
        title=tr._("Release kit"),
        introduction=tr._(
            "What the release of %(model)s needs: what the model gives each audience, the "
            "questions people will ask, the communication plan, the training for HR and "
            "managers, where to ask questions and how adoption is measured.",
            model=k.o.text(model.name),
        ),
        generated_on=k.today,
        release_date=release,
        release_date_text=release_text,
        contact=contact,
        value=value,
        faqs=questions,
        plan=plan,
        training=training,
        adoption=adoption,
        to_decide=tuple(k.missing),
    )


__all__ = [
    "FAQ",
    "RELEASE_PAGES",
    "AdoptionMeasure",
    "AudienceValue",
    "ChannelLine",
    "CommunicationPlan",
    "ContactLine",
    "Exercise",
    "ExerciseLevel",
    "ReleaseKit",
    "TargetLine",
    "TimelineStep",
    "TrainingModule",
    "page_words",
    "release_kit",
]
