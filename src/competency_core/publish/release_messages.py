"""The release kit's words to people: value per audience, the FAQs and the contact line.

Built from the model (counts of roles, competencies, indicators, career moves, the scales'
levels) and from ``metadata.release`` (the organisation's key messages, FAQs, contact and
what the model is used for). Nothing is invented: what the metadata does not say is a
"To be decided" line (see :class:`~competency_core.publish.release.KitContext`).
"""

from __future__ import annotations

import re

from competency_core.publish.release import (
    FAQ,
    AudienceValue,
    ContactLine,
    KitContext,
    audience_title,
    model_use,
)
from competency_core.release_plan import ModelUse, ReleaseAudience


def contact_line(k: KitContext) -> ContactLine:
    """Where to take questions (or a "to be decided" line)."""
    c = k.plan.contact
    if c is None:
        return ContactLine(k.tbd(k.tr._("the contact channel for questions")), None, False)
    return ContactLine(k.o.text(c.name), c.address, True, _link_of(c.address))


_EMAIL = re.compile(r"[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+")


def _link_of(address: str | None) -> str | None:
    """``x@y.z`` -> ``mailto:x@y.z``; an http(s) or mailto address as it is; else None."""
    if not address:
        return None
    address = address.strip()
    if _EMAIL.fullmatch(address):
        return "mailto:" + address
    if address.lower().startswith(("http://", "https://", "mailto:")):
        return address
    return None


def _contact_sentence(k: KitContext, contact: ContactLine) -> str:
    if not contact.decided:
        return contact.name
    if contact.address:
        return k.tr._("Ask %(name)s (%(address)s).", name=contact.name, address=contact.address)
    return k.tr._("Ask %(name)s.", name=contact.name)


def _scale_summary(k: KitContext) -> str:
    parts = []
    for sc in k.model.scales:
        parts.append(
            k.tr._(
                "%(scale)s (levels %(low)s to %(high)s)",
                scale=k.o.text(sc.name),
                low=sc.min_value,
                high=sc.max_value,
            )
        )
    return k.listing(parts)


def audience_value(k: KitContext) -> tuple[AudienceValue, ...]:
    """What the model gives employees, managers, HR and leadership, then their own messages."""
    tr, m = k.tr, k.model
    roles, comps = len(m.roles), len(m.competencies)
    indicators = sum(len(v) for c in m.competencies for v in c.indicators.values())
    essential = sum(1 for r in m.roles for q in r.requirements if q.essential)
    requirements = sum(len(r.requirements) for r in m.roles)
    families = len({r.family for r in m.roles if r.family})
    domains = len({c.domain for c in m.competencies})
    moves = len(m.transitions)
    resources = len(m.learning_resources)
    roles_n = tr.n_("%(n)s role", "%(n)s roles", roles, n=tr.number(roles))
    comps_n = tr.n_("%(n)s competency", "%(n)s competencies", comps, n=tr.number(comps))

    employees = [
        tr.n_(
            "Clear expectations: %(n)s role is described, with the competencies it needs and "
            "the level for each.",
            "Clear expectations: %(n)s roles are described, each with the competencies it "
            "needs and the level for each.",
            roles,
            n=tr.number(roles),
        ),
        tr._(
            "What good looks like: %(competencies)s described by %(indicators)s behavioural "
            "indicators, rated on the %(scales)s.",
            competencies=comps_n,
            indicators=tr.number(indicators),
            scales=_scale_summary(k),
        ),
    ]
    if moves:
        employees.append(
            tr.n_(
                "Your next step: %(n)s career move between roles is described, with what "
                "you would need to grow into.",
                "Your next step: %(n)s career moves between roles are described, with what "
                "you would need to grow into.",
                moves,
                n=tr.number(moves),
            )
        )
    if resources:
        employees.append(
            tr.n_(
                "Learning: %(n)s learning resource is linked to the competencies it develops.",
                "Learning: %(n)s learning resources are linked to the competencies they develop.",
                resources,
                n=tr.number(resources),
            )
        )
    managers = [
        tr._(
            "One shared language for reviews: rate against %(indicators)s behavioural "
            "indicators instead of impressions.",
            indicators=tr.number(indicators),
        ),
        tr.n_(
            "Hiring made consistent: an interview guide and a job description for each of "
            "the %(n)s role.",
            "Hiring made consistent: an interview guide and a job description for each of "
            "the %(n)s roles.",
            roles,
            n=tr.number(roles),
        ),
        tr._(
            "Development conversations start from gaps against the role's requirements, "
            "essential ones first."
        ),
    ]
    hr = [
        tr._(
            "One source for reviews, recruitment, development and succession: the "
            "workbook, the handbook and the CASE file all come from the same model."
        ),
        tr._(
            "%(essential)s of the %(requirements)s requirements are essential: they decide "
            "readiness for a role.",
            essential=tr.number(essential),
            requirements=tr.number(requirements),
        ),
        tr._(
            "Version %(version)s, with a changelog for every change; next review by %(date)s.",
            version=m.version,
            date=k.date(m.metadata.review_date),
        )
        if m.metadata.review_date
        else tr._("Version %(version)s, with a changelog for every change.", version=m.version),
    ]
    domains_n = tr.n_("%(n)s domain", "%(n)s domains", domains, n=tr.number(domains))
    leadership = [
        tr.n_(
            "%(roles)s in %(n)s job family and %(competencies)s in %(domains)s, in one model.",
            "%(roles)s in %(n)s job families and %(competencies)s in %(domains)s, in one model.",
            families,
            n=tr.number(families),
            roles=roles_n,
            competencies=comps_n,
            domains=domains_n,
        )
        if families
        else tr._(
            "%(roles)s and %(competencies)s in %(domains)s, in one model.",
            roles=roles_n,
            competencies=comps_n,
            domains=domains_n,
        ),
        tr._(
            "Readiness and adoption can be followed period by period with the monitoring "
            "report, against the adoption targets."
        ),
    ]
    if moves:
        leadership.append(
            tr._(
                "Succession: readiness for the next roles on the career paths can be "
                "measured, essential requirements first."
            )
        )
    generated = {
        ReleaseAudience.EMPLOYEES: employees,
        ReleaseAudience.MANAGERS: managers,
        ReleaseAudience.HR: hr,
        ReleaseAudience.LEADERSHIP: leadership,
    }
    return tuple(
        AudienceValue(
            audience,
            audience_title(tr, audience),
            tuple(messages),
            tuple(k.o.text(km.text) for km in k.plan.key_messages if km.audience is audience),
        )
        for audience, messages in generated.items()
    )


