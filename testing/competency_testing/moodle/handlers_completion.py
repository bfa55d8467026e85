"""Emulated course completion: ``core_completion_get_course_completion_status``.

As ``core_completion_external::get_course_completion_status`` in Moodle 5.1
(``public/completion/classes/external.php``): the course and the user must exist; completion
must be enabled in the course (else ``cannotviewreport``, which Moodle also answers when
the caller lacks ``report/completion:view``, a capability the emulator does not model);
the user must be enrolled as a student, whose role has
``moodle/course:isincompletionreports`` (else ``usernotenroled``, or ``notenroled`` for
the caller's own status); the course must have criteria (else ``nocriteriaset``). The
answer lists each criterion with whether the user met it and when; the course's own
completion time is not in it. Seed completion with :meth:`Site.enable_completion` and
:meth:`Site.complete_course`.
"""

from __future__ import annotations

from typing import Any

from competency_testing.moodle.contract import MoodleException
from competency_testing.moodle.site import Call, handles

STUDENT_ROLE = 5
"""The role tracked in completion reports on a default site (student)."""
AGGREGATION_ALL = 1


def _refused(errorcode: str, message: str) -> MoodleException:
    return MoodleException("moodle_exception", errorcode, message)


@handles("core_completion_get_course_completion_status")
def course_completion_status(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    """Whether a user completed a course, criterion by criterion."""
    site = call.site
    course = site.course(p["courseid"])
    user = site.user(p["userid"])
    if not course.get("enablecompletion"):
        raise _refused("cannotviewreport", "You cannot view this report")
    if site.enrolments.get((course["id"], user["id"])) != STUDENT_ROLE:
        if user["id"] == call.userid:
            raise _refused("notenroled", "You are not enrolled in this course")
        raise _refused("usernotenroled", "User is not enrolled in this course")
    criteria = sorted(
        (c for c in site.completion_criteria.values() if c["course"] == course["id"]),
        key=lambda c: int(c["id"]),
    )
    if not criteria:
        raise _refused("nocriteriaset", "No completion criteria set for this course")
    rows = []
    for crit in criteria:
        met = site.criteria_completions.get((crit["id"], user["id"]))
        rows.append(
            {
                "type": crit["criteriatype"],
                "title": crit["title"],
                "status": "Yes" if met else "No",
                "complete": bool(met),
                "timecompleted": met,
                "details": {
                    "type": crit["title"],
                    "criteria": crit["title"],
                    "requirement": crit["requirement"],
                    "status": "",
                },
            }
        )
    return {
        "completionstatus": {
            "completed": (course["id"], user["id"]) in site.course_completions,
            "aggregation": AGGREGATION_ALL,
            "completions": rows,
        },
        "warnings": [],
    }


__all__ = ["course_completion_status"]
