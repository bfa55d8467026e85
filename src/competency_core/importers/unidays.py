"""Import the UNiDAYS competency framework (its ``competencies/`` and ``roles/`` folders).

``competencies/*.json``: a group (title, path, theme, summary) of ``topics``, each with
``levels`` (title, path, summary, ``criteria``). ``roles/*.json``: nested ``departments``
with ``roles``, each with ``levels`` that list ``competencies.required`` and
``competencies.optional`` as ``"<group path>/<topic path>/<level path>"``.
See ``docs/importers.md`` for the mapping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from competency_core.errors import Problem
from competency_core.importers.ladders import (
    ImportLog,
    PathParts,
    Source,
    clean,
    finish,
    key_problem,
    promotions,
    result_or_raise,
)
from competency_core.model import CompetencyModel

FORMAT = "unidays-competency-framework"
SYNTHETIC_LABEL = "Not demonstrated"
"""Label of the level 0 added to groups that define a single level (a scale needs two)."""

_GROUP_FIELDS = {"title", "path", "theme", "summary", "topics"}
_TOPIC_FIELDS = {"title", "path", "theme", "summary", "levels"}
_LEVEL_FIELDS = {"title", "path", "summary", "criteria"}
_ROLES_FILE_FIELDS = {"title", "path", "departments", "roles"}
_DEPARTMENT_FIELDS = {"title", "path", "departments", "roles"}
# "summary" on a role is not in roles-schema.json but the published data uses it.
_ROLE_FIELDS = {"title", "path", "summary", "levels"}
_ROLE_LEVEL_FIELDS = {"title", "path", "summary", "competencies"}


class _Group:
    """One competencies file: its parent competency, topics and level scale."""

    def __init__(self, src: Source, key: str) -> None:
        self.src = src
        self.key = key
        self.scale_key = f"{key}/levels"
        self.topics: dict[str, dict[str, Any]] = {}
        self.level_order: list[str] = []
        self.level_titles: dict[str, list[str]] = {}
        self.topic_levels: dict[str, list[str]] = {}
        self.topic_where: dict[str, PathParts] = {}
        self.data: dict[str, Any] = {}

    def value(self, level_path: str) -> int:
        """The scale value of a level path (1 for the first level)."""
        return self.level_order.index(level_path) + 1


def check_unidays(
    directory: str | os.PathLike[str],
) -> tuple[CompetencyModel | None, list[Problem]]:
    """Import the UNiDAYS framework folder: the model (None on errors) and every problem.

    Problems are located in the JSON file that has them (``file`` and ``path``). Warnings
    (fields the schemas do not define, kept in ``metadata.extra['unmapped']``) do not stop
    the import.
    """
    log = ImportLog()
    root = Path(directory)
    groups: dict[str, _Group] = {}
    for folder in ("competencies", "roles"):
        if not (root / folder).is_dir():
            log.problems.append(
                Problem(
                    path="",
                    file=str(root / folder),
                    message=f"no {folder}/ folder: expected the framework's folder "
                    "with competencies/*.json and roles/*.json",
                    code="import",
                )
            )
    if log.has_errors:
        return None, log.problems
    for file in sorted((root / "competencies").glob("*.json")):
        group = _read_group(file, log)
        if group is None:
            continue
        if group.key in groups:
            log.add(
                group.src,
                ("path",),
                f"group path {group.key!r} is also used by {groups[group.key].src.path.name}",
            )
            continue
        groups[group.key] = group
    if not groups and not log.has_errors:
        log.problems.append(
            Problem(
                path="", file=str(root / "competencies"), message="no *.json files", code="import"
            )
        )

    roles: list[dict[str, Any]] = []
    departments: dict[str, str] = {}
    families: dict[str, dict[str, str]] = {}
    for file in sorted((root / "roles").glob("*.json")):
        _read_roles(file, log, groups, roles, departments, families)

    scales, competencies, level_paths = [], [], {}
    for g in groups.values():
        scales.append(_scale(g))
        competencies.append(g.data)
        competencies.extend(g.topics.values())
        level_paths[g.scale_key] = {p: g.value(p) for p in g.level_order}
    extra: dict[str, Any] = {
        "format": FORMAT,
        "level_paths": level_paths,
        "departments": departments,
        "families": families,
    }
    titles = {
        f"{g.key}/{p}": ts
        for g in groups.values()
        for p, ts in g.level_titles.items()
        if len(ts) > 1
    }
    if titles:
        extra["level_titles"] = titles
    data: dict[str, Any] = {
        "key": "unidays",
        "name": "UNiDAYS competency framework",
        "metadata": {
            "organisation": "UNiDAYS",
            "source": "MyUNiDAYS/competency-framework",
            "extra": extra,
        },
        "scales": scales,
        "competencies": competencies,
        "roles": roles,
        "transitions": [t for f in _by_family(roles) for t in promotions(f)],
    }
    model = finish(data, log)
    return model, log.problems


def import_unidays(directory: str | os.PathLike[str]) -> CompetencyModel:
    """Import the UNiDAYS competency framework folder as one competency model.

    Each ``competencies/*.json`` file becomes a group (a parent competency that is not
    assessed) with its own scale of the file's level paths; its topics become competencies
    whose criteria are behavioural indicators. Each level of each role in ``roles/*.json``
    becomes a role profile whose ``required`` competency levels are essential and whose
    ``optional`` ones are desirable.

    Raises :class:`~competency_core.ModelValidationError` listing every located problem,
    e.g. a role that names a competency level no group defines.

    >>> from competency_core.importers import import_unidays
    >>> model = import_unidays("unidays-competency-framework")  # doctest: +SKIP
    >>> model.competency("core-competencies/communication").parent  # doctest: +SKIP
    'core-competencies'
    """
    return result_or_raise(check_unidays(directory), directory)


# -- competencies/*.json --------------------------------------------------------------
def _read_group(file: Path, log: ImportLog) -> _Group | None:
    src = log.read(file)
    if src is None:
        return None
    node = log.mapping(src, src.data, ())
    if node is None:
        return None
    log.keep_unknown(src, node, (), _GROUP_FIELDS)
    title = log.string(src, node, "title", ())
    key = log.key(src, node, "path", ()) if "path" in node else file.stem
    if key is None or title is None:
        return None
    group = _Group(src, key)
    summary = clean(log.string(src, node, "summary", (), required=False))
    theme = log.string(src, node, "theme", (), required=False)
    group.data = {
        "key": key,
        "name": title,
        **({"definition": summary} if summary else {}),
        "category": key,
        "scale": group.scale_key,
        "assessable": False,
        **({"tags": [f"theme:{theme}"]} if theme else {}),
    }
    for where, topic in log.items(src, node, "topics", ()):
        _read_topic(src, log, group, where, topic)
    _order_levels(log, group)
    return group


def _read_topic(
    src: Source, log: ImportLog, group: _Group, where: PathParts, topic: Mapping[str, Any]
) -> None:
    log.keep_unknown(src, topic, where, _TOPIC_FIELDS)
    title = log.string(src, topic, "title", where)
    path = log.key(src, topic, "path", where)
    summary = clean(log.string(src, topic, "summary", where, required=False))
    theme = log.string(src, topic, "theme", where, required=False)
    if path is not None and path in group.topics:
        log.add(src, (*where, "path"), f"topic {path!r} is listed twice")
        path = None
    key = f"{group.key}/{path}"
    if path is not None and (problem := key_problem(key)) is not None:
        log.add(src, (*where, "path"), problem)
        path = None
    indicators: dict[str, list[dict[str, Any]]] = {}
    descriptions: dict[str, str] = {}
    paths: list[str] = []
    for lw, level in log.items(src, topic, "levels", where, required=True):
        log.keep_unknown(src, level, lw, _LEVEL_FIELDS)
        ltitle = log.string(src, level, "title", lw)
        lpath = log.key(src, level, "path", lw)
        lsummary = clean(log.string(src, level, "summary", lw, required=False))
        if "criteria" not in level:
            log.add(src, (*lw, "criteria"), "required field is missing")
        criteria = log.strings(src, level, "criteria", lw)
        if ltitle is None or lpath is None:
            continue
        if lpath in paths:
            log.add(src, (*lw, "path"), f"level {lpath!r} is listed twice in this topic")
            continue
        paths.append(lpath)
        group.level_titles.setdefault(lpath, [])
        if ltitle not in group.level_titles[lpath]:
            group.level_titles[lpath].append(ltitle)
        ref = f"{key}/{lpath}"
        if lsummary:
            descriptions[lpath] = lsummary
        indicators[lpath] = [
            {"text": text, "key": f"{ref}/criterion/{i + 1}"}
            for i, c in criteria
            if (text := clean(c)) is not None
        ]
    if title is None or path is None:
        return
    group.topic_levels[path] = paths
    group.topic_where[path] = where
    group.topics[path] = {
        "key": key,
        "name": title,
        **({"definition": summary} if summary else {}),
        "category": group.key,
        "parent": group.key,
        "scale": group.scale_key,
        "indicators": indicators,  # keyed by level path until the scale is known
        "level_descriptions": descriptions,  # the same
        **({"tags": [f"theme:{theme}"]} if theme else {}),
    }


def _order_levels(log: ImportLog, group: _Group) -> None:
    """Merge the topics' level sequences into one order, and key indicators by value."""
    order: list[str] = []
    for seq in group.topic_levels.values():
        prev: str | None = None
        for p in seq:
            if p not in order:
                order.insert(order.index(prev) + 1 if prev is not None else 0, p)
            prev = p
    for tpath, seq in group.topic_levels.items():
        positions = [order.index(p) for p in seq]
        if positions != sorted(positions):
            log.add(
                group.src,
                (*group.topic_where[tpath], "levels"),
                f"topic {tpath!r} lists its levels {seq} in another order than other topics "
                f"({order}); a group's levels must have one order",
            )
    group.level_order = order
    for topic in group.topics.values():
        topic["indicators"] = {
            group.value(p): inds for p, inds in topic["indicators"].items() if inds
        }
        topic["level_descriptions"] = {
            group.value(p): text for p, text in topic["level_descriptions"].items()
        }
        if not topic["level_descriptions"]:
            del topic["level_descriptions"]


def _scale(group: _Group) -> dict[str, Any]:
    levels: list[dict[str, Any]] = [
        {"value": group.value(p), "key": p, "label": group.level_titles[p][0]}
        for p in group.level_order
    ]
    if len(levels) == 1:
        levels.insert(
            0,
            {
                "value": 0,
                "label": SYNTHETIC_LABEL,
                "description": "Added on import: the source defines a single level, "
                "and a scale needs two.",
            },
        )
    return {
        "key": group.scale_key,
        "name": f"{group.data['name']} levels",
        "levels": levels,
        "proficient": 1,
    }


# -- roles/*.json ---------------------------------------------------------------------
def _read_roles(
    file: Path,
    log: ImportLog,
    groups: dict[str, _Group],
    roles: list[dict[str, Any]],
    departments: dict[str, str],
    families: dict[str, dict[str, str]],
) -> None:
    src = log.read(file)
    if src is None:
        return
    node = log.mapping(src, src.data, ())
    if node is None:
        return
    log.keep_unknown(src, node, (), _ROLES_FILE_FIELDS)
    key = log.key(src, node, "path", ()) if "path" in node else file.stem
    title = log.string(src, node, "title", ())
    if key is None:
        return
    ctx = _RolesContext(src, log, groups, roles, departments, families)
    ctx.walk(node, (), key, title)


class _RolesContext:
    """Walks one roles file's department tree, adding role profiles."""

    def __init__(
        self,
        src: Source,
        log: ImportLog,
        groups: dict[str, _Group],
        roles: list[dict[str, Any]],
        departments: dict[str, str],
        families: dict[str, dict[str, str]],
    ) -> None:
        self.src, self.log, self.groups = src, log, groups
        self.roles, self.departments, self.families = roles, departments, families

    def walk(self, node: Mapping[str, Any], where: PathParts, dept: str, title: str | None) -> None:
        src, log = self.src, self.log
        if title is not None:
            if dept in self.departments:
                log.add(src, (*where, "path"), f"department {dept!r} is defined twice")
            self.departments[dept] = title
        for dw, sub in log.items(src, node, "departments", where):
            log.keep_unknown(src, sub, dw, _DEPARTMENT_FIELDS)
            sub_title = log.string(src, sub, "title", dw)
            sub_path = log.key(src, sub, "path", dw)
            if sub_path is not None:
                self.walk(sub, dw, f"{dept}/{sub_path}", sub_title)
        for rw, role in log.items(src, node, "roles", where):
            self.role(role, rw, dept)

    def role(self, role: Mapping[str, Any], where: PathParts, dept: str) -> None:
        src, log = self.src, self.log
        log.keep_unknown(src, role, where, _ROLE_FIELDS)
        title = log.string(src, role, "title", where)
        path = log.key(src, role, "path", where)
        summary = clean(log.string(src, role, "summary", where, required=False))
        if path is None:
            return
        family = f"{dept}/{path}"
        if family in self.families:
            log.add(src, (*where, "path"), f"role {family!r} is defined twice")
            return
        if title is not None:
            self.families[family] = {"title": title, **({"summary": summary} if summary else {})}
        for i, (lw, level) in enumerate(log.items(src, role, "levels", where, required=True)):
            profile = self.level(level, lw, family, dept, i + 1)
            if profile is not None:
                self.roles.append(profile)

    def level(
        self, level: Mapping[str, Any], where: PathParts, family: str, dept: str, index: int
    ) -> dict[str, Any] | None:
        src, log = self.src, self.log
        log.keep_unknown(src, level, where, _ROLE_LEVEL_FIELDS)
        title = log.string(src, level, "title", where)
        path = log.key(src, level, "path", where)
        summary = clean(log.string(src, level, "summary", where, required=False))
        key = f"{family}/{path}"
        if path is not None and (problem := key_problem(key)) is not None:
            log.add(src, (*where, "path"), f"role key {problem}")
            path = None
        requirements: list[dict[str, Any]] = []
        comps = level.get("competencies")
        if comps is None:
            log.add(src, (*where, "competencies"), "required field is missing")
        elif log.mapping(src, comps, (*where, "competencies")) is not None:
            cw = (*where, "competencies")
            log.keep_unknown(src, comps, cw, {"required", "optional"})
            seen: dict[str, str] = {}
            for kind, essential in (("required", True), ("optional", False)):
                for i, ref in log.strings(src, comps, kind, cw):
                    req = self.requirement(ref, (*cw, kind, i), essential)
                    if req is None:
                        continue
                    ck = req["competency"]
                    if ck in seen:
                        log.add(
                            src,
                            (*cw, kind, i),
                            f"{ref!r} names competency {ck!r} again (also {seen[ck]}); "
                            "a role requires each competency once",
                        )
                        continue
                    seen[ck] = f"{kind}[{i}]"
                    requirements.append(req)
        if title is None or path is None:
            return None
        return {
            "key": key,
            "title": title,
            "family": family,
            "grade": path,
            "level": index,
            **({"summary": summary} if summary else {}),
            "requirements": requirements,
            "tags": [f"department:{dept}"],
        }

    def requirement(self, ref: str, where: PathParts, essential: bool) -> dict[str, Any] | None:
        """The requirement a "group/topic/level" reference stands for (None: logged error)."""
        parts = ref.split("/")
        if len(parts) != 3 or not all(parts):
            self.log.add(
                self.src, where, f"{ref!r} is not a reference of the form 'group/topic/level'"
            )
            return None
        gkey, tpath, lpath = parts
        group = self.groups.get(gkey)
        if group is None:
            self.log.add(
                self.src,
                where,
                f"{ref!r}: unknown competency group {gkey!r}; the groups in competencies/ "
                f"are {sorted(self.groups)}",
            )
            return None
        if tpath not in group.topics:
            self.log.add(
                self.src,
                where,
                f"{ref!r}: {group.src.path.name} has no topic {tpath!r}; its topics are "
                f"{sorted(group.topics)}",
            )
            return None
        if lpath not in group.topic_levels[tpath]:
            self.log.add(
                self.src,
                where,
                f"{ref!r}: topic {tpath!r} in {group.src.path.name} has no level {lpath!r}; "
                f"its levels are {group.topic_levels[tpath]}",
            )
            return None
        return {
            "competency": f"{gkey}/{tpath}",
            "level": group.value(lpath),
            "essential": essential,
        }


def _by_family(roles: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in roles:
        out.setdefault(r["family"], []).append(r)
    return list(out.values())


__all__ = ["check_unidays", "import_unidays"]
