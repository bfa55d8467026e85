"""Learning in Moodle: plans for people's roles, cohort membership, course enrolments.

Objects of ``assign-learning``:

* ``plan`` (key ``person|role``): an individual learning plan named after the role's
  template, created active with the template's competencies and those the person's
  assigned learning develops (a development plan's resources: their courses are linked to
  these competencies, so the plan shows them). Moodle refuses to create a template-based
  plan through web services (``create_plan`` with a ``templateid``), so this is one of the
  two ways it allows;
* ``cohort-member`` (key ``person|role``), with ``plans='cohort'``: the person joins the
  cohort an administrator linked to the role's template; Moodle's hourly task then
  creates the template-based plan itself;
* ``enrolment`` (key ``person|course``): a manual enrolment in the Moodle course of an
  assigned learning resource. The web services the adapter uses cannot list enrolments,
  so enrolments are always planned (enrolling again is harmless in Moodle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.people import AssignmentStatus, LearningAssignment, Person
from competency_core.sync import Change, LocalObject, RemoteObject
from competency_moodle.client import MoodleClient
from competency_moodle.directory import Directory, MoodleUser, course_ref, not_found_note
from competency_moodle.model.objects import json_names
from competency_moodle.model.push import ModelPush
from competency_moodle.settings import MoodleSettings
from competency_moodle.texts import read_name, shortname

PLAN = "plan"
COHORT_MEMBER = "cohort-member"
ENROLMENT = "enrolment"
ACTIVE = 1


def pair(a: str, b: str) -> str:
    """The key of an object about a person and something else."""
    return f"{a}|{b}"


@dataclass
class Hints:
    """What the adapter knows locally: the model and the people (to match and to read)."""

    model: CompetencyModel | None = None
    people: dict[str, Person] = field(default_factory=dict)
    users: set[str] = field(default_factory=set)
    """Moodle match values of the people a read covers."""

    def user_value(self, person: Person, user_field: str) -> str | None:
        """The value a person is matched by in Moodle."""
        return person.email if user_field == "email" else person.key


class Plans:
    """A user's plans and their competencies with ratings, read once per sync."""

    def __init__(self, client: MoodleClient) -> None:
        self.client = client
        self._plans: dict[int, list[dict[str, Any]]] = {}
        self._rows: dict[int, list[dict[str, Any]]] = {}

    def clear(self) -> None:
        """Forget what was read."""
        self._plans.clear()
        self._rows.clear()

    def of_user(self, uid: int) -> list[dict[str, Any]]:
        """The user's plans."""
        if uid not in self._plans:
            rows = self.client.call("core_competency_list_user_plans", {"userid": uid})
            self._plans[uid] = list(rows or ())
        return self._plans[uid]

    def competencies(self, plan: dict[str, Any]) -> list[dict[str, Any]]:
        """The plan's rows: ``competency`` and ``usercompetency`` or ``usercompetencyplan``."""
        pid = int(plan["id"])
        if pid not in self._rows:
            rows = self.client.call("core_competency_list_plan_competencies", {"id": pid})
            self._rows[pid] = list(rows or ())
        return self._rows[pid]


