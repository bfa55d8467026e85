"""Ratings both ways: Moodle grades as assessments, and assessments as Moodle grades.

Moodle keeps a user's rating of a competency (``grade``: a 1-based item of the scale, and
``proficiency``) in a user-competency record. The web services reach those records only
through the user's learning plans (``list_user_plans`` then ``list_plan_competencies``),
so a pull reads the people's plans, and a push can see only ratings of competencies in
someone's plan: others are graded again on every push (each grade adds an evidence
record in Moodle). Grades map to levels through the same scale map as the model push.

Who rated and when travel in the grade's note, ``competency-core: rated 4 by manager
jane-doe on 2026-03-10`` (:class:`Provenance`), which Moodle keeps on the evidence record
the grade adds. Reading a rating back, the evidence that set the current grade says who
rated and when: our note when it is ours, else the Moodle user who graded and the time
(``tool_lp_data_for_user_competency_summary`` lists a user competency's evidence). Only
when Moodle shows no such evidence do the user competency's last change (often the sync
user and the push date) stand in, with a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType
from competency_core.sync import Change, LocalObject, RemoteObject
from competency_moodle.directory import Directory
from competency_moodle.errors import MoodleAccessError, MoodleWebServiceError
from competency_moodle.learning import Hints, Plans, pair
from competency_moodle.model.push import ModelPush
from competency_moodle.scales import ScaleMap
from competency_moodle.settings import MoodleSettings
from competency_moodle.texts import strip_tags

RATING = "rating"
SUMMARY = "tool_lp_data_for_user_competency_summary"
"""The web service that lists a user competency's evidence."""
NOTE_PREFIX = "competency-core: rated "
_ACTION_COMPLETE, _ACTION_OVERRIDE = 2, 3  # core_competency\evidence::ACTION_*
_TYPES = "|".join(re.escape(t.value) for t in RaterType)
_NOTE = re.compile(
    re.escape(NOTE_PREFIX)
    + rf"(-?[0-9]+) by ({_TYPES})(?: (.+))? on ([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"
)


def _plain(rater: str) -> bool:
    """Whether a rater can stand in a note as it is (else it is written as a JSON string)."""
    return (
        bool(rater)
        and rater == rater.strip()
        and not rater.startswith('"')
        and not any(c in "<>" or ord(c) < 32 or ord(c) == 127 for c in rater)
        and strip_tags(rater) == rater
    )


@dataclass(frozen=True)
class Provenance:
    """Who rated a competency (rater type and rater), when, and at which level.

    :meth:`note` writes it as the grade's note, short and readable in Moodle and unchanged
    by PHP's ``strip_tags`` (Moodle's ``PARAM_NOTAGS``); :meth:`from_note` reads it back,
    and only from a note written that way.
    """

    level: int
    rater_type: RaterType
    rater: str | None
    date: dt.date

    def text(self) -> str:
        """``4 by manager jane-doe on 2026-03-10`` (a rater that is not plain is quoted)."""
        who = self.rater_type.value
        if self.rater is not None:
            r = self.rater
            if not _plain(r):
                r = json.dumps(r, ensure_ascii=False).replace("<", "\\u003c")
                r = r.replace(">", "\\u003e")
            who += f" {r}"
        return f"{self.level} by {who} on {self.date.isoformat()}"

    def note(self) -> str:
        """The grade's note: ``competency-core: rated 4 by manager jane-doe on 2026-03-10``."""
        return NOTE_PREFIX + self.text()

    @classmethod
    def from_note(cls, note: object) -> Provenance | None:
        """The provenance a note of ours carries; None for any other note."""
        m = _NOTE.fullmatch(note) if isinstance(note, str) else None
        if m is None:
            return None
        rater: str | None = m.group(3)
        if rater is not None and not _plain(rater):
            try:
                rater = json.loads(rater)
            except ValueError:
                return None
            if not isinstance(rater, str):
                return None
        try:
            date = dt.date.fromisoformat(m.group(4))
        except ValueError:
            return None
        return cls(int(m.group(1)), RaterType(m.group(2)), rater, date)


def grading_evidence(evidence: Sequence[dict[str, Any]], grade: int) -> dict[str, Any] | None:
    """The evidence record that set a user competency's current ``grade``, if Moodle shows it.

    Replays the evidence oldest first as ``api::add_evidence`` applies it: an override
    sets the grade (or clears it), a completion sets the default grade when there is none;
    logs change nothing. None when the replay does not end on ``grade``.
    """
    current: int | None = None
    setter: dict[str, Any] | None = None
    for ev in sorted(evidence, key=lambda e: (int(e.get("timecreated") or 0), int(e["id"]))):
        action, value = int(ev.get("action") or 0), ev.get("grade")
        if action == _ACTION_OVERRIDE or (action == _ACTION_COMPLETE and current is None):
            current = int(value) if value is not None else None
            setter = ev
    return setter if current == grade else None


