"""The release kit's communication plan (timeline from the release date) and adoption measure.

The timeline counts from ``metadata.release.date``: the leadership briefing six weeks
before, the managers' briefing four, HR training two (or the first planned HR session),
the announcement on the day, Q&A sessions two weeks after, the first adoption review
three months after and the model's review (``metadata.review_date``, else twelve months
after). Channels are picked by kind from ``metadata.release.channels``, owners from the
stakeholders' roles (``owner``, ``hr``).
"""

from __future__ import annotations

import datetime as dt

from competency_core.i18n import N_
from competency_core.publish.release import (
    AdoptionMeasure,
    AudienceValue,
    ChannelLine,
    CommunicationPlan,
    KitContext,
    TargetLine,
    TimelineStep,
    add_months,
    adoption_metrics,
    audience_title,
    channel_kind,
)
from competency_core.release_plan import AdoptionMetric, ChannelKind, ReleaseAudience

# (key, activity, audience, channel kinds, owner roles, weeks after release)
_STEPS: tuple[
    tuple[str, str, ReleaseAudience, tuple[ChannelKind, ...], tuple[str, ...], int], ...
] = (
    (
        "leadership-briefing",
        N_("Brief the leadership team"),
        ReleaseAudience.LEADERSHIP,
        (ChannelKind.LEADERSHIP_MEETING,),
        ("owner",),
        -6,
    ),
    (
        "managers-briefing",
        N_("Brief the managers"),
        ReleaseAudience.MANAGERS,
        (ChannelKind.MANAGER_BRIEFING,),
        ("owner", "hr"),
        -4,
    ),
    (
        "hr-training",
        N_("Train HR"),
        ReleaseAudience.HR,
        (ChannelKind.TRAINING,),
        ("hr",),
        -2,
    ),
    (
        "announcement",
        N_("Announce the model to everyone"),
        ReleaseAudience.EMPLOYEES,
        (ChannelKind.INTRANET, ChannelKind.ALL_HANDS, ChannelKind.EMAIL, ChannelKind.NEWSLETTER),
        ("owner",),
        0,
    ),
    (
        "q-and-a",
        N_("Hold Q&A sessions"),
        ReleaseAudience.EMPLOYEES,
        (ChannelKind.Q_AND_A, ChannelKind.CHAT),
        ("hr",),
        2,
    ),
)


def _channels_for(k: KitContext, kinds: tuple[ChannelKind, ...]) -> tuple[str, ...]:
    out = []
    for ch in k.plan.channels:
        if ch.kind in kinds:
            out.append(k.o.text(ch.name) if ch.name else channel_kind(k.tr, ch.kind))
    return tuple(out) or (k.tbd(k.tr._("channels")),)


def _step(
    k: KitContext,
    key: str,
    when: str,
    date: dt.date | None,
    activity: str,
    audience: ReleaseAudience,
    kinds: tuple[ChannelKind, ...],
    owners: tuple[str, ...],
    message: str,
) -> TimelineStep:
    owner = k.stakeholder(*owners) or k.tbd(k.tr._("owners"))
    return TimelineStep(
        key=key,
        when=when,
        date=date,
        date_text=k.date(date) if date else k.tbd(k.tr._("the release date")),
        activity=activity,
        audience=audience_title(k.tr, audience),
        channels=_channels_for(k, kinds),
        owner=owner,
        message=message,
        past=date is not None and date < k.today,
    )


def communication_plan(k: KitContext, value: tuple[AudienceValue, ...]) -> CommunicationPlan:
    """Key messages, the timeline and the channels."""
    tr, release = k.tr, k.plan.date
    headline = {v.audience: (v.own or v.messages)[0] for v in value}
    steps: list[TimelineStep] = []
    for key, activity, audience, kinds, owners, weeks in _STEPS:
        date = release + dt.timedelta(weeks=weeks) if release else None
        if weeks < 0:
            when = tr.n_("%(n)s week before the release", "%(n)s weeks before the release", -weeks)
        elif weeks == 0:
            when = tr._("Release day")
        else:
            when = tr.n_("%(n)s week after the release", "%(n)s weeks after the release", weeks)
        sessions = sorted(s.date for s in k.plan.training if s.audience is audience)
        if key == "hr-training" and sessions:
            date, when = sessions[0], tr._("First planned session")
        steps.append(
            _step(k, key, when, date, tr._(activity), audience, kinds, owners, headline[audience])
        )
    three = add_months(release, 3) if release else None
    steps.append(
        _step(
            k,
            "adoption-review",
            tr.n_("%(n)s month after the release", "%(n)s months after the release", 3),
            three,
            tr._("First adoption review with the monitoring report"),
            ReleaseAudience.LEADERSHIP,
            (ChannelKind.LEADERSHIP_MEETING,),
            ("hr", "owner"),
            tr._("How far adoption has come against the targets, and what to adjust."),
        )
    )
    review = k.model.metadata.review_date
    if review is not None:
        when, date = tr._("The model's review date"), review
    else:
        when = tr.n_("%(n)s month after the release", "%(n)s months after the release", 12)
        date = add_months(release, 12) if release else None
    steps.append(
        _step(
            k,
            "annual-review",
            when,
            date,
            tr._("Review the model"),
            ReleaseAudience.HR,
            (ChannelKind.LEADERSHIP_MEETING,),
            ("owner",),
            tr._("What to keep, change or retire in the next version, from the experience so far."),
        )
    )
    if release is not None:  # in date order (a review date may fall before a later step)
        steps.sort(key=lambda s: s.date or dt.date.max)
    channels = tuple(
        ChannelLine(
            channel_kind(tr, ch.kind),
            k.o.text(ch.name) if ch.name else channel_kind(tr, ch.kind),
            ch.address,
            ch.owner,
        )
        for ch in k.plan.channels
    )
    messages = tuple((v.title, m) for v in value for m in (*v.own, v.messages[0]))
    return CommunicationPlan(messages, tuple(steps), channels)


def adoption_measure(k: KitContext) -> AdoptionMeasure:
    """The figures of ``competency monitor`` and the targets set for them."""
    tr = k.tr
    metrics = adoption_metrics(tr)
    targets = []
    for t in sorted(k.plan.targets, key=lambda t: (t.by, list(AdoptionMetric).index(t.metric))):
        name = metrics[t.metric][0]
        targets.append(
            TargetLine(
                t.metric,
                name,
                tr.percent(t.value) if t.metric.is_share else tr.number(t.value),
                t.by,
                k.date(t.by),
                t.domain,
            )
        )
    no_targets = None if targets else k.tbd(tr._("adoption targets"))
    review = k.model.metadata.review_date
    return AdoptionMeasure(
        introduction=tr._(
            "Adoption is measured with the monitoring report (competency monitor): from "
            "the people's assessments, development plans and learning, period by period, "
            "with a trend for each figure."
        ),
        metrics=tuple(metrics.values()),
        targets=tuple(targets),
        command=(
            "competency monitor MODEL.yaml PEOPLE.yaml --period quarter --periods 4 "
            "--coverage-window year --out monitoring"
        ),
        review=(
            tr._("The targets are reviewed with the model by %(date)s.", date=k.date(review))
            if review
            else tr._("The targets are reviewed with the model.")
        ),
        no_targets=no_targets,
    )


__all__ = ["adoption_measure", "communication_plan"]
