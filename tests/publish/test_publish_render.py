"""Looking at the output: LibreOffice opens the workbook, the pictures of it and the handbook.

These tests need LibreOffice, poppler and Chromium (``scripts/ensure-render-tools.sh``, run
by ``make test``, installs them); they are skipped with that reason where they are absent.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import competency_core as cc
from competency_core.publish import write_handbook, write_workbook
from competency_core.publish.xlsx import MATRIX_HEADER_ROWS, MATRIX_SHEET

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "render-publish.sh"
HANDBOOK_PAGES = "index.html competencies/coding.html roles/senior-engineer.html"


@dataclass(frozen=True)
class Rendered:
    workbook: Path
    sheets: list[str]
    handbook: Path
    pictures: Path
    listed: list[Path]
    """The pictures the script says it wrote."""


@pytest.fixture(scope="module")
def rendered(
    se_model: cc.CompetencyModel,
    se_people: cc.Workforce,
    soffice: str,
    pdftoppm: str,
    chromium: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Rendered:
    out = tmp_path_factory.mktemp("render")
    summary = write_workbook(
        se_model,
        out / "example.xlsx",
        workforce=se_people,
        on=dt.date(2026, 6, 1),
        people_in_model_workbook=True,  # one PDF with the person sheets too
    )
    write_handbook(se_model, out / "handbook")
    env = {**os.environ, "RENDER_PAGES": HANDBOOK_PAGES, "RENDER_DPI": "40"}
    run = subprocess.run(
        [
            "bash",
            str(SCRIPT),
            str(out),
            "--workbook",
            str(summary.path),
            "--handbook",
            str(out / "handbook"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    listed = [Path(line) for line in run.stdout.splitlines() if line.strip()]
    return Rendered(summary.path, summary.sheets, out / "handbook", out / "pictures", listed)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_libreoffice_opens_the_workbook(rendered: Rendered, se_model: cc.CompetencyModel) -> None:
    """LibreOffice converts it to PDF; every sheet and every role is in what it printed."""
    pdf = rendered.pictures / "workbook.pdf"
    assert pdf.stat().st_size > 10_000
    text = pdf_text(pdf)
    pages = text.count("\f")
    assert pages >= len(rendered.sheets)
    for heading in ("Proficiency scales", "Required level by role and competency", "How to assess"):
        assert heading in text
    for role in se_model.roles:
        assert se_model.text(role.title) in text
    for person in ("Priya Raman", "Lena Fischer"):
        assert f"Gap profile: {person}" in text


def test_libreoffice_reads_the_matrix_as_written(
    rendered: Rendered, soffice: str, tmp_path: Path
) -> None:
    """Saved again by LibreOffice, the matrix holds the same numbers: nothing was repaired away."""
    run = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(rendered.workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    resaved = tmp_path / "out" / rendered.workbook.name
    assert run.returncode == 0, run.stderr
    assert resaved.is_file(), run.stdout + run.stderr

    def matrix(path: Path) -> list[tuple[Any, ...]]:
        ws = openpyxl.load_workbook(path)[MATRIX_SHEET]
        return [
            tuple(r)
            for r in ws.iter_rows(min_row=MATRIX_HEADER_ROWS, values_only=True)
            if any(v is not None for v in r)
        ]

    original, again = matrix(rendered.workbook), matrix(resaved)
    assert len(original) > 20
    assert again == original
    assert openpyxl.load_workbook(resaved).sheetnames == rendered.sheets


def test_the_pictures_show_something(rendered: Rendered, png: Callable[[Path], Any]) -> None:
    workbook = sorted(rendered.pictures.glob("workbook-*.png"))
    handbook = sorted(rendered.pictures.glob("handbook-*.png"))
    assert sorted(rendered.listed) == sorted(workbook + handbook)
    assert len(workbook) == pdf_text(rendered.pictures / "workbook.pdf").count("\f")
    assert [p.name for p in handbook] == [
        "handbook-competencies-coding.png",
        "handbook-index.png",
        "handbook-roles-senior-engineer.png",
    ]
    for path in workbook + handbook:
        picture = png(path)
        assert picture.ink > 0.01, f"{path} is (nearly) blank"
        assert picture.colours > 8, f"{path} has {picture.colours} colours"
    index = png(rendered.pictures / "handbook-index.png")
    assert (index.width, index.height) == (1200, 1600)
    # the header band of the handbook and the heat colours of the matrix are drawn
    assert index.ink > 0.05
    matrix_page = png(workbook[3])
    assert matrix_page.colours > 20


def test_the_script_explains_its_usage() -> None:
    run = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert "Usage:" in run.stderr
