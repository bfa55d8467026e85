"""The career graph picture: labelled moves, a legend, readable text that never overlaps.

The checks use the picture's own layout (:func:`drawing.picture`), the boxes :func:`draw`
draws every text in, so an overlap is found without rendering.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from careers_helpers import LADDER, ladder_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.careers import CareerGraph, best_paths, canvas, drawing
from competency_core.careers.drawing import Box, Picture
from competency_core.model import CompetencyModel
from competency_core.roles import TransitionKind

REPO = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def _overlaps(pic: Picture) -> list[tuple[str, str]]:
    texts = pic.texts()
    return [
        (a, b)
        for i, (a, box_a) in enumerate(texts)
        for b, box_b in texts[i + 1 :]
        if box_a.overlaps(box_b)
    ]


def _outside(pic: Picture) -> list[str]:
    frame = Box(0, 0, pic.width, pic.height)
    return [
        text
        for text, b in pic.texts()
        if not (frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1)
    ]


@pytest.fixture(scope="module")
def examples() -> dict[str, CareerGraph]:
    return {
        name: CareerGraph.from_model(cc.load_model(REPO / "examples" / f"{name}.yaml"))
        for name in ("software-engineering", "customer-success")
    }


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("name", ["software-engineering", "customer-success"])
def test_the_examples_pictures_have_no_overlapping_text(
    examples: dict[str, CareerGraph], name: str, language: str
) -> None:
    cg = examples[name]
    pic = drawing.picture(cg, language=language)
    assert _overlaps(pic) == []
    assert _outside(pic) == []
    assert len(pic.moves) == cg.graph.number_of_edges()
    assert set(pic.roles) == set(cg.roles)
    # every move is labelled with its kind, in the reader's language
    kinds = {m.text for m in pic.moves}
    assert ("promotion" in kinds) == (language == "en")
    assert ("befordran" in kinds) == (language == "sv")
    # role titles in the language (the customer-success model has Swedish titles)
    if name == "customer-success" and language == "sv":
        assert "Säljare" in {r.text for r in pic.roles.values()}


def test_levels_run_up_and_moves_point_to_their_target(examples: dict[str, CareerGraph]) -> None:
    cg = examples["software-engineering"]
    pic = drawing.picture(cg)
    level = {k: cg.graph.nodes[k]["level"] for k in cg.roles}
    for a in cg.roles:
        for b in cg.roles:
            if level[a] < level[b]:
                assert pic.roles[a].box.y1 < pic.roles[b].box.y0, (a, b)
    for m in pic.moves:
        start, _, end = m.curve
        # the curve starts at the source's box and its arrow ends just outside the target's
        assert pic.roles[m.source].box.contains(start, 3.0)
        assert pic.roles[m.target].box.contains(end, 4.0)
        assert not pic.roles[m.target].box.contains(end, 0.0)


def test_the_legend_names_tracks_and_kinds_of_move() -> None:
    cg = CareerGraph.from_model(ladder_model())
    pic = drawing.picture(cg, language="en")
    legend = [item.text for item in pic.legend]
    assert legend[:2] == ["Individual contributor", "Managers"]
    # the kinds the graph has, in MOVE_STYLES order, each with its own colour and dashes
    assert legend[2:] == [
        "promotion",
        "lateral move",
        "change of track",
        "specialist move",
        "move into management",
    ]
    styles = [item.style for item in pic.legend[2:]]
    assert len({(s.colour, s.dashes) for s in styles if s}) == 5
    assert [h for h, _ in pic.headings] == ["Tracks:", "Moves:"]
    assert _overlaps(pic) == []
    # a highlighted path adds its own entry
    path = best_paths(cg, "junior", "manager").paths[0]
    with_path = drawing.picture(cg, highlight=path, title="junior to manager")
    assert with_path.legend[-1].text == "the highlighted path"
    assert {r.key for r in with_path.roles.values() if r.on_path} == set(path.roles)
    assert "junior to manager" in [h for h, _ in with_path.headings]
    assert _overlaps(with_path) == []
    assert _outside(with_path) == []


def test_a_move_that_skips_a_level_bends_around_the_roles_between() -> None:
    cg = CareerGraph.from_model(ladder_model())
    pic = drawing.picture(cg)
    move = next(m for m in pic.moves if (m.source, m.target) == ("mid", "manager"))
    others = [r.box for k, r in pic.roles.items() if k not in ("mid", "manager")]
    points = [canvas.bezier(move.curve, i / 50) for i in range(51)]
    assert not any(b.contains(p) for b in others for p in points)


def test_svg_has_a_title_and_a_description(tmp_path: Path) -> None:
    cg = CareerGraph.from_model(ladder_model())
    svg = drawing.draw(cg, tmp_path / "ladder.svg", language="sv", title="Stegen")
    root = ET.parse(svg).getroot()
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "career-graph-title career-graph-desc"
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title"
    assert first.text == "Stegen"
    assert second.tag == f"{SVG}desc"
    desc = second.text or ""
    assert desc.startswith("7 roller")
    assert desc.count(" till ") == cg.graph.number_of_edges()
    assert "Junior till Mid (befordran)" in desc
    # the natural size in CSS pixels (4/3 of the SVG's points)
    width, height = drawing.svg_size(svg)
    pic = drawing.picture(cg, language="sv", title="Stegen")
    assert width == pytest.approx(pic.width * 4 / 3, rel=1e-4)
    assert height == pytest.approx(pic.height * 4 / 3, rel=1e-4)
    # the same graph gives the same bytes
    again = drawing.draw(cg, tmp_path / "again.svg", language="sv", title="Stegen")
    assert again.read_bytes() == svg.read_bytes()


def test_text_is_readable_at_natural_size() -> None:
    assert drawing.SMALLEST_FONT_PX >= 12
    assert drawing.ROLE_FONT_PT * 4 / 3 >= 14


def test_a_title_with_markup_is_escaped_in_the_svg(tmp_path: Path) -> None:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["roles"][0]["title"] = "<b>Junior</b> & co"
    cg = CareerGraph.from_model(CompetencyModel.model_validate(data))
    svg = drawing.draw(cg, tmp_path / "x.svg", title="<script>")
    text = svg.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;b&gt;Junior&lt;/b&gt; &amp; co" in text
    ET.parse(svg)  # still well-formed


def test_svg_size_refuses_other_files(tmp_path: Path) -> None:
    other = tmp_path / "other.svg"
    other.write_text('<svg width="10" height="10"></svg>', encoding="utf-8")
    with pytest.raises(cc.CompetencyError, match="not an SVG drawn by competency-core"):
        drawing.svg_size(other)


# -- any graph ----------------------------------------------------------------------------------
_WORDS = st.sampled_from(
    ["Senior", "Lead", "Engineer", "Manager", "of", "Customer", "Success", "Data", "Platform"]
)


@st.composite
def career_models(draw: st.DrawFn) -> CompetencyModel:
    """Small models with roles on levels 1-5, on two tracks or none, and random moves."""
    n = draw(st.integers(2, 9))
    roles = []
    for i in range(n):
        title = " ".join(draw(st.lists(_WORDS, min_size=1, max_size=5)))
        role: dict[str, Any] = {"key": f"r{i}", "title": title, "level": draw(st.integers(1, 5))}
        track = draw(st.sampled_from(["ic", "mgmt", None]))
        if track:
            role["track"] = track
        roles.append(role)
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    kinds = [k.value for k in TransitionKind]
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["roles"] = roles
    data["transitions"] = [
        {"source": f"r{a}", "target": f"r{b}", "kind": draw(st.sampled_from(kinds))}
        for a, b in pairs
    ]
    return CompetencyModel.model_validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=career_models())
def test_any_picture_keeps_roles_apart_and_inside(model: CompetencyModel) -> None:
    cg = CareerGraph.from_model(model)
    pic = drawing.picture(cg)
    boxes = [r.box for r in pic.roles.values()]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b, 4.0)]
    assert _outside(pic) == []
    assert len(pic.moves) == cg.graph.number_of_edges()
    # every label sits on its own move's curve and names its kind
    for m in pic.moves:
        centre = m.label.centre
        nearest = min(
            abs(complex(*canvas.bezier(m.curve, t / 400)) - complex(*centre)) for t in range(401)
        )
        assert nearest < 1.0
        assert re.fullmatch(r"[a-z ]+", m.text)
    # the legend has every track and kind drawn
    legend = {item.text for item in pic.legend}
    assert {m.text for m in pic.moves} <= legend
