"""The release kit's training outline for HR and for managers, with exercises from the model.

The exercises use the model's own behavioural indicators, chosen by a stable rule so that
the same model always gives the same training:

- the competencies are ranked by how many roles require them (then how many require them
  as essential, then model order), keeping those with indicators at two adjacent levels;
- for each, the two levels are the most commonly required level and the one below it
  (or above, when the one below has no indicators);
- the role of the HR exercise is the role with the most requirements (then model order).

Managers rate an example against the first competency's indicators, calibrate as two
raters on the second and look for rating errors on the third; HR reads a role profile,
runs a calibration session on the second competency and reads the adoption figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from competency_core.competencies import Competency
from competency_core.i18n import Translator
from competency_core.publish.outline import ModelOutline
from competency_core.publish.release import (
    Exercise,
    ExerciseLevel,
    TrainingModule,
    adoption_metrics,
)
from competency_core.release_plan import ReleaseAudience, ReleasePlan


def ranked_competencies(o: ModelOutline) -> list[tuple[Competency, tuple[int, int]]]:
    """Competencies for exercises, most required first, each with its two adjacent levels."""
    m = o.model
    required = Counter(q.competency for r in m.roles for q in r.requirements)
    essential = Counter(q.competency for r in m.roles for q in r.requirements if q.essential)
    order = {c.key: i for i, c in enumerate(m.competencies)}
    # each competency's required levels, counted in one pass over the roles (not one pass
    # per competency: that was quadratic, seconds for 2,000 competencies x 500 roles)
    required_levels: dict[str, Counter[int]] = {}
    for r in m.roles:
        for q in r.requirements:
            required_levels.setdefault(q.competency, Counter())[q.level] += 1
    out = []
    for c in sorted(
        m.competencies, key=lambda c: (-required[c.key], -essential[c.key], order[c.key])
    ):
        levels = _levels(o, c, required_levels.get(c.key, Counter()))
        if levels is not None:
            out.append((c, levels))
    return out


def _levels(o: ModelOutline, c: Competency, levels: Counter[int]) -> tuple[int, int] | None:
    """The most commonly required level and the one below (or above) it, both with indicators.

    ``levels`` counts the roles requiring ``c`` at each level.
    """
    values = o.model.scale(c.scale).values
    # most common first, the lower level on a tie; then the rest of the scale from the top
    preferred = [v for v, _ in sorted(levels.items(), key=lambda p: (-p[1], p[0]))]
    preferred += [v for v in reversed(values) if v not in preferred]
    for level in preferred:
        if not c.indicators.get(level):
            continue
        i = values.index(level) if level in values else -1
        if i > 0 and c.indicators.get(values[i - 1]):
            return values[i - 1], level
        if 0 <= i < len(values) - 1 and c.indicators.get(values[i + 1]):
            return level, values[i + 1]
    return None


def _exercise_levels(
    o: ModelOutline, c: Competency, levels: tuple[int, int]
) -> tuple[ExerciseLevel, ...]:
    return tuple(
        ExerciseLevel(
            v,
            o.level_label(c.key, v),
            tuple(o.text(i.text) for i in c.indicators.get(v, ())),
        )
        for v in levels
    )


def _sessions(
    tr: Translator,
    plan: ReleasePlan,
    audience: ReleaseAudience,
    tbd: Callable[[str], str],
    o: ModelOutline,
) -> tuple[str, ...]:
    found = sorted(
        (s for s in plan.training if s.audience is audience), key=lambda s: (s.date, s.owner or "")
    )
    if not found:
        what = (
            tr._("training dates for HR")
            if audience is ReleaseAudience.HR
            else tr._("training dates for managers")
        )
        return (tbd(what),)
    lines = []
    for s in found:
        parts = [tr.date(s.date)]
        if s.place:
            parts.append(o.text(s.place))
        parts.append(tr._("led by %(owner)s", owner=s.owner) if s.owner else tbd(tr._("trainers")))
        lines.append(", ".join(parts))
    return tuple(lines)


def _manager_exercises(
    o: ModelOutline, tr: Translator, ranked: list[tuple[Competency, tuple[int, int]]]
) -> tuple[Exercise, ...]:
    if not ranked:
        return ()
    out = []
    first, levels = ranked[0]
    low, high = levels
    out.append(
        Exercise(
            "rate-an-example",
            tr._("Rate an example against the indicators"),
            (
                tr._(
                    "Each participant writes down a real, recent example of someone's work "
                    "on %(competency)s (without names).",
                    competency=o.name(first.key),
                ),
                tr._(
                    "In pairs, rate the example against the indicators at level %(low)s and "
                    "level %(high)s below: which level does it show consistently, and what "
                    "evidence is missing to decide?",
                    low=low,
                    high=high,
                ),
                tr._("Compare the ratings in the group and agree which indicators decided."),
            ),
            first.key,
            o.name(first.key),
            _exercise_levels(o, first, levels),
        )
    )
    second, levels2 = ranked[1] if len(ranked) > 1 else ranked[0]
    out.append(_calibration(o, tr, second, levels2, "calibration"))
    third, levels3 = ranked[2] if len(ranked) > 2 else ranked[0]
    label = o.level_label(third.key, levels3[1])
    out.append(
        Exercise(
            "rating-errors",
            tr._("Spot the rating errors"),
            (
                tr._(
                    "A manager rates someone at level %(level)s (%(label)s) on %(competency)s, "
                    "and at the same level on every other competency, after one excellent "
                    "project last month. The person shows the indicators below only "
                    "sometimes, and with help.",
                    level=levels3[1],
                    label=label,
                    competency=o.name(third.key),
                ),
                tr._(
                    "Which rating errors do you see, which level do the indicators support, "
                    "and what would you ask the manager for?"
                ),
            ),
            third.key,
            o.name(third.key),
            _exercise_levels(o, third, levels3),
            (
                tr._("Recency: one recent project instead of the whole period."),
                tr._("Halo: one strength colours every competency."),
                tr._(
                    "Occasional or supported behaviour belongs to the level below, not the "
                    "level rated."
                ),
            ),
        )
    )
    return tuple(out)


def _calibration(
    o: ModelOutline, tr: Translator, c: Competency, levels: tuple[int, int], key: str
) -> Exercise:
    return Exercise(
        key,
        tr._("Calibrate with two raters"),
        (
            tr._(
                "Two raters read the same written example on %(competency)s and each rates it "
                "alone against the indicators below.",
                competency=o.name(c.key),
            ),
            tr._(
                "They show their ratings at the same time, then each names the indicators and "
                "the evidence behind theirs."
            ),
            tr._(
                "Where they differ, they agree what evidence would settle it; a difference of "
                "more than one level is discussed in the group."
            ),
        ),
        c.key,
        o.name(c.key),
        _exercise_levels(o, c, levels),
    )


def _hr_exercises(
    o: ModelOutline, tr: Translator, ranked: list[tuple[Competency, tuple[int, int]]]
) -> tuple[Exercise, ...]:
    m = o.model
    out = []
    roles = sorted(enumerate(m.roles), key=lambda p: (-len(p[1].requirements), p[0]))
    if roles and roles[0][1].requirements:
        role = roles[0][1]
        points = tuple(
            tr._(
                "%(competency)s: level %(level)s (%(label)s)",
                competency=o.name(q.competency),
                level=q.level,
                label=o.level_label(q.competency, q.level),
            )
            for q in o.sorted_requirements(role)
            if q.essential
        )
        out.append(
            Exercise(
                "read-a-role-profile",
                tr._("Read a role profile"),
                (
                    tr._(
                        "Open the role profile of %(role)s. Which requirements are essential, "
                        "and what does the required level look like for each?",
                        role=o.title(role.key),
                    ),
                    tr._(
                        "Explain to a colleague how someone in this role would prepare their "
                        "self-assessment."
                    ),
                ),
                None,
                o.title(role.key),
                points=points,
            )
        )
    if ranked:
        c, levels = ranked[1] if len(ranked) > 1 else ranked[0]
        calibration = _calibration(o, tr, c, levels, "run-a-calibration")
        out.append(
            Exercise(
                calibration.key,
                tr._("Run a calibration session"),
                (
                    *calibration.instructions,
                    tr._(
                        "As the facilitator, keep the discussion on the indicators and the "
                        "evidence, and write down where the wording of the model was unclear."
                    ),
                ),
                calibration.competency,
                calibration.subject,
                calibration.levels,
            )
        )
    out.append(
        Exercise(
            "read-the-adoption-figures",
            tr._("Read the adoption figures"),
            (
                tr._(
                    "Run the monitoring report on last quarter's data (competency monitor) "
                    "and compare each figure with its target."
                ),
                tr._("Which figure is furthest from its target, and what would you do about it?"),
            ),
            points=tuple(name for name, _ in adoption_metrics(tr).values()),
        )
    )
    return tuple(out)


def training_modules(
    o: ModelOutline, tr: Translator, plan: ReleasePlan, tbd: Callable[[str], str]
) -> tuple[TrainingModule, ...]:
    """The HR and the managers' training of the release kit (see the module docs)."""
    ranked = ranked_competencies(o)
    m = o.model
    scales = ", ".join(o.text(s.name) for s in m.scales)
    hr = TrainingModule(
        ReleaseAudience.HR,
        tr._("Training for HR"),
        tr._(
            "Run reviews, recruitment and development with the model, answer people's "
            "questions about it and measure its adoption."
        ),
        (
            tr._(
                "The model: %(competencies)s, %(roles)s, %(scales)s.",
                competencies=tr.n_("%(n)s competency", "%(n)s competencies", len(m.competencies)),
                roles=tr.n_("%(n)s role", "%(n)s roles", len(m.roles)),
                scales=scales,
            ),
            tr._("Versions and their lifecycle: draft, pilot, approved, published, retired."),
            tr._("Reading a role profile and its essential requirements."),
            tr._("Running a calibration session with managers."),
            tr._("Answering questions: the FAQs and the contact channel."),
            tr._("Measuring adoption with the monitoring report."),
        ),
        _hr_exercises(o, tr, ranked),
        _sessions(tr, plan, ReleaseAudience.HR, tbd, o),
    )
    managers = TrainingModule(
        ReleaseAudience.MANAGERS,
        tr._("Training for managers"),
        tr._(
            "Rate fairly against the indicators and hold good review, development and "
            "hiring conversations with the model."
        ),
        (
            tr._("The scale and what each level means: %(scales)s.", scales=scales),
            tr._("Rating against indicators: evidence, not impressions."),
            tr._("Common rating errors and how to avoid them."),
            tr._("The review conversation: self and manager ratings side by side."),
            tr._("Development plans from gaps; interview guides for hiring."),
        ),
        _manager_exercises(o, tr, ranked),
        _sessions(tr, plan, ReleaseAudience.MANAGERS, tbd, o),
    )
    return hr, managers


__all__ = ["ranked_competencies", "training_modules"]
