"""The choices of a scoring policy, as plain enums (no pydantic, so the CLI offers them cheaply).

:class:`~competency_core.scoring.policy.ScoringPolicy` holds them; both are importable
from :mod:`competency_core.scoring.policy` and :mod:`competency_core.scoring` as well.
"""

from __future__ import annotations

from enum import StrEnum


class UnassessedPolicy(StrEnum):
    """What a required competency without a current assessment counts as.

    ``minimum``
        It counts as the lowest level of its scale: a requirement above the minimum is
        unmet and its whole required level is a gap. Conservative, and the default.
    ``exclude``
        It is left out of the gap, readiness and share met; ``coverage`` reports the share
        of requirements that were assessed. An unassessed *essential* requirement above the
        minimum still makes the person not ready: nobody showed it is met.
    """

    MINIMUM = "minimum"
    EXCLUDE = "exclude"


class Aggregation(StrEnum):
    """How several current assessments of one competency become one level.

    ``latest``
        The most recent assessment (the default). Several on the same day: the one by the
        highest-priority rater type; still several: the mean of their levels.
    ``priority``
        The rater type that comes first in ``rater_priority`` (e.g. manager over self);
        among its assessments the latest, and the mean of those made on the same day.
    ``blend``
        A weighted mean of the rater types present, with ``rater_weights``; each rater type
        contributes its latest assessment (same-day ones averaged). Rater types with weight
        0 are ignored; a competency rated only by them counts as unassessed.
    """

    LATEST = "latest"
    PRIORITY = "priority"
    BLEND = "blend"


__all__ = ["Aggregation", "UnassessedPolicy"]
