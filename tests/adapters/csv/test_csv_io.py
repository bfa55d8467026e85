"""Reading and writing CSV files: encodings, delimiters, quoting, line numbers, formulas."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from competency_core.errors import Problem, SyncError
from competency_csv import CsvDialect, CsvReadError, escape_formula, unescape_formula
from competency_csv.client import _NUMBER, FORMULA_TRIGGERS, read_records, write_records

ROWS = [
    ["id", "name", "note"],
    ["ann", "Åsa Öberg", 'said "hej", then left'],
    ["bob", "Bob; Jr.", "two\nlines"],
    ["cem", "Cem\tTab", ""],
]


def read(path: Path, dialect: CsvDialect) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    problems: list[Problem] = []
    records = [(r.line, list(r.cells)) for r in read_records(path, dialect, problems)]
    return records, problems


# -- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "dialect"),
    [
        ("id,name\r\nann,Åsa\r\n".encode(), CsvDialect()),
        (b"\xef\xbb\xbf" + "id,name\r\nann,Åsa\r\n".encode(), CsvDialect()),
        ("id,name\nann,Åsa\n".encode("cp1252"), CsvDialect(encoding="cp1252")),
        ("id,name\nann,Åsa\n".encode("latin-1"), CsvDialect(encoding="latin-1")),
        ("id,name\r\nann,Åsa\r\n".encode("utf-16"), CsvDialect(encoding="utf-16")),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "latin-1", "utf-16"],
)
def test_encodings_are_read(tmp_path: Path, raw: bytes, dialect: CsvDialect) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    records, problems = read(path, dialect)
    assert problems == []
    # the byte-order mark is not part of the first column's name
    assert records == [(1, ["id", "name"]), (2, ["ann", "Åsa"])]


def test_a_bom_is_written_only_when_asked(tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    write_records(plain, ROWS, CsvDialect())
    write_records(bom, ROWS, CsvDialect(bom=True))
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read(plain, CsvDialect())[0] == read(bom, CsvDialect())[0]


def test_declared_encoding_is_written(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_records(path, ROWS, CsvDialect(encoding="cp1252"))
    assert "Åsa Öberg".encode("cp1252") in path.read_bytes()
    assert [cells for _, cells in read(path, CsvDialect(encoding="cp1252"))[0]] == ROWS


def test_wrong_encoding_names_the_line_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("id,name\nann,Ann\nbob,Åsa\n".encode("cp1252"))
    with pytest.raises(CsvReadError) as err:
        read(path, CsvDialect())
    (problem,) = err.value.problems
    assert problem.line == 3
    assert problem.file == str(path)
    assert "not utf-8 text" in problem.message
    assert "encoding=cp1252" in problem.message


def test_a_character_the_encoding_cannot_hold_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    with pytest.raises(SyncError, match=r"row 2 has '€'.*latin-1.*encoding=utf-8"):
        write_records(path, [["id"], ["€"]], CsvDialect(encoding="latin-1"))
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CsvReadError, match="cannot read"):
        read(tmp_path / "nope.csv", CsvDialect())


def test_unknown_encodings_and_delimiters_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown encoding"):
        CsvDialect(encoding="klingon")
    with pytest.raises(ValidationError, match="one character"):
        CsvDialect(delimiter=";;")
    with pytest.raises(ValidationError, match="one character"):
        CsvDialect(delimiter='"')


# -- delimiters and quoting ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "tab", "|"])
@pytest.mark.parametrize("quoting", ["minimal", "all"])
def test_delimiters_and_quoting_round_trip(tmp_path: Path, delimiter: str, quoting: str) -> None:
    dialect = CsvDialect.model_validate({"delimiter": delimiter, "quoting": quoting})
    path = tmp_path / "f.csv"
    write_records(path, ROWS, dialect)
    records, problems = read(path, dialect)
    assert problems == []
    assert [cells for _, cells in records] == ROWS
    # the record after the one with an embedded newline starts on the right line
    assert [line for line, _ in records] == [1, 2, 3, 5]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0].count(dialect.delimiter) == 2
    if quoting == "all":
        assert text.startswith('"id"')


@pytest.mark.parametrize(
    ("header", "expected"),
    [("id;name;note", ";"), ("id\tname\tnote", "\t"), ("id,name,note", ","), ("id", ",")],
)
def test_auto_delimiter_is_guessed_from_the_header(
    tmp_path: Path, header: str, expected: str
) -> None:
    path = tmp_path / "f.csv"
    body = "ann" + (expected + "Ann" + expected + "x" if expected in header else "")
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    records, _ = read(path, CsvDialect(delimiter="auto"))
    assert records[1][1] == body.split(expected)


def test_newline_and_quoted_cells(tmp_path: Path) -> None:
    lf, crlf = tmp_path / "lf.csv", tmp_path / "crlf.csv"
    write_records(lf, ROWS, CsvDialect(newline="lf"))
    write_records(crlf, ROWS, CsvDialect())
    assert b"\r\n" not in lf.read_bytes()
    assert crlf.read_bytes().count(b"\r\n") == len(ROWS)
    assert b'"said ""hej"", then left"' in lf.read_bytes()


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,name\n\nann,Ann\n   \nbob,Bob\n", encoding="utf-8")
    records, _ = read(path, CsvDialect())
    assert [line for line, _ in records] == [1, 3, 5]


def test_bad_quoting_is_reported_with_its_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('id,name\nann,"Ann"x\nbob,Bob\ncem,"never closed\n', encoding="utf-8")
    records, problems = read(path, CsvDialect())
    assert [cells for _, cells in records] == [["id", "name"], ["bob", "Bob"]]
    assert [(p.line, p.file) for p in problems] == [(2, str(path)), (4, str(path))]
    assert all("bad CSV quoting" in p.message for p in problems)


# -- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_cells_that_start_a_formula_are_escaped_and_unescaped(tmp_path: Path, trigger: str) -> None:
    payload = f'{trigger}HYPERLINK("http://evil","x")'
    path = tmp_path / "f.csv"
    write_records(path, [["name"], [payload]], CsvDialect())
    raw = path.read_bytes().decode("utf-8")
    second_line_start = raw.split("\r\n", 1)[1].lstrip('"')
    assert second_line_start.startswith("'" + trigger)
    records, _ = read(path, CsvDialect())
    assert records[1][1] == [payload]


def test_the_formula_escape_can_be_turned_off(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_records(path, [["name"], ["=1+2"]], CsvDialect(escape_formulas=False))
    assert path.read_bytes() == b"name\r\n=1+2\r\n"
    # and then a leading apostrophe is data, not an escape
    write_records(path, [["name"], ["'=1+2"]], CsvDialect(escape_formulas=False))
    assert read(path, CsvDialect(escape_formulas=False))[0][1][1] == ["'=1+2"]


@pytest.mark.parametrize("value", ["-3", "+4.5", "-1e3", "Ann", "", "'", "a=b", "don't"])
def test_harmless_values_are_left_alone(value: str) -> None:
    assert escape_formula(value) == value


@pytest.mark.parametrize("value", ["=1", "-1+1", "+A1", "@SUM(A1)", "\t=1", "\r=1", "-"])
def test_dangerous_values_start_with_an_apostrophe(value: str) -> None:
    assert escape_formula(value) == "'" + value


@given(st.text(max_size=12))
def test_unescape_undoes_escape(value: str) -> None:
    escaped = escape_formula(value)
    assert unescape_formula(escaped) == value
    if escaped[:1] in FORMULA_TRIGGERS:
        float(escaped)  # only a plain number may still start with - or +


@given(st.lists(st.lists(st.text(max_size=8), min_size=2, max_size=2), max_size=5))
def test_any_cells_survive_a_write_and_a_read(rows: list[list[str]]) -> None:
    import tempfile

    rows = [r for r in rows if any(c.strip() for c in r)]  # blank records are skipped
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        write_records(path, [["a", "b"], *rows], CsvDialect())
        records, problems = read(path, CsvDialect())
    assert problems == []
    assert [cells for _, cells in records[1:]] == rows


# -- cells that start with TAB or CR (or hold one) round-trip in every dialect --------------------
_AWKWARD = st.text(alphabet=st.sampled_from("\t\r\n '\"=+-@,;|ab1é"), max_size=8)
_LEADING = st.tuples(st.sampled_from(["\t", "\r", "\r\n", "\t\r", "'\t", "''\r", "\t'"]), _AWKWARD)


@given(
    texts=st.lists(_LEADING.map("".join) | _AWKWARD, min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|", "auto"]),
    newline=st.sampled_from(["crlf", "lf"]),
    quoting=st.sampled_from(["minimal", "all"]),
    escape=st.booleans(),
)
def test_cells_starting_with_tab_or_cr_round_trip(
    texts: list[str], delimiter: str, newline: str, quoting: str, escape: bool
) -> None:
    import tempfile

    dialect = CsvDialect.model_validate(
        {"delimiter": delimiter, "newline": newline, "quoting": quoting, "escape_formulas": escape}
    )
    rows = [["key", "value"], *[[f"k{i}", t] for i, t in enumerate(texts)]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        write_records(path, rows, dialect)
        problems: list[Problem] = []
        back = [list(r.cells) for r in read_records(path, dialect, problems)]
        seen = _spreadsheet_cells(path, dialect)
    assert problems == []
    assert back == rows
    if escape:  # what a spreadsheet sees at the start of a cell never starts a formula
        for cell in (c for r in seen for c in r):
            assert cell[:1] not in FORMULA_TRIGGERS or _NUMBER.match(cell), cell


def _spreadsheet_cells(path: Path, dialect: CsvDialect) -> list[list[str]]:
    """The cells as a spreadsheet reads them: CSV unquoted, no apostrophe removed."""
    import csv

    delimiter = "," if dialect.delimiter == "auto" else dialect.delimiter
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))
