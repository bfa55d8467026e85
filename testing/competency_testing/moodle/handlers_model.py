r"""Emulated competency functions: frameworks, scales, competencies, related, course links.

Each handler follows what ``core_competency\api`` does in Moodle 5.1 for the cases a sync
meets, including the traps listed in the contract's README: ``set_parent_competency``
throws when the parent does not change, ``update_competency`` ignores ``parentid``,
creating a child or re-parenting resets the parent's completion rule, adding an existing
course link answers false, links to a hidden framework's competencies are refused, and
deleting something in use answers false.
"""

from __future__ import annotations

import json
from typing import Any

from competency_testing.moodle.contract import (
    coding_error,
    invalid_parameter,
    invalid_persistent,
    missing_record,
)
from competency_testing.moodle.site import (
    RULE_ALL,
    RULE_POINTS,
    SYSTEM_CONTEXT_ID,
    Call,
    Site,
    handles,
)

_SCALE_CONFIG_ERROR = "You must configure the scale by selecting default and proficient values."
_FRAMEWORK_FIELDS: tuple[str, ...] = (
    "shortname",
    "idnumber",
    "description",
    "descriptionformat",
    "visible",
    "scaleid",
    "scaleconfiguration",
    "taxonomies",
)
_COMPETENCY_FIELDS: tuple[str, ...] = (
    "shortname",
    "idnumber",
    "description",
    "descriptionformat",
    "ruleoutcome",
    "ruletype",
    "ruleconfig",
    "scaleid",
    "scaleconfiguration",
)


def context_id(params: dict[str, Any]) -> int:
    """The context a call names: ``contextid``, or ``contextlevel`` + ``instanceid``."""
    cid = params.get("contextid") or 0
    if cid:
        if cid != SYSTEM_CONTEXT_ID:
            raise missing_record("context")
        return SYSTEM_CONTEXT_ID
    level = params.get("contextlevel") or ""
    if level == "system":
        return SYSTEM_CONTEXT_ID
    if level:
        raise invalid_parameter(f"The emulator only has the system context, not {level!r}")
    raise invalid_parameter(
        "Missing parameters, please provide either context level with instance id, or context id"
    )


def check_scale_configuration(site: Site, scaleid: int, config: str | None) -> None:
    """Moodle's ``validate_scaleconfiguration``: scale id first, a default and a proficient."""
    scale = site.scales.get(scaleid)
    if scale is None:
        raise invalid_persistent("scaleid", "Invalid data")
    try:
        items = json.loads(config or "")
    except ValueError:
        raise invalid_persistent("scaleconfiguration", _SCALE_CONFIG_ERROR) from None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        raise invalid_persistent("scaleconfiguration", _SCALE_CONFIG_ERROR)
    if str(items[0].get("scaleid")) != str(scaleid):
        raise invalid_persistent("scaleconfiguration", _SCALE_CONFIG_ERROR)
    default = proficient = False
    for item in items[1:]:
        if not isinstance(item, dict) or not 1 <= int(item.get("id", 0)) <= len(scale["items"]):
            raise invalid_persistent("scaleconfiguration", _SCALE_CONFIG_ERROR)
        default = default or bool(int(item.get("scaledefault", 0)))
        proficient = proficient or bool(int(item.get("proficient", 0)))
    if not (default and proficient):
        raise invalid_persistent("scaleconfiguration", _SCALE_CONFIG_ERROR)


def _stamp(site: Site, rec: dict[str, Any], userid: int) -> None:
    rec["timemodified"] = site.now()
    rec["usermodified"] = userid


def export_framework(site: Site, fw: dict[str, Any]) -> dict[str, Any]:
    """A framework as the read structure has it."""
    count = sum(1 for c in site.competencies.values() if c["competencyframeworkid"] == fw["id"])
    return {
        **fw,
        "canmanage": True,
        "competenciescount": count,
        "contextname": "System",
        "contextnamenoprefix": "System",
    }


# -- frameworks ------------------------------------------------------------------------


