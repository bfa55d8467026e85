"""Small models and rating builders for the analytics tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from competency_core.analytics.ratings import PilotRating
from competency_core.model import CompetencyModel
from competency_core.people import RaterType

DAY = dt.date(2026, 3, 2)


def five_point_model(
    competencies: Sequence[str] = ("alpha", "beta"),
    roles: dict[str, Sequence[str]] | None = None,
) -> CompetencyModel:
    """A model with one 1-5 scale, the given competencies, and roles requiring some of them."""
    role_map = roles if roles is not None else {"r1": list(competencies)}
    return CompetencyModel.model_validate(
        {
            "key": "test-model",
            "name": "Test model",
            "scales": [
                {
                    "key": "five",
                    "name": "Five",
                    "proficient": 3,
                    "levels": [{"value": v, "label": f"L{v}"} for v in range(1, 6)],
                }
            ],
            "competencies": [
                {"key": c, "name": c.capitalize(), "scale": "five"} for c in competencies
            ],
            "roles": [
                {
                    "key": r,
                    "title": r,
                    "requirements": [{"competency": c, "level": 3} for c in reqs],
                }
                for r, reqs in role_map.items()
            ],
        }
    )


def matrix_ratings(
    competency: str,
    matrix: Sequence[Sequence[int | None]],
    *,
    rater_types: Sequence[RaterType] | None = None,
) -> list[PilotRating]:
    """Ratings from a raters x people matrix (None: no rating at all, not even a blank)."""
    out = []
    for i, row in enumerate(matrix):
        rt = rater_types[i] if rater_types else RaterType.PEER
        for j, level in enumerate(row):
            if level is None:
                continue
            out.append(
                PilotRating(
                    person=f"p{j}",
                    competency=competency,
                    rater_type=rt,
                    rater=f"rater-{i}",
                    level=level,
                    date=DAY,
                )
            )
    return out


def unrated(
    competency: str, people: Iterable[str], *, cannot: int, blank: int
) -> list[PilotRating]:
    """'cannot rate' and blank answers spread over people."""
    ps = list(people)
    out = []
    for k in range(cannot + blank):
        out.append(
            PilotRating(
                person=ps[k % len(ps)],
                competency=competency,
                rater_type=RaterType.PEER,
                rater=f"unrater-{k}",
                cannot_rate=k < cannot,
                date=DAY,
            )
        )
    return out
