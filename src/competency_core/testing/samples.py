"""A small, fixed model and workforce for examples, doctests and fixtures.

Two scales (a five-point scale and a three-point one mapped onto it), four competencies,
two roles with a promotion between them, four learning resources and three people.
"""

from __future__ import annotations

import datetime as dt

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, RaterType, Workforce

_MODEL = {
    "key": "sample",
    "name": "Sample engineering model",
    "version": "1.0.0",
    "scales": [
        {
            "key": "five",
            "name": "Five-point",
            "proficient": 3,
            "levels": [
                {"value": v, "label": label}
                for v, label in enumerate(
                    ["Awareness", "Foundation", "Practitioner", "Advanced", "Expert"], 1
                )
            ],
        },
        {
            "key": "three",
            "name": "Three-point (interviews)",
            "proficient": 2,
            "levels": [
                {"value": 1, "label": "Below"},
                {"value": 2, "label": "Meets"},
                {"value": 3, "label": "Exceeds"},
            ],
        },
    ],
    "scale_mappings": [{"source": "three", "target": "five", "levels": {1: 1, 2: 3, 3: 5}}],
    "competencies": [
        {
            "key": "python",
            "name": "Python programming",
            "domain": "technical",
            "scale": "five",
            "indicators": {
                3: ["Writes idiomatic, tested Python for the team's services."],
                4: ["Designs packages others build on; reviews for clarity and performance."],
                5: ["Sets Python practice across teams."],
            },
        },
        {
            "key": "testing",
            "name": "Automated testing",
            "domain": "technical",
            "scale": "five",
            "indicators": {
                3: ["Writes unit and integration tests for their own changes."],
                4: ["Designs test strategies, including property-based tests."],
            },
        },
        {
            "key": "communication",
            "name": "Communication",
            "domain": "behavioural",
            "scale": "five",
            "indicators": {3: ["Explains trade-offs clearly in writing."]},
        },
        {
            "key": "mentoring",
            "name": "Mentoring",
            "domain": "leadership",
            "scale": "five",
            "indicators": {3: ["Mentors a junior colleague through a project."]},
        },
    ],
    "roles": [
        {
            "key": "engineer",
            "title": "Engineer",
            "family": "engineering",
            "level": 1,
            "requirements": [
                {"competency": "python", "level": 3, "weight": 2.0},
                {"competency": "testing", "level": 3},
                {"competency": "communication", "level": 2, "essential": False},
            ],
        },
        {
            "key": "senior-engineer",
            "title": "Senior engineer",
            "family": "engineering",
            "level": 2,
            "requirements": [
                {"competency": "python", "level": 4, "weight": 2.0},
                {"competency": "testing", "level": 4},
                {"competency": "communication", "level": 3},
                {"competency": "mentoring", "level": 3, "essential": False},
            ],
        },
    ],
    "transitions": [{"source": "engineer", "target": "senior-engineer"}],
    "learning_resources": [
        {
            "key": "testing-course",
            "title": "Testing in depth",
            "develops": [{"competency": "testing", "to_level": 4}],
            "hours": 8,
            "cost": 300,
        },
        {
            "key": "python-advanced",
            "title": "Advanced Python",
            "develops": [
                {"competency": "python", "to_level": 4},
                {"competency": "testing", "to_level": 3},
            ],
            "hours": 20,
            "cost": 800,
        },
        {
            "key": "mentoring-101",
            "title": "Mentoring basics",
            "kind": "workshop",
            "develops": [{"competency": "mentoring", "to_level": 3}],
            "hours": 4,
            "cost": 0,
        },
        {
            "key": "writing-workshop",
            "title": "Writing for engineers",
            "kind": "workshop",
            "develops": [{"competency": "communication", "to_level": 3}],
            "hours": 6,
            "cost": 150,
        },
    ],
}


def sample_model() -> CompetencyModel:
    """The sample model (a new, equal object on every call)."""
    return CompetencyModel.model_validate(_MODEL)


def _a(
    person: str, comp: str, level: int, rater: RaterType, day: dt.date, **kw: object
) -> Assessment:
    return Assessment.model_validate(
        {
            "person": person,
            "competency": comp,
            "level": level,
            "rater_type": rater,
            "date": day,
            **kw,
        }
    )


def sample_assessments(person: str = "ada") -> tuple[Assessment, ...]:
    """Ada's assessments: strong Python, testing below the engineer level, two communication ratings."""
    d = dt.date
    return (
        _a(person, "python", 4, RaterType.MANAGER, d(2025, 6, 1)),
        _a(person, "testing", 2, RaterType.MANAGER, d(2025, 6, 1)),
        _a(person, "communication", 2, RaterType.MANAGER, d(2025, 3, 1)),
        _a(person, "communication", 3, RaterType.SELF, d(2025, 6, 1)),
    )


def sample_workforce() -> Workforce:
    """Three people in two departments: Ada (engineer), Grace (senior) and Linus (engineer)."""
    d = dt.date
    people = (
        Person(key="ada", name="Ada", role="engineer", department="platform", team="core"),
        Person(
            key="grace", name="Grace", role="senior-engineer", department="platform", team="core"
        ),
        Person(key="linus", name="Linus", role="engineer", department="apps", team="mobile"),
    )
    grace = (
        _a("grace", "python", 5, RaterType.MANAGER, d(2025, 5, 1)),
        _a("grace", "testing", 4, RaterType.MANAGER, d(2025, 5, 1)),
        _a("grace", "communication", 3, RaterType.PEER, d(2025, 5, 1)),
        _a("grace", "mentoring", 3, RaterType.THREE_SIXTY, d(2025, 5, 1)),
    )
    linus = (
        _a("linus", "python", 3, RaterType.MANAGER, d(2025, 4, 1)),
        _a("linus", "testing", 3, RaterType.TEST, d(2024, 1, 1), expires=d(2024, 12, 31)),
        _a("linus", "testing", 2, RaterType.INTERVIEW, d(2025, 4, 1), scale="three"),
    )
    return Workforce(
        model="sample", people=people, assessments=sample_assessments("ada") + grace + linus
    )


__all__ = ["sample_assessments", "sample_model", "sample_workforce"]
