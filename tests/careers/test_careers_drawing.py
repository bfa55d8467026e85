"""Drawing the career graph: Mermaid and DOT text with a highlighted path, PNG and SVG files."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from careers_helpers import LADDER, ladder_model

from competency_core.careers import CareerGraph, SuggestionSettings, best_paths, drawing
from competency_core.errors import CompetencyError
from competency_core.model import CompetencyModel


@pytest.fixture(scope="module")
def cg() -> CareerGraph:
    return CareerGraph.from_model(ladder_model())


def _suggesting() -> CareerGraph:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["transitions"] = [t for t in data["transitions"] if t["target"] != "senior"]
    model = CompetencyModel.model_validate(data)
    return CareerGraph.from_model(model, suggest=SuggestionSettings(threshold=0.5))


def test_mermaid_highlights_the_path(cg: CareerGraph) -> None:
    path = best_paths(cg, "junior", "manager", k=2).paths[1]  # junior -> mid -> lead -> manager
    text = drawing.to_mermaid(cg, highlight=path)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  n3["Lead"]' in lines
    edges = [line for line in lines if "-->" in line]
    assert len(edges) == 8
    # the highlighted links are counted in the order the edges are written
    on_path = [
        i
        for i, e in enumerate(edges)
        if e.strip() in ("n0 -->|promotion| n1", "n1 -->|track-switch| n3", "n3 -->|promotion| n5")
    ]
    assert lines[-1] == f"  linkStyle {','.join(map(str, on_path))} stroke:#d62728,stroke-width:3px"
    assert "  class n0,n1,n3,n5 onpath" in lines
    plain = drawing.to_mermaid(cg)
    assert "onpath" not in plain
    assert "linkStyle" not in plain


def test_dot_highlights_the_path_and_dashes_suggestions() -> None:
    cg = _suggesting()
    path = best_paths(cg, "mid", "principal", include_suggested=True).paths[0]
    assert path.roles == ("mid", "senior", "principal")
    dot = drawing.to_dot(cg, highlight=path)
    assert dot.startswith("digraph career {")
    assert dot.endswith("}")
    assert '"senior" [label="Senior", color="#d62728", penwidth=2];' in dot
    assert (
        '"mid" -> "senior" [label="suggested 0.571429", style=dashed, color="gray50", '
        'color="#d62728", penwidth=3];'
    ) in dot
    assert '"junior" -> "mid" [label="promotion"];' in dot
    declared_only = drawing.to_dot(cg, suggested=False)
    assert "suggested" not in declared_only
    mermaid = drawing.to_mermaid(cg)
    assert "-.->|suggested 0.571429|" in mermaid


def test_titles_are_quoted(tmp_path: Path) -> None:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["roles"][0]["title"] = 'The "new" one \\ junior'
    cg = CareerGraph.from_model(CompetencyModel.model_validate(data))
    assert '"junior" [label="The \\"new\\" one \\\\ junior"];' in drawing.to_dot(cg)
    assert 'n0["The #quot;new#quot; one \\ junior"]' in drawing.to_mermaid(cg)


def test_part_of_the_graph(cg: CareerGraph) -> None:
    around = drawing.neighbourhood(cg, "lead")
    assert around == {"lead", "mid", "senior", "manager"}
    text = drawing.to_dot(cg, roles=around)
    assert '"junior"' not in text
    assert '"mid" -> "lead"' in text


def test_a_path_that_is_not_in_the_graph_is_refused(cg: CareerGraph) -> None:
    with pytest.raises(CompetencyError, match="no transition junior -> manager"):
        drawing.to_mermaid(cg, highlight=["junior", "manager"])


def test_png_and_svg_pictures(cg: CareerGraph, tmp_path: Path) -> None:
    path = best_paths(cg, "junior", "manager").paths[0]
    png = drawing.draw(cg, tmp_path / "ladder.png", highlight=path, title="junior to manager")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
    svg = drawing.draw(cg, tmp_path / "sub" / "ladder.svg", highlight=path)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text(encoding="utf-8")
    assert "#d62728" in text  # the highlighted path
    # the same graph gives the same SVG bytes (no creation date)
    again = drawing.draw(cg, tmp_path / "again.svg", highlight=path)
    assert again.read_bytes() == svg.read_bytes()


def test_layout_by_level_and_track(cg: CareerGraph) -> None:
    pos = drawing.layout(cg, cg.graph)
    assert {n: x for n, (x, _) in pos.items()} == {
        "junior": 1.0,
        "mid": 2.0,
        "senior": 3.0,
        "lead": 3.0,
        "specialist": 3.0,
        "principal": 4.0,
        "manager": 4.0,
    }
    # in a column, roles are sorted by track: ic before mgmt
    assert pos["senior"][1] > pos["lead"][1]


def test_picture_errors(cg: CareerGraph, tmp_path: Path) -> None:
    with pytest.raises(CompetencyError, match=r"\.svg or \.png"):
        drawing.draw(cg, tmp_path / "ladder.gif")
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["roles"] += [{"key": f"x{i}", "title": f"X{i}"} for i in range(drawing.MAX_PICTURE_ROLES)]
    big = CareerGraph.from_model(CompetencyModel.model_validate(data))
    with pytest.raises(CompetencyError, match="too many for one picture"):
        drawing.draw(big, tmp_path / "big.png")
    small = drawing.draw(big, tmp_path / "part.png", roles=drawing.neighbourhood(big, "mid"))
    assert small.stat().st_size > 5_000
