"""The ``moodle`` adapter: a Moodle site's competency subsystem as the remote system.

* ``push-model``: framework, scale configuration, competencies, related competencies,
  completion rules, course links and learning-plan templates (:mod:`.model.push`);
* ``pull-model``: a framework back as a model (:mod:`.model.pull`);
* ``assign-learning``: plans for people's roles (individual plans, or the cohort linked to
  the template) and manual enrolments (:mod:`.learning`);
* ``push-ratings`` / ``pull-ratings``: grades both ways (:mod:`.ratings`);
* ``pull-completions``: completed courses of the model's learning resources as ``course``
  evidence (:mod:`.completions`).

Everything is matched by natural keys (idnumbers, the marker line, user and course
fields), so re-running a plan after a failure finishes it without duplicates. Before the
first call of a sync the site is checked: the competency subsystem answers and the token
may call every function the operation needs (all missing ones are named at once).

The learning and rating operations need the model and the people; the CLI hands them over
with :meth:`MoodleAdapter.use_workforce` (a library user calls it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, LearningAssignment, Person
from competency_core.sync import (
    Adapter,
    AdapterSettings,
    Capability,
    Change,
    LocalObject,
    ObjectRef,
    Plan,
    RemoteIds,
    RemoteObject,
    Renames,
    Scope,
)
from competency_moodle.client import MoodleClient
from competency_moodle.completions import Completions
from competency_moodle.directory import Directory
from competency_moodle.functions import Operation, needed_functions
from competency_moodle.learning import COHORT_MEMBER, ENROLMENT, PLAN, Hints, Learning, Plans
from competency_moodle.model.pull import ModelPull
from competency_moodle.model.push import ModelPush
from competency_moodle.ratings import RATING, Ratings
from competency_moodle.settings import MoodleSettings
from competency_moodle.site import SiteInfo, check_site

_OPERATIONS: dict[Capability, Operation] = {
    Capability.PUSH_MODEL: "push-model",
    Capability.PULL_MODEL: "pull-model",
    Capability.ASSIGN_LEARNING: "assign-learning",
    Capability.PUSH_RATINGS: "push-ratings",
    Capability.PULL_RATINGS: "pull-ratings",
    Capability.PULL_COMPLETIONS: "pull-completions",
}
_LEARNING_KINDS = frozenset({PLAN, COHORT_MEMBER, ENROLMENT})


class MoodleAdapter(Adapter[MoodleSettings]):
    """Frameworks, learning and ratings in a Moodle site, through its REST web services."""

    name: ClassVar[str] = "moodle"
    title: ClassVar[str] = (
        "Moodle web services: competency frameworks, course links, templates, plans, "
        "enrolments, ratings and course completion"
    )
    capabilities: ClassVar[frozenset[Capability]] = frozenset(_OPERATIONS)
    settings_model: ClassVar[type[AdapterSettings]] = MoodleSettings
    flush_every: ClassVar[int | None] = 1

    def __init__(self, settings: MoodleSettings, *, session: Any | None = None) -> None:
        super().__init__(settings)
        self.skipped: list[Problem] = []
        self.client = MoodleClient(
            settings.url,
            settings.token,
            session=session,
            timeout=(10.0, settings.timeout),
            retries=settings.retries,
            backoff=settings.backoff,
        )
        self.directory = Directory(self.client, settings.user_field, settings.course_field)
        self.hints = Hints()
        self.plans = Plans(self.client)
        self.model_push = ModelPush(self.client, settings, self.directory, self.warn)
        self.learning = Learning(
            self.client,
            settings,
            self.directory,
            self.model_push,
            self.plans,
            self.hints,
            self.warn,
        )
        self.ratings = Ratings(
            settings,
            self.directory,
            self.model_push,
            self.plans,
            self.hints,
            self.warn,
            self.skipped.append,
        )
        self.completions = Completions(
            self.client, settings, self.directory, self.hints, self.skipped.append
        )
        self._checked: set[Operation] = set()
        self._rating_keys: list[str] = []
        self._scope_key: str | None = None
        self.site: SiteInfo | None = None

    @property
    def target(self) -> str:
        """The site's URL (never the token)."""
        return self.settings.url

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()

    # -- hints from local data ------------------------------------------------------------
    def use_workforce(
        self, people: Iterable[Person] = (), model: CompetencyModel | None = None
    ) -> None:
        """The people and the model that learning and ratings are about."""
        for p in people:
            self.hints.people[p.key] = p
        if model is not None:
            self.hints.model = model

    def prepare(self, plan: Plan) -> None:
        """Learn from a saved plan which people to read (a new process applying it)."""
        self.model_push.learn(plan)
        for change in plan.changes:
            user = (change.data or {}).get("user")
            if change.kind in _LEARNING_KINDS | {RATING} and user:
                self.hints.users.add(str(user))

    # -- the site check -------------------------------------------------------------------
    def check(self, operation: Operation, *, prune: bool = False) -> SiteInfo | None:
        """Check the site once per operation (skipped with ``check_site=false``)."""
        if not self.settings.check_site or operation in self._checked:
            return self.site
        self.site = check_site(
            self.client,
            needed_functions(operation, prune=prune),
            competencies=operation != "pull-completions",
        )
        self._checked.add(operation)
        return self.site

    # -- local objects --------------------------------------------------------------------
    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        """The framework, competencies, rules, course links and templates of ``model``."""
        self.check("push-model")
        if self.hints.model is None:
            self.hints.model = model
        return self.model_push.objects(model)

    def assignment_objects(
        self, assignments: Iterable[LearningAssignment]
    ) -> Iterable[LocalObject]:
        """Plans (or cohort memberships) for the people's roles, and enrolments."""
        self.check("assign-learning")
        return self.learning.objects(assignments)

    def rating_objects(self, assessments: Iterable[Assessment]) -> Iterable[LocalObject]:
        """The latest assessment of each person and competency as a Moodle grade."""
        self.check("push-ratings")
        objects = self.ratings.objects(assessments)
        self._rating_keys = [o.key for o in objects]
        return objects

    # -- renames --------------------------------------------------------------------------
    def object_renames(self, scope: Scope, renames: Renames) -> dict[ObjectRef, str]:
        """Renamed competencies and roles: their competencies and templates, in place.

        A competency gets its new idnumber through ``update_competency`` (its id, and so
        its ratings, plans, course and template links, stay); a role's template gets the
        new role in its marker line. Course links, rules, plans and ratings refer to the
        competency by id, so they follow without a change of their own. Learning
        resources are not objects in Moodle (their courses are found by the course field).
        """
        if scope.operation is not Capability.PUSH_MODEL:
            return {}  # plans and ratings are read through ids: they follow the model push
        return self.model_push.note_renames(renames)

    def rekeyed(self, obj: RemoteObject, renames: Mapping[ObjectRef, str]) -> RemoteObject:
        """A Moodle object as it reads once the renames are done (see ``ModelPush``)."""
        return self.model_push.rekeyed(super().rekeyed(obj, renames), renames)

    # -- the remote side ------------------------------------------------------------------
    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        """The Moodle objects in ``scope``, in the shape of the local objects."""
        self.require(scope.operation)
        self.check(_OPERATIONS[scope.operation])
        if scope.operation is Capability.PUSH_MODEL:
            if not scope.key:
                raise SyncError("a model push needs the model's key")
            yield from self.model_push.read(scope.key)
        elif scope.operation is Capability.ASSIGN_LEARNING:
            yield from self.learning.read()
        elif scope.operation is Capability.PUSH_RATINGS:
            yield from self.ratings.read()
            self.ratings.note_unreadable(self._rating_keys)
            self._rating_keys = []

    def begin(self, plan: Plan) -> None:
        """Check the site for the operation (with the deletes when pruning)."""
        self.prepare(plan)
        self._scope_key = plan.scope.key
        if plan.prune:
            self._checked.discard(_OPERATIONS[plan.scope.operation])
            self.check(_OPERATIONS[plan.scope.operation], prune=True)

    def create(self, change: Change, ids: RemoteIds) -> str:
        """Create the object of a change in Moodle; its Moodle id."""
        if change.kind in _LEARNING_KINDS:
            return self.learning.create(change)
        if change.kind == RATING:
            return self.ratings.grade(change)
        return self.model_push.create(change, ids, self._framework_key(ids))

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        """Bring a Moodle object in line with the change (only the calls needed)."""
        if change.kind in _LEARNING_KINDS:
            self.learning.update(change, remote_id)
        elif change.kind == RATING:
            self.ratings.grade(change)
        else:
            self.model_push.update(change, remote_id, ids, self._framework_key(ids))

    def delete(self, change: Change, remote_id: str) -> None:
        """Delete a Moodle object (pruning); Moodle's refusals become errors."""
        if change.kind in _LEARNING_KINDS:
            self.learning.delete(change, remote_id)
        elif change.kind == RATING:
            raise SyncError("Moodle has no web service that removes a rating")
        else:
            self.model_push.delete(change, remote_id)

    def _framework_key(self, ids: RemoteIds) -> str:
        if self._scope_key:
            return self._scope_key
        keys = [ref.key for ref in ids if ref.kind == "framework"]
        if len(keys) == 1:
            return keys[0]
        raise SyncError("cannot tell which framework the change belongs to")

    # -- reads ----------------------------------------------------------------------------
    def pull_model(
        self, key: str | None = None, *, base: CompetencyModel | None = None
    ) -> CompetencyModel:
        """The framework ``key`` (or the only one) with its competencies and templates.

        ``base`` (default: the model handed over with :meth:`use_workforce`, i.e. the
        CLI's ``--model FILE``) gives what Moodle cannot store; see
        :meth:`competency_moodle.model.pull.ModelPull.pull`.
        """
        self.check("pull-model")
        if base is None:
            base = self.hints.model
        return ModelPull(self.model_push, self.skipped.append).pull(key, base)

    def pull_ratings(self) -> Iterator[Assessment]:
        """People's ratings from their Moodle plans, as assessments."""
        self.check("pull-ratings")
        return self.ratings.pull()

    def pull_completions(self) -> Iterator[Evidence]:
        """The people's completed courses (the model's learning resources) as evidence."""
        self.check("pull-completions")
        return self.completions.pull()


__all__ = ["MoodleAdapter", "MoodleSettings"]
