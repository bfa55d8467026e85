"""Emulated functions around learning: templates, plans, ratings, users, courses, cohorts.

As in Moodle: ``create_plan`` refuses a template (template-based plans come from a
template-cohort link and an hourly task, see :meth:`Site.sync_template_cohorts`);
``add_competency_to_plan`` refuses template-based and completed plans; ratings are 1-based
scale items; manual enrolment needs an enabled instance and an assignable role, is
all-or-nothing and answers null. The cohort functions' signatures are not in the contract
(``uncertain``): they follow Moodle's ``core_cohort_external`` as commonly called.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from competency_testing.moodle.contract import (
    MoodleException,
    coding_error,
    invalid_parameter,
    invalid_persistent,
    missing_record,
)
from competency_testing.moodle.handlers_model import context_id, export_framework
from competency_testing.moodle.site import ASSIGNABLE_ROLES, Call, Site, handles

_TEMPLATE_FIELDS = ("shortname", "description", "descriptionformat", "duedate", "visible")
_BASE_URL = "http://moodle.invalid"
_PLAN_STATUS = {0: "Draft", 1: "Active", 2: "Complete", 3: "Waiting for review", 4: "In review"}


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _values(value: Any) -> list[Any]:
    """A PHP array (a dict from the form, or a list) as a list of its values."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [] if value in (None, "") else [value]


# -- templates -----------------------------------------------------------------------------


def export_template(site: Site, tpl: dict[str, Any]) -> dict[str, Any]:
    """A template as the read structure has it."""
    return {
        **tpl,
        "duedateformatted": "",
        "cohortscount": sum(1 for t, _ in site.template_cohorts if t == tpl["id"]),
        "planscount": sum(1 for p in site.plans.values() if p["templateid"] == tpl["id"]),
        "canmanage": True,
        "canread": True,
        "contextname": "System",
        "contextnamenoprefix": "System",
    }


def _check_template(site: Site, tpl: dict[str, Any]) -> None:
    if not str(tpl["shortname"]).strip():
        raise invalid_persistent("shortname", "Required")
    if tpl["duedate"] and tpl["duedate"] < site.now() - 600:
        raise invalid_persistent("duedate", "The due date cannot be in the past.")


