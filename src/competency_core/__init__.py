"""competency-core: typed competency models, scoring, versioning, publishing and sync.

The public API is re-exported here, each name imported on first use (so ``import
competency_core`` stays cheap); see ``docs/`` for the guide.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.competencies import (
        Association as Association,
    )
    from competency_core.competencies import (
        BehaviouralIndicator as BehaviouralIndicator,
    )
    from competency_core.competencies import (
        CaseDocument as CaseDocument,
    )
    from competency_core.competencies import (
        CaseItem as CaseItem,
    )
    from competency_core.competencies import (
        CaseLink as CaseLink,
    )
    from competency_core.competencies import (
        Competency as Competency,
    )
    from competency_core.competencies import (
        ExternalReference as ExternalReference,
    )
    from competency_core.competencies import (
        Link as Link,
    )
    from competency_core.errors import (
        CompetencyError as CompetencyError,
    )
    from competency_core.errors import (
        ConflictError as ConflictError,
    )
    from competency_core.errors import (
        LifecycleError as LifecycleError,
    )
    from competency_core.errors import (
        ModelValidationError as ModelValidationError,
    )
    from competency_core.errors import (
        Problem as Problem,
    )
    from competency_core.errors import (
        ScaleMappingError as ScaleMappingError,
    )
    from competency_core.errors import (
        ScoringError as ScoringError,
    )
    from competency_core.errors import (
        StoreError as StoreError,
    )
    from competency_core.errors import (
        SyncError as SyncError,
    )
    from competency_core.errors import (
        UnknownKeyError as UnknownKeyError,
    )
    from competency_core.io import (
        check_model_file as check_model_file,
    )
    from competency_core.io import (
        check_workforce_file as check_workforce_file,
    )
    from competency_core.io import (
        dumps as dumps,
    )
    from competency_core.io import (
        load_model as load_model,
    )
    from competency_core.io import (
        load_workforce as load_workforce,
    )
    from competency_core.io import (
        loads_model as loads_model,
    )
    from competency_core.io import (
        model_json_schema as model_json_schema,
    )
    from competency_core.io import (
        save_model as save_model,
    )
    from competency_core.io import (
        save_workforce as save_workforce,
    )
    from competency_core.learning import (
        Development as Development,
    )
    from competency_core.learning import (
        LearningResource as LearningResource,
    )
    from competency_core.model import (
        Approval as Approval,
    )
    from competency_core.model import (
        CompetencyModel as CompetencyModel,
    )
    from competency_core.model import (
        LifecycleStatus as LifecycleStatus,
    )
    from competency_core.model import (
        LintConfig as LintConfig,
    )
    from competency_core.model import (
        ModelMetadata as ModelMetadata,
    )
    from competency_core.model import (
        Stakeholder as Stakeholder,
    )
    from competency_core.people import (
        Assessment as Assessment,
    )
    from competency_core.people import (
        AssignmentStatus as AssignmentStatus,
    )
    from competency_core.people import (
        LearningAssignment as LearningAssignment,
    )
    from competency_core.people import (
        Person as Person,
    )
    from competency_core.people import (
        RaterType as RaterType,
    )
    from competency_core.people import (
        Workforce as Workforce,
    )
    from competency_core.release_plan import (
        ReleasePlan as ReleasePlan,
    )
    from competency_core.roles import (
        Requirement as Requirement,
    )
    from competency_core.roles import (
        RoleProfile as RoleProfile,
    )
    from competency_core.roles import (
        Track as Track,
    )
    from competency_core.roles import (
        Transition as Transition,
    )
    from competency_core.roles import (
        TransitionKind as TransitionKind,
    )
    from competency_core.scales import (
        ProficiencyLevel as ProficiencyLevel,
    )
    from competency_core.scales import (
        ProficiencyScale as ProficiencyScale,
    )
    from competency_core.scales import (
        ScaleMapping as ScaleMapping,
    )
    from competency_core.text import LocalizedText as LocalizedText
    from competency_core.text import text as text

__version__ = "0.1.0"

__getattr__, __dir__, _lazy_all = lazy_exports(__name__, __file__)
__all__ = [*_lazy_all, "__version__"]
