"""Carry assessments made against one model version to the next, through an explicit mapping.

A :class:`MigrationMapping` says what became of old competencies (renamed, merged into
one, split into several, deliberately dropped) and how levels are re-numbered when a
scale changes. Renames that :func:`~competency_core.versioning.diff.diff_models` detects
are applied unless the mapping says otherwise. Whatever cannot be carried is listed in
the :class:`MigrationReport` with the reason; nothing is dropped silently.

>>> import datetime as dt
>>> from competency_core.io import loads_model
>>> from competency_core.people import Assessment
>>> old = loads_model('''
... key: m
... version: 1.0.0
... name: M
... scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
... competencies: [{key: unit-tests, name: Unit tests, scale: s}, {key: e2e, name: E2E, scale: s}]
... ''')
>>> new = loads_model('''
... key: m
... version: 2.0.0
... name: M
... scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
... competencies: [{key: testing, name: Testing, scale: s}]
... ''')
>>> day = dt.date(2026, 1, 5)
>>> found = [Assessment(person="ann", competency=c, level=lv, date=day)
...          for c, lv in (("unit-tests", 2), ("e2e", 1))]
>>> result = migrate_assessments(found, old, new,
...     MigrationMapping(merges={"testing": ("unit-tests", "e2e")}, merge_policy="min"))
>>> [(a.competency, a.level, a.model_version) for a in result.assessments]
[('testing', 1, '2.0.0')]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from competency_core.errors import ModelValidationError, Problem
from competency_core.keys import Key
from competency_core.model import CompetencyModel
from competency_core.people import Assessment
from competency_core.versioning.diff import diff_models

MergePolicy = Literal["min", "max", "mean"]


class MigrationMapping(BaseModel):
    """What became of old competencies and scale levels in the new version.

    In YAML::

        renames: {coding: programming}
        merges: {testing: [unit-testing, integration-testing]}
        merge_policy: mean
        splits: {communication: [written-communication, presenting]}
        levels: {old-four-point: {1: 1, 2: 2, 3: 4, 4: 5}}
        drop: [legacy-tools]
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    renames: dict[Key, Key] = Field(default_factory=dict, description="Old key -> new key.")
    merges: dict[Key, tuple[Key, ...]] = Field(
        default_factory=dict, description="New competency -> the old ones merged into it."
    )
    merge_policy: MergePolicy = Field(
        default="mean",
        description="How the levels of merged assessments of one person, rater and date "
        "combine: min, max, or mean (rounded half up to a level of the new scale).",
    )
    splits: dict[Key, tuple[Key, ...]] = Field(
        default_factory=dict,
        description="Old competency -> the new ones it was split into (each gets the level).",
    )
    scale_renames: dict[Key, Key] = Field(
        default_factory=dict, description="Old scale key -> new scale key."
    )
    levels: dict[Key, dict[int, int]] = Field(
        default_factory=dict,
        description="Old scale key -> {old level: new level} when levels were re-numbered.",
    )
    drop: tuple[Key, ...] = Field(default=(), description="Old competencies not to carry.")

    def merged_with_detected(self, old: CompetencyModel, new: CompetencyModel) -> MigrationMapping:
        """The mapping plus the renames the diff detects (the explicit entries win)."""
        diff = diff_models(old, new)
        explicit = set(self.renames) | set(self.splits) | set(self.drop)
        explicit |= {k for olds in self.merges.values() for k in olds}
        renames = {o: n for o, n in diff.renames("competency").items() if o not in explicit} | dict(
            self.renames
        )
        scales = diff.renames("scale") | dict(self.scale_renames)
        return self.model_copy(update={"renames": renames, "scale_renames": scales})


