"""Evidence in the store (``cc_evidence``, migration 0004), on SQLite and PostgreSQL.

``add_evidence`` stores a piece once per person and ``Evidence.id``; ``evidence`` reads
it back with every field; ``workforce`` returns what had been earned by ``as_of``, the
pieces of the model and the model-less ones about it; ``import_workforce`` stores a
workforce file's evidence; a database at revision 0003 upgrades with its data kept; and,
for random evidence, add then read gives it back (up to order).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from competency_core.errors import ModelValidationError, UnknownKeyError
from competency_core.model import CompetencyModel
from competency_core.people import (
    Assessment,
    Evidence,
    EvidenceKind,
    Person,
    RaterType,
    Workforce,
)
from competency_core.store import Store
from competency_core.store.schema import EvidenceRow, PersonRow
from competency_core.store.upgrades import current_revision, head_revision, upgrade
from competency_core.testing.strategies import keys

LATER = dt.date(2100, 1, 1)


def _sorted(items: Iterable[Any]) -> list[str]:
    # keys sorted: JSONB (PostgreSQL) does not keep the order of `details`
    return sorted(json.dumps(x.model_dump(mode="json"), sort_keys=True) for x in items)


def _model() -> CompetencyModel:
    return CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "version": "1.0.0",
            "scales": [
                {
                    "key": "five",
                    "name": "Five",
                    "proficient": 3,
                    "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
                }
            ],
            "competencies": [
                {"key": "cloud", "name": "Cloud", "scale": "five"},
                {"key": "python", "name": "Python", "scale": "five"},
            ],
            "learning_resources": [
                {
                    "key": "aws-course",
                    "title": "AWS course",
                    "develops": [{"competency": "cloud", "to_level": 3}],
                }
            ],
            "roles": [
                {
                    "key": "dev",
                    "title": "Developer",
                    "requirements": [{"competency": "cloud", "level": 3}],
                }
            ],
        }
    )


CERT = Evidence(
    kind=EvidenceKind.CERTIFICATION,
    person="ana",
    competency="cloud",
    level=4,
    date=dt.date(2026, 1, 10),
    valid_until=dt.date(2027, 1, 10),
    asserted_by="Amazon Web Services",
    name="AWS SA",
    source="credly:abc",
    identifier="cred-123",
    details={"url": "https://example.org/cred/123"},
)
COURSE = Evidence(
    kind=EvidenceKind.COURSE, person="ana", resource="aws-course", date=dt.date(2025, 6, 1)
)
RATING = Evidence(
    kind=EvidenceKind.RATING,
    person="bo",
    competency="python",
    level=3,
    rater_type=RaterType.PEER,
    asserted_by="cy",
    date=dt.date(2026, 3, 1),
    model_version="1.0.0",
)


@pytest.fixture
def people(store: Store) -> Store:
    store.upsert_people([Person(key=k, name=k.title()) for k in ("ana", "bo", "cy")])
    return store


def test_evidence_is_stored_once_per_person_and_id(people: Store) -> None:
    store = people
    assert store.add_evidence([CERT, COURSE, RATING, CERT]) == 3  # CERT given twice
    assert store.add_evidence([CERT, COURSE, RATING]) == 0  # all held already
    changed = CERT.model_copy(update={"level": 5})  # same identifier: the same piece
    assert store.add_evidence([changed]) == 0
    assert store.count_evidence() == 3
    assert store.evidence("ana") == [COURSE, CERT]  # by date
    assert store.evidence(competency="python") == [RATING]
    assert _sorted(store.evidence()) == _sorted([CERT, COURSE, RATING])
    assert store.evidence(as_of=dt.date(2025, 12, 31)) == [COURSE]
    # the same rating by another rater, or the same person's on another day, is new
    other = RATING.model_copy(update={"asserted_by": "ana"})
    later = RATING.model_copy(update={"date": dt.date(2026, 4, 1)})
    assert store.add_evidence([other, later]) == 2


def test_unknown_people_write_nothing(people: Store) -> None:
    ghost = CERT.model_copy(update={"person": "zed"})
    with pytest.raises(UnknownKeyError, match="zed"):
        people.add_evidence([CERT, ghost])
    assert people.count_evidence() == 0  # all or nothing


def test_the_workforce_holds_the_evidence_of_its_model(people: Store) -> None:
    store, model = people, _model()
    other = Evidence(
        kind=EvidenceKind.BADGE, person="bo", competency="rust", level=2, date=dt.date(2026, 1, 1)
    )
    loose = Evidence(
        kind=EvidenceKind.XAPI, person="cy", competency="sql", date=dt.date(2026, 1, 1)
    )
    store.add_evidence([CERT, RATING], model="m")
    store.add_evidence([other], model="another")
    store.add_evidence([COURSE, loose])  # for no model: kept when about the model
    wf = store.workforce(model, as_of=LATER)
    assert _sorted(wf.evidence) == _sorted([CERT, RATING, COURSE])
    # given only a key, the model-less pieces cannot be sorted out: all are returned
    assert _sorted(store.workforce("m", as_of=LATER).evidence) == _sorted(
        [CERT, RATING, COURSE, loose]
    )
    assert _sorted(store.workforce("another", as_of=LATER).evidence) == _sorted(
        [other, COURSE, loose]
    )
    # as_of leaves out what had not been earned yet, and keeps what has expired
    assert store.workforce(model, as_of=dt.date(2025, 12, 31)).evidence == (COURSE,)
    assert CERT in store.workforce(model, as_of=dt.date(2030, 1, 1)).evidence
    # a piece recorded for the model is returned whatever its competency (as assessments)
    stray = other.model_copy(update={"person": "cy"})
    store.add_evidence([stray], model="m")
    assert stray in store.workforce(model, as_of=LATER).evidence


def test_import_workforce_stores_the_evidence(store: Store) -> None:
    model = _model()
    store.add_model(model)
    wf = Workforce(
        model="m",
        people=(Person(key="ana", name="Ana", role="dev"), Person(key="bo", name="Bo")),
        assessments=(
            Assessment(person="bo", competency="cloud", level=2, date=dt.date(2026, 2, 1)),
        ),
        evidence=(CERT, COURSE, RATING),
    )
    store.import_workforce(wf, version="1.0.0")
    back = store.workforce(model, as_of=LATER)
    with_version = [e if e.model_version else e.model_copy(update={"model_version": "1.0.0"})
                    for e in wf.evidence]  # fmt: skip
    assert _sorted(back.evidence) == _sorted(with_version)
    assert _sorted(back.assessments) == _sorted(
        a.model_copy(update={"model_version": "1.0.0"}) for a in wf.assessments
    )
    store.import_workforce(wf, version="1.0.0")  # again: the evidence is not doubled
    assert store.count_evidence() == 3


def test_a_store_at_revision_0003_upgrades_with_its_data(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    try:
        upgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO cc_person (key, name, attributes, revision, updated_at) "
                    "VALUES ('ana', 'Ana', '{}', 1, CURRENT_TIMESTAMP)"
                )
            )
        assert "cc_evidence" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    store = Store(empty_url)  # opening upgrades it
    try:
        assert store.schema_revision() == head_revision()  # 0004 and any later revision
        assert [p.key for p in store.people()] == ["ana"]
        assert store.add_evidence([CERT]) == 1
        assert store.evidence("ana") == [CERT]
    finally:
        store.close()
    engine = sa.create_engine(empty_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


# -- the property ---------------------------------------------------------------------------

_PEOPLE = ("ana", "bo", "cy")
_DAYS = st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")  # no NUL in PG
_TEXT = st.none() | st.text(_CHARS, min_size=1, max_size=12)


@st.composite
def _evidence(draw: st.DrawFn) -> Evidence:
    kind = draw(st.sampled_from(list(EvidenceKind)))
    day = draw(_DAYS)
    fields: dict[str, Any] = {"kind": kind, "person": draw(st.sampled_from(_PEOPLE)), "date": day}
    if kind is EvidenceKind.COURSE or draw(st.booleans()):
        fields["resource"] = draw(keys("res"))
    if kind is not EvidenceKind.COURSE or draw(st.booleans()):
        fields["competency"] = (
            draw(st.none() | keys("c")) if "resource" in fields else draw(keys("c"))
        )
    if kind is EvidenceKind.RATING:
        fields["level"] = draw(st.integers(0, 7))
        fields["rater_type"] = draw(st.sampled_from(list(RaterType)))
    else:
        fields["level"] = draw(st.none() | st.integers(0, 7))
    fields["valid_until"] = draw(st.none() | st.dates(day, dt.date(2030, 12, 31)))
    fields["scale"] = draw(st.none() | keys("s"))
    for name in ("asserted_by", "source", "name", "identifier"):
        fields[name] = draw(_TEXT)
    fields["model_version"] = draw(st.none() | st.sampled_from(["1.0.0", "2.0.0"]))
    fields["details"] = draw(
        st.dictionaries(st.text(_CHARS, max_size=5), st.text(_CHARS, max_size=8), max_size=2)
    )
    return Evidence.model_validate(fields)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(_evidence(), max_size=8), day=_DAYS)
def test_add_then_read_gives_the_evidence_back(
    people: Store, items: list[Evidence], day: dt.date
) -> None:
    store = people
    with store.transaction() as s:  # one store serves every example: start empty
        s.execute(delete(EvidenceRow))
    unique = list({(e.person, e.id): e for e in reversed(items)}.values())  # first wins
    assert store.add_evidence(items, model="m") == len(unique)
    assert store.add_evidence(items, model="m") == 0
    assert _sorted(store.evidence()) == _sorted(unique)
    back = store.workforce("m", as_of=day)
    assert _sorted(back.evidence) == _sorted(e for e in unique if e.date <= day)
    with store.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(PersonRow)) == 3


def test_import_checks_the_evidence_and_writes_nothing_when_wrong(store: Store) -> None:
    store.add_model(_model())
    bad = (
        CERT.model_copy(update={"competency": "clod"}),
        COURSE.model_copy(update={"resource": "aws-cours"}),
        RATING.model_copy(update={"level": 9}),
        RATING.model_copy(update={"person": "zed", "identifier": "z"}),
        Evidence(kind=EvidenceKind.XAPI, person="ana", competency="sql", date=dt.date(2026, 1, 1)),
    )
    wf = Workforce(
        model="m",
        people=(Person(key="ana", name="Ana"), Person(key="bo", name="Bo")),
        evidence=bad,
    )
    result = store.check_workforce(wf)
    by_code = {(s.code, s.first.path): s for s in result.summaries}
    assert set(by_code) == {
        ("unknown-competency", "evidence[0].competency"),
        ("unknown-resource", "evidence[1].resource"),
        ("level-not-on-scale", "evidence[2].level"),
        ("unknown-person", "evidence[3].person"),
    }
    unknown = by_code["unknown-competency", "evidence[0].competency"]
    assert unknown.count == 2  # clod, and sql (a piece with no level)
    assert unknown.message.startswith("2 pieces of evidence name competencies that version 1.0.0")
    assert "clod (1; did you mean 'cloud'?)" in unknown.message
    resource = by_code["unknown-resource", "evidence[1].resource"].message
    assert resource.startswith("1 piece of evidence names a learning resource")
    assert "aws-cours" in resource
    with pytest.raises(ModelValidationError) as info:
        store.import_workforce(wf)
    assert "evidence[2].level" in {p.path for p in info.value.problems}
    assert store.people() == []  # nothing was written
    assert store.count_evidence() == 0