def _day(stamp: object) -> dt.date:
    return dt.datetime.fromtimestamp(int(str(stamp)), dt.UTC).date()


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
        self._refused: str | None = None
        self._unsaid: list[str] = []

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
            grade = smap.items[a.level]
            level = maps[model.competency(comp).scale].levels.get(grade, a.level)
            rated = Provenance(level, a.rater_type, a.rater, a.date)
            out.append(
                LocalObject(
                    kind=RATING,
                    key=pair(person, comp),
                    data={"user": value, "competency": comp, "grade": grade, "rated": rated.text()},
                )
            )
        return out

    def read(self) -> Iterator[RemoteObject]:
        """The ratings Moodle shows in the people's plans, with who rated and when."""
        self.plans.clear()
        self._in_plans, self._ids = set(), None
        self._refused, self._unsaid = None, []
        if not self.hints.users:
            return
        model = self._model("reading ratings")
        maps = self._maps(model)
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
                    grade, key = int(uc["grade"]), comps[cid]
                    level = maps[model.competency(key).scale].levels.get(grade)
                    rated = self._provenance(f"{person}/{key}", user.id, cid, uc, level)[0]
                    yield RemoteObject(
                        kind=RATING,
                        key=pair(person, key),
                        remote_id=f"{user.id}:{cid}",
                        data={
                            "user": value,
                            "competency": key,
                            "grade": grade,
                            "rated": rated.text() if rated else None,
                        },
                    )
        if self._unsaid:
            self.warn(
                self._unsaid_message()
                + "; the push grades them again (every time, until Moodle shows who rated them)"
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
        rated = data.get("rated")
        note = NOTE_PREFIX + str(rated) if rated else "Rated in competency-core"
        if strip_tags(note) != note:  # never: Provenance.text quotes what strip_tags changes
            raise SyncError(f"the note {note!r} is not plain text (Moodle would refuse it)")
        self.client.call(
            "core_competency_grade_competency",
            {
                "userid": user.id,
                "competencyid": cid,
                "grade": int(str(data["grade"])),
                "note": note,
            },
        )
        return f"{user.id}:{cid}"

    # -- who rated and when ----------------------------------------------------------------
    def _evidence(self, uid: int, cid: int) -> list[dict[str, Any]] | None:
        """A user competency's evidence, or None when Moodle does not show it."""
        if self._refused is not None:
            return None
        try:
            answer = self.client.call(SUMMARY, {"userid": uid, "competencyid": cid})
        except MoodleAccessError as exc:  # the token may not call it, or lacks a capability
            self._refused = f"{SUMMARY} refused: {exc.errorcode}"
            return None
        except MoodleWebServiceError:
            return None
        rows = answer.get("evidence") if isinstance(answer, dict) else None
        return [e for e in rows if isinstance(e, dict)] if isinstance(rows, list) else None

    def _provenance(
        self, where: str, uid: int, cid: int, uc: dict[str, Any], level: int | None
    ) -> tuple[Provenance | None, str | None]:
        """Who rated and when (and the grader's own note), as far as Moodle can say.

        ``level`` is the one the current grade maps to (None: none); a note of ours that
        names another level is not about this grade. None when the grade has no level
        and no note of ours says who gave it.
        """
        evidence = self._evidence(uid, cid)
        ev = grading_evidence(evidence, int(uc["grade"])) if evidence is not None else None
        if ev is not None:
            ours = Provenance.from_note(ev.get("note"))
            if ours is not None and (level is None or ours.level == level):
                return ours, None
            actor, stamp = int(ev.get("actionuserid") or 0), ev.get("timecreated")
            foreign = str(ev.get("note") or "").strip() or None
        else:
            self._unsaid.append(where)
            actor, stamp, foreign = int(uc.get("usermodified") or 0), uc.get("timemodified"), None
        if level is None:
            return None, foreign
        rater = self.directory.user_by_id(actor) if actor else None
        return (
            Provenance(
                level,
                RaterType.SELF if actor == uid else RaterType.MANAGER,
                rater.username if rater else None,
                _day(stamp) if stamp else dt.datetime.now(dt.UTC).date(),
            ),
            foreign,
        )

    def _unsaid_message(self) -> str:
        why = self._refused or "no evidence record set the current grade"
        return (
            f"Moodle does not say who rated {len(self._unsaid)} rating(s) and when ({why}; "
            "e.g. " + ", ".join(self._unsaid[:5]) + "): their rater and date are those of the "
            "user competency's last change (often the sync user and the push date)"
        )

    # -- pull --------------------------------------------------------------------------
    def pull(self) -> Iterator[Assessment]:
        """People's ratings in Moodle as assessments (rater and date where Moodle has them)."""
        model = self._model("pulling ratings")
        maps = self._maps(model)
        self.plans.clear()
        self._ids, self._refused, self._unsaid = None, None, []
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
                    rated, note = self._provenance(f"{person}/{key}", user.id, cid, uc, level)
                    if rated is not None:
                        yield self._assessment(person, key, rated, uc, note)
        if self._unsaid:
            self.skip(Problem(path="ratings", message=self._unsaid_message(), severity="warning"))

    @staticmethod
    def _assessment(
        person: str, key: str, rated: Provenance, uc: dict[str, Any], note: str | None
    ) -> Assessment:
        comment = [f"Moodle: {uc['gradename']}"] if uc.get("gradename") else []
        if note:
            comment.append(f"note: {note}")
        return Assessment(
            person=person,
            competency=key,
            level=rated.level,
            rater_type=rated.rater_type,
            rater=rated.rater,
            date=rated.date,
            evidence=("moodle",),
            comment="; ".join(comment) or None,
        )


__all__ = ["NOTE_PREFIX", "RATING", "SUMMARY", "Provenance", "Ratings", "grading_evidence"]
