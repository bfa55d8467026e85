"""A small career ladder whose answers are worked out by hand (in the comments and tests).

One scale, 1..5, normalised ``n(l) = (l - 1) / 4``; four competencies ``a b c d``. A step's
gap from a role is the weighted mean of ``max(0, n(required) - n(held))`` where "held" is the
source role's required level (0 for what it does not require):

    junior     (1, ic)    a2 b2           junior -> mid        promotion   12 m   gap 0.25
    mid        (2, ic)    a3 b3           mid -> senior        promotion   24 m   gap 0.25
    senior     (3, ic)    a4(w2) b3 c3~   mid -> lead          track-switch 18 m  gap 0.375
    lead       (3, mgmt)  a3 d4           mid -> manager       management  60 m   gap 0.5
    principal  (4, ic)    a5 c4           senior -> principal  promotion   36 m   gap 0.25
    manager    (4, mgmt)  b3 d5           senior -> lead       lateral            gap 0.375
    specialist (3, ic)    (not rated)     lead -> manager      promotion          gap 0.375
                                          mid -> specialist    specialist         (not rated)

``c3~`` is desirable (not essential); every other requirement is essential.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from competency_core.model import CompetencyModel
from competency_core.people import Workforce

DAY = dt.date(2026, 6, 1)


def _req(
    competency: str, level: int, weight: float = 1.0, essential: bool = True
) -> dict[str, Any]:
    return {"competency": competency, "level": level, "weight": weight, "essential": essential}


LADDER: dict[str, Any] = {
    "key": "ladder",
    "name": "Hand-checked ladder",
    "scales": [
        {
            "key": "five",
            "name": "Five-point",
            "proficient": 3,
            "levels": [{"value": v, "label": f"L{v}"} for v in range(1, 6)],
        }
    ],
    "competencies": [
        {"key": k, "name": f"Competency {k.upper()}", "scale": "five"} for k in "abcd"
    ],
    "tracks": [
        {"key": "ic", "name": "Individual contributor"},
        {"key": "mgmt", "name": "Managers"},
    ],
    "roles": [
        {
            "key": "junior",
            "title": "Junior",
            "family": "eng",
            "level": 1,
            "track": "ic",
            "requirements": [_req("a", 2), _req("b", 2)],
        },
        {
            "key": "mid",
            "title": "Mid",
            "family": "eng",
            "level": 2,
            "track": "ic",
            "requirements": [_req("a", 3), _req("b", 3)],
        },
        {
            "key": "senior",
            "title": "Senior",
            "family": "eng",
            "level": 3,
            "track": "ic",
            "requirements": [_req("a", 4, 2.0), _req("b", 3), _req("c", 3, essential=False)],
        },
        {
            "key": "lead",
            "title": "Lead",
            "family": "eng",
            "level": 3,
            "track": "mgmt",
            "requirements": [_req("a", 3), _req("d", 4)],
        },
        {
            "key": "principal",
            "title": "Principal",
            "family": "eng",
            "level": 4,
            "track": "ic",
            "requirements": [_req("a", 5), _req("c", 4)],
        },
        {
            "key": "manager",
            "title": "Manager",
            "family": "eng",
            "level": 4,
            "track": "mgmt",
            "requirements": [_req("b", 3), _req("d", 5)],
        },
        {"key": "specialist", "title": "Specialist", "family": "eng", "level": 3, "track": "ic"},
    ],
    "transitions": [
        {"source": "junior", "target": "mid", "kind": "promotion", "typical_months": 12},
        {"source": "mid", "target": "senior", "kind": "promotion", "typical_months": 24},
        {"source": "mid", "target": "lead", "kind": "track-switch", "typical_months": 18},
        {"source": "mid", "target": "manager", "kind": "management", "typical_months": 60},
        {"source": "senior", "target": "principal", "kind": "promotion", "typical_months": 36},
        {"source": "senior", "target": "lead", "kind": "lateral"},
        {"source": "lead", "target": "manager", "kind": "promotion"},
        {"source": "mid", "target": "specialist", "kind": "specialist"},
    ],
    "learning_resources": [
        {
            "key": "d-course",
            "title": "D in depth",
            "develops": [{"competency": "d", "to_level": 5}],
            "hours": 10,
        },
        {
            "key": "d-basics",
            "title": "D basics",
            "develops": [{"competency": "d", "to_level": 3}],
            "hours": 2,
        },
    ],
}


def ladder_model() -> CompetencyModel:
    """The hand-checked ladder."""
    return CompetencyModel.model_validate(copy.deepcopy(LADDER))


def _a(person: str, competency: str, level: int) -> dict[str, Any]:
    return {
        "person": person,
        "competency": competency,
        "level": level,
        "rater_type": "manager",
        "date": dt.date(2026, 3, 1),
    }


PEOPLE: dict[str, Any] = {
    "model": "ladder",
    "people": [
        # holds mid; meets everything senior asks: ready now for senior
        {"key": "pat", "name": "Pat", "role": "mid"},
        # holds junior; a and c one level short of senior: ready in one step
        {"key": "quinn", "name": "Quinn", "role": "junior"},
        # holds junior; a two levels short of senior: not ready
        {"key": "robin", "name": "Robin", "role": "junior"},
        # holds senior: an incumbent, never a successor
        {"key": "sam", "name": "Sam", "role": "senior"},
    ],
    "assessments": [
        _a("pat", "a", 4),
        _a("pat", "b", 3),
        _a("pat", "c", 3),
        _a("quinn", "a", 3),
        _a("quinn", "b", 3),
        _a("quinn", "c", 2),
        _a("robin", "a", 2),
        _a("robin", "b", 2),
        _a("sam", "a", 5),
        _a("sam", "b", 4),
        _a("sam", "c", 4),
        _a("sam", "d", 2),
    ],
}


def ladder_workforce() -> Workforce:
    """Pat, Quinn, Robin and Sam."""
    return Workforce.model_validate(copy.deepcopy(PEOPLE))


def write_ladder(folder: Path) -> tuple[Path, Path]:
    """The ladder and its people as YAML files in ``folder`` (for the CLI)."""
    model = folder / "ladder.yaml"
    people = folder / "people.yaml"
    model.write_text(yaml.safe_dump(LADDER, sort_keys=False), encoding="utf-8")
    people.write_text(
        yaml.safe_dump(PEOPLE, sort_keys=False, default_flow_style=None), encoding="utf-8"
    )
    return model, people
