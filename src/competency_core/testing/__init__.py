"""Testing tools for apps built on competency-core: hypothesis strategies and checks.

See :mod:`competency_core.testing.strategies`.
"""
