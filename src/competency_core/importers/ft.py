"""Import the Financial Times engineering progression framework (one job-family YAML file).

The FT publishes each job family as a YAML file (``engineering.yml``, ``operations.yml``,
...) with ``levels`` (some split into an individual-contributor ``-ic`` and a
people-manager ``-pm`` variant), ``themes``, and ``competencies``: one row per level and
theme with a ``summary``, an optional list of ``examples`` and ``supportingUrls``, and a
``proficiency``. See ``docs/importers.md`` for the mapping.
"""

from __future__ import annotations

import os
import re
from typing import Any

from competency_core.errors import Problem
from competency_core.importers.ladders import (
    TRACKS,
    ImportLog,
    Source,
    clean,
    finish,
    promotions,
    result_or_raise,
    slug,
)
from competency_core.model import CompetencyModel

FORMAT = "ft-engineering-progression"
SCALE_KEY = "ft-levels"

RANKS: dict[str, int] = {
    "junior": 1,
    "engineer": 2,
    "senior-1": 3,
    "senior-2": 4,
    "principal": 5,
    "tech-director": 6,
}
"""Seniority ranks of the FT's level ids (without their ``-ic`` / ``-pm`` suffix)."""

_SUFFIXES = {"-ic": "ic", "-pm": "management"}
_TOP_FIELDS = {"name", "summary", "googleSheetId", "isLegacy", "levels", "themes", "competencies"}
_ROW_FIELDS = {"id", "level", "theme", "summary", "proficiency", "examples", "supportingUrls"}


def split_level(level_id: str) -> tuple[str, str | None]:
    """A level id's grade and track: ``senior-2-ic`` -> ``("senior-2", "ic")``.

    >>> split_level("principal-pm")
    ('principal', 'management')
    >>> split_level("senior-1")
    ('senior-1', None)
    """
    for suffix, track in _SUFFIXES.items():
        if level_id.endswith(suffix) and len(level_id) > len(suffix):
            return level_id[: -len(suffix)], track
    return level_id, None


def check_ft_progression(
    path: str | os.PathLike[str],
) -> tuple[CompetencyModel | None, list[Problem]]:
    """Import one FT job-family file: the model (None on errors) and every problem found.

    Problems are located in the YAML file (path and line). Warnings (fields the format
    does not define, kept in ``metadata.extra['unmapped']``) do not stop the import.
    """
    log = ImportLog()
    src = log.read(path)
    if src is None:
        return None, log.problems
    root = log.mapping(src, src.data, ())
    if root is None:
        return None, log.problems
    data = _model_data(src, root, log)
    model = finish(data, log) if data is not None else None
    return model, log.problems


def import_ft_progression(path: str | os.PathLike[str]) -> CompetencyModel:
    """Import one FT engineering-progression YAML file as a competency model.

    FT levels become a scale of seniority ranks and one role each (``-ic`` / ``-pm``
    variants on the ``ic`` / ``management`` tracks); themes become competencies; each
    competency row becomes a behavioural indicator of its theme at its level's rank.

    Raises :class:`~competency_core.ModelValidationError` listing every located problem
    when the file is malformed.

    >>> from competency_core.importers import import_ft_progression
    >>> model = import_ft_progression("engineering.yml")  # doctest: +SKIP
    >>> model.role("senior-2-ic").track  # doctest: +SKIP
    'ic'
    """
    return result_or_raise(check_ft_progression(path), path)


