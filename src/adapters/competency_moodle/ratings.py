"""Ratings both ways: Moodle grades as assessments, and assessments as Moodle grades.

Moodle keeps a user's rating of a competency (``grade``: a 1-based item of the scale, and
``proficiency``) in a user-competency record. The web services reach those records only
through the user's learning plans (``list_user_plans`` then ``list_plan_competencies``),
so a pull reads the people's plans, and a push can see only ratings of competencies in
someone's plan: others are graded again on every push (each grade adds an evidence
record in Moodle). Grades map to levels through the same scale map as the model push.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType
from competency_core.sync import Change, LocalObject, RemoteObject
from competency_moodle.directory import Directory
from competency_moodle.learning import Hints, Plans, pair
from competency_moodle.model_push import ModelPush
from competency_moodle.scales import ScaleMap
from competency_moodle.settings import MoodleSettings

RATING = "rating"


def _rows_by_competency(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
    """(competency, user competency) of each plan row; the live record before a snapshot."""
    for row in rows:
        comp = row.get("competency") or {}
        uc = row.get("usercompetency") or row.get("usercompetencyplan")
        if comp and uc:
            yield comp, uc


class Ratings:
    """The ``push-ratings`` and ``pull-ratings`` side of the adapter."""

    def __init__(
        self,
        settings: MoodleSettings,
        directory: Directory,
        model_push: ModelPush,
        plans: Plans,
        hints: Hints,
        warn: Callable[[str], None],
        skip: Callable[[Problem], None],
    ) -> None:
        self.client = model_push.client
        self.settings = settings
        self.directory = directory
        self.model_push = model_push
        self.plans = plans
        self.hints = hints
        self.warn = warn
        self.skip = skip
        self._in_plans: set[str] = set()
        self._ids: dict[int, str] | None = None

    def _model(self, what: str) -> CompetencyModel:
        if self.hints.model is None:
            raise SyncError(
                f"{what} needs the model (--model FILE): its scales say how levels map onto "
                "the Moodle scale's items"
            )
        return self.hints.model

    def _maps(self, model: CompetencyModel) -> dict[str, ScaleMap]:
        return self.model_push.scale_maps(model)

    def _framework_ids(self, model: CompetencyModel) -> dict[int, str]:
        """Moodle id -> idnumber of the framework's competencies (read once per read)."""
        if self._ids is None:
            fw = self.model_push.find_framework(model.key)
            rows = (
                self.client.call(
                    "core_competency_search_competencies",
                    {"searchtext": "", "competencyframeworkid": int(fw["id"])},
                )
                if fw is not None
                else []
            )
            self._ids = {int(c["id"]): str(c["idnumber"]) for c in rows or ()}
        return self._ids

    def _value(self, person: str) -> str | None:
        p = self.hints.people.get(person)
        if p is None:
            return person if self.settings.user_field != "email" else None
        return self.hints.user_value(p, self.settings.user_field)

    # -- push --------------------------------------------------------------------------
    def objects(self, assessments: Iterable[Assessment]) -> list[LocalObject]:
        """The latest assessment of each person and competency, as a Moodle grade."""
        model = self._model("pushing ratings")
        maps = self._maps(model)
        latest: dict[tuple[str, str], Assessment] = {}
        for a in assessments:
            k = (a.person, a.competency)
            if k not in latest or a.date >= latest[k].date:
                latest[k] = a
        values = {p: self._value(p) for p, _ in latest}
        found = self.directory.users(v for v in values.values() if v)
        missing = sorted(p for p, v in values.items() if not v or found.get(v) is None)
        if missing:
            self.warn(
                f"{len(missing)} person(s) not found in Moodle ({self.settings.user_field}): "
                + ", ".join(missing[:20])
                + "; their ratings are left out"
            )
        out: list[LocalObject] = []
        keys = {c.key for c in model.competencies}
        for (person, comp), a in sorted(latest.items()):
            value = values[person]
            if person in missing or value is None or comp not in keys:
                continue
            scale = a.scale or model.competency(comp).scale
            smap = maps.get(scale)
            if smap is None or a.level not in smap.items:
                self.warn(f"{person}'s rating of {comp} (level {a.level} on {scale}) has no item")
                continue
            self.hints.users.add(value)
            out.append(
                LocalObject(
                    kind=RATING,
                    key=pair(person, comp),
                    data={"user": value, "competency": comp, "grade": smap.items[a.level]},
                )
            )
        return out

    def read(self) -> Iterator[RemoteObject]:
        """The ratings Moodle shows in the people's plans."""
        self.plans.clear()
        self._in_plans, self._ids = set(), None
        if not self.hints.users:
            return
        model = self._model("reading ratings")
        comps = self._framework_ids(model)
        by_value = {
            str(v): k
            for k, p in self.hints.people.items()
            if (v := self.hints.user_value(p, self.settings.user_field))
        }
        users = self.directory.users(sorted(self.hints.users))
        for value, user in sorted(users.items()):
            if user is None:
                continue
            person = by_value.get(value, value)
            seen: set[int] = set()
            for plan in self.plans.of_user(user.id):
                for comp, uc in _rows_by_competency(self.plans.competencies(plan)):
                    cid = int(comp.get("id", 0))
                    if cid not in comps:
                        continue
                    self._in_plans.add(pair(person, comps[cid]))
                    if cid in seen or uc.get("grade") in (None, 0):
                        continue
                    seen.add(cid)
                    yield RemoteObject(
                        kind=RATING,
                        key=pair(person, comps[cid]),
                        remote_id=f"{user.id}:{cid}",
                        data={"user": value, "competency": comps[cid], "grade": int(uc["grade"])},
                    )

    def note_unreadable(self, local: Iterable[str]) -> None:
        """Warn about ratings outside every plan (Moodle cannot show them back)."""
        outside = [k for k in local if k not in self._in_plans]
        if outside:
            self.warn(
                f"{len(outside)} rating(s) are on competencies outside the person's plans: "
                "Moodle's web services cannot read them back, so they are graded again on "
                "every push (e.g. " + ", ".join(outside[:5]) + ")"
            )

    def grade(self, change: Change) -> str:
        """Rate the user's competency in Moodle (``grade_competency``)."""
        data = change.data or {}
        model = self._model("pushing ratings")
        user = self.directory.user(str(data["user"]))
        if user is None:
            raise SyncError(f"no Moodle user has the {self.settings.user_field} {data['user']!r}")
        ids = {v: k for k, v in self._framework_ids(model).items()}
        cid = ids.get(str(data["competency"]))
        if cid is None:
            raise SyncError(
                f"the competency {data['competency']} is not in the Moodle framework "
                f"{model.key!r}: push the model first"
            )
        self.client.call(
            "core_competency_grade_competency",
            {
                "userid": user.id,
                "competencyid": cid,
                "grade": int(str(data["grade"])),
                "note": "Rated in competency-core",
            },
        )
        return f"{user.id}:{cid}"

    # -- pull --------------------------------------------------------------------------
    def pull(self) -> Iterator[Assessment]:
        """People's ratings in Moodle as assessments (rater and date where Moodle has them)."""
        model = self._model("pulling ratings")
        maps = self._maps(model)
        self.plans.clear()
        self._ids = None
        people = list(self.settings.users) or sorted(self.hints.people)
        if not people:
            raise SyncError(
                "name the people whose ratings to read: a people file (--people FILE) or "
                "--set users=[...] (Moodle has no call that lists everyone's ratings)"
            )
        values = {p: self._value(p) for p in people}
        found = self.directory.users(v for v in values.values() if v)
        missing = sorted(p for p, v in values.items() if not v or found.get(v) is None)
        for p in missing:
            self.skip(Problem(path=p, message="not found in Moodle", severity="warning"))
        comps = self._framework_ids(model)
        if not comps:
            raise SyncError(f"the framework {model.key!r} is not in Moodle")
        for person, value in values.items():
            user = found.get(value) if value else None
            if user is None:
                continue
            seen: set[int] = set()
            for plan in self.plans.of_user(user.id):
                for comp, uc in _rows_by_competency(self.plans.competencies(plan)):
                    cid = int(comp.get("id", 0))
                    grade = uc.get("grade")
                    if cid not in comps or cid in seen or not grade:
                        continue
                    seen.add(cid)
                    key = comps[cid]
                    smap = maps[model.competency(key).scale]
                    level = smap.levels.get(int(grade))
                    if level is None:
                        self.skip(
                            Problem(
                                path=f"{person}/{key}",
                                message=f"the Moodle grade {grade} maps to no level of "
                                f"{smap.scale}",
                                severity="warning",
                            )
                        )
                        continue
                    yield self._assessment(person, key, level, user.id, uc)

    def _assessment(
        self, person: str, key: str, level: int, uid: int, uc: dict[str, Any]
    ) -> Assessment:
        rater_id = int(uc.get("usermodified") or 0)
        rater = self.directory.user_by_id(rater_id) if rater_id else None
        stamp = int(uc.get("timemodified") or 0)
        date = dt.datetime.fromtimestamp(stamp, dt.UTC).date() if stamp else dt.date.today()
        return Assessment(
            person=person,
            competency=key,
            level=level,
            rater_type=RaterType.SELF if rater_id == uid else RaterType.MANAGER,
            rater=rater.username if rater else None,
            date=date,
            evidence=("moodle",),
            comment=f"Moodle: {uc.get('gradename')}" if uc.get("gradename") else None,
        )


__all__ = ["RATING", "Ratings"]
