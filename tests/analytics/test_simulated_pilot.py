from __future__ import annotations

import pytest

from competency_core.analytics.items import FlagKind, analyse_items
from competency_core.analytics.ratings import AnalyticsError, Answer
from competency_core.analytics.simulate import SimulationSettings, simulate_pilot


def test_the_simulation_is_reproducible(se_model, se_people) -> None:  # type: ignore[no-untyped-def]
    a = simulate_pilot(se_model, se_people, size=8, seed=5)
    b = simulate_pilot(se_model, se_people, size=8, seed=5)
    assert a == b
    assert simulate_pilot(se_model, se_people, size=8, seed=6).data != a.data


def test_participants_are_rated_on_their_roles_competencies(se_model, se_people) -> None:  # type: ignore[no-untyped-def]
    sim = simulate_pilot(se_model, se_people, size=10, seed=1)
    assert sim.data.participants == sim.selection.people
    for key in sim.selection.people:
        role = se_model.role(se_people.person(key).role)
        rated = {r.competency for r in sim.data.ratings if r.person == key}
        assert rated == {q.competency for q in role.requirements}
        raters = {(r.rater_type, r.rater) for r in sim.data.ratings if r.person == key}
        assert len(raters) == 4  # self, manager, two peers
    assert len(sim.feedback) == 10
    assert all(s.nps is not None for s in sim.feedback)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_the_too_broad_competency_is_flagged(se_model, se_people, seed: int) -> None:  # type: ignore[no-untyped-def]
    sim = simulate_pilot(se_model, se_people, size=10, seed=seed)
    a = analyse_items(se_model, sim.data.ratings)
    broad = a.item("problem-solving")
    assert {FlagKind.LOW_AGREEMENT, FlagKind.HARD_TO_RATE} <= {f.kind for f in broad.flags}
    assert a.flagged[0].competency == "problem-solving"


def test_without_a_too_broad_competency_it_is_not_flagged(se_model, se_people) -> None:  # type: ignore[no-untyped-def]
    sim = simulate_pilot(
        se_model, se_people, size=10, seed=2, settings=SimulationSettings(too_broad=None)
    )
    broad = analyse_items(se_model, sim.data.ratings).item("problem-solving")
    assert broad.flags == ()
    unrated = sum(r.answer is not Answer.RATED for r in sim.data.ratings)
    assert unrated / len(sim.data.ratings) < 0.1


def test_an_unknown_too_broad_competency_is_refused(se_model, se_people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalyticsError, match="not in the model"):
        simulate_pilot(se_model, se_people, settings=SimulationSettings(too_broad="nope"))
