"""Properties of the evidence rules (docs/evidence.md#properties), over generated models.

Models come from ``scoring_models(hierarchy=..., learning=True)`` with an ``evidence``
section from ``evidence_rules`` (any-of paths, roll-ups, half-lives), and a person's
evidence from ``person_evidence`` (ratings, certifications, courses, badges, xAPI
statements) and ``person_assessments``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from competency_core.evidence import CompetencyRule, EvidenceRules
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, EvidenceKind, RaterType, as_evidence
from competency_core.scoring import ScoringPolicy, readiness_matrix, resolve_levels, score_role
from competency_core.scoring.bulk import PeopleLevels
from competency_core.scoring.choices import Aggregation
from competency_core.scoring.organisation import organisation_readiness
from competency_core.scoring.pair import score_person
from competency_core.scoring.rules import Explanation, explain_levels
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ON = dt.date(2026, 1, 1)
PAST = st.dates(dt.date(2023, 1, 1), dt.date(2025, 6, 30))
"""Dates of the evidence, well before the scoring date."""
AROUND = st.dates(dt.date(2023, 1, 1), dt.date(2026, 6, 30))
"""Dates of the evidence, some after the scoring date (not yet valid)."""
VALID_FOR = st.none() | st.integers(0, 1200)
FEW_DATES = st.sampled_from(
    [dt.date(2024, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 9, 1), dt.date(2026, 2, 1)]
)
"""Few dates, so that pieces share a day (ties between raters, averages of the same day)."""
FEW_RATERS = [RaterType.MANAGER, RaterType.SELF, RaterType.PEER]


def models(**rules: Any) -> st.SearchStrategy[CompetencyModel]:
    """Scoring models with a hierarchy, learning resources and an ``evidence`` section."""
    return cst.scoring_models(
        n_competencies=(1, 6), hierarchy=st.booleans(), learning=True, n_roles=(1, 2)
    ).flatmap(
        lambda m: cst.evidence_rules(m, **rules).map(lambda r: m.model_copy(update={"evidence": r}))
    )


def pieces(
    m: CompetencyModel, *, date: Any = AROUND, size: Any = (0, 10)
) -> st.SearchStrategy[list[Assessment | Evidence]]:
    """One person's evidence of mixed kinds, with some plain assessments among it."""
    return st.tuples(
        cst.person_evidence(m, person="p", size=size, date=date, valid_for=VALID_FOR),
        cst.person_assessments(m, person="p", size=(0, 3), date=date),
    ).map(lambda t: [*t[0], *t[1]])


def explained(
    m: CompetencyModel, items: Iterable[Assessment | Evidence], policy: ScoringPolicy
) -> dict[str, Explanation]:
    return explain_levels(m, list(items), policy=policy, on=ON, person="p")


def canonical(e: Explanation) -> tuple[Any, ...]:
    """What an explanation says, with its lists of pieces as multisets (order is not meant)."""
    return (
        e.competency,
        e.rule,
        e.level,
        e.normalised,
        e.label,
        e.confidence,
        e.detail,
        sorted((w.evidence.id, w.note) for w in e.used),
        sorted((w.evidence.id, w.note) for w in e.ignored),
        sorted(e.notes),
        [canonical(c) for c in e.children],
        e.raters,
        e.considered,
    )


def levels(found: dict[str, Explanation]) -> dict[str, float | None]:
    return {ck: e.level for ck, e in found.items() if e.level is not None}


def targets(m: CompetencyModel, e: Evidence) -> set[str]:
    if e.competency is not None:
        return {e.competency}
    return {d.competency for d in m.learning_resource(str(e.resource)).develops}


def at_most(a: float | None, b: float | None) -> bool:
    """``a <= b`` with None (unassessed) below every level."""
    return a is None or (b is not None and a <= b + 1e-12)


# -- order, currency, explanations --------------------------------------------------------


@SETTINGS
@given(st.data(), cst.scoring_policies())
def test_evidence_order_does_not_matter(data: st.DataObject, policy: ScoringPolicy) -> None:
    m = data.draw(models())
    items = data.draw(pieces(m))
    # twins: the same rating on the same day by another rater type (ties to break)
    ratings = [e for e in items if isinstance(e, Evidence) and e.kind is EvidenceKind.RATING]
    for e in data.draw(st.lists(st.sampled_from(ratings), max_size=3)) if ratings else ():
        other = data.draw(st.sampled_from([r for r in RaterType if r is not e.rater_type]))
        items.append(e.model_copy(update={"rater_type": other}))
    shuffled = data.draw(st.permutations(items))
    first, second = explained(m, items, policy), explained(m, shuffled, policy)
    assert first.keys() == second.keys()
    for ck in first:
        assert canonical(first[ck]) == canonical(second[ck]), ck


