"""Safe writing into XLSX worksheets: strings are always strings, never formulas.

A model's texts come from many hands. A definition that starts with ``=``, ``+``, ``-`` or
``@`` must show as text, not run as a formula in the reader's spreadsheet (formula or "CSV"
injection). Every text goes through :meth:`SheetWriter.text`, which calls xlsxwriter's
``write_string``; the workbook is also opened with ``strings_to_formulas`` off as a second
guard.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from competency_core.publish.xlsx_print import PageLayout, PrintSetup

XLSX_MAX_TEXT = 32767
"""The longest text a cell holds; longer texts are cut with a marker."""

SHEET_NAME_MAX = 31
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ILLEGAL_SHEET = re.compile(r"[\[\]:*?/\\']")


def cell_text(value: str) -> str:
    """A text made safe for a cell: no XML-illegal control characters, at most 32,767 chars."""
    value = _ILLEGAL_XML.sub("", value)
    if len(value) > XLSX_MAX_TEXT:
        value = value[: XLSX_MAX_TEXT - 12] + " [truncated]"
    return value


def _utf16_cut(value: str, units: int) -> str:
    """``value`` cut to at most ``units`` UTF-16 code units (how Excel counts a sheet name)."""
    out, used = [], 0
    for ch in value:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            break
        out.append(ch)
    return "".join(out)


class SheetNames:
    """Unique, legal sheet names: 31 characters at most, no brackets, colon, star, slashes.

    Characters are counted in UTF-16 code units, as Excel counts them.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def make(self, wanted: str) -> str:
        """A legal, not yet used sheet name as close to ``wanted`` as possible."""
        base = _ILLEGAL_SHEET.sub("-", " ".join(cell_text(wanted).split())).strip() or "Sheet"
        base = _utf16_cut(base, SHEET_NAME_MAX).strip()
        name, n = base, 2
        while name.lower() in self._taken or name.lower() == "history":
            suffix = f" ({n})"
            name = _utf16_cut(base, SHEET_NAME_MAX - len(suffix)).rstrip() + suffix
            n += 1
        self._taken.add(name.lower())
        return name


def internal_link(sheet: str, cell: str = "A1") -> str:
    """An ``internal:`` hyperlink target to a cell of a sheet (quotes doubled)."""
    return "internal:'" + sheet.replace("'", "''") + f"'!{cell}"


LINE_HEIGHT = 15.0
"""Points per line of 11-point text; row heights are set from the estimated line count."""

_WRAPPING = {"wrap", "muted", "strong"}


@functools.lru_cache(maxsize=1 << 16)
def wrapped_lines(value: str, width: float) -> int:
    r"""How many lines a text takes in a wrapping cell ``width`` characters wide (greedy).

    Answers are remembered: a big workbook writes the same texts (a competency's indicators
    at a level, on each role sheet that requires it) into columns of the same width many
    times.

    >>> wrapped_lines("one two three", 5), wrapped_lines("a\nb", 10), wrapped_lines("", 5)
    (3, 2, 1)
    """
    capacity = max(1, int(width * 1.2) - 1)
    total = 0
    for paragraph in value.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            n = len(word)
            if used and used + 1 + n > capacity:
                lines, used = lines + 1, 0
            if n > capacity:  # a long word breaks over several lines
                lines += (used + n - 1) // capacity
                used = (used + n) % capacity
            else:
                used += n + (1 if used else 0)
        total += lines
    return max(1, total)


