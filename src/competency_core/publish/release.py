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


def audience_title(tr: Translator, audience: ReleaseAudience) -> str:
    """An audience as readers call it (``Employees``, ``Managers``, ``HR``, ``Leadership``)."""
    return {
        ReleaseAudience.EMPLOYEES: tr.p_("audience", "Employees"),
        ReleaseAudience.MANAGERS: tr.p_("audience", "Managers"),
        ReleaseAudience.HR: tr.p_("audience", "HR"),
        ReleaseAudience.LEADERSHIP: tr.p_("audience", "Leadership"),
    }[audience]


def channel_kind(tr: Translator, kind: ChannelKind) -> str:
    """A kind of communication channel as readers call it."""
    return {
        ChannelKind.INTRANET: tr.p_("channel", "Intranet"),
        ChannelKind.EMAIL: tr.p_("channel", "E-mail"),
        ChannelKind.ALL_HANDS: tr.p_("channel", "All-hands meeting"),
        ChannelKind.MANAGER_BRIEFING: tr.p_("channel", "Managers' briefing"),
        ChannelKind.LEADERSHIP_MEETING: tr.p_("channel", "Leadership meeting"),
        ChannelKind.TRAINING: tr.p_("channel", "Training session"),
        ChannelKind.CHAT: tr.p_("channel", "Chat channel"),
        ChannelKind.Q_AND_A: tr.p_("channel", "Q&A session"),
        ChannelKind.NEWSLETTER: tr.p_("channel", "Newsletter"),
        ChannelKind.OTHER: tr.p_("channel", "Other channel"),
    }[kind]


def model_use(tr: Translator, use: ModelUse) -> str:
    """A use of the model, to list in a sentence ("development, recruitment")."""
    return {
        ModelUse.DEVELOPMENT: tr.p_("model use", "development"),
        ModelUse.PERFORMANCE_REVIEWS: tr.p_("model use", "performance reviews"),
        ModelUse.PAY: tr.p_("model use", "pay decisions"),
        ModelUse.RECRUITMENT: tr.p_("model use", "recruitment"),
        ModelUse.SUCCESSION: tr.p_("model use", "succession planning"),
        ModelUse.WORKFORCE_PLANNING: tr.p_("model use", "workforce planning"),
    }[use]


def adoption_metrics(tr: Translator) -> dict[AdoptionMetric, tuple[str, str]]:
    """Each figure of ``competency monitor`` a target can be set on: (name, what it counts)."""
    return {
        AdoptionMetric.ROLE_COVERAGE: (
            tr.p_("adoption figure", "Role coverage"),
            tr._("The share of the roles people hold that have a role profile in the model."),
        ),
        AdoptionMetric.ASSESSED_SHARE: (
            tr.p_("adoption figure", "People assessed"),
            tr._("The share of people assessed within the coverage window."),
        ),
        AdoptionMetric.ASSESSMENTS: (
            tr.p_("adoption figure", "Assessments"),
            tr._("How many assessments were made against the model, per period."),
        ),
        AdoptionMetric.PEOPLE_ASSESSED: (
            tr.p_("adoption figure", "People assessed per period"),
            tr._("How many different people were assessed, per period."),
        ),
        AdoptionMetric.DEVELOPMENT_PLANS: (
            tr.p_("adoption figure", "Development plans"),
            tr._("How many development plans were drawn up from gaps, per period."),
        ),
        AdoptionMetric.LEARNING_ASSIGNMENTS: (
            tr.p_("adoption figure", "Learning assigned"),
            tr._("How many learning assignments were made, per period."),
        ),
        AdoptionMetric.LEARNING_COMPLETED: (
            tr.p_("adoption figure", "Learning completed"),
            tr._("How many learning assignments were completed, per period."),
        ),
        AdoptionMetric.SHARE_MET: (
            tr.p_("adoption figure", "Requirements met"),
            tr._("The share of people's requirements that are met, per competency domain."),
        ),
    }


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
        "kit": tr.p_("release kit", "Release kit"),
        "value": tr.p_("release kit", "What the model gives each audience"),
        "own_messages": tr.p_("release kit", "The organisation's own messages"),
        "faq": tr.p_("release kit", "Frequently asked questions"),
        "common_faqs": tr.p_("release kit", "Common questions"),
        "own_faqs": tr.p_("release kit", "The organisation's own questions"),
        "plan": tr.p_("release kit", "Communication plan"),
        "key_messages": tr.p_("release kit", "Key messages"),
        "timeline": tr.p_("release kit", "Timeline"),
        "channels": tr.p_("release kit", "Channels"),
        "training": tr.p_("release kit", "Training for HR and managers"),
        "contact": tr.p_("release kit", "Questions about the model"),
        "adoption": tr.p_("release kit", "Measuring adoption"),
        "to_decide": tr.p_("release kit", "Still to be decided"),
        "release_date": tr.p_("release kit", "Release date"),
        "contact_channel": tr.p_("release kit", "Contact channel"),
        "when": tr.p_("release kit", "When"),
        "date": tr.p_("release kit", "Date"),
        "activity": tr.p_("release kit", "Activity"),
        "audience": tr.p_("release kit", "Audience"),
        "owner": tr.p_("release kit", "Responsible"),
        "message": tr.p_("release kit", "Message"),
        "kind": tr.p_("release kit", "Kind"),
        "name": tr.p_("release kit", "Name"),
        "address": tr.p_("release kit", "Address"),
        "goal": tr.p_("release kit", "Goal"),
        "agenda": tr.p_("release kit", "Agenda"),
        "sessions": tr.p_("release kit", "Sessions"),
        "exercises": tr.p_("release kit", "Exercises"),
        "level": tr.p_("release kit", "Level"),
        "indicators": tr.p_("release kit", "Behavioural indicators"),
        "figure": tr.p_("release kit", "Figure"),
        "what_it_counts": tr.p_("release kit", "What it counts"),
        "targets": tr.p_("release kit", "Targets"),
        "target": tr.p_("release kit", "Target"),
        "by": tr.p_("release kit", "By"),
        "domain": tr.p_("release kit", "Domain"),
        "all_domains": tr.p_("release kit", "all domains"),
        "run": tr.p_("release kit", "To produce the report:"),
        "see_scales": tr.p_("release kit", "The proficiency scales"),
        "see_roles": tr.p_("release kit", "The role profiles"),
        "none_declared": tr.p_(
            "release kit", "No channels are declared in the model's release metadata."
        ),
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
    "adoption_metrics",
    "audience_title",
    "channel_kind",
    "model_use",
    "page_words",
    "release_kit",
]
