"""Refreshers: what to renew before it lapses, so that a level a role requires stays met.

A certification, a badge or a rating with an expiry counts up to its last valid day. When
such a piece decides the level of a requirement the person meets today, and lapses within
the plan's horizon so that the level (re-resolved by the policy and the model's evidence
rules on the day it lapses) falls below the requirement, the plan gets a refresher: renew
the piece before its last valid day, with the learning resources that develop the
competency to the required level.

>>> import datetime as dt
>>> from competency_core.people import Evidence
>>> from competency_core.testing.samples import sample_model
>>> m = sample_model()
>>> held = [Evidence(kind="certification", person="ada", competency=c, level=lv, name=n,
...                  date=dt.date(2025, 1, 1), valid_until=until)
...         for c, lv, n, until in [("python", 2, "Python cert", dt.date(2027, 1, 1)),
...                                 ("testing", 3, "ISTQB", dt.date(2026, 3, 1)),
...                                 ("communication", 2, "Writing", dt.date(2028, 1, 1))]]
>>> [r.action for r in refreshers(m, m.role("engineer"), held, on=dt.date(2026, 1, 1), within=90)]
['renew ISTQB before 2026-03-01']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence
from competency_core.roles import RoleProfile
from competency_core.scoring.currency import ONE_DAY, LapsingEvidence, expiry_of, lapsing_evidence
from competency_core.scoring.levels import SNAP_TOLERANCE
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy
from competency_core.scoring.rules import Explanation, explain_levels


class Refresher(BaseModel):
    """Renew a piece of evidence before it lapses, or a required level is lost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    name: str = Field(description="The competency's name.")
    required: int = Field(description="The level the role requires.")
    level_today: float = Field(description="The level on the plan's date (it meets the role).")
    level_after: float | None = Field(
        description="The level on the day the piece lapses (None: unassessed)."
    )
    evidence: LapsingEvidence = Field(description="The piece that lapses.")
    expires: dt.date = Field(description="Its last valid day.")
    lapses_on: dt.date = Field(description="The first day without it.")
    due: dt.date = Field(description="When the renewal is due: the last day it is valid.")
    action: str = Field(description="What to do: 'renew <name> before <last valid day>'.")
    resources: tuple[str, ...] = Field(
        description="Learning resources that develop the competency to the required level."
    )


def _deciding(exp: Explanation) -> list[Evidence]:
    """Where the level came from: the pieces used, here and in a roll-up's children."""
    out: list[Evidence] = [w.evidence for w in exp.used]
    for child in exp.children:
        out += _deciding(child)
    return out


def _action(piece: LapsingEvidence, expires: dt.date) -> str:
    verb = "renew" if piece.kind in {"certification", "badge"} else "refresh"
    if piece.kind == "assessment" and piece.rater_type is not None and not piece.name:
        verb = "renew" if piece.rater_type.value == "certification" else "refresh"
    return f"{verb} {piece.title} before {expires}"


def refreshers(
    model: CompetencyModel,
    role: RoleProfile,
    items: Iterable[Assessment | Evidence],
    *,
    on: dt.date,
    within: int,
    policy: ScoringPolicy = DEFAULT_POLICY,
    language: str | None = None,
) -> tuple[Refresher, ...]:
    """What one person must renew within ``within`` days of ``on`` to keep meeting ``role``.

    ``items`` are the person's assessments and other evidence (what is dated after ``on``
    is left out). For each requirement met on ``on``, the first day within the horizon
    on which its level falls below the required level gives one refresher per deciding
    piece that lapses that day. By due date, then competency.
    """
    if within < 0:
        raise ValueError(f"the horizon must be 0 days or more, not {within}")
    known: Sequence[Assessment | Evidence] = [i for i in items if i.date <= on]
    until = on + dt.timedelta(days=within)
    ends = sorted({e for i in known if (e := expiry_of(i)) is not None and on <= e <= until})
    if not ends:
        return ()
    wanted = [r.competency for r in role.requirements]
    cache: dict[dt.date, dict[str, Explanation]] = {}

    def explained(day: dt.date) -> dict[str, Explanation]:
        if day not in cache:
            cache[day] = explain_levels(model, known, policy=policy, on=day, competencies=wanted)
        return cache[day]

    def below(exp: Explanation | None, need: float) -> bool:
        return exp is None or exp.normalised is None or exp.normalised < need - SNAP_TOLERANCE

    out: list[Refresher] = []
    for req in role.requirements:
        scale = model.scale_of(req.competency)
        need = scale.normalise(req.level)
        today = explained(on).get(req.competency)
        if today is None or today.level is None or below(today, need):
            continue  # not met today: the plan's gaps deal with it
        for end in ends:
            after = explained(end + ONE_DAY).get(req.competency)
            if not below(after, need):
                continue
            last = explained(end).get(req.competency)
            lapsing = {p.id: p for p in _deciding(last) if p.valid_until == end} if last else {}
            resources = tuple(
                r.key
                for r in model.learning_resources
                if any(
                    d.competency == req.competency and d.to_level >= req.level for d in r.develops
                )
            )
            for piece in lapsing.values():
                shown = lapsing_evidence(piece, end)
                out.append(
                    Refresher(
                        competency=req.competency,
                        name=model.text(model.competency(req.competency).name, language),
                        required=req.level,
                        level_today=today.level,
                        level_after=None if after is None else after.level,
                        evidence=shown,
                        expires=end,
                        lapses_on=end + ONE_DAY,
                        due=end,
                        action=_action(shown, end),
                        resources=resources,
                    )
                )
            break  # the first day it falls: renewing that piece is the refresher
    return tuple(sorted(out, key=lambda r: (r.due, r.competency, r.action)))


__all__ = ["Refresher", "refreshers"]
