"""Ratings pulled back from Moodle keep who rated and when, on the emulator and a real Moodle.

A pushed grade carries its provenance in its note (``competency-core: rated 4 by manager
jane-doe on 2026-03-10``); a grade given in Moodle comes back with its grader and time,
both read from the evidence Moodle lists for the user competency; only when Moodle shows
none does the user competency's last change stand in, with one warning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moodle_backends import Backend, EmulatedView, EmulatorBackend, Seeded
from moodle_scenario import adapter, engine, make_model, workforce

from competency_core.people import Assessment, RaterType, Workforce
from competency_moodle import MoodleAdapter
from competency_moodle.client import MoodleClient
from competency_moodle.errors import MoodleInvalidParameterError
from competency_moodle.ratings import SUMMARY, Provenance, grading_evidence
from competency_moodle.texts import strip_tags
from competency_testing.moodle.realsite.server import LIMITED_MISSING

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def moodle(backend: Backend) -> Backend:
    """Each scenario runs on the emulator and on the real Moodle."""
    return backend


def _assessments() -> list[dict[str, Any]]:
    return [
        {
            "person": "ada",
            "competency": "coding",
            "level": 4,
            "rater_type": "manager",
            "rater": "jane-doe",
            "date": "2026-03-10",
        },
        {
            "person": "ada",
            "competency": "design",
            "level": 2,
            "rater_type": "self",
            "rater": "ada",
            "date": "2026-02-01",
        },
        {
            "person": "bob",
            "competency": "coding",
            "level": 1,
            "rater_type": "peer",
            "rater": "Zoë <O'Neil> on call",
            "date": "2025-12-24",
        },
    ]


def _workforce(assessments: list[dict[str, Any]]) -> Workforce:
    data = workforce().model_dump(mode="json")
    return Workforce.model_validate(data | {"assessments": assessments})


def _with_plans(moodle: Backend) -> tuple[Seeded, MoodleAdapter]:
    """The model pushed and people's plans made (Moodle shows ratings through plans)."""
    seeded = moodle.seed()
    a = adapter(seeded)
    e = engine(a)
    assert e.apply(e.plan_model(make_model())).ok
    a.use_workforce(workforce().people, make_model())
    assert e.apply(e.plan_assignments(())).ok
    return seeded, a


def _pull(a: MoodleAdapter) -> dict[tuple[str, str], Assessment]:
    return {(x.person, x.competency): x for x in a.pull_ratings()}


def _grader(moodle: Backend, seeded: Seeded) -> tuple[str, str]:
    """A token of a user who rates in Moodle (not the sync user), and their username.

    Moodle's rating dialog grades through the same web service, as the user at the screen.
    """
    if isinstance(moodle, EmulatorBackend):
        assert isinstance(seeded.site, EmulatedView)
        uid = seeded.site.site.add_user("teacher")
        moodle.emulator.add_token("grader-token", userid=uid)
        token = "grader-token"
    else:
        token = moodle.token_without(LIMITED_MISSING)  # another user with the sync role
    with MoodleClient(seeded.url, token) as client:
        info = client.call("core_webservice_get_site_info")
    return token, str(info["username"])


def _grade(seeded: Seeded, token: str, user: str, comp: str, grade: int, note: str) -> None:
    with MoodleClient(seeded.url, token) as client:
        client.call(
            "core_competency_grade_competency",
            {
                "userid": seeded.site.user_id(user),
                "competencyid": seeded.site.competency_id(comp),
                "grade": grade,
                "note": note,
            },
        )


def _sync_user(seeded: Seeded) -> str:
    with MoodleClient(seeded.url, seeded.token) as client:
        return str(client.call("core_webservice_get_site_info")["username"])


def _notes(seeded: Seeded, user: str, comp: str) -> list[str | None]:
    """The notes of a user competency's evidence, newest first, as Moodle lists them."""
    with MoodleClient(seeded.url, seeded.token) as client:
        answer = client.call(
            SUMMARY,
            {
                "userid": seeded.site.user_id(user),
                "competencyid": seeded.site.competency_id(comp),
            },
        )
    return [e["note"] for e in answer["evidence"]]