@st.composite
def stale_evidence(draw: st.DrawFn, m: CompetencyModel) -> Evidence:
    """A piece that is not current on ``ON``: expired before it, or not yet earned."""
    piece = draw(cst.evidence(m, person="p", date=PAST, valid_for=None))
    if draw(st.booleans()):
        until = draw(st.dates(piece.date, ON - dt.timedelta(days=1)))
        return piece.model_copy(update={"valid_until": until})
    later = draw(st.dates(ON + dt.timedelta(days=1), dt.date(2027, 12, 31)))
    return piece.model_copy(update={"date": later, "valid_until": None})


@SETTINGS
@given(st.data(), cst.scoring_policies())
def test_evidence_that_is_not_current_changes_no_level(
    data: st.DataObject, policy: ScoringPolicy
) -> None:
    m = data.draw(models())
    items = data.draw(pieces(m, date=PAST))
    stale = data.draw(st.lists(stale_evidence(m), min_size=1, max_size=4))
    before = explained(m, items, policy)
    after = explained(m, [*items, *stale], policy)
    assert levels(after) == levels(before)
    for ck, e in after.items():
        if ck in before:
            assert e.confidence == before[ck].confidence, ck
        for s in stale:
            if ck in targets(m, s):
                assert s.id in {w.evidence.id for w in e.ignored}, (ck, s.id)


@SETTINGS
@given(st.data(), cst.scoring_policies())
def test_an_explanation_names_each_piece_once_and_only_pieces_that_exist(
    data: st.DataObject, policy: ScoringPolicy
) -> None:
    m = data.draw(models())
    items = [as_evidence(i) for i in data.draw(pieces(m))]
    given_ids = {e.id for e in items}
    found = explained(m, items, policy)

    def check(e: Explanation) -> None:
        assert e.evidence_ids <= given_ids
        named = Counter(w.evidence.id for w in (*e.used, *e.ignored))
        expected = Counter(i.id for i in items if e.competency in targets(m, i))
        assert named == expected, e.competency
        assert e.considered == sum(
            1 for i in items if e.competency in targets(m, i) and i.is_current(ON)
        )
        for c in e.children:
            check(c)

    for ck in {ck for i in items for ck in targets(m, i)}:
        assert ck in found  # every competency with evidence is explained
    for e in found.values():
        check(e)


# -- a newer positive piece, roll-ups, half-lives ----------------------------------------


@SETTINGS
@given(st.data(), cst.scoring_policies(aggregation=Aggregation.LATEST))
def test_a_newer_rating_at_or_above_the_level_never_lowers_a_level(
    data: st.DataObject, policy: ScoringPolicy
) -> None:
    # level-lowering half-lives are left out: a newer piece at the level, already a little
    # aged, can fall below an older level that was aged less (docs/evidence.md#properties)
    m = data.draw(models(lowers="confidence"))
    items = data.draw(pieces(m, date=PAST))
    before = explained(m, items, policy)
    ck = data.draw(st.sampled_from([c.key for c in m.competencies]))
    mine = [
        as_evidence(i)
        for i in items
        if ck in targets(m, as_evidence(i)) and as_evidence(i).is_current(ON)
    ]
    last = max((e.date for e in mine), default=dt.date(2023, 1, 1))
    scale = m.scale_of(ck)
    now = before[ck].normalised if ck in before else None
    level = data.draw(
        st.sampled_from([v for v in scale.values if now is None or scale.normalise(v) >= now])
    )
    ranks = [policy.rater_rank(r) for e in mine if (r := e.ranks_as) is not None]
    rater = data.draw(
        st.sampled_from([r for r in RaterType if all(policy.rater_rank(r) <= k for k in ranks)])
    )
    newer = Evidence(
        kind=EvidenceKind.RATING,
        person="p",
        competency=ck,
        level=level,
        rater_type=rater,
        date=data.draw(st.dates(last + dt.timedelta(days=1), ON)),
    )
    after = explained(m, [*items, newer], policy)
    for key, e in before.items():
        assert at_most(e.level, after[key].level), (key, e.level, after[key].level)
    if after[ck].rule == "precedence":  # the newer piece decides, alone
        assert after[ck].level == level
        assert [w.evidence for w in after[ck].used] == [newer]


@st.composite
def roll_up_cases(
    draw: st.DrawFn, mode: str
) -> tuple[CompetencyModel, str, list[Assessment], str, int]:
    """A model whose parent rolls up ``mode``; ratings of its children; a child to raise."""
    m = draw(cst.scoring_models(n_competencies=(2, 6), hierarchy=True, n_roles=1, learning=False))
    parents = sorted({c.parent for c in m.competencies if c.parent is not None})
    assume(parents)
    parent = draw(st.sampled_from(parents))
    kids = [c.key for c in m.competencies if c.parent == parent]
    params: dict[str, Any] = {"competency": parent, "rule": "roll-up", "mode": mode}
    if mode == "n-of":
        params["n"] = draw(st.integers(1, len(kids)))
    elif mode == "weighted":
        params["weights"] = {
            k: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0]))
            for k in draw(st.lists(st.sampled_from(kids), unique=True))
        }
    rules = EvidenceRules(rules=(CompetencyRule.model_validate(params),))
    m = m.model_copy(update={"evidence": rules})
    rated = [
        Assessment(
            person="p",
            competency=k,
            level=draw(st.sampled_from(m.scale_of(k).values)),
            rater_type=RaterType.MANAGER,
            date=draw(PAST),
        )
        for k in kids
        if draw(st.booleans())
    ]
    child = draw(st.sampled_from(kids))
    higher = draw(st.sampled_from(m.scale_of(child).values))
    return m, parent, rated, child, higher