class Learning:
    """The ``assign-learning`` side of the adapter."""

    def __init__(
        self,
        client: MoodleClient,
        settings: MoodleSettings,
        directory: Directory,
        model_push: ModelPush,
        plans: Plans,
        hints: Hints,
        warn: Callable[[str], None],
    ) -> None:
        self.client = client
        self.settings = settings
        self.directory = directory
        self.model_push = model_push
        self.plans = plans
        self.hints = hints
        self.warn = warn
        self._cohort_ids: dict[str, int] = {}
        self._plan_members: dict[str, set[int]] = {}
        self._ids: dict[str, int] | None = None

    # -- local objects -----------------------------------------------------------------
    def _model(self) -> CompetencyModel:
        if self.hints.model is None:
            raise SyncError(
                "learning needs the model the people belong to (--model FILE): its roles "
                "name the templates and its learning resources the courses"
            )
        return self.hints.model

    def _users(self, people: Iterable[Person]) -> dict[str, MoodleUser]:
        """The Moodle users of ``people`` by person key; one warning lists those not found."""
        values: dict[str, str] = {}
        missing: list[str] = []
        for p in people:
            v = self.hints.user_value(p, self.settings.user_field)
            if v:
                values[p.key] = v
            else:
                missing.append(f"{p.key} (no email)")
        found = self.directory.users(values.values())
        out: dict[str, MoodleUser] = {}
        for key, v in values.items():
            user = found.get(v)
            if user is None:
                missing.append(key if v == key else f"{key} ({v})")
            else:
                out[key] = user
        if missing:
            self.warn(not_found_note("person(s)", sorted(missing), self.settings.user_field))
        return out

    def objects(self, assignments: Iterable[LearningAssignment]) -> list[LocalObject]:
        """Plans (or cohort memberships) for people's roles, and enrolments."""
        model = self._model()
        assignments = list(assignments)
        learning = self._assigned_competencies(assignments, model)
        people = list(self.hints.people.values())
        users = self._users(people)
        self.hints.users |= {self._value(u) for u in users.values()}
        out: list[LocalObject] = []
        roles = {r.key: r for r in model.roles}
        keys = {c.key for c in model.competencies}
        no_cohort: set[str] = set()
        for person in people:
            user = users.get(person.key)
            if user is None or person.role is None or person.role not in roles:
                continue
            role = roles[person.role]
            value = self._value(user)
            if self.settings.plans == "individual":
                comps = sorted(
                    {r.competency for r in role.requirements if r.competency in keys}
                    | learning.get(person.key, set())
                )
                out.append(
                    LocalObject(
                        kind=PLAN,
                        key=pair(person.key, role.key),
                        data={
                            "user": value,
                            "name": shortname(model.text(role.title)),
                            "competencies": json_names(comps),
                        },
                    )
                )
            elif self.settings.plans == "cohort":
                cohort = self.settings.cohorts.get(role.key)
                if cohort is None:
                    no_cohort.add(role.key)
                    continue
                out.append(
                    LocalObject(
                        kind=COHORT_MEMBER,
                        key=pair(person.key, role.key),
                        data={"user": value, "cohort": cohort},
                    )
                )
        if no_cohort:
            self.warn(
                f"no cohort is set for the role(s) {', '.join(sorted(no_cohort))}: their people "
                "get no plan (link a cohort to the role's template in Moodle, then set "
                "cohorts={role: cohort idnumber})"
            )
        out += self._enrolments(assignments, model)
        return out

    @staticmethod
    def _assigned_competencies(
        assignments: Iterable[LearningAssignment], model: CompetencyModel
    ) -> dict[str, set[str]]:
        """Per person, the competencies their assigned learning develops (cancelled left out)."""
        keys = {c.key for c in model.competencies}
        develops = {
            r.key: {d.competency for d in r.develops if d.competency in keys}
            for r in model.learning_resources
        }
        out: dict[str, set[str]] = {}
        for a in assignments:
            if a.status is not AssignmentStatus.CANCELLED:
                out.setdefault(a.person, set()).update(develops.get(a.resource, ()))
        return out

    def _enrolments(
        self, assignments: Iterable[LearningAssignment], model: CompetencyModel
    ) -> list[LocalObject]:
        resources = {r.key: course_ref(r.external_ids) for r in model.learning_resources}
        wanted = [
            a
            for a in assignments
            if a.status is not AssignmentStatus.CANCELLED and resources.get(a.resource)
        ]
        people = [self.hints.people[a.person] for a in wanted if a.person in self.hints.people]
        unknown = sorted({a.person for a in wanted if a.person not in self.hints.people})
        if unknown:
            self.warn(f"assignments of people not in the people list: {', '.join(unknown)}")
        users = self._users({p.key: p for p in people}.values())
        self.hints.users |= {self._value(u) for u in users.values()}
        out: dict[str, LocalObject] = {}
        missing: set[str] = set()
        for a in wanted:
            ref = str(resources[a.resource])
            user = users.get(a.person)
            if user is None:
                continue
            if self.directory.course(ref) is None:
                missing.add(f"{ref} (resource {a.resource})")
                continue
            key = pair(a.person, ref)
            out[key] = LocalObject(
                kind=ENROLMENT,
                key=key,
                data={
                    "user": self._value(user),
                    "course": ref,
                    "role": self.settings.student_role_id,
                },
            )
        if missing:
            self.warn(not_found_note("course(s)", sorted(missing), self.settings.course_field))
        if out:
            self.warn(
                f"{len(out)} enrolment(s) are always planned: the web services used cannot list "
                "enrolments (enrolling again changes nothing in Moodle)"
            )
        return list(out.values())

    def _value(self, user: MoodleUser) -> str:
        return str(getattr(user, self.settings.user_field))

    # -- reading Moodle ----------------------------------------------------------------
    def read(self) -> Iterator[RemoteObject]:
        """Plans or cohort memberships of the people in the hints."""
        self.plans.clear()
        self._plan_members, self._ids = {}, None
        if not self.hints.users:
            return
        by_value = {
            str(v): k
            for k, p in self.hints.people.items()
            if (v := self.hints.user_value(p, self.settings.user_field))
        }
        users = {v: u for v, u in self.directory.users(sorted(self.hints.users)).items() if u}
        if self.settings.plans == "individual":
            model = self._model()
            titles = {shortname(model.text(r.title)): r.key for r in model.roles}
            fw = self.model_push.find_framework(model.key)
            comps: dict[int, str] = {}
            if fw is not None:
                rows = self.client.call(
                    "core_competency_search_competencies",
                    {"searchtext": "", "competencyframeworkid": int(fw["id"])},
                )
                comps = {int(c["id"]): str(c["idnumber"]) for c in rows or ()}
            for value, user in sorted(users.items()):
                person = by_value.get(value, value)
                for plan in self.plans.of_user(user.id):
                    role = titles.get(read_name(plan.get("name")))
                    if role is None or plan.get("templateid"):
                        continue
                    key = pair(person, role)
                    rows = self.plans.competencies(plan)
                    ids = {int((r.get("competency") or {}).get("id", 0)) for r in rows}
                    self._plan_members[key] = ids
                    yield RemoteObject(
                        kind=PLAN,
                        key=key,
                        remote_id=str(plan["id"]),
                        data={
                            "user": value,
                            "name": read_name(plan.get("name")),
                            "competencies": json_names(comps[i] for i in ids if i in comps),
                        },
                    )
        elif self.settings.plans == "cohort" and self.settings.cohorts:
            cohorts = self.client.call("core_cohort_get_cohorts", {})
            self._cohort_ids = {
                str(c.get("idnumber")): int(c["id"]) for c in cohorts or () if c.get("idnumber")
            }
            role_of = {cohort: role for role, cohort in self.settings.cohorts.items()}
            wanted = [self._cohort_ids[c] for c in role_of if c in self._cohort_ids]
            if not wanted:
                return
            members = self.client.call("core_cohort_get_cohort_members", {"cohortids": wanted})
            by_id = {u.id: v for v, u in users.items()}
            idnumber = {cid: c for c, cid in self._cohort_ids.items()}
            for row in members or ():
                cohort = idnumber.get(int(row.get("cohortid", 0)))
                for uid in row.get("userids") or ():
                    member = by_id.get(int(uid))
                    if member is None or cohort is None:
                        continue
                    yield RemoteObject(
                        kind=COHORT_MEMBER,
                        key=pair(by_value.get(member, member), role_of[cohort]),
                        remote_id=f"{row['cohortid']}:{uid}",
                        data={"user": member, "cohort": cohort},
                    )

    # -- writes ------------------------------------------------------------------------
    def _user_id(self, change: Change) -> int:
        value = str((change.data or {})["user"])
        user = self.directory.user(value)
        if user is None:
            raise SyncError(f"no Moodle user has the {self.settings.user_field} {value!r}")
        return user.id

    def _competency_ids(self, keys: Iterable[str]) -> tuple[dict[str, int], set[int]]:
        model = self._model()
        if self._ids is None:
            fw = self.model_push.find_framework(model.key)
            if fw is None:
                raise SyncError(
                    f"the framework {model.key!r} is not in Moodle: push the model first"
                )
            rows = self.client.call(
                "core_competency_search_competencies",
                {"searchtext": "", "competencyframeworkid": int(fw["id"])},
            )
            self._ids = {str(c["idnumber"]): int(c["id"]) for c in rows or ()}
        ids = self._ids
        wanted = list(keys)
        missing = [k for k in wanted if k not in ids]
        if missing:
            raise SyncError(
                f"competencies not in the Moodle framework {model.key!r}: {', '.join(missing)} "
                "(push the model first)"
            )
        return {k: ids[k] for k in wanted}, set(ids.values())

    def create(self, change: Change) -> str:
        """Create a plan, a cohort membership or an enrolment."""
        data = change.data or {}
        uid = self._user_id(change)
        if change.kind == PLAN:
            answer = self.client.call(
                "core_competency_create_plan",
                {"plan": {"name": data["name"], "userid": uid, "status": ACTIVE}},
            )
            pid = int(answer["id"])
            self._plan_competencies(change, pid, set())
            return str(pid)
        if change.kind == COHORT_MEMBER:
            cohort = str(data["cohort"])
            answer = self.client.call(
                "core_cohort_add_cohort_members",
                {
                    "members": [
                        {
                            "cohorttype": {"type": "idnumber", "value": cohort},
                            "usertype": {"type": "id", "value": str(uid)},
                        }
                    ]
                },
            )
            warnings = (answer or {}).get("warnings") or []
            if warnings:
                raise SyncError(
                    f"Moodle did not add the user to the cohort {cohort!r}: "
                    + "; ".join(f"{w.get('item')} {w.get('itemid')}" for w in warnings)
                    + " (is there a cohort with this idnumber?)"
                )
            return f"{self._cohort_ids.get(cohort, cohort)}:{uid}"
        if change.kind == ENROLMENT:
            course = self.directory.course(str(data["course"]))
            if course is None:
                raise SyncError(f"the Moodle course {data['course']!r} was not found")
            self.client.call(
                "enrol_manual_enrol_users",
                {
                    "enrolments": [
                        {
                            "roleid": int(str(data["role"])),
                            "userid": uid,
                            "courseid": int(course["id"]),
                        }
                    ]
                },
            )
            return f"{course['id']}:{uid}"
        raise SyncError(f"the moodle adapter does not know the object kind {change.kind!r}")

    def update(self, change: Change, remote_id: str) -> None:
        """Bring a plan's competencies (or a membership, an enrolment) in line."""
        if change.kind == PLAN:
            self._plan_competencies(
                change, int(remote_id), self._plan_members.get(change.key, set())
            )
            return
        self.create(change)

    def delete(self, change: Change, remote_id: str) -> None:
        """Delete a plan, leave a cohort, or unenrol (only with pruning)."""
        if change.kind == PLAN:
            self.client.call("core_competency_delete_plan", {"id": int(remote_id)})
            return
        first, _, second = remote_id.partition(":")
        if change.kind == COHORT_MEMBER:
            self.client.call(
                "core_cohort_delete_cohort_members",
                {"members": [{"cohortid": int(first), "userid": int(second)}]},
            )
            return
        if change.kind == ENROLMENT:
            self.client.call(
                "enrol_manual_unenrol_users",
                {"enrolments": [{"userid": int(second), "courseid": int(first)}]},
            )
            return
        raise SyncError(f"the moodle adapter does not know the object kind {change.kind!r}")

    def _plan_competencies(self, change: Change, pid: int, have: set[int]) -> None:
        listed = (change.data or {}).get("competencies")
        keys = [str(k) for k in listed] if isinstance(listed, list) else []
        ids, ours = self._competency_ids(keys)
        for key in keys:
            if ids[key] not in have:
                self.client.call(
                    "core_competency_add_competency_to_plan",
                    {"planid": pid, "competencyid": ids[key]},
                )
        want = set(ids.values())
        for cid in sorted((have - want) & ours):
            self.client.call(
                "core_competency_remove_competency_from_plan",
                {"planid": pid, "competencyid": cid},
            )


__all__ = ["COHORT_MEMBER", "ENROLMENT", "PLAN", "Hints", "Learning", "Plans", "pair"]