class SheetWriter:
    """Writes into one worksheet row by row (constant-memory mode needs rows in order).

    Row heights are not computed by every spreadsheet on opening (LibreOffice keeps the
    default height), so the writer estimates each row's height from its wrapped texts and
    the column widths set through :meth:`columns`.
    """

    def __init__(
        self, worksheet: Any, formats: dict[str, Any], printing: PrintSetup | None = None
    ) -> None:
        self.ws = worksheet
        self.formats = formats
        self.printing = printing
        self.row = 0
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        """Row heights in points, where not the default (fixed or estimated)."""
        self.charts: list[tuple[int, int, int, int, int]] = []
        """Charts inserted: (row, column, width px, height px, first row to keep with it)."""
        self.last_col = 0
        self.layout: PageLayout | None = None
        """The print layout chosen by :meth:`finish` (with a :class:`PrintSetup`)."""
        self._lines: dict[int, int] = {}
        """Row -> its estimated line count, for rows whose height is not yet set."""
        self._lowest: int | None = None
        """The lowest row of :attr:`_lines` (None: none), so most cells skip :meth:`_advance`."""
        self._spans: dict[tuple[int, int], float] = {}
        """(column, span) -> the width in characters of those columns (see :meth:`columns`)."""
        self._fixed: set[int] = set()
        self._landscape: bool | None = None
        self._pages_wide = 1
        self._repeated: tuple[int, int] | None = None
        self._repeat_columns: tuple[int, int] | None = None

    def columns(self, widths: Mapping[int, float] | Sequence[float]) -> None:
        """Set column widths (in characters): ``{col: width}`` or a list from column 0."""
        items = widths.items() if isinstance(widths, Mapping) else enumerate(widths)
        for col, w in items:
            self.widths[col] = w
            self.ws.set_column(col, col, w)
        self._spans.clear()

    def height(self, row: int, points: float) -> None:
        """Fix a row's height (no estimate for that row)."""
        self._fixed.add(row)
        self.heights[row] = points
        self.ws.set_row(row, points)

    def _advance(self, row: int) -> None:
        """Set the heights of rows above ``row`` before constant-memory mode flushes them."""
        if self._lowest is None or self._lowest >= row:
            return
        for r in [r for r in self._lines if r < row]:
            self._apply(r)
        self._lowest = min(self._lines) if self._lines else None

    def _note_lines(self, row: int, col: int, value: str, span: int) -> None:
        width = self._spans.get((col, span))
        if width is None:
            width = self._spans[col, span] = sum(
                self.widths.get(c, 8.43) for c in range(col, col + span)
            )
        n = wrapped_lines(value, width)
        if n > 1:
            self._lines[row] = max(self._lines.get(row, 1), n)
            if self._lowest is None or row < self._lowest:
                self._lowest = row

    def _apply(self, row: int) -> None:
        n = self._lines.pop(row, 1)
        if row not in self._fixed and n > 1:
            self.heights[row] = min(409.0, LINE_HEIGHT * n + 3)
            self.ws.set_row(row, self.heights[row])

    def page_setup(
        self,
        *,
        landscape: bool | None = None,
        pages_wide: int = 1,
        repeat_rows: tuple[int, int] | None = None,
        repeat_columns: tuple[int, int] | None = None,
    ) -> None:
        """Ask for a print layout; it is worked out in :meth:`finish` from the columns' widths.

        ``landscape`` None lets the width decide; ``pages_wide`` > 1 lets wide sheets flow
        over pages; ``repeat_columns`` are repeated on every page when columns flow.
        """
        self._landscape = landscape
        self._pages_wide = pages_wide
        if repeat_rows is not None:
            self.ws.repeat_rows(*repeat_rows)
            self._repeated = repeat_rows
        self._repeat_columns = repeat_columns

    def fmt(self, name: str | None) -> Any:
        """A named cell format (None: the default)."""
        return self.formats[name] if name else None

    def text(
        self, row: int, col: int, value: str | None, fmt: str | None = None, span: int = 1
    ) -> None:
        """Write a text as a string (never a formula, URL or number); None writes nothing.

        ``span`` > 1 merges the cell with the next ``span - 1`` cells of the row.
        """
        self._advance(row)
        if value is None or value == "":
            if fmt:
                self.ws.write_blank(row, col, None, self.fmt(fmt))
            return
        value = cell_text(value)
        self.last_col = max(self.last_col, col + span - 1)
        if span > 1:
            self.ws.merge_range(row, col, row, col + span - 1, "", self.fmt(fmt))
        self.ws.write_string(row, col, value, self.fmt(fmt))
        if fmt in _WRAPPING or (fmt or "").startswith("indent"):
            self._note_lines(row, col, value, span)

    def number(self, row: int, col: int, value: float | None, fmt: str | None = None) -> None:
        """Write a number (None writes nothing)."""
        self._advance(row)
        if value is not None:
            self.last_col = max(self.last_col, col)
            self.ws.write_number(row, col, value, self.fmt(fmt))

    def chart(
        self, row: int, col: int, chart: Any, width: int, height: int, keep_from: int | None = None
    ) -> None:
        """Insert a chart of ``width`` x ``height`` pixels at a cell, kept on one printed page.

        ``keep_from`` (a row above ``row``) keeps the rows from there (a caption) with it.
        """
        chart.set_size({"width": width, "height": height})
        self.ws.insert_chart(row, col, chart)
        self.charts.append((row, col, width, height, row if keep_from is None else keep_from))

    def link(self, row: int, col: int, target: str, label: str, fmt: str = "link") -> None:
        """Write an internal link (targets are built by this package, never taken from texts)."""
        self._advance(row)
        self.ws.write_url(row, col, target, self.fmt(fmt), cell_text(label)[:255])

    def line(
        self, *values: str | float | None, fmt: str | None = None, height: float | None = None
    ) -> int:
        """Write a row of values at the current row, advance, and return the row written."""
        r = self.row
        if height is not None:
            self.height(r, height)
        for c, v in enumerate(values):
            if isinstance(v, bool) or v is None or isinstance(v, str):
                self.text(r, c, None if isinstance(v, bool) else v, fmt)
            else:
                self.number(r, c, v, fmt)
        self.row += 1
        return r

    def skip(self, n: int = 1) -> None:
        """Leave ``n`` empty rows."""
        self.row += n

    def finish(self) -> None:
        """Set the last rows' heights and the print layout; release constant-memory files."""
        for r in list(self._lines):
            self._apply(r)
        self._lowest = None
        if self.printing is not None:
            self.layout = self.printing.apply(
                self,
                landscape=self._landscape,
                pages_wide=self._pages_wide,
                repeated=self._repeated,
                repeat_columns=self._repeat_columns,
            )
        close = getattr(self.ws, "_opt_close", None)
        if getattr(self.ws, "constant_memory", False) and callable(close):
            close()


__all__ = [
    "SHEET_NAME_MAX",
    "XLSX_MAX_TEXT",
    "SheetNames",
    "SheetWriter",
    "cell_text",
    "internal_link",
]