def mapping_problems(
    mapping: MigrationMapping, old: CompetencyModel, new: CompetencyModel
) -> list[Problem]:
    """Mistakes in a mapping: unknown keys, a competency mapped twice."""
    out: list[Problem] = []
    seen: dict[str, str] = {}

    def source(path: str, key: str) -> None:
        if not old.has_competency(key):
            out.append(Problem(path=path, message=f"{key!r} is not a competency of {old.version}"))
        if key in seen:
            out.append(Problem(path=path, message=f"{key!r} is already mapped by {seen[key]}"))
        seen.setdefault(key, path)

    def target(path: str, key: str) -> None:
        if not new.has_competency(key):
            out.append(Problem(path=path, message=f"{key!r} is not a competency of {new.version}"))

    for o, n in mapping.renames.items():
        source(f"renames.{o}", o)
        target(f"renames.{o}", n)
    for n, olds in mapping.merges.items():
        target(f"merges.{n}", n)
        for o in olds:
            source(f"merges.{n}", o)
    for o, news in mapping.splits.items():
        source(f"splits.{o}", o)
        for n in news:
            target(f"splits.{o}", n)
    for o in mapping.drop:
        source("drop", o)
    for s in mapping.levels:
        if s not in {sc.key for sc in old.scales}:
            out.append(
                Problem(path=f"levels.{s}", message=f"{s!r} is not a scale of {old.version}")
            )
    return out


class NotCarried(BaseModel):
    """An assessment that could not be carried, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assessment: Assessment
    reason: str


class MigrationReport(BaseModel):
    """What a migration did: counts by kind, and every assessment left behind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    old_version: str
    new_version: str
    read: int = 0
    carried: int = Field(default=0, description="Assessments written for the new version.")
    unchanged: int = 0
    renamed: int = 0
    merged: int = Field(default=0, description="Old assessments folded into merged ones.")
    split: int = Field(default=0, description="Assessments written for split competencies.")
    renumbered: int = 0
    not_carried: tuple[NotCarried, ...] = ()

    def to_markdown(self) -> str:
        """The report for people, as Markdown."""
        lines = [
            f"# Assessment migration: {self.model} {self.old_version} -> {self.new_version}",
            "",
            f"- read: {self.read}",
            f"- written for {self.new_version}: {self.carried} (unchanged {self.unchanged}, "
            f"renamed {self.renamed}, from merges {self.merged}, from splits {self.split}, "
            f"levels re-numbered {self.renumbered})",
            f"- not carried: {len(self.not_carried)}",
            "",
        ]
        if self.not_carried:
            lines += ["## Not carried", "", "| person | competency | level | date | reason |"]
            lines.append("|---|---|---|---|---|")
            for nc in self.not_carried:
                a = nc.assessment
                lines.append(
                    f"| {a.person} | {a.competency} | {a.level} | {a.date} | {nc.reason} |"
                )
            lines.append("")
        return "\n".join(lines)


