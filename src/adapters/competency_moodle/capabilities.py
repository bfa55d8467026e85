"""The capabilities the sync user needs in the system context, with Moodle's names for them.

Checked on Moodle 5.1: a role with exactly these (and "Allow role assignments" of the
student role, for manual enrolments) runs every operation of the adapter
(``tests/adapters/moodle`` set such a user up on a real site). Moodle's refusal names a
capability by its English name ("Manage competency frameworks"); :func:`capability_named`
turns that back into the capability to grant.
"""

from __future__ import annotations

import re

SYNC_CAPABILITIES: dict[str, str] = {
    "webservice/rest:use": "Use REST protocol",
    "moodle/competency:competencymanage": "Manage competency frameworks",
    "moodle/competency:competencyview": "View competency frameworks",
    "moodle/competency:templatemanage": "Manage learning plan templates",
    "moodle/competency:templateview": "View learning plan templates",
    "moodle/competency:planmanage": "Manage learning plans",
    "moodle/competency:planview": "View all learning plans",
    "moodle/competency:competencygrade": "Set competency rating",
    "moodle/competency:usercompetencyview": "View a user competency",
    "moodle/competency:coursecompetencymanage": "Manage course competencies",
    "moodle/competency:coursecompetencyview": "View course competencies",
    "moodle/cohort:assign": "Add and remove cohort members",
    "moodle/cohort:view": "View site-wide cohorts",
    "moodle/user:viewdetails": "View user profiles",
    "moodle/user:viewalldetails": "View user full information",
    "moodle/site:viewuseridentity": "See full user identity in lists",
    "moodle/course:view": "View courses without participation",
    "moodle/course:viewhiddencourses": "View hidden courses",
    "enrol/manual:enrol": "Enrol users",
    "moodle/role:assign": "Assign roles to users",
    "report/completion:view": "View course completion report",
}
"""Capability -> Moodle's English name (docs/adapters/moodle.md, "Setting up")."""

_NAMED = re.compile(r"\(([^()]+)\)")


def capability_named(message: str) -> str | None:
    """The capability whose English name Moodle's ``nopermissions`` message gives, if known."""
    names = {v.casefold(): k for k, v in SYNC_CAPABILITIES.items()}
    for found in _NAMED.findall(message):
        if found.strip().casefold() in names:
            return names[found.strip().casefold()]
    return None


__all__ = ["SYNC_CAPABILITIES", "capability_named"]
