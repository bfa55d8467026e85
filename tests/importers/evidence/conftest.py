"""The example model and workforce the evidence samples (``data/``) are written for."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce

if TYPE_CHECKING:
    from competency_testing.lrs import RalphLrs

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture(scope="module")
def model() -> CompetencyModel:
    return load_model(EXAMPLES / "software-engineering.yaml")


@pytest.fixture(scope="module")
def workforce(model: CompetencyModel) -> Workforce:
    return load_workforce(EXAMPLES / "people.yaml", model)


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def ralph() -> Iterator[RalphLrs]:
    """A real LRS (Ralph, started for the test, paging every 2 statements); skipped when
    Ralph is not installed (scripts/ensure-ralph.sh installs it), failed under CI.
    """
    from competency_testing.lrs import LrsUnavailable, ralph_lrs

    manager = ralph_lrs(page_size=2)
    try:
        server = manager.__enter__()
    except LrsUnavailable as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"the real LRS could not start under CI: {exc}")
        pytest.skip(f"Ralph (a real LRS) is not available: {exc}")
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)
