"""How the workbook prints: paper, orientation, a readable scale, headers, charts kept whole.

Every sheet is laid out from the widths of its columns and charts (estimated the way
Excel measures a column: 7 pixels a character plus 5 of padding, at 0.75 point a pixel):

- the paper is A4 or Letter (:func:`default_paper`: Letter where the language's region
  uses it, e.g. ``en-US``, ``en-CA``; A4 elsewhere, e.g. ``sv``, ``en``, ``en-GB``);
- portrait when the sheet fits across at 85% or more, landscape otherwise;
- fitted to the page's width when that keeps the scale at :data:`SCALE_FLOOR` or above
  (with a margin for the estimate); otherwise printed at the floor, the columns flowing
  onto further pages (across, then down) with the name columns repeated on each;
- the table's header rows repeat on every page; the page header names the model and its
  version (left) and any draft or confidentiality mark (right, bold); the footer the
  sheet and the page ("Page 3 / 7");
- a chart never splits: a manual page break goes just above it when it would not fit
  below what is already on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from competency_core.publish.sheets import SheetWriter

Paper = Literal["a4", "letter"]

SCALE_FLOOR = 0.6
"""The smallest print scale used: below it 11-point text is no longer comfortable to read."""

FIT_MARGIN = 0.05
"""A sheet is fitted to the page width only when the estimated scale clears the floor by this."""

PAPERS: dict[str, tuple[int, float, float]] = {"a4": (9, 8.27, 11.69), "letter": (1, 8.5, 11.0)}
"""Paper -> (Excel's paper code, width and height in inches)."""

LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "PR"})
"""Regions where Letter is the usual paper."""

MARGIN_SIDE = 0.4
MARGIN_TOP = 0.75
MARGIN_HEADER = 0.3
DEFAULT_ROW = 15.0
"""Points of a row whose height is not set."""
KEEP_ROOM = 0.8
"""A chart stays on the current page only if it ends within this share of the page."""


def default_paper(language: str | None) -> Paper:
    """Letter for a language tagged with a Letter region (``en-US``), A4 otherwise.

    >>> default_paper("sv"), default_paper("en-US"), default_paper("en"), default_paper(None)
    ('a4', 'letter', 'a4', 'a4')
    """
    if not language:
        return "a4"
    parts = language.replace("-", "_").split("_")
    return "letter" if any(p.upper() in LETTER_REGIONS for p in parts[1:]) else "a4"


def column_pixels(width: float) -> int:
    """The width in pixels of a column ``width`` characters wide (Calibri 11, as Excel)."""
    if width < 1:
        return int(width * 12 + 0.5)
    return int(width * 7 + 0.5) + 5


def header_text(value: str) -> str:
    """A text for a page header or footer: ``&`` doubled (it starts a code there)."""
    return value.replace("&", "&&")


@dataclass(frozen=True)
class PageLayout:
    """The print layout chosen for a sheet."""

    paper: Paper
    landscape: bool
    scale: float
    """The estimated print scale (1.0 = 100%); never below :data:`SCALE_FLOOR`."""
    fit_width: bool
    """Fitted to the page width (else printed at ``scale``, columns flowing over pages)."""
    content_points: float
    breaks: tuple[int, ...] = ()
    """Rows (0-based) a manual page break was placed above, to keep charts whole."""
    chart_rows: tuple[tuple[int, int], ...] = ()
    """Each chart's first row (its caption's, if kept with it) and last row (0-based)."""