def _uses_answer(k: KitContext, contact: ContactLine) -> tuple[str, tuple[str, ...]]:
    tr, uses = k.tr, k.plan.used_for
    if not uses:
        k.tbd(tr._("what the model is used for"))
        return (
            tr._(
                "The organisation has not yet said what the model is used for. Until it "
                "has, nothing about your review or pay changes because of it."
            )
            + " "
            + _contact_sentence(k, contact),
            (),
        )
    listed = k.listing([model_use(tr, u) for u in uses])
    answer = tr._("The model is used for %(uses)s.", uses=listed)
    points = []
    if ModelUse.PERFORMANCE_REVIEWS in uses:
        points.append(
            tr._(
                "In your review you and your manager talk about evidence against the "
                "indicators of your role's competencies."
            )
        )
    else:
        points.append(tr._("Performance reviews are not among the uses listed for it."))
    if ModelUse.PAY in uses:
        points.append(tr._("It is one of the inputs to pay decisions."))
    else:
        points.append(tr._("Pay decisions are not among the uses listed for it."))
    return answer, tuple(points)


def faqs(k: KitContext, contact: ContactLine) -> tuple[FAQ, ...]:
    """The standard questions answered from the model, then the organisation's own."""
    tr, m = k.tr, k.model
    scale_points = []
    for sc in m.scales:
        for lv in sc.levels:
            desc = k.o.text(lv.description)
            scale_points.append(
                tr._(
                    "%(scale)s, level %(value)s %(label)s: %(description)s",
                    scale=k.o.text(sc.name),
                    value=lv.value,
                    label=k.o.text(lv.label),
                    description=desc,
                )
                if desc
                else tr._(
                    "%(scale)s, level %(value)s %(label)s",
                    scale=k.o.text(sc.name),
                    value=lv.value,
                    label=k.o.text(lv.label),
                )
            )
    proficient = k.listing(
        [
            tr._(
                "level %(value)s (%(label)s) on the %(scale)s",
                value=sc.proficient,
                label=k.o.text(sc.level(sc.proficient).label),
                scale=k.o.text(sc.name),
            )
            for sc in m.scales
        ]
    )
    uses, use_points = _uses_answer(k, contact)
    if m.metadata.review_date:
        review = tr._(
            "This is version %(version)s. It is next reviewed by %(date)s, with role owners "
            "and a sample of employees and managers; your questions and comments count.",
            version=m.version,
            date=k.date(m.metadata.review_date),
        )
    else:
        review = (
            tr._("This is version %(version)s.", version=m.version)
            + " "
            + k.tbd(tr._("the date of the next review"))
        )
    faqs = [
        FAQ(
            "assessed",
            tr._("How am I assessed?"),
            tr._(
                "You and your manager rate each competency your role requires against its "
                "behavioural indicators. Your own rating starts the conversation; where the "
                "two differ, you talk about examples before anything is decided."
            ),
            (
                tr._("Read the indicators at your required level and the levels around it."),
                tr._(
                    "Choose the highest level whose indicators you show consistently, without help."
                ),
                tr._("Write down one or two recent examples for each rating."),
            ),
        ),
        FAQ(
            "levels",
            tr._("What do the levels mean?"),
            tr._("From %(proficient)s, a level counts as proficient.", proficient=proficient),
            tuple(scale_points),
        ),
        FAQ("uses", tr._("How does the model affect my review and my pay?"), uses, use_points),
        FAQ(
            "requirements",
            tr._("Where do I see my role's requirements?"),
            tr.n_(
                "On your role's page in this handbook: %(n)s role is listed under Roles, with "
                "its requirements, the level for each and which ones are essential.",
                "On your role's page in this handbook: %(n)s roles are listed under Roles, "
                "by job family, each with its requirements, the level for each and which "
                "ones are essential.",
                len(m.roles),
                n=tr.number(len(m.roles)),
            ),
        ),
        FAQ(
            "disagree",
            tr._("What if I disagree with a rating?"),
            tr._(
                "Talk to your manager about the examples behind both ratings. If you still "
                "disagree, take it to the contact channel for questions."
            ),
        ),
        FAQ("contact", tr._("Who do I ask?"), _contact_sentence(k, contact)),
        FAQ("review", tr._("Will the model change?"), review),
    ]
    for i, own in enumerate(k.plan.faqs, start=1):
        faqs.append(
            FAQ(
                f"own-{i}",
                k.o.text(own.question),
                k.o.text(own.answer),
                own=True,
                audience=audience_title(tr, own.audience) if own.audience else None,
            )
        )
    return tuple(faqs)


__all__ = ["audience_value", "contact_line", "faqs"]
