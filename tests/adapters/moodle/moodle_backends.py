"""The two Moodles the scenarios run on: the emulator, and a real Moodle 5.1 behind a proxy.

Each backend gives the same handles: ``seed()`` (a fresh site with the scenario scale,
course and users), the call log and failures of the emulator or of the recording proxy,
and a site view (:class:`SiteView`) that reads the end state by natural keys and does
what an administrator would do in Moodle's interface.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from competency_moodle.functions import needed_functions
from competency_testing.moodle import MoodleEmulator, Site
from competency_testing.moodle.handlers_learning import grade_competency
from competency_testing.moodle.realsite.proxy import RecordingProxy
from competency_testing.moodle.realsite.server import (
    LEVELS,
    LIMITED_MISSING,
    RealMoodle,
    all_functions,
)
from competency_testing.moodle.realsite.snapshot import counts, snapshot
from competency_testing.moodle.server import CallRecord, Failure
from competency_testing.moodle.site import Call

EMULATOR_TOKEN = "scenario-token-9d2f1a7c"
COHORT_TASK = "\\core\\task\\sync_plans_from_template_cohorts_task"


class SiteView(Protocol):
    """What a scenario reads and changes on a site, on either Moodle."""

    def snapshot(self) -> dict[str, Any]: ...
    def counts(self) -> dict[str, int]: ...
    def user_id(self, username: str) -> int: ...
    def competency_id(self, idnumber: str) -> int: ...
    def framework_id(self, idnumber: str) -> int: ...
    def template_ids(self) -> list[int]: ...
    def plan_templates(self) -> list[int | None]: ...
    def cohort_id(self, idnumber: str) -> int: ...
    def set_competencies_enabled(self, enabled: bool) -> None: ...
    def set_framework_visible(self, idnumber: str, visible: bool) -> None: ...
    def framework_visible(self, idnumber: str) -> bool: ...
    def rate(
        self, username: str, competency: str, grade: int, grader: str = "admin", note: str = ""
    ) -> None: ...
    def link_template_cohort(self, template: int, cohort: int) -> None: ...
    def run_cohort_task(self) -> int: ...
    def complete_course(self, course: int, username: str, when: int) -> int: ...
    def course_id(self, idnumber: str) -> int: ...
    def track_completion(self, course: int) -> None: ...


@dataclass
class Seeded:
    """A fresh site: its URL, token, scale, course and view."""

    url: str
    site: SiteView
    scale: int
    course: int
    token: str


class Backend(Protocol):
    """One Moodle (emulator or real), its call log and planned failures."""

    name: str

    def seed(self, name: str = "", items: list[str] | None = None) -> Seeded: ...
    def token_without(self, lacking: Sequence[str]) -> str: ...
    def token_for_operation(self, operation: str) -> str: ...
    def token_without_capability(self) -> str: ...
    @property
    def calls(self) -> list[CallRecord]: ...
    @property
    def call_count(self) -> int: ...
    def write_calls(self) -> list[CallRecord]: ...
    def reset_calls(self) -> None: ...
    def clear_failures(self) -> None: ...
    def fail(
        self,
        call: int | None = None,
        *,
        function: str | None = None,
        status: int | None = None,
        exception: tuple[str, str, str] | None = None,
        drop: bool = False,
        when: Literal["before", "after"] = "before",
        times: int = 1,
    ) -> Failure: ...


REAL_FAILURE_POINTS = 6
"""How many write calls the failure scenarios cut on the real Moodle (spread evenly)."""


def failure_points(moodle: Backend, calls: int) -> list[int]:
    """The calls a failure is injected at, from the log of a clean run of ``calls`` calls.

    On the emulator: every call. On the real Moodle: writes only (a read that fails is
    retried, and a read's lost answer changes nothing on the site), at most
    :data:`REAL_FAILURE_POINTS` of them spread evenly from the first to the last, each kind
    of write at least once where that fits, which keeps the real runs within the suite's
    time. ``COMPETENCY_TEST_MOODLE_EVERY_WRITE=1`` cuts every write.
    """
    if moodle.name == "emulator":
        return list(range(1, calls + 1))
    writes = [c for c in moodle.calls if c.type == "write"]
    if (
        os.environ.get("COMPETENCY_TEST_MOODLE_EVERY_WRITE") == "1"
        or len(writes) <= REAL_FAILURE_POINTS
    ):
        return [c.number for c in writes]
    chosen = {writes[0].number, writes[-1].number}
    for c in writes:  # one of each function
        if len(chosen) >= REAL_FAILURE_POINTS:
            break
        if all(w.function != c.function or w.number not in chosen for w in writes):
            chosen.add(c.number)
    step = (len(writes) - 1) / (REAL_FAILURE_POINTS - 1)
    for i in range(REAL_FAILURE_POINTS):
        if len(chosen) >= REAL_FAILURE_POINTS:
            break
        chosen.add(writes[round(i * step)].number)
    return sorted(chosen)


# -- the emulator ----------------------------------------------------------------------
class EmulatedView:
    """A view of one emulated site."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def snapshot(self) -> dict[str, Any]:
        return self.site.snapshot()

    def counts(self) -> dict[str, int]:
        return self.site.counts()

    def user_id(self, username: str) -> int:
        return next(u["id"] for u in self.site.users.values() if u["username"] == username)

    def competency_id(self, idnumber: str) -> int:
        return next(c["id"] for c in self.site.competencies.values() if c["idnumber"] == idnumber)

    def framework_id(self, idnumber: str) -> int:
        return next(f["id"] for f in self.site.frameworks.values() if f["idnumber"] == idnumber)

    def template_ids(self) -> list[int]:
        return sorted(self.site.templates)

    def plan_templates(self) -> list[int | None]:
        return [p["templateid"] for p in self.site.plans.values()]

    def cohort_id(self, idnumber: str) -> int:
        found = [c["id"] for c in self.site.cohorts.values() if c["idnumber"] == idnumber]
        return found[0] if found else self.site.add_cohort("Engineers", idnumber)

    def set_competencies_enabled(self, enabled: bool) -> None:
        self.site.competencies_enabled = enabled

    def set_framework_visible(self, idnumber: str, visible: bool) -> None:
        self.site.frameworks[self.framework_id(idnumber)]["visible"] = visible

    def framework_visible(self, idnumber: str) -> bool:
        return bool(self.site.frameworks[self.framework_id(idnumber)]["visible"])

    def rate(
        self, username: str, competency: str, grade: int, grader: str = "admin", note: str = ""
    ) -> None:
        """Rate as a grader in Moodle's interface does (``api::grade_competency``)."""
        params: dict[str, Any] = {
            "userid": self.user_id(username),
            "competencyid": self.competency_id(competency),
            "grade": grade,
        }
        if note:
            params["note"] = note
        grade_competency(Call(self.site, self.user_id(grader), frozenset()), params)

    def link_template_cohort(self, template: int, cohort: int) -> None:
        self.site.link_template_cohort(template, cohort)

    def run_cohort_task(self) -> int:
        return self.site.sync_template_cohorts()

    def complete_course(self, course: int, username: str, when: int) -> int:
        """The user meets the course's criterion (self completion, added if none) at ``when``."""
        uid = self.user_id(username)
        if self.site.enrolments.get((course, uid)) != 5:
            raise ValueError(f"{username} is not enrolled as a student in course {course}")
        self.site.enable_completion(course)
        return self.site.complete_course(course, uid, when)

    def course_id(self, idnumber: str) -> int:
        return next(c["id"] for c in self.site.courses.values() if c["idnumber"] == idnumber)

    def track_completion(self, course: int) -> None:
        """Completion tracking on in the course, with no criteria yet."""
        self.site.course(course)["enablecompletion"] = 1


class EmulatorBackend:
    """Scenarios on the emulator: one server, a new hosted site per seed."""

    name = "emulator"

    def __init__(self, emulator: MoodleEmulator) -> None:
        self.emulator = emulator
        self.emulator.add_token(EMULATOR_TOKEN)
        self._tokens = 0

    def seed(self, name: str = "", items: list[str] | None = None) -> Seeded:
        site = self.emulator.site if not name else self.emulator.add_site(name)
        scale = site.add_scale("Levels", items or list(LEVELS))
        course = site.add_course("Clean code", idnumber="CC-101")
        site.add_user("ada", email="ada@example.org")
        site.add_user("bob", email="bob@example.org")
        return Seeded(
            self.emulator.site_url(name), EmulatedView(site), scale, course, EMULATOR_TOKEN
        )

    def _token(self, functions: Iterable[str]) -> str:
        self._tokens += 1
        token = f"limited-{self._tokens}"
        self.emulator.add_token(token, list(functions))
        return token

    def token_for_operation(self, operation: str) -> str:
        return self._token(needed_functions(operation))  # type: ignore[arg-type]

    def token_without(self, lacking: Sequence[str]) -> str:
        return self._token(f for f in all_functions() if f not in lacking)

    def token_without_capability(self) -> str:
        raise NotImplementedError("the emulator does not model capabilities")

    @property
    def calls(self) -> list[CallRecord]:
        return self.emulator.calls

    @property
    def call_count(self) -> int:
        return self.emulator.call_count

    def write_calls(self) -> list[CallRecord]:
        return self.emulator.write_calls()

    def reset_calls(self) -> None:
        self.emulator.reset_calls()

    def clear_failures(self) -> None:
        self.emulator.clear_failures()

    def fail(self, call: int | None = None, **how: Any) -> Failure:
        return self.emulator.fail(call, **how)


# -- the real Moodle -------------------------------------------------------------------
class RealView:
    """A view of the real site (its database read directly; changes through Moodle's APIs)."""

    def __init__(self, moodle: RealMoodle) -> None:
        self.moodle = moodle

    def _one(self, query: str, **params: Any) -> Any:
        rows = self.moodle.sql(query, params)
        if not rows:
            raise LookupError(f"nothing found: {query} {params}")
        return next(iter(rows[0].values()))

    def snapshot(self) -> dict[str, Any]:
        return snapshot(self.moodle.sql)

    def counts(self) -> dict[str, int]:
        return counts(self.moodle.sql)

    def user_id(self, username: str) -> int:
        return int(self._one("SELECT id FROM mdl_user WHERE username = %(u)s", u=username))

    def competency_id(self, idnumber: str) -> int:
        return int(self._one("SELECT id FROM mdl_competency WHERE idnumber = %(i)s", i=idnumber))

    def framework_id(self, idnumber: str) -> int:
        return int(
            self._one("SELECT id FROM mdl_competency_framework WHERE idnumber = %(i)s", i=idnumber)
        )

    def template_ids(self) -> list[int]:
        return [int(r["id"]) for r in self.moodle.sql("SELECT id FROM mdl_competency_template")]

    def plan_templates(self) -> list[int | None]:
        rows = self.moodle.sql("SELECT templateid FROM mdl_competency_plan ORDER BY id")
        return [r["templateid"] for r in rows]

    def cohort_id(self, idnumber: str) -> int:
        return int(self._one("SELECT id FROM mdl_cohort WHERE idnumber = %(i)s", i=idnumber))

    def set_competencies_enabled(self, enabled: bool) -> None:
        self.moodle.set_config("enabled", 1 if enabled else 0, "core_competency")

    def set_framework_visible(self, idnumber: str, visible: bool) -> None:
        self.moodle.tool(
            "set_framework_visible", {"id": self.framework_id(idnumber), "visible": visible}
        )

    def framework_visible(self, idnumber: str) -> bool:
        return bool(
            self._one(
                "SELECT visible FROM mdl_competency_framework WHERE idnumber = %(i)s", i=idnumber
            )
        )

    def rate(
        self, username: str, competency: str, grade: int, grader: str = "admin", note: str = ""
    ) -> None:
        """Rate as a grader in Moodle's interface does (``api::grade_competency``)."""
        self.moodle.tool(
            "rate",
            {
                "userid": self.user_id(username),
                "competencyid": self.competency_id(competency),
                "grade": grade,
                "grader": grader,
                "note": note or None,
            },
        )

    def link_template_cohort(self, template: int, cohort: int) -> None:
        self.moodle.tool("link_template_cohort", {"templateid": template, "cohortid": cohort})

    def run_cohort_task(self) -> int:
        before = len(self.plan_templates())
        self.moodle.run_task(COHORT_TASK)
        return len(self.plan_templates()) - before

    def complete_course(self, course: int, username: str, when: int) -> int:
        """The user meets the course's criterion (self completion, added if none) at ``when``."""
        answer = self.moodle.tool(
            "complete_course",
            {"courseid": course, "userid": self.user_id(username), "time": when},
        )
        return int(answer["timecompleted"])

    def course_id(self, idnumber: str) -> int:
        return int(self._one("SELECT id FROM mdl_course WHERE idnumber = %(i)s", i=idnumber))

    def track_completion(self, course: int) -> None:
        """Completion tracking on in the course, with no criteria yet."""
        self.moodle.tool("enable_completion", {"courseid": course, "criteria": False})


class RealBackend:
    """Scenarios on the real Moodle: one site, reset to its template for every seed."""

    name = "real"

    def __init__(self, moodle: RealMoodle, proxy: RecordingProxy) -> None:
        self.moodle = moodle
        self.proxy = proxy

    def seed(self, name: str = "", items: list[str] | None = None) -> Seeded:
        self.moodle.reset()
        self.proxy.clear_failures()
        self.proxy.reset_calls()
        wanted = ",".join(items or LEVELS)
        rows = self.moodle.sql(
            "SELECT id FROM mdl_scale WHERE courseid = 0 AND scale = %(s)s", {"s": wanted}
        )
        if not rows:
            raise ValueError(f"the real site's setup has no scale with the items {wanted}")
        scale = int(rows[0]["id"])
        return Seeded(
            self.proxy.url,
            RealView(self.moodle),
            scale,
            self.moodle.ids.courses["Clean code"],
            self.moodle.token,
        )

    def token_for_operation(self, operation: str) -> str:
        return self.moodle.ids.tokens[f"only-{operation}"]

    def token_without(self, lacking: Sequence[str]) -> str:
        if set(lacking) != set(LIMITED_MISSING):
            raise ValueError(f"the real site's limited service lacks exactly {LIMITED_MISSING}")
        return self.moodle.ids.tokens["limited"]

    def token_without_capability(self) -> str:
        return self.moodle.ids.tokens["nocap"]

    @property
    def calls(self) -> list[CallRecord]:
        return self.proxy.calls

    @property
    def call_count(self) -> int:
        return self.proxy.call_count

    def write_calls(self) -> list[CallRecord]:
        return self.proxy.write_calls()

    def reset_calls(self) -> None:
        self.proxy.reset_calls()

    def clear_failures(self) -> None:
        self.proxy.clear_failures()

    def fail(self, call: int | None = None, **how: Any) -> Failure:
        return self.proxy.fail(call, **how)


__all__ = [
    "EMULATOR_TOKEN",
    "Backend",
    "EmulatedView",
    "EmulatorBackend",
    "RealBackend",
    "RealView",
    "Seeded",
    "SiteView",
]
