"""Shared pieces of the Moodle scenario tests: a small model, a workforce, an adapter."""

from __future__ import annotations

from typing import Any

from moodle_backends import Seeded

from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.plugins import PluginRegistry
from competency_core.sync import InMemorySyncState, SyncEngine, SyncStateStore
from competency_moodle import MoodleAdapter

LEVELS = ["Aware", "Working", "Skilled", "Expert"]
_REGISTRY = PluginRegistry.build(entry_points=False)


def model_data() -> dict[str, Any]:
    """A small model: a hierarchy, a related pair, indicators, a role, two resources."""
    return {
        "key": "eng",
        "name": "Engineering",
        "description": "How we build software.",
        "scales": [
            {
                "key": "four",
                "name": "Four levels",
                "proficient": 3,
                "levels": [{"value": i, "label": label} for i, label in enumerate(LEVELS, 1)],
            }
        ],
        "competencies": [
            {
                "key": "coding",
                "name": "Coding",
                "definition": "Writes clear code.",
                "scale": "four",
                "indicators": {3: [{"text": "Writes tested code"}]},
            },
            {"key": "coding.review", "name": "Code review", "parent": "coding", "scale": "four"},
            {"key": "coding.tests", "name": "Testing", "parent": "coding", "scale": "four"},
            {"key": "design", "name": "Design", "scale": "four", "related": ["coding"]},
        ],
        "roles": [
            {
                "key": "engineer",
                "title": "Engineer",
                "requirements": [
                    {"competency": "coding", "level": 3},
                    {"competency": "design", "level": 2},
                ],
            }
        ],
        "learning_resources": [
            {
                "key": "clean-code",
                "title": "Clean code",
                "develops": [{"competency": "coding", "to_level": 3}],
                "external_ids": {"moodle_course": "CC-101"},
            },
            {
                "key": "ghost-course",
                "title": "A course Moodle does not have",
                "develops": [{"competency": "design", "to_level": 2}],
                "external_ids": {"moodle_course": "NOPE-404"},
            },
        ],
    }


def make_model(**changes: Any) -> CompetencyModel:
    """The small model, with top-level fields replaced."""
    return CompetencyModel.model_validate(model_data() | changes)


def workforce() -> Workforce:
    """Two people of the model (one missing in Moodle), ratings and assignments."""
    return Workforce.model_validate(
        {
            "model": "eng",
            "people": [
                {"key": "ada", "name": "Ada", "email": "ada@example.org", "role": "engineer"},
                {"key": "bob", "name": "Bob", "email": "bob@example.org", "role": "engineer"},
                {"key": "zed", "name": "Zed", "email": "zed@example.org", "role": "engineer"},
            ],
            "assessments": [
                {"person": "ada", "competency": "coding", "level": 3, "date": "2026-01-10"},
                {"person": "ada", "competency": "coding", "level": 4, "date": "2026-03-10"},
                {"person": "ada", "competency": "design", "level": 2, "date": "2026-03-10"},
                {"person": "bob", "competency": "coding", "level": 1, "date": "2026-03-11"},
            ],
            "assignments": [
                {"person": "ada", "resource": "clean-code", "assigned": "2026-02-01"},
                {"person": "bob", "resource": "clean-code", "assigned": "2026-02-01"},
            ],
        }
    )


def adapter(seeded: Seeded, token: str | None = None, **settings: Any) -> MoodleAdapter:
    """An adapter on the seeded site (no waiting between retries)."""
    values = {
        "url": seeded.url,
        "token": token or seeded.token,
        "scale_id": seeded.scale,
        "backoff": 0,
    }
    return MoodleAdapter.configure(values | settings, env={})


def engine(adapter: MoodleAdapter, state: SyncStateStore | None = None) -> SyncEngine:
    """An engine without third-party hooks."""
    return SyncEngine(adapter, state or InMemorySyncState(), registry=_REGISTRY)
