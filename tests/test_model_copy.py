"""``model_copy(update=...)`` never leaves lookups on the old items (issue 15).

docs/concepts.md recommends ``model_copy(update=...)`` to change a frozen model; the
lookups used to be ``cached_property`` values, which pydantic copies along, so
``model.role(key)`` and scoring kept answering with the roles of the original.
"""

from __future__ import annotations

import datetime as dt

import pytest

from competency_core import CompetencyModel
from competency_core.errors import UnknownKeyError
from competency_core.people import Person, Workforce
from competency_core.scoring import readiness_matrix, score_role
from competency_core.testing.samples import sample_assessments, sample_model

ON = dt.date(2026, 1, 1)


def _warm(model: CompetencyModel) -> None:
    """Fill every lookup cache of the original, as real use does before a copy."""
    for r in model.roles:
        model.role(r.key)
    for c in model.competencies:
        model.competency(c.key)
        model.scale_of(c.key)
    for res in model.learning_resources:
        model.learning_resource(res.key)


def test_roles_after_model_copy() -> None:
    model = sample_model()
    _warm(model)
    role = model.roles[0]
    easier = role.model_copy(
        update={"requirements": tuple(q.model_copy(update={"level": 1}) for q in role.requirements)}
    )
    renamed = role.model_copy(update={"key": "new-role"})
    copy = model.model_copy(update={"roles": (easier, renamed)})
    assert copy.role(role.key) is easier
    assert copy.role("new-role") is renamed
    assert copy.has_role("new-role")
    with pytest.raises(UnknownKeyError):
        copy.role(model.roles[1].key)
    assert model.role(role.key) is role  # the original is untouched
    # scoring reads the new requirements: every requirement at the minimum level is met
    assert score_role(copy, role.key, [], on=ON).readiness == 1.0
    assert score_role(model, role.key, [], on=ON).readiness == 0.0
    matrix = readiness_matrix(copy, Workforce(people=(Person(key="p", name="P"),)), on=ON)
    assert matrix.roles == (role.key, "new-role")
    assert matrix.match("p", role.key).readiness == 1.0


def test_competencies_and_scales_after_model_copy() -> None:
    model = sample_model()
    _warm(model)
    comp = model.competencies[0]
    other_scale = next(s for s in model.scales if s.key != comp.scale)
    narrower = other_scale.model_copy(update={"key": comp.scale})
    copy = model.model_copy(update={"scales": (narrower, other_scale)})
    assert copy.scale(comp.scale) is narrower
    assert copy.scale_of(comp.key) is narrower
    renamed = comp.model_copy(update={"name": "Renamed"})
    copy = model.model_copy(update={"competencies": (renamed, *model.competencies[1:])})
    assert copy.competency(comp.key) is renamed
    assert model.competency(comp.key) is comp


def test_scoring_sees_a_new_scale() -> None:
    model = sample_model()
    _warm(model)
    before = score_role(model, "engineer", sample_assessments(), on=ON)
    five = model.scale("five")
    top = five.levels[-1]
    # a sixth level: every normalised level on the scale, and so every gap, changes
    six = five.model_copy(
        update={"levels": (*five.levels, top.model_copy(update={"value": 6, "label": "L6"}))}
    )
    copy = model.model_copy(update={"scales": (six, *model.scales[1:])})
    assert copy.scale_of("python") is six
    after = score_role(copy, "engineer", sample_assessments(), on=ON)
    now, then = after.requirement("python"), before.requirement("python")
    assert now is not None
    assert then is not None
    assert now.required_normalised == 2 / 5  # (3 - 1) / (6 - 1)
    assert then.required_normalised == 2 / 4
    assert after.gap == pytest.approx(before.gap * 4 / 5)  # readiness is scale-free, gaps are not


def test_workforce_people_after_model_copy() -> None:
    wf = Workforce(people=(Person(key="a", name="A"),))
    assert wf.person("a").name == "A"
    copy = wf.model_copy(
        update={"people": (Person(key="a", name="Changed"), Person(key="b", name="B"))}
    )
    assert copy.person("a").name == "Changed"
    assert copy.person("b").name == "B"
    assert wf.person("a").name == "A"


def test_copies_still_compare_equal() -> None:
    model = sample_model()
    _warm(model)
    assert model.model_copy() == model
    assert model.model_copy(update={"roles": model.roles}) == sample_model()
