"""Learning in a SCIM service: one group per learning resource, members the people assigned it.

The way LMSs take enrolments from an identity provider: the group of a resource holds the
people assigned it (cancelled assignments left out). The group's shape is
:mod:`competency_scim.managed`'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from competency_core.people import AssignmentStatus, LearningAssignment


def learning_members(assignments: Iterable[LearningAssignment]) -> dict[str, list[str]]:
    """Person keys by learning resource (cancelled assignments left out)."""
    out: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        out.setdefault(a.resource, [])
        if a.status is not AssignmentStatus.CANCELLED:
            out[a.resource].append(a.person)
    return out


__all__ = ["learning_members"]
