"""The career graph picture's shapes, and drawing them with matplotlib.

:func:`competency_core.careers.drawing.picture` lays a graph out as a :class:`Picture`
(every role's box, every move's curve and label, the legend, in the reader's words);
:func:`render` draws exactly that to an SVG or PNG file. Sizes are in points (1/72 inch; a
browser shows an SVG point as 4/3 CSS pixels): the figure is drawn at 72 points per inch
with the axes filling it, so one data unit is one point and a :class:`Box` is where its
text is drawn. Nothing here holds wording: the texts come in the :class:`Picture`.
"""

from __future__ import annotations

import functools
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from competency_core.errors import CompetencyError
from competency_core.io import write_atomic

HIGHLIGHT = "#d62728"
"""The highlighted path's colour."""

ROLE_FONT_PT = 10.5
"""The size of a role's title (14 CSS pixels at the picture's natural size)."""
LABEL_FONT_PT = 9.0
"""The size of a move's label and of the legend."""
SMALLEST_FONT_PX = LABEL_FONT_PT * 4 / 3
"""The smallest text in the picture at its natural size, in CSS pixels (12 px)."""
LINE_HEIGHT = 1.25
"""Line height as a share of the font size."""
ARROW_HEAD = 7.0
"""The length of an arrow head, in points."""


@dataclass(frozen=True)
class MoveStyle:
    """How a kind of move is drawn: its colour and dashes (on/off lengths in points)."""

    colour: str
    dashes: tuple[float, ...] = ()


MOVE_STYLES: dict[str, MoveStyle] = {
    "promotion": MoveStyle("#0060a8"),
    "lateral": MoveStyle("#007a5a", (6.0, 3.0)),
    "track-switch": MoveStyle("#b84a00", (8.0, 3.0, 2.0, 3.0)),
    "specialist": MoveStyle("#8e3a80", (2.0, 2.0)),
    "management": MoveStyle("#6b4c00", (8.0, 2.0, 2.0, 2.0, 2.0, 2.0)),
    "related": MoveStyle("#555555", (1.0, 3.0)),
}
"""Each kind of move's colour (contrast at least 4.5:1 on white) and dash pattern."""
SUGGESTED_STYLE = MoveStyle("#6b6b6b", (4.0, 4.0))
"""A suggested (not declared) move, whatever its kind."""

TRACK_FILLS = ("#dbe8fb", "#dcefe2", "#fdf0c8", "#eadcf8", "#d5f0f3", "#fbdedb")
TRACK_EDGES = ("#3b6fb6", "#3d8a57", "#8a6800", "#7a4fb0", "#2b7f88", "#b5473a")
INK = "#1d2330"


@dataclass(frozen=True)
class Box:
    """A rectangle of the picture in points, ``y`` up from its bottom left corner."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> Box:
        """The box of ``width`` x ``height`` centred on ``(x, y)``."""
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the box."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def shifted(self, dx: float, dy: float) -> Box:
        """The same box moved by ``dx`` and ``dy``."""
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Whether the two boxes, each grown by ``margin``, share any area."""
        return (
            self.x0 - margin < other.x1 + margin
            and other.x0 - margin < self.x1 + margin
            and self.y0 - margin < other.y1 + margin
            and other.y0 - margin < self.y1 + margin
        )

    def contains(self, point: tuple[float, float], margin: float = 0.0) -> bool:
        """Whether ``point`` is inside the box grown by ``margin``."""
        x, y = point
        return (
            self.x0 - margin <= x <= self.x1 + margin and self.y0 - margin <= y <= self.y1 + margin
        )


@dataclass(frozen=True)
class PlacedRole:
    """A role in the picture: its title as drawn (wrapped) and its box."""

    key: str
    text: str
    box: Box
    track: str
    on_path: bool


@dataclass(frozen=True)
class PlacedMove:
    """A move in the picture: a quadratic curve from role to role, and its label."""

    source: str
    target: str
    text: str
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    """Start, control point and end (the arrow's tip) of the curve."""
    label: Box
    style: MoveStyle
    on_path: bool


@dataclass(frozen=True)
class LegendItem:
    """One entry of the legend: a sample (a track's box or a move's line) and its text."""

    text: str
    box: Box
    """The whole entry, sample and text."""
    sample: Box
    fill: str | None = None
    edge: str | None = None
    style: MoveStyle | None = None
    width: float = 1.2


@dataclass(frozen=True)
class Picture:
    """The career graph picture laid out: every text and line, in points.

    :func:`draw` draws exactly this; tests check it (no two texts overlap).
    """

    width: float
    height: float
    roles: dict[str, PlacedRole]
    moves: list[PlacedMove]
    legend: list[LegendItem]
    headings: list[tuple[str, Box]]
    """The legend's headings ("Tracks", "Moves") and the picture's title."""
    title: str
    description: str
    """What the picture shows, in words (the SVG's ``<desc>``)."""

    def texts(self) -> list[tuple[str, Box]]:
        """Every text of the picture with its box: roles, moves' labels, legend, headings."""
        return [
            *((r.text, r.box) for r in self.roles.values()),
            *((m.text, m.label) for m in self.moves),
            *((item.text, item.box) for item in self.legend),
            *self.headings,
        ]