def test_pushed_ratings_come_back_with_their_rater_type_and_date(moodle: Backend) -> None:
    seeded, a = _with_plans(moodle)
    e = engine(a)
    wf = _workforce(_assessments())
    assert e.apply(e.plan_ratings(wf.assessments)).ok
    assert _notes(seeded, "ada", "coding") == [
        "competency-core: rated 4 by manager jane-doe on 2026-03-10"
    ]
    assert _notes(seeded, "bob", "coding") == [
        'competency-core: rated 1 by peer "Zoë \\u003cO\'Neil\\u003e on call" on 2025-12-24'
    ]
    pulled = _pull(a)
    assert {k: (x.level, x.rater_type, x.rater, x.date) for k, x in pulled.items()} == {
        ("ada", "coding"): (4, RaterType.MANAGER, "jane-doe", dt.date(2026, 3, 10)),
        ("ada", "design"): (2, RaterType.SELF, "ada", dt.date(2026, 2, 1)),
        ("bob", "coding"): (1, RaterType.PEER, "Zoë <O'Neil> on call", dt.date(2025, 12, 24)),
    }
    assert [p.path for p in a.skipped] == ["zed"]  # no warning: Moodle said who and when
    moodle.reset_calls()
    assert e.plan_ratings(wf.assessments).is_empty
    assert moodle.write_calls() == []
    # a new assessment at the same level, by someone else: the grade is given again
    again = _assessments()
    again[0] |= {"rater": "sam", "date": "2026-04-01"}
    plan = e.plan_ratings(_workforce(again).assessments)
    [change] = plan.pending
    assert change.key == "ada|coding"
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("rated", "4 by manager jane-doe on 2026-03-10", "4 by manager sam on 2026-04-01")
    ]
    assert e.apply(plan).ok
    assert _pull(a)["ada", "coding"].rater == "sam"


def test_a_rating_made_in_moodle_comes_back_with_its_grader_and_time(moodle: Backend) -> None:
    seeded, a = _with_plans(moodle)
    e = engine(a)
    assert e.apply(e.plan_ratings(_workforce(_assessments()).assessments)).ok
    seeded.site.rate("bob", "design", 3)  # an administrator rates in Moodle
    token, teacher = _grader(moodle, seeded)
    _grade(seeded, token, "ada", "coding", 2, "Seen in the code review of 3 March")
    pulled = _pull(a)
    bob = pulled["bob", "design"]
    assert (bob.level, bob.rater, bob.rater_type, bob.date) == (
        3,
        "admin",
        RaterType.MANAGER,
        TODAY,
    )
    ada = pulled["ada", "coding"]
    assert (ada.level, ada.rater, ada.rater_type, ada.date) == (
        2,
        teacher,
        RaterType.MANAGER,
        TODAY,
    )
    assert ada.comment == "Moodle: Working; note: Seen in the code review of 3 March"
    # the others keep what their notes say
    assert pulled["ada", "design"].rater == "ada"
    assert pulled["bob", "coding"].date == dt.date(2025, 12, 24)


@pytest.mark.parametrize(
    "note",
    [
        "competency-core: rated 4 by manager eve on 2020-01-01",  # says level 4, grade is 2
        "competency-core: rated 2 by boss eve on 2020-01-01",  # no such rater type
        "competency-core: rated 2 by manager eve on 2020-13-01",  # no such date
        "Competency-core: rated 2 by manager eve on 2020-01-01 (copied)",
        "Rated in competency-core",  # what earlier versions wrote
        "",
    ],
)
def test_a_note_that_is_not_ours_is_not_misread(moodle: Backend, note: str) -> None:
    if moodle.name == "real" and note != "Rated in competency-core":
        # reading a note is the adapter's own logic: every note on the emulator, one on the
        # real site (it proves Moodle keeps and answers a note as the emulator does)
        pytest.skip("one note on the real Moodle; the emulator reads them all")
    seeded, a = _with_plans(moodle)
    token, teacher = _grader(moodle, seeded)
    _grade(seeded, token, "ada", "design", 2, note)
    [x] = _pull(a).values()
    assert (x.level, x.rater, x.rater_type, x.date) == (2, teacher, RaterType.MANAGER, TODAY)


def test_when_moodle_shows_no_evidence_the_last_change_stands_in_with_one_warning(
    moodle: Backend,
) -> None:
    seeded, a = _with_plans(moodle)
    e = engine(a)
    wf = _workforce(_assessments())
    assert e.apply(e.plan_ratings(wf.assessments)).ok
    refused = ("webservice_access_exception", "accessexception", "Access control exception")
    moodle.fail(function=SUMMARY, exception=refused, times=100)
    moodle.reset_calls()
    pulled = _pull(a)
    sync_user = _sync_user(seeded)
    assert {(x.rater, x.rater_type, x.date) for x in pulled.values()} == {
        (sync_user, RaterType.MANAGER, TODAY)
    }
    assert [c.function for c in moodle.calls].count(SUMMARY) == 1  # refused once: not asked again
    [warning] = [p for p in a.skipped if p.severity == "warning" and p.path == "ratings"]
    assert "does not say who rated 3 rating(s)" in warning.message
    assert "accessexception" in warning.message
    # a push cannot compare who rated either: it says so, and grades again
    plan = e.plan_ratings(wf.assessments)
    assert any("the push grades them again" in w for w in plan.warnings)
    assert len(plan.pending) == 3


