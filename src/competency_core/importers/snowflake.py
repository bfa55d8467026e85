"""Import Medium's "snowflake" engineering growth framework (``snowflake-tracks.json``).

Snowflake rates an engineer on sixteen *tracks* (Mobile, Communication, Mentorship, ...)
from milestone 0 to 5; each milestone of a track has a summary, signals and examples.
Milestones are worth points, and the total of points decides the level and the titles an
engineer is eligible for. See ``docs/importers.md`` for the mapping.
"""

from __future__ import annotations

import os
import re
from typing import Any

from competency_core.errors import Problem
from competency_core.importers.ladders import (
    TRACKS,
    ImportLog,
    PathParts,
    Source,
    clean,
    finish,
    key_problem,
    promotions,
    result_or_raise,
    slug,
)
from competency_core.model import CompetencyModel

FORMAT = "medium-snowflake"
SCALE_KEY = "milestones"

_TOP_FIELDS = {
    "_note",
    "milestones",
    "milestoneToPoints",
    "pointsToLevels",
    "maxLevel",
    "titles",
    "tracks",
}
_TRACK_FIELDS = {"displayName", "category", "description", "milestones"}
_MILESTONE_FIELDS = {"summary", "signals", "examples"}
_MANAGER_WORDS = re.compile(r"\b(Lead|Director|Manager|Head)\b")


def check_snowflake(
    path: str | os.PathLike[str],
) -> tuple[CompetencyModel | None, list[Problem]]:
    """Import snowflake's tracks file: the model (None on errors) and every problem found."""
    log = ImportLog()
    src = log.read(path)
    if src is None:
        return None, log.problems
    root = log.mapping(src, src.data, ())
    if root is None:
        return None, log.problems
    log.keep_unknown(src, root, (), _TOP_FIELDS)
    milestones = _milestones(src, root, log)
    points = root.get("milestoneToPoints")
    points = points if isinstance(points, dict) else {}

    competencies: list[dict[str, Any]] = []
    tracks = log.mapping(src, root.get("tracks"), ("tracks",)) if "tracks" in root else None
    if tracks is None and "tracks" not in root:
        log.add(src, ("tracks",), "required field is missing")
    for tid, track in (tracks or {}).items():
        comp = _competency(src, log, tid, track, ("tracks", tid), milestones)
        if comp is not None:
            competencies.append(comp)
    roles = _roles(src, root, log)
    if log.has_errors:
        return None, log.problems

    scale_levels = [
        {
            "value": m,
            "label": f"Milestone {m}",
            **({"description": f"{points[str(m)]} points"} if str(m) in points else {}),
        }
        for m in milestones
    ]
    extra: dict[str, Any] = {"format": FORMAT}
    extra.update({k: v for k, v in root.items() if k in _TOP_FIELDS and k != "tracks"})
    used = [t for t in TRACKS if any(r.get("track") == t for r in roles)]
    data: dict[str, Any] = {
        "key": "medium-snowflake",
        "name": "Medium engineering growth framework (snowflake)",
        "metadata": {"organisation": "Medium", "source": "Medium/snowflake", "extra": extra},
        "scales": [
            {
                "key": SCALE_KEY,
                "name": "Snowflake milestones",
                "levels": scale_levels,
                "proficient": milestones[1],
            }
        ],
        "tracks": [TRACKS[t] for t in used],
        "competencies": competencies,
        "roles": roles,
        "transitions": promotions(roles),
    }
    return finish(data, log), log.problems


def import_snowflake(path: str | os.PathLike[str]) -> CompetencyModel:
    """Import Medium's snowflake framework (its tracks JSON) as a competency model.

    Snowflake's tracks become competencies on one scale of milestones; each milestone's
    summary (with its examples) and signals become behavioural indicators at that
    milestone; the titles become role profiles ordered by their points band, on the
    ``ic`` or ``management`` track where two titles share a band.

    Raises :class:`~competency_core.ModelValidationError` listing every located problem.

    >>> from competency_core.importers import import_snowflake
    >>> model = import_snowflake("snowflake-tracks.json")  # doctest: +SKIP
    >>> model.competency("MOBILE").category  # doctest: +SKIP
    'A'
    """
    return result_or_raise(check_snowflake(path), path)


