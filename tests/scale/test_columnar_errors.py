"""Bad input on the columnar road: every mistake named with its file, line or row and column.

Nothing is returned alongside an error (never a half-built result).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from competency_core.errors import ModelValidationError, ScoringError
from competency_core.io import load_model
from competency_core.scale.columnar import ColumnarError, EvidenceColumns
from competency_core.scale.readers import iter_people_levels, read_evidence
from competency_core.scale.resolve import resolve

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "person,competency,level,date,rater_type,expires\n"


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_model(EXAMPLES / "software-engineering.yaml")


def _problems(exc: pytest.ExceptionInfo[ColumnarError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_csv_rows_with_mistakes_are_all_named_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "ana,api-design,3,2026-01-10,manager,\n"
        + "\n"  # a blank line does not shift the lines named
        + "ben,api-design,three,2026-01-10,manager,\n"
        + "cy,api-design,2,10/01/2026,boss,\n"
        + "dan,api-design,2,2026-01-10,self,2025-01-01\n"
        + ",api-design,2,2026-01-10,self,\n"
    )
    with pytest.raises(ColumnarError) as exc:
        read_evidence(path)
    found = _problems(exc)
    where = str(path)
    assert f"{where}:4: level: error: 'three' is not a whole number" in found
    assert any(p.startswith(f"{where}:5: date: error: '10/01/2026' is not a date") for p in found)
    assert any(p.startswith(f"{where}:5: rater_type: error: 'boss' is not one of") for p in found)
    assert f"{where}:6: valid_until: error: the last valid day is before the date" in found
    assert f"{where}:7: person: error: required, but empty" in found
    assert len(found) == 5
    assert isinstance(exc.value, ModelValidationError)
    assert isinstance(exc.value, ScoringError)


def test_csv_missing_columns_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("person;level\nana;3\n")
    with pytest.raises(ColumnarError, match=r"missing column\(s\) competency, date"):
        read_evidence(path)
    path.write_text(HEADER + "ana,api-design,3,2026-01-10,manager,,extra\n")
    with pytest.raises(ColumnarError) as exc:
        read_evidence(path)
    assert _problems(exc) == [
        f"{path}:2: error: 7 cells but the header has 6 columns (a delimiter inside an "
        "unquoted cell?)"
    ]


def test_csv_columns_are_matched_loosely_with_the_adapters_names(tmp_path: Path, model) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.csv"
    path.write_bytes(
        "\ufeffPerson;Competency;Level;Date;Rater type;Rater;Expires;Comment\n"
        "ana;api-design;3;2026-01-10;self;Ana;;first\n"
        "ana;api-design;4;2026-01-10;manager;Bo;2027-01-01;second\n".encode()
    )
    cols = read_evidence(path)
    levels = resolve(model, cols, on=dt.date(2026, 6, 1))
    j = levels.competencies.index("api-design")
    assert levels.people == ("ana",)
    assert levels.normalised[0, j] == model.scale_of("api-design").normalise(4)  # manager first


def test_parquet_problems_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table(
            {
                "kind": ["rating", "certification", "course", "potion"],
                "person": ["ana", "ana", "ben", "ben"],
                "competency": ["api-design", "api-design", None, "api-design"],
                "level": [3, None, None, 2],
                "date": [dt.date(2026, 1, 1)] * 4,
            }
        ),
        path,
    )
    with pytest.raises(ColumnarError) as exc:
        read_evidence(path)
    found = _problems(exc)
    assert any(p.startswith(f"{path}: kind: error: row 4: 'potion' is not one of") for p in found)
    assert f"{path}: rater_type: error: row 1: a rating says who rated: required" in found
    assert f"{path}: resource: error: row 3: a completed course names its resource" in found


def test_a_file_that_is_not_what_its_name_says(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    path.write_text("person,level\n")
    with pytest.raises(ColumnarError, match="not a Parquet file"):
        read_evidence(path)
    with pytest.raises(ColumnarError, match="no such file"):
        read_evidence(tmp_path / "missing.csv")
    with pytest.raises(ColumnarError, match="unknown file type"):
        read_evidence(tmp_path / "e.xlsx")


def test_evidence_that_does_not_fit_the_model_is_named_with_its_line(tmp_path: Path, model) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "ana,api-design,3,2026-01-10,manager,\n"
        + "ana,juggling,3,2026-01-10,manager,\n"
        + "ana,api-design,9,2020-01-10,manager,2021-01-01\n"  # expired: still checked
    )
    cols = read_evidence(path)
    with pytest.raises(ColumnarError) as exc:
        resolve(model, cols, on=dt.date(2026, 6, 1))
    found = _problems(exc)
    assert (
        f"{path}:3: competency: error: unknown competency 'juggling' in model "
        "'software-engineering'" in found
    )
    assert any(p.startswith(f"{path}:4: level: error: 9 is not a level of scale") for p in found)


def test_a_yaml_file_with_mistakes_gets_the_checked_loaders_report(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "people:\n- key: ana\n  name: Ana\nassessments:\n"
        "- person: ana\n  competency: api-design\n  level: 3\n  date: 2026-01-10\n"
        "- person: ana\n  competency: api-design\n  level: high\n  date: 2026-01-10\n"
    )
    with pytest.raises(ModelValidationError) as exc:
        read_evidence(path)
    found = [str(p) for p in exc.value.problems]
    assert any(p.startswith(f"{path}:11: assessments[1].level: error:") for p in found), found


def test_a_yaml_files_bad_row_found_by_the_fast_path_is_located(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "people:\n- key: ana\n  name: Ana\nassessments:\n"
        "- person: ana\n  competency: api-design\n  level: 3\n  date: '2026-01-10'\n"
        "- person: ana\n  competency: api-design\n  level: 3\n  date: '2026-01-10'\n"
        "  expires: '2025-01-10'\n"
    )
    with pytest.raises(ModelValidationError) as exc:
        read_evidence(path)
    found = [str(p) for p in exc.value.problems]
    assert any(p.startswith(f"{path}:") and "assessments[1]" in p for p in found), found


def test_a_parquet_file_not_grouped_by_person(tmp_path: Path, model) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "e.parquet"
    table = pa.table(
        {
            "person": ["ana", "ben", "ana"],
            "competency": ["api-design"] * 3,
            "level": [3, 2, 4],
            "date": [dt.date(2026, 1, 1)] * 3,
        }
    )
    pq.write_table(table, path)
    with pytest.raises(ColumnarError, match=r"row 3: 'ana' appears again"):
        list(iter_people_levels(model, path, on=dt.date(2026, 6, 1), chunk_people=1))


def test_a_levels_table_in_chunks(tmp_path: Path, model) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "levels.parquet"
    pq.write_table(
        pa.table(
            {
                "person": ["ana", "ana", "ben", "cy"],
                "competency": ["api-design", "testing", "api-design", "testing"],
                "level": [3, 2, 4, 1],
            }
        ),
        path,
    )
    parts = list(iter_people_levels(model, path, chunk_people=2, batch_rows=1))
    assert [p.people for p in parts] == [("ana", "ben"), ("cy",)]


def test_columns_from_items_round_trip_through_arrow() -> None:
    from competency_core.people import Assessment

    a = Assessment(person="ana", competency="c", level=2, date=dt.date(2026, 1, 1))
    cols = EvidenceColumns.from_items([a])
    back = EvidenceColumns.from_arrow(cols.to_arrow())
    assert back.evidence(0) == cols.evidence(0)
    assert back.evidence(0).rater_type == "manager"