@functools.cache
def text_width(text: str, size: float) -> float:
    """The width in points of one line of text in matplotlib's default font (DejaVu Sans)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=size), ismath=False
    )
    return float(width)


def lines_width(text: str, size: float) -> float:
    """The width in points of the widest line of ``text``."""
    return max((text_width(line, size) for line in text.splitlines()), default=0.0)


def bezier(
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]], t: float
) -> tuple[float, float]:
    """The point at ``t`` (0 to 1) on a quadratic curve (start, control point, end)."""
    (x0, y0), (x1, y1), (x2, y2) = curve
    u = 1 - t
    return (u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2)


def sub_curve(
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    t0: float,
    t1: float,
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """The part of a quadratic curve between ``t0`` and ``t1`` (its blossom points)."""
    (x0, y0), (x1, y1), (x2, y2) = curve

    def blossom(a: float, b: float) -> tuple[float, float]:
        w0, w1, w2 = (1 - a) * (1 - b), (1 - a) * b + a * (1 - b), a * b
        return (w0 * x0 + w1 * x1 + w2 * x2, w0 * y0 + w1 * y1 + w2 * y2)

    return blossom(t0, t0), blossom(t0, t1), blossom(t1, t1)


def leave(
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    box: Box,
    *,
    from_start: bool,
    margin: float,
) -> float:
    """The curve's parameter where it leaves ``box`` (grown by ``margin``) at one end."""
    inside, outside = (0.0, 1.0) if from_start else (1.0, 0.0)
    for _ in range(30):
        mid = (inside + outside) / 2
        if box.contains(bezier(curve, mid), margin):
            inside = mid
        else:
            outside = mid
    return outside