@handles("core_competency_create_competency_framework")
def create_framework(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Create a framework; its idnumber must be unique on the site."""
    site, data = call.site, p["competencyframework"]
    ctx = context_id(data)
    if any(f["idnumber"] == data["idnumber"] for f in site.frameworks.values()):
        raise invalid_persistent("idnumber", "This ID number is already in use")
    if not data["shortname"].strip():
        raise invalid_persistent("shortname", "Required")
    check_scale_configuration(site, data["scaleid"], data["scaleconfiguration"])
    fid, now = site.next_id(), site.now()
    fw = {k: data.get(k) for k in _FRAMEWORK_FIELDS}
    fw.update(id=fid, contextid=ctx, timecreated=now, timemodified=now, usermodified=call.userid)
    site.frameworks[fid] = fw
    return export_framework(site, fw)


@handles("core_competency_read_competency_framework")
def read_framework(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """A framework by id."""
    return export_framework(call.site, call.site.framework(p["id"]))


@handles("core_competency_update_competency_framework")
def update_framework(call: Call, p: dict[str, Any]) -> bool:
    """Partial update: keys left out keep their values; the scale is fixed once used."""
    site, data = call.site, p["competencyframework"]
    fw = site.framework(data["id"])
    new = {**fw, **{k: data[k] for k in _FRAMEWORK_FIELDS if k in data}}
    if any(
        f["idnumber"] == new["idnumber"] and f["id"] != fw["id"] for f in site.frameworks.values()
    ):
        raise invalid_persistent("idnumber", "This ID number is already in use")
    if new["scaleid"] != fw["scaleid"] and any(
        site.competencies[c]["competencyframeworkid"] == fw["id"]
        for (_, c) in site.user_competencies
        if c in site.competencies
    ):
        raise invalid_persistent(
            "scaleid", "The scale cannot be changed as it is already being used."
        )
    check_scale_configuration(site, new["scaleid"], new["scaleconfiguration"])
    fw.update(new)
    _stamp(site, fw, call.userid)
    return True


@handles("core_competency_delete_competency_framework")
def delete_framework(call: Call, p: dict[str, Any]) -> bool:
    """Delete a framework and its competencies; false when any of them is in use."""
    site = call.site
    fw = site.framework(p["id"])
    ids = [cid for cid, c in site.competencies.items() if c["competencyframeworkid"] == fw["id"]]
    if any(site.competency_in_use(cid) for cid in ids):
        return False
    for cid in ids:
        del site.competencies[cid]
    site.related = {r for r in site.related if r[0] not in ids and r[1] not in ids}
    del site.frameworks[fw["id"]]
    return True


@handles("core_competency_list_competency_frameworks")
def list_frameworks(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Frameworks in the context; ``query`` matches a substring of shortname or idnumber."""
    site = call.site
    context_id(p["context"])
    query = (p.get("query") or "").lower()
    found = [
        f
        for f in site.frameworks.values()
        if (not p.get("onlyvisible") or f["visible"])
        and (not query or query in f["shortname"].lower() or query in f["idnumber"].lower())
    ]
    return [export_framework(site, f) for f in _page(found, p, "shortname")]


@handles("core_competency_count_competency_frameworks")
def count_frameworks(call: Call, p: dict[str, Any]) -> int:
    """How many frameworks the context holds."""
    context_id(p["context"])
    return len(call.site.frameworks)


def _page(rows: list[dict[str, Any]], p: dict[str, Any], default: str) -> list[dict[str, Any]]:
    sort = p.get("sort") or default
    rows = sorted(rows, key=lambda r: (str(r.get(sort, "")), r["id"]))
    if (p.get("order") or "").upper() == "DESC":
        rows.reverse()
    skip, limit = p.get("skip") or 0, p.get("limit") or 0
    return rows[skip : skip + limit] if limit else rows[skip:]


@handles("core_competency_get_scale_values")
def scale_values(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """A scale's items, numbered from 1."""
    scale = call.site.scale(p["scaleid"])
    return [{"id": i, "name": name} for i, name in enumerate(scale["items"], 1)]


# -- competencies ------------------------------------------------------------------------


def _place(site: Site, comp: dict[str, Any], parentid: int) -> None:
    """Put ``comp`` under ``parentid`` (0: top level) as the last sibling; fix its subtree."""
    old_path = comp["path"] + f"{comp['id']}/" if comp.get("path") else None
    if parentid:
        parent = site.competency(parentid)
        comp["path"] = parent["path"] + f"{parentid}/"
    else:
        comp["path"] = "/0/"
    comp["parentid"] = parentid
    siblings = [
        c
        for c in site.competencies.values()
        if c["parentid"] == parentid
        and c["competencyframeworkid"] == comp["competencyframeworkid"]
        and c["id"] != comp["id"]
    ]
    comp["sortorder"] = len(siblings)
    if old_path:
        new_path = comp["path"] + f"{comp['id']}/"
        for c in site.competencies.values():
            if c["path"].startswith(old_path):
                c["path"] = new_path + c["path"][len(old_path) :]


def _reset_rule(comp: dict[str, Any] | None) -> None:
    if comp is not None:
        comp.update(ruleoutcome=0, ruletype=None, ruleconfig=None)


def _check_rule(comp: dict[str, Any]) -> None:
    if comp["ruletype"] not in (None, "", RULE_ALL, RULE_POINTS):
        raise invalid_persistent("ruletype", "Invalid data")
    if comp["ruleoutcome"] not in (0, 1, 2, 3):
        raise invalid_persistent("ruleoutcome", "Invalid data")


@handles("core_competency_create_competency")
def create_competency(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Create a competency as the last child of its parent; resets the parent's rule."""
    site, data = call.site, p["competency"]
    fw = site.framework(data["competencyframeworkid"])
    if any(
        c["idnumber"] == data["idnumber"] and c["competencyframeworkid"] == fw["id"]
        for c in site.competencies.values()
    ):
        raise invalid_persistent("idnumber", "This ID number is already in use")
    parentid = data.get("parentid") or 0
    if parentid and site.competencies.get(parentid, {}).get("competencyframeworkid") != fw["id"]:
        raise invalid_persistent("parentid", "Invalid data")
    if data.get("scaleid"):
        check_scale_configuration(site, data["scaleid"], data.get("scaleconfiguration"))
    elif data.get("scaleconfiguration"):
        raise invalid_persistent("scaleconfiguration", "Invalid data")
    cid, now = site.next_id(), site.now()
    comp: dict[str, Any] = {k: data.get(k) for k in _COMPETENCY_FIELDS}
    comp.update(
        id=cid,
        competencyframeworkid=fw["id"],
        ruleoutcome=data.get("ruleoutcome") or 0,
        timecreated=now,
        timemodified=now,
        usermodified=call.userid,
        path="",
    )
    _check_rule(comp)
    site.competencies[cid] = comp
    _place(site, comp, parentid)
    _reset_rule(site.competencies.get(parentid))
    return comp


@handles("core_competency_read_competency")
def read_competency(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """A competency by id."""
    return call.site.competency(p["id"])


@handles("core_competency_update_competency")
def update_competency(call: Call, p: dict[str, Any]) -> bool:
    """Partial update; ``parentid``, ``sortorder`` and the framework are ignored."""
    site, data = call.site, p["competency"]
    comp = site.competency(data["id"])
    new = {**comp, **{k: data[k] for k in _COMPETENCY_FIELDS if k in data}}
    if any(
        c["idnumber"] == new["idnumber"]
        and c["competencyframeworkid"] == comp["competencyframeworkid"]
        and c["id"] != comp["id"]
        for c in site.competencies.values()
    ):
        raise invalid_persistent("idnumber", "This ID number is already in use")
    _check_rule(new)
    if new.get("scaleid"):
        check_scale_configuration(site, new["scaleid"], new.get("scaleconfiguration"))
    comp.update(new)
    _stamp(site, comp, call.userid)
    return True


@handles("core_competency_set_parent_competency")
def set_parent(call: Call, p: dict[str, Any]) -> bool:
    """Move a competency; throws when the parent does not change. Resets both rules."""
    site = call.site
    comp = site.competency(p["competencyid"])
    newparent = p["parentid"]
    if newparent == comp["id"]:
        raise coding_error("Can not set a competency as its own parent.")
    if newparent == comp["parentid"]:
        raise coding_error("Can not set the parent of a competency to its current parent.")
    if newparent:
        parent = site.competency(newparent)
        if parent["competencyframeworkid"] != comp["competencyframeworkid"]:
            raise coding_error("The new parent is not in the same framework.")
        if parent["path"].startswith(comp["path"] + f"{comp['id']}/"):
            for child in site.children(comp["id"]):  # moving below itself: promote children
                _place(site, child, comp["parentid"])
    old_parent = site.competencies.get(comp["parentid"])
    _place(site, comp, newparent)
    _reset_rule(old_parent)
    _reset_rule(site.competencies.get(newparent))
    _stamp(site, comp, call.userid)
    return True


def _move(site: Site, cid: int, step: int) -> bool:
    """Swap a competency with its neighbouring sibling (siblings renumbered first)."""
    comp = site.competency(cid)
    sibs = sorted(
        (
            c
            for c in site.competencies.values()
            if c["parentid"] == comp["parentid"]
            and c["competencyframeworkid"] == comp["competencyframeworkid"]
        ),
        key=lambda c: (c["sortorder"], c["id"]),
    )
    for n, c in enumerate(sibs):
        c["sortorder"] = n
    j = sibs.index(comp)
    k = j + step
    if not 0 <= k < len(sibs):
        return False
    comp["sortorder"], sibs[k]["sortorder"] = k, j
    return True


@handles("core_competency_move_up_competency")
def move_up(call: Call, p: dict[str, Any]) -> bool:
    """Move a competency one place up among its siblings (false when it is first)."""
    return _move(call.site, p["id"], -1)


@handles("core_competency_move_down_competency")
def move_down(call: Call, p: dict[str, Any]) -> bool:
    """Move a competency one place down among its siblings (false when it is last)."""
    return _move(call.site, p["id"], 1)


@handles("core_competency_delete_competency")
def delete_competency(call: Call, p: dict[str, Any]) -> bool:
    """Delete a competency and its descendants; false when any of them is in use."""
    site = call.site
    comp = site.competency(p["id"])
    ids = [comp["id"], *(c["id"] for c in site.descendants(comp["id"]))]
    if any(site.competency_in_use(cid) for cid in ids):
        return False
    for cid in ids:
        del site.competencies[cid]
    site.related = {r for r in site.related if r[0] not in ids and r[1] not in ids}
    return True


def export_tree_order(site: Site, comps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Competencies ordered as Moodle lists a tree: by path, then sort order."""
    return sorted(comps, key=lambda c: (c["path"], c["sortorder"], c["id"]))


@handles("core_competency_search_competencies")
def search_competencies(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Matches of ``searchtext`` in a framework, with their ancestors ('' gives all)."""
    site = call.site
    fw = site.framework(p["competencyframeworkid"])
    text = (p.get("searchtext") or "").lower()
    members = [c for c in site.competencies.values() if c["competencyframeworkid"] == fw["id"]]
    hits = {
        c["id"]
        for c in members
        if not text
        or text in c["shortname"].lower()
        or text in c["idnumber"].lower()
        or text in (c["description"] or "").lower()
    }
    for cid in list(hits):
        hits.update(
            int(x) for x in site.competencies[cid]["path"].strip("/").split("/") if x != "0"
        )
    return export_tree_order(site, [c for c in members if c["id"] in hits])


_FILTER_COLUMNS = frozenset(
    {"id", "shortname", "description", "sortorder", "idnumber", "parentid", "competencyframeworkid"}
)


@handles("core_competency_list_competencies")
def list_competencies(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Competencies matching every filter exactly."""
    filters = p["filters"]
    for f in filters:
        if f["column"] not in _FILTER_COLUMNS:
            raise invalid_parameter("Filter column was invalid")
    found = [
        c
        for c in call.site.competencies.values()
        if all(str(c.get(f["column"])) == f["value"] for f in filters)
    ]
    return _page(found, p, "id")


@handles("core_competency_count_competencies")
def count_competencies(call: Call, p: dict[str, Any]) -> int:
    """How many competencies match the filters."""
    return len(list_competencies(call, {**p, "skip": 0, "limit": 0}))


@handles("core_competency_add_related_competency")
def add_related(call: Call, p: dict[str, Any]) -> bool:
    """Relate two competencies (true also when they already were)."""
    site = call.site
    a, b = site.competency(p["competencyid"]), site.competency(p["relatedcompetencyid"])
    if a["id"] == b["id"]:
        raise invalid_persistent("relatedcompetencyid", "Invalid data")
    site.related.add((min(a["id"], b["id"]), max(a["id"], b["id"])))
    return True


@handles("core_competency_remove_related_competency")
def remove_related(call: Call, p: dict[str, Any]) -> bool:
    """Remove a relation (false when there was none)."""
    a, b = p["competencyid"], p["relatedcompetencyid"]
    key = (min(a, b), max(a, b))
    if key not in call.site.related:
        return False
    call.site.related.discard(key)
    return True


# -- course links ------------------------------------------------------------------------


@handles("core_competency_list_course_competencies")
def list_course_competencies(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The competencies linked to a course, with the link records."""
    site = call.site
    course = site.course(p["id"])
    links = sorted(
        (r for r in site.course_competencies.values() if r["courseid"] == course["id"]),
        key=lambda r: r["sortorder"],
    )
    return [
        {"competency": site.competency(r["competencyid"]), "coursecompetency": r} for r in links
    ]


@handles("core_competency_add_competency_to_course")
def add_to_course(call: Call, p: dict[str, Any]) -> bool:
    """Link a competency to a course; false when linked already (new links: evidence)."""
    site = call.site
    course, comp = site.course(p["courseid"]), site.competency(p["competencyid"])
    site.require_visible_framework(comp, "course")
    existing = [r for r in site.course_competencies.values() if r["courseid"] == course["id"]]
    if any(r["competencyid"] == comp["id"] for r in existing):
        return False
    rid, now = site.next_id(), site.now()
    site.course_competencies[rid] = {
        "id": rid,
        "courseid": course["id"],
        "competencyid": comp["id"],
        "sortorder": len(existing),
        "ruleoutcome": 1,
        "timecreated": now,
        "timemodified": now,
        "usermodified": call.userid,
    }
    return True


@handles("core_competency_remove_competency_from_course")
def remove_from_course(call: Call, p: dict[str, Any]) -> bool:
    """Unlink a competency from a course (false when it was not linked)."""
    site = call.site
    site.course(p["courseid"])
    for rid, r in list(site.course_competencies.items()):
        if r["courseid"] == p["courseid"] and r["competencyid"] == p["competencyid"]:
            del site.course_competencies[rid]
            return True
    return False


@handles("core_competency_set_course_competency_ruleoutcome")
def set_course_ruleoutcome(call: Call, p: dict[str, Any]) -> bool:
    """Set a course link's outcome (course numbering: 0 none, 1 evidence, 2 recommend, 3 complete)."""
    site = call.site
    rec = site.course_competencies.get(p["coursecompetencyid"])
    if rec is None:
        raise missing_record("competency_coursecomp")
    if p["ruleoutcome"] not in (0, 1, 2, 3):
        raise invalid_persistent("ruleoutcome", "Invalid data")
    rec["ruleoutcome"] = p["ruleoutcome"]
    _stamp(site, rec, call.userid)
    return True


@handles("core_competency_count_courses_using_competency")
def count_courses_using(call: Call, p: dict[str, Any]) -> int:
    """How many courses link to a competency."""
    site = call.site
    site.competency(p["id"])
    return sum(1 for r in site.course_competencies.values() if r["competencyid"] == p["id"])


@handles("core_competency_count_templates_using_competency")
def count_templates_using(call: Call, p: dict[str, Any]) -> int:
    """How many templates hold a competency."""
    site = call.site
    site.competency(p["id"])
    return sum(1 for r in site.template_competencies.values() if r["competencyid"] == p["id"])


__all__ = ["check_scale_configuration", "context_id", "export_framework", "export_tree_order"]