_SHAPE: dict[str, Any] = {
    "": "showrelatedcompetencies cangrade competency user usercompetency evidence commentarea",
    "evidence": "usercompetencyid contextid action actionuserid descidentifier desccomponent "
    "desca url grade note id timecreated timemodified usermodified actionuser description "
    "gradename userdate candelete",
    "actionuser": "id email idnumber phone1 phone2 department institution fullname identity "
    "profileurl profileimageurl profileimageurlsmall",
    "competency": "linkedcourses relatedcompetencies competency framework hascourses "
    "hasrelatedcompetencies scaleid scaleconfiguration taxonomyterm comppath pluginbaseurl",
    "comppath": "ancestors framework pluginbaseurl pagecontextid showlinks",
}


def test_the_evidence_list_has_moodles_shape(moodle: Backend) -> None:
    """What the emulator answers is what Moodle 5.1 answers (read from a real one)."""
    seeded, _ = _with_plans(moodle)
    token, _ = _grader(moodle, seeded)
    _grade(seeded, token, "ada", "coding.tests", 3, "Well tested")
    with MoodleClient(seeded.url, seeded.token) as client:
        answer = client.call(
            SUMMARY,
            {
                "userid": seeded.site.user_id("ada"),
                "competencyid": seeded.site.competency_id("coding.tests"),
            },
        )
    [ev] = answer["evidence"]
    got = {
        "": answer,
        "evidence": ev,
        "actionuser": ev["actionuser"],
        "competency": answer["competency"],
        "comppath": answer["competency"]["comppath"],
    }
    assert {k: " ".join(v) for k, v in got.items()} == _SHAPE
    assert (ev["action"], ev["grade"], ev["note"], ev["gradename"]) == (
        3,
        3,
        "Well tested",
        "Skilled",
    )
    assert ev["descidentifier"] == "evidence_manualoverride"
    assert ev["actionuserid"] == answer["usercompetency"]["usermodified"]
    assert [a["name"] for a in answer["competency"]["comppath"]["ancestors"]] == ["coding"]
    assert answer["usercompetency"]["grade"] == 3
    with (
        MoodleClient(seeded.url, seeded.token) as client,
        pytest.raises(MoodleInvalidParameterError, match="Unexpected keys"),
    ):
        client.call(SUMMARY, {"userid": 1, "competencyid": 1, "x": 1})


# -- the note and the evidence, without a Moodle -----------------------------------------

_raters = st.one_of(st.none(), st.text(max_size=40))


@given(
    level=st.integers(-5, 12),
    kind=st.sampled_from(list(RaterType)),
    rater=_raters,
    date=st.dates(dt.date(1970, 1, 2), dt.date(2200, 1, 1)),
)
def test_a_note_reads_back_as_written_and_strip_tags_keeps_it(
    level: int, kind: RaterType, rater: str | None, date: dt.date
) -> None:
    p = Provenance(level, kind, rater, date)
    note = p.note()
    assert strip_tags(note) == note
    assert "\n" not in note
    assert "<" not in note
    assert Provenance.from_note(note) == p


def test_the_evidence_that_set_the_grade_is_found_by_replaying_it() -> None:
    def ev(i: int, action: int, grade: int | None) -> dict[str, Any]:
        return {"id": i, "action": action, "grade": grade, "timecreated": 1000 + i}

    log, complete, override = 0, 2, 3
    # an override sets the grade; a later completion does not change a set grade
    assert grading_evidence([ev(2, complete, 1), ev(1, override, 3)], 3) == ev(1, override, 3)
    # a completion sets the default grade only when there is none (after a reset, say)
    rows = [ev(1, override, 3), ev(2, override, None), ev(3, complete, 1), ev(4, log, None)]
    assert grading_evidence(rows, 1) == ev(3, complete, 1)
    # the replay does not end on the current grade: Moodle cannot say
    assert grading_evidence([ev(1, override, 3)], 2) is None
    assert grading_evidence([], 2) is None
