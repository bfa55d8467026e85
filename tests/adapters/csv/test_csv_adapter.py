"""The CSV adapter on files that already exist: their layout, other columns, bad rows."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core import load_model
from competency_core.errors import SyncError
from competency_core.people import Assessment, Person
from competency_core.sync import SyncEngine
from competency_csv import PEOPLE, CsvAdapter
from competency_csv.client import normalise_header


def engine(folder: Path, **settings: Any) -> SyncEngine:
    return SyncEngine(CsvAdapter.configure({"directory": str(folder), **settings}))


def test_a_file_keeps_its_own_column_names_dialect_and_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "assessments.csv"
    path.write_bytes(
        b"\xef\xbb\xbfPerson;Skill;Level;When;Source\r\n"
        b"ann;coding;2;2026-01-05;import 7\r\n"
        b"bob;coding;3;2026-01-05;import 7\r\n"
    )
    e = engine(
        tmp_path,
        delimiter=";",
        bom=True,
        header_map={"Skill": "competency", "When": "date"},
    )
    ratings = [
        Assessment(person="ann", competency="coding", level=4, date=dt.date(2026, 1, 5)),
        Assessment(person="cem", competency="coding", level=1, date=dt.date(2026, 2, 1)),
    ]
    plan = e.plan_ratings(ratings)
    assert plan.summary() == "1 to create, 1 to update, 0 to delete, 1 unchanged"
    assert e.apply(plan).ok
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Person;Skill;Level;When;Source;")  # new columns at the end
    assert lines[1].startswith("ann;coding;4;2026-01-05;import 7;")  # Source kept
    assert lines[2].startswith("bob;coding;3;2026-01-05;import 7;")  # not in the plan: kept
    assert lines[3].startswith("cem;coding;1;2026-02-01;;")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert e.plan_ratings(ratings).is_empty


def test_rows_it_cannot_read_are_kept_and_the_plan_warns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,name\nann,Ann\n,No id\nbob,Bob\n", encoding="utf-8")
    e = engine(tmp_path)
    people = [Person(key="ann", name="Ann Lee"), Person(key="bob", name="Bob")]
    plan = e.plan_people(people)
    assert plan.warnings == (
        "people.csv: 1 row(s) not understood (lines 3); they are kept as they are",
    )
    assert e.apply(plan).ok
    assert path.read_text(encoding="utf-8").splitlines() == [
        "id,name",  # no column added that no one has a value for
        "ann,Ann Lee",
        ",No id",
        "bob,Bob",
    ]


def test_people_with_any_attribute_names_converge(tmp_path: Path) -> None:
    e = engine(tmp_path, header_map={"Employee ID": "id", "Kostnadsställe": "Cost Center"})
    people = [
        Person(key="a", name="A", attributes={"Cost Center": "42", "Job-Family": "eng"}),
        Person(key="b", name="B", team="core"),
    ]
    assert e.apply(e.plan_people(people)).ok
    assert e.plan_people(people).is_empty
    header = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Employee ID,name,")
    assert header.endswith(",Kostnadsställe,Job-Family")
    assert list(e.adapter.pull_people()) == people


def test_prune_deletes_rows_not_in_the_local_data(tmp_path: Path) -> None:
    e = engine(tmp_path)
    everyone = [Person(key=k, name=k.title()) for k in ("ann", "bob", "cem")]
    assert e.apply(e.plan_people(everyone)).ok
    assert e.apply(e.plan_people(everyone[:1])).ok  # without prune: kept
    assert len((tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()) == 4
    assert e.apply(e.plan_people(everyone[:1], prune=True)).ok
    assert (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "ann,Ann,,,,,,"
    ]


def test_a_framework_file_of_another_model_is_not_overwritten(
    tmp_path: Path, examples: Path
) -> None:
    model = load_model(examples / "software-engineering.yaml")
    other = load_model(examples / "customer-success.yaml")
    e = engine(tmp_path, framework_file="framework.csv")
    assert e.apply(e.plan_model(model)).ok
    with pytest.raises(SyncError, match="holds the framework 'software-engineering'"):
        e.plan_model(other)


def test_pull_model_finds_the_only_framework_file(tmp_path: Path, examples: Path) -> None:
    e = engine(tmp_path)
    adapter = e.adapter
    with pytest.raises(SyncError, match="0 framework files match"):
        adapter.pull_model()
    model = load_model(examples / "software-engineering.yaml")
    assert e.apply(e.plan_model(model)).ok
    assert adapter.pull_model().key == model.key
    other = load_model(examples / "customer-success.yaml")
    assert e.apply(e.plan_model(other)).ok
    with pytest.raises(SyncError, match="2 framework files match"):
        adapter.pull_model()
    assert adapter.pull_model("customer-success").key == "customer-success"


def test_a_model_written_in_a_declared_encoding(tmp_path: Path, examples: Path) -> None:
    model = load_model(examples / "customer-success.yaml")
    e = engine(tmp_path, encoding="cp1252", delimiter="tab", language="sv")
    assert e.apply(e.plan_model(model)).ok
    raw = (tmp_path / "customer-success.moodle.csv").read_bytes()
    assert "Kompetensmodell för kundframgång".encode("cp1252") in raw
    assert b"\t" in raw.splitlines()[0]
    assert e.plan_model(model).is_empty
    back = e.adapter.pull_model("customer-success")
    assert back.text(back.name) == model.text(model.name, "sv")


def test_a_formula_escape_in_a_framework_file_is_a_plan_warning(
    tmp_path: Path, examples: Path
) -> None:
    model = load_model(examples / "software-engineering.yaml")
    data = model.model_dump(mode="json", exclude_none=True)
    data["competencies"][0]["definition"] = "-- see the handbook"
    model = type(model).model_validate(data)
    plan = engine(tmp_path).plan_model(model)
    (warning,) = plan.warnings
    assert "starts with '-'" in warning
    assert "escape_formulas=false" in warning
    assert engine(tmp_path, escape_formulas=False).plan_model(model).warnings == ()


_KNOWN = {"id", "key", "person", "person_id", "e_mail", *PEOPLE.columns}
_ATTRIBUTE = st.text(min_size=1, max_size=10).filter(
    lambda k: k == k.strip() and normalise_header(k) not in _KNOWN
)
_VALUE = st.text(max_size=12)


@settings(max_examples=30)
@given(
    people=st.lists(
        st.builds(
            Person,
            key=st.sampled_from(["ann", "bob", "cem", "dan"]),
            name=st.text(min_size=1, max_size=12).filter(str.strip),
            department=st.none() | _VALUE,
            attributes=st.dictionaries(_ATTRIBUTE, _VALUE, max_size=3),
        ),
        max_size=4,
        unique_by=lambda p: p.key,
    ),
    dialect=st.sampled_from([{}, {"delimiter": ";", "bom": True}, {"delimiter": "tab"}]),
)
def test_any_people_converge_and_come_back_trimmed(
    people: list[Person], dialect: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as d:
        e = engine(Path(d), **dialect)
        assert e.apply(e.plan_people(people)).ok
        assert e.plan_people(people).is_empty, e.plan_people(people).render()
        back = list(e.adapter.pull_people())

    def trimmed(p: Person) -> Person:
        attrs = {k: v.strip() for k, v in p.attributes.items() if v.strip()}
        return p.model_copy(
            update={
                "name": p.name.strip(),
                "department": (p.department or "").strip() or None,
                "attributes": attrs,
            }
        )

    assert back == [trimmed(p) for p in people]


@settings(max_examples=25)
@given(
    ratings=st.lists(
        st.builds(
            Assessment,
            person=st.sampled_from(["ann", "bob"]),
            competency=st.sampled_from(["coding", "testing"]),
            level=st.integers(-3, 9),
            date=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
            rater=st.none() | st.text(max_size=8),
            evidence=st.lists(st.text(max_size=8), max_size=3).map(tuple),
            comment=st.none() | st.text(max_size=20),
        ),
        max_size=5,
        unique_by=lambda a: (a.person, a.competency, (a.rater or "").strip(), a.date),
    )
)
def test_any_ratings_converge(ratings: list[Assessment]) -> None:
    with tempfile.TemporaryDirectory() as d:
        e = engine(Path(d))
        plan = e.plan_ratings(ratings)
        report = e.apply(plan)
        assert report.ok, report.failed
        assert e.plan_ratings(ratings).is_empty, e.plan_ratings(ratings).render()
        back = list(e.adapter.pull_ratings())
    assert [(a.person, a.competency, a.level, a.date) for a in back] == [
        (a.person, a.competency, a.level, a.date) for a in ratings
    ]
