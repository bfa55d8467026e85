"""Versions of a model: structured diffs, semantic-version bumps, changelogs, migration."""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.versioning.changelog import (
        render_changelog as render_changelog,
    )
    from competency_core.versioning.diff import (
        Change as Change,
    )
    from competency_core.versioning.diff import (
        ModelDiff as ModelDiff,
    )
    from competency_core.versioning.diff import (
        diff_models as diff_models,
    )
    from competency_core.versioning.migrate import (
        MigrationMapping as MigrationMapping,
    )
    from competency_core.versioning.migrate import (
        MigrationReport as MigrationReport,
    )
    from competency_core.versioning.migrate import (
        MigrationResult as MigrationResult,
    )
    from competency_core.versioning.migrate import (
        migrate_assessments as migrate_assessments,
    )
    from competency_core.versioning.rules import (
        BUMP_RULES as BUMP_RULES,
    )
    from competency_core.versioning.rules import (
        Bump as Bump,
    )
    from competency_core.versioning.rules import (
        bump_version as bump_version,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
