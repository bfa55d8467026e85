"""The workbook prints legibly on A4 and Letter: what is set in the file, and what LibreOffice prints.

The file: paper, header rows repeated, fitted to the width or printed at the floor with
the name column repeated, page header and footer, page breaks that keep charts whole.
LibreOffice (one start for all the files; skipped where it is absent): every page is the
paper asked for, carries the page header and its table's header row, is not printed below
the floor, and a chart with its caption is on one page.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.errors import CompetencyError
from competency_core.publish import write_workbook
from competency_core.publish.xlsx import WorkbookSummary
from competency_core.publish.xlsx_print import (
    MARGIN_TOP,
    PAPERS,
    SCALE_FLOOR,
    PageLayout,
    default_paper,
)
from competency_core.testing.strategies import competency_models

REPO = Path(__file__).resolve().parents[2]
ON = dt.date(2026, 6, 1)
COVERS = {"Cover", "About", "Försättsblad", "Om arbetsboken"}


@pytest.fixture(scope="module")
def cs_model() -> cc.CompetencyModel:
    return cc.load_model(REPO / "examples" / "customer-success.yaml")


@pytest.fixture(scope="module")
def cs_people(cs_model: cc.CompetencyModel) -> cc.Workforce:
    return cc.load_workforce(REPO / "examples" / "customer-success-people.yaml", cs_model)


def sheets_of(summary: WorkbookSummary) -> list[tuple[Path, Any]]:
    out = []
    for path in (summary.path, summary.people_path):
        if path is not None:
            out += [(path, ws) for ws in openpyxl.load_workbook(path).worksheets]
    return out


def page_rows(ws: Any, layout: PageLayout) -> float:
    """The points of rows a page holds at the layout's scale, less the repeated rows."""
    _code, width, height = PAPERS[layout.paper]
    down = (width if layout.landscape else height) - 2 * MARGIN_TOP
    repeated = 0.0
    if ws.print_title_rows:
        first, last = (int(x) for x in re.findall(r"\d+", ws.print_title_rows))
        repeated = sum(row_height(ws, r) for r in range(first, last + 1))
    return down * 72 / layout.scale - repeated


def row_height(ws: Any, row: int) -> float:
    """A row's height in points as written (1-based row)."""
    h = ws.row_dimensions[row].height
    return float(h) if h else 15.0


def check_charts_whole(ws: Any, layout: PageLayout) -> None:
    """Walk the rows page by page (manual breaks first) and see each chart on one page."""
    page = page_rows(ws, layout)
    manual = {b.id for b in ws.row_breaks.brk}  # a break after row id (1-based)
    starts, used = {1: 1}, 0.0
    current = 1
    last = max((end for _, end in layout.chart_rows), default=0) + 1
    for row in range(1, last + 1):
        h = row_height(ws, row)
        if row - 1 in manual or used + h > page:
            current, used = current + 1, 0.0
        used += h
        starts[row] = current
    for first, end in layout.chart_rows:
        assert starts[first + 1] == starts[end + 1], f"{ws.title}: chart rows {first}-{end} split"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_sheet_is_set_up_to_print(
    cs_model: cc.CompetencyModel, cs_people: cc.Workforce, tmp_path: Path, paper: str
) -> None:
    summary = write_workbook(
        cs_model, tmp_path / "m.xlsx", workforce=cs_people, language="sv", on=ON, paper=paper
    )  # type: ignore[arg-type]
    assert summary.paper == paper
    code = PAPERS[paper][0]
    seen = 0
    for _path, ws in sheets_of(summary):
        layout = summary.layouts[ws.title]
        seen += 1
        assert ws.page_setup.paperSize == code, ws.title
        assert layout.scale >= SCALE_FLOOR, ws.title
        if layout.fit_width:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert ws.page_setup.fitToWidth in (None, 1)  # absent: the default, 1 page
            assert ws.page_setup.fitToHeight == 0
        else:
            assert int(ws.page_setup.scale) >= SCALE_FLOOR * 100
            assert ws.print_title_cols, ws.title
        assert ws.page_setup.orientation == ("landscape" if layout.landscape else "portrait")
        if ws.title not in COVERS:
            assert ws.print_title_rows, f"{ws.title}: no header rows repeated"
        assert cs_model.version in (ws.oddHeader.left.text or "")
        assert "&P" in (ws.oddFooter.right.text or "")
        assert "&N" in (ws.oddFooter.right.text or "")
        check_charts_whole(ws, layout)
    assert seen == len(summary.sheets) + len(summary.people_sheets)
    charts = [ly for ly in summary.layouts.values() if ly.chart_rows]
    assert len(charts) == len(summary.person_sheets) + 1