def _milestones(src: Source, root: Any, log: ImportLog) -> list[int]:
    value = root.get("milestones")
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(m, int) and not isinstance(m, bool) for m in value)
        or value != sorted(set(value))
    ):
        log.add(
            src,
            ("milestones",),
            "expected the milestone numbers: at least two whole numbers in ascending order",
        )
        return [0, 1]
    return list(value)


def _competency(
    src: Source,
    log: ImportLog,
    tid: Any,
    track: Any,
    where: PathParts,
    milestones: list[int],
) -> dict[str, Any] | None:
    if not isinstance(tid, str):
        log.add(src, where, f"a track id must be text, got {tid!r}")
        return None
    if (problem := key_problem(tid)) is not None:
        log.add(src, where, problem)
        return None
    node = log.mapping(src, track, where)
    if node is None:
        return None
    log.keep_unknown(src, node, where, _TRACK_FIELDS)
    name = log.string(src, node, "displayName", where)
    description = clean(log.string(src, node, "description", where, required=False))
    category = log.string(src, node, "category", where, required=False)
    steps = log.items(src, node, "milestones", where, required=True)
    if "milestones" in node and len(steps) != len(milestones) - 1:
        log.add(
            src,
            (*where, "milestones"),
            f"expected {len(milestones) - 1} milestones (one for each of {milestones[1:]}), "
            f"found {len(steps)}",
        )
        return None
    indicators: dict[int, list[dict[str, Any]]] = {}
    for value, (mw, step) in zip(milestones[1:], steps, strict=True):
        log.keep_unknown(src, step, mw, _MILESTONE_FIELDS)
        summary = clean(log.string(src, step, "summary", mw))
        examples = [t for _, e in log.strings(src, step, "examples", mw) if (t := clean(e))]
        signals = [t for _, s in log.strings(src, step, "signals", mw) if (t := clean(s))]
        ref = f"{tid}/{value}"
        inds: list[dict[str, Any]] = []
        if summary is not None:
            inds.append(
                {
                    "text": summary,
                    "key": f"{ref}/summary",
                    **({"examples": examples} if examples else {}),
                }
            )
        elif examples:
            log.add(src, (*mw, "summary"), "examples need a summary to belong to")
        inds += [{"text": s, "key": f"{ref}/signal/{i + 1}"} for i, s in enumerate(signals)]
        if inds:
            indicators[value] = inds
    if name is None:
        return None
    return {
        "key": tid,
        "name": name,
        **({"definition": description} if description else {}),
        **({"category": category} if category else {}),
        "scale": SCALE_KEY,
        "indicators": indicators,
    }


def _roles(src: Source, root: Any, log: ImportLog) -> list[dict[str, Any]]:
    titles: list[tuple[str, int, int | None]] = []
    for where, t in log.items(src, root, "titles", ()):
        log.keep_unknown(src, t, where, {"label", "minPoints", "maxPoints"})
        label = log.string(src, t, "label", where)
        lo, hi = t.get("minPoints"), t.get("maxPoints")
        if not isinstance(lo, int) or (hi is not None and not isinstance(hi, int)):
            log.add(src, where, "minPoints (and maxPoints, if given) must be whole numbers")
            continue
        if label is not None:
            titles.append((label, lo, hi))
    bands = sorted({lo for _, lo, _ in titles})
    managers = {lo for label, lo, _ in titles if _MANAGER_WORDS.search(label)}
    roles: list[dict[str, Any]] = []
    keys: set[str] = set()
    for label, lo, hi in titles:
        key = slug(label)
        if key in keys:
            log.add(src, ("titles",), f"two titles give the role key {key!r}")
            continue
        keys.add(key)
        track = "management" if _MANAGER_WORDS.search(label) else "ic" if lo in managers else None
        roles.append(
            {
                "key": key,
                "title": label,
                "family": "engineering",
                "level": bands.index(lo) + 1,
                **({"track": track} if track else {}),
                "tags": [f"min-points:{lo}", *([f"max-points:{hi}"] if hi is not None else [])],
            }
        )
    return roles


__all__ = ["check_snowflake", "import_snowflake"]
