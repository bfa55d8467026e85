"""The store read straight into columns (``competency_core.scale.readers.read_store``).

On SQLite and PostgreSQL: the levels resolved from the store's columns equal those of
``PeopleLevels.from_workforce`` on ``Store.workforce`` (the same rows: as of a date, carried
assessments in place of their originals, evidence of the model or of none).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.scale.readers import read_store
from competency_core.scale.resolve import resolve
from competency_core.scoring.bulk import PeopleLevels
from competency_core.scoring.choices import Aggregation
from competency_core.scoring.policy import ScoringPolicy
from competency_core.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = "software-engineering"


@pytest.fixture
def example() -> tuple[CompetencyModel, Workforce]:
    return load_model(EXAMPLES / f"{KEY}.yaml"), load_workforce(EXAMPLES / "people.yaml")


def _same(store: Store, model: CompetencyModel, on: dt.date, policy: ScoringPolicy) -> None:
    want = PeopleLevels.from_workforce(
        model, store.workforce(model, as_of=on), policy=policy, on=on
    )
    got = resolve(model, read_store(store, model, as_of=on), policy=policy, on=on)
    assert got.people == want.people
    np.testing.assert_array_equal(got.normalised, want.normalised)
    assert (~np.isnan(got.normalised)).sum() > 0


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_the_store_as_columns_resolves_as_its_workforce(
    store: Store, example: tuple[CompetencyModel, Workforce], aggregation: Aggregation
) -> None:
    model, wf = example
    store.add_model(model)
    store.import_workforce(wf)
    policy = ScoringPolicy(aggregation=aggregation)
    for on in (dt.date(2026, 6, 1), dt.date(2025, 9, 1)):
        _same(store, model, on, policy)


def test_carried_assessments_are_read_in_place_of_their_originals(
    store: Store, example: tuple[CompetencyModel, Workforce]
) -> None:
    model, wf = example
    store.add_model(model)
    store.import_workforce(wf)
    store.save_draft(model, revision=store.get(KEY).revision)
    store.start_pilot(KEY)
    store.approve(KEY, "hr", "J")
    store.approve(KEY, "engineering-leadership", "A")
    store.publish(KEY)
    second = store.new_draft(KEY).model
    store.migrate_assessments(KEY, model.version, second.version)
    cols = read_store(store, second, as_of=dt.date(2026, 6, 1))
    assert len(cols) == len(store.workforce(second, as_of=dt.date(2026, 6, 1)).all_evidence)
    _same(store, second, dt.date(2026, 6, 1), ScoringPolicy())


def test_an_empty_store(store: Store, example: tuple[CompetencyModel, Workforce]) -> None:
    model, _ = example
    levels = resolve(model, read_store(store, model), on=dt.date(2026, 6, 1))
    assert levels.people == ()
