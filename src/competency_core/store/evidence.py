"""Evidence in the store: certifications, courses, badges, xAPI statements and ratings.

A piece of evidence is stored once per person and :attr:`Evidence.id
<competency_core.people.Evidence.id>` (the source's own identifier, else one derived from
what the piece says), so importing the same file, badge or statement again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Text, insert, or_, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from competency_core.errors import UnknownKeyError
from competency_core.model import CompetencyModel
from competency_core.people import Evidence
from competency_core.store.assignments import AssignmentRepository
from competency_core.store.core import now
from competency_core.store.schema import EvidenceRow, PersonRow

EVIDENCE = cast(Table, EvidenceRow.__table__)  # Core table: bulk inserts skip the ORM

_OPTIONAL = (
    "competency",
    "resource",
    "level",
    "scale",
    "valid_until",
    "rater_type",
    "asserted_by",
    "source",
    "name",
    "model_version",
    "identifier",
)
_CHUNK = 1000


def evidence_values(e: Evidence, model: str | None, stamp: dt.datetime) -> dict[str, Any]:
    """The row of a piece of evidence recorded for ``model`` (None: for any model)."""
    return {
        "person": e.person,
        "evidence_id": e.id,
        "kind": e.kind.value,
        "competency": e.competency,
        "resource": e.resource,
        "level": e.level,
        "scale": e.scale,
        "date": e.date,
        "valid_until": e.valid_until,
        "rater_type": None if e.rater_type is None else e.rater_type.value,
        "asserted_by": e.asserted_by,
        "source": e.source,
        "name": e.name,
        "model_key": model,
        "model_version": e.model_version,
        "identifier": e.identifier,
        "details": dict(e.details),
        "recorded_at": stamp,
    }


# what the store reads of a piece: the details (nearly always empty) as text, decoded only
# when they hold something
READ_EVIDENCE = (
    *(EVIDENCE.c[f] for f in ("kind", "person", "date", *_OPTIONAL, "model_key")),
    type_coerce(EVIDENCE.c.details, Text).label("details"),
)


def evidence_of(row: Any) -> Evidence:
    """A piece of evidence from its row, given only what the row holds (as a file would)."""
    m = row._mapping
    fields: dict[str, Any] = {"kind": m["kind"], "person": m["person"], "date": m["date"]}
    for name in _OPTIONAL:
        if (value := m[name]) is not None:
            fields[name] = value
    details = m["details"]
    if isinstance(details, str):  # read as text (see READ_EVIDENCE): decoded when not empty
        details = json.loads(details) if details != "{}" else None
    if details:
        fields["details"] = details
    return Evidence.model_validate(fields)


def of_model(key: str) -> ColumnElement[bool]:
    """Evidence recorded for model ``key`` or for no model in particular."""
    return or_(EVIDENCE.c.model_key == key, EVIDENCE.c.model_key.is_(None))


def about_model(
    items: Iterable[tuple[Evidence, str | None]], model: CompetencyModel | str
) -> list[Evidence]:
    """The pieces read for ``model``: its own, and the model-less ones about its keys.

    ``items`` pairs each piece with the model it was recorded for. Evidence recorded for no
    model is kept only when its competency or learning resource is in ``model`` (a
    :class:`~competency_core.model.CompetencyModel`; given only a key, all are kept).
    """
    if isinstance(model, str):
        return [e for e, _ in items]
    resources = {r.key for r in model.learning_resources}
    out: list[Evidence] = []
    for e, recorded_for in items:
        if recorded_for is None and not (
            (e.competency is not None and model.has_competency(e.competency))
            or (e.competency is None and e.resource in resources)
        ):
            continue
        out.append(e)
    return out


class EvidenceRepository(AssignmentRepository):
    """The evidence part of :class:`~competency_core.store.Store`."""

    def _insert_ignoring_duplicates(self, s: Session, rows: list[dict[str, Any]]) -> None:
        ins: Any
        if self.dialect == "postgresql":
            ins = postgresql.insert(EVIDENCE)
        elif self.dialect == "sqlite":
            ins = sqlite.insert(EVIDENCE)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            s.execute(insert(EVIDENCE), rows)
            return
        s.execute(ins.on_conflict_do_nothing(index_elements=["person", "evidence_id"]), rows)

    def add_evidence(self, items: Iterable[Evidence], *, model: str | None = None) -> int:
        """Record evidence (all or nothing); returns how many pieces were new.

        A piece is stored once per person and :attr:`~competency_core.people.Evidence.id`:
        one the store already holds (or one given twice) is left out, so importing the same
        certifications, badges or statements again adds nothing. ``model`` is the key of the
        model it was recorded for; without one, the piece belongs to every model that has
        its competency or learning resource (see :meth:`workforce`). Every person must be
        in the store (:class:`UnknownKeyError` names the first that is not).
        """
        stamp = now()
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for e in items:
            fresh.setdefault((e.person, e.id), evidence_values(e, model, stamp))
        if not fresh:
            return 0
        with self.transaction() as s:
            people = sorted({p for p, _ in fresh})
            for i in range(0, len(people), _CHUNK):
                chunk = people[i : i + _CHUNK]
                found = set(s.scalars(select(PersonRow.key).where(PersonRow.key.in_(chunk))))
                missing = [k for k in chunk if k not in found]
                if missing:
                    raise UnknownKeyError("person", missing[0])
                held = select(EVIDENCE.c.person, EVIDENCE.c.evidence_id).where(
                    EVIDENCE.c.person.in_(chunk)
                )
                for person, ident in s.execute(held):
                    fresh.pop((person, ident), None)
            rows = list(fresh.values())
            for i in range(0, len(rows), 5000):
                self._insert_ignoring_duplicates(s, rows[i : i + 5000])
        return len(rows)

    def evidence(
        self,
        person: str | None = None,
        competency: str | None = None,
        *,
        model: str | None = None,
        as_of: dt.date | None = None,
    ) -> list[Evidence]:
        """The stored evidence (of a person, of a competency, of a model, earned by ``as_of``).

        ``model`` keeps the pieces recorded for that model or for none. Ordered by person,
        date and the order they were recorded in.
        """
        stmt = select(*READ_EVIDENCE)
        if person is not None:
            stmt = stmt.where(EVIDENCE.c.person == person)
        if competency is not None:
            stmt = stmt.where(EVIDENCE.c.competency == competency)
        if model is not None:
            stmt = stmt.where(of_model(model))
        if as_of is not None:
            stmt = stmt.where(EVIDENCE.c.date <= as_of)
        stmt = stmt.order_by(EVIDENCE.c.person, EVIDENCE.c.date, EVIDENCE.c.id)
        with self.transaction() as s:
            return [evidence_of(r) for r in s.execute(stmt)]

    def count_evidence(self) -> int:
        """How many pieces of evidence are stored."""
        with self.transaction() as s:
            return self._count(s, EVIDENCE)


__all__ = [
    "EVIDENCE",
    "READ_EVIDENCE",
    "EvidenceRepository",
    "about_model",
    "evidence_of",
    "evidence_values",
]
