"""Fixtures for the analytics tests: the example model and people."""

from __future__ import annotations

from pathlib import Path

import pytest

from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def se_model() -> CompetencyModel:
    return load_model(EXAMPLES / "software-engineering.yaml")


@pytest.fixture(scope="module")
def se_people(se_model: CompetencyModel) -> Workforce:
    return load_workforce(EXAMPLES / "people.yaml", se_model)
