"""The evidence rules on small cases worked out by hand (docs/evidence.md).

The model: a 1-4 scale (normalised 0, 1/3, 2/3, 1) and SFIA's 1-7 mapped onto it;
``cloud`` decided by ``any-of`` (a certification alone gives 4; a manager rating with the
cloud course gives the lower of what they matched), ``design`` rolled up from ``arch``,
``code`` and ``test``, ``ops`` by precedence with a half-life of 365 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from competency_core.careers import CareerGraph, PersonProfile
from competency_core.errors import ModelValidationError
from competency_core.evidence import EvidenceRules, HalfLife
from competency_core.hookspecs import hookimpl
from competency_core.io import loads_model
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, Person, Workforce
from competency_core.plugins import PluginRegistry
from competency_core.scoring import (
    DEFAULT_POLICY,
    ScoringPolicy,
    readiness_matrix,
    resolve_levels,
    score_person,
)
from competency_core.scoring.organisation import organisation_readiness
from competency_core.scoring.plans import plan_for_person
from competency_core.scoring.rules import (
    Decision,
    EvidenceRule,
    Explanation,
    RuleContext,
    Weighed,
    compile_rules,
    evidence_rule_problems,
    explain,
    explain_levels,
)

ON = dt.date(2026, 1, 1)

MODEL = """
key: evidence-cases
name: Evidence cases
scales:
  - {key: four, name: Four, proficient: 3, levels: [{value: 1, label: Aware}, {value: 2, label: Working}, {value: 3, label: Practitioner}, {value: 4, label: Expert}]}
  - {key: sfia, name: SFIA, proficient: 4, levels: [{value: 1, label: L1}, {value: 2, label: L2}, {value: 3, label: L3}, {value: 4, label: L4}, {value: 5, label: L5}, {value: 6, label: L6}, {value: 7, label: L7}]}
scale_mappings:
  - {source: sfia, target: four, levels: {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4, 7: 4}}
competencies:
  - {key: cloud, name: Cloud, scale: four}
  - {key: design, name: Design, scale: four}
  - {key: arch, name: Architecture, scale: four, parent: design}
  - {key: code, name: Code design, scale: four, parent: design}
  - {key: test, name: Test design, scale: four, parent: design}
  - {key: ops, name: Operations, scale: four}
roles:
  - key: engineer
    title: Engineer
    requirements:
      - {competency: cloud, level: 3, essential: true}
      - {competency: ops, level: 2}
learning_resources:
  - {key: cloud-foundations, title: Cloud foundations, develops: [{competency: cloud, to_level: 3}]}
  - {key: obs-bootcamp, title: Observability bootcamp, develops: [{competency: ops, to_level: 3}]}
evidence:
  rules:
    - competency: cloud
      rule: any-of
      paths:
        - name: certified
          all: [{kind: certification, asserted_by: Amazon Web Services}]
          level: 4
        - name: rated and trained
          all: [{kind: rating, rater_type: manager}, {kind: course, resource: cloud-foundations}]
    - {competency: design, rule: roll-up, mode: all}
  half_life:
    - {competency: ops, days: 365, lowers: confidence}
