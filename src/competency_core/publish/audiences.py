"""The wording of the guides for employees, managers and HR (see :func:`audience_guide`).

The fixed text goes through the catalogues (:mod:`competency_core.i18n`) in the outline's
language; the model's numbers, scales and names are filled in, numbers and dates in the
reader's locale.
"""

from __future__ import annotations

from collections import Counter

from competency_core.i18n import N_, Translator, translator
from competency_core.publish.guides import (
    ASSESSMENT_STEPS,
    Audience,
    AudienceGuide,
    GuideSection,
)
from competency_core.publish.outline import ModelOutline
from competency_core.publish.wording import status_label

DOMAINS = {
    "general": N_("general"),
    "technical": N_("technical"),
    "behavioural": N_("behavioural"),
    "leadership": N_("leadership"),
    "functional": N_("functional"),
    "customer": N_("customer"),
}
"""The usual competency domains in words (a model's own domains are shown as written)."""


def domain_label(tr: Translator, domain: str) -> str:
    """A competency domain in the reader's words (as written when it is not a usual one)."""
    known = DOMAINS.get(domain)
    return tr._(known) if known else domain


def _scales(o: ModelOutline, tr: Translator) -> tuple[str, ...]:
    out = []
    for sc in o.model.scales:
        levels = ", ".join(f"{lv.value} {o.text(lv.label)}" for lv in sc.levels)
        out.append(
            tr._(
                "%(scale)s: %(levels)s. Proficient from level %(level)s (%(label)s).",
                scale=o.text(sc.name),
                levels=levels,
                level=sc.proficient,
                label=o.text(sc.level(sc.proficient).label),
            )
        )
    return tuple(out)


def _about(o: ModelOutline, tr: Translator) -> GuideSection:
    m = o.model
    domains = Counter(c.domain for c in m.competencies)
    spread = ", ".join(
        tr._("%(n)s %(domain)s", n=tr.number(n), domain=domain_label(tr, d))
        for d, n in domains.most_common()
    )
    competencies = tr.n_("%(n)s competency", "%(n)s competencies", len(m.competencies))
    roles = tr.n_("%(n)s role profile", "%(n)s role profiles", len(m.roles))
    return GuideSection(
        tr._("What the model is"),
        (
            tr._(
                "%(model)s (version %(version)s, %(status)s) describes %(competencies)s "
                "(%(spread)s) and %(roles)s. Each competency has a definition and behavioural "
                "indicators: what good looks like at each level.",
                model=o.text(m.name),
                version=m.version,
                status=status_label(tr, m),
                competencies=competencies,
                spread=spread or tr._("none yet"),
                roles=roles,
            ),
            tr._(
                "A role profile says which competencies a role needs and at which level. An "
                "essential requirement must be met to count as ready for the role; a desirable "
                "one adds to the picture but does not block."
            ),
        ),
        _scales(o, tr),
    )


def _employees(o: ModelOutline, tr: Translator) -> tuple[str, str, tuple[GuideSection, ...]]:
    return (
        tr._("A guide for employees"),
        tr._(
            "How to read your role profile, how to assess yourself, and what the model is used for."
        ),
        (
            _about(o, tr),
            GuideSection(
                tr._("Read your role profile"),
                (
                    tr._(
                        "Open the page of your role: it lists the competencies it requires, the "
                        "level for each, and which are essential. Follow the links to read each "
                        "competency's indicators."
                    ),
                ),
            ),
            GuideSection(
                tr._("How to assess yourself"),
                (
                    tr._(
                        "Self-assessment starts the conversation with your manager; it is not a test."
                    ),
                ),
                (
                    tr._(
                        "Read the indicators at your required level and at the levels just below "
                        "and above it."
                    ),
                    tr._(
                        "Choose the highest level whose indicators you show consistently, without "
                        "help, in your normal work. Things you did once or with support belong to "
                        "the level below."
                    ),
                    tr._(
                        "Write down one or two recent examples for each rating: the situation, "
                        "what you did yourself, and the result."
                    ),
                    tr._("Rate what you have shown, not what you could do or intend to do."),
                    tr._("Where your rating and your manager's differ, talk about the examples."),
                ),
            ),
            GuideSection(
                tr._("How the model is used"),
                bullets=(
                    tr._(
                        "Performance reviews: a conversation about evidence against the "
                        "indicators, not a score on its own."
                    ),
                    tr._(
                        "Development: gaps between your levels and your role's requirements point "
                        "to learning and experiences that help; you agree a plan with your manager."
                    ),
                    tr._(
                        "Career moves: the career paths show which roles yours leads to, and their "
                        "profiles show what you would need to grow into."
                    ),
                    tr._(
                        "Recruitment: interview questions and job descriptions come from the same "
                        "profiles, so what is asked of candidates matches what is asked of you."
                    ),
                    tr._(
                        "Succession: readiness for a next role is judged against its profile, "
                        "essential requirements first."
                    ),
                ),
            ),
        ),
    )