def test_a_very_wide_matrix_flows_at_the_floor_with_names_repeated(
    se_model: cc.CompetencyModel, tmp_path: Path
) -> None:
    roles = tuple(
        r.model_copy(update={"key": f"{r.key}-{i}"}) for i in range(20) for r in se_model.roles
    )
    wide = se_model.model_copy(update={"roles": roles, "transitions": ()})
    summary = write_workbook(wide, tmp_path / "wide.xlsx", paper="a4")
    layout = summary.layouts["Matrix"]
    assert not layout.fit_width
    assert layout.landscape
    assert layout.scale == SCALE_FLOOR
    ws = openpyxl.load_workbook(summary.path)["Matrix"]
    assert int(ws.page_setup.scale) == round(SCALE_FLOOR * 100)
    assert ws.print_title_cols == "$A:$A"
    assert ws.page_setup.pageOrder == "overThenDown"


def test_the_paper_follows_the_language_unless_given(
    se_model: cc.CompetencyModel, tmp_path: Path
) -> None:
    assert default_paper("sv") == "a4"
    assert default_paper("en-US") == "letter"
    assert default_paper("en_CA") == "letter"
    assert default_paper("en-GB") == "a4"
    us = write_workbook(se_model, tmp_path / "us.xlsx", language="en-US")
    assert us.paper == "letter"
    assert {ly.paper for ly in us.layouts.values()} == {"letter"}
    assert write_workbook(se_model, tmp_path / "a.xlsx", language="en-US", paper="a4").paper == "a4"
    with pytest.raises(CompetencyError, match="unknown paper"):
        write_workbook(se_model, tmp_path / "b.xlsx", paper="a3")  # type: ignore[arg-type]


# -- printed by LibreOffice --------------------------------------------------------------------------
PAGE_POINTS = {"a4": (595, 842), "letter": (612, 792)}
NAME_HEADER = re.compile(r"(^|\s)Kompetens\s")
"""The repeated first column's header (on every page, also where columns flow)."""
TABLE_HEADERS = {
    "Kompetenser": NAME_HEADER,
    "Matris": NAME_HEADER,
    "Kompetensgap": re.compile(r"(^|\s)Namn\s"),
}


