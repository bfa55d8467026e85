"""The wording of the guides for employees, managers and HR (see :func:`audience_guide`).

The fixed text is English; the model's numbers, scales and names are filled in.
"""

from __future__ import annotations

from collections import Counter

from competency_core.publish.guides import (
    ASSESSMENT_STEPS,
    Audience,
    AudienceGuide,
    GuideSection,
)
from competency_core.publish.outline import ModelOutline


def _scales(o: ModelOutline) -> tuple[str, ...]:
    out = []
    for sc in o.model.scales:
        levels = ", ".join(f"{lv.value} {o.text(lv.label)}" for lv in sc.levels)
        out.append(
            f"{o.text(sc.name)}: {levels}. Proficient from level {sc.proficient} "
            f"({o.text(sc.level(sc.proficient).label)})."
        )
    return tuple(out)


def _about(o: ModelOutline) -> GuideSection:
    m = o.model
    domains = Counter(c.domain for c in m.competencies)
    spread = ", ".join(f"{n} {d}" for d, n in domains.most_common())
    return GuideSection(
        "What the model is",
        (
            f"{o.text(m.name)} (version {m.version}, {m.status.value}) describes "
            f"{len(m.competencies)} competencies ({spread or 'none yet'}) and "
            f"{len(m.roles)} role profiles. Each competency has a definition and behavioural "
            "indicators: what good looks like at each level.",
            "A role profile says which competencies a role needs and at which level. An "
            "essential requirement must be met to count as ready for the role; a desirable "
            "one adds to the picture but does not block.",
        ),
        _scales(o),
    )


def _employees(o: ModelOutline) -> tuple[str, str, tuple[GuideSection, ...]]:
    return (
        "A guide for employees",
        "How to read your role profile, how to assess yourself, and what the model is used for.",
        (
            _about(o),
            GuideSection(
                "Read your role profile",
                (
                    "Open the page of your role: it lists the competencies it requires, the "
                    "level for each, and which are essential. Follow the links to read each "
                    "competency's indicators.",
                ),
            ),
            GuideSection(
                "How to assess yourself",
                ("Self-assessment starts the conversation with your manager; it is not a test.",),
                (
                    "Read the indicators at your required level and at the levels just below "
                    "and above it.",
                    "Choose the highest level whose indicators you show consistently, without "
                    "help, in your normal work. Things you did once or with support belong to "
                    "the level below.",
                    "Write down one or two recent examples for each rating: the situation, "
                    "what you did yourself, and the result.",
                    "Rate what you have shown, not what you could do or intend to do.",
                    "Where your rating and your manager's differ, talk about the examples.",
                ),
            ),
            GuideSection(
                "How the model is used",
                bullets=(
                    "Performance reviews: a conversation about evidence against the "
                    "indicators, not a score on its own.",
                    "Development: gaps between your levels and your role's requirements point "
                    "to learning and experiences that help; you agree a plan with your manager.",
                    "Career moves: the career paths show which roles yours leads to, and their "
                    "profiles show what you would need to grow into.",
                    "Recruitment: interview questions and job descriptions come from the same "
                    "profiles, so what is asked of candidates matches what is asked of you.",
                    "Succession: readiness for a next role is judged against its profile, "
                    "essential requirements first.",
                ),
            ),
        ),
    )


def _managers(o: ModelOutline) -> tuple[str, str, tuple[GuideSection, ...]]:
    return (
        "A guide for managers",
        "How to rate fairly, and how to use the model in reviews, hiring, development and "
        "succession.",
        (
            _about(o),
            GuideSection(
                "How to rate",
                bullets=tuple(f"{step}: {detail}" for step, detail in ASSESSMENT_STEPS),
            ),
            GuideSection(
                "Common rating errors",
                bullets=(
                    "Recency: rating the last month instead of the whole period. Keep notes.",
                    "Halo and horns: letting one strength or weakness colour every competency. "
                    "Rate each competency on its own indicators.",
                    "Central tendency: putting everyone in the middle. Use the whole scale "
                    "where the evidence supports it.",
                    "Similar to me: rating people who work like you higher. Ask what the "
                    "indicators say, not whether you would have done it the same way.",
                ),
            ),
            GuideSection(
                "Using the model",
                bullets=(
                    "Reviews: compare self and manager ratings before the meeting and start "
                    "with the biggest differences.",
                    "Recruitment: use the role's interview guide; every panel member rates "
                    "each answer against the indicators before the panel discusses.",
                    "Development: pick one to three gaps, essential requirements first, and "
                    "agree learning and on-the-job experiences for each.",
                    "Succession: look at readiness for the next role in the career path and "
                    "at the essential requirements not yet met.",
                ),
            ),
        ),
    )


def _hr(o: ModelOutline) -> tuple[str, str, tuple[GuideSection, ...]]:
    md = o.model.metadata
    approvers = ", ".join(md.required_approvers) or "none recorded"
    review = md.review_date.isoformat() if md.review_date else "not set"
    return (
        "A guide for HR",
        "How the model is kept current and wired into HR processes.",
        (
            _about(o),
            GuideSection(
                "Looking after the model",
                (
                    "A model version moves from draft to pilot, approved, published and "
                    "finally retired. A published version does not change: every change makes "
                    "a new version, and the changelog says what changed.",
                ),
                (
                    f"Owner: {md.owner or 'not set'}.",
                    f"Approvals needed before publishing: {approvers}.",
                    f"Next review: {review}. Review at least once a year with the role "
                    "owners and a sample of employees and managers.",
                    "Assessments record the model version they were made against, so they "
                    "can be carried to the next version through an explicit mapping.",
                ),
            ),
            GuideSection(
                "In HR processes",
                bullets=(
                    "Performance reviews: set up self and manager ratings per cycle; decide "
                    "up front how unassessed competencies count and how ratings combine.",
                    "Recruitment: start job adverts from the job-description skeletons and "
                    "interviews from the interview guides.",
                    "Learning: learning resources say which competencies they develop and to "
                    "which level, so gaps can be matched to them.",
                    "Succession and workforce planning: readiness against the next roles, and "
                    "coverage of essential competencies across teams.",
                    "Other systems: the workbook for spreadsheets, this handbook for the "
                    "intranet, and the CASE 1.1 file for learning systems that read standards.",
                ),
            ),
            GuideSection(
                "Data quality",
                bullets=(
                    "Certifications can expire; expired ones no longer count.",
                    "Ratings without evidence are hard to calibrate: ask for examples.",
                    "Check that people's roles exist in the model before a review cycle.",
                ),
            ),
        ),
    )


_BUILDERS = {Audience.EMPLOYEES: _employees, Audience.MANAGERS: _managers, Audience.HR: _hr}


def build_guide(outline: ModelOutline, audience: Audience) -> AudienceGuide:
    """The guide for ``audience`` in the outline's language."""
    title, intro, sections = _BUILDERS[audience](outline)
    return AudienceGuide(audience, title, intro, sections)


__all__ = ["build_guide"]
