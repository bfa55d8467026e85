"""People and assessments in the store, and carrying assessments between model versions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, Text, delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from competency_core.errors import CompetencyError, UnknownKeyError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, Workforce
from competency_core.store.assignments import ASSIGNMENTS, assignment_of
from competency_core.store.core import now
from competency_core.store.evidence import (
    EVIDENCE,
    READ_EVIDENCE,
    EvidenceRepository,
    about_model,
    evidence_of,
    of_model,
)
from competency_core.store.schema import AssessmentRow, PersonRow
from competency_core.store.workforce_check import WorkforceCheck, check_workforce
from competency_core.versioning.migrate import (
    MigrationMapping,
    MigrationReport,
    migrate_assessments,
)

ASSESSMENTS = cast(Table, AssessmentRow.__table__)  # Core table: bulk inserts skip the ORM

_ASSESSMENT_FIELDS = (
    "person",
    "competency",
    "level",
    "scale",
    "rater",
    "date",
    "expires",
    "model_version",
    "comment",
)


def _person_values(p: Person) -> dict[str, Any]:
    return {
        "key": p.key,
        "name": p.name,
        "email": p.email,
        "role": p.role,
        "department": p.department,
        "team": p.team,
        "manager": p.manager,
        "job_level": p.job_level,
        "attributes": dict(p.attributes),
        "revision": 1,
        "updated_at": now(),
    }


def _person(row: PersonRow) -> Person:
    return Person(
        key=row.key,
        name=row.name,
        email=row.email,
        role=row.role,
        department=row.department,
        team=row.team,
        manager=row.manager,
        job_level=row.job_level,
        attributes=row.attributes,
    )


def _identity(a: Assessment) -> tuple[Any, ...]:
    """What makes two assessments of one model the same (everything they say)."""
    return (*(getattr(a, f) for f in _ASSESSMENT_FIELDS), a.rater_type.value, tuple(a.evidence))


# what Store.workforce reads of an assessment; the evidence (nearly always an empty list)
# as text, decoded only when it holds something
_READ = (
    *(ASSESSMENTS.c[f] for f in (*_ASSESSMENT_FIELDS, "rater_type", "migrated_from", "id")),
    type_coerce(ASSESSMENTS.c.evidence, Text).label("evidence"),
)
_OPTIONAL = ("scale", "rater", "expires", "model_version", "comment")


def _assessment(row: Any) -> Assessment:
    """An assessment from its row, given only what the row holds (as a file would)."""
    fields: dict[str, Any] = {
        "person": row.person,
        "competency": row.competency,
        "level": row.level,
        "rater_type": row.rater_type,
        "date": row.date,
    }
    for name in _OPTIONAL:
        if (value := getattr(row, name)) is not None:
            fields[name] = value
    evidence = row.evidence
    if isinstance(evidence, str):  # read as text (see _READ): decoded only when not empty
        evidence = json.loads(evidence) if evidence != "[]" else ()
    if evidence:
        fields["evidence"] = tuple(evidence)
    return Assessment.model_validate(fields)


def _batches(items: Iterable[Assessment], size: int) -> Iterator[list[Assessment]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class WorkforceRepository(EvidenceRepository):
    """The people and assessments part of :class:`~competency_core.store.Store`."""

    def upsert_people(self, people: Iterable[Person]) -> int:
        """Insert people, or update them by key; returns how many were written."""
        rows = [_person_values(p) for p in people]
        with self.transaction() as s:
            for i in range(0, len(rows), 1000):
                self._upsert(s, cast(Table, PersonRow.__table__), rows[i : i + 1000], ["key"])
        return len(rows)

    def person(self, key: str) -> Person:
        """A person by key (:class:`UnknownKeyError` if none)."""
        with self.transaction() as s:
            row = s.get(PersonRow, key)
            if row is None:
                raise UnknownKeyError("person", key)
            return _person(row)

    def people(self) -> list[Person]:
        """Every person, by key."""
        with self.transaction() as s:
            return [_person(r) for r in s.scalars(select(PersonRow).order_by(PersonRow.key))]

    def _check_people(self, s: Session, keys: set[str]) -> None:
        found = set(s.scalars(select(PersonRow.key).where(PersonRow.key.in_(keys))))
        missing = sorted(keys - found)
        if missing:
            raise UnknownKeyError("person", missing[0])

    def add_assessments(
        self,
        assessments: Iterable[Assessment],
        *,
        model: str | None = None,
        batch_size: int = 5000,
        migrated_from: str | None = None,
        skip_identical: bool = False,
    ) -> int:
        """Write assessments in bulk (all or nothing); ``model`` is the model key they are for.

        Every person must be in the store (:meth:`upsert_people`). With ``skip_identical``
        an assessment identical to one the store holds for the model (or to one written
        before it in the same call) is left out, so that pulling the same ratings again
        adds nothing. Returns how many were written.
        """
        n = 0
        stamp = now()
        with self.transaction() as s:
            seen: set[tuple[Any, ...]] = set()
            if skip_identical:
                column = ASSESSMENTS.c.model_key
                of_model = column.is_(None) if model is None else column == model
                stored = s.execute(select(ASSESSMENTS).where(of_model))
                seen = {_identity(_assessment(r)) for r in stored}
            for batch in _batches(assessments, batch_size):
                if skip_identical:
                    fresh = []
                    for a in batch:
                        if (ident := _identity(a)) not in seen:
                            seen.add(ident)
                            fresh.append(a)
                    batch = fresh
                    if not batch:
                        continue
                self._check_people(s, {a.person for a in batch})
                rows = [
                    {f: getattr(a, f) for f in _ASSESSMENT_FIELDS}
                    | {
                        "rater_type": a.rater_type.value,
                        "evidence": list(a.evidence),
                        "model_key": model,
                        "migrated_from": migrated_from,
                        "recorded_at": stamp,
                    }
                    for a in batch
                ]
                s.execute(insert(ASSESSMENTS), rows)
                n += len(rows)
        return n

    def assessments_of(
        self, person: str, *, competency: str | None = None, model: str | None = None
    ) -> list[Assessment]:
        """One person's assessment history, oldest first."""
        stmt = select(AssessmentRow).where(AssessmentRow.person == person)
        if competency is not None:
            stmt = stmt.where(AssessmentRow.competency == competency)
        if model is not None:
            stmt = stmt.where(AssessmentRow.model_key == model)
        with self.transaction() as s:
            rows = s.scalars(stmt.order_by(AssessmentRow.date, AssessmentRow.id))
            return [_assessment(r) for r in rows]

    def iter_assessments(
        self,
        *,
        model: str | None = None,
        version: str | None = None,
        batch_size: int = 2000,
    ) -> Iterator[Assessment]:
        """Stream assessments (for a model, a model version), in insertion order."""
        stmt = select(AssessmentRow)
        if model is not None:
            stmt = stmt.where(AssessmentRow.model_key == model)
        if version is not None:
            stmt = stmt.where(AssessmentRow.model_version == version)
        with self.transaction() as s:
            rows = s.scalars(
                stmt.order_by(AssessmentRow.id).execution_options(yield_per=batch_size)
            )
            for row in rows:
                yield _assessment(row)

    def count_assessments(self, *, model: str | None = None, version: str | None = None) -> int:
        """How many assessments are stored (for a model, a model version)."""
        stmt = select(func.count()).select_from(AssessmentRow)
        if model is not None:
            stmt = stmt.where(AssessmentRow.model_key == model)
        if version is not None:
            stmt = stmt.where(AssessmentRow.model_version == version)
        with self.transaction() as s:
            return int(s.scalar(stmt) or 0)

    def workforce(self, model: CompetencyModel | str, as_of: dt.date | None = None) -> Workforce:
        """The store's people with their assessments, assignments and evidence of ``model``.

        ``model`` is a model or its key. What had not happened by ``as_of`` (default:
        today) is left out: assessments and evidence dated after it and assignments made
        after it. Expired assessments and evidence are kept, as a workforce file keeps them
        (scoring leaves them out on the day it scores). Given a model (not a key),
        assessments of an earlier version that were carried to the model's version
        (:meth:`migrate_assessments`) are read as their carried copies only. Evidence is
        the pieces recorded for the model (whatever their competency, as assessments) and
        those recorded for no model whose competency or learning resource the model has
        (given a key, all of them). One query per table, whatever the number of people.
        """
        key = model if isinstance(model, str) else model.key
        version = None if isinstance(model, str) else model.version
        day = as_of or dt.date.today()
        rated = (
            select(*_READ)
            .where(ASSESSMENTS.c.model_key == key, ASSESSMENTS.c.date <= day)
            .order_by(ASSESSMENTS.c.person, ASSESSMENTS.c.date, ASSESSMENTS.c.id)
        )
        assigned = (
            select(ASSIGNMENTS)
            .where(ASSIGNMENTS.c.model_key == key, ASSIGNMENTS.c.assigned <= day)
            .order_by(ASSIGNMENTS.c.person, ASSIGNMENTS.c.assigned, ASSIGNMENTS.c.resource)
        )
        evidenced = (
            select(*READ_EVIDENCE)
            .where(of_model(key), EVIDENCE.c.date <= day)
            .order_by(EVIDENCE.c.person, EVIDENCE.c.date, EVIDENCE.c.id)
        )
        with self.transaction() as s:
            people = [_person(r) for r in s.scalars(select(PersonRow).order_by(PersonRow.key))]
            rows = list(s.execute(rated))
            assignments = [assignment_of(r) for r in s.execute(assigned)]
            evidence = about_model(
                ((evidence_of(r), r.model_key) for r in s.execute(evidenced)), model
            )
        sources: dict[str | None, set[str]] = {}
        for r in rows:
            if r.migrated_from:
                sources.setdefault(r.model_version, set()).add(r.migrated_from)
        carried: set[str] = set()  # versions carried (directly or through others) to ours
        todo = list(sources.get(version, ())) if version is not None else []
        while todo:
            v = todo.pop()
            if v not in carried and v != version:
                carried.add(v)
                todo.extend(sources.get(v, ()))
        assessments = [_assessment(r) for r in rows if r.model_version not in carried]
        return Workforce(
            model=key,
            people=tuple(people),
            assessments=tuple(assessments),
            assignments=tuple(assignments),
            evidence=tuple(evidence),
        )

    def _stored_people(self, s: Session, keys: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(keys)
        for i in range(0, len(ordered), 1000):
            chunk = ordered[i : i + 1000]
            found.update(s.scalars(select(PersonRow.key).where(PersonRow.key.in_(chunk))))
        return found

    def check_workforce(
        self, workforce: Workforce, *, model: str | None = None, version: str | None = None
    ) -> WorkforceCheck:
        """Check a workforce against the stored versions of its model (nothing is written).

        Each assessment and piece of evidence is checked against the version it names, else
        ``version``, else the model's current version (the working one, else the latest
        published): that version must be stored, and have the competency (and a piece's
        learning resource), assessable, with the level on its scale. People's roles are checked against the current version; people that
        assessments and managers name must be in the workforce or in the store.
        :class:`UnknownKeyError` if the store does not hold the model.
        """
        key = model or workforce.model
        with self.transaction() as s:
            versions = {r.version: r.model for r in self.versions(key)} if key else {}
            current = self.get(key).model if key else None
            own = {p.key for p in workforce.people}
            named = {a.person for a in workforce.assessments}
            named |= {e.person for e in workforce.evidence}
            named |= {p.manager for p in workforce.people if p.manager is not None}
            stored = self._stored_people(s, named - own)
            others: list[str] = []
            if named - own - stored:  # someone is unknown: suggest people of the store too
                others = list(s.scalars(select(PersonRow.key).limit(100_000)))
        return check_workforce(
            workforce,
            versions,
            current=current,
            version=version,
            stored_people=stored,
            other_people=others,
        )

    def import_workforce(
        self,
        workforce: Workforce,
        *,
        model: str | None = None,
        version: str | None = None,
        check: bool = True,
    ) -> int:
        """Store a workforce's people, assessments, assignments and evidence in one transaction.

        All or nothing. ``version`` is the model version for assessments and evidence that
        name none (they are stored with it); evidence is recorded for the workforce's model
        (:meth:`add_evidence`: a piece the store holds is not added again). Unless ``check`` is false, the workforce is first checked with
        :meth:`check_workforce`; any problem raises :class:`ModelValidationError` (one
        summary per kind of problem) and nothing is written.
        """
        key = model or workforce.model
        if version is not None:
            workforce = workforce.model_copy(
                update={
                    "assessments": tuple(
                        a if a.model_version else a.model_copy(update={"model_version": version})
                        for a in workforce.assessments
                    ),
                    "evidence": tuple(
                        e if e.model_version else e.model_copy(update={"model_version": version})
                        for e in workforce.evidence
                    ),
                }
            )
        with self.transaction():
            if check:
                result = self.check_workforce(workforce, model=key)
                if not result.ok:
                    raise result.error()
            self.upsert_people(workforce.people)
            if workforce.assignments:
                if key is None:
                    raise CompetencyError(
                        "the workforce names no model: its learning assignments need one "
                        "(pass model=KEY)"
                    )
                self.add_assignments(workforce.assignments, model=key)
            if workforce.evidence:
                self.add_evidence(workforce.evidence, model=key)
            return self.add_assessments(workforce.assessments, model=key)

    def migrate_assessments(
        self,
        key: str,
        from_version: str,
        to_version: str,
        mapping: MigrationMapping | None = None,
        *,
        dry_run: bool = False,
        actor: str | None = None,
    ) -> MigrationReport:
        """Carry a model's assessments from one stored version to another.

        The assessments of ``from_version`` stay as they were; carried copies are written
        for ``to_version``. Running it again replaces the copies of an earlier run (it is
        idempotent). With ``dry_run`` nothing is written; the report says what would be.
        """
        with self.transaction() as s:
            old = self.get(key, from_version).model
            new = self.get(key, to_version).model
            source = list(self.iter_assessments(model=key, version=from_version))
            result = migrate_assessments(source, old, new, mapping)
            if dry_run:
                return result.report
            s.execute(
                delete(AssessmentRow).where(
                    AssessmentRow.model_key == key,
                    AssessmentRow.model_version == to_version,
                    AssessmentRow.migrated_from == from_version,
                )
            )
            self.add_assessments(result.assessments, model=key, migrated_from=from_version)
            r = result.report
            self._event(
                s,
                new,
                "assessments-migrated",
                actor,
                None,
                from_version=from_version,
                read=r.read,
                carried=r.carried,
                not_carried=len(r.not_carried),
            )
            return result.report


__all__ = ["WorkforceRepository"]