@dataclass(frozen=True)
class PrintSetup:
    """What every sheet of one workbook prints with: paper, running header and marks."""

    paper: Paper
    title: str
    """The model and version, on the left of every page's header."""
    mark: str = ""
    """A draft or confidentiality mark, bold in the middle of the header ('' for none)."""
    page: str = "Page"
    """The word before the page number in the footer."""
    floor: float = SCALE_FLOOR
    notes: list[str] = field(default_factory=list)

    def apply(
        self,
        s: SheetWriter,
        *,
        landscape: bool | None,
        pages_wide: int,
        repeated: tuple[int, int] | None,
        repeat_columns: tuple[int, int] | None,
    ) -> PageLayout:
        """Set the sheet's print layout (see the module docs) and return it."""
        ws = s.ws
        code, width_in, height_in = PAPERS[self.paper]
        ws.set_paper(code)
        ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_TOP)
        left = header_text(self.title)[:120]
        mark = f'&"-,Bold"{header_text(self.mark)[:100]}' if self.mark else ""
        ws.set_header(f"&L&9{left}&R&9{mark}", {"margin": MARGIN_HEADER})
        ws.set_footer(f"&L&9&A&R&9{header_text(self.page)[:20]} &P / &N", {"margin": MARGIN_HEADER})
        content = self._content_points(s)
        across = {
            False: (width_in - 2 * MARGIN_SIDE) * 72 * pages_wide,
            True: (height_in - 2 * MARGIN_SIDE) * 72 * pages_wide,
        }
        if landscape is None:
            landscape = min(1.0, across[False] / content) < 0.85
        elif not landscape and min(1.0, across[False] / content) < self.floor + FIT_MARGIN:
            landscape = True  # readable beats the preferred orientation
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        scale = min(1.0, across[landscape] / content)
        fit = scale >= self.floor + FIT_MARGIN
        if fit:
            ws.fit_to_pages(pages_wide, 0)
        else:
            scale = self.floor
            ws.set_print_scale(round(self.floor * 100))
            ws.print_across()
            if repeat_columns is not None:
                ws.repeat_columns(*repeat_columns)
        down = (width_in if landscape else height_in) - 2 * MARGIN_TOP
        page = down * 72 / scale - self._rows_points(s, repeated)
        breaks, spans = self._chart_breaks(s, page)
        if breaks:
            ws.set_h_pagebreaks(list(breaks))
        return PageLayout(self.paper, landscape, scale, fit, content, breaks, spans)

    @staticmethod
    def _content_points(s: SheetWriter) -> float:
        def left_of(col: int) -> int:
            return sum(column_pixels(s.widths.get(c, 8.43)) for c in range(col))

        right = left_of(s.last_col + 1)
        for _row, col, width, _height, _top in s.charts:
            right = max(right, left_of(col) + width)
        return max(1.0, right * 0.75)

    @staticmethod
    def _rows_points(s: SheetWriter, rows: tuple[int, int] | None) -> float:
        if rows is None:
            return 0.0
        return sum(s.heights.get(r, DEFAULT_ROW) for r in range(rows[0], rows[1] + 1))

    @staticmethod
    def _span_points(s: SheetWriter, first: int, stop: int) -> float:
        return sum(s.heights.get(r, DEFAULT_ROW) for r in range(first, stop))

    @staticmethod
    def _chart_end(s: SheetWriter, row: int, height_px: int) -> int:
        left, r = height_px * 0.75, row
        while True:
            left -= s.heights.get(r, DEFAULT_ROW)
            if left <= 0:
                return r
            r += 1

    def _chart_breaks(
        self, s: SheetWriter, page: float
    ) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """Manual breaks above charts that would otherwise cross a page's end."""
        charts = sorted(
            (top, self._chart_end(s, row, h), self._span_points(s, top, row) + h * 0.75)
            for row, _c, _w, h, top in s.charts
        )
        if not charts:
            return (), ()
        breaks: list[int] = []
        used, r, last = 0.0, 0, max(end for _, end, _h in charts)
        pending = list(charts)
        while r <= last:
            while pending and pending[0][0] == r:
                _, _end, height = pending.pop(0)
                if used > 0 and used + height > page * KEEP_ROOM:
                    breaks.append(r)
                    used = 0.0
                if height > page:
                    self.notes.append(f"a chart taller than a page on {s.ws.name}")
            h = s.heights.get(r, DEFAULT_ROW)
            if used + h > page:
                used = 0.0
            used += h
            r += 1
        return tuple(sorted(set(breaks))), tuple((a, b) for a, b, _h in charts)


__all__ = [
    "PAPERS",
    "SCALE_FLOOR",
    "PageLayout",
    "Paper",
    "PrintSetup",
    "column_pixels",
    "default_paper",
    "header_text",
]
