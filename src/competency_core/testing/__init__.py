"""Testing tools for apps built on competency-core: hypothesis strategies and checks.

See :mod:`competency_core.testing.strategies`. :class:`AdapterContract` (in
:mod:`competency_core.testing.contract`, which needs pytest) is the base class of every
adapter's contract tests.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("AdapterContract", "InjectedCrash"):
        from competency_core.testing import contract

        return getattr(contract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
