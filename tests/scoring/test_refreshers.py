"""Evidence's validity in the currency forecast, and refreshers in development plans.

Hand-checked on small cases: a certification that alone decides a required level, one
with a rating behind it, one beyond the horizon, a roll-up whose child's certification
lapses; then the examples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.io import load_model, load_workforce, loads_model
from competency_core.people import Assessment, Evidence, Person, RaterType, Workforce
from competency_core.scoring import development_plan, expiring
from competency_core.scoring.currency import lapses_of
from competency_core.scoring.refreshers import refreshers
from competency_core.testing.samples import sample_model

D = dt.date
ON = D(2026, 1, 1)
MODEL = sample_model()


RATED_ON = D(2025, 6, 1)


def _rated(comp: str, level: int, day: dt.date = RATED_ON, **kw: Any) -> Assessment:
    return Assessment(person="ada", competency=comp, level=level, rater_type=RaterType.MANAGER,
                      date=day, **kw)  # fmt: skip


def _cert(comp: str, level: int, until: dt.date, name: str = "Tester cert") -> Evidence:
    return Evidence(kind="certification", person="ada", competency=comp, level=level, name=name,
                    asserted_by="ISTQB", date=D(2025, 9, 1), valid_until=until)  # fmt: skip


# python 4 and communication 3 meet the engineer's 3 and 2; testing (3) comes from ``testing``
BASE = (_rated("python", 4), _rated("communication", 3))


# -- currency: a certification's valid_until -------------------------------------------------


def test_a_lapsing_certification_is_a_lapse_and_the_level_is_resolved_again() -> None:
    cert = _cert("testing", 4, D(2026, 2, 1))
    behind = _rated("testing", 2)
    [lapse] = lapses_of(MODEL, [*BASE, cert, behind], on=ON, within=90)
    assert (lapse.competency, lapse.expires, lapse.lapses_on) == ("testing", D(2026, 2, 1),
                                                                  D(2026, 2, 2))  # fmt: skip
    # the certification (newer than the rating) decides 4; after it the manager's 2 takes over
    assert (lapse.level_before, lapse.level_after, lapse.lowers) == (4.0, 2.0, True)
    [piece] = lapse.evidence
    assert (piece.kind, piece.rater_type, piece.name, piece.rater, piece.level) == (
        "certification", RaterType.CERTIFICATION, "Tester cert", "ISTQB", 4)  # fmt: skip
    assert piece.id == cert.id


def test_the_forecast_reads_the_workforces_evidence() -> None:
    ada = Person(key="ada", name="Ada", role="engineer", team="core")
    wf = Workforce(model="sample", people=(ada,), assessments=BASE,
                   evidence=(_cert("testing", 3, D(2026, 3, 1)),))  # fmt: skip
    f = expiring(MODEL, wf, on=ON, within=90)
    [p] = f.people
    assert p.ready_today is True
    assert p.loses_readiness is True  # testing is essential: unassessed after the lapse
    assert [x.evidence[0].kind for x in p.lapses] == ["certification"]
    assert expiring(MODEL, wf, on=ON, within=30).people == ()  # 2026-03-01 is 59 days away


# -- refreshers ------------------------------------------------------------------------------


def test_a_certification_that_alone_meets_a_requirement_gets_a_refresher() -> None:
    cert = _cert("testing", 3, D(2026, 3, 1))
    plan = development_plan(MODEL, "engineer", [*BASE, cert], person="ada", on=ON)
    assert plan.items == ()  # nothing to close today
    [r] = plan.refreshers
    assert r.action == "renew Tester cert before 2026-03-01"
    assert (r.competency, r.required, r.level_today, r.level_after) == ("testing", 3, 3.0, None)
    assert (r.expires, r.lapses_on, r.due) == (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 1))
    # both resources develop testing to 3 or more
    assert r.resources == ("testing-course", "python-advanced")
    assert plan.renew_within == 180


def test_no_refresher_when_the_level_stays_met_after_the_lapse() -> None:
    cert = _cert("testing", 4, D(2026, 3, 1))
    rating = _rated("testing", 3)  # still current after the certificate: 3 meets 3
    plan = development_plan(MODEL, "engineer", [*BASE, cert, rating], person="ada", on=ON)
    assert plan.refreshers == ()
    # but against the senior role (testing 4) the certificate is all that meets it
    senior = development_plan(MODEL, "senior-engineer", [*BASE, cert, rating], person="ada",
                              on=ON)  # fmt: skip
    assert [(r.competency, r.level_after) for r in senior.refreshers] == [("testing", 3.0)]


def test_the_horizon_bounds_the_refreshers() -> None:
    cert = _cert("testing", 3, D(2026, 3, 1))  # 59 days after ON
    items = [*BASE, cert]
    assert development_plan(MODEL, "engineer", items, on=ON, renew_within=58).refreshers == ()
    assert len(development_plan(MODEL, "engineer", items, on=ON, renew_within=59).refreshers) == 1
    assert development_plan(MODEL, "engineer", items, on=ON, renew_within=None).refreshers == ()
    with pytest.raises(ValueError, match="0 days or more"):
        refreshers(MODEL, MODEL.role("engineer"), items, on=ON, within=-1)


def test_an_unmet_requirement_is_a_gap_not_a_refresher() -> None:
    cert = _cert("testing", 2, D(2026, 3, 1))  # 2 is below the engineer's 3 already
    plan = development_plan(MODEL, "engineer", [*BASE, cert], on=ON)
    assert [i.competency for i in plan.items] == ["testing"]
    assert plan.refreshers == ()


def test_an_expiring_rating_gets_a_refresher_too() -> None:
    rating = _rated("testing", 3, expires=D(2026, 2, 10))
    [r] = development_plan(MODEL, "engineer", [*BASE, rating], on=ON).refreshers
    assert r.action == "refresh the manager rating before 2026-02-10"
    assert r.evidence.kind == "assessment"


ROLL_UP = """
key: tiny
name: Tiny
scales: [{key: s, name: S, proficient: 3, levels: [{value: 1, label: A}, {value: 2, label: B},
         {value: 3, label: C}, {value: 4, label: D}]}]
