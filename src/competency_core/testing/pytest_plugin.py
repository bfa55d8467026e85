"""competency-core's pytest plugin (entry point group ``pytest11``, name ``competency_core``).

pytest loads it in every run where competency-core is installed. It holds the opt-in
fixtures of :mod:`competency_core.testing.fixtures` and nothing else (no options, hooks or
autouse fixtures), and loading it imports nothing of the domain. It is a module of its own
so that a ``pytest_plugins = ["competency_core.testing.fixtures"]`` line, as the docs
used to suggest, registers another module and not this one a second time (which pytest
refuses: "Plugin already registered under a different name").
"""

from __future__ import annotations

from competency_core.testing.fixtures import (
    competency_model,
    competency_workforce,
    scoring_contract,
)

__all__ = ["competency_model", "competency_workforce", "scoring_contract"]
