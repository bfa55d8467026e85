"""Versions of a model: structured diffs, semantic-version bumps, changelogs, migration."""

from competency_core.versioning.changelog import render_changelog
from competency_core.versioning.diff import Change, ModelDiff, diff_models
from competency_core.versioning.migrate import (
    MigrationMapping,
    MigrationReport,
    MigrationResult,
    migrate_assessments,
)
from competency_core.versioning.rules import BUMP_RULES, Bump, bump_version

__all__ = [
    "BUMP_RULES",
    "Bump",
    "Change",
    "MigrationMapping",
    "MigrationReport",
    "MigrationResult",
    "ModelDiff",
    "bump_version",
    "diff_models",
    "migrate_assessments",
    "render_changelog",
]
