"""Opt-in pytest fixtures for apps built on competency-core.

Not loaded automatically: enable them in your top-level ``conftest.py``::

    pytest_plugins = ["competency_core.testing.fixtures"]

or for one run with ``pytest -p competency_core.testing.fixtures``, or import the ones you
use into a test module (``from competency_core.testing.fixtures import scoring_contract``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.testing.properties import CONTRACT, Check, ScoreFn, run_contract
from competency_core.testing.samples import sample_model, sample_workforce


@pytest.fixture
def competency_model() -> CompetencyModel:
    """The small sample model: two scales (one mapped), four competencies, two roles."""
    return sample_model()


@pytest.fixture
def competency_workforce() -> Workforce:
    """Three people of the sample model with their assessments."""
    return sample_workforce()


@pytest.fixture
def scoring_contract() -> Callable[..., None]:
    """A function that checks a score function against the whole gap scoring contract.

    ``scoring_contract(score, cases=None, checks=CONTRACT, max_examples=50)`` runs
    :func:`~competency_core.testing.properties.run_contract`; it raises the failing
    check's :class:`AssertionError` on the smallest case hypothesis finds.
    """

    def check(
        score: ScoreFn,
        *,
        cases: Any = None,
        checks: tuple[Check, ...] = CONTRACT,
        max_examples: int = 50,
    ) -> None:
        run_contract(score, cases=cases, checks=checks, max_examples=max_examples)

    return check


__all__ = ["competency_model", "competency_workforce", "scoring_contract"]
