"""The built-in evidence rules, registered through the hook as a third party's would be."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency_core.scoring.rules import EvidenceRule


@hookimpl
def register_evidence_rules() -> Iterable[type[EvidenceRule]]:
    """``precedence``, ``any-of`` and ``roll-up``."""
    from competency_core.scoring.rules import BUILTIN_RULES

    return tuple(BUILTIN_RULES.values())
