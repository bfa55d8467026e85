"""Drawing the career graph: Mermaid and Graphviz DOT text, and SVG / PNG pictures.

The text formats are plain strings for docs, wikis and ``dot``. Pictures are drawn with
matplotlib (already a dependency, installed from PyPI as a wheel with no system package),
not Graphviz (whose Python bindings need the ``dot`` program from the operating system):
``competency`` must draw on a machine where only ``pip install`` ran. Roles are laid out in
rows by level from the bottom (or, without levels, by their depth in the graph), the roles
of a level side by side by track; :func:`picture` lays a graph out in the reader's words
and :mod:`competency_core.careers.canvas` draws it.

In every format a path (a person's way to a target, say) can be highlighted; suggested
transitions are dashed. Big graphs (O*NET has 923 roles) are drawn in part: pass the roles
to draw, e.g. :func:`neighbourhood` of a role.
"""

from __future__ import annotations

import itertools
import os
import textwrap
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx

from competency_core.careers.canvas import (
    ARROW_HEAD,
    HIGHLIGHT,
    INK,
    LABEL_FONT_PT,
    LINE_HEIGHT,
    MOVE_STYLES,
    ROLE_FONT_PT,
    SMALLEST_FONT_PX,
    SUGGESTED_STYLE,
    TRACK_EDGES,
    TRACK_FILLS,
    Box,
    LegendItem,
    MoveStyle,
    Picture,
    PlacedMove,
    PlacedRole,
    bend_between,
    bezier,
    crosses,
    fewer_crossings,
    leave,
    lines_width,
    render,
    sub_curve,
    svg_size,
    text_width,
)
from competency_core.careers.graph import CareerGraph
from competency_core.careers.results import CareerPath
from competency_core.errors import CompetencyError
from competency_core.i18n import N_, Translator, translator

MAX_PICTURE_ROLES = 80
"""The most roles a picture holds; pass ``roles`` to draw part of a bigger graph."""

Highlight = CareerPath | Sequence[str] | None


def _path_roles(highlight: Highlight) -> tuple[str, ...]:
    if highlight is None:
        return ()
    return tuple(highlight.roles) if isinstance(highlight, CareerPath) else tuple(highlight)


def neighbourhood(cg: CareerGraph, role: str, radius: int = 1) -> set[str]:
    """The roles within ``radius`` transitions of ``role``, in either direction."""
    cg.role_index(role)
    return set(nx.ego_graph(cg.graph, role, radius=radius, undirected=True).nodes)


def _selection(
    cg: CareerGraph, roles: Collection[str] | None, path: Sequence[str], suggested: bool
) -> nx.DiGraph:
    for r in path:
        cg.role_index(r)
    for a, b in itertools.pairwise(path):
        if not cg.graph.has_edge(a, b):
            raise CompetencyError(f"the path to highlight has no transition {a} -> {b}")
    keep = set(cg.roles) if roles is None else set(roles) | set(path)
    for r in keep:
        cg.role_index(r)
    view = cg.graph if suggested else cg.declared()
    return view.subgraph(keep)


def _on_path(path: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(path))


def _edge_label(data: dict[str, object]) -> str:
    if data.get("suggested"):
        return f"suggested {data.get('similarity', '')}".strip()
    kind = data.get("kind")
    return str(getattr(kind, "value", kind))


