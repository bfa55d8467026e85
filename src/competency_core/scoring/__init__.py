"""Gap scoring, readiness, organisation readiness and development plans.

The contract (see ``docs/scoring.md``): levels are normalised per competency scale, a
requirement's gap is ``max(0, n(required) - n(actual))``, a role's gap is the weighted mean
of its requirements' gaps and readiness is ``1 - weighted gap mass / weighted required
mass``. :func:`score_role` scores one person against one role; :func:`readiness_matrix`
scores many people against many roles at once and gives the same numbers;
:func:`organisation_readiness` aggregates everyone against their own role;
:func:`development_plan` turns gaps into what to practise and which learning closes them;
:func:`evaluate_candidate` is the same scoring for recruitment evidence;
:func:`best_candidates` ranks the people a :class:`CandidateFilter` keeps for a role.
:func:`explain` says why a person has their level on a competency (the model's
evidence rules, the evidence used and ignored).
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.scoring.bulk import (
        PeopleLevels as PeopleLevels,
    )
    from competency_core.scoring.bulk import (
        ReadinessMatrix as ReadinessMatrix,
    )
    from competency_core.scoring.bulk import (
        RoleSet as RoleSet,
    )
    from competency_core.scoring.bulk import (
        readiness_matrix as readiness_matrix,
    )
    from competency_core.scoring.candidates import (
        CandidateFilter as CandidateFilter,
    )
    from competency_core.scoring.candidates import (
        CandidatePool as CandidatePool,
    )
    from competency_core.scoring.candidates import (
        FilterStep as FilterStep,
    )
    from competency_core.scoring.candidates import (
        Moves as Moves,
    )
    from competency_core.scoring.candidates import (
        Shortlist as Shortlist,
    )
    from competency_core.scoring.candidates import (
        best_candidates as best_candidates,
    )
    from competency_core.scoring.candidates import (
        select_candidates as select_candidates,
    )
    from competency_core.scoring.currency import (
        CurrencyForecast as CurrencyForecast,
    )
    from competency_core.scoring.currency import (
        Lapse as Lapse,
    )
    from competency_core.scoring.currency import (
        expiring as expiring,
    )
    from competency_core.scoring.levels import (
        ResolvedLevel as ResolvedLevel,
    )
    from competency_core.scoring.levels import (
        resolve_levels as resolve_levels,
    )
    from competency_core.scoring.onet import (
        load_onet_skill_profiles as load_onet_skill_profiles,
    )
    from competency_core.scoring.organisation import (
        OrganisationReadiness as OrganisationReadiness,
    )
    from competency_core.scoring.organisation import (
        ReadinessStat as ReadinessStat,
    )
    from competency_core.scoring.organisation import (
        organisation_readiness as organisation_readiness,
    )
    from competency_core.scoring.pair import (
        RequirementScore as RequirementScore,
    )
    from competency_core.scoring.pair import (
        RoleScore as RoleScore,
    )
    from competency_core.scoring.pair import (
        score_levels as score_levels,
    )
    from competency_core.scoring.pair import (
        score_person as score_person,
    )
    from competency_core.scoring.pair import (
        score_role as score_role,
    )
    from competency_core.scoring.plans import (
        ChosenResource as ChosenResource,
    )
    from competency_core.scoring.plans import (
        DevelopmentPlan as DevelopmentPlan,
    )
    from competency_core.scoring.plans import (
        PlanItem as PlanItem,
    )
    from competency_core.scoring.plans import (
        choose_resources as choose_resources,
    )
    from competency_core.scoring.plans import (
        development_plan as development_plan,
    )
    from competency_core.scoring.plans import (
        evaluate_candidate as evaluate_candidate,
    )
    from competency_core.scoring.plans import (
        learning_assignments as learning_assignments,
    )
    from competency_core.scoring.plans import (
        plan_for_person as plan_for_person,
    )
    from competency_core.scoring.plans import (
        workforce_plans as workforce_plans,
    )
    from competency_core.scoring.policy import (
        DEFAULT_POLICY as DEFAULT_POLICY,
    )
    from competency_core.scoring.policy import (
        Aggregation as Aggregation,
    )
    from competency_core.scoring.policy import (
        ScoringPolicy as ScoringPolicy,
    )
    from competency_core.scoring.policy import (
        UnassessedPolicy as UnassessedPolicy,
    )
    from competency_core.scoring.ranking import (
        Match as Match,
    )
    from competency_core.scoring.refreshers import (
        Refresher as Refresher,
    )
    from competency_core.scoring.rules import (
        Explanation as Explanation,
    )
    from competency_core.scoring.rules import (
        explain as explain,
    )
    from competency_core.scoring.rules import (
        explain_levels as explain_levels,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
