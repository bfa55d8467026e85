"""Career paths as a graph: next steps, cheapest paths to a target, succession and bench strength.

:class:`CareerGraph` wraps a networkx DiGraph of the model's roles and transitions
(declared ones typed; suggested ones, from requirement overlap, kept apart). The queries
are plain functions over it that return plain frozen results. See ``docs/careers.md``.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.careers.graph import (
        CareerGraph as CareerGraph,
    )
    from competency_core.careers.graph import (
        CareerTransition as CareerTransition,
    )
    from competency_core.careers.graph import (
        SuggestionSettings as SuggestionSettings,
    )
    from competency_core.careers.graph import (
        suggest_transitions as suggest_transitions,
    )
    from competency_core.careers.queries import (
        PersonProfile as PersonProfile,
    )
    from competency_core.careers.queries import (
        Start as Start,
    )
    from competency_core.careers.queries import (
        best_paths as best_paths,
    )
    from competency_core.careers.queries import (
        development_for_path as development_for_path,
    )
    from competency_core.careers.queries import (
        development_plan as development_plan,
    )
    from competency_core.careers.queries import (
        next_steps as next_steps,
    )
    from competency_core.careers.results import (
        Bench as Bench,
    )
    from competency_core.careers.results import (
        BestPaths as BestPaths,
    )
    from competency_core.careers.results import (
        Candidate as Candidate,
    )
    from competency_core.careers.results import (
        CareerPath as CareerPath,
    )
    from competency_core.careers.results import (
        Development as Development,
    )
    from competency_core.careers.results import (
        DevelopmentItem as DevelopmentItem,
    )
    from competency_core.careers.results import (
        Gap as Gap,
    )
    from competency_core.careers.results import (
        Gaps as Gaps,
    )
    from competency_core.careers.results import (
        NextStep as NextStep,
    )
    from competency_core.careers.results import (
        NextSteps as NextSteps,
    )
    from competency_core.careers.results import (
        PathStep as PathStep,
    )
    from competency_core.careers.results import (
        RoleAtRisk as RoleAtRisk,
    )
    from competency_core.careers.results import (
        StepDevelopment as StepDevelopment,
    )
    from competency_core.careers.results import (
        Succession as Succession,
    )
    from competency_core.careers.staffing import (
        bench_strength as bench_strength,
    )
    from competency_core.careers.staffing import (
        roles_at_risk as roles_at_risk,
    )
    from competency_core.careers.staffing import (
        succession as succession,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