@pytest.fixture(scope="module")
def printed(
    cs_model: cc.CompetencyModel,
    cs_people: cc.Workforce,
    soffice: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[WorkbookSummary, list[Path]]]:
    out = tmp_path_factory.mktemp("print")
    books: dict[str, tuple[WorkbookSummary, list[Path]]] = {}
    files: list[Path] = []
    for paper in ("a4", "letter"):
        s = write_workbook(
            cs_model, out / f"{paper}.xlsx", workforce=cs_people, language="sv", on=ON, paper=paper
        )  # type: ignore[arg-type]
        assert s.people_path is not None
        books[paper] = (s, [out / "pdf" / f"{paper}.pdf", out / "pdf" / f"{paper}-people.pdf"])
        files += [s.path, s.people_path]
    run = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{out}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "pdf"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return books


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def word_heights(pdf: Path) -> list[float]:
    """The median height of the words on each page (pdftotext -bbox), in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = []
    for page in html.split("<page ")[1:]:
        hs = [
            float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', page)
        ]
        out.append(statistics.median(hs) if hs else 0.0)
    return out


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_libreoffice_prints_every_page_legibly(
    printed: dict[str, tuple[WorkbookSummary, list[Path]]], cs_model: cc.CompetencyModel, paper: str
) -> None:
    summary, pdfs = printed[paper]
    title = cs_model.text(cs_model.name, "sv")
    for pdf, sheets in zip(pdfs, (summary.sheets, summary.people_sheets), strict=True):
        texts, sizes, heights = pages(pdf), page_sizes(pdf), word_heights(pdf)
        assert len(texts) == len(sizes) == len(heights)
        # sane: at least a page a sheet, never a flood of pages
        assert len(sheets) <= len(texts) <= 4 * len(sheets), pdf.name
        for n, (text, size, height) in enumerate(zip(texts, sizes, heights, strict=True), 1):
            w, h = sorted(size)
            assert (round(w), round(h)) == PAGE_POINTS[paper], f"{pdf.name} page {n}: {size}"
            flat = " ".join(text.split())
            assert title in flat or title[:30] in flat, f"{pdf.name} page {n}: no page header"
            assert "UTKAST – utkast" in flat, f"{pdf.name} page {n}: no draft mark"
            assert f"Sida {n} / {len(texts)}" in flat, f"{pdf.name} page {n}: no page number"
            # 11-point text printed at the floor or larger
            assert height >= 11 * SCALE_FLOOR * 0.95, f"{pdf.name} page {n}: text {height:.1f} pt"
            sheet = next(
                (s for s in sheets if re.search(rf"(^|\n)\s*{re.escape(s)}\s+Sida", text)), None
            )
            assert sheet is not None, f"{pdf.name} page {n}: no sheet name in the footer"
            header = TABLE_HEADERS.get(sheet)
            if sheet in summary.person_sheets.values() or sheet in summary.role_sheets.values():
                header = NAME_HEADER
            if header is not None:
                assert header.search(text), f"{pdf.name} page {n} ({sheet}): no header row"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_libreoffice_keeps_each_chart_with_its_caption(
    printed: dict[str, tuple[WorkbookSummary, list[Path]]],
    cs_people: cc.Workforce,
    paper: str,
) -> None:
    summary, pdfs = printed[paper]
    texts = pages(pdfs[1])
    for key in summary.person_sheets:
        caption = f"{cs_people.person(key).name}: krävd och faktisk nivå"
        # the caption cell and the chart's own title: both on one page, the legend below
        where = [n for n, text in enumerate(texts) if caption in text]
        assert len(where) == 1, f"{caption!r} on pages {where}"
        page = texts[where[0]]
        assert page.count(caption) == 2, f"{caption!r}: the chart is not with its caption"
        after = page.split(caption)[-1]
        assert "Krävd" in after, caption
        assert "Faktisk" in after, caption


@settings(max_examples=10, deadline=None)
@given(model=competency_models(n_roles=(1, 12)), paper=st.sampled_from(["a4", "letter"]))
def test_no_generated_model_prints_below_the_floor(model: cc.CompetencyModel, paper: str) -> None:
    """Whatever the widths, each sheet is fitted at the floor or above, or flows at the floor."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        summary = write_workbook(model, Path(tmp) / "m.xlsx", paper=paper)  # type: ignore[arg-type]
        assert set(summary.layouts) == set(summary.sheets)
        for ws in openpyxl.load_workbook(summary.path).worksheets:
            layout = summary.layouts[ws.title]
            assert layout.paper == paper
            if layout.fit_width:
                assert layout.scale >= SCALE_FLOOR + 0.05
                assert ws.page_setup.fitToHeight == 0
            else:
                assert layout.scale == SCALE_FLOOR
                assert int(ws.page_setup.scale) == round(SCALE_FLOOR * 100)
