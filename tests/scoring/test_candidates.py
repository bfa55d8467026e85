"""Who is considered for a role: the CandidateFilter shared by ``fit --role`` and succession.

Hand-checked on the examples (``examples/people.yaml``: 14 people, staff engineer is E4 /
level 4, held by lucas-moreau), properties on generated models and workforces, and the CLI
of both commands with ``--format json``, from a file and from the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.careers import CareerGraph, succession
from competency_core.errors import CompetencyError
from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.roles import RoleProfile, Transition
from competency_core.scoring import readiness_matrix
from competency_core.scoring.candidates import (
    CandidateFilter,
    Moves,
    best_candidates,
    select_candidates,
    seniority_order,
)
from competency_core.testing.strategies import scoring_models, workforces

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ON = "2026-04-01"
DAY = dt.date(2026, 4, 1)
ROLE = "staff-engineer"


@pytest.fixture(scope="module")
def example() -> tuple[CompetencyModel, Workforce]:
    model = load_model(EXAMPLES / "software-engineering.yaml")
    return model, load_workforce(EXAMPLES / "people.yaml", model)


def kept(example: tuple[CompetencyModel, Workforce], **options: Any) -> set[str]:
    return set(select_candidates(*example, ROLE, CandidateFilter(**options)).kept)


EVERYONE = {
    "priya-raman", "daniel-kim", "sofia-lindqvist", "amara-okafor", "lucas-moreau",
    "hannah-schmidt", "tomas-novak", "jakob-eriksson", "ravi-patel", "omar-haddad",
    "mei-chen", "aisha-bello", "noor-alvi", "lena-fischer",
}  # fmt: skip
BELOW_E4 = {
    "hannah-schmidt", "tomas-novak", "jakob-eriksson", "ravi-patel", "omar-haddad",
    "mei-chen", "aisha-bello", "noor-alvi", "lena-fischer",
}  # fmt: skip
PAYMENTS = {"daniel-kim", "hannah-schmidt", "tomas-novak", "jakob-eriksson", "ravi-patel"}


def test_incumbents_are_left_out_unless_included(example: Any) -> None:
    pool = select_candidates(*example, ROLE)
    assert set(pool.kept) == EVERYONE - {"lucas-moreau"}
    assert [(s.filter, s.left_out) for s in pool.applied] == [("incumbents", 1)]
    assert kept(example, include_incumbents=True) == EVERYONE
    assert pool.considered == 14


def test_moves_up_and_across_by_level(example: Any) -> None:
    assert kept(example, moves="up") == BELOW_E4
    # the engineering managers (M1, level 4) are as senior as a staff engineer (E4, level 4)
    assert kept(example, moves=Moves.ACROSS) == {"daniel-kim", "sofia-lindqvist"}
    pool = select_candidates(*example, ROLE, CandidateFilter(moves=Moves.UP))
    counts = {s.filter: s.left_out for s in pool.applied}
    assert counts == {"incumbents": 1, "no current role": 0, "moves": 4}


def test_along_transitions_keeps_the_declared_sources(example: Any) -> None:
    # senior-engineer, senior-sre and engineering-manager lead straight to staff-engineer
    want = {"hannah-schmidt", "omar-haddad", "mei-chen", "daniel-kim", "sofia-lindqvist"}
    assert kept(example, along_transitions=True) == want
    both = kept(example, along_transitions=True, moves="up")
    assert both == {"hannah-schmidt", "omar-haddad", "mei-chen"}


def test_team_and_manager(example: Any) -> None:
    assert kept(example, teams=("Payments",)) == PAYMENTS
    assert kept(example, teams=("Payments", "Architecture")) == PAYMENTS | {"amara-okafor"}
    assert kept(example, manager="daniel-kim") == PAYMENTS - {"daniel-kim"}
    assert kept(example, manager="priya-raman") == {
        "daniel-kim", "sofia-lindqvist", "amara-okafor",
    }  # fmt: skip
    assert kept(example, manager="priya-raman", all_reports=True) == EVERYONE - {
        "priya-raman", "lucas-moreau",
    }  # fmt: skip


def test_unknown_team_or_manager_and_reports_without_manager_are_errors(example: Any) -> None:
    with pytest.raises(CompetencyError, match="nobody is in team 'Nope'"):
        select_candidates(*example, ROLE, CandidateFilter(teams=("Nope",)))
    with pytest.raises(CompetencyError, match="unknown person 'nobody'"):
        select_candidates(*example, ROLE, CandidateFilter(manager="nobody"))
    with pytest.raises(CompetencyError, match="name a manager"):
        CandidateFilter(all_reports=True)


def test_people_without_a_role_are_kept_only_for_any_moves(example: Any) -> None:
    model, wf = example
    newcomer = wf.people[-1].model_copy(update={"key": "new", "role": None, "team": "Payments"})
    wf2 = wf.model_copy(update={"people": (*wf.people, newcomer)})
    assert "new" in select_candidates(model, wf2, ROLE).kept
    for f in (CandidateFilter(moves="up"), CandidateFilter(along_transitions=True)):
        pool = select_candidates(model, wf2, ROLE, f)
        assert "new" not in pool.kept
        assert {s.filter: s.left_out for s in pool.applied}["no current role"] == 1


def test_seniority_by_level_else_grade() -> None:
    def r(grade: str | None, level: int | None = None) -> RoleProfile:
        return RoleProfile(key="r", title="R", grade=grade, level=level)

    assert seniority_order(r("E2"), r("E3")) == -1
    assert seniority_order(r("E10"), r("E9")) == 1
    assert seniority_order(r("Senior"), r("senior")) == 0
    assert seniority_order(r("M1", 4), r("E4", 4)) == 0
    assert seniority_order(r("M1"), r("E4")) is None
    assert seniority_order(r(None), r("E4")) is None


def test_best_candidates_is_the_matrix_ranking_without_those_left_out(example: Any) -> None:
    model, wf = example
    matrix = readiness_matrix(model, wf, on=DAY)
    everyone = [m.person for m in matrix.top_candidates(ROLE, 20)]
    short = best_candidates(model, wf, ROLE, candidate_filter=CandidateFilter(moves="up"),
                            k=20, on=DAY)  # fmt: skip
    assert [m.person for m in short.matches] == [p for p in everyone if p in BELOW_E4]
    assert [m.rank for m in short.matches] == list(range(1, len(BELOW_E4) + 1))
    got = {m.person: m.readiness for m in short.matches}
    assert got == {
        m.person: m.readiness for m in matrix.top_candidates(ROLE, 20) if m.person in got
    }


def test_succession_takes_the_same_filter(example: Any) -> None:
    model, wf = example
    cg = CareerGraph.from_model(model)
    f = CandidateFilter(moves="up", manager="daniel-kim")
    result = succession(cg, ROLE, wf, on=DAY, candidate_filter=f)
    assert {c.person for c in result.candidates} == PAYMENTS - {"daniel-kim"}
    assert result.incumbents == ("lucas-moreau",)
    data = result.to_dict()["filters"]
    assert data["moves"] == "up"
    assert data["manager"] == "daniel-kim"
    assert data["kept"] == 4
    assert data["considered"] == 14
    with_holder = succession(cg, ROLE, wf, on=DAY,
                             candidate_filter=CandidateFilter(include_incumbents=True))  # fmt: skip
    assert "lucas-moreau" in {c.person for c in with_holder.candidates}


# -- properties ------------------------------------------------------------------------


@st.composite
def cases(draw: st.DrawFn) -> tuple[CompetencyModel, Workforce, str, CandidateFilter]:
    """A model whose roles have levels and grades and some transitions, its workforce, a
    role and a filter."""
    m = draw(scoring_models(n_roles=(1, 4), requirements_per_role=(0, 4), learning=False))
    roles = tuple(
        r.model_copy(update={"level": draw(st.none() | st.integers(1, 3)),
                             "grade": draw(st.none() | st.sampled_from(["G1", "G2", "G3"]))})
        for r in m.roles
    )  # fmt: skip
    keys = [r.key for r in roles]
    pairs = draw(st.lists(st.tuples(st.sampled_from(keys), st.sampled_from(keys)), max_size=6))
    moves = tuple(Transition(source=a, target=b) for a, b in dict.fromkeys(pairs) if a != b)
    model = m.model_copy(update={"roles": roles, "transitions": moves})
    wf = draw(workforces(model, n_people=(0, 8), assessments_per_person=(0, 4)))
    teams = sorted({p.team for p in wf.people if p.team is not None})
    managers = [p.key for p in wf.people]
    f = CandidateFilter(
        include_incumbents=draw(st.booleans()),
        moves=draw(st.sampled_from(list(Moves))),
        along_transitions=draw(st.booleans()),
        teams=tuple(draw(st.lists(st.sampled_from(teams), max_size=2))) if teams else (),
        manager=draw(st.none() | st.sampled_from(managers)) if managers else None,
    )
    if f.manager is not None:
        f = dataclasses.replace(f, all_reports=draw(st.booleans()))
    return model, wf, draw(st.sampled_from(keys)), f


@settings(max_examples=40, deadline=None)
@given(cases())
def test_filtering_never_adds_people_and_keeps_the_ranking_order(case: Any) -> None:
    model, wf, role, f = case
    pool = select_candidates(model, wf, role, f)
    everyone = [p.key for p in wf.people]
    assert set(pool.kept) <= set(everyone)
    assert list(pool.kept) == [p for p in everyone if p in set(pool.kept)]
    assert pool.considered - len(pool.kept) == sum(s.left_out for s in pool.applied)
    day = dt.date(2026, 1, 1)
    unfiltered = best_candidates(model, wf, role, k=len(everyone) + 1, on=day,
                                 candidate_filter=CandidateFilter(include_incumbents=True))  # fmt: skip
    filtered = best_candidates(model, wf, role, k=len(everyone) + 1, on=day, candidate_filter=f)
    order = [m.person for m in unfiltered.matches]
    got = [m.person for m in filtered.matches]
    assert got == [p for p in order if p in set(got)]  # a subset, in the same relative order
    assert set(got) == set(pool.kept)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_incumbents_never_appear_by_default(case: Any) -> None:
    model, wf, role, f = case
    f = dataclasses.replace(f, include_incumbents=False)
    holders = {p.key for p in wf.people if p.role == role}
    day = dt.date(2026, 1, 1)
    assert not holders & set(select_candidates(model, wf, role, f).kept)
    short = best_candidates(model, wf, role, k=len(wf.people) + 1, on=day)
    assert not holders & {m.person for m in short.matches}
    cg = CareerGraph.from_model(model)
    assert not holders & {c.person for c in succession(cg, role, wf, on=day).candidates}


# -- the CLI -----------------------------------------------------------------------------


def _run(cli: Any, *args: Any) -> Any:
    r = cli(*args, "--on", ON, "-f", "json")
    assert r.code == 0, (r.out, r.err)
    return r.json()


def test_fit_json_says_which_filters_applied(cli: Any) -> None:
    model, people = EXAMPLES / "software-engineering.yaml", EXAMPLES / "people.yaml"
    data = _run(cli, "fit", model, "-p", people, "--role", ROLE, "-k", "20",
                "--moves", "up", "--team", "Payments")  # fmt: skip
    assert {x["person"] for x in data["matches"]} == PAYMENTS - {"daniel-kim"}
    f = data["filters"]
    assert f["moves"] == "up"
    assert f["teams"] == ["Payments"]
    assert f["include_incumbents"] is False
    assert [(s["filter"], s["left_out"]) for s in f["applied"]] == [
        ("incumbents", 1), ("no current role", 0), ("moves", 4), ("team", 5),
    ]  # fmt: skip
    assert f["considered"] == 14
    assert f["kept"] == 4
    reports = _run(cli, "fit", model, "-p", people, "--role", ROLE, "--manager", "priya-raman",
                   "--all-reports", "--along-transitions")  # fmt: skip
    assert {x["person"] for x in reports["matches"]} == {
        "hannah-schmidt", "omar-haddad", "mei-chen", "daniel-kim", "sofia-lindqvist",
    }  # fmt: skip
    text = cli("fit", model, "-p", people, "--role", ROLE, "--moves", "across", "--on", ON)
    assert text.code == 0
    assert "2 of 14 people considered" in text.out


def test_fit_filters_are_for_roles_only_and_errors_are_clean(cli: Any) -> None:
    model, people = EXAMPLES / "software-engineering.yaml", EXAMPLES / "people.yaml"
    r = cli("fit", model, "-p", people, "--person", "daniel-kim", "--moves", "up")
    assert r.code != 0
    assert "use them with --role" in r.out + r.err
    r = cli("fit", model, "-p", people, "--role", ROLE, "--all-reports", "-f", "json")
    assert r.code != 0
    assert "name a manager" in r.out + r.err
    r = cli("fit", model, "-p", people, "--role", ROLE, "--moves", "sideways")
    assert r.code == 2


def test_succession_json_takes_the_same_options(cli: Any) -> None:
    model, people = EXAMPLES / "software-engineering.yaml", EXAMPLES / "people.yaml"
    data = _run(cli, "path", "succession", model, ROLE, "-p", people,
                "--manager", "daniel-kim", "--moves", "up")  # fmt: skip
    assert {c["person"] for c in data["candidates"]} == PAYMENTS - {"daniel-kim"}
    assert data["filters"]["manager"] == "daniel-kim"
    assert {s["filter"]: s["left_out"] for s in data["filters"]["applied"]}["manager"] == 5
    holders = _run(cli, "path", "succession", model, ROLE, "-p", people, "--include-incumbents")
    assert "lucas-moreau" in {c["person"] for c in holders["candidates"]}
    assert holders["filters"]["applied"] == []


def test_the_filters_read_the_store_as_the_file(cli: Any, tmp_path: Path) -> None:
    from competency_core.store import Store

    model = load_model(EXAMPLES / "software-engineering.yaml")
    wf = load_workforce(EXAMPLES / "people.yaml", model)
    url = str(tmp_path / "competency.sqlite3")
    with Store(url) as store:
        store.add_model(model)
        store.import_workforce(wf)
    path = EXAMPLES / "software-engineering.yaml"
    options = ("--moves", "up", "--team", "Payments", "--manager", "daniel-kim")
    for command in (("fit", path, "--role", ROLE), ("path", "succession", path, ROLE)):
        from_store = _run(cli, *command, "--store", url, *options)
        from_file = _run(cli, *command, "-p", EXAMPLES / "people.yaml", *options)
        key = "matches" if command[0] == "fit" else "candidates"
        assert {x["person"] for x in from_store[key]} == {x["person"] for x in from_file[key]}
        assert from_store["filters"] == from_file["filters"]
