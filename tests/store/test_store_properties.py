"""Property: any generated model survives a store round trip unchanged (both backends)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.lifecycle import content_hash
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.store import Store
from competency_core.testing.strategies import competency_models

_keys = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(model=competency_models(status=st.sampled_from(list(LifecycleStatus))))
def test_store_round_trip_is_identity(store: Store, model: CompetencyModel) -> None:
    # one store serves every example, so each example gets a key of its own
    model = CompetencyModel.model_validate(
        model.model_dump(mode="python", round_trip=True) | {"key": f"m-{next(_keys)}"}
    )
    rec = store.add_model(model)
    back = store.get(model.key, model.version)
    assert back.model == model
    assert back.content_hash == rec.content_hash == content_hash(model)