class MigrationResult(BaseModel):
    """The carried assessments and the report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assessments: tuple[Assessment, ...]
    report: MigrationReport


def _combine(levels: list[int], policy: MergePolicy, allowed: tuple[int, ...]) -> int:
    if policy == "min":
        return min(levels)
    if policy == "max":
        return max(levels)
    mean = sum(levels) / len(levels)
    return min(allowed, key=lambda v: (abs(v - mean), -v))


def migrate_assessments(
    assessments: Iterable[Assessment],
    old: CompetencyModel,
    new: CompetencyModel,
    mapping: MigrationMapping | None = None,
    *,
    detect_renames: bool = True,
) -> MigrationResult:
    """Carry ``assessments`` made against ``old`` to ``new`` (model_version is updated).

    Raises :class:`ModelValidationError` when the mapping names unknown competencies.
    """
    m = mapping or MigrationMapping()
    if detect_renames:
        m = m.merged_with_detected(old, new)
    problems = mapping_problems(m, old, new)
    if problems:
        raise ModelValidationError(problems, "the migration mapping is invalid")
    merged_into = {o: n for n, olds in m.merges.items() for o in olds}
    out: list[Assessment] = []
    left: list[NotCarried] = []
    counts = {"read": 0, "unchanged": 0, "renamed": 0, "merged": 0, "split": 0, "renumbered": 0}
    pending: dict[tuple[str, ...], list[Assessment]] = {}

    for a in assessments:
        counts["read"] += 1
        c = a.competency
        if not old.has_competency(c):
            left.append(NotCarried(assessment=a, reason=f"not a competency of {old.version}"))
            continue
        if c in m.drop:
            left.append(NotCarried(assessment=a, reason="dropped by the mapping"))
            continue
        if c in m.splits:
            targets, how = m.splits[c], "split"
        elif c in merged_into:
            targets, how = (merged_into[c],), "merged"
        elif c in m.renames:
            targets, how = (m.renames[c],), "renamed"
        elif new.has_competency(c):
            targets, how = (c,), "unchanged"
        else:
            left.append(
                NotCarried(
                    assessment=a,
                    reason=f"removed in {new.version}; map it (rename, merge, split) or drop it",
                )
            )
            continue
        src_scale = a.scale or old.competency(c).scale
        for t in targets:
            comp = new.competency(t)
            if not comp.assessable:
                left.append(
                    NotCarried(assessment=a, reason=f"{t!r} is not assessable in {new.version}")
                )
                continue
            level, scale, renumbered = a.level, a.scale, False
            if src_scale in m.levels:
                if a.level not in m.levels[src_scale]:
                    left.append(
                        NotCarried(
                            assessment=a,
                            reason=f"level {a.level} of scale {src_scale!r} is not in the level mapping",
                        )
                    )
                    continue
                level, scale, renumbered = m.levels[src_scale][a.level], None, True
            else:
                moved = m.scale_renames.get(src_scale, src_scale)
                if a.scale is None and moved != comp.scale:
                    left.append(
                        NotCarried(
                            assessment=a,
                            reason=f"{t!r} moved from scale {src_scale!r} to {comp.scale!r}: "
                            f"add a level mapping for {src_scale!r}",
                        )
                    )
                    continue
                scale = None if a.scale is None else moved
            target_scale = (
                new.scale(scale or comp.scale) if _has_scale(new, scale or comp.scale) else None
            )
            if target_scale is None or not target_scale.has_level(level):
                left.append(
                    NotCarried(
                        assessment=a,
                        reason=f"level {level} is not on scale {scale or comp.scale!r} in "
                        f"{new.version}: add a level mapping",
                    )
                )
                continue
            carried = a.model_copy(
                update={
                    "competency": t,
                    "level": level,
                    "scale": scale,
                    "model_version": new.version,
                }
            )
            counts["renumbered"] += renumbered
            if how == "merged":
                slot = (a.person, t, a.rater_type.value, a.rater or "", a.date.isoformat())
                pending.setdefault(slot, []).append(carried)
                counts["merged"] += 1
            else:
                counts[how] += 1
                out.append(carried)

    for group in pending.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        allowed = new.scale(first.scale or new.competency(first.competency).scale).values
        expiries = [x.expires for x in group if x.expires is not None]
        sources = sorted({x.comment or "" for x in group} - {""})
        out.append(
            first.model_copy(
                update={
                    "level": _combine([x.level for x in group], m.merge_policy, allowed),
                    "evidence": tuple(dict.fromkeys(e for x in group for e in x.evidence)),
                    "expires": min(expiries) if expiries else None,
                    "comment": "; ".join(sources) or None,
                }
            )
        )
    report = MigrationReport(
        model=new.key,
        old_version=old.version,
        new_version=new.version,
        carried=len(out),
        not_carried=tuple(left),
        **counts,
    )
    return MigrationResult(assessments=tuple(out), report=report)


def _has_scale(model: CompetencyModel, key: str) -> bool:
    return any(s.key == key for s in model.scales)


__all__ = [
    "MergePolicy",
    "MigrationMapping",
    "MigrationReport",
    "MigrationResult",
    "NotCarried",
    "mapping_problems",
    "migrate_assessments",
]