def to_mermaid(
    cg: CareerGraph,
    *,
    highlight: Highlight = None,
    roles: Collection[str] | None = None,
    suggested: bool = True,
) -> str:
    """The graph as a Mermaid flowchart (left to right), the highlighted path in red.

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> print(to_mermaid(CareerGraph.from_model(sample_model())))
        flowchart LR
          n0["Engineer"]
          n1["Senior engineer"]
          n0 -->|promotion| n1
    """
    path = _path_roles(highlight)
    g = _selection(cg, roles, path, suggested)
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes, key=cg.index.__getitem__))}
    lines = ["flowchart LR"]
    for n, nid in ids.items():
        title = cg.title(n).replace('"', "#quot;")
        lines.append(f'  {nid}["{title}"]')
    on_path = _on_path(path)
    styled = []
    for i, (u, v, data) in enumerate(
        sorted(g.edges(data=True), key=lambda e: (ids[e[0]], ids[e[1]]))
    ):
        arrow = "-.->" if data.get("suggested") else "-->"
        lines.append(f"  {ids[u]} {arrow}|{_edge_label(data)}| {ids[v]}")
        if (u, v) in on_path:
            styled.append(str(i))
    if path:
        lines.append(f"  classDef onpath fill:#fde0dd,stroke:{HIGHLIGHT},stroke-width:2px")
        lines.append(f"  class {','.join(ids[r] for r in path)} onpath")
    if styled:
        lines.append(f"  linkStyle {','.join(styled)} stroke:{HIGHLIGHT},stroke-width:3px")
    return "\n".join(lines)


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(
    cg: CareerGraph,
    *,
    highlight: Highlight = None,
    roles: Collection[str] | None = None,
    suggested: bool = True,
) -> str:
    """The graph in Graphviz DOT (``dot -Tsvg``), the highlighted path in red.

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> print(to_dot(CareerGraph.from_model(sample_model())))
        digraph career {
          rankdir=LR;
          node [shape=box, style=rounded];
          "engineer" [label="Engineer"];
          "senior-engineer" [label="Senior engineer"];
          "engineer" -> "senior-engineer" [label="promotion"];
        }
    """
    path = _path_roles(highlight)
    g = _selection(cg, roles, path, suggested)
    lines = ["digraph career {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    on_nodes = set(path)
    for n in sorted(g.nodes, key=cg.index.__getitem__):
        extra = f", color={_dot_quote(HIGHLIGHT)}, penwidth=2" if n in on_nodes else ""
        lines.append(f"  {_dot_quote(n)} [label={_dot_quote(cg.title(n))}{extra}];")
    on_path = _on_path(path)
    for u, v, data in sorted(g.edges(data=True), key=lambda e: (cg.index[e[0]], cg.index[e[1]])):
        attrs = [f"label={_dot_quote(_edge_label(data))}"]
        if data.get("suggested"):
            attrs += ["style=dashed", 'color="gray50"']
        if (u, v) in on_path:
            attrs += [f"color={_dot_quote(HIGHLIGHT)}", "penwidth=3"]
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def _columns(cg: CareerGraph, g: nx.DiGraph) -> dict[str, int]:
    """Column of each role: its level when every drawn role has one, else its depth."""
    levels = {n: cg.graph.nodes[n].get("level") for n in g.nodes}
    if all(v is not None for v in levels.values()):
        return {n: int(v) for n, v in levels.items()}
    cond = nx.condensation(g)
    depth: dict[int, int] = {}
    for c in nx.topological_sort(cond):
        preds = [depth[p] + 1 for p in cond.predecessors(c)]
        depth[c] = max(preds, default=0)
    return {n: depth[cond.graph["mapping"][n]] for n in g.nodes}


def layout(cg: CareerGraph, g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Positions for drawing: x by level (or depth), y by track then key, centred per column."""
    cols = _columns(cg, g)
    by_col: dict[int, list[str]] = defaultdict(list)
    for n, c in cols.items():
        by_col[c].append(n)
    pos = {}
    for c, members in by_col.items():
        members.sort(key=lambda n: (str(cg.graph.nodes[n].get("track") or ""), cg.index[n]))
        for i, n in enumerate(members):
            pos[n] = (float(c), (len(members) - 1) / 2.0 - i)
    return pos


# -- the picture ------------------------------------------------------------------------------
# Sizes are in points (see competency_core.careers.canvas).

_PAD = 6.0  # inside a role's box
_GAP_Y = 54.0  # between levels: room for the moves' labels
_GAP_X = 30.0  # between roles on one level (more when a move between them is labelled)
_MARGIN = 12.0
_WRAP = 18  # characters per line of a role's title
_LABEL_PAD = (4.0, 2.0)
_LABEL_SPOTS = sorted((i / 40 for i in range(6, 35)), key=lambda t: abs(t - 0.5))
"""Where on its curve a move's label may go, the middle first."""


MOVE_NAMES = {
    "promotion": N_("promotion"),
    "lateral": N_("lateral move"),
    "track-switch": N_("change of track"),
    "specialist": N_("specialist move"),
    "management": N_("move into management"),
    "related": N_("related role"),
}
"""The label of each kind of move, translated where it is drawn (the handbook's words)."""


def _move_text(tr: Translator, kind: str, suggested: bool) -> str:
    name = tr._(MOVE_NAMES[kind]) if kind in MOVE_NAMES else kind
    return tr._("%(move)s (suggested)", move=name) if suggested else name


def picture(
    cg: CareerGraph,
    *,
    highlight: Highlight = None,
    roles: Collection[str] | None = None,
    suggested: bool = True,
    title: str | None = None,
    language: str | None = None,
) -> Picture:
    """Lay out the career graph picture that :func:`draw` draws; see :func:`draw`.

    Levels run from the bottom (the lowest) to the top, one row each, the roles of a level
    side by side by track. Every move is a curve with its label (the kind of move) where it
    overlaps no role and no other label; the legend below names the tracks (box colours)
    and the kinds of move (line colours and dashes).
    """
    path = _path_roles(highlight)
    g = _selection(cg, roles, path, suggested)
    if g.number_of_nodes() > MAX_PICTURE_ROLES:
        raise CompetencyError(
            f"{g.number_of_nodes()} roles are too many for one picture (at most "
            f"{MAX_PICTURE_ROLES}): draw part of the graph, e.g. the roles around one role"
        )
    tr = translator(language)
    model = cg.model
    track_names = {t.key: model.text(t.name, language) for t in model.tracks}

    def role_title(key: str) -> str:
        return model.text(model.role(key).title, language) if language else cg.title(key)

    def track_of(key: str) -> str:
        return str(g.nodes[key].get("track") or "")

    # the rows (levels, lowest first) and each row's roles from left to right
    grid = layout(cg, g)
    rows: dict[float, list[str]] = defaultdict(list)
    for key, (column, _) in grid.items():
        rows[column].append(key)
    levels = sorted(rows)
    for members in rows.values():
        members.sort(key=lambda k: -grid[k][1])
    fewer_crossings(g, rows, levels)
    texts = {k: textwrap.fill(role_title(k), _WRAP) for k in g.nodes}
    sizes = {
        k: (
            lines_width(text, ROLE_FONT_PT) + 2 * _PAD,
            len(text.splitlines()) * ROLE_FONT_PT * LINE_HEIGHT + 2 * _PAD,
        )
        for k, text in texts.items()
    }
    edges = sorted(g.edges(data=True), key=lambda e: (cg.index[e[0]], cg.index[e[1]]))
    labels = {
        (u, v): _move_text(
            tr, str(getattr(d.get("kind"), "value", d.get("kind"))), bool(d.get("suggested"))
        )
        for u, v, d in edges
    }
    label_size = {
        e: (
            text_width(text, LABEL_FONT_PT) + 2 * _LABEL_PAD[0],
            LABEL_FONT_PT * LINE_HEIGHT + 2 * _LABEL_PAD[1],
        )
        for e, text in labels.items()
    }
    same_row = [label_size[(u, v)][0] for u, v, _ in edges if grid[u][0] == grid[v][0]]
    pitch_x = max((w for w, _ in sizes.values()), default=0.0) + max(
        _GAP_X, max(same_row, default=0.0) + 16
    )
    row_height = max((h for _, h in sizes.values()), default=0.0)
    # the gap above each level grows with the moves that cross it, so their labels fit
    level_no = {level: i for i, level in enumerate(levels)}
    crossing = [0] * len(levels)
    for u, v, _ in edges:
        low, high = sorted((level_no[grid[u][0]], level_no[grid[v][0]]))
        for gap in range(low, high):
            crossing[gap] += 1
    label_h = LABEL_FONT_PT * LINE_HEIGHT + 2 * _LABEL_PAD[1]
    gaps = [max(_GAP_Y, (label_h + 3) * (n - 1) + 30) for n in crossing]
    widest = max((len(m) for m in rows.values()), default=1)
    graph_width = widest * pitch_x

    # the legend: tracks, then moves, wrapped to the picture's width
    width = max(graph_width, 360.0) + 2 * _MARGIN
    tracks = sorted({track_of(k) for k in g.nodes})
    colour = {t: i % len(TRACK_FILLS) for i, t in enumerate(tracks)}
    kinds = sorted(
        {
            str(getattr(d.get("kind"), "value", d.get("kind")))
            for _, _, d in edges
            if not d.get("suggested")
        },
        key=lambda k: list(MOVE_STYLES).index(k) if k in MOVE_STYLES else len(MOVE_STYLES),
    )
    line_h = LABEL_FONT_PT * LINE_HEIGHT + 4
    entries: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
        (
            tr._("Tracks:"),
            [
                (
                    track_names.get(t, t) if t else tr._("no track"),
                    {"fill": TRACK_FILLS[colour[t]], "edge": TRACK_EDGES[colour[t]]},
                )
                for t in tracks
            ],
        ),
        (
            tr._("Moves:"),
            [
                (
                    tr._(MOVE_NAMES[k]) if k in MOVE_NAMES else k,
                    {"style": MOVE_STYLES.get(k, MoveStyle(INK))},
                )
                for k in kinds
            ]
            + (
                [(tr._("suggested move"), {"style": SUGGESTED_STYLE})]
                if any(d.get("suggested") for _, _, d in edges)
                else []
            )
            + (
                [(tr._("the highlighted path"), {"style": MoveStyle(HIGHLIGHT), "width": 2.6})]
                if path
                else []
            ),
        ),
    ]
    legend: list[LegendItem] = []
    headings: list[tuple[str, Box]] = []
    placed_rows: list[list[tuple[str, float, dict[str, Any] | None]]] = []
    for heading, items in entries:
        row: list[tuple[str, float, dict[str, Any] | None]] = [
            (heading, text_width(heading, LABEL_FONT_PT), None)
        ]
        used = row[0][1]
        for text, spec in items:
            w = 26 + 5 + text_width(text, LABEL_FONT_PT)
            if used + 14 + w > width - 2 * _MARGIN:
                placed_rows.append(row)
                row, used = [], 0.0
            row.append((text, w, spec))
            used += (14 if used else 0) + w
        placed_rows.append(row)
    y = _MARGIN + (len(placed_rows) - 0.5) * line_h
    for row in placed_rows:
        x = _MARGIN
        for text, w, how in row:
            box = Box(x, y - line_h / 2 + 2, x + w, y + line_h / 2 - 2)
            if how is None:
                headings.append((text, box))
            else:
                style = how.get("style")
                sample = (
                    Box(x, y - 5, x + 26, y + 5) if style is None else Box(x, y - 1, x + 26, y + 1)
                )
                legend.append(
                    LegendItem(
                        text,
                        box,
                        sample,
                        fill=how.get("fill"),
                        edge=how.get("edge"),
                        style=style,
                        width=float(how.get("width", 1.2)),
                    )
                )
            x += w + 14
        y -= line_h
    legend_top = _MARGIN + len(placed_rows) * line_h

    # the roles, level by level from the bottom
    title_text = title or tr._("Career graph")
    title_h = ROLE_FONT_PT * 1.4 * LINE_HEIGHT if title else 0.0
    graph_bottom = legend_top + 18
    bottoms = [graph_bottom + i * row_height + sum(gaps[:i]) for i in range(len(levels))]
    height = graph_bottom + len(levels) * row_height + sum(gaps[:-1]) + title_h + 2 * _MARGIN
    placed: dict[str, PlacedRole] = {}
    for number, level in enumerate(levels):
        members = rows[level]
        cy = bottoms[number] + row_height / 2
        for i, key in enumerate(members):
            cx = width / 2 + (i - (len(members) - 1) / 2) * pitch_x
            placed[key] = PlacedRole(
                key, texts[key], Box.around(cx, cy, *sizes[key]), track_of(key), key in path
            )

    # the moves: curves between the roles' boxes, each label where it hides nothing
    on_path = _on_path(path)
    role_boxes = [r.box for r in placed.values()]
    taken = [*role_boxes, *(item.box for item in legend), *(b for _, b in headings)]
    curves = []
    for u, v, _ in edges:
        a, b = placed[u].box, placed[v].box
        others = [r.box for k, r in placed.items() if k not in (u, v)]
        if g.has_edge(v, u):
            full = bend_between(a, b, 0.18)
        else:
            full = bend_between(a, b, 0.0)
            if crosses(full, others):
                bends = [bend_between(a, b, s * m) for m in (0.25, 0.4, 0.6) for s in (1, -1)]
                full = next((c for c in bends if not crosses(c, others)), bends[0])
        t0 = leave(full, a, from_start=True, margin=2.0)
        t1 = leave(full, b, from_start=False, margin=3.0)
        curves.append(sub_curve(full, t0, t1))
    heads = [Box.around(*curve[2], 2 * ARROW_HEAD, 2 * ARROW_HEAD) for curve in curves]
    moves: list[PlacedMove] = []
    for (u, v, d), curve in zip(edges, curves, strict=True):
        w, h = label_size[(u, v)]
        spots = [Box.around(*bezier(curve, t), w, h) for t in _LABEL_SPOTS]
        # the first spot that hides no text, and if it can, no arrow head
        label = min(
            spots,
            key=lambda s: (
                sum(s.overlaps(o, 1.5) for o in taken),
                sum(s.overlaps(o) for o in heads),
            ),
        )
        taken.append(label)
        kind = str(getattr(d.get("kind"), "value", d.get("kind")))
        style = SUGGESTED_STYLE if d.get("suggested") else MOVE_STYLES.get(kind, MoveStyle(INK))
        moves.append(PlacedMove(u, v, labels[(u, v)], curve, label, style, (u, v) in on_path))

    # moves that bend round a role may reach past the rows: make room for them
    xs = [x for r in placed.values() for x in (r.box.x0, r.box.x1)]
    ys = [y for r in placed.values() for y in (r.box.y0, r.box.y1)]
    for m in moves:
        xs += [m.label.x0, m.label.x1]
        ys += [m.label.y0, m.label.y1]
        for i in range(21):
            x, y = bezier(m.curve, i / 20)
            xs.append(x)
            ys.append(y)
    top = height - 2 * _MARGIN - title_h + _MARGIN  # the rows' top
    dx = max(0.0, _MARGIN - min(xs))
    dy = max(0.0, graph_bottom - min(ys))
    width += dx + max(0.0, max(xs) - (width - _MARGIN))
    height += dy + max(0.0, max(ys) - top)
    if dx or dy:
        placed = {k: replace(r, box=r.box.shifted(dx, dy)) for k, r in placed.items()}
        moves = [
            replace(
                m,
                curve=tuple((x + dx, y + dy) for x, y in m.curve),  # type: ignore[arg-type]
                label=m.label.shifted(dx, dy),
            )
            for m in moves
        ]
    if title:
        tw = text_width(title, ROLE_FONT_PT * 1.4)
        headings.append(
            (title, Box.around(width / 2, height - _MARGIN - title_h / 2, tw, ROLE_FONT_PT * 1.4))
        )

    steps = "; ".join(
        tr._(
            "%(source)s to %(target)s (%(move)s)",
            source=role_title(m.source),
            target=role_title(m.target),
            move=m.text,
        )
        for m in moves
    )
    description = tr.n_(
        "%(n)s role by level, the lowest at the bottom, and the moves between them: %(moves)s.",
        "%(n)s roles by level, the lowest at the bottom, and the moves between them: %(moves)s.",
        len(placed),
        moves=steps or tr._("none"),
    )
    return Picture(width, height, placed, moves, legend, headings, title_text, description)


def draw(
    cg: CareerGraph,
    out: str | os.PathLike[str],
    *,
    highlight: Highlight = None,
    roles: Collection[str] | None = None,
    suggested: bool = True,
    title: str | None = None,
    language: str | None = None,
) -> Path:
    """Draw the graph to an ``.svg`` or ``.png`` file with the path highlighted; the file.

    Levels run from the bottom to the top; a role's box is coloured by its track; every
    move is labelled with its kind and drawn in that kind's colour and dashes
    (:data:`MOVE_STYLES`; suggested moves grey and dashed, the highlighted path red); a
    legend below names both. Texts are in ``language`` (the model's titles and track names,
    and competency-core's wording: "promotion", the legend). An SVG carries a ``<title>`` and
    a ``<desc>`` that lists every move, for screen readers; its text is at least
    :data:`SMALLEST_FONT_PX` CSS pixels at its natural size.
    """
    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise CompetencyError(f"draw writes .svg or .png files, not {target.name!r}")
    pic = picture(
        cg, highlight=highlight, roles=roles, suggested=suggested, title=title, language=language
    )
    return render(pic, target)


__all__ = [
    "HIGHLIGHT",
    "MAX_PICTURE_ROLES",
    "MOVE_NAMES",
    "MOVE_STYLES",
    "SMALLEST_FONT_PX",
    "Box",
    "Picture",
    "draw",
    "layout",
    "neighbourhood",
    "picture",
    "svg_size",
    "to_dot",
    "to_mermaid",
]
