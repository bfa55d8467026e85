"""Versions of a model: structured diffs, semantic-version bumps, changelogs, migration."""

from competency_core.versioning.changelog import render_changelog
from competency_core.versioning.diff import Change, ModelDiff, diff_models
from competency_core.versioning.rules import BUMP_RULES, Bump, bump_version

__all__ = [
    "BUMP_RULES",
    "Bump",
    "Change",
    "ModelDiff",
    "bump_version",
    "diff_models",
    "render_changelog",
]
