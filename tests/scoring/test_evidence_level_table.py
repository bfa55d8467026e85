"""The levels explain_levels looks up are kept per model, and a changed copy has its own.

Scoring many people reads the same (competency, scale, level) again and again, so its
normalised value is looked up once per model; a copy of the model with other scales,
competencies or mappings (``model_copy(update=...)``) must not see the first one's values.
"""

from __future__ import annotations

import datetime as dt

import pytest

from competency_core.errors import ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, EvidenceKind
from competency_core.scales import ScaleMapping
from competency_core.scoring import DEFAULT_POLICY
from competency_core.scoring.rules import explain_levels

ON = dt.date(2026, 6, 1)


def _model() -> CompetencyModel:
    levels = {"five": range(1, 6), "three": range(1, 4)}
    return CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {
                    "key": k,
                    "name": k,
                    "proficient": 2,
                    "levels": [{"value": v, "label": str(v)} for v in vs],
                }
                for k, vs in levels.items()
            ],
            "scale_mappings": [{"source": "three", "target": "five", "levels": {1: 1, 2: 3, 3: 5}}],
            "competencies": [{"key": "cloud", "name": "Cloud", "scale": "five"}],
            "evidence": {"default": {"rule": "precedence"}},
        }
    )


def _badge(person: str, level: int) -> Evidence:
    return Evidence(
        kind=EvidenceKind.BADGE,
        person=person,
        competency="cloud",
        level=level,
        scale="three",
        date=dt.date(2026, 1, 1),
    )


def _level(model: CompetencyModel, piece: Evidence) -> float | None:
    return explain_levels(model, [piece], policy=DEFAULT_POLICY, on=ON)["cloud"].level


def test_the_same_model_answers_the_same_every_time() -> None:
    model = _model()
    assert [_level(model, _badge(p, 2)) for p in ("ana", "bo", "cy")] == [3.0, 3.0, 3.0]
    assert _level(model, _badge("ana", 3)) == 5.0


def test_a_copy_with_another_mapping_has_its_own_levels() -> None:
    model = _model()
    assert _level(model, _badge("ana", 2)) == 3.0
    other = ScaleMapping(source="three", target="five", levels={1: 1, 2: 2, 3: 5})
    copy = model.model_copy(update={"scale_mappings": (other,)})
    assert _level(copy, _badge("ana", 2)) == 2.0
    assert _level(model, _badge("ana", 2)) == 3.0  # the first keeps its own
    unmapped = model.model_copy(update={"scale_mappings": ()})
    with pytest.raises(ScoringError, match="declares no mapping from 'three' to 'five'"):
        _level(unmapped, _badge("ana", 2))
