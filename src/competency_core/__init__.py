"""competency-core: typed competency models, scoring, versioning, publishing and sync.

The public API is re-exported here; see ``docs/`` for the guide.
"""

from competency_core.competencies import (
    BehaviouralIndicator,
    Competency,
    ExternalReference,
    Link,
)
from competency_core.errors import (
    CompetencyError,
    ConflictError,
    LifecycleError,
    ModelValidationError,
    Problem,
    ScaleMappingError,
    ScoringError,
    StoreError,
    SyncError,
    UnknownKeyError,
)
from competency_core.io import (
    check_model_file,
    check_workforce_file,
    dumps,
    load_model,
    load_workforce,
    loads_model,
    model_json_schema,
    save_model,
    save_workforce,
)
from competency_core.learning import Development, LearningResource
from competency_core.model import (
    Approval,
    CompetencyModel,
    LifecycleStatus,
    LintConfig,
    ModelMetadata,
    Stakeholder,
)
from competency_core.people import (
    Assessment,
    AssignmentStatus,
    LearningAssignment,
    Person,
    RaterType,
    Workforce,
)
from competency_core.roles import Requirement, RoleProfile, Track, Transition, TransitionKind
from competency_core.scales import ProficiencyLevel, ProficiencyScale, ScaleMapping
from competency_core.text import LocalizedText, text

__version__ = "0.1.0"

__all__ = [
    "Approval",
    "Assessment",
    "AssignmentStatus",
    "BehaviouralIndicator",
    "Competency",
    "CompetencyError",
    "CompetencyModel",
    "ConflictError",
    "Development",
    "ExternalReference",
    "LearningAssignment",
    "LearningResource",
    "LifecycleError",
    "LifecycleStatus",
    "Link",
    "LintConfig",
    "LocalizedText",
    "ModelMetadata",
    "ModelValidationError",
    "Person",
    "Problem",
    "ProficiencyLevel",
    "ProficiencyScale",
    "RaterType",
    "Requirement",
    "RoleProfile",
    "ScaleMapping",
    "ScaleMappingError",
    "ScoringError",
    "Stakeholder",
    "StoreError",
    "SyncError",
    "Track",
    "Transition",
    "TransitionKind",
    "UnknownKeyError",
    "Workforce",
    "__version__",
    "check_model_file",
    "check_workforce_file",
    "dumps",
    "load_model",
    "load_workforce",
    "loads_model",
    "model_json_schema",
    "save_model",
    "save_workforce",
    "text",
]
