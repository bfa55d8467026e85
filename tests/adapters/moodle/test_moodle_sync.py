"""Model push scenarios on the emulator and on a real Moodle 5.1: first push, re-push,
changes, failures, traps."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from moodle_backends import Backend, failure_points
from moodle_scenario import adapter, engine, make_model, model_data

from competency_core.errors import SyncError
from competency_core.sync import Action, InMemorySyncState
from competency_moodle import MoodleSiteError, ScaleMismatchError
from competency_testing.moodle.realsite.server import LIMITED_MISSING


@pytest.fixture
def moodle(backend: Backend) -> Backend:
    """Each scenario runs on the emulator and on the real Moodle."""
    return backend


def _push(moodle: Backend, model: Any = None, **settings: Any) -> Any:
    seeded = moodle.seed()
    e = engine(adapter(seeded, **settings))
    report = e.apply(e.plan_model(model or make_model()))
    assert report.ok, report.failed
    return seeded, e


def _writes(moodle: Backend) -> list[str]:
    return [c.function for c in moodle.write_calls()]


def test_first_push_builds_the_framework_in_moodle(moodle: Backend) -> None:
    seeded, _ = _push(moodle)
    fw = seeded.site.snapshot()["frameworks"]["eng"]
    assert fw["shortname"] == "Engineering"
    assert fw["scaleid"] == seeded.scale
    # the proficient level (3, 'Skilled') is the default; it and 'Expert' are proficient
    assert fw["scaleconfiguration"] == [
        {"scaleid": seeded.scale},
        {"id": 1, "scaledefault": 0, "proficient": 0},
        {"id": 2, "scaledefault": 0, "proficient": 0},
        {"id": 3, "scaledefault": 1, "proficient": 1},
        {"id": 4, "scaledefault": 0, "proficient": 1},
    ]
    comps = fw["competencies"]
    assert set(comps) == {"coding", "coding.review", "coding.tests", "design"}
    assert comps["coding.review"]["parent"] == "coding"
    assert comps["coding.tests"]["parent"] == "coding"
    assert [comps[k]["sortorder"] for k in ("coding.review", "coding.tests")] == [0, 1]
    assert "Writes clear code." in comps["coding"]["description"]
    assert "<li>Writes tested code</li>" in comps["coding"]["description"]
    assert "<strong>Skilled</strong>" in comps["coding"]["description"]
    snap = seeded.site.snapshot()
    assert snap["related"] == [["coding", "design"]]
    # course link with the course numbering of 'evidence' (1)
    assert snap["course_competencies"] == [("Clean code", "coding", 1)]
    assert snap["templates"] == [("Engineer", True, ("coding", "design"))]


def test_first_push_reports_a_course_not_found(moodle: Backend) -> None:
    seeded = moodle.seed()
    plan = engine(adapter(seeded)).plan_model(make_model())
    [warning] = [w for w in plan.warnings if "not found" in w]
    assert "NOPE-404 (resource ghost-course)" in warning
    assert not [c for c in plan.changes if "NOPE-404" in c.key]


def test_a_no_op_re_push_makes_no_write_call(moodle: Backend) -> None:
    seeded, e = _push(moodle)
    moodle.reset_calls()
    plan = e.plan_model(make_model())
    assert plan.is_empty, plan.render()
    report = e.apply(plan)
    assert report.ok
    assert not report.outcomes
    assert moodle.call_count > 0
    assert moodle.write_calls() == []
    # a new process (another adapter) with a new state sees the same: nothing to do
    moodle.reset_calls()
    other = engine(adapter(seeded), InMemorySyncState())
    assert other.plan_model(make_model()).is_empty
    assert moodle.write_calls() == []


def _with(comp: str, **changes: Any) -> Any:
    data = model_data()
    for c in data["competencies"]:
        if c["key"] == comp:
            c.update(changes)
    return make_model(competencies=data["competencies"])


def test_one_changed_competency_is_exactly_one_update(moodle: Backend) -> None:
    seeded, e = _push(moodle)
    moodle.reset_calls()
    changed = _with("design", definition="Shapes systems.")
    plan = e.plan_model(changed)
    assert [(c.action, c.key) for c in plan.pending] == [(Action.UPDATE, "design")]
    assert e.apply(plan).ok
    assert _writes(moodle) == ["core_competency_update_competency"]
    comp = seeded.site.snapshot()["frameworks"]["eng"]["competencies"]["design"]
    assert "Shapes systems." in comp["description"]
    assert seeded.site.snapshot()["related"] == [["coding", "design"]]  # the marker kept


def test_a_renamed_and_re_parented_competency(moodle: Backend) -> None:
    seeded, e = _push(moodle)
    moodle.reset_calls()
    moved = _with("coding.tests", name="Automated testing", parent="design")
    plan = e.plan_model(moved)
    assert {c.key for c in plan.pending if c.kind == "competency"} == {"coding.tests"}
    assert e.apply(plan).ok
    writes = _writes(moodle)
    assert writes.count("core_competency_set_parent_competency") == 1
    assert writes.count("core_competency_update_competency") == 1
    comps = seeded.site.snapshot()["frameworks"]["eng"]["competencies"]
    assert comps["coding.tests"]["parent"] == "design"
    assert comps["coding.tests"]["shortname"] == "Automated testing"
    assert e.plan_model(moved).is_empty


def test_a_rename_alone_never_calls_set_parent(moodle: Backend) -> None:
    _, e = _push(moodle)
    moodle.reset_calls()
    assert e.apply(e.plan_model(_with("coding.tests", name="Tests"))).ok
    assert _writes(moodle) == ["core_competency_update_competency"]


def test_a_new_child_is_created_and_the_parent_rule_set_again(moodle: Backend) -> None:
    seeded, e = _push(moodle, parent_rule="complete")
    comps = seeded.site.snapshot()["frameworks"]["eng"]["competencies"]
    # the rule on a competency numbers 'complete' 2 (on a course link it would be 3)
    assert (comps["coding"]["ruletype"], comps["coding"]["ruleoutcome"]) == (
        "core_competency\\competency_rule_all",
        2,
    )
    data = model_data()
    data["competencies"].append(
        {"key": "coding.debug", "name": "Debugging", "parent": "coding", "scale": "four"}
    )
    bigger = make_model(competencies=data["competencies"])
    moodle.reset_calls()
    plan = e.plan_model(bigger)
    assert {(c.action, c.kind, c.key) for c in plan.pending} == {
        (Action.CREATE, "competency", "coding.debug"),
        (Action.UPDATE, "rule", "coding"),
    }
    assert e.apply(plan).ok
    writes = _writes(moodle)
    assert writes.count("core_competency_create_competency") == 1
    comps = seeded.site.snapshot()["frameworks"]["eng"]["competencies"]
    assert comps["coding.debug"]["parent"] == "coding"
    assert comps["coding"]["ruleoutcome"] == 2  # reset by the new child, then set again
    assert e.plan_model(bigger).is_empty


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_failure_at_every_call_then_a_rerun_ends_as_a_clean_run(
    moodle: Backend, when: str
) -> None:
    model = make_model(learning_resources=model_data()["learning_resources"][:1])
    clean, _ = _push(moodle, model, parent_rule="complete")
    moodle.reset_calls()
    other = moodle.seed("counting")
    counting = engine(adapter(other, parent_rule="complete"))
    assert counting.apply(counting.plan_model(model)).ok
    calls = moodle.call_count
    expected = clean.site.snapshot()
    expected_counts = clean.site.counts()
    for n in failure_points(moodle, calls):
        name = f"{when}{n}"
        seeded = moodle.seed(name)
        state = InMemorySyncState()
        moodle.reset_calls()
        # 'before': HTTP 500 before the call takes effect (reads are retried, writes not);
        # 'after': the call takes effect and the connection drops (the answer is lost)
        if when == "before":
            moodle.fail(n, status=500)
        else:
            moodle.fail(n, drop=True, when="after")
        first = engine(adapter(seeded, parent_rule="complete"), state)
        with contextlib.suppress(SyncError):  # a read failed for good while planning
            first.apply(first.plan_model(model))
        moodle.clear_failures()
        again = engine(adapter(seeded, parent_rule="complete"), state)
        report = again.apply(again.plan_model(model))
        assert report.ok, (n, report.failed)
        assert again.plan_model(model).is_empty, n
        assert seeded.site.snapshot() == expected, n  # each site numbers its ids alike
        assert seeded.site.counts() == expected_counts, n


def test_a_token_without_needed_functions_is_refused_listing_all(
    moodle: Backend,
) -> None:
    seeded = moodle.seed()
    lacking = list(LIMITED_MISSING)
    limited = moodle.token_without(lacking)
    with pytest.raises(MoodleSiteError) as caught:
        engine(adapter(seeded, token=limited)).plan_model(make_model())
    message = str(caught.value)
    assert all(f in message for f in lacking)
    assert "2 function(s)" in message
    assert limited not in message
    assert moodle.write_calls() == []


def test_disabled_competencies_are_said_clearly(moodle: Backend) -> None:
    seeded = moodle.seed()
    seeded.site.set_competencies_enabled(False)
    with pytest.raises(MoodleSiteError, match="competency subsystem is disabled"):
        engine(adapter(seeded)).plan_model(make_model())


def test_a_scale_that_cannot_be_mapped_is_refused_by_the_plan(moodle: Backend) -> None:
    seeded = moodle.seed(items=["No", "Yes", "Star", "Super", "Hyper"])
    with pytest.raises(ScaleMismatchError) as caught:
        engine(adapter(seeded)).plan_model(make_model())
    message = str(caught.value)
    assert "'four' has 4 levels" in message
    assert "5 items" in message
    assert "level_map" in message
    assert "scale_fit=spread" in message
    assert moodle.write_calls() == []


def test_a_scale_is_mapped_by_level_map_or_spread(moodle: Backend) -> None:
    seeded = moodle.seed(items=["No", "Yes", "Star", "Super", "Hyper"])
    spread = engine(adapter(seeded, scale_fit="spread")).plan_model(make_model())
    fw = next(c for c in spread.changes if c.kind == "framework")
    assert fw.data is not None
    proficient = [i["id"] for i in fw.data["scaleconfiguration"][1:] if i["proficient"]]  # type: ignore[index, union-attr]
    assert proficient == [4, 5]  # levels 1-4 spread onto items 1, 2(.33->2), 4, 5
    mapped = adapter(seeded, level_map={"four": {1: 1, 2: 2, 3: 3, 4: 5}})
    report = engine(mapped).apply(engine(mapped).plan_model(make_model()))
    assert report.ok, report.failed
    with pytest.raises(ScaleMismatchError, match="keep the levels' order"):
        engine(adapter(seeded, level_map={"four": {1: 2, 2: 1, 3: 3, 4: 4}})).plan_model(
            make_model()
        )


def test_a_hidden_framework_is_made_visible_before_links(moodle: Backend) -> None:
    seeded, e = _push(moodle)
    seeded.site.set_framework_visible("eng", False)
    data = model_data()
    data["roles"][0]["requirements"].append({"competency": "coding.tests", "level": 2})
    plan = e.plan_model(make_model(roles=data["roles"]))
    assert any("hidden" in w for w in plan.warnings)
    report = e.apply(plan)
    assert report.ok, report.failed
    assert seeded.site.framework_visible("eng")


def test_a_delete_moodle_refuses_is_reported_not_hidden(moodle: Backend) -> None:
    seeded, e = _push(moodle)
    seeded.site.rate("ada", "coding.tests", 2)  # a rating makes it in use
    data = model_data()
    data["competencies"] = [c for c in data["competencies"] if c["key"] != "coding.tests"]
    smaller = make_model(competencies=data["competencies"])
    plan = e.plan_model(smaller, prune=True)
    assert [(c.action, c.key) for c in plan.pending if c.kind == "competency"] == [
        (Action.DELETE, "coding.tests")
    ]
    report = e.apply(plan)
    [failed] = report.failed
    assert failed.key == "coding.tests"
    assert "refused to delete" in (failed.message or "")
    assert "coding.tests" in seeded.site.snapshot()["frameworks"]["eng"]["competencies"]


def test_framework_lookup_ignores_substring_matches(moodle: Backend) -> None:
    seeded = moodle.seed()
    other = make_model(key="eng-old", name="Old engineering")
    e = engine(adapter(seeded))
    assert e.apply(e.plan_model(other)).ok
    plan = e.plan_model(make_model())  # 'eng' is a substring of 'eng-old'
    assert [c.action for c in plan.changes if c.kind == "framework"] == [Action.CREATE]
    assert e.apply(plan).ok
    assert set(seeded.site.snapshot()["frameworks"]) == {"eng", "eng-old"}


def test_a_saved_plan_applies_from_a_new_process(moodle: Backend, tmp_path: Any) -> None:
    seeded, e = _push(moodle)
    from competency_core.sync import Plan

    changed = _with("design", name="Systems design")
    e.plan_model(changed).save(tmp_path / "plan.json")
    fresh = adapter(seeded)
    saved = Plan.load(tmp_path / "plan.json")
    fresh.prepare(saved)
    assert engine(fresh, e.state).apply(saved).ok
    assert e.plan_model(changed).is_empty


def test_a_pushed_model_is_pulled_back(moodle: Backend) -> None:
    _, e = _push(moodle)
    adapter_ = e.adapter
    pulled = adapter_.pull_model("eng")
    model = make_model()
    assert pulled.key == "eng"
    assert pulled.text(pulled.name) == "Engineering"
    assert [c.key for c in pulled.competencies] == [
        "coding",
        "coding.review",
        "coding.tests",
        "design",
    ]
    for c in model.competencies:
        p = pulled.competency(c.key)
        assert p.parent == c.parent
        assert pulled.text(p.name) == model.text(c.name)
        assert pulled.text(p.definition) == model.text(c.definition)
    [scale] = pulled.scales
    assert [pulled.text(lv.label) for lv in scale.levels] == [
        "Aware",
        "Working",
        "Skilled",
        "Expert",
    ]
    assert scale.proficient == 3
    coding = pulled.competency("coding")
    assert [pulled.text(i.text) for i in coding.indicators[3]] == ["Writes tested code"]
    assert pulled.competency("design").related == ("coding",)
    [role] = pulled.roles
    assert (role.key, pulled.text(role.title)) == ("engineer", "Engineer")
    assert sorted(r.competency for r in role.requirements) == ["coding", "design"]
    assert adapter_.pull_model() == pulled  # the only framework on the site
    with pytest.raises(SyncError, match="no competency framework with the idnumber 'nope'"):
        adapter_.pull_model("nope")


@pytest.mark.moodle
def test_a_user_without_a_capability_is_told_which(moodle: Backend) -> None:
    """Capabilities are Moodle's own (the emulator grants every one): real Moodle only."""
    if moodle.name != "real":
        pytest.skip("the emulator does not model capabilities")
    seeded = moodle.seed()
    e = engine(adapter(seeded, token=moodle.token_without_capability()))
    plan = e.plan_model(make_model())  # reading needs only the view capabilities
    report = e.apply(plan)
    assert not report.ok
    messages = " ".join(o.message or "" for o in report.failed)
    assert "moodle/competency:competencymanage" in messages
    assert seeded.site.counts()["frameworks"] == 0  # nothing half-made