def bend_between(
    a: Box, b: Box, bend: float
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """A curve from the middle of ``a`` to the middle of ``b``, bent sideways by ``bend``."""
    (ax, ay), (bx, by) = a.centre, b.centre
    dx, dy = bx - ax, by - ay
    control = ((ax + bx) / 2 - bend * dy, (ay + by) / 2 + bend * dx)
    return (ax, ay), control, (bx, by)


def crosses(
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    boxes: list[Box],
) -> bool:
    """Whether the curve passes through (or within 4 points of) any of ``boxes``."""
    return any(box.contains(bezier(curve, i / 40), 4.0) for i in range(1, 40) for box in boxes)


def fewer_crossings(g: nx.DiGraph, rows: dict[float, list[str]], levels: list[float]) -> None:
    """Reorder each level's roles by the mean place of their neighbours (barycentre sweeps).

    Moves then cross less often, which keeps their labels apart. Ties keep the track order.
    """
    neighbours = {k: set(g.predecessors(k)) | set(g.successors(k)) for k in g.nodes}

    def place() -> dict[str, float]:
        return {
            k: i - (len(members) - 1) / 2
            for members in rows.values()
            for i, k in enumerate(members)
        }

    for sweep in range(4):
        for level in levels if sweep % 2 == 0 else reversed(levels):
            x = place()
            members = rows[level]
            rank = {k: i for i, k in enumerate(members)}

            def centre(
                k: str, x: dict[str, float] = x, rank: dict[str, int] = rank
            ) -> tuple[float, int]:
                near = [x[n] for n in neighbours[k] if n not in rank]
                return (sum(near) / len(near) if near else x[k]), rank[k]

            members.sort(key=centre)


def render(pic: Picture, target: Path) -> Path:
    """Draw a laid-out picture to ``target`` (``.svg`` or ``.png``) with matplotlib; the file.

    An SVG gets a ``<title>`` and a ``<desc>`` (the picture's title and description) first,
    named as the image's accessible name; the same picture gives the same bytes.
    """
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise CompetencyError(f"pictures are .svg or .png files, not {target.name!r}")
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    fig = Figure(figsize=(pic.width / 72, pic.height / 72), dpi=72)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(0, pic.width)
    ax.set_ylim(0, pic.height)
    tracks = sorted({r.track for r in pic.roles.values()})
    colour = {t: i % len(TRACK_FILLS) for i, t in enumerate(tracks)}

    def linestyle(style: MoveStyle) -> Any:
        return (0, style.dashes) if style.dashes else "-"

    for r in pic.roles.values():
        b = r.box
        ax.add_patch(
            FancyBboxPatch(
                (b.x0, b.y0),
                b.x1 - b.x0,
                b.y1 - b.y0,
                boxstyle="round,pad=0,rounding_size=5",
                facecolor="#fde0dd" if r.on_path else TRACK_FILLS[colour[r.track]],
                edgecolor=HIGHLIGHT if r.on_path else TRACK_EDGES[colour[r.track]],
                linewidth=2.0 if r.on_path else 1.0,
                zorder=4,
            )
        )
        ax.text(
            *b.centre,
            r.text,
            ha="center",
            va="center",
            ma="center",
            fontsize=ROLE_FONT_PT,
            linespacing=LINE_HEIGHT,
            color=INK,
            zorder=5,
        )
    for m in pic.moves:
        c = HIGHLIGHT if m.on_path else m.style.colour
        lw = 2.6 if m.on_path else 1.3
        start, control, end = m.curve
        ax.add_patch(
            PathPatch(
                MplPath([start, control, end], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3]),
                facecolor="none",
                edgecolor=c,
                linewidth=lw,
                linestyle=linestyle(m.style),
                zorder=2,
            )
        )
        # a solid arrow head along the curve's last direction
        dx, dy = end[0] - control[0], end[1] - control[1]
        norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        ax.add_patch(
            FancyArrowPatch(
                (end[0] - dx / norm * ARROW_HEAD, end[1] - dy / norm * ARROW_HEAD),
                end,
                arrowstyle="-|>",
                mutation_scale=10 + lw,
                shrinkA=0,
                shrinkB=0,
                color=c,
                linewidth=lw,
                zorder=3,
            )
        )
        b = m.label
        ax.add_patch(
            FancyBboxPatch(
                (b.x0, b.y0),
                b.x1 - b.x0,
                b.y1 - b.y0,
                boxstyle="round,pad=0,rounding_size=3",
                facecolor="white",
                edgecolor=c,
                linewidth=0.6,
                alpha=0.95,
                zorder=6,
            )
        )
        ax.text(
            *b.centre, m.text, ha="center", va="center", fontsize=LABEL_FONT_PT, color=c, zorder=7
        )
    for item in pic.legend:
        s = item.sample
        if item.style is None:
            ax.add_patch(
                Rectangle(
                    (s.x0, s.y0),
                    s.x1 - s.x0,
                    s.y1 - s.y0,
                    facecolor=item.fill,
                    edgecolor=item.edge,
                    linewidth=1.0,
                )
            )
        else:
            ax.plot(
                [s.x0, s.x1],
                [s.centre[1]] * 2,
                color=item.style.colour,
                linewidth=item.width,
                linestyle=linestyle(item.style),
            )
        ax.text(
            s.x1 + 5,
            item.box.centre[1],
            item.text,
            ha="left",
            va="center",
            fontsize=LABEL_FONT_PT,
            color=INK,
        )
    for text, b in pic.headings:
        big = text == pic.title and b.y1 - b.y0 > LABEL_FONT_PT * LINE_HEIGHT + 1
        ax.text(
            b.x0 if not big else b.centre[0],
            b.centre[1],
            text,
            ha="left" if not big else "center",
            va="center",
            fontsize=ROLE_FONT_PT * 1.4 if big else LABEL_FONT_PT,
            fontweight="bold",
            color=INK,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # a fixed salt for the SVG element ids, so the same graph gives the same bytes
    with rc_context({"svg.hashsalt": "competency-core"}):
        if fmt == "png":
            fig.savefig(target, format="png", dpi=144, metadata=_metadata(fmt))
        else:
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata=_metadata(fmt))
            write_atomic(
                target, _accessible_svg(buffer.getvalue(), pic.title, pic.description), sync=False
            )
    return target


def svg_size(path: str | os.PathLike[str]) -> tuple[float, float]:
    """The natural width and height of an SVG that :func:`draw` wrote, in CSS pixels.

    :func:`draw` gives sizes in points; a browser shows a point as 4/3 CSS pixels.
    """
    with open(path, encoding="utf-8") as f:
        head = f.read(2000)
    found = re.search(r'<svg\b[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', head)
    if found is None:
        raise CompetencyError(f"{path} is not an SVG drawn by competency-core (no size in pt)")
    return float(found.group(1)) * 4 / 3, float(found.group(2)) * 4 / 3


def _accessible_svg(svg: str, title: str, description: str) -> str:
    """The SVG with a ``<title>`` and ``<desc>`` first, named as the image's accessible name."""
    opening = re.search(r"<svg\b[^>]*>", svg)
    if opening is None:
        raise CompetencyError("matplotlib wrote an SVG without an <svg> element")
    tag = opening.group(0)
    named = tag[:-1] + ' role="img" aria-labelledby="career-graph-title career-graph-desc">'
    head = (
        f'\n <title id="career-graph-title">{escape(title)}</title>'
        f'\n <desc id="career-graph-desc">{escape(description)}</desc>'
    )
    return svg[: opening.start()] + named + head + svg[opening.end() :]


def _metadata(fmt: str) -> dict[str, str | None]:
    """File metadata without a creation date, so the same graph gives the same bytes."""
    return {"Date": None} if fmt == "svg" else {"Software": "competency-core"}


__all__ = [
    "HIGHLIGHT",
    "MOVE_STYLES",
    "SMALLEST_FONT_PX",
    "SUGGESTED_STYLE",
    "Box",
    "LegendItem",
    "MoveStyle",
    "Picture",
    "PlacedMove",
    "PlacedRole",
    "render",
    "svg_size",
]
