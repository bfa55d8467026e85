"""The objects a model becomes in Moodle (``push-model``), built from the model alone.

* ``framework`` (key: the model key): short name, description, the scale and its
  configuration, visibility, and the courses the model links (kept in the description's
  marker line, so that a later run knows which courses to read);
* ``competency`` (key: the competency key = its idnumber): short name, description
  (definition and indicators), parent, the sibling it follows, effective scale
  configuration, and the related competencies it owns (a pair belongs to the competency
  created later; kept in the marker line, since no web service lists related
  competencies);
* ``rule`` (key: the parent competency's key), with ``parent_rule`` set: the parent's
  completion rule with its children, listed after every competency;
* ``course-competency`` (key ``course|competency``): a course link and its rule outcome;
* ``template`` (key: the role key): a learning-plan template per role profile with its
  competencies, recognised by its marker line (templates have no idnumber).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import JsonValue

from competency_core.model import CompetencyModel
from competency_core.sync import LocalObject, ObjectRef
from competency_moodle.directory import Directory, course_ref, not_found_note
from competency_moodle.scales import ScaleMap
from competency_moodle.settings import MoodleSettings
from competency_moodle.texts import (
    SHORTNAME_MAX,
    competency_description,
    name_changes,
    paragraph,
    shortname,
)

FRAMEWORK = "framework"
COMPETENCY = "competency"
RULE = "rule"
COURSE_LINK = "course-competency"
TEMPLATE = "template"


def obj_ref(kind: str, key: str) -> ObjectRef:
    """A reference to an object."""
    return ObjectRef(kind=kind, key=key)


def link_key(course: str, competency: str) -> str:
    """The key of a course link."""
    return f"{course}|{competency}"


def json_names(values: Iterable[str]) -> list[JsonValue]:
    """Sorted names as a JSON list."""
    out: list[JsonValue] = []
    out.extend(sorted(values))
    return out


def as_json(value: Any) -> JsonValue:
    """Plain JSON (lists and dicts of str, int, ...)."""
    out: JsonValue = json.loads(json.dumps(value))
    return out


def model_objects(
    model: CompetencyModel,
    *,
    scale_id: int,
    maps: dict[str, ScaleMap],
    settings: MoodleSettings,
    directory: Directory,
    warn: Callable[[str], None],
) -> tuple[list[LocalObject], set[str], set[frozenset[str]]]:
    """The objects ``model`` becomes in Moodle, parents before children.

    ``maps`` maps every model scale onto the Moodle scale ``scale_id`` (the primary one at
    least). Returns the objects, the courses the model names, and the related pairs.
    """
    sid = scale_id
    courses_named: set[str] = set()
    counts = Counter(c.scale for c in model.competencies)
    primary = counts.most_common(1)[0][0] if counts else model.scales[0].key
    fw_ref = obj_ref(FRAMEWORK, model.key)
    out: list[LocalObject] = []
    altered: list[str] = []

    def moodle_name(text: str, what: str) -> str:
        change = name_changes(text)
        if change:
            altered.append(f"{what} ({change})")
        return shortname(text)

    # courses named by learning resources
    links: list[LocalObject] = []
    missing: list[str] = []
    keys = {c.key for c in model.competencies}
    outcome = settings.course_rule_outcome
    for res in model.learning_resources:
        course = course_ref(res.external_ids)
        if course is None:
            continue
        courses_named.add(course)
        if directory.course(course) is None:
            missing.append(f"{course} (resource {res.key})")
            continue
        for dev in res.develops:
            if dev.competency in keys:
                links.append(
                    LocalObject(
                        kind=COURSE_LINK,
                        key=link_key(course, dev.competency),
                        data={"course": course, "competency": dev.competency, "rule": outcome},
                        depends_on=(fw_ref, obj_ref(COMPETENCY, dev.competency)),
                    )
                )
    if missing:
        warn(not_found_note("course(s)", sorted(set(missing)), settings.course_field))
    courses = sorted({str(o.data["course"]) for o in links})
    out.append(
        LocalObject(
            kind=FRAMEWORK,
            key=model.key,
            data={
                "shortname": moodle_name(model.text(model.name), f"framework {model.key}"),
                "description": paragraph(model.text(model.description))
                if model.description
                else "",
                "visible": True,
                "scaleid": sid,
                "scaleconfiguration": as_json(maps[primary].configuration(sid)),
                "courses": list(courses),
                "scale": [primary],
            },
        )
    )

    # competencies, top-down
    depth: dict[str, int] = {}
    parents = {c.key: c.parent for c in model.competencies}

    def level(key: str) -> int:
        if key not in depth:
            parent = parents.get(key)
            depth[key] = 0 if parent is None or parent not in parents else 1 + level(parent)
        return depth[key]

    index = {c.key: i for i, c in enumerate(model.competencies)}
    ordered = sorted(model.competencies, key=lambda c: (level(c.key), index[c.key]))
    position = {c.key: i for i, c in enumerate(ordered)}
    # a related pair belongs to the competency created later (no dependency cycles)
    owned: dict[str, set[str]] = {}
    for c in model.competencies:
        for r in c.related:
            if r in keys and r != c.key:
                first, later = sorted((c.key, r), key=position.__getitem__)
                owned.setdefault(later, set()).add(first)
    pairs = {frozenset((a, b)) for b, firsts in owned.items() for a in firsts}
    previous: dict[str | None, str] = {}
    after: dict[str, str | None] = {}
    for comp in model.competencies:  # siblings keep the model's order
        after[comp.key] = previous.get(comp.parent)
        previous[comp.parent] = comp.key
    for comp in ordered:
        related = sorted(owned.get(comp.key, []))
        deps = [fw_ref]
        if comp.parent:
            deps.append(obj_ref(COMPETENCY, comp.parent))
        if after[comp.key]:
            deps.append(obj_ref(COMPETENCY, str(after[comp.key])))
        deps += [obj_ref(COMPETENCY, r) for r in related]
        deps = list(dict.fromkeys(deps))  # the engine runs a change once per listed dependency
        out.append(
            LocalObject(
                kind=COMPETENCY,
                key=comp.key,
                data={
                    "shortname": moodle_name(model.text(comp.name), f"competency {comp.key}"),
                    "description": competency_description(model, comp),
                    "parent": comp.parent,
                    "after": after[comp.key],
                    "scaleid": sid,
                    "scaleconfiguration": as_json(maps[comp.scale].configuration(sid)),
                    "related": list(related),
                },
                depends_on=tuple(deps),
            )
        )

    # completion rules, after the whole tree
    children: dict[str, list[str]] = {}
    for comp in model.competencies:
        if comp.parent:
            children.setdefault(comp.parent, []).append(comp.key)
    rule = settings.parent_rule
    if rule != "none":
        # a rule per parent, listed after every competency: the engine keeps plan order
        # among independent changes, so rules are set once the tree is built (creating
        # or moving a child makes Moodle reset its parent's rule). The children are in
        # the data so that a new or moved child shows as a change of the rule.
        for p, kids in sorted(children.items()):
            out.append(
                LocalObject(
                    kind=RULE,
                    key=p,
                    data={"outcome": rule, "children": json_names(kids)},
                    depends_on=(
                        fw_ref,
                        obj_ref(COMPETENCY, p),
                        *(obj_ref(COMPETENCY, k) for k in kids),
                    ),
                )
            )
    out += links

    # templates from role profiles
    for role in model.roles:
        comps = sorted({r.competency for r in role.requirements if r.competency in keys})
        out.append(
            LocalObject(
                kind=TEMPLATE,
                key=role.key,
                data={
                    "shortname": moodle_name(model.text(role.title), f"template {role.key}"),
                    "description": paragraph(model.text(role.summary)) if role.summary else "",
                    "visible": True,
                    "competencies": list(comps),
                },
                depends_on=(fw_ref, *(obj_ref(COMPETENCY, c) for c in comps)),
            )
        )
    if altered:
        shown = "; ".join(altered[:10]) + (
            f"; and {len(altered) - 10} more" if len(altered) > 10 else ""
        )
        warn(
            f"{len(altered)} name(s) will read differently in Moodle, which keeps short names as "
            f"one line of plain text of at most {SHORTNAME_MAX} characters: {shown}"
        )
    return out, courses_named, pairs


__all__ = [
    "COMPETENCY",
    "COURSE_LINK",
    "FRAMEWORK",
    "RULE",
    "TEMPLATE",
    "as_json",
    "json_names",
    "link_key",
    "model_objects",
    "obj_ref",
]