competencies:
  - {key: ops, name: Ops, scale: s}
  - {key: alerts, name: Alerts, scale: s, parent: ops}
  - {key: oncall, name: On call, scale: s, parent: ops}
roles:
  - {key: sre, title: SRE, requirements: [{competency: ops, level: 3}]}
learning_resources:
  - {key: ops-course, title: Ops, kind: course, develops: [{competency: ops, to_level: 3}]}
  - {key: ops-intro, title: Intro, kind: course, develops: [{competency: ops, to_level: 2}]}
evidence:
  rules: [{competency: ops, rule: roll-up, mode: all}]
"""


def test_a_roll_up_falls_when_a_childs_certification_lapses() -> None:
    m = loads_model(ROLL_UP)
    rating = {"kind": "rating", "person": "bo", "rater_type": "manager"}
    items = [
        Evidence.model_validate({**rating, "competency": "alerts", "level": 3,
                                 "date": "2025-06-01"}),
        Evidence(kind="certification", person="bo", competency="oncall", level=4,
                 name="On-call cert", date=D(2025, 1, 1), valid_until=D(2026, 4, 30)),
        Evidence.model_validate({**rating, "competency": "oncall", "level": 2,
                                 "date": "2024-06-01"}),
    ]  # fmt: skip
    # ops = the lower of alerts 3 and oncall 4 = 3 (met); after the certificate, oncall is
    # the manager's 2, so ops falls to 2
    [r] = refreshers(m, m.role("sre"), items, on=ON, within=180)
    assert (r.competency, r.level_today, r.level_after) == ("ops", 3.0, 2.0)
    assert r.action == "renew On-call cert before 2026-04-30"
    assert r.resources == ("ops-course",)  # the intro stops at 2


# -- the examples ----------------------------------------------------------------------------


@pytest.fixture
def files(examples: Path) -> tuple[Path, Path]:
    return examples / "software-engineering.yaml", examples / "people.yaml"


def test_ravis_plan_renews_his_cka(cli: Any, files: Any) -> None:
    model, people = files
    base = ("plan", model, "-p", people, "--person", "ravi-patel", "--on", "2026-04-01")
    data = cli(*base, "-f", "json").json()
    # the CKA (valid until 2026-07-15, 105 days on) is his only evidence of delivery
    # automation (associate engineer: 2); the pipeline workshop develops it to 3
    [r] = data["refreshers"]
    assert r["action"] == "renew Certified Kubernetes Administrator (CKA) before 2026-07-15"
    assert (r["competency"], r["level_today"], r["level_after"], r["due"]) == (
        "delivery-automation", 3.0, None, "2026-07-15")  # fmt: skip
    assert r["resources"] == ["pipeline-workshop"]
    assert cli(*base, "-f", "json", "--renew-within", "90d").json()["refreshers"] == []
    assert cli(*base, "-f", "json", "--renew-within", "0").json()["refreshers"] == []
    text = cli(*base).out
    assert "Refreshers (lapsing within 180 days):" in text
    assert "renew Certified Kubernetes Administrator (CKA) before 2026-07-15" in text


def test_hannahs_csslp_lapses_but_her_rating_keeps_the_level(files: Any) -> None:
    model, people = files
    m = load_model(model)
    wf = load_workforce(people, m)
    f = expiring(m, wf, on=D(2026, 4, 1), within=180)
    hannah = next(p for p in f.people if p.person == "hannah-schmidt")
    [lapse] = hannah.lapses
    assert (lapse.competency, lapse.level_before, lapse.level_after) == (
        "secure-development", 4.0, 3.0)  # fmt: skip
    assert hannah.loses_readiness is False  # the senior engineer's 3 is still met
    from competency_core.scoring import plan_for_person

    assert plan_for_person(m, wf, "hannah-schmidt", on=D(2026, 4, 1)).refreshers == ()


def test_a_bad_renew_within_is_a_usage_error(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("plan", model, "-p", people, "--person", "ravi-patel", "--renew-within", "3x")
    assert r.code == 2
    assert "--renew-within" in r.err
    assert "is not a horizon" in r.err
    assert "Traceback" not in r.err + r.out


# -- properties ------------------------------------------------------------------------------

EPOCH = D(2025, 1, 1)
KINDS = ("rating", "certification", "badge")


@st.composite
def pieces(draw: st.DrawFn) -> Evidence:
    """A rating, certification or badge of ada, often with a validity."""
    day = EPOCH + dt.timedelta(days=draw(st.integers(0, 500)))
    lasts = draw(st.none() | st.integers(0, 400))
    kind = draw(st.sampled_from(KINDS))
    return Evidence.model_validate(
        {
            "kind": kind,
            "person": "ada",
            "competency": draw(st.sampled_from(("python", "testing", "communication"))),
            "level": draw(st.integers(1, 5)),
            "date": day,
            "valid_until": None if lasts is None else day + dt.timedelta(days=lasts),
            **({"rater_type": draw(st.sampled_from(["manager", "self", "peer"]))}
               if kind == "rating" else {"name": f"{kind} {draw(st.integers(0, 3))}"}),
        }
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(pieces(), max_size=7),
    st.integers(0, 500).map(lambda n: EPOCH + dt.timedelta(days=n)),
    st.integers(0, 200),
    st.integers(0, 200),
    st.sampled_from(["engineer", "senior-engineer"]),
)
def test_refreshers_are_for_met_requirements_that_would_fall_and_grow_with_the_horizon(
    items: list[Evidence], on: dt.date, h1: int, h2: int, role: str
) -> None:
    short, long = sorted((h1, h2))
    profile = MODEL.role(role)
    fewer = refreshers(MODEL, profile, items, on=on, within=short)
    more = refreshers(MODEL, profile, items, on=on, within=long)
    assert set(fewer) <= set(more)
    today = development_plan(MODEL, profile, items, on=on, renew_within=None).score
    for r in more:
        req = today.requirement(r.competency)
        assert req is not None
        assert req.met  # met today: an unmet one is a gap
        assert on <= r.expires <= on + dt.timedelta(days=long)
        assert r.due == r.expires < r.lapses_on
        assert r.level_after is None or r.level_after < r.required
        assert r.evidence.expires == r.expires
