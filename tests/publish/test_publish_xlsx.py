"""The workbook: sheets, the role x competency matrix read back, strings never formulas, memory."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings

import competency_core as cc
from competency_core.publish import write_workbook
from competency_core.publish import xlsx as xlsx_module
from competency_core.publish.outline import ModelOutline
from competency_core.publish.sheets import SHEET_NAME_MAX, SheetNames, cell_text
from competency_core.publish.xlsx import (
    DICTIONARY_SHEET,
    MATRIX_FIRST_ROLE_COLUMN,
    MATRIX_HEADER_ROWS,
    MATRIX_SHEET,
)
from competency_core.publish.xlsx_gaps import GAPS_SHEET
from competency_core.testing.strategies import competency_models

ON = dt.date(2026, 6, 1)
DANGEROUS = ("=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://evil.example","x")')


def read_matrix(
    path: Path, model: cc.CompetencyModel
) -> tuple[list[str], dict[tuple[str, str], tuple[int, bool]]]:
    """The matrix sheet as (competency keys in row order, {(competency, role): (level, bold)}).

    The sheet shows titles and names, not keys: rows follow the outline's order and columns
    the model's roles, whose titles head them.
    """
    wb = openpyxl.load_workbook(path)
    ws = wb[MATRIX_SHEET]
    first = MATRIX_FIRST_ROLE_COLUMN + 1
    titles = [ws.cell(MATRIX_HEADER_ROWS, first + j).value for j in range(len(model.roles))]
    assert titles == [cell_text(model.text(r.title, "en")) or r.key for r in model.roles]
    assert ws.cell(MATRIX_HEADER_ROWS, first + len(model.roles)).value is None
    role_keys = [r.key for r in model.roles]
    order = [e.competency for e in ModelOutline(model).entries]
    keys: list[str] = []
    cells: dict[tuple[str, str], tuple[int, bool]] = {}
    for i, row in enumerate(range(MATRIX_HEADER_ROWS + 1, ws.max_row + 1)):
        name = ws.cell(row, 1).value
        if name is None:
            continue
        assert name == (cell_text(model.text(order[i].name, "en")) or None)
        key = order[i].key
        keys.append(str(key))
        for j, role in enumerate(role_keys):
            cell = ws.cell(row, first + j)
            if cell.value is not None:
                assert cell.data_type == "n", (row, role, cell.value)
                cells[str(key), role] = (int(cell.value), bool(cell.font.b))
    return keys, cells


def expected_matrix(
    model: cc.CompetencyModel,
) -> tuple[list[str], dict[tuple[str, str], tuple[int, bool]]]:
    order = [e.competency.key for e in ModelOutline(model).entries]
    cells = {
        (q.competency, r.key): (q.level, q.essential) for r in model.roles for q in r.requirements
    }
    return order, cells


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {
            n: z.read(n).decode("utf-8")
            for n in z.namelist()
            if n.startswith("xl/worksheets/sheet")
        }


# -- the example ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_workbook(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Any]:
    path = tmp_path_factory.mktemp("xlsx") / "example.xlsx"
    summary = write_workbook(
        se_model, path, workforce=se_people, on=ON, people_in_model_workbook=True
    )
    return path, summary


def test_example_workbook_has_every_sheet(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, example_workbook: tuple[Path, Any]
) -> None:
    path, summary = example_workbook
    assert not summary.constant_memory
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == summary.sheets
    assert wb.sheetnames[:5] == ["Cover", "Competencies", "Scales", "Matrix", "Assessment guide"]
    assert set(summary.role_sheets) == {r.key for r in se_model.roles}
    for role in se_model.roles:
        ws = wb[summary.role_sheets[role.key]]
        text = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        assert se_model.text(role.title) in " ".join(text)
        assert {
            se_model.text(se_model.competency(q.competency).name) for q in role.requirements
        } <= text
        assert not {q.competency for q in role.requirements} & text  # names, not keys
    assert GAPS_SHEET in wb.sheetnames
    assert set(summary.person_sheets) == {p.key for p in se_people.people if p.role}
    cover = [c.value for row in wb["Cover"].iter_rows() for c in row if c.value is not None]
    assert se_model.version in cover
    assert "Approvals" in cover
    assert "Changelog" in cover
    # the dictionary: one row per competency with its definition
    dictionary = wb[DICTIONARY_SHEET]
    names = {c.value for c in dictionary["A"]}
    assert {se_model.text(c.name) for c in se_model.competencies} <= names
    # the keys only in the last, technical column
    last = dictionary.max_column
    assert dictionary.cell(3, last).value == "Key (for systems)"
    assert {c.value for row in dictionary.iter_rows(min_col=last, max_col=last) for c in row} >= {
        c.key for c in se_model.competencies
    }


def test_matrix_matches_the_model(
    se_model: cc.CompetencyModel, example_workbook: tuple[Path, Any]
) -> None:
    path, _ = example_workbook
    assert read_matrix(path, se_model) == expected_matrix(se_model)
    ws = openpyxl.load_workbook(path)[MATRIX_SHEET]
    assert ws.freeze_panes == f"C{MATRIX_HEADER_ROWS + 1}"
    (rule,) = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert rule.type == "colorScale"
    assert len(rule.colorScale.color) == 3


@settings(max_examples=10, deadline=None)
@given(model=competency_models(n_roles=(1, 4)))
def test_matrix_matches_generated_models(model: cc.CompetencyModel) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.xlsx"
        write_workbook(model, path, language="en")
        assert read_matrix(path, model) == expected_matrix(model)


def test_gap_sheets_have_charts(example_workbook: tuple[Path, Any]) -> None:
    path, summary = example_workbook
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        kinds = {re.search(r"<c:(radar|bar)Chart>", z.read(n).decode()) is not None for n in charts}
    # one chart per person sheet and one of the teams on the gaps sheet
    assert len(charts) == len(summary.person_sheets) + 1
    assert kinds == {True}


# -- strings stay strings -------------------------------------------------------------------------
def hostile(model: cc.CompetencyModel) -> cc.CompetencyModel:
    """The model with competency names, definitions and a role title that look like formulas."""
    comps = tuple(
        c.model_copy(
            update={
                "name": cc.text(DANGEROUS[i % len(DANGEROUS)]),
                "definition": cc.text(DANGEROUS[(i + 1) % len(DANGEROUS)]),
                "tags": (DANGEROUS[(i + 2) % len(DANGEROUS)],),
            }
        )
        for i, c in enumerate(model.competencies)
    )
    roles = (model.roles[0].model_copy(update={"title": cc.text("=cmd|' /C calc'!A0")}),)
    return model.model_copy(update={"competencies": comps, "roles": roles + model.roles[1:]})


@pytest.mark.parametrize("constant_memory", [False, True])
def test_formula_like_texts_are_written_as_strings(
    se_model: cc.CompetencyModel, tmp_path: Path, constant_memory: bool
) -> None:
    model = hostile(se_model)
    path = tmp_path / "hostile.xlsx"
    write_workbook(model, path, constant_memory=constant_memory)
    for name, xml in sheet_xml(path).items():
        assert "<f>" not in xml, f"{name} has a formula"
    wb = openpyxl.load_workbook(path)
    found: dict[str, str] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in (*DANGEROUS, "=cmd|' /C calc'!A0"):
                    found[cell.value] = cell.data_type
    assert set(found) == {*DANGEROUS, "=cmd|' /C calc'!A0"}
    assert set(found.values()) == {"s"}


# -- constant memory -------------------------------------------------------------------------------
def values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_constant_memory_writes_the_same_cells(
    se_model: cc.CompetencyModel, tmp_path: Path
) -> None:
    normal = write_workbook(se_model, tmp_path / "normal.xlsx")
    streamed = write_workbook(se_model, tmp_path / "streamed.xlsx", constant_memory=True)
    assert streamed.constant_memory
    assert normal.sheets == streamed.sheets
    assert values(normal.path) == values(streamed.path)
    # constant-memory mode writes strings inline, the normal mode through the shared table
    assert any('t="inlineStr"' in x for x in sheet_xml(streamed.path).values())
    assert not any('t="inlineStr"' in x for x in sheet_xml(normal.path).values())
    # row heights set for wrapped texts survive the streaming (rows are flushed in order)
    normal_ws = openpyxl.load_workbook(normal.path)[DICTIONARY_SHEET]
    streamed_ws = openpyxl.load_workbook(streamed.path)[DICTIONARY_SHEET]
    heights = {r: d.height for r, d in normal_ws.row_dimensions.items() if d.height}
    assert heights
    assert heights == {r: d.height for r, d in streamed_ws.row_dimensions.items() if d.height}


def test_large_models_switch_to_constant_memory(
    se_model: cc.CompetencyModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = len(se_model.competencies) * len(se_model.roles)
    monkeypatch.setattr(xlsx_module, "CONSTANT_MEMORY_CELLS", cells - 1)
    assert write_workbook(se_model, tmp_path / "big.xlsx").constant_memory
    monkeypatch.setattr(xlsx_module, "CONSTANT_MEMORY_CELLS", cells)
    assert not write_workbook(se_model, tmp_path / "small.xlsx").constant_memory


def test_a_failed_write_leaves_no_file(
    se_model: cc.CompetencyModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx_module._Workbook, "write_guide", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_workbook(se_model, tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_gap_sheets_hold_the_scores(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, example_workbook: tuple[Path, Any]
) -> None:
    from competency_core.publish.xlsx_gaps import POLICY
    from competency_core.scoring import score_person

    path, summary = example_workbook
    wb = openpyxl.load_workbook(path)
    names = {se_people.person(k).name: k for k in summary.person_sheets}
    rows = {
        names[row[1]]: row for row in wb[GAPS_SHEET].iter_rows(values_only=True) if row[1] in names
    }
    assert set(rows) == set(summary.person_sheets)
    for key, sheet in summary.person_sheets.items():
        score = score_person(se_model, se_people, key, on=ON, policy=POLICY)
        if any(q.counted for q in score.requirements):
            assert rows[key][3] == pytest.approx(score.readiness)
            assert rows[key][4] == pytest.approx(score.gap)
            assert rows[key][5] == ("yes" if score.ready else "no")
        else:
            assert rows[key][3] is None
            assert rows[key][5] == "not assessed"
        assert rows[key][7] == sum(not q.counted for q in score.requirements)
        person = wb[sheet]
        reqs = se_model.role(score.role).requirements
        by_name = {se_model.text(se_model.competency(q.competency).name): q for q in reqs}
        required = {r[0]: r[1] for r in person.iter_rows(values_only=True) if r[0] in by_name}
        assert required == {n: q.level for n, q in by_name.items()}


def test_sheet_names_fit_excel_counting_utf16_units() -> None:
    names = SheetNames()
    wanted = "É𡱧Ċ𣫪" * 10  # characters outside the BMP count twice in Excel
    first, second = names.make(wanted), names.make(wanted)
    for name in (first, second):
        assert len(name.encode("utf-16-le")) // 2 <= SHEET_NAME_MAX
    assert first != second
    assert second.endswith(" (2)")
    book = xlsxwriter.Workbook(io.BytesIO())
    book.add_worksheet(first)
    book.add_worksheet(second)
    book.close()


# -- chart titles: texts, never formulas -----------------------------------------------------------
REFERENCE_LIKE = ["Ann!A0", "Lee!$B$2 Jr", "=Sheet1!A1", "Gaps!A1:B2", "o'Neil!C3", "x!ZZ9"]


def chart_spaces(path: Path) -> dict[str, Any]:
    """Each chart of a workbook as openpyxl reads its XML back (chart part name -> ChartSpace)."""
    from openpyxl.chart.chartspace import ChartSpace
    from openpyxl.xml.functions import fromstring

    with zipfile.ZipFile(path) as z:
        return {
            n: ChartSpace.from_tree(fromstring(z.read(n)))
            for n in z.namelist()
            if n.startswith("xl/charts/chart")
        }


@pytest.mark.parametrize("constant_memory", [False, True])
def test_names_that_look_like_cell_references_stay_texts_in_charts(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path: Path, constant_memory: bool
) -> None:
    people = tuple(
        p.model_copy(update={"name": REFERENCE_LIKE[i % len(REFERENCE_LIKE)]})
        for i, p in enumerate(se_people.people)
    )
    workforce = se_people.model_copy(update={"people": people})
    path = tmp_path / "names.xlsx"
    summary = write_workbook(
        se_model,
        path,
        workforce=workforce,
        on=ON,
        constant_memory=constant_memory,
        people_in_model_workbook=True,
    )
    wb = openpyxl.load_workbook(path)
    reference = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$[A-Z]+\$\d+(?::\$[A-Z]+\$\d+)?$")
    titles: list[str] = []
    for part, space in chart_spaces(path).items():
        for formula in re.findall(r"<c:f>(.*?)</c:f>", zipfile.ZipFile(path).read(part).decode()):
            formula = formula.replace("&amp;", "&").replace("&apos;", "'")
            found = reference.match(formula)
            assert found, f"{part}: {formula!r} is not a reference to cells"
            sheet = (found[1] or "").replace("''", "'") or found[2]
            assert sheet in wb.sheetnames, f"{part}: {formula!r} names no sheet"
        title = space.chart.title
        if title is None or title.tx is None:
            continue
        if title.tx.strRef is None:
            titles.append("".join(r.t for p in title.tx.rich.p for r in (p.r or [])))
        else:  # a reference to a cell that holds the title as a string
            sheet_name, cell = title.tx.strRef.f.rsplit("!", 1)
            target = wb[sheet_name.strip("'").replace("''", "'")][cell.replace("$", "")]
            assert target.data_type == "s"
            # the cached text, shown by viewers that do not recalculate
            assert title.tx.strRef.strCache.pt[0].v == target.value
            titles.append(target.value)
    for key in summary.person_sheets:
        name = workforce.person(key).name
        assert f"{name}: required and actual levels" in titles