def _model_data(src: Source, root: Any, log: ImportLog) -> dict[str, Any] | None:
    log.keep_unknown(src, root, (), _TOP_FIELDS)
    name = log.string(src, root, "name", ())
    summary = clean(log.string(src, root, "summary", (), required=False))

    # levels: id -> (name, grade, track), in file order
    levels: dict[str, tuple[str, str, str | None]] = {}
    for where, lv in log.items(src, root, "levels", (), required=True):
        log.keep_unknown(src, lv, where, {"id", "name"})
        lid = log.key(src, lv, "id", where)
        lname = log.string(src, lv, "name", where)
        if lid is None or lname is None:
            continue
        if lid in levels:
            log.add(src, (*where, "id"), f"level {lid!r} is listed twice")
            continue
        grade, track = split_level(lid)
        levels[lid] = (lname, grade, track)
    ranks = _ranks([grade for _, grade, _ in levels.values()])
    if len(set(ranks.values())) < 2 and not log.has_errors:
        log.add(src, ("levels",), "a ladder needs at least two levels of different seniority")

    themes: dict[str, tuple[str, str | None]] = {}
    for where, th in log.items(src, root, "themes", (), required=True):
        log.keep_unknown(src, th, where, {"id", "name", "summary"})
        tid = log.key(src, th, "id", where)
        tname = log.string(src, th, "name", where)
        tsummary = clean(log.string(src, th, "summary", where, required=False))
        if tid is None or tname is None:
            continue
        if tid in themes:
            log.add(src, (*where, "id"), f"theme {tid!r} is listed twice")
            continue
        themes[tid] = (tname, tsummary)

    indicators: dict[str, dict[int, list[dict[str, Any]]]] = {t: {} for t in themes}
    seen_rows: dict[str, int] = {}
    for where, row in log.items(src, root, "competencies", ()):
        log.keep_unknown(src, row, where, _ROW_FIELDS)
        ind = _indicator(src, row, where, log, levels, themes)
        if ind is None:
            continue
        rid = ind["key"]
        if rid in seen_rows:
            log.add(
                src,
                (*where, "id"),
                f"id {rid!r} is used twice (also competencies[{seen_rows[rid]}])",
            )
            continue
        seen_rows[rid] = int(where[-1])
        level_id, theme_id = row["level"], row["theme"]
        rank = ranks[levels[level_id][1]]
        indicators[theme_id].setdefault(rank, []).append(ind)

    if log.has_errors or name is None:
        return None

    scale_levels = []
    for rank in sorted(set(ranks.values())):
        names = [n for n, grade, _ in levels.values() if ranks[grade] == rank]
        scale_levels.append({"value": rank, "label": _rank_label(names)})
    competencies = [
        {
            "key": tid,
            "name": tname,
            **({"definition": tsummary} if tsummary else {}),
            "scale": SCALE_KEY,
            "indicators": dict(sorted(indicators[tid].items())),
        }
        for tid, (tname, tsummary) in themes.items()
    ]
    roles = [
        {
            "key": lid,
            "title": lname,
            "family": name,
            "grade": grade,
            "level": ranks[grade],
            **({"track": track} if track else {}),
            "requirements": [
                {"competency": tid, "level": ranks[grade], "essential": True} for tid in themes
            ],
        }
        for lid, (lname, grade, track) in levels.items()
    ]
    used_tracks = [t for t in TRACKS if any(track == t for _, _, track in levels.values())]
    extra: dict[str, Any] = {"format": FORMAT}
    for field in ("googleSheetId", "isLegacy"):
        if field in root:
            extra[field] = root[field]
    return {
        "key": f"ft-{slug(src.path.stem)}",
        "name": name,
        **({"description": summary} if summary else {}),
        "metadata": {
            "organisation": "Financial Times",
            "source": f"Financial-Times/engineering-progression: {src.path.name}",
            "extra": extra,
        },
        "scales": [
            {
                "key": SCALE_KEY,
                "name": f"{name} levels",
                "description": "Seniority ranks of the FT levels; -ic and -pm variants share a rank.",
                "levels": scale_levels,
                "proficient": scale_levels[0]["value"],
            }
        ],
        "tracks": [TRACKS[t] for t in used_tracks],
        "competencies": competencies,
        "roles": roles,
        "transitions": promotions(roles),
    }


def _indicator(
    src: Source,
    row: Any,
    where: tuple[str | int, ...],
    log: ImportLog,
    levels: dict[str, tuple[str, str, str | None]],
    themes: dict[str, tuple[str, str | None]],
) -> dict[str, Any] | None:
    rid = log.string(src, row, "id", where)
    level_id = log.string(src, row, "level", where)
    theme_id = log.string(src, row, "theme", where)
    text = clean(log.string(src, row, "summary", where))
    prof = log.string(src, row, "proficiency", where, required=False)
    examples = [e for _, e in log.strings(src, row, "examples", where) if clean(e)]
    urls: list[str] = []
    labelled: list[dict[str, str]] = []
    raw_urls = row.get("supportingUrls") or []
    if not isinstance(raw_urls, list):
        log.add(src, (*where, "supportingUrls"), "expected a list of links")
        raw_urls = []
    for i, link in enumerate(raw_urls):
        if isinstance(link, str):
            urls.append(link)
        elif isinstance(link, dict) and isinstance(link.get("url"), str):
            if isinstance(link.get("label"), str) and link["label"].strip():
                labelled.append({"url": link["url"], "label": link["label"]})
            else:
                urls.append(link["url"])
        else:
            log.add(src, (*where, "supportingUrls", i), "expected a link: {label, url} or a URL")
    if level_id is not None and level_id not in levels:
        log.add(
            src,
            (*where, "level"),
            f"unknown level {level_id!r}; the file's levels are {sorted(levels)}",
        )
        return None
    if theme_id is not None and theme_id not in themes:
        log.add(
            src,
            (*where, "theme"),
            f"unknown theme {theme_id!r}; the file's themes are {sorted(themes)}",
        )
        return None
    if text is None and row.get("summary") is not None:
        log.add(src, (*where, "summary"), "the summary is empty")
    if rid is None or level_id is None or theme_id is None or text is None:
        return None
    ind: dict[str, Any] = {"text": text, "key": rid}
    track = levels[level_id][2]
    if track:
        ind["track"] = track
    if examples:
        ind["examples"] = [clean(e) for e in examples]
    if urls:
        ind["urls"] = urls
    if labelled:
        ind["links"] = labelled
    if prof is not None:
        ind["attributes"] = {"proficiency": prof}
    return ind


def _ranks(grades: list[str]) -> dict[str, int]:
    """Rank of each grade: the FT's known ranks, else the order in which grades are listed."""
    if all(g in RANKS for g in grades):
        return {g: RANKS[g] for g in grades}
    order = list(dict.fromkeys(grades))
    return {g: i + 1 for i, g in enumerate(order)}


def _rank_label(names: list[str]) -> str:
    """One label for the levels sharing a rank: their common name without '(...)' variants."""
    if len(names) == 1:
        return names[0]
    bases = list(dict.fromkeys(re.sub(r"\s*\([^)]*\)\s*$", "", n) for n in names))
    return bases[0] if len(bases) == 1 else " / ".join(bases)


__all__ = ["RANKS", "check_ft_progression", "import_ft_progression", "split_level"]
