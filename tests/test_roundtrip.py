"""Property: model -> YAML/JSON -> model is the identity, for any valid model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import competency_core as cc
from competency_core.io import dumps, loads_model
from competency_core.testing import strategies as cst


@given(cst.competency_models(indicator_details=st.booleans()))
def test_yaml_round_trip_is_identity(model: cc.CompetencyModel) -> None:
    assert loads_model(dumps(model, "yaml")) == model


@given(cst.competency_models(indicator_details=st.booleans()))
def test_json_round_trip_is_identity(model: cc.CompetencyModel) -> None:
    assert loads_model(dumps(model, "json"), "json") == model


@given(cst.competency_models(languages=("en", "sv", "fi")))
def test_generated_translated_models_have_no_missing_translations(
    model: cc.CompetencyModel,
) -> None:
    assert model.translation_problems() == []


@given(st.from_type(cc.CompetencyModel))
def test_from_type_gives_valid_models(model: cc.CompetencyModel) -> None:
    assert cc.CompetencyModel.model_validate(model.model_dump()) == model


@given(cst.scales())
def test_normalise_maps_scale_onto_unit_interval(scale: cc.ProficiencyScale) -> None:
    assert scale.normalise(scale.min_value) == 0.0
    assert scale.normalise(scale.max_value) == 1.0
    values = [scale.normalise(v) for v in scale.values]
    assert values == sorted(values)
