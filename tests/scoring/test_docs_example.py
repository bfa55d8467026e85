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
from competency_core.testing.fixtures import competency_model, scoring_contract  # noqa: F401

# ---- the app's code: a "role fit" card in whole percent, under the app's own policy ----

APP_POLICY = ScoringPolicy(unassessed="exclude", aggregation="priority", ready_threshold=0.75)


@dataclass
class RoleFit:
    percent: int  # 0..100, shown to people
    gap: float
    ready: bool


def role_fit(
    model: CompetencyModel,
    role: RoleProfile | str,
    assessments: Iterable[Assessment],
    on: dt.date,
) -> RoleFit:
    s = score_role(model, role, assessments, policy=APP_POLICY, on=on)
    # floor, not round: 99.6 % must not show as 100 % (100 % means every requirement met)
    return RoleFit(percent=math.floor(s.readiness * 100), gap=s.gap, ready=s.ready)


def render_card(role: RoleProfile) -> str:
    lines = [f"{role.key}: {len(role.requirements)} requirement(s)"]
    lines += [f"- {r.competency} at {r.level}" for r in role.requirements]
    return "\n".join(lines)


# ---- the app's tests ----


@dataclass
class Score:  # what the contract's checks read: readiness, gap and ready
    readiness: float
    gap: float
    ready: bool


def app_score(case: P.ScoringCase) -> Score:
    fit = role_fit(case.model, case.role, case.assessments, case.on)
    return Score(fit.percent / 100, fit.gap, fit.ready)


APP_CASES = cst.scoring_cases(policy=APP_POLICY)  # the app always scores with its policy
# the card rounds readiness on purpose, so the exact formulas are not the app's contract
APP_CHECKS = tuple(c for c in P.CONTRACT if c is not P.check_formulas)


def test_role_fit_keeps_the_contract(scoring_contract) -> None:  # noqa: F811
    scoring_contract(app_score, cases=APP_CASES, checks=APP_CHECKS, max_examples=40)


def test_deciding_ready_from_the_percent_alone_is_caught() -> None:
    def percent_only(case: P.ScoringCase) -> Score:  # a tempting shortcut in a UI
        fit = role_fit(case.model, case.role, case.assessments, case.on)
        return Score(fit.percent / 100, fit.gap, ready=fit.percent >= 75)

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


def test_the_sample_fits(competency_model: CompetencyModel) -> None:  # noqa: F811
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