def _managers(o: ModelOutline, tr: Translator) -> tuple[str, str, tuple[GuideSection, ...]]:
    return (
        tr._("A guide for managers"),
        tr._(
            "How to rate fairly, and how to use the model in reviews, hiring, development and "
            "succession."
        ),
        (
            _about(o, tr),
            GuideSection(
                tr._("How to rate"),
                bullets=tuple(
                    tr._("%(step)s: %(detail)s", step=tr._(step), detail=tr._(detail))
                    for step, detail in ASSESSMENT_STEPS
                ),
            ),
            GuideSection(
                tr._("Common rating errors"),
                bullets=(
                    tr._("Recency: rating the last month instead of the whole period. Keep notes."),
                    tr._(
                        "Halo and horns: letting one strength or weakness colour every competency. "
                        "Rate each competency on its own indicators."
                    ),
                    tr._(
                        "Central tendency: putting everyone in the middle. Use the whole scale "
                        "where the evidence supports it."
                    ),
                    tr._(
                        "Similar to me: rating people who work like you higher. Ask what the "
                        "indicators say, not whether you would have done it the same way."
                    ),
                ),
            ),
            GuideSection(
                tr._("Using the model"),
                bullets=(
                    tr._(
                        "Reviews: compare self and manager ratings before the meeting and start "
                        "with the biggest differences."
                    ),
                    tr._(
                        "Recruitment: use the role's interview guide; every panel member rates "
                        "each answer against the indicators before the panel discusses."
                    ),
                    tr._(
                        "Development: pick one to three gaps, essential requirements first, and "
                        "agree learning and on-the-job experiences for each."
                    ),
                    tr._(
                        "Succession: look at readiness for the next role in the career path and "
                        "at the essential requirements not yet met."
                    ),
                ),
            ),
        ),
    )


def _hr(o: ModelOutline, tr: Translator) -> tuple[str, str, tuple[GuideSection, ...]]:
    md = o.model.metadata
    approvers = ", ".join(md.required_approvers) or tr._("none recorded")
    review = tr.date(md.review_date) if md.review_date else tr._("not set")
    return (
        tr._("A guide for HR"),
        tr._("How the model is kept current and wired into HR processes."),
        (
            _about(o, tr),
            GuideSection(
                tr._("Looking after the model"),
                (
                    tr._(
                        "A model version moves from draft to pilot, approved, published and "
                        "finally retired. A published version does not change: every change makes "
                        "a new version, and the changelog says what changed."
                    ),
                ),
                (
                    tr._("Owner: %(owner)s.", owner=md.owner or tr._("not set")),
                    tr._("Approvals needed before publishing: %(approvers)s.", approvers=approvers),
                    tr._(
                        "Next review: %(date)s. Review at least once a year with the role "
                        "owners and a sample of employees and managers.",
                        date=review,
                    ),
                    tr._(
                        "Assessments record the model version they were made against, so they "
                        "can be carried to the next version through an explicit mapping."
                    ),
                ),
            ),
            GuideSection(
                tr._("In HR processes"),
                bullets=(
                    tr._(
                        "Performance reviews: set up self and manager ratings per cycle; decide "
                        "up front how unassessed competencies count and how ratings combine."
                    ),
                    tr._(
                        "Recruitment: start job adverts from the job-description skeletons and "
                        "interviews from the interview guides."
                    ),
                    tr._(
                        "Learning: learning resources say which competencies they develop and to "
                        "which level, so gaps can be matched to them."
                    ),
                    tr._(
                        "Succession and workforce planning: readiness against the next roles, and "
                        "coverage of essential competencies across teams."
                    ),
                    tr._(
                        "Other systems: the workbook for spreadsheets, this handbook for the "
                        "intranet, and the CASE 1.1 file for learning systems that read standards."
                    ),
                ),
            ),
            GuideSection(
                tr._("Data quality"),
                bullets=(
                    tr._("Certifications can expire; expired ones no longer count."),
                    tr._("Ratings without evidence are hard to calibrate: ask for examples."),
                    tr._("Check that people's roles exist in the model before a review cycle."),
                ),
            ),
        ),
    )


_BUILDERS = {Audience.EMPLOYEES: _employees, Audience.MANAGERS: _managers, Audience.HR: _hr}


def build_guide(outline: ModelOutline, audience: Audience) -> AudienceGuide:
    """The guide for ``audience`` in the outline's language."""
    title, intro, sections = _BUILDERS[audience](outline, translator(outline.lang))
    return AudienceGuide(audience, title, intro, sections)


__all__ = ["build_guide"]