@SETTINGS
@pytest.mark.parametrize("mode", ["all", "n-of", "weighted"])
@given(data=st.data())
def test_roll_up_is_monotone_in_the_children(mode: str, data: st.DataObject) -> None:
    m, parent, rated, child, higher = data.draw(roll_up_cases(mode))
    policy = ScoringPolicy()
    before = explained(m, rated, policy)
    old = next((a.level for a in rated if a.competency == child), None)
    assume(old is None or higher > old)
    raised = [a for a in rated if a.competency != child] + [
        Assessment(
            person="p",
            competency=child,
            level=higher,
            rater_type="manager",
            date=dt.date(2025, 1, 1),
        )
    ]
    after = explained(m, raised, policy)
    assert at_most(before[child].level if child in before else None, after[child].level)
    assert at_most(before[parent].level, after[parent].level), (
        before[parent].detail,
        before[parent].level,
        after[parent].level,
    )


@SETTINGS
@given(st.data(), cst.scoring_policies(), st.sampled_from(["confidence", "level"]))
def test_half_life_lowers_only_what_it_says(
    data: st.DataObject, policy: ScoringPolicy, lowers: str
) -> None:
    m = data.draw(models(half_life=False))
    aged = data.draw(cst.evidence_rules(m, half_life=True, lowers=lowers))
    assume(aged.half_life)
    with_half_life = m.model_copy(
        update={"evidence": m.evidence.model_copy(update={"half_life": aged.half_life})}
    )
    items = data.draw(pieces(m))
    fresh, old = explained(m, items, policy), explained(with_half_life, items, policy)
    assert fresh.keys() == old.keys()
    for ck, e in old.items():
        if lowers == "confidence":
            assert e.level == fresh[ck].level, ck
        else:
            assert at_most(e.level, fresh[ck].level), (ck, e.level, fresh[ck].level)
        if e.level is not None:
            assert e.confidence is not None
            assert 0.0 < e.confidence <= 1.0


# -- the rules engine against the fast path; the bulk engine against the pair ------------


@SETTINGS
@pytest.mark.parametrize("aggregation", list(Aggregation))
@given(data=st.data())
def test_without_rules_the_engine_equals_the_fast_path(
    aggregation: Aggregation, data: st.DataObject
) -> None:
    m = data.draw(cst.scoring_models(n_competencies=(1, 4)))
    assert not m.evidence.declared
    policy = data.draw(cst.scoring_policies(aggregation=aggregation))
    rated: Sequence[Assessment] = data.draw(
        cst.person_assessments(
            m, person="p", size=(0, 12), date=FEW_DATES, rater_type=st.sampled_from(FEW_RATERS)
        )
    )
    fast = resolve_levels(m, rated, policy=policy, on=ON)  # the model declares no rules
    engine = explained(m, rated, policy)
    assert {ck: (r.level, r.normalised, r.raters, r.assessments) for ck, r in fast.items()} == {
        ck: (e.level, e.normalised, e.raters, e.considered)
        for ck, e in engine.items()
        if e.level is not None
    }


@SETTINGS
@given(st.data(), cst.scoring_policies())
def test_the_bulk_engine_equals_the_pair_with_evidence_and_rules(
    data: st.DataObject, policy: ScoringPolicy
) -> None:
    m = data.draw(models())
    wf = data.draw(
        cst.workforces(
            m, n_people=(1, 4), assessments_per_person=(0, 3), evidence_per_person=(0, 6)
        )
    )
    bulk = PeopleLevels.from_workforce(m, wf, policy=policy, on=ON)
    for i, p in enumerate(bulk.people):
        pair = resolve_levels(m, wf.evidence_of(p), policy=policy, on=ON)
        for j, ck in enumerate(bulk.competencies):
            got = bulk.normalised[i, j]
            if ck in pair:
                assert got == pair[ck].normalised, (p, ck)
            else:
                assert got != got, (p, ck)  # NaN: unassessed
    P.check_bulk_matches_pair(m, wf, policy=policy, on=ON, bulk=readiness_matrix)
    # the organisation's figures and score_person read the same evidence as the pair
    ready = organisation_readiness(m, wf, policy=policy, on=ON)
    met = assessed = 0
    for person in wf.people:
        if person.role is None:
            continue
        one = score_person(m, wf, person.key, policy=policy, on=ON)
        pair = score_role(m, person.role, wf.evidence_of(person.key), policy=policy, on=ON)
        assert (one.readiness, one.ready) == (pair.readiness, pair.ready)
        met += sum(r.met for r in one.requirements if r.counted)
        assessed += sum(r.assessed for r in one.requirements)
    assert (ready.overall.met, ready.overall.assessed) == (met, assessed)
