"""Plain CSV tables: people, assessments and learning assignments."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core import load_model
from competency_core.errors import Problem
from competency_core.io import load_workforce
from competency_core.people import Assessment, Person, Workforce
from competency_core.testing.strategies import competency_models, workforces
from competency_csv import (
    ASSESSMENTS,
    ASSIGNMENTS,
    PEOPLE,
    CsvDialect,
    CsvReadError,
    check_table,
    read_assessments,
    read_assignments,
    read_people,
    write_table,
)

PAIRS = [("people", "software-engineering"), ("customer-success-people", "customer-success")]


@pytest.fixture(params=PAIRS, ids=[p for p, _ in PAIRS])
def workforce(request: pytest.FixtureRequest, examples: Path) -> Workforce:
    people, model = request.param
    return load_workforce(examples / f"{people}.yaml", load_model(examples / f"{model}.yaml"))


def _write(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dialect",
    [
        CsvDialect(),
        CsvDialect(bom=True),
        CsvDialect(delimiter=";", encoding="cp1252"),
        CsvDialect(delimiter="tab", quoting="all", newline="lf"),
    ],
    ids=["utf-8", "bom", "cp1252-semicolon", "tab-quote-all"],
)
def test_the_example_workforces_round_trip(
    workforce: Workforce, tmp_path: Path, dialect: CsvDialect
) -> None:
    assert workforce.people
    assert workforce.assessments
    assert workforce.assignments
    write_table(tmp_path / "p.csv", PEOPLE, workforce.people, dialect)
    write_table(tmp_path / "a.csv", ASSESSMENTS, workforce.assessments, dialect)
    write_table(tmp_path / "l.csv", ASSIGNMENTS, workforce.assignments, dialect)
    assert tuple(read_people(tmp_path / "p.csv", dialect=dialect)) == workforce.people
    assert tuple(read_assessments(tmp_path / "a.csv", dialect=dialect)) == workforce.assessments
    assert tuple(read_assignments(tmp_path / "l.csv", dialect=dialect)) == workforce.assignments


def test_people_columns_and_attributes(workforce: Workforce, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    write_table(path, PEOPLE, workforce.people)
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:8] == [
        "id",
        "name",
        "email",
        "role",
        "department",
        "manager",
        "team",
        "job_level",
    ]
    extra = {k for p in workforce.people for k in p.attributes}
    assert set(header[8:]) == extra  # attributes become columns of their own


@settings(max_examples=10)
@given(
    wf=workforces(competency_models(n_competencies=(1, 4), n_roles=(0, 2)), n_people=(0, 5)),
    comment=st.text(max_size=20),
)
def test_any_workforce_round_trips(wf: Workforce, comment: str) -> None:
    comment = comment.strip()
    rated = tuple(
        a.model_copy(update={"comment": comment or None, "evidence": ("Ticket #1", "=A1")})
        for a in wf.assessments
    )
    with tempfile.TemporaryDirectory() as d:
        people, ratings = Path(d) / "p.csv", Path(d) / "a.csv"
        write_table(people, PEOPLE, wf.people)
        write_table(ratings, ASSESSMENTS, rated)
        assert tuple(read_people(people)) == wf.people
        assert tuple(read_assessments(ratings)) == rated


# -- header mapping ------------------------------------------------------------------------

HR_EXPORT = (
    "Employee ID;Full name;E-mail;Job;Dept;Reports to;Location\n"
    "e-1;Åsa Öberg;asa@example.com;engineer;Engineering;;Malmö\n"
    "e-2;Bob Byggare;bob@example.com;engineer;Engineering;e-1;Lund\n"
)
HR_MAP = {
    "Employee ID": "id",
    "Full name": "name",
    "Job": "role",
    "Dept": "department",
    "Reports to": "manager",
}


def test_a_header_map_reads_columns_named_otherwise(tmp_path: Path) -> None:
    path = _write(tmp_path, HR_EXPORT, encoding="cp1252")
    dialect = CsvDialect(delimiter=";", encoding="cp1252")
    people = list(read_people(path, dialect=dialect, header_map=HR_MAP))
    assert people == [
        Person(
            key="e-1",
            name="Åsa Öberg",
            email="asa@example.com",  # "E-mail" is matched loosely as e_mail, an alias of email
            role="engineer",
            department="Engineering",
            attributes={"Location": "Malmö"},
        ),
        Person(
            key="e-2",
            name="Bob Byggare",
            email="bob@example.com",
            role="engineer",
            department="Engineering",
            manager="e-1",
            attributes={"Location": "Lund"},
        ),
    ]
    # written back with the file's own column names
    out = tmp_path / "out.csv"
    write_table(out, PEOPLE, people, dialect, header_map=HR_MAP)
    header = out.read_text(encoding="cp1252").splitlines()[0]
    assert header.startswith("Employee ID;Full name;email;Job;Dept;Reports to")
    assert list(read_people(out, dialect=dialect, header_map=HR_MAP)) == people


def test_attributes_keep_their_names(tmp_path: Path) -> None:
    people = [
        Person(key="a", name="A", attributes={"Cost Center": "42", "location": "Lund"}),
        Person(key="b", name="B", attributes={"Shoe size (EU)": "44"}),
    ]
    path = tmp_path / "p.csv"
    write_table(path, PEOPLE, people)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",Cost Center,location,Shoe size (EU)")
    assert list(read_people(path)) == people
    # an attribute named through the header map
    write_table(path, PEOPLE, people, header_map={"Kostnadsställe": "Cost Center"})
    assert "Kostnadsställe" in path.read_text(encoding="utf-8").splitlines()[0]
    assert list(read_people(path, header_map={"Kostnadsställe": "Cost Center"})) == people


def test_columns_are_matched_loosely(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Person , Competency,LEVEL,Date,Rater-Type\nann,coding,3,2026-01-05,self\n",
    )
    (a,) = read_assessments(path)
    assert (a.person, a.competency, a.level, a.rater_type.value) == ("ann", "coding", 3, "self")


def test_a_missing_column_says_what_was_found_and_what_to_do(tmp_path: Path) -> None:
    path = _write(tmp_path, "Employee ID,name\ne-1,Ann\n")
    with pytest.raises(CsvReadError) as err:
        list(read_people(path))
    (problem,) = err.value.problems
    assert problem.line == 1
    assert "missing column(s) id" in problem.message
    assert "Employee ID" in problem.message
    assert "header_map" in problem.message


def test_two_columns_mapped_to_the_same_field_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,key,name\na,b,Ann\n")
    problems = check_table(path, PEOPLE)
    assert [(p.line, p.path) for p in problems] == [(1, "key")]
    assert "repeats column 'id'" in problems[0].message


# -- bad rows --------------------------------------------------------------------------

BAD_ASSESSMENTS = (
    "person,competency,level,date,rater_type,expires\n"
    "ann,coding,3,2026-01-05,self,\n"  # 2: fine
    "bob,coding,three,2026-01-05,self,\n"  # 3: level not a number
    "cem,coding,2,05/01/2026,self,\n"  # 4: not an ISO date
    ",coding,2,2026-01-05,self,\n"  # 5: person missing
    "dan,coding,2,2026-01-05,boss,\n"  # 6: unknown rater type
    '"eve","testing",4,2026-02-01,peer,2025-01-01\n'  # 7: expires before the date
    "ann,coding,3,2026-01-05,self,\n"  # 8: the same assessment as line 2
    "fay,coding,2,2026-01-05,self,,surplus\n"  # 9: a cell too many
    "gus,testing,1,2026-03-01,manager,\n"  # 10: fine
)


def test_every_bad_row_is_reported_with_its_line_and_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, BAD_ASSESSMENTS)
    with pytest.raises(CsvReadError) as err:
        list(read_assessments(path))
    problems = err.value.problems
    by_line: dict[int | None, list[Problem]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p)
    assert sorted(by_line, key=lambda n: n or 0) == [3, 4, 5, 6, 7, 8, 9]
    assert by_line[3][0].path == "level"
    assert "integer" in by_line[3][0].message
    assert by_line[4][0].path == "date"
    assert (by_line[5][0].path, by_line[5][0].message) == ("person", "required, but empty")
    assert by_line[6][0].path == "rater_type"
    assert "before the assessment date" in by_line[7][0].message
    assert "another row has the same assessment" in by_line[8][0].message
    assert "7 cells but the header has 6 columns" in by_line[9][0].message
    assert all(p.file == str(path) for p in problems)
    assert "7 line(s) with problems; nothing was imported" in str(err.value)


def test_nothing_is_read_from_a_file_with_errors_not_even_the_rows_before(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, BAD_ASSESSMENTS)
    rows = read_assessments(path)
    with pytest.raises(CsvReadError):
        next(rows)  # the first row is good, but the file is checked before any row comes


def test_skipping_bad_rows_reads_the_rest_and_reports_each_bad_one(tmp_path: Path) -> None:
    path = _write(tmp_path, BAD_ASSESSMENTS)
    skipped: list[Problem] = []
    good = list(read_assessments(path, skip_bad_rows=True, on_skip=skipped.append))
    assert [(a.person, a.level) for a in good] == [("ann", 3), ("gus", 1)]
    assert sorted({p.line for p in skipped}) == [3, 4, 5, 6, 7, 8, 9]


def test_bad_quoting_and_encoding_are_row_problems_too(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name\nann,"Ann"x\nbob,Bob\n')
    problems = check_table(path, PEOPLE)
    assert [(p.line, "quoting" in p.message) for p in problems] == [(2, True)]
    skipped: list[Problem] = []
    assert [p.key for p in read_people(path, skip_bad_rows=True, on_skip=skipped.append)] == ["bob"]
    assert [p.line for p in skipped] == [2]
    path = _write(tmp_path, "id,name\nann,Åsa\n", encoding="cp1252")
    with pytest.raises(CsvReadError, match="encoding=cp1252") as err:
        list(read_people(path))
    assert err.value.problems[0].line == 2


def test_an_empty_file_has_no_rows(tmp_path: Path) -> None:
    assert list(read_people(_write(tmp_path, ""))) == []
    assert list(read_people(_write(tmp_path, "id,name\n"))) == []


def test_reading_streams(tmp_path: Path) -> None:
    rows = "".join(f"p-{i},Person {i}\n" for i in range(1000))
    path = _write(tmp_path, "id,name\n" + rows)
    people = read_people(path, skip_bad_rows=True)
    assert next(people).key == "p-0"  # an iterator, not a list read up front


# -- formula injection ------------------------------------------------------------------------


def test_cells_that_start_a_formula_are_escaped_and_come_back(tmp_path: Path) -> None:
    evil: dict[str, Any] = {"key": "mallory", "name": '=HYPERLINK("http://x","pay")'}
    people = [
        Person(**evil, department="+1 dept", team="@team", attributes={"note": "-2+3"}),
        Person(key="n", name="-42", job_level="\tL3"),
    ]
    path = tmp_path / "p.csv"
    write_table(path, PEOPLE, people)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "'+1 dept" in text
    assert "'@team" in text
    assert "'-2+3" in text
    assert ",-42," in text  # a plain number is left alone
    back = list(read_people(path))
    assert back[0] == people[0]
    assert back[1].name == "-42"
    assert back[1].job_level == "L3"  # cells are trimmed when read


def test_dates_and_levels_survive(tmp_path: Path) -> None:
    a = Assessment(
        person="p",
        competency="c",
        level=-2,
        date=dt.date(2026, 1, 2),
        expires=dt.date(2027, 1, 2),
        evidence=("one", "two, with comma"),
        comment='multi\nline "quoted"',
    )
    path = tmp_path / "a.csv"
    write_table(path, ASSESSMENTS, [a])
    assert list(read_assessments(path)) == [a]
