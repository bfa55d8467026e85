"""The semantic-version bump rules: which change to a model is major, minor or patch.

The principle, applied to every part of a model:

* **major**: something that was valid, met or relied on may no longer be. A key that
  others store (in assessments, LMS courses, HRIS groups) disappears or is renamed, a
  bar is raised (a higher required level, a new essential requirement, a requirement made
  essential), or the meaning of recorded levels changes (a scale's levels, range or
  proficient level, a competency moved to another scale, a scale mapping).
* **minor**: additions and relaxations. Nothing that was met becomes unmet, but scores
  can move: new competencies, roles and desirable requirements, lowered levels, changed
  weights, a restructured hierarchy, new indicators.
* **patch**: wording only: names, definitions, descriptions, indicator texts, notes and
  the model's metadata (owner, stakeholders, review date...).

The full table is :data:`BUMP_RULES`; docs/lifecycle.md prints it.
"""

from __future__ import annotations

from typing import Literal

from competency_core.keys import parse_semver

Bump = Literal["major", "minor", "patch"]
"""A semantic-version increment."""

BUMP_ORDER: dict[Bump, int] = {"patch": 1, "minor": 2, "major": 3}

# (entity, what changed) -> (bump, why). "what changed" is a field name, or one of
# "added", "removed", "renamed", or a field with a direction suffix ("level+", "level-").
BUMP_RULES: dict[tuple[str, str], tuple[Bump, str]] = {
    ("model", "key"): ("major", "the model's key identifies it in every system"),
    ("model", "name"): ("patch", "wording"),
    ("model", "description"): ("patch", "wording"),
    ("model", "default_language"): ("minor", "texts show in another language by default"),
    ("model", "languages"): ("minor", "the set of languages changes"),
    ("model", "metadata"): ("patch", "metadata only"),
    ("model", "lint"): ("patch", "architecture-rule configuration only"),
    ("model", "evidence"): ("major", "how evidence becomes a level changes people's levels"),
    ("scale", "added"): ("minor", "an addition"),
    ("scale", "removed"): ("major", "assessments on the scale lose their meaning"),
    ("scale", "renamed"): ("major", "competencies and mappings refer to the scale's key"),
    ("scale", "name"): ("patch", "wording"),
    ("scale", "description"): ("patch", "wording"),
    ("scale", "proficient"): ("major", "who counts as proficient changes"),
    ("level", "added"): ("minor", "a level inside the scale's range"),
    ("level", "added-outside"): ("major", "the range grows, so normalised levels change"),
    ("level", "removed"): ("major", "assessments at that level cannot be carried as they are"),
    ("level", "label"): ("patch", "wording"),
    ("level", "description"): ("patch", "wording"),
    ("level", "anchors"): ("patch", "wording"),
    ("scale-mapping", "added"): ("minor", "an addition"),
    ("scale-mapping", "removed"): ("major", "levels can no longer be converted"),
    ("scale-mapping", "levels"): ("major", "converted levels change"),
    ("track", "added"): ("minor", "an addition"),
    ("track", "removed"): ("major", "roles and indicators refer to the track"),
    ("track", "renamed"): ("major", "roles and indicators refer to the track's key"),
    ("track", "name"): ("patch", "wording"),
    ("track", "description"): ("patch", "wording"),
    ("track", "kind"): ("minor", "classification"),
    ("competency", "added"): ("minor", "an addition"),
    ("competency", "removed"): ("major", "assessments and role requirements on it are lost"),
    ("competency", "renamed"): ("major", "assessments and synced systems store the key"),
    ("competency", "name"): ("patch", "wording"),
    ("competency", "definition"): ("patch", "wording"),
    ("competency", "domain"): ("minor", "classification"),
    ("competency", "category"): ("minor", "classification"),
    ("competency", "tags"): ("minor", "classification"),
    ("competency", "parent"): ("minor", "the hierarchy is restructured"),
    ("competency", "related"): ("minor", "relations change"),
    ("competency", "references"): ("minor", "links to external taxonomies change"),
    ("competency", "associations"): ("minor", "typed relations change"),
    ("competency", "scale"): ("major", "recorded levels mean something else"),
    ("competency", "assessable-"): ("major", "it can no longer be rated"),
    ("competency", "assessable+"): ("minor", "it can now be rated"),
    ("indicator", "added"): ("minor", "a new expectation at a level"),
    ("indicator", "removed"): ("minor", "an expectation is dropped"),
    ("indicator", "text"): ("patch", "wording"),
    ("indicator", "examples"): ("patch", "wording"),
    ("indicator", "urls"): ("patch", "supporting links"),
    ("indicator", "key"): ("patch", "source identifier"),
    ("indicator", "track"): ("minor", "the indicator applies to other people"),
    ("role", "added"): ("minor", "an addition"),
    ("role", "removed"): ("major", "people and synced groups refer to the role"),
    ("role", "renamed"): ("major", "people and synced groups store the role's key"),
    ("role", "title"): ("patch", "wording"),
    ("role", "summary"): ("patch", "wording"),
    ("role", "family"): ("minor", "classification"),
    ("role", "grade"): ("minor", "classification"),
    ("role", "level"): ("minor", "ordering"),
    ("role", "track"): ("minor", "classification"),
    ("role", "tags"): ("minor", "classification"),
    ("requirement", "added-essential"): ("major", "a new bar that must be met"),
    ("requirement", "added"): ("minor", "a desirable addition"),
    ("requirement", "removed"): ("minor", "the bar is lowered: nothing met becomes unmet"),
    ("requirement", "level+"): ("major", "the bar is raised"),
    ("requirement", "level-"): ("minor", "the bar is lowered"),
    ("requirement", "weight"): ("minor", "scores move"),
    ("requirement", "essential+"): ("major", "the requirement must now be met"),
    ("requirement", "essential-"): ("minor", "the requirement is relaxed"),
    ("requirement", "note"): ("patch", "wording"),
    ("transition", "added"): ("minor", "a new career move"),
    ("transition", "removed"): ("major", "a career move people plan on disappears"),
    ("transition", "kind"): ("minor", "classification"),
    ("transition", "typical_months"): ("minor", "expectations change"),
    ("transition", "note"): ("patch", "wording"),
    ("learning-resource", "added"): ("minor", "an addition"),
    ("learning-resource", "removed"): ("major", "assignments and LMS links refer to it"),
    ("learning-resource", "renamed"): ("major", "assignments and LMS links store the key"),
    ("learning-resource", "title"): ("patch", "wording"),
    ("learning-resource", "kind"): ("patch", "description"),
    ("learning-resource", "hours"): ("patch", "description"),
    ("learning-resource", "cost"): ("patch", "description"),
    ("learning-resource", "url"): ("patch", "description"),
    ("learning-resource", "develops"): ("minor", "what it develops changes"),
    ("learning-resource", "external_ids"): ("minor", "links to other systems change"),
}


