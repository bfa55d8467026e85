"""The assessments file: one row per rating (``push-ratings`` / ``pull-ratings``).

Columns: **person**, **competency**, **level**, **date** (ISO), rater_type, rater, scale,
expires, evidence (one item per line), model_version, comment. A row's key is the person,
competency, rater type, rater and date.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from competency_core.people import Assessment
from competency_csv.tables import Cells, TableSpec, read_table


def _assessment_data(c: Cells) -> dict[str, Any]:
    data: dict[str, Any] = dict(c)
    if "evidence" in data:
        data["evidence"] = [e for e in data["evidence"].split("\n") if e.strip()]
    return data


def _assessment_cells(a: Assessment) -> Cells:
    out: dict[str, str | None] = {
        "person": a.person,
        "competency": a.competency,
        "level": str(a.level),
        "date": a.date.isoformat(),
        "rater_type": a.rater_type.value,
        "rater": a.rater,
        "scale": a.scale,
        "expires": a.expires.isoformat() if a.expires else None,
        "evidence": "\n".join(a.evidence) or None,
        "model_version": a.model_version,
        "comment": a.comment,
    }
    return {k: v for k, v in out.items() if v}


def _assessment_key(a: Assessment) -> str:
    rater = (a.rater or "").strip()  # as a file gives it back
    return "|".join((a.person, a.competency, a.rater_type.value, rater, a.date.isoformat()))


ASSESSMENTS: TableSpec[Assessment] = TableSpec(
    kind="assessment",
    model=Assessment,
    columns=(
        "person",
        "competency",
        "level",
        "date",
        "rater_type",
        "rater",
        "scale",
        "expires",
        "evidence",
        "model_version",
        "comment",
    ),
    required=("person", "competency", "level", "date"),
    to_data=_assessment_data,
    to_cells=_assessment_cells,
    key=_assessment_key,
)
"""Assessments: person, competency, level, date (ISO), rater_type, rater, scale, expires,
evidence (one item per line), model_version, comment."""


def read_assessments(path: str | os.PathLike[str], **options: Any) -> Iterator[Assessment]:
    """Stream assessments from a CSV file (options: those of :func:`.tables.read_table`)."""
    return read_table(path, ASSESSMENTS, **options)


__all__ = ["ASSESSMENTS", "read_assessments"]
