"""Drawing the career graph: Mermaid and Graphviz DOT text, and SVG / PNG pictures.

The text formats are plain strings for docs, wikis and ``dot``. Pictures are drawn with
matplotlib (already a dependency, installed from PyPI as a wheel with no system package),
not Graphviz (whose Python bindings need the ``dot`` program from the operating system):
``competency`` must draw on a machine where only ``pip install`` ran. Roles are laid out in
columns by level (or, without levels, by their depth in the graph) and in rows by track.

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
from pathlib import Path

import networkx as nx

from competency_core.careers.graph import CareerGraph
from competency_core.careers.results import CareerPath
from competency_core.errors import CompetencyError

HIGHLIGHT = "#d62728"
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


def draw(
    cg: CareerGraph,
    out: str | os.PathLike[str],
    *,
    highlight: Highlight = None,
    roles: Collection[str] | None = None,
    suggested: bool = True,
    title: str | None = None,
) -> Path:
    """Draw the graph to an ``.svg`` or ``.png`` file with the path highlighted; the file."""
    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise CompetencyError(f"draw writes .svg or .png files, not {target.name!r}")
    path = _path_roles(highlight)
    g = _selection(cg, roles, path, suggested)
    if g.number_of_nodes() > MAX_PICTURE_ROLES:
        raise CompetencyError(
            f"{g.number_of_nodes()} roles are too many for one picture (at most "
            f"{MAX_PICTURE_ROLES}): draw part of the graph, e.g. the roles around one role"
        )
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    pos = layout(cg, g)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    width = _COL_IN * (max(xs) - min(xs) + 1.4)
    height = _ROW_IN * (max(ys) - min(ys) + 1.4)
    fig = Figure(figsize=(width, height), dpi=110)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=0.92 if title else 1)
    ax = fig.add_subplot()
    ax.set_axis_off()
    on_path = _on_path(path)
    tracks = sorted({str(cg.graph.nodes[n].get("track") or "") for n in g.nodes})
    palette = ["#e8f0fe", "#e6f4ea", "#fef7e0", "#f3e8fd", "#e0f7fa", "#fce8e6"]
    fill = {t: palette[i % len(palette)] for i, t in enumerate(tracks)}
    half: dict[str, tuple[float, float]] = {}
    for n, (x, y) in pos.items():
        hot = n in path
        text = textwrap.fill(cg.title(n), 18)
        lines = text.splitlines()
        # the label box's half size in data units (columns are _COL_IN, rows _ROW_IN inches)
        half[n] = (
            (max(map(len, lines)) * 0.062 + 0.14) / 2 / _COL_IN,
            (len(lines) * 0.135 + 0.14) / 2 / _ROW_IN,
        )
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=8,
            zorder=4,
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": "#fde0dd" if hot else fill[str(cg.graph.nodes[n].get("track") or "")],
                "edgecolor": HIGHLIGHT if hot else "#80868b",
                "linewidth": 2.0 if hot else 0.8,
            },
        )
    for u, v, data in g.edges(data=True):
        hot = (u, v) in on_path
        ax.add_patch(
            FancyArrowPatch(
                _border(pos[u], pos[v], half[u]),
                _border(pos[v], pos[u], half[v]),
                arrowstyle="-|>",
                mutation_scale=12,
                shrinkA=0,
                shrinkB=0,
                connectionstyle="arc3,rad=0.12",
                linestyle="--" if data.get("suggested") else "-",
                color=HIGHLIGHT if hot else "#9aa0a6" if data.get("suggested") else "#5f6368",
                linewidth=2.6 if hot else 1.0,
                zorder=3 if hot else 5,
            )
        )
    handles = [Line2D([], [], color="#5f6368", lw=1.0, label="declared transition")]
    if any(d.get("suggested") for _, _, d in g.edges(data=True)):
        handles.append(Line2D([], [], color="#9aa0a6", lw=1.0, ls="--", label="suggested"))
    if path:
        handles.append(Line2D([], [], color=HIGHLIGHT, lw=2.6, label="path"))
    ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    if title:
        ax.set_title(title, fontsize=10)
    target.parent.mkdir(parents=True, exist_ok=True)
    # a fixed salt for the SVG element ids, so the same graph gives the same bytes
    with rc_context({"svg.hashsalt": "competency-core"}):
        fig.savefig(target, format=fmt, bbox_inches="tight", metadata=_metadata(fmt))
    return target


_COL_IN = 2.6
_ROW_IN = 1.3


def _border(
    a: tuple[float, float], b: tuple[float, float], half: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from ``a`` towards ``b`` leaves a box of half size ``half`` around ``a``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return a
    t = min(
        half[0] / abs(dx) if dx else float("inf"),
        half[1] / abs(dy) if dy else float("inf"),
    )
    return a[0] + dx * t, a[1] + dy * t


def _metadata(fmt: str) -> dict[str, str | None]:
    """File metadata without a creation date, so the same graph gives the same bytes."""
    return {"Date": None} if fmt == "svg" else {"Software": "competency-core"}


__all__ = ["MAX_PICTURE_ROLES", "draw", "layout", "neighbourhood", "to_dot", "to_mermaid"]
