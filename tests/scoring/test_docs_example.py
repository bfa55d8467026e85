"""The worked example of docs/testing.md: an app tests its own scoring wrapper.

docs/testing.md shows this file's code between the ``example`` markers; a test below
checks that the two stay the same.
"""

from __future__ import annotations

# --8<-- [start:example]
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core import CompetencyModel
from competency_core.people import Assessment
from competency_core.roles import RoleProfile
from competency_core.scoring import ScoringPolicy, score_role
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

# ---- the app's code: a "role fit" card in whole percent, under the app's own policy ----

APP_POLICY = ScoringPolicy(unassessed="exclude", aggregation="priority", ready_threshold=0.75)


@dataclass
class RoleFit:
    readiness: float  # the library's figure, as it is
    gap: float
    ready: bool

    @property
    def percent(self) -> int:  # 0..100, shown to people
        # floor, not round: 99.6 % must not show as 100 % (100 % means every requirement
        # met); the 1e-9 absorbs float noise, so 40 % shows as 40, not as 39 (0.39999...)
        return math.floor(self.readiness * 100 + 1e-9)


def role_fit(
    model: CompetencyModel,
    role: RoleProfile | str,
    assessments: Iterable[Assessment],
    on: dt.date,
) -> RoleFit:
    s = score_role(model, role, assessments, policy=APP_POLICY, on=on)
    return RoleFit(readiness=s.readiness, gap=s.gap, ready=s.ready)


def render_card(role: RoleProfile) -> str:
    lines = [f"{role.key}: {len(role.requirements)} requirement(s)"]
    lines += [f"- {r.competency} at {r.level}" for r in role.requirements]
    return "\n".join(lines)


# ---- the app's tests ----


def app_score(case: P.ScoringCase) -> RoleFit:  # what the contract's checks read
    return role_fit(case.model, case.role, case.assessments, case.on)


APP_CASES = cst.scoring_cases(policy=APP_POLICY)  # the app always scores with its policy


def test_role_fit_keeps_the_contract(scoring_contract) -> None:  # competency-core's fixture
    scoring_contract(app_score, cases=APP_CASES, max_examples=40)


@settings(max_examples=60)
@given(APP_CASES)
def test_the_percent_shown(case: P.ScoringCase) -> None:
    fit = app_score(case)
    assert 0 <= fit.percent <= 100
    assert (fit.percent == 100) == (fit.gap == 0.0)  # 100 % exactly when nothing is missing
    assert fit.percent <= fit.readiness * 100 + 1e-9 < fit.percent + 1


def test_deciding_ready_from_the_percent_alone_is_caught() -> None:
    def percent_only(case: P.ScoringCase) -> RoleFit:  # a tempting shortcut in a UI
        fit = role_fit(case.model, case.role, case.assessments, case.on)
        return RoleFit(fit.readiness, fit.gap, ready=fit.percent >= 75)

    with pytest.raises(AssertionError, match="essential"):
        P.run_contract(
            percent_only,
            cases=APP_CASES,
            checks=[P.check_unmet_essential],
            max_examples=200,
            shrink=False,
        )


@settings(max_examples=15)
@given(st.from_type(RoleProfile))  # valid roles, through hypothesis' entry point
def test_every_role_renders_a_card(role: RoleProfile) -> None:
    card = render_card(role)
    assert card.startswith(role.key)
    assert len(card.splitlines()) == 1 + len(role.requirements)


def test_the_sample_fits(competency_model: CompetencyModel) -> None:
    fit = role_fit(competency_model, "engineer", [], dt.date(2026, 1, 1))
    assert (fit.percent, fit.ready) == (100, False)  # nothing assessed: nothing counted, not ready


# --8<-- [end:example]


def test_the_docs_show_this_example() -> None:
    from pathlib import Path

    here = Path(__file__).read_text(encoding="utf-8")
    code = here.split("# --8<-- [start:example]\n")[1].split("# --8<-- [end:example]")[0]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text(encoding="utf-8")
    shown = docs.split("<!-- example: tests/scoring/test_docs_example.py -->\n```python\n")[1]
    shown = shown.split("```")[0]
    assert shown.strip() == code.strip(), "docs/testing.md and this example differ: copy it over"


def _forty_percent_case() -> P.ScoringCase:
    """40 % of the required mass met, which floats compute as 0.39999999999999997."""
    model = CompetencyModel.model_validate(
        {
            "key": "forty",
            "name": "Forty",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "levels": [{"value": v, "label": f"L{v}"} for v in range(7)],
                    "proficient": 3,
                }
            ],
            "competencies": [
                {"key": "c0", "name": "C0", "scale": "s"},
                {"key": "c1", "name": "C1", "scale": "s"},
            ],
            "roles": [
                {
                    "key": "r",
                    "title": "R",
                    "requirements": [
                        {"competency": "c0", "level": 1, "weight": 1.5, "essential": False},
                        {"competency": "c1", "level": 1, "weight": 1.0, "essential": False},
                    ],
                }
            ],
        }
    )
    on = dt.date(2026, 1, 1)
    rated = tuple(
        Assessment(person="person", competency=c, level=lv, date=on)
        for c, lv in (("c0", 0), ("c1", 1))
    )
    return P.ScoringCase(model, model.role("r"), rated, on, APP_POLICY)


def test_the_card_keeps_the_contract_where_floats_fall_short_of_a_whole_percent() -> None:
    # issue 15: the card once floored readiness to whole percent before the contract saw
    # it, so 0.39999... showed (and was checked) as 39 %, and as 40 % with the weights x 3
    case = _forty_percent_case()
    assert app_score(case).percent == 40
    assert app_score(P.scaled_weights(case, 3.0)).percent == 40
    for check in P.CONTRACT:
        check(app_score, case)
