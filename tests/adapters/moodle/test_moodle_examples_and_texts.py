"""Every example model, and every kind of text a model holds, through Moodle and back.

Each test runs on the emulator and on a real Moodle 5.1 (the ``backend`` fixture). What
a real Moodle refused before (an apostrophe in a description: PARAM_CLEANHTML) or changed
(a name with tags or over 100 characters) must now go in, come back so that a re-plan is
empty, and where Moodle changes a value, the plan must say so up front.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend
from moodle_scenario import adapter, engine

from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.versioning import diff_models
from competency_moodle.texts import SHORTNAME_MAX

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXAMPLE_PEOPLE = {
    "software-engineering.yaml": "people.yaml",
    "customer-success.yaml": "customer-success-people.yaml",
}


@pytest.fixture
def moodle(backend: Backend) -> Backend:
    """Each scenario runs on the emulator and on the real Moodle."""
    return backend


def _seed_for(moodle: Backend, model: CompetencyModel) -> Any:
    primary = max(model.scales, key=lambda s: sum(c.scale == s.key for c in model.competencies))
    seeded = moodle.seed(items=[model.text(lv.label) for lv in primary.levels])
    if moodle.name == "emulator":  # the real site has them from its setup
        view: Any = seeded.site
        for res in model.learning_resources:
            ref = res.external_ids.get("moodle_course")
            if ref and ref != "CC-101":
                view.site.add_course(model.text(res.title), idnumber=ref)
    return seeded


@pytest.mark.parametrize("example", sorted(EXAMPLE_PEOPLE))
def test_first_push_of_every_example_applies_and_re_plans_empty(
    moodle: Backend, example: str
) -> None:
    model = load_model(EXAMPLES / example)
    seeded = _seed_for(moodle, model)
    a = adapter(seeded, scale_fit="spread", parent_rule="complete")
    e = engine(a)
    plan = e.plan_model(model)
    report = e.apply(plan)
    assert report.ok, report.failed
    assert not report.failed
    assert report.counts().get("created", 0) > len(model.competencies)
    moodle.reset_calls()
    again = e.plan_model(model)
    assert again.is_empty, again.render()
    assert moodle.write_calls() == []
    # links to every course the example names (the real site has them all)
    links = seeded.site.snapshot()["course_competencies"]
    named = {r.external_ids.get("moodle_course") for r in model.learning_resources} - {None}
    assert {c for c, *_ in links} or not named
    # pulled back alone: the same tree and texts, the scale's key from the marker
    fresh = adapter(seeded)  # knows nothing of the model
    alone = fresh.pull_model(model.key)
    assert alone.scales[0].key in {s.key for s in model.scales}
    assert any("does not store" in p.message for p in fresh.skipped)
    # pulled back onto the pushed model: no change at all
    pulled = a.pull_model(model.key, base=model)
    assert [c.key for c in pulled.competencies] == [c.key for c in model.competencies]
    for c in model.competencies:
        p = pulled.competency(c.key)
        assert (p.parent, pulled.text(p.name)) == (c.parent, model.text(c.name))
        assert pulled.text(p.definition) == model.text(c.definition).strip()
    changes = diff_models(model, pulled).changes
    assert not changes, [c.summary for c in changes]


@pytest.mark.parametrize("example", sorted(EXAMPLE_PEOPLE))
def test_every_example_workforce_gets_plans_and_ratings_both_ways(
    moodle: Backend, example: str
) -> None:
    if moodle.name == "real" and example == "software-engineering.yaml":
        # 160 ratings, each graded then its evidence read: over two minutes on the real
        # site; the customer-success workforce runs there, both run on the emulator
        pytest.skip("the customer-success workforce runs on the real Moodle")
    model = load_model(EXAMPLES / example)
    workforce = load_workforce(EXAMPLES / EXAMPLE_PEOPLE[example], model)
    seeded = _seed_for(moodle, model)
    if moodle.name == "emulator":
        view: Any = seeded.site
        for p in workforce.people:
            view.site.add_user(p.key, email=p.email)
    a = adapter(seeded, scale_fit="spread")
    e = engine(a)
    assert e.apply(e.plan_model(model)).ok
    a.use_workforce(workforce.people, model)
    learning = e.apply(e.plan_assignments(workforce.assignments))
    assert learning.ok, learning.failed
    ratings = e.apply(e.plan_ratings(workforce.assessments))
    assert ratings.ok, ratings.failed
    # ratings in people's plans are read back (those outside any plan are graded again)
    again = e.plan_ratings(workforce.assessments)
    assert all(c.key not in ratings_in_plans(model, workforce) for c in again.pending)
    pulled = {(x.person, x.competency): x.level for x in a.pull_ratings()}
    latest: dict[tuple[str, str], Any] = {}
    for x in workforce.assessments:
        k = (x.person, x.competency)
        if k not in latest or x.date >= latest[k].date:
            latest[k] = x
    in_plans = {tuple(k.split("|")) for k in ratings_in_plans(model, workforce)}
    for k, x in latest.items():
        if k in in_plans and (x.scale or model.competency(x.competency).scale) == (
            model.competency(x.competency).scale
        ):
            assert pulled.get(k) == x.level, k


def ratings_in_plans(model: CompetencyModel, workforce: Any) -> set[str]:
    """The person|competency pairs of people's plans (their role's requirements)."""
    return {
        f"{p.key}|{r.competency}"
        for p in workforce.people
        if p.role
        for r in model.role(p.role).requirements
    }


TEXTS = {
    "apostrophe": "It's the team's call",
    "quotes": 'Says "done" only when it is',
    "ampersand": "Build & release, R&D",
    "angle brackets": "Keeps p95 < 200 ms and error rate > 0",
    "emoji": "Ships with care 🚀✨",
    "swedish": "Återkoppling och utveckling: åäö ÅÄÖ",
    "hebrew": "עבודת צוות ושיתוף פעולה",
    "arabic": "العمل الجماعي والتعاون",
    "line breaks": "First line\nSecond line\n\nAfter a blank line",
    "long": "A very long definition. " * 400,
    "entities": "&amp; is not & and &#x27; is not '",
    "tabs and spaces": "Tabbed\tand  double  spaced",
    "markdown": "**bold**, _italic_ and `code`",
}


def _text_model() -> CompetencyModel:
    levels = ["Aware", "Working", "Skilled", "Expert"]
    comps: list[dict[str, Any]] = []
    for i, (label, text) in enumerate(TEXTS.items()):
        comps.append(
            {
                "key": f"t{i}",
                "name": label.title()
                if label in ("long", "entities")
                else text.splitlines()[0][:90],
                "definition": text,
                "scale": "four",
                "indicators": {3: [{"text": text}], 4: [{"text": f"{label}: {text[:50]}"}]},
            }
        )
    return CompetencyModel.model_validate(
        {
            "key": "texts",
            "name": 'Texts: it\'s "quoted" & more',
            "description": TEXTS["line breaks"] + "\n" + TEXTS["apostrophe"],
            "scales": [
                {
                    "key": "four",
                    "name": "Four",
                    "proficient": 3,
                    "levels": [{"value": i, "label": x} for i, x in enumerate(levels, 1)],
                }
            ],
            "competencies": comps,
            "roles": [
                {
                    "key": "texter",
                    "title": 'Writer\'s role: "texts" & more',
                    "summary": TEXTS["quotes"] + "\n" + TEXTS["swedish"],
                    "requirements": [{"competency": c["key"], "level": 3} for c in comps[:3]],
                }
            ],
        }
    )


def test_every_text_goes_in_and_comes_back_unchanged(moodle: Backend) -> None:
    model = _text_model()
    seeded = moodle.seed()
    a = adapter(seeded)
    e = engine(a)
    plan = e.plan_model(model)
    assert not [w for w in plan.warnings if "read differently" in w], plan.warnings
    report = e.apply(plan)
    assert report.ok, report.failed
    moodle.reset_calls()
    assert e.plan_model(model).is_empty
    assert moodle.write_calls() == []
    pulled = adapter(seeded).pull_model("texts")  # from Moodle alone
    assert pulled.text(pulled.name) == model.text(model.name)
    for c in model.competencies:
        p = pulled.competency(c.key)
        assert pulled.text(p.name) == model.text(c.name)
        assert pulled.text(p.definition) == model.text(c.definition).strip()
        got = {lv: [pulled.text(i.text) for i in items] for lv, items in p.indicators.items()}
        want = {
            lv: [model.text(i.text).strip() for i in items] for lv, items in c.indicators.items()
        }
        assert got == want, c.key
    [role] = pulled.roles
    assert pulled.text(role.title) == model.text(model.roles[0].title)


def test_names_moodle_changes_are_said_up_front_and_converge(moodle: Backend) -> None:
    long_name = "Leads " + "very " * 40 + "large programmes"
    model = _text_model().model_copy(deep=True)
    data = model.model_dump(mode="json")
    data["competencies"][0]["name"] = "Coding <core> & craft"
    data["competencies"][1]["name"] = long_name
    model = CompetencyModel.model_validate(data)
    seeded = moodle.seed()
    e = engine(adapter(seeded))
    plan = e.plan_model(model)
    [said] = [w for w in plan.warnings if "read differently in Moodle" in w]
    assert "competency t0 (tags removed)" in said
    assert f"competency t1 (cut to {SHORTNAME_MAX} characters)" in said
    report = e.apply(plan)
    assert report.ok, report.failed
    moodle.reset_calls()
    assert e.plan_model(model).is_empty  # converges: what Moodle keeps is what is planned
    assert moodle.write_calls() == []
    comps = seeded.site.snapshot()["frameworks"]["texts"]["competencies"]
    assert comps["t0"]["shortname"] == "Coding  & craft"
    assert len(comps["t1"]["shortname"]) == SHORTNAME_MAX
