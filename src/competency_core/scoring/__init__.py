"""Gap scoring, readiness, organisation readiness and development plans.

The contract (see ``docs/scoring.md``): levels are normalised per competency scale, a
requirement's gap is ``max(0, n(required) - n(actual))``, a role's gap is the weighted mean
of its requirements' gaps and readiness is ``1 - weighted gap mass / weighted required
mass``. :func:`score_role` scores one person against one role; :func:`readiness_matrix`
scores many people against many roles at once and gives the same numbers;
:func:`organisation_readiness` aggregates everyone against their own role;
:func:`development_plan` turns gaps into what to practise and which learning closes them;
:func:`evaluate_candidate` is the same scoring for recruitment evidence.
"""

from competency_core.scoring.bulk import PeopleLevels, ReadinessMatrix, RoleSet, readiness_matrix
from competency_core.scoring.levels import ResolvedLevel, resolve_levels
from competency_core.scoring.onet import load_onet_skill_profiles
from competency_core.scoring.organisation import (
    OrganisationReadiness,
    ReadinessStat,
    organisation_readiness,
)
from competency_core.scoring.pair import (
    RequirementScore,
    RoleScore,
    score_levels,
    score_person,
    score_role,
)
from competency_core.scoring.plans import (
    ChosenResource,
    DevelopmentPlan,
    PlanItem,
    choose_resources,
    development_plan,
    evaluate_candidate,
    plan_for_person,
)
from competency_core.scoring.policy import (
    DEFAULT_POLICY,
    Aggregation,
    ScoringPolicy,
    UnassessedPolicy,
)
from competency_core.scoring.ranking import Match

__all__ = [
    "DEFAULT_POLICY",
    "Aggregation",
    "ChosenResource",
    "DevelopmentPlan",
    "Match",
    "OrganisationReadiness",
    "PeopleLevels",
    "PlanItem",
    "ReadinessMatrix",
    "ReadinessStat",
    "RequirementScore",
    "ResolvedLevel",
    "RoleScore",
    "RoleSet",
    "ScoringPolicy",
    "UnassessedPolicy",
    "choose_resources",
    "development_plan",
    "evaluate_candidate",
    "load_onet_skill_profiles",
    "organisation_readiness",
    "plan_for_person",
    "readiness_matrix",
    "resolve_levels",
    "score_levels",
    "score_person",
    "score_role",
]
