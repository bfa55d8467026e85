"""The learning-assignments file: one row per assignment (``assign-learning`` / ``pull-learning``).

Columns: **person**, **resource**, **assigned** (ISO date), due, status, completed. A
row's key is the person and the resource. Its completed rows (status ``completed`` with a
``completed`` date) are also the completed courses ``pull-completions`` reads, as
``course`` evidence of the resource (:func:`completions`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from competency_core.people import AssignmentStatus, Evidence, EvidenceKind, LearningAssignment
from competency_csv.tables import Cells, TableSpec, read_table


def _assignment_cells(a: LearningAssignment) -> Cells:
    out: dict[str, str | None] = {
        "person": a.person,
        "resource": a.resource,
        "assigned": a.assigned.isoformat(),
        "due": a.due.isoformat() if a.due else None,
        "status": a.status.value,
        "completed": a.completed.isoformat() if a.completed else None,
    }
    return {k: v for k, v in out.items() if v}


ASSIGNMENTS: TableSpec[LearningAssignment] = TableSpec(
    kind="assignment",
    model=LearningAssignment,
    columns=("person", "resource", "assigned", "due", "status", "completed"),
    required=("person", "resource", "assigned"),
    to_data=dict,
    to_cells=_assignment_cells,
    key=lambda a: f"{a.person}|{a.resource}",
)
"""Learning assignments: person, resource, assigned, due, status, completed."""


def read_assignments(path: str | os.PathLike[str], **options: Any) -> Iterator[LearningAssignment]:
    """Stream learning assignments from a CSV file (options: :func:`.tables.read_table`'s)."""
    return read_table(path, ASSIGNMENTS, **options)


def completions(assignments: Iterator[LearningAssignment], source: str) -> Iterator[Evidence]:
    """The completed assignments (with a completion date) as ``course`` evidence."""
    for a in assignments:
        if a.status is AssignmentStatus.COMPLETED and a.completed is not None:
            yield Evidence(
                kind=EvidenceKind.COURSE,
                person=a.person,
                resource=a.resource,
                date=a.completed,
                source=source,
            )


__all__ = ["ASSIGNMENTS", "completions", "read_assignments"]