"""


@pytest.fixture(scope="module")
def model() -> CompetencyModel:
    return loads_model(MODEL)


def rating(competency: str, level: int, day: dt.date = ON, **kw: Any) -> Evidence:
    return Evidence(
        kind="rating",
        person="ana",
        competency=competency,
        level=level,
        rater_type=kw.pop("rater_type", "manager"),
        date=day,
        **kw,
    )


CERT = Evidence(
    kind="certification",
    person="ana",
    competency="cloud",
    name="AWS Certified Solutions Architect",
    asserted_by="Amazon Web Services",
    date=dt.date(2025, 3, 1),
    valid_until=dt.date(2028, 3, 1),
)
COURSE = Evidence(
    kind="course", person="ana", resource="cloud-foundations", date=dt.date(2025, 6, 1)
)


def why(model: CompetencyModel, items: Sequence[Assessment | Evidence], ck: str) -> Explanation:
    return explain(model, items, "ana", ck, policy=DEFAULT_POLICY, on=ON)


def with_rules(model: CompetencyModel, **section: Any) -> CompetencyModel:
    rules = EvidenceRules.model_validate({**model.evidence.model_dump(), **section})
    return model.model_copy(update={"evidence": rules})


def roll_up(model: CompetencyModel, **params: Any) -> CompetencyModel:
    rules = [r.model_dump() for r in model.evidence.rules if r.competency != "design"]
    return with_rules(model, rules=[*rules, {"competency": "design", "rule": "roll-up", **params}])


# -- any-of ----------------------------------------------------------------------------------


def test_any_of_a_certification_alone(model: CompetencyModel) -> None:
    e = why(model, [CERT], "cloud")
    assert (e.rule, e.level, e.label, e.detail) == ("any-of", 4.0, "Expert", "certified")
    assert [(w.evidence, w.note) for w in e.used] == [(CERT, "met certified")]
    assert e.notes == (
        "rated and trained: not met, missing a rating by manager; a course of cloud-foundations",
    )


def test_any_of_a_manager_rating_and_the_course_together(model: CompetencyModel) -> None:
    manager = rating("cloud", 3, dt.date(2025, 9, 1))
    e = why(model, [manager, COURSE], "cloud")
    # the path gives the lowest level it matched: the course has none, the rating 3
    assert (e.level, e.detail) == (3.0, "rated and trained")
    assert {w.evidence.id for w in e.used} == {manager.id, COURSE.id}
    # with the certification too, the best met path (4) decides; the rest is not needed
    e = why(model, [manager, COURSE, CERT], "cloud")
    assert (e.level, e.detail) == (4.0, "certified")
    assert sorted(w.note for w in e.ignored) == ["not needed by certified"] * 2


def test_an_unmet_path_says_what_is_missing(model: CompetencyModel) -> None:
    e = why(model, [rating("cloud", 4, rater_type="self"), COURSE], "cloud")
    assert e.level is None
    assert e.notes == (
        "certified: not met, missing a certification asserted by Amazon Web Services",
        "rated and trained: not met, missing a rating by manager",
    )
    assert {w.note for w in e.ignored} == {"no path was met"}
    # the issuer is matched without regard to case; another issuer is not the one asked for
    other = CERT.model_copy(update={"asserted_by": "Microsoft"})
    assert why(model, [other], "cloud").level is None
    shout = CERT.model_copy(update={"asserted_by": "AMAZON WEB SERVICES"})
    assert why(model, [shout], "cloud").level == 4.0


def test_any_of_ties_are_broken_by_the_rater_type_not_by_the_input_order(
    model: CompetencyModel,
) -> None:
    m = with_rules(
        model,
        rules=[{"competency": "cloud", "rule": "any-of", "paths": [{"all": [{"kind": "rating"}]}]}],
    )
    self_rating = rating("cloud", 2, rater_type="self", asserted_by="Ana Lopez")
    manager = rating("cloud", 2, rater_type="manager", asserted_by="Ana Lopez")
    assert self_rating.id != manager.id  # a self and a manager rating by one rater differ
    policy = ScoringPolicy(rater_priority=("manager", "self"))
    for items in ([self_rating, manager], [manager, self_rating]):
        e = explain(m, items, "ana", "cloud", policy=policy, on=ON)
        assert [w.evidence for w in e.used] == [manager]
        assert e.raters == ("manager",)


# -- roll-up ---------------------------------------------------------------------------------

CHILDREN = [rating("arch", 4), rating("code", 2), rating("design", 4, rater_type="self")]
"""arch 4 (normalised 1), code 2 (1/3), test unassessed (counts as 1: normalised 0)."""


def test_roll_up_all_takes_the_lowest_child_and_an_unassessed_one_counts_as_the_minimum(
    model: CompetencyModel,
) -> None:
    e = why(model, CHILDREN, "design")
    assert (e.rule, e.level) == ("roll-up", 1.0)
    assert e.notes == ("test is unassessed and counts as the minimum",)
    assert [c.competency for c in e.children] == ["arch", "code", "test"]
    assert [c.level for c in e.children] == [4.0, 2.0, None]
    assert [w.note for w in e.ignored] == ["the level rolls up from the children"]
    assert e.used == ()


def test_roll_up_n_of_takes_the_level_n_children_reach(model: CompetencyModel) -> None:
    assert why(roll_up(model, mode="n-of", n=1), CHILDREN, "design").level == 4.0
    assert why(roll_up(model, mode="n-of", n=2), CHILDREN, "design").level == 2.0
    assert why(roll_up(model, mode="n-of", n=3), CHILDREN, "design").level == 1.0


def test_roll_up_weighted_floors_the_weighted_mean_to_a_level(model: CompetencyModel) -> None:
    # (2 x 1 + 1 x 1/3 + 1 x 0) / 4 = 0.583: the scale level at or below is 2 (1/3)
    m = roll_up(model, mode="weighted", weights={"arch": 2})
    assert why(m, CHILDREN, "design").level == 2.0
    # (6 x 1 + 1/3 + 0) / 8 = 0.79: 3 (2/3)
    m = roll_up(model, mode="weighted", weights={"arch": 6, "test": 1})
    assert why(m, CHILDREN, "design").level == 3.0
    # the unassessed child weighs nothing: (1 + 1/3) / 2 = 2/3 exactly, level 3
    m = roll_up(model, mode="weighted", weights={"test": 0})
    assert why(m, CHILDREN, "design").level == 3.0


def test_roll_up_with_no_child_assessed_leaves_the_parent_unassessed(
    model: CompetencyModel,
) -> None:
    e = why(model, [rating("design", 4)], "design")
    assert (e.level, e.detail) == (None, "no child has a level")
    assert [w.note for w in e.ignored] == ["the level rolls up from the children"]


# -- currency and half-life ------------------------------------------------------------------


def test_half_life_in_confidence_mode_keeps_the_level(model: CompetencyModel) -> None:
    e = why(model, [rating("ops", 4, ON - dt.timedelta(days=365))], "ops")
    assert (e.level, e.confidence) == (4.0, 0.5)
    assert e.notes == ("aged 365 days against a half-life of 365",)


def test_half_life_in_level_mode_lowers_the_level(model: CompetencyModel) -> None:
    m = with_rules(model, half_life=[HalfLife(competency="ops", days=365, lowers="level")])
    # normalised 1 x 0.5 = 0.5: the scale level at or below is 2 (1/3)
    e = why(m, [rating("ops", 4, ON - dt.timedelta(days=365))], "ops")
    assert (e.level, e.confidence) == (2.0, 0.5)
    assert e.notes == ("aged 365 days against a half-life of 365: the level falls from 4",)
    # the normalised level halves, not the level's number: 3 is 2/3, half is 1/3, a 2
    e = why(m, [rating("ops", 3, ON - dt.timedelta(days=365))], "ops")
    assert (e.level, e.confidence) == (2.0, 0.5)
    # two half-lives: 1 x 0.25 is below 1/3: the scale's minimum
    e = why(m, [rating("ops", 4, ON - dt.timedelta(days=730))], "ops")
    assert (e.level, e.confidence) == (1.0, 0.25)
    # fresh evidence does not age
    e = why(m, [rating("ops", 4, ON)], "ops")
    assert (e.level, e.confidence) == (4.0, 1.0)


def test_a_piece_not_yet_valid_and_an_expired_one_are_ignored_with_the_reason(
    model: CompetencyModel,
) -> None:
    later = rating("ops", 4, dt.date(2026, 2, 1))
    lapsed = rating("ops", 3, dt.date(2024, 1, 1), valid_until=dt.date(2025, 12, 31))
    current = rating("ops", 2, dt.date(2025, 6, 1))
    e = why(model, [later, lapsed, current], "ops")
    assert e.level == 2.0
    assert {w.evidence.id: w.note for w in e.ignored} == {
        later.id: "not yet: dated 2026-02-01, after 2026-01-01",
        lapsed.id: "expired on 2025-12-31",
    }
    assert e.considered == 1
    # the last day of validity still counts
    assert why(model, [lapsed], "ops").level is None
    assert (
        explain(
            model, [lapsed], "ana", "ops", policy=DEFAULT_POLICY, on=dt.date(2025, 12, 31)
        ).level
        == 3.0
    )


def test_a_course_under_precedence_is_ignored_with_the_reason(model: CompetencyModel) -> None:
    course = Evidence(
        kind="course", person="ana", resource="obs-bootcamp", date=dt.date(2025, 5, 1)
    )
    e = why(model, [course], "ops")
    assert (e.rule, e.level) == ("precedence", None)
    assert [w.note for w in e.ignored] == [
        "a completed course sets no level by itself (an any-of path can count it)"
    ]
    badge = Evidence(kind="badge", person="ana", competency="ops", name="Ops", date=ON)
    assert [w.note for w in why(model, [badge], "ops").ignored] == [
        "attests no level (an any-of path with a level can count it)"
    ]


def test_a_certification_on_a_mapped_scale_ranks_as_a_certification(
    model: CompetencyModel,
) -> None:
    cert = Evidence(
        kind="certification",
        person="ana",
        competency="ops",
        name="SFIA 5 in operations",
        asserted_by="BCS",
        level=5,
        scale="sfia",
        date=ON,
    )
    e = why(model, [cert, rating("ops", 1, rater_type="self")], "ops")
    # SFIA 5 maps to 3; same day: the certification outranks the self rating by default
    assert (e.level, e.raters) == (3.0, ("certification",))
    assert [w.evidence for w in e.used] == [cert]
    assert e.ignored[0].note == "outranked by certification on the same day"


# -- the roads from a workforce: pair, bulk, organisation, plans ----------------------------


def test_every_road_from_a_workforce_counts_its_evidence(model: CompetencyModel) -> None:
    wf = Workforce(
        people=(Person(key="ana", name="Ana", role="engineer"),),
        assessments=(
            Assessment(person="ana", competency="ops", level=2, rater_type="manager", date=ON),
        ),
        evidence=(CERT,),
    )
    assert (
        resolve_levels(model, wf.evidence_of("ana"), policy=DEFAULT_POLICY, on=ON)["cloud"].level
        == 4.0
    )
    one = score_person(model, wf, "ana", on=ON)
    assert (one.readiness, one.ready) == (1.0, True)
    matrix = readiness_matrix(model, wf, on=ON)
    assert matrix.match("ana", "engineer").ready
    assert organisation_readiness(model, wf, on=ON).overall.met == 2
    assert plan_for_person(model, wf, "ana", on=ON).items == ()
    cg = CareerGraph.from_model(model)
    me = PersonProfile.from_workforce(cg, wf, "ana", on=ON)
    assert me.levels[cg.vectors.competencies.index("cloud")] == 1.0
    without = wf.model_copy(update={"evidence": ()})
    assert not score_person(model, without, "ana", on=ON).ready
    assert not readiness_matrix(model, without, on=ON).match("ana", "engineer").ready
    alone = PersonProfile.from_workforce(cg, without, "ana", on=ON)
    assert alone.levels[cg.vectors.competencies.index("cloud")] != 1.0


def test_a_copy_of_the_model_with_another_hierarchy_rolls_up_its_own_children(
    model: CompetencyModel,
) -> None:
    assert why(model, CHILDREN, "design").level == 1.0  # compiled and cached on `model`
    comps = tuple(
        c.model_copy(update={"parent": None}) if c.key == "test" else c for c in model.competencies
    )
    copy = model.model_copy(update={"competencies": comps})
    e = why(copy, CHILDREN, "design")
    assert [c.competency for c in e.children] == ["arch", "code"]
    assert e.level == 2.0


# -- validation ------------------------------------------------------------------------------

BAD_RULES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"competency": "cloud", "rule": "most-recent"},
        "evidence.rules[0].rule",
        "unknown evidence rule 'most-recent'",
    ),
    (
        {"competency": "design", "rule": "roll-up", "mode": "most"},
        "evidence.rules[0].mode",
        "roll-up: should be one of 'all', 'n-of' or 'weighted' (got 'most')",
    ),
    (
        {"competency": "design", "rule": "roll-up", "mode": "n-of"},
        "evidence.rules[0].n",
        "roll-up: n-of needs n, the number of children",
    ),
    (
        {"competency": "design", "rule": "roll-up", "mode": "n-of", "n": 4},
        "evidence.rules[0].n",
        "roll-up: n is 4 but there are 3 children",
    ),
    (
        {"competency": "ops", "rule": "roll-up"},
        "evidence.rules[0].competency",
        "roll-up: 'ops' has no children to roll up (set their parent)",
    ),
    (
        {"competency": "design", "rule": "roll-up", "mode": "weighted", "weights": {"ops": 1}},
        "evidence.rules[0].weights.ops",
        "roll-up: 'ops' is not a child",
    ),
    (
        {
            "competency": "cloud",
            "rule": "any-of",
            "paths": [{"all": [{"kind": "course", "resource": "obs-bootcamp"}]}],
        },
        "evidence.rules[0].paths[0].all[0].resource",
        "any-of: 'obs-bootcamp' does not develop 'cloud'",
    ),
    (
        {
            "competency": "cloud",
            "rule": "any-of",
            "paths": [{"all": [{"kind": "rating"}], "level": 9}],
        },
        "evidence.rules[0].paths[0].level",
        "any-of: 9 is not a level of scale 'four'",
    ),
    (
        {"competency": "cloud", "rule": "any-of", "paths": [{"all": []}]},
        "evidence.rules[0].paths[0].all",
        "any-of: should have at least 1 item (got 0)",
    ),
    (
        {"competency": "cloud", "rule": "any-of", "paths": [{"all": [{"kind": "ratings"}]}]},
        "evidence.rules[0].paths[0].all[0].kind",
        "(did you mean 'rating'?)",
    ),
    (
        {
            "competency": "cloud",
            "rule": "any-of",
            "paths": [{"all": [{"kind": "rating"}]}],
            "path": [],
        },
        "evidence.rules[0].path",
        "any-of: unknown field 'path' (did you mean 'paths'?)",
    ),
]


@pytest.mark.parametrize(
    ("rule", "path", "message"), BAD_RULES, ids=[b[1] + ":" + b[2][:20] for b in BAD_RULES]
)
def test_a_bad_rule_is_reported_at_its_path(
    model: CompetencyModel, rule: dict[str, Any], path: str, message: str
) -> None:
    bad = with_rules(model, rules=[rule])
    problems = evidence_rule_problems(bad)
    assert [p.path for p in problems] == [path], problems
    assert message in problems[0].message
    with pytest.raises(ModelValidationError) as raised:
        compile_rules(bad)
    assert [p.path for p in raised.value.problems] == [path]


def test_a_bad_default_rule_is_reported() -> None:
    bad = loads_model(
        MODEL.replace("evidence:\n  rules:", "evidence:\n  default: {rule: roll-up}\n  rules:")
    )
    assert [(p.path, p.message) for p in evidence_rule_problems(bad)] == [
        ("evidence.default.rule", "roll-up: roll-up is declared per parent competency")
    ]


def test_competency_validate_reports_a_bad_rule_at_its_line(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    text = MODEL.replace("mode: all}", "mode: n-of}").replace(
        "resource: cloud-foundations}]", "resource: obs-bootcamp}]"
    )
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    res = cli("validate", path, "--format", "json")
    assert res.code != 0
    found = {(e["path"], e.get("line")) for e in res.json()["errors"]}
    lines = text.splitlines()
    assert ("evidence.rules[1].n", None) not in found
    paths = {p for p, _ in found}
    assert paths == {"evidence.rules[1].n", "evidence.rules[0].paths[1].all[1].resource"}
    for p, line in found:
        assert line is not None
        assert (
            "design" in lines[line - 1] if p.endswith(".n") else "obs-bootcamp" in lines[line - 1]
        )
    assert cli("validate", _write(tmp_path, MODEL)).code == 0


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- a third party's rule ------------------------------------------------------------------


class StrictestParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at_least: int = 1
    """How many pieces with a level it needs."""


class Strictest(EvidenceRule):
    """The lowest level among the current pieces with a level, once there are enough."""

    name = "strictest"
    Params = StrictestParams

    def decide(self, items: Sequence[Weighed], ctx: RuleContext) -> Decision:
        assert isinstance(self.params, StrictestParams)
        levelled = [w for w in items if w.normalised is not None]
        if len(levelled) < self.params.at_least:
            return Decision(None, ignored=tuple(w.with_note("not enough") for w in items))
        low = min(w.normalised or 0.0 for w in levelled)
        return Decision(
            low,
            tuple(w.with_note("counted") for w in levelled),
            tuple(w.with_note("no level") for w in items if w.normalised is None),
            "the lowest level",
        )


class StrictestPlugin:
    @hookimpl
    def register_evidence_rules(self) -> list[type[EvidenceRule]]:
        return [Strictest]


def test_a_rule_from_a_plugin_decides_a_competency(
    model: CompetencyModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = PluginRegistry.build(entry_points=False, plugins=[StrictestPlugin()])
    assert registry.evidence_rules()["strictest"] is Strictest
    monkeypatch.setattr("competency_core.plugins.plugin_registry", lambda: registry)
    m = with_rules(model, rules=[{"competency": "ops", "rule": "strictest", "at_least": 2}])
    assert evidence_rule_problems(m) == []
    pieces = [rating("ops", 4), rating("ops", 2, dt.date(2025, 1, 1), rater_type="peer")]
    e = why(m, pieces, "ops")
    assert (e.rule, e.level, e.detail) == ("strictest", 2.0, "the lowest level")
    assert why(m, pieces[:1], "ops").level is None
    # its parameters are checked like a built-in rule's
    bad = with_rules(model, rules=[{"competency": "ops", "rule": "strictest", "at_most": 2}])
    assert [p.path for p in evidence_rule_problems(bad)] == ["evidence.rules[0].at_most"]
    levels = explain_levels(m, pieces, policy=DEFAULT_POLICY, on=ON)
    assert levels["ops"].level == 2.0


def test_without_the_plugin_its_rule_is_unknown(model: CompetencyModel) -> None:
    m = with_rules(model, rules=[{"competency": "ops", "rule": "strictest"}])
    (problem,) = evidence_rule_problems(m)
    assert problem.path == "evidence.rules[0].rule"
    assert "unknown evidence rule 'strictest'" in problem.message
    assert "any-of, precedence, roll-up" in problem.message
