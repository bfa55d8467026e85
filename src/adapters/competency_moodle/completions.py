"""Completed courses as evidence: ``pull-completions``, the reading side of learning.

A learning resource of the model names its Moodle course in ``external_ids``
(``moodle_course``); a person who completed that course in Moodle has completed the
resource, which counts as evidence of the competencies it ``develops`` (through an
``any-of`` path of the model's evidence rules, docs/evidence.md). Moodle lists no one's
completions at once: ``core_completion_get_course_completion_status`` answers for one
user in one course, so the pull asks for each person and each course of the model. It
answers whether the course is complete and when each criterion was met, not when the
course was: as Moodle's own aggregation (``aggregate_completions``) does, the course
counts as completed on the day its last criterion was met.

What Moodle refuses is reported, not guessed: a person not enrolled has nothing to say; a
course without completion tracking or criteria (``cannotviewreport``, ``nocriteriaset``)
is skipped with one warning saying what to set up, as are people and courses not found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, EvidenceKind
from competency_moodle.client import MoodleClient
from competency_moodle.directory import Directory, MoodleUser, course_ref
from competency_moodle.errors import MoodleAccessError, MoodleWebServiceError
from competency_moodle.learning import Hints
from competency_moodle.settings import MoodleSettings

STATUS = "core_completion_get_course_completion_status"
"""The web service that says whether a user completed a course."""
NOT_ENROLLED = frozenset({"usernotenroled", "notenroled"})
_COURSE_REFUSALS = {
    "cannotviewreport": "Moodle will not show completion in this course: enable completion "
    "tracking in the course (Course settings > Completion tracking) and give the sync user "
    "the capability report/completion:view",
    "nocriteriaset": "the course has no completion criteria, so no one can complete it: set "
    "them in the course (Course completion)",
}
_AGGREGATION = {1: "all", 2: "any"}


def completed_on(status: dict[str, Any]) -> dt.date | None:
    """The day a completed course was completed: when its last criterion was met (UTC).

    None when the course is not complete, or Moodle gives no criterion a time.
    """
    if not status.get("completed"):
        return None
    times = [
        int(c["timecompleted"]) for c in status.get("completions") or () if c.get("timecompleted")
    ]
    if not times:
        return None
    return dt.datetime.fromtimestamp(max(times), dt.UTC).date()


class Completions:
    """The ``pull-completions`` side of the adapter."""

    def __init__(
        self,
        client: MoodleClient,
        settings: MoodleSettings,
        directory: Directory,
        hints: Hints,
        skip: Callable[[Problem], None],
    ) -> None:
        self.client = client
        self.settings = settings
        self.directory = directory
        self.hints = hints
        self.skip = skip

    @property
    def host(self) -> str:
        """The site's host (and port), which names it in identifiers."""
        return urlsplit(self.settings.url).netloc or self.settings.url

    def _model(self) -> CompetencyModel:
        if self.hints.model is None:
            raise SyncError(
                "pulling completions needs the model (--model FILE): its learning resources "
                "name the Moodle courses (external_ids: moodle_course)"
            )
        return self.hints.model

    def _people(self) -> dict[str, MoodleUser]:
        """The Moodle user of each person asked about (those not found are reported)."""
        people = list(self.settings.users) or sorted(self.hints.people)
        if not people:
            raise SyncError(
                "name the people whose completions to read: a people file (--people FILE), "
                "a store (--store URL) or --set users=[...] (Moodle has no call that lists "
                "everyone's completions)"
            )
        values: dict[str, str | None] = {}
        for key in people:
            person = self.hints.people.get(key)
            if person is None:
                values[key] = key if self.settings.user_field != "email" else None
            else:
                values[key] = self.hints.user_value(person, self.settings.user_field)
        found = self.directory.users(v for v in values.values() if v)
        out: dict[str, MoodleUser] = {}
        for key, value in values.items():
            user = found.get(value) if value else None
            if user is None:
                why = "has no email" if not value else f"not found ({self.settings.user_field})"
                self.skip(Problem(path=key, message=f"{why} in Moodle", severity="warning"))
            else:
                out[key] = user
        return out

    def _courses(self, model: CompetencyModel) -> list[tuple[str, dict[str, Any]]]:
        """(resource key, Moodle course) of each resource that names a course found."""
        named = [(r.key, course_ref(dict(r.external_ids))) for r in model.learning_resources]
        wanted = [(key, ref) for key, ref in named if ref]
        if not wanted:
            raise SyncError(
                f"no learning resource of model {model.key!r} names a Moodle course: give "
                "them external_ids: {moodle_course: <course idnumber or short name>}"
            )
        out: list[tuple[str, dict[str, Any]]] = []
        for key, ref in wanted:
            assert ref is not None
            course = self.directory.course(ref)
            if course is None:
                self.skip(
                    Problem(
                        path=f"learning_resources.{key}",
                        message=f"the Moodle course {ref!r} was not found "
                        f"({self.settings.course_field})",
                        severity="warning",
                    )
                )
            else:
                out.append((key, course))
        return out

    def pull(self) -> Iterator[Evidence]:
        """Each completed course of each person, as ``course`` evidence of its resource."""
        model = self._model()
        courses = self._courses(model)
        users = self._people()
        for resource, course in courses:
            cid = int(course["id"])
            for person, user in users.items():
                try:
                    answer = self.client.call(STATUS, {"courseid": cid, "userid": user.id})
                except MoodleAccessError:
                    raise  # the token's service or the sync user's role: the site check says
                except MoodleWebServiceError as exc:
                    if exc.errorcode in NOT_ENROLLED:
                        continue
                    why = _COURSE_REFUSALS.get(exc.errorcode)
                    if why is None:
                        raise
                    self.skip(
                        Problem(
                            path=f"learning_resources.{resource}",
                            message=f"course {course.get('shortname', cid)} (id {cid}): {why}",
                            severity="warning",
                        )
                    )
                    break  # the same for everyone in this course
                status = (answer or {}).get("completionstatus") or {}
                day = completed_on(status)
                if day is None:
                    if status.get("completed"):
                        self.skip(
                            Problem(
                                path=f"{person}/{resource}",
                                message="Moodle says the course is complete but gives no "
                                "criterion a time: left out",
                                severity="warning",
                            )
                        )
                    continue
                yield self._evidence(model, person, user, resource, course, status, day)

    def _evidence(
        self,
        model: CompetencyModel,
        person: str,
        user: MoodleUser,
        resource: str,
        course: dict[str, Any],
        status: dict[str, Any],
        day: dt.date,
    ) -> Evidence:
        cid = int(course["id"])
        met = [
            f"{c.get('title')}: {c.get('status')}"
            for c in status.get("completions") or ()
            if c.get("title")
        ]
        details = {
            "course": str(course.get("shortname", cid)),
            "moodle_user": user.username,
            "aggregation": _AGGREGATION.get(int(status.get("aggregation") or 1), "all"),
        }
        if met:
            details["criteria"] = "; ".join(met)
        return Evidence(
            kind=EvidenceKind.COURSE,
            person=person,
            resource=resource,
            date=day,
            asserted_by=f"moodle:{self.settings.url}",
            source=f"moodle:{self.settings.url} course {cid}",
            name=str(course.get("fullname") or course.get("shortname") or cid),
            model_version=model.version,
            identifier=f"moodle:{self.host}:course:{cid}:user:{user.id}:completed",
            details=details,
        )


__all__ = ["NOT_ENROLLED", "STATUS", "Completions", "completed_on"]
