"""The emulated site's data: the tables a competency sync touches, and seeding helpers.

A :class:`Site` holds plain dict records in tables keyed by id, as Moodle's database does.
The web-service functions live in :mod:`.handlers_model` and :mod:`.handlers_learning`
and register themselves with :func:`handles`. Tests seed users, courses, scales and
cohorts with the ``add_*`` methods and compare end states with :meth:`Site.snapshot`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from competency_testing.moodle.contract import MoodleException, coding_error, missing_record

SYSTEM_CONTEXT_ID = 1
RULE_ALL = "core_competency\\competency_rule_all"
RULE_POINTS = "core_competency\\competency_rule_points"
ASSIGNABLE_ROLES = frozenset({3, 4, 5})  # editingteacher, teacher, student on a default site


@dataclass
class Call:
    """What a handler gets besides the parameters: the site, the caller, the token's functions."""

    site: Site
    userid: int
    functions: frozenset[str] = frozenset()


Handler = Callable[[Call, dict[str, Any]], Any]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register a function as the emulation of the web-service functions ``names``."""

    def register(fn: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = fn
        return fn

    return register


@dataclass
class Site:
    """Every table of the emulated site (records are plain dicts with an ``id``)."""

    sitename: str = "Emulated Moodle"
    release: str = "5.1+ (Build: 20251205) [competency-core emulator]"
    competencies_enabled: bool = True
    course_managers: bool = False
    """Whether the token's user may update courses (Moodle then answers their idnumber)."""
    clock: Callable[[], int] = field(default=lambda: int(time.time()))
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    courses: dict[int, dict[str, Any]] = field(default_factory=dict)
    scales: dict[int, dict[str, Any]] = field(default_factory=dict)
    cohorts: dict[int, dict[str, Any]] = field(default_factory=dict)
    cohort_members: set[tuple[int, int]] = field(default_factory=set)
    frameworks: dict[int, dict[str, Any]] = field(default_factory=dict)
    competencies: dict[int, dict[str, Any]] = field(default_factory=dict)
    related: set[tuple[int, int]] = field(default_factory=set)
    course_competencies: dict[int, dict[str, Any]] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(default_factory=dict)
    template_competencies: dict[int, dict[str, Any]] = field(default_factory=dict)
    template_cohorts: set[tuple[int, int]] = field(default_factory=set)
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)
    plan_competencies: dict[int, dict[str, Any]] = field(default_factory=dict)
    user_competencies: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    enrolments: dict[tuple[int, int], int] = field(default_factory=dict)
    completion_criteria: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Course completion criteria (``course_completion_criteria``) by id."""
    criteria_completions: dict[tuple[int, int], int] = field(default_factory=dict)
    """When a user met a criterion: (criterion id, user id) -> Unix time."""
    course_completions: dict[tuple[int, int], int] = field(default_factory=dict)
    """When a user completed a course: (course id, user id) -> Unix time."""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))

    def __post_init__(self) -> None:
        if not self.users:
            self.users[1] = _user(1, "guest", "Guest", "User", "root@localhost", "")
            self.users[2] = _user(2, "admin", "Admin", "User", "admin@example.com", "")

    def next_id(self) -> int:
        """A new record id (unique across tables, which makes mix-ups show)."""
        return next(self._ids)

    def now(self) -> int:
        """The site's current time (Unix seconds)."""
        return self.clock()

    # -- seeding ---------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        *,
        email: str | None = None,
        idnumber: str = "",
        firstname: str | None = None,
        lastname: str = "User",
    ) -> int:
        """Add a user; returns their id."""
        uid = self.next_id()
        self.users[uid] = _user(
            uid,
            username,
            firstname or username.title(),
            lastname,
            email or f"{username}@example.com",
            idnumber,
        )
        return uid

    def add_course(
        self,
        shortname: str,
        *,
        idnumber: str = "",
        fullname: str | None = None,
        manual_enrol: bool = True,
        completion: bool = False,
    ) -> int:
        """Add a course (with an enabled manual enrolment instance unless told not to).

        Completion tracking is off unless ``completion`` (as for a course made by Moodle's
        ``create_course`` without it, as the real-site harness makes them; the course form
        has it on), and the course has no criteria until :meth:`enable_completion`.
        """
        cid = self.next_id()
        self.courses[cid] = {
            "id": cid,
            "shortname": shortname,
            "fullname": fullname or shortname,
            "displayname": fullname or shortname,
            "idnumber": idnumber,
            "categoryid": 1,
            "categoryname": "Miscellaneous",
            "visible": 1,
            "summary": "",
            "summaryformat": 1,
            "format": "topics",
            "enablecompletion": int(completion),
            "manual_enrol": manual_enrol,
        }
        return cid

    def enable_completion(self, course: int) -> int:
        """Turn completion tracking on in a course with one criterion, self completion.

        As a teacher does in the course's completion settings: ``enablecompletion`` and a
        ``completion_criteria_self`` (type 1), aggregated with ``all`` (method 1). Returns
        the criterion's id (the existing one when it has it already).
        """
        self.course(course)["enablecompletion"] = 1
        for crit in self.completion_criteria.values():
            if crit["course"] == course:
                return int(crit["id"])
        cid = self.next_id()
        self.completion_criteria[cid] = {
            "id": cid,
            "course": course,
            "criteriatype": 1,  # COMPLETION_CRITERIA_TYPE_SELF
            "title": "Self completion",
            "requirement": "Marking yourself complete",
        }
        return cid

    def complete_course(self, course: int, user: int, when: int | None = None) -> int:
        """A user meets every criterion of a course at ``when`` and so completes it.

        As ``completion_criteria_completion::mark_complete`` then Moodle's aggregation
        (``aggregate_completions``): the course is complete at the latest time its criteria
        were met; a completion time never changes once set. Returns that time.
        """
        self.user(user)
        stamp = self.now() if when is None else when
        for crit in self.completion_criteria.values():
            if crit["course"] == course:
                self.criteria_completions.setdefault((crit["id"], user), stamp)
        met = [
            t
            for (crit, uid), t in self.criteria_completions.items()
            if uid == user and self.completion_criteria[crit]["course"] == course
        ]
        if not met:
            raise ValueError(f"course {course} has no completion criteria: enable_completion first")
        return self.course_completions.setdefault((course, user), max(met))

    def add_scale(self, name: str, items: list[str]) -> int:
        """Add a scale with these items (1-based in grades); returns its id."""
        if len(items) < 2:
            raise ValueError("a scale needs at least two items")
        sid = self.next_id()
        self.scales[sid] = {"id": sid, "name": name, "items": list(items)}
        return sid

    def add_cohort(self, name: str, idnumber: str = "") -> int:
        """Add a system cohort; returns its id."""
        cid = self.next_id()
        self.cohorts[cid] = {
            "id": cid,
            "name": name,
            "idnumber": idnumber,
            "description": "",
            "descriptionformat": 1,
            "visible": True,
            "theme": "",
            "contextid": SYSTEM_CONTEXT_ID,
        }
        return cid

    def link_template_cohort(self, templateid: int, cohortid: int) -> None:
        """Link a cohort to a template (done in Moodle's interface, not by web services)."""
        self.template(templateid)
        self.cohort(cohortid)
        self.template_cohorts.add((templateid, cohortid))

    def sync_template_cohorts(self) -> int:
        """Moodle's hourly task: plans from templates for their cohorts' members.

        Returns how many plans were created.
        """
        made = 0
        for tid, cid in sorted(self.template_cohorts):
            tpl = self.templates[tid]
            if not tpl["visible"]:
                continue
            for cohort, uid in sorted(self.cohort_members):
                if cohort != cid:
                    continue
                if any(p["userid"] == uid and p["templateid"] == tid for p in self.plans.values()):
                    continue
                pid = self.next_id()
                self.plans[pid] = self.new_plan(pid, tpl["shortname"], uid, templateid=tid)
                made += 1
        return made

    # -- lookups ---------------------------------------------------------------------
    def _get(self, table: dict[int, dict[str, Any]], name: str, rid: int) -> dict[str, Any]:
        try:
            return table[rid]
        except KeyError:
            raise missing_record(name) from None

    def user(self, uid: int) -> dict[str, Any]:
        """A user record, or Moodle's missing-record error."""
        return self._get(self.users, "user", uid)

    def course(self, cid: int) -> dict[str, Any]:
        """A course record."""
        return self._get(self.courses, "course", cid)

    def scale(self, sid: int) -> dict[str, Any]:
        """A scale record."""
        return self._get(self.scales, "scale", sid)

    def cohort(self, cid: int) -> dict[str, Any]:
        """A cohort record."""
        return self._get(self.cohorts, "cohort", cid)

    def framework(self, fid: int) -> dict[str, Any]:
        """A competency framework record."""
        return self._get(self.frameworks, "competency_framework", fid)

    def competency(self, cid: int) -> dict[str, Any]:
        """A competency record."""
        return self._get(self.competencies, "competency", cid)

    def template(self, tid: int) -> dict[str, Any]:
        """A learning plan template record."""
        return self._get(self.templates, "competency_template", tid)

    def plan(self, pid: int) -> dict[str, Any]:
        """A learning plan record."""
        return self._get(self.plans, "competency_plan", pid)

    def children(self, cid: int) -> list[dict[str, Any]]:
        """The direct children of a competency, in sort order."""
        return sorted(
            (c for c in self.competencies.values() if c["parentid"] == cid),
            key=lambda c: c["sortorder"],
        )

    def descendants(self, cid: int) -> list[dict[str, Any]]:
        """Every competency below ``cid``."""
        path = self.competency(cid)["path"] + f"{cid}/"
        return [c for c in self.competencies.values() if c["path"].startswith(path)]

    def scale_of(self, comp: dict[str, Any]) -> tuple[int, str]:
        """The scale id and configuration a competency uses (its own or its framework's)."""
        if comp.get("scaleid"):
            return int(comp["scaleid"]), str(comp.get("scaleconfiguration") or "")
        fw = self.framework(comp["competencyframeworkid"])
        return int(fw["scaleid"]), str(fw["scaleconfiguration"])

    def competency_in_use(self, cid: int) -> bool:
        """Whether a competency is used by a course, template, plan or rating."""
        return (
            any(r["competencyid"] == cid for r in self.course_competencies.values())
            or any(r["competencyid"] == cid for r in self.template_competencies.values())
            or any(r["competencyid"] == cid for r in self.plan_competencies.values())
            or any(k[1] == cid for k in self.user_competencies)
        )

    def require_visible_framework(self, comp: dict[str, Any], what: str) -> None:
        """Moodle refuses links to competencies of a hidden framework."""
        if not self.framework(comp["competencyframeworkid"])["visible"]:
            raise coding_error(f"A competency of a hidden framework can not be added to a {what}")

    def new_plan(
        self,
        pid: int,
        name: str,
        userid: int,
        *,
        templateid: int | None = None,
        status: int = 1,
        description: str = "",
        descriptionformat: int = 1,
        duedate: int = 0,
    ) -> dict[str, Any]:
        """A plan record."""
        now = self.now()
        return {
            "id": pid,
            "name": name,
            "description": description,
            "descriptionformat": descriptionformat,
            "userid": userid,
            "templateid": templateid,
            "origtemplateid": None,
            "status": status,
            "duedate": duedate,
            "reviewerid": None,
            "timecreated": now,
            "timemodified": now,
            "usermodified": 2,
        }

    # -- comparing end states ------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The site's competency data by natural keys (no ids), to compare end states."""
        comps = self.competencies
        idn = {cid: c["idnumber"] for cid, c in comps.items()}
        uname = {uid: u["username"] for uid, u in self.users.items()}
        cname = {cid: c["shortname"] for cid, c in self.courses.items()}
        frameworks = {}
        for fid, fw in sorted(self.frameworks.items()):
            members = sorted(
                (c for c in comps.values() if c["competencyframeworkid"] == fid),
                key=lambda c: (c["path"], c["sortorder"]),
            )
            frameworks[fw["idnumber"]] = {
                "shortname": fw["shortname"],
                "description": fw["description"],
                "visible": bool(fw["visible"]),
                "scaleid": fw["scaleid"],
                "scaleconfiguration": json.loads(fw["scaleconfiguration"]),
                "competencies": {
                    c["idnumber"]: {
                        "shortname": c["shortname"],
                        "description": c["description"],
                        "parent": idn.get(c["parentid"]),
                        "sortorder": c["sortorder"],
                        "ruletype": c["ruletype"],
                        "ruleoutcome": c["ruleoutcome"],
                        "scaleid": c["scaleid"],
                    }
                    for c in members
                },
            }
        return {
            "frameworks": frameworks,
            "related": sorted(sorted((idn[a], idn[b])) for a, b in self.related),
            "course_competencies": sorted(
                (cname[r["courseid"]], idn[r["competencyid"]], r["ruleoutcome"])
                for r in self.course_competencies.values()
            ),
            "templates": sorted(
                (
                    t["shortname"],
                    bool(t["visible"]),
                    tuple(
                        idn[r["competencyid"]]
                        for r in sorted(
                            self.template_competencies.values(), key=lambda r: r["sortorder"]
                        )
                        if r["templateid"] == tid
                    ),
                )
                for tid, t in self.templates.items()
            ),
            "plans": sorted(
                (
                    uname[p["userid"]],
                    p["name"],
                    p["status"],
                    tuple(
                        sorted(
                            idn[r["competencyid"]]
                            for r in self.plan_competencies.values()
                            if r["planid"] == pid
                        )
                    ),
                )
                for pid, p in self.plans.items()
            ),
            "ratings": sorted(
                (uname[u], idn[c], r["grade"])
                for (u, c), r in self.user_competencies.items()
                if r["grade"] is not None
            ),
            "cohort_members": sorted(
                (self.cohorts[c]["idnumber"], uname[u]) for c, u in self.cohort_members
            ),
            "enrolments": sorted(
                (cname[c], uname[u], role) for (c, u), role in self.enrolments.items()
            ),
            "course_completions": sorted(
                (cname[c], uname[u], t) for (c, u), t in self.course_completions.items()
            ),
        }

    def counts(self) -> dict[str, int]:
        """How many records each table holds."""
        return {
            "frameworks": len(self.frameworks),
            "competencies": len(self.competencies),
            "related": len(self.related),
            "course_competencies": len(self.course_competencies),
            "templates": len(self.templates),
            "template_competencies": len(self.template_competencies),
            "plans": len(self.plans),
            "plan_competencies": len(self.plan_competencies),
            "user_competencies": len(self.user_competencies),
            "evidence": len(self.evidence),
            "cohort_members": len(self.cohort_members),
            "enrolments": len(self.enrolments),
            "course_completions": len(self.course_completions),
        }


def _user(
    uid: int, username: str, first: str, last: str, email: str, idnumber: str
) -> dict[str, Any]:
    return {
        "id": uid,
        "username": username,
        "firstname": first,
        "lastname": last,
        "fullname": f"{first} {last}",
        "email": email,
        "idnumber": idnumber,
        "auth": "manual",
        "suspended": False,
        "confirmed": True,
        "lang": "en",
    }


def not_enabled() -> MoodleException:
    """The error of every competency function when the subsystem is off."""
    return MoodleException(
        "moodle_exception", "competenciesarenotenabled", "Competencies are not enabled."
    )


__all__ = [
    "ASSIGNABLE_ROLES",
    "HANDLERS",
    "RULE_ALL",
    "RULE_POINTS",
    "SYSTEM_CONTEXT_ID",
    "Call",
    "Handler",
    "Site",
    "handles",
    "not_enabled",
]
