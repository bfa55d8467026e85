"""Career paths as a graph: next steps, cheapest paths to a target, succession and bench strength.

:class:`CareerGraph` wraps a networkx DiGraph of the model's roles and transitions
(declared ones typed; suggested ones, from requirement overlap, kept apart). The queries
are plain functions over it that return plain frozen results. See ``docs/careers.md``.
"""

from competency_core.careers.graph import (
    CareerGraph,
    CareerTransition,
    SuggestionSettings,
    suggest_transitions,
)
from competency_core.careers.queries import (
    PersonProfile,
    Start,
    best_paths,
    development_for_path,
    development_plan,
    next_steps,
)
from competency_core.careers.results import (
    Bench,
    BestPaths,
    Candidate,
    CareerPath,
    Development,
    DevelopmentItem,
    Gap,
    Gaps,
    NextStep,
    NextSteps,
    PathStep,
    RoleAtRisk,
    StepDevelopment,
    Succession,
)
from competency_core.careers.succession import bench_strength, roles_at_risk, succession

__all__ = [
    "Bench",
    "BestPaths",
    "Candidate",
    "CareerGraph",
    "CareerPath",
    "CareerTransition",
    "Development",
    "DevelopmentItem",
    "Gap",
    "Gaps",
    "NextStep",
    "NextSteps",
    "PathStep",
    "PersonProfile",
    "RoleAtRisk",
    "Start",
    "StepDevelopment",
    "Succession",
    "SuggestionSettings",
    "bench_strength",
    "best_paths",
    "development_for_path",
    "development_plan",
    "next_steps",
    "roles_at_risk",
    "succession",
    "suggest_transitions",
]
