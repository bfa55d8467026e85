"""Hypothesis entry point: registers strategies for competency-core's types."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Called by hypothesis at start-up (entry point group ``hypothesis``)."""
    from competency_core.testing.strategies import register_type_strategies

    register_type_strategies()
