"""Finding people and courses in Moodle, with a report of those not found.

People are matched by one user field (``username``, ``email`` or ``idnumber``), looked up
in batches of :data:`BATCH` with ``core_user_get_users_by_field``. A learning resource
names its Moodle course in ``external_ids['moodle_course']`` (an idnumber or a short
name), looked up with ``core_course_get_courses_by_field``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from competency_core.errors import SyncError
from competency_moodle.client import MoodleClient

BATCH = 100
COURSE_ID_KEYS = ("moodle_course", "moodle")
"""The ``external_ids`` entries that name a Moodle course, in order of preference."""


@dataclass(frozen=True)
class MoodleUser:
    """A Moodle user as far as a sync needs it."""

    id: int
    username: str
    email: str
    idnumber: str
    fullname: str


class Directory:
    """Users and courses of one site, looked up once and remembered."""

    def __init__(
        self,
        client: MoodleClient,
        user_field: Literal["username", "email", "idnumber"],
        course_field: Literal["auto", "idnumber", "shortname"] = "auto",
    ) -> None:
        self.client = client
        self.user_field = user_field
        self.course_field = course_field
        self._users: dict[str, MoodleUser | None] = {}
        self._by_id: dict[int, MoodleUser] = {}
        self._courses: dict[str, dict[str, Any] | None] = {}

    # -- users -----------------------------------------------------------------------
    def users(self, values: Iterable[str]) -> dict[str, MoodleUser | None]:
        """The user with each value of the match field (None: not found)."""
        wanted = [v for v in dict.fromkeys(values) if v]
        todo = [v for v in wanted if v not in self._users]
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            rows = self.client.call(
                "core_user_get_users_by_field", {"field": self.user_field, "values": chunk}
            )
            found: dict[str, MoodleUser] = {}
            for row in rows or ():
                user = _user(row)
                self._by_id[user.id] = user
                found.setdefault(str(row.get(self.user_field, "")).casefold(), user)
            for v in chunk:
                self._users[v] = found.get(v.casefold())
        return {v: self._users[v] for v in wanted}

    def user(self, value: str) -> MoodleUser | None:
        """The user with this value of the match field, or None."""
        return self.users([value]).get(value)

    def user_by_id(self, uid: int) -> MoodleUser | None:
        """A user by Moodle id (looked up when not seen yet)."""
        if uid not in self._by_id and uid > 0:
            rows = self.client.call(
                "core_user_get_users_by_field", {"field": "id", "values": [str(uid)]}
            )
            for row in rows or ():
                user = _user(row)
                self._by_id[user.id] = user
        return self._by_id.get(uid)

    # -- courses ---------------------------------------------------------------------
    def course(self, ref: str) -> dict[str, Any] | None:
        """The course a resource names (by idnumber, else short name), or None."""
        if ref not in self._courses:
            fields = (
                ("idnumber", "shortname") if self.course_field == "auto" else (self.course_field,)
            )
            found = None
            for field in fields:
                answer = self.client.call(
                    "core_course_get_courses_by_field", {"field": field, "value": ref}
                )
                courses = (answer or {}).get("courses") or []
                # Moodle matches the field exactly, but answers a course's idnumber only
                # to users who may update the course (the sync user need not): a course
                # without the field is taken as Moodle's exact match
                exact = [c for c in courses if str(c.get(field, ref)) == ref]
                if len(exact) > 1:
                    raise SyncError(
                        f"{len(exact)} Moodle courses have the {field} {ref!r}: give the "
                        "resource a course idnumber that is unique"
                    )
                if exact:
                    found = exact[0]
                    break
            self._courses[ref] = found
        return self._courses[ref]


def _user(row: dict[str, Any]) -> MoodleUser:
    return MoodleUser(
        id=int(row["id"]),
        username=str(row.get("username", "")),
        email=str(row.get("email", "")),
        idnumber=str(row.get("idnumber", "")),
        fullname=str(row.get("fullname", "")),
    )


def course_ref(external_ids: dict[str, str]) -> str | None:
    """The Moodle course a learning resource names, if any."""
    for key in COURSE_ID_KEYS:
        if external_ids.get(key):
            return external_ids[key]
    return None


def not_found_note(what: str, missing: list[str], how: str) -> str:
    """One warning listing every value not found (at most 20 shown)."""
    shown = ", ".join(missing[:20]) + (
        f" and {len(missing) - 20} more" if len(missing) > 20 else ""
    )
    return f"{len(missing)} {what} not found in Moodle ({how}): {shown}; they are left out"


__all__ = ["BATCH", "Directory", "MoodleUser", "course_ref", "not_found_note"]
