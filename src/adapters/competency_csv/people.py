"""The people file: one row per person (``push-people`` / ``pull-people``).

Columns: **id**, **name**, email, role, department, manager, team, job_level; any other
column is one of the person's attributes, under the column's own name. ``id`` is also
found under ``key``, ``person`` or ``person_id``, and ``email`` under ``e-mail``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from competency_core.people import Person
from competency_csv.tables import Cells, TableSpec, read_table

_KNOWN = frozenset({"id", "name", "email", "role", "department", "manager", "team", "job_level"})


def _people_data(c: Cells) -> dict[str, Any]:
    data: dict[str, Any] = {"key": c["id"]} if "id" in c else {}
    data |= {k: v for k, v in c.items() if k in _KNOWN - {"id"}}
    attrs = {k: v for k, v in c.items() if k not in _KNOWN}
    if attrs:
        data["attributes"] = attrs
    return data


def _people_cells(p: Person) -> Cells:
    out = {
        "id": p.key,
        "name": p.name,
        "email": p.email,
        "role": p.role,
        "department": p.department,
        "manager": p.manager,
        "team": p.team,
        "job_level": p.job_level,
    }
    cells = {k: v for k, v in out.items() if v}
    cells |= {k: v for k, v in p.attributes.items() if v}
    return cells


PEOPLE: TableSpec[Person] = TableSpec(
    kind="person",
    model=Person,
    columns=("id", "name", "email", "role", "department", "manager", "team", "job_level"),
    required=("id", "name"),
    to_data=_people_data,
    to_cells=_people_cells,
    key=lambda p: p.key,
    extra_columns=True,
    aliases={"key": "id", "person": "id", "person_id": "id", "e_mail": "email"},
    field_columns={"key": "id"},
)
"""People: id, name, email, role, department, manager, team, job_level; other columns are
kept as the person's attributes."""


def read_people(path: str | os.PathLike[str], **options: Any) -> Iterator[Person]:
    """Stream people from a CSV file (options: those of :func:`.tables.read_table`)."""
    return read_table(path, PEOPLE, **options)


__all__ = ["PEOPLE", "read_people"]
