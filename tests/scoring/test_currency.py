"""Currency: what lapses within a horizon (hand-checked cases, properties, the CLI)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.people import Assessment, Person, RaterType, Workforce
from competency_core.scoring import Aggregation, ScoringPolicy
from competency_core.scoring.currency import expiring, lapses_of
from competency_core.testing.samples import sample_model

D = dt.date
ON = D(2026, 1, 1)
MODEL = sample_model()


def _a(comp: str, level: int, rater: RaterType, day: dt.date, expires: dt.date | None = None,
       person: str = "ada") -> Assessment:  # fmt: skip
    return Assessment(
        person=person, competency=comp, level=level, rater_type=rater, date=day, expires=expires
    )


def _engineer(person: str = "ada", *testing: Assessment) -> tuple[Assessment, ...]:
    """An engineer who meets the role apart from testing, which ``testing`` rates."""
    return (
        _a("python", 4, RaterType.MANAGER, D(2025, 6, 1), person=person),
        _a("communication", 3, RaterType.MANAGER, D(2025, 6, 1), person=person),
        *testing,
    )


def _workforce(*assessments: Assessment, people: tuple[Person, ...] | None = None) -> Workforce:
    people = people or (Person(key="ada", name="Ada", role="engineer", team="core"),)
    return Workforce(model="sample", people=people, assessments=assessments)


# -- hand-checked cases --------------------------------------------------------------


def test_a_lapsing_certification_with_nothing_behind_it_costs_readiness() -> None:
    cert = _a("testing", 4, RaterType.CERTIFICATION, D(2025, 6, 1), D(2026, 2, 1))
    f = expiring(MODEL, _workforce(*_engineer("ada", cert)), on=ON, within=90)
    assert f.until == D(2026, 4, 1)
    [p] = f.people
    [lapse] = p.lapses
    assert (lapse.competency, lapse.expires, lapse.lapses_on) == ("testing", D(2026, 2, 1),
                                                                  D(2026, 2, 2))  # fmt: skip
    assert (lapse.level_today, lapse.level_before, lapse.level_after) == (4.0, 4.0, None)
    assert lapse.lowers
    assert [(e.kind, e.rater_type, e.level) for e in lapse.evidence] == [
        ("assessment", RaterType.CERTIFICATION, 4)
    ]
    # testing (essential, 3 on 1..5) falls to the minimum: readiness 1 - 0.5/(2*0.5+0.5+0.25)
    assert p.ready_today is True
    assert p.readiness_today == pytest.approx(1.0)
    assert p.ready_after is False
    assert p.readiness_after == pytest.approx(1 - 0.5 / 1.75)
    assert p.loses_readiness
    assert f.losing_readiness == ("ada",)
    [team] = f.by_team
    assert (team.key, team.people, team.lapses, team.lose_readiness) == ("core", 1, 1, 1)
    assert [(c.competency, c.lapses) for c in team.competencies] == [("testing", 1)]


def test_an_older_rating_takes_over_when_the_newer_one_lapses() -> None:
    manager = _a("testing", 3, RaterType.MANAGER, D(2025, 3, 1))
    cert = _a("testing", 5, RaterType.CERTIFICATION, D(2025, 9, 1), D(2026, 1, 31))
    [lapse] = lapses_of(MODEL, _engineer("ada", manager, cert), on=ON, within=30)
    assert (lapse.level_before, lapse.level_after, lapse.lowers) == (5.0, 3.0, True)
    f = expiring(MODEL, _workforce(*_engineer("ada", manager, cert)), on=ON, within=30)
    assert f.people[0].ready_after is True
    assert not f.people[0].loses_readiness


def test_a_newer_rating_that_stays_current_makes_the_lapse_harmless() -> None:
    old = _a("testing", 4, RaterType.CERTIFICATION, D(2025, 1, 1), D(2026, 1, 15))
    newer = _a("testing", 4, RaterType.TEST, D(2025, 10, 1), D(2027, 10, 1))
    [lapse] = lapses_of(MODEL, _engineer("ada", old, newer), on=ON, within=30)
    assert (lapse.level_before, lapse.level_after, lapse.lowers) == (4.0, 4.0, False)


def test_the_policy_decides_which_rating_takes_over() -> None:
    cert = _a("testing", 3, RaterType.CERTIFICATION, D(2025, 1, 1), D(2026, 1, 15))
    self_rating = _a("testing", 5, RaterType.SELF, D(2025, 10, 1))
    items = _engineer("ada", cert, self_rating)
    [latest] = lapses_of(MODEL, items, on=ON, within=30)
    assert (latest.level_before, latest.level_after, latest.lowers) == (5.0, 5.0, False)
    priority = ScoringPolicy(aggregation=Aggregation.PRIORITY)
    [ranked] = lapses_of(MODEL, items, on=ON, within=30, policy=priority)
    assert (ranked.level_before, ranked.level_after, ranked.lowers) == (3.0, 5.0, False)


def test_the_horizon_includes_both_ends_and_ignores_later_assessments() -> None:
    today = _a("testing", 4, RaterType.TEST, D(2025, 1, 1), ON)
    tomorrow = _a("python", 4, RaterType.TEST, D(2025, 1, 1), ON + dt.timedelta(days=1))
    future = _a("communication", 3, RaterType.TEST, D(2026, 1, 2), D(2026, 1, 3))
    items = (today, tomorrow, future)
    assert [x.competency for x in lapses_of(MODEL, items, on=ON, within=0)] == ["testing"]
    assert [x.competency for x in lapses_of(MODEL, items, on=ON, within=1)] == [
        "testing",
        "python",
    ]
    assert [x.competency for x in lapses_of(MODEL, items, on=ON, within=5)] == [
        "testing",
        "python",
    ]
    with pytest.raises(ValueError, match="0 days or more"):
        lapses_of(MODEL, items, on=ON, within=-1)


def test_team_and_role_filters_and_groups() -> None:
    people = (
        Person(key="ada", name="Ada", role="engineer", team="core"),
        Person(key="bo", name="Bo", role="engineer", team="mobile"),
        Person(key="cy", name="Cy", role="senior-engineer", team="core"),
        Person(key="di", name="Di", team="core"),
    )
    lapsing = [
        _a("testing", 4, RaterType.CERTIFICATION, D(2025, 6, 1), D(2026, 2, 1), person=p)
        for p in ("ada", "bo", "cy", "di")
    ]
    wf = _workforce(*_engineer("ada"), *_engineer("bo"), *lapsing, people=people)
    f = expiring(MODEL, wf, on=ON, within=90)
    assert [p.person for p in f.people] == ["ada", "bo", "cy", "di"]
    assert f.losing_readiness == ("ada", "bo")
    assert f.people[3].readiness_today is None
    assert not f.people[3].loses_readiness
    assert [(g.key, g.people, g.lose_readiness) for g in f.by_team] == [
        ("core", 3, 1),
        ("mobile", 1, 1),
    ]
    assert [(g.key, g.people, g.lose_readiness) for g in f.by_role] == [
        ("engineer", 2, 2),
        ("senior-engineer", 1, 0),
        (None, 1, 0),
    ]
    assert [(c.competency, c.lapses) for c in f.competencies] == [("testing", 4)]
    core = expiring(MODEL, wf, on=ON, within=90, team="core")
    assert core.considered == 3
    assert [p.person for p in core.people] == ["ada", "cy", "di"]
    eng = expiring(MODEL, wf, on=ON, within=90, role="engineer", team="core")
    assert [p.person for p in eng.people] == ["ada"]


# -- properties ------------------------------------------------------------------------

COMPETENCIES = ("python", "testing", "communication", "mentoring")
EPOCH = D(2025, 1, 1)


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    day = EPOCH + dt.timedelta(days=draw(st.integers(0, 700)))
    lasts = draw(st.none() | st.integers(0, 400))
    return _a(
        draw(st.sampled_from(COMPETENCIES)),
        draw(st.integers(1, 5)),
        draw(st.sampled_from(list(RaterType))),
        day,
        None if lasts is None else day + dt.timedelta(days=lasts),
    )


ON_DAYS = st.integers(0, 700).map(lambda n: EPOCH + dt.timedelta(days=n))
POLICIES = st.sampled_from(
    [
        ScoringPolicy(),
        ScoringPolicy(aggregation=Aggregation.PRIORITY),
        ScoringPolicy(aggregation=Aggregation.BLEND),
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(assessments(), max_size=8), ON_DAYS, POLICIES)
def test_with_horizon_zero_only_what_expires_on_the_day_lapses(
    items: list[Assessment], on: dt.date, policy: ScoringPolicy
) -> None:
    for lapse in lapses_of(MODEL, items, on=on, within=0, policy=policy):
        assert lapse.expires == on
        assert lapse.lapses_on == on + dt.timedelta(days=1)


@settings(max_examples=60, deadline=None)
@given(st.lists(assessments(), max_size=8), ON_DAYS, st.integers(0, 200), st.integers(0, 200))
def test_what_lapses_grows_with_the_horizon(
    items: list[Assessment], on: dt.date, h1: int, h2: int
) -> None:
    short, long = sorted((h1, h2))
    fewer = {(x.competency, x.expires): x for x in lapses_of(MODEL, items, on=on, within=short)}
    more = {(x.competency, x.expires): x for x in lapses_of(MODEL, items, on=on, within=long)}
    assert fewer.keys() <= more.keys()
    assert all(more[k] == v for k, v in fewer.items())  # the same lapse, the same levels


@settings(max_examples=60, deadline=None)
@given(st.lists(assessments(), max_size=8), assessments(), ON_DAYS, st.integers(0, 200), POLICIES)
def test_an_already_expired_assessment_changes_nothing(
    items: list[Assessment], extra: Assessment, on: dt.date, within: int, policy: ScoringPolicy
) -> None:
    if extra.expires is None or extra.expires >= on:
        day = min(extra.date, on - dt.timedelta(days=1))
        extra = extra.model_copy(update={"date": day, "expires": on - dt.timedelta(days=1)})
    people = (Person(key="ada", name="Ada", role="engineer", team="core"),)
    base = expiring(MODEL, _workforce(*items, people=people), on=on, within=within, policy=policy)
    more = expiring(
        MODEL, _workforce(*items, extra, people=people), on=on, within=within, policy=policy
    )
    assert more == base


# -- the CLI on the examples -------------------------------------------------------------

DEMO_ON = "2026-04-01"


@pytest.fixture
def files(examples: Path) -> tuple[Path, Path]:
    return examples / "software-engineering.yaml", examples / "people.yaml"


def test_expiring_json_on_the_examples(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("expiring", model, "-p", people, "--within", "12m", "--on", DEMO_ON, "-f", "json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["on"], data["within"], data["until"]) == ("2026-04-01", 360, "2027-03-27")
    # three expiring ratings (Noor's, Sofia's, Tomas's certification ratings) and three
    # certifications of the workforce's evidence: Hannah's CSSLP, Mei's PCA, Ravi's CKA
    assert [p["person"] for p in data["people"]] == ["hannah-schmidt", "mei-chen", "noor-alvi",
                                                     "ravi-patel", "sofia-lindqvist",
                                                     "tomas-novak"]  # fmt: skip
    assert data["losing_readiness"] == ["noor-alvi"]
    people = {p["person"]: p for p in data["people"]}
    noor = people["noor-alvi"]
    assert noor["lapses"][0]["competency"] == "secure-development"
    assert noor["lapses"][0]["level_after"] is None
    tomas = people["tomas-novak"]["lapses"][0]
    assert tomas["level_before"] == tomas["level_after"] == 3  # another rating takes over
    # the CSSLP decides 4 (any-of: certified); after it, the manager's 3 ("rated")
    hannah = people["hannah-schmidt"]["lapses"][0]
    assert (hannah["level_before"], hannah["level_after"]) == (4, 3)
    assert hannah["evidence"][0]["kind"] == "certification"
    assert hannah["evidence"][0]["rater"] == "ISC2"
    assert {g["key"] for g in data["by_team"]} == {"Platform", "Payments"}


def test_expiring_units_and_filters(cli: Any, files: Any) -> None:
    model, people = files
    base = ("expiring", model, "-p", people, "--on", DEMO_ON, "-f", "json")
    assert cli(*base, "--within", "90d").json()["people"] == []
    six = cli(*base, "--within", "6m").json()
    assert six["within"] == 180
    # until 2026-09-28: Ravi's CKA (07-15), Tomas's on-call check (07-08), Hannah's CSSLP (08-31)
    assert [p["person"] for p in six["people"]] == ["hannah-schmidt", "ravi-patel",
                                                    "tomas-novak"]  # fmt: skip
    assert cli(*base, "--within", "180").json()["people"] == six["people"]
    assert cli(*base, "--within", "26w").json()["within"] == 182
    payments = cli(*base, "--within", "12m", "--team", "Payments").json()
    assert [p["person"] for p in payments["people"]] == ["hannah-schmidt", "ravi-patel",
                                                         "tomas-novak"]  # fmt: skip
    managers = cli(*base, "--within", "12m", "--role", "engineering-manager").json()
    assert [p["person"] for p in managers["people"]] == ["sofia-lindqvist"]


def test_expiring_text_names_who_loses_readiness(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("expiring", model, "-p", people, "--within", "12m", "--on", DEMO_ON)
    assert r.code == 0, r.err
    assert "1 loses readiness for their role" in r.out
    assert "noor-alvi" in r.out
    assert "By team" in r.out


@pytest.mark.parametrize("bad", ["3x", "90 days", "-5d", "", "1.5m"])
def test_a_bad_horizon_is_a_clear_usage_error(cli: Any, files: Any, bad: str) -> None:
    model, people = files
    r = cli("expiring", model, "-p", people, "--within", bad)
    assert r.code == 2
    assert "--within" in r.err
    assert "is not a horizon" in r.err
    assert "Traceback" not in r.err + r.out


def test_an_unknown_role_is_an_error(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("expiring", model, "-p", people, "--within", "90d", "--role", "astronaut")
    assert r.code == 2
    assert "astronaut" in r.err
    assert "Traceback" not in r.err