def rule(entity: str, what: str) -> tuple[Bump, str]:
    """The bump and its reason for a change; unknown combinations count as minor."""
    return BUMP_RULES.get((entity, what), ("minor", "a change not covered by a specific rule"))


def max_bump(bumps: list[Bump]) -> Bump | None:
    """The largest of several bumps (None when there are none).

    >>> max_bump(["patch", "minor", "patch"])
    'minor'
    """
    best: Bump | None = None
    for b in bumps:
        if best is None or BUMP_ORDER[b] > BUMP_ORDER[best]:
            best = b
    return best


def bump_version(version: str, bump: Bump | None) -> str:
    """The next version after ``version`` for a bump (pre-release and build dropped).

    Before 1.0.0 a major change bumps the minor number, as semantic versioning allows.

    >>> bump_version("1.4.2", "minor")
    '1.5.0'
    >>> bump_version("1.4.2", "major")
    '2.0.0'
    >>> bump_version("0.3.1", "major")
    '0.4.0'
    """
    major, minor, patch = parse_semver(version)
    if bump is None:
        return f"{major}.{minor}.{patch}"
    if bump == "major" and major == 0:
        bump = "minor"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def version_key(version: str) -> tuple[int, int, int, int]:
    """A sort key for versions: numbers, then releases after their pre-releases.

    >>> sorted(["1.10.0", "1.2.0", "1.2.0-rc.1"], key=version_key)
    ['1.2.0-rc.1', '1.2.0', '1.10.0']
    """
    major, minor, patch = parse_semver(version)
    pre = "-" in version.split("+", 1)[0]
    return major, minor, patch, 0 if pre else 1


__all__ = ["BUMP_ORDER", "BUMP_RULES", "Bump", "bump_version", "max_bump", "rule", "version_key"]