@handles("core_competency_create_template")
def create_template(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Create a learning plan template (system or category context)."""
    site, data = call.site, p["template"]
    ctx = context_id(data)
    tid, now = site.next_id(), site.now()
    tpl: dict[str, Any] = {k: data.get(k) for k in _TEMPLATE_FIELDS}
    tpl.update(id=tid, contextid=ctx, timecreated=now, timemodified=now, usermodified=call.userid)
    _check_template(site, tpl)
    site.templates[tid] = tpl
    return export_template(site, tpl)


@handles("core_competency_read_template")
def read_template(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """A template by id."""
    return export_template(call.site, call.site.template(p["id"]))


@handles("core_competency_update_template")
def update_template(call: Call, p: dict[str, Any]) -> bool:
    """Partial update of a template."""
    site, data = call.site, p["template"]
    tpl = site.template(data["id"])
    new = {**tpl, **{k: data[k] for k in _TEMPLATE_FIELDS if k in data}}
    _check_template(site, new)
    tpl.update(new)
    tpl["timemodified"], tpl["usermodified"] = site.now(), call.userid
    return True


@handles("core_competency_delete_template")
def delete_template(call: Call, p: dict[str, Any]) -> bool:
    """Delete a template; its plans are deleted or unlinked (``deleteplans``)."""
    site = call.site
    tid = site.template(p["id"])["id"]
    for pid, plan in list(site.plans.items()):
        if plan["templateid"] == tid:
            if p["deleteplans"]:
                _delete_plan(site, pid)
            else:
                plan.update(templateid=None, origtemplateid=tid)
    for rid, r in list(site.template_competencies.items()):
        if r["templateid"] == tid:
            del site.template_competencies[rid]
    site.template_cohorts = {tc for tc in site.template_cohorts if tc[0] != tid}
    del site.templates[tid]
    return True


@handles("core_competency_list_templates")
def list_templates(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Templates in the context."""
    site = call.site
    context_id(p["context"])
    rows = [t for t in site.templates.values() if not p.get("onlyvisible") or t["visible"]]
    sort = p.get("sort") or "shortname"
    rows.sort(key=lambda t: (str(t.get(sort, "")), t["id"]))
    if (p.get("order") or "").upper() == "DESC":
        rows.reverse()
    skip, limit = p.get("skip") or 0, p.get("limit") or 0
    rows = rows[skip : skip + limit] if limit else rows[skip:]
    return [export_template(site, t) for t in rows]


def _template_links(site: Site, tid: int) -> list[dict[str, Any]]:
    return sorted(
        (r for r in site.template_competencies.values() if r["templateid"] == tid),
        key=lambda r: r["sortorder"],
    )


@handles("core_competency_list_competencies_in_template")
def list_in_template(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The competencies of a template, in order."""
    site = call.site
    tid = site.template(p["id"])["id"]
    return [site.competency(r["competencyid"]) for r in _template_links(site, tid)]


@handles("core_competency_count_competencies_in_template")
def count_in_template(call: Call, p: dict[str, Any]) -> int:
    """How many competencies a template holds."""
    return len(list_in_template(call, p))


@handles("core_competency_add_competency_to_template")
def add_to_template(call: Call, p: dict[str, Any]) -> bool:
    """Add a competency to a template; false when it is there already."""
    site = call.site
    tid = site.template(p["templateid"])["id"]
    comp = site.competency(p["competencyid"])
    site.require_visible_framework(comp, "template")
    links = _template_links(site, tid)
    if any(r["competencyid"] == comp["id"] for r in links):
        return False
    rid = site.next_id()
    site.template_competencies[rid] = {
        "id": rid,
        "templateid": tid,
        "competencyid": comp["id"],
        "sortorder": len(links),
    }
    return True


@handles("core_competency_remove_competency_from_template")
def remove_from_template(call: Call, p: dict[str, Any]) -> bool:
    """Remove a competency from a template (false when it was not there)."""
    site = call.site
    for rid, r in list(site.template_competencies.items()):
        if r["templateid"] == p["templateid"] and r["competencyid"] == p["competencyid"]:
            del site.template_competencies[rid]
            return True
    return False


# -- plans ------------------------------------------------------------------------------


def export_plan(site: Site, plan: dict[str, Any]) -> dict[str, Any]:
    """A plan as the read structure has it."""
    status = plan["status"]
    out = {
        **plan,
        "statusname": _PLAN_STATUS.get(status, "?"),
        "isbasedontemplate": plan["templateid"] is not None,
        "canmanage": True,
        "canrequestreview": True,
        "canreview": True,
        "canbeedited": status != 2,
        "isactive": status == 1,
        "isdraft": status == 0,
        "iscompleted": status == 2,
        "isinreview": status == 4,
        "iswaitingforreview": status == 3,
        "isreopenallowed": status == 2,
        "iscompleteallowed": status == 1,
        "isunlinkallowed": plan["templateid"] is not None,
        "isrequestreviewallowed": status == 0,
        "iscancelreviewrequestallowed": status == 3,
        "isstartreviewallowed": status == 3,
        "isstopreviewallowed": status == 4,
        "isapproveallowed": status in (0, 3, 4),
        "isunapproveallowed": status == 1,
        "duedateformatted": "",
        "commentarea": {"component": "competency", "itemid": plan["id"], "canpost": True},
        "url": f"http://moodle.invalid/admin/tool/lp/plan.php?id={plan['id']}",
    }
    if plan["templateid"] is not None and plan["templateid"] in site.templates:
        out["template"] = export_template(site, site.templates[plan["templateid"]])
    return out


@handles("core_competency_create_plan")
def create_plan(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Create an individual plan (template-based plans cannot be made this way)."""
    site, data = call.site, p["plan"]
    if data.get("templateid") is not None:
        raise coding_error("To create a plan from a template use api::create_plan_from_template().")
    if data["userid"] not in site.users:
        raise invalid_persistent("userid", "Invalid user")
    if data.get("status") not in (0, 1, 3, 4):
        raise coding_error("A plan cannot be created with this status.")
    if not str(data["name"]).strip():
        raise invalid_persistent("name", "Required")
    pid = site.next_id()
    plan = site.new_plan(
        pid,
        data["name"],
        data["userid"],
        status=data["status"],
        description=data.get("description") or "",
        descriptionformat=data.get("descriptionformat", 1),
        duedate=data.get("duedate") or 0,
    )
    plan["usermodified"] = call.userid
    site.plans[pid] = plan
    return export_plan(site, plan)


@handles("core_competency_read_plan")
def read_plan(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """A plan by id."""
    return export_plan(call.site, call.site.plan(p["id"]))


def _delete_plan(site: Site, pid: int) -> None:
    for rid, r in list(site.plan_competencies.items()):
        if r["planid"] == pid:
            del site.plan_competencies[rid]
    del site.plans[pid]


@handles("core_competency_delete_plan")
def delete_plan(call: Call, p: dict[str, Any]) -> bool:
    """Delete a plan."""
    _delete_plan(call.site, call.site.plan(p["id"])["id"])
    return True


@handles("core_competency_list_user_plans")
def list_user_plans(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """A user's plans."""
    site = call.site
    site.user(p["userid"])
    plans = sorted((x for x in site.plans.values() if x["userid"] == p["userid"]), key=_by_id)
    return [export_plan(site, x) for x in plans]


def _by_id(rec: dict[str, Any]) -> int:
    return int(rec["id"])


def _plan_competency_ids(site: Site, plan: dict[str, Any]) -> list[int]:
    if plan["templateid"] is not None:
        return [r["competencyid"] for r in _template_links(site, plan["templateid"])]
    links = [r for r in site.plan_competencies.values() if r["planid"] == plan["id"]]
    return [r["competencyid"] for r in sorted(links, key=lambda r: r["sortorder"])]


def export_user_competency(site: Site, uid: int, cid: int) -> dict[str, Any]:
    """A user's competency record (blank and unsaved when never rated)."""
    rec = site.user_competencies.get((uid, cid)) or {
        "id": 0,
        "userid": uid,
        "competencyid": cid,
        "status": 0,
        "reviewerid": None,
        "proficiency": None,
        "grade": None,
        "timecreated": 0,
        "timemodified": 0,
        "usermodified": 0,
    }
    grade = rec["grade"]
    items = site.scale(site.scale_of(site.competency(cid))[0])["items"]
    return {
        **rec,
        "canrequestreview": True,
        "canreview": True,
        "gradename": items[grade - 1] if grade else "-",
        "isrequestreviewallowed": rec["status"] == 0,
        "iscancelreviewrequestallowed": rec["status"] == 1,
        "isstartreviewallowed": rec["status"] == 1,
        "isstopreviewallowed": rec["status"] == 2,
        "isstatusidle": rec["status"] == 0,
        "isstatusinreview": rec["status"] == 2,
        "isstatuswaitingforreview": rec["status"] == 1,
        "proficiencyname": "Yes" if rec["proficiency"] else "No",
        "statusname": "Idle",
        "url": f"http://moodle.invalid/admin/tool/lp/user_competency.php?id={rec['id']}",
    }


@handles("core_competency_list_plan_competencies")
def list_plan_competencies(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """A plan's competencies with the user's rating of each."""
    site = call.site
    plan = site.plan(p["id"])
    out = []
    for cid in _plan_competency_ids(site, plan):
        row: dict[str, Any] = {"competency": site.competency(cid)}
        uc = export_user_competency(site, plan["userid"], cid)
        if plan["status"] == 2:
            row["usercompetencyplan"] = {**uc, "planid": plan["id"], "sortorder": 0}
        else:
            row["usercompetency"] = uc
        out.append(row)
    return out


@handles("core_competency_add_competency_to_plan")
def add_to_plan(call: Call, p: dict[str, Any]) -> bool:
    """Add a competency to an individual, open plan (true also when it is there)."""
    site = call.site
    plan, comp = site.plan(p["planid"]), site.competency(p["competencyid"])
    if plan["templateid"] is not None:
        raise coding_error("A competency can not be added to a learning plan based on a template")
    if plan["status"] == 2:
        raise coding_error("A competency can not be added to a learning plan completed")
    site.require_visible_framework(comp, "learning plan")
    links = [r for r in site.plan_competencies.values() if r["planid"] == plan["id"]]
    if not any(r["competencyid"] == comp["id"] for r in links):
        rid = site.next_id()
        site.plan_competencies[rid] = {
            "id": rid,
            "planid": plan["id"],
            "competencyid": comp["id"],
            "sortorder": len(links),
        }
    return True


@handles("core_competency_remove_competency_from_plan")
def remove_from_plan(call: Call, p: dict[str, Any]) -> bool:
    """Remove a competency from an individual plan."""
    site = call.site
    plan = site.plan(p["planid"])
    if plan["templateid"] is not None:
        raise coding_error("A competency can not be removed from a plan based on a template")
    for rid, r in list(site.plan_competencies.items()):
        if r["planid"] == plan["id"] and r["competencyid"] == p["competencyid"]:
            del site.plan_competencies[rid]
            return True
    return False


# -- ratings ----------------------------------------------------------------------------


def user_context_id(uid: int) -> int:
    """A stand-in for the id of a user's context (the emulator keeps only the system one)."""
    return 1_000_000 + uid


def _user_competency(site: Site, uid: int, cid: int) -> dict[str, Any]:
    """The user's competency record, created (unrated) when missing, as Moodle does."""
    now = site.now()
    return site.user_competencies.setdefault(
        (uid, cid),
        {
            "id": site.next_id(),
            "userid": uid,
            "competencyid": cid,
            "status": 0,
            "reviewerid": None,
            "proficiency": None,
            "grade": None,
            "timecreated": now,
            "timemodified": now,
            "usermodified": 2,
        },
    )


def _userdate(stamp: int) -> str:
    """Moodle's ``userdate`` (strftimedaydatetime) in UTC: ``Monday, 7 December 2026, 2:51 AM``."""
    d = dt.datetime.fromtimestamp(stamp, dt.UTC)
    hour = d.hour % 12 or 12
    return f"{d:%A}, {d.day} {d:%B} {d.year}, {hour}:{d:%M} {'AM' if d.hour < 12 else 'PM'}"


def export_user_summary(site: Site, uid: int) -> dict[str, Any]:
    r"""A user as ``core_user\external\user_summary_exporter`` has them."""
    u = site.user(uid)
    image = f"{_BASE_URL}/theme/image.php/boost/core/1/u/"
    return {
        "id": u["id"],
        "email": u["email"],
        "idnumber": u["idnumber"],
        "phone1": "",
        "phone2": "",
        "department": "",
        "institution": "",
        "fullname": u["fullname"],
        "identity": u["email"],
        "profileurl": f"{_BASE_URL}/user/profile.php?id={u['id']}",
        "profileimageurl": image + "f1",
        "profileimageurlsmall": image + "f2",
    }


_EVIDENCE_DESCRIPTIONS = {
    "evidence_manualoverride": "The competency rating was manually set.",
}
_EVIDENCE_FIELDS = (
    "usercompetencyid",
    "contextid",
    "action",
    "actionuserid",
    "descidentifier",
    "desccomponent",
    "desca",
    "url",
    "grade",
    "note",
    "id",
    "timecreated",
    "timemodified",
    "usermodified",
)


def export_evidence(site: Site, ev: dict[str, Any], items: list[str]) -> dict[str, Any]:
    r"""An evidence record as ``core_competency\external\evidence_exporter`` has it."""
    out = {k: ev[k] for k in _EVIDENCE_FIELDS}
    if ev["actionuserid"]:
        out["actionuser"] = export_user_summary(site, ev["actionuserid"])
    out.update(
        description=_EVIDENCE_DESCRIPTIONS.get(ev["descidentifier"], ev["descidentifier"]),
        gradename=items[ev["grade"] - 1] if ev["grade"] else "-",
        userdate=_userdate(ev["timecreated"]),
        candelete=False,  # moodle/competency:evidencedelete, which the sync role lacks
    )
    return out


@handles("core_competency_grade_competency")
def grade_competency(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Rate a user's competency (a 1-based scale item); adds an evidence record.

    As ``api::grade_competency``: an ``evidence_manualoverride`` by the caller, with the
    note; the user competency's ``usermodified`` becomes the caller too.
    """
    site = call.site
    uid, comp = site.user(p["userid"])["id"], site.competency(p["competencyid"])
    scaleid, config = site.scale_of(comp)
    items = site.scale(scaleid)["items"]
    grade = p["grade"]
    if not 1 <= grade <= len(items):
        raise coding_error(f"The grade {grade} is not a value of the competency's scale.")
    flags = {int(i["id"]): i for i in json.loads(config)[1:]}
    now = site.now()
    rec = _user_competency(site, uid, comp["id"])
    rec.update(
        grade=grade,
        proficiency=bool(int(flags.get(grade, {}).get("proficient", 0))),
        timemodified=now,
        usermodified=call.userid,
    )
    evidence = {
        "id": site.next_id(),
        "usercompetencyid": rec["id"],
        "contextid": user_context_id(uid),
        "action": 3,  # evidence::ACTION_OVERRIDE
        "actionuserid": call.userid,
        "descidentifier": "evidence_manualoverride",
        "desccomponent": "core_competency",
        "desca": None,
        "url": None,
        "grade": grade,
        "note": p.get("note"),
        "timecreated": now,
        "timemodified": now,
        "usermodified": call.userid,
    }
    site.evidence.append(evidence)
    return export_evidence(site, evidence, items)


_COMPETENCY_READ = (
    "shortname",
    "idnumber",
    "description",
    "descriptionformat",
    "sortorder",
    "parentid",
    "path",
    "ruleoutcome",
    "ruletype",
    "ruleconfig",
    "scaleid",
    "scaleconfiguration",
    "competencyframeworkid",
    "id",
    "timecreated",
    "timemodified",
    "usermodified",
)
_FRAMEWORK_READ = (
    "shortname",
    "idnumber",
    "description",
    "descriptionformat",
    "visible",
    "scaleid",
    "scaleconfiguration",
    "contextid",
    "taxonomies",
    "id",
    "timecreated",
    "timemodified",
    "usermodified",
    "canmanage",
    "competenciescount",
    "contextname",
    "contextnamenoprefix",
)


def _competency_out(comp: dict[str, Any]) -> dict[str, Any]:
    return {k: comp.get(k) for k in _COMPETENCY_READ}


def _competency_summary(site: Site, comp: dict[str, Any]) -> dict[str, Any]:
    r"""``tool_lp\external\competency_summary_exporter`` (no linked courses, as the summary)."""
    fw = site.framework(comp["competencyframeworkid"])
    framework = export_framework(site, fw)
    related = sorted(b if a == comp["id"] else a for a, b in site.related if comp["id"] in (a, b))
    ancestors = [int(i) for i in str(comp["path"]).strip("/").split("/") if int(i or 0)]
    scaleid, config = site.scale_of(comp)
    base = f"{_BASE_URL}/admin/tool/lp"
    return {
        "linkedcourses": [],
        "relatedcompetencies": [_competency_out(site.competency(c)) for c in related],
        "competency": _competency_out(comp),
        "framework": {k: framework[k] for k in _FRAMEWORK_READ},
        "hascourses": False,
        "hasrelatedcompetencies": bool(related),
        "scaleid": scaleid,
        "scaleconfiguration": config,
        "taxonomyterm": "Competency",
        "comppath": {
            "ancestors": [
                {
                    "id": a,
                    "name": site.competency(a)["idnumber"],
                    "first": n == 1,
                    "last": n == len(ancestors),
                    "position": n,
                }
                for n, a in enumerate(ancestors, 1)
            ],
            "framework": {
                "id": fw["id"],
                "name": fw["shortname"],
                "first": False,
                "last": False,
                "position": -1,
            },
            "pluginbaseurl": base,
            "pagecontextid": fw["contextid"],
            "showlinks": True,
        },
        "pluginbaseurl": base,
    }


_COMMENT_TEMPLATE = (
    '<div class="comment-message"><div class="comment-message-meta me-3">'
    '<span class="picture">___picture___</span><span class="user">___name___</span> - '
    '<span class="time">___time___</span></div><div class="text">___content___</div></div>'
)


@handles("tool_lp_data_for_user_competency_summary")
def user_competency_summary(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    r"""A user competency with its evidence (newest first), as Moodle's rating page shows it.

    The contract has no signature for it: as ``tool_lp\external``, two required integers,
    nothing else. Like ``api::get_user_competency``, it creates the (unrated) record when
    the user has none.
    """
    extra = sorted(set(p) - {"userid", "competencyid"})
    if extra:
        raise invalid_parameter(
            f"Unexpected keys ({', '.join(extra)}) detected in parameter array."
        )
    for key in ("userid", "competencyid"):
        if key not in p:
            raise invalid_parameter(f"Missing required key in single structure: {key}")
        if not str(p[key]).lstrip("-").isdigit():
            raise invalid_parameter(f"{key} => Invalid parameter value detected")
    site = call.site
    uid = site.user(int(p["userid"]))["id"]
    comp = site.competency(int(p["competencyid"]))
    items = site.scale(site.scale_of(comp)[0])["items"]
    uc = _user_competency(site, uid, comp["id"])
    evidence = sorted(
        (e for e in site.evidence if e["usercompetencyid"] == uc["id"]),
        key=lambda e: (e["timecreated"], e["id"]),
        reverse=True,
    )
    return {
        "showrelatedcompetencies": True,
        "cangrade": True,
        "competency": _competency_summary(site, comp),
        "user": export_user_summary(site, uid),
        "usercompetency": export_user_competency(site, uid, comp["id"]),
        "evidence": [export_evidence(site, e, items) for e in evidence],
        "commentarea": {
            "component": "competency",
            "commentarea": "user_competency",
            "itemid": uc["id"],
            "courseid": 1,
            "contextid": user_context_id(uid),
            "cid": secrets.token_hex(7)[:13],
            "autostart": False,
            "canpost": False,
            "canview": True,
            "count": 0,
            "collapsediconkey": "t/collapsed",
            "displaytotalcount": True,
            "displaycancel": False,
            "fullwidth": True,
            "linktext": "Comments",
            "notoggle": False,
            "template": _COMMENT_TEMPLATE,
            "canpostorhascomments": False,
        },
    }


# -- users, courses, cohorts, enrolments ------------------------------------------------

_USER_FIELDS = ("id", "username", "firstname", "lastname", "fullname", "email", "idnumber")


@handles("core_user_get_users_by_field")
def users_by_field(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Users whose ``field`` is one of ``values``."""
    field = p["field"]
    if field not in ("id", "idnumber", "username", "email"):
        raise invalid_parameter(f"The field {field!r} is not supported")
    wanted = {str(v) for v in p["values"]}
    return [
        {k: u[k] for k in _USER_FIELDS}
        for u in sorted(call.site.users.values(), key=_by_id)
        if u["id"] > 1 and str(u[field]) in wanted and (field != "idnumber" or u["idnumber"])
    ]


@handles("core_course_get_courses_by_field")
def courses_by_field(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Courses by id(s), shortname, idnumber or category ('' gives every course)."""
    field, value = p.get("field") or "", str(p.get("value") or "")
    rows = sorted(call.site.courses.values(), key=_by_id)
    if field == "id":
        rows = [c for c in rows if str(c["id"]) == value]
    elif field == "ids":
        ids = {v.strip() for v in value.split(",")}
        rows = [c for c in rows if str(c["id"]) in ids]
    elif field in ("shortname", "idnumber"):
        rows = [c for c in rows if c[field] == value and value]
    elif field == "category":
        rows = [c for c in rows if str(c["categoryid"]) == value]
    elif field:
        raise invalid_parameter(f"Invalid field name: {field}")
    # As Moodle 5.1: the idnumber only for users who may update the course, which the
    # least-privilege sync user may not (Site.course_managers says whether it may)
    hidden = {"manual_enrol"} | (set() if call.site.course_managers else {"idnumber"})
    courses = [{k: v for k, v in c.items() if k not in hidden} for c in rows]
    return {"courses": courses, "warnings": []}


def _cohort_out(c: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in c.items() if k != "contextid"}


@handles("core_cohort_get_cohorts")
def get_cohorts(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Cohorts by id (none given: every cohort)."""
    ids = {_int(v) for v in _values(p.get("cohortids"))}
    rows = sorted(call.site.cohorts.values(), key=_by_id)
    return [_cohort_out(c) for c in rows if not ids or c["id"] in ids]


@handles("core_cohort_search_cohorts")
def search_cohorts(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Cohorts whose name or idnumber contains ``query``."""
    query = str(p.get("query") or "").lower()
    rows = [
        _cohort_out(c)
        for c in sorted(call.site.cohorts.values(), key=_by_id)
        if query in c["name"].lower() or query in c["idnumber"].lower()
    ]
    return {"cohorts": rows}


@handles("core_cohort_get_cohort_members")
def get_cohort_members(call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The members of each cohort asked for."""
    site = call.site
    out = []
    for cid in (_int(v) for v in _values(p.get("cohortids"))):
        site.cohort(cid)
        out.append(
            {"cohortid": cid, "userids": sorted(u for c, u in site.cohort_members if c == cid)}
        )
    return out


def _find_user(site: Site, kind: str, value: str) -> int | None:
    for u in site.users.values():
        if (kind == "id" and str(u["id"]) == value) or (
            kind in ("username", "idnumber", "email") and value and str(u[kind]) == value
        ):
            return int(u["id"])
    return None


@handles("core_cohort_add_cohort_members")
def add_cohort_members(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Add users to cohorts (members already in stay); unknown ones come back as warnings."""
    site = call.site
    warnings = []
    for m in _values(p.get("members")):
        ctype = m.get("cohorttype") or {}
        utype = m.get("usertype") or {}
        cvalue, uvalue = str(ctype.get("value", "")), str(utype.get("value", ""))
        cid = next(
            (
                c["id"]
                for c in site.cohorts.values()
                if (ctype.get("type") == "id" and str(c["id"]) == cvalue)
                or (ctype.get("type") == "idnumber" and c["idnumber"] == cvalue and cvalue)
            ),
            None,
        )
        uid = _find_user(site, str(utype.get("type", "")), uvalue)
        if cid is None:
            warnings.append({"item": "cohort", "itemid": cvalue, "warningcode": "1"})
        elif uid is None:
            warnings.append({"item": "user", "itemid": uvalue, "warningcode": "1"})
        else:
            site.cohort_members.add((cid, uid))
    return {"warnings": warnings}


@handles("core_cohort_delete_cohort_members")
def delete_cohort_members(call: Call, p: dict[str, Any]) -> None:
    """Remove users from cohorts."""
    for m in _values(p.get("members")):
        call.site.cohort_members.discard((_int(m.get("cohortid")), _int(m.get("userid"))))


@handles("enrol_manual_enrol_users")
def enrol_users(call: Call, p: dict[str, Any]) -> None:
    """Enrol users manually: all or nothing; re-enrolling is allowed."""
    site = call.site
    for e in p["enrolments"]:
        course = site.course(e["courseid"])
        if not course["manual_enrol"]:
            raise MoodleException(
                "moodle_exception",
                "wsnoinstance",
                "Manual enrolment plugin instance doesn't exist or is disabled for the course "
                f"(id = {course['id']})",
            )
        if e["roleid"] not in ASSIGNABLE_ROLES:
            raise MoodleException(
                "moodle_exception",
                "wscannotenrol",
                f"Plugin instance cannot manually enrol a user in the course id = {course['id']}",
            )
        if e["userid"] not in site.users:
            raise missing_record("user")
    for e in p["enrolments"]:
        site.enrolments[(e["courseid"], e["userid"])] = e["roleid"]
    return None


@handles("enrol_manual_unenrol_users")
def unenrol_users(call: Call, p: dict[str, Any]) -> None:
    """Unenrol users from manual enrolments."""
    for e in p["enrolments"]:
        call.site.enrolments.pop((e["courseid"], e["userid"]), None)
    return None


__all__ = [
    "export_evidence",
    "export_plan",
    "export_template",
    "export_user_competency",
    "export_user_summary",
    "user_context_id",
]
