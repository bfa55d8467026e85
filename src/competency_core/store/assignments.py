"""Learning assignments in the store: written by model, person, resource and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, select

from competency_core.errors import UnknownKeyError
from competency_core.people import AssignmentStatus, LearningAssignment
from competency_core.store.core import now
from competency_core.store.model_versions import ModelVersions
from competency_core.store.schema import AssignmentRow, PersonRow

ASSIGNMENTS = cast(Table, AssignmentRow.__table__)
_KEYS = ("model_key", "person", "resource", "assigned")


def assignment_values(a: LearningAssignment, model: str) -> dict[str, Any]:
    """The row of an assignment of ``model``."""
    return {
        "model_key": model,
        "person": a.person,
        "resource": a.resource,
        "assigned": a.assigned,
        "due": a.due,
        "status": a.status.value,
        "completed": a.completed,
        "revision": 1,
        "updated_at": now(),
    }


def assignment_of(row: Any) -> LearningAssignment:
    """An assignment from its row (an ORM row or a Core row with the same columns)."""
    return LearningAssignment(
        person=row.person,
        resource=row.resource,
        assigned=row.assigned,
        due=row.due,
        status=AssignmentStatus(row.status),
        completed=row.completed,
    )


class AssignmentRepository(ModelVersions):
    """The learning assignments part of :class:`~competency_core.store.Store`."""

    def add_assignments(self, assignments: Iterable[LearningAssignment], *, model: str) -> int:
        """Write assignments of ``model`` (all or nothing); returns how many were written.

        An assignment is identified by its person, resource and assignment date: writing
        it again updates its status, due and completion dates. Every person must be in the
        store (:class:`UnknownKeyError` names the first that is not).
        """
        rows = {
            (model, a.person, a.resource, a.assigned): assignment_values(a, model)
            for a in assignments
        }
        values = list(rows.values())
        with self.transaction() as s:
            keys = sorted({r["person"] for r in values})
            found: set[str] = set()
            for i in range(0, len(keys), 1000):
                chunk = keys[i : i + 1000]
                found.update(s.scalars(select(PersonRow.key).where(PersonRow.key.in_(chunk))))
            missing = [k for k in keys if k not in found]
            if missing:
                raise UnknownKeyError("person", missing[0])
            for i in range(0, len(values), 1000):
                self._upsert(s, ASSIGNMENTS, values[i : i + 1000], _KEYS)
        return len(values)

    def assignments(
        self,
        model: str,
        *,
        person: str | None = None,
        as_of: dt.date | None = None,
    ) -> list[LearningAssignment]:
        """The learning assignments of ``model`` (of one person; made by ``as_of``).

        Ordered by person, assignment date and resource.
        """
        stmt = select(ASSIGNMENTS).where(ASSIGNMENTS.c.model_key == model)
        if person is not None:
            stmt = stmt.where(ASSIGNMENTS.c.person == person)
        if as_of is not None:
            stmt = stmt.where(ASSIGNMENTS.c.assigned <= as_of)
        stmt = stmt.order_by(ASSIGNMENTS.c.person, ASSIGNMENTS.c.assigned, ASSIGNMENTS.c.resource)
        with self.transaction() as s:
            return [assignment_of(r) for r in s.execute(stmt)]


__all__ = ["AssignmentRepository", "assignment_of", "assignment_values"]
