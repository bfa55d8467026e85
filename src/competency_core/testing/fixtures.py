"""Opt-in pytest fixtures for apps built on competency-core.

pytest finds them wherever competency-core is installed (its ``pytest11`` entry point,
name ``competency_core``, loads :mod:`competency_core.testing.pytest_plugin`, which
re-exports them), and nothing happens until a test asks for one: no options, no hooks, no
autouse fixtures, and nothing of the domain (nor hypothesis) is imported before a fixture
runs. ``pytest -p no:competency_core`` turns them off. They can also be imported into a
test module (``from competency_core.testing.fixtures import scoring_contract``), and an
older ``pytest_plugins = ["competency_core.testing.fixtures"]`` line keeps working.

* ``competency_model``: the small sample model (two scales, one mapped onto the other;
  four competencies; two roles; four learning resources);
* ``competency_workforce``: three people of the sample model with their assessments;
* ``scoring_contract``: ``scoring_contract(score, cases=None, checks=CONTRACT,
  max_examples=50)`` checks a score function against the whole gap scoring contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.testing.properties import Check, ScoreFn, ScoringCase


@pytest.fixture
def competency_model() -> CompetencyModel:
    """The small sample model: two scales (one mapped), four competencies, two roles."""
    from competency_core.testing.samples import sample_model

    return sample_model()


@pytest.fixture
def competency_workforce() -> Workforce:
    """Three people of the sample model with their assessments."""
    from competency_core.testing.samples import sample_workforce

    return sample_workforce()


@pytest.fixture
def scoring_contract() -> Callable[..., None]:
    """A function that checks a score function against the whole gap scoring contract.

    ``scoring_contract(score, cases=None, checks=CONTRACT, max_examples=50)`` runs
    :func:`~competency_core.testing.properties.run_contract`; it raises the failing
    check's :class:`AssertionError` on the smallest case hypothesis finds.
    """
    from competency_core.testing.properties import CONTRACT, run_contract

    def check(
        score: ScoreFn,
        *,
        cases: SearchStrategy[ScoringCase] | None = None,
        checks: tuple[Check, ...] = CONTRACT,
        max_examples: int = 50,
    ) -> None:
        run_contract(score, cases=cases, checks=checks, max_examples=max_examples)

    return check


__all__ = ["competency_model", "competency_workforce", "scoring_contract"]
