"""A real Moodle site's competency data by natural keys, read from its database.

:func:`snapshot` and :func:`counts` answer in the shape of the emulator's
:meth:`~competency_testing.moodle.Site.snapshot` and
:meth:`~competency_testing.moodle.Site.counts`, so that a scenario's end state can be
compared between the two and between runs (no database ids, only idnumbers, short names
and usernames; scale ids are the site's own).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

Query = Callable[[str], list[dict[str, Any]]]


def _config(text: Any) -> Any:
    try:
        return json.loads(str(text)) if text else None
    except ValueError:
        return text


def snapshot(sql: Query) -> dict[str, Any]:
    """The site's competency data by natural keys, to compare end states."""
    comps = sql(
        "SELECT id, shortname, description, idnumber, competencyframeworkid, parentid, path, "
        "sortorder, ruletype, ruleoutcome, scaleid FROM mdl_competency"
    )
    idn = {c["id"]: c["idnumber"] for c in comps}
    users = {u["id"]: u["username"] for u in sql("SELECT id, username FROM mdl_user")}
    courses = {c["id"]: c["shortname"] for c in sql("SELECT id, shortname FROM mdl_course")}
    frameworks: dict[str, Any] = {}
    for fw in sql("SELECT * FROM mdl_competency_framework ORDER BY id"):
        members = sorted(
            (c for c in comps if c["competencyframeworkid"] == fw["id"]),
            key=lambda c: (c["path"], c["sortorder"]),
        )
        frameworks[fw["idnumber"]] = {
            "shortname": fw["shortname"],
            "description": fw["description"],
            "visible": bool(fw["visible"]),
            "scaleid": fw["scaleid"],
            "scaleconfiguration": _config(fw["scaleconfiguration"]),
            "competencies": {
                c["idnumber"]: {
                    "shortname": c["shortname"],
                    "description": c["description"],
                    "parent": idn.get(c["parentid"]),
                    "sortorder": c["sortorder"],
                    "ruletype": c["ruletype"] or None,
                    "ruleoutcome": c["ruleoutcome"],
                    "scaleid": c["scaleid"],
                }
                for c in members
            },
        }
    related = sql("SELECT competencyid, relatedcompetencyid FROM mdl_competency_relatedcomp")
    coursecomps = sql("SELECT courseid, competencyid, ruleoutcome FROM mdl_competency_coursecomp")
    templates = sql("SELECT id, shortname, visible FROM mdl_competency_template")
    tcomps = sql(
        "SELECT templateid, competencyid FROM mdl_competency_templatecomp ORDER BY sortorder, id"
    )
    plans = sql("SELECT id, userid, name, status FROM mdl_competency_plan")
    pcomps = sql("SELECT planid, competencyid FROM mdl_competency_plancomp")
    ucomps = sql(
        "SELECT userid, competencyid, grade FROM mdl_competency_usercomp WHERE grade IS NOT NULL"
    )
    cohorts = {c["id"]: c["idnumber"] for c in sql("SELECT id, idnumber FROM mdl_cohort")}
    members = sql("SELECT cohortid, userid FROM mdl_cohort_members")
    enrolments = sql(
        "SELECT e.courseid, ue.userid, ra.roleid FROM mdl_user_enrolments ue "
        "JOIN mdl_enrol e ON e.id = ue.enrolid AND e.enrol = 'manual' "
        "JOIN mdl_context ctx ON ctx.instanceid = e.courseid AND ctx.contextlevel = 50 "
        "LEFT JOIN mdl_role_assignments ra ON ra.contextid = ctx.id AND ra.userid = ue.userid"
    )
    completed = sql(
        "SELECT course, userid, timecompleted FROM mdl_course_completions "
        "WHERE timecompleted IS NOT NULL"
    )
    return {
        "frameworks": frameworks,
        "related": sorted(
            sorted((idn[r["competencyid"]], idn[r["relatedcompetencyid"]])) for r in related
        ),
        "course_competencies": sorted(
            (courses[r["courseid"]], idn[r["competencyid"]], r["ruleoutcome"]) for r in coursecomps
        ),
        "templates": sorted(
            (
                t["shortname"],
                bool(t["visible"]),
                tuple(idn[r["competencyid"]] for r in tcomps if r["templateid"] == t["id"]),
            )
            for t in templates
        ),
        "plans": sorted(
            (
                users[p["userid"]],
                p["name"],
                p["status"],
                tuple(sorted(idn[r["competencyid"]] for r in pcomps if r["planid"] == p["id"])),
            )
            for p in plans
        ),
        "ratings": sorted((users[r["userid"]], idn[r["competencyid"]], r["grade"]) for r in ucomps),
        "cohort_members": sorted((cohorts[m["cohortid"]], users[m["userid"]]) for m in members),
        "enrolments": sorted(
            (courses[e["courseid"]], users[e["userid"]], e["roleid"]) for e in enrolments
        ),
        "course_completions": sorted(
            (courses[c["course"]], users[c["userid"]], int(c["timecompleted"])) for c in completed
        ),
    }


_TABLES: Mapping[str, str] = {
    "frameworks": "mdl_competency_framework",
    "competencies": "mdl_competency",
    "related": "mdl_competency_relatedcomp",
    "course_competencies": "mdl_competency_coursecomp",
    "templates": "mdl_competency_template",
    "template_competencies": "mdl_competency_templatecomp",
    "plans": "mdl_competency_plan",
    "plan_competencies": "mdl_competency_plancomp",
    "user_competencies": "mdl_competency_usercomp",
    "evidence": "mdl_competency_evidence",
    "cohort_members": "mdl_cohort_members",
}


def counts(sql: Query) -> dict[str, int]:
    """How many records each competency table holds (duplicates show here)."""
    out = {
        name: int(sql(f"SELECT count(*) AS n FROM {table}")[0]["n"])
        for name, table in _TABLES.items()
    }
    out["enrolments"] = int(
        sql(
            "SELECT count(*) AS n FROM mdl_user_enrolments ue JOIN mdl_enrol e "
            "ON e.id = ue.enrolid AND e.enrol = 'manual'"
        )[0]["n"]
    )
    out["course_completions"] = int(
        sql("SELECT count(*) AS n FROM mdl_course_completions WHERE timecompleted IS NOT NULL")[0][
            "n"
        ]
    )
    return out


__all__ = ["counts", "snapshot"]
