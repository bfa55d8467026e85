"""The handbook: every link resolves, texts of the model stay text, Markdown, guides, re-runs."""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings

import competency_core as cc
from competency_core.publish import (
    Audience,
    audience_guide,
    interview_guide,
    job_description,
    write_handbook,
)
from competency_core.publish.handbook import md_escape, safe_url
from competency_core.publish.outline import ModelOutline
from competency_core.testing.strategies import competency_models

LinkCheck = Callable[[Path], list[str]]
PageParser = Callable[[Path], Any]
SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def reachable(index: Path, parse: PageParser) -> set[Path]:
    """Every local page reachable from ``index`` by following links."""
    seen: set[Path] = set()
    todo = [index.resolve()]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".html":
            continue
        seen.add(page)
        for link in parse(page).links:
            parts = urlsplit(link)
            if not parts.scheme and parts.path:
                todo.append((page.parent / parts.path).resolve())
    return seen


@pytest.fixture(scope="module")
def example_html(se_model: cc.CompetencyModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook")
    write_handbook(se_model, out)
    return out


# -- links ------------------------------------------------------------------------------------
def test_every_link_of_the_example_resolves(
    example_html: Path, html_link_check: LinkCheck, html_page: PageParser
) -> None:
    assert html_link_check(example_html) == []
    assert sum(len(html_page(p).links) for p in example_html.rglob("*.html")) > 500


def test_every_page_is_reachable_from_the_index(
    se_model: cc.CompetencyModel, example_html: Path, html_page: PageParser
) -> None:
    pages = {p.resolve() for p in example_html.rglob("*.html")}
    release_kit = len(list((example_html / "release").glob("*.html")))  # its own tests count it
    n = len(se_model.competencies) + 3 * len(se_model.roles) + len(Audience) + 2 + release_kit
    assert len(pages) == n
    assert reachable(example_html / "index.html", html_page) == pages


def test_pages_and_anchors(
    se_model: cc.CompetencyModel, example_html: Path, html_page: PageParser
) -> None:
    o = ModelOutline(se_model)
    role = se_model.role("senior-engineer")
    page = html_page(example_html / "roles" / f"{o.page_name('role', role.key)}.html")
    for q in role.requirements:
        target = f"../competencies/{o.page_name('competency', q.competency)}.html#level-{q.level}"
        assert target in page.links
    coding = html_page(example_html / "competencies" / "coding.html")
    scale = se_model.scale(se_model.competency("coding").scale)
    assert {f"level-{v}" for v in scale.values} <= coding.ids
    index = (example_html / "index.html").read_text(encoding="utf-8")
    assert 'src="career-graph.svg"' in index
    assert (example_html / "career-graph.svg").read_text(encoding="utf-8").startswith("<?xml")


@settings(max_examples=10, deadline=None)
@given(model=competency_models())
def test_links_resolve_for_generated_models(
    model: cc.CompetencyModel, html_link_check: LinkCheck, md_link_check: LinkCheck
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_handbook(model, root / "html", career_graph=False)
        assert html_link_check(root / "html") == []
        write_handbook(model, root / "md", format="markdown", career_graph=False)
        assert md_link_check(root / "md") == []
        html_pages = sorted(
            p.relative_to(root / "html").with_suffix("") for p in (root / "html").rglob("*.html")
        )
        md_pages = sorted(
            p.relative_to(root / "md").with_suffix("") for p in (root / "md").rglob("*.md")
        )
        assert html_pages == md_pages


# -- escaping ---------------------------------------------------------------------------------
def hostile(model: cc.CompetencyModel) -> cc.CompetencyModel:
    coding = model.competency("coding")
    ind = coding.indicators[2][0].model_copy(
        update={
            "text": cc.text(f"Writes {IMG} code"),
            "urls": ("javascript:alert(1)",),
            "links": (cc.Link(url="javascript:alert(2)", label=f"Guide {SCRIPT}"),),
            "attributes": {"proficiency": f"Expert {SCRIPT}"},
        }
    )
    changed = coding.model_copy(
        update={
            "name": cc.text(f"Coding {SCRIPT}"),
            "definition": cc.text(f"# Heading? [link](javascript:alert(1)) *bold* {IMG}"),
            "indicators": {**coding.indicators, 2: (ind, *coding.indicators[2][1:])},
            "references": (
                cc.ExternalReference(scheme="esco", uri="javascript:alert(1)", label=SCRIPT),
            ),
        }
    )
    comps = tuple(changed if c.key == "coding" else c for c in model.competencies)
    roles = tuple(
        r.model_copy(update={"title": cc.text(f"Engineer {SCRIPT}")}) if r.key == "engineer" else r
        for r in model.roles
    )
    return model.model_copy(
        update={"competencies": comps, "roles": roles, "name": cc.text(f"Ladder {SCRIPT}")}
    )


def test_model_texts_cannot_inject_html(
    se_model: cc.CompetencyModel, tmp_path: Path, html_link_check: LinkCheck, html_page: PageParser
) -> None:
    write_handbook(hostile(se_model), tmp_path)
    assert html_link_check(tmp_path) == []  # no javascript: link anywhere
    for path in tmp_path.rglob("*.html"):
        page = html_page(path)
        assert page.scripts == 0, path
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text, path
        assert "javascript:" not in "".join(page.links), path
    coding = (tmp_path / "competencies" / "coding.html").read_text(encoding="utf-8")
    # the texts are shown as they were written
    assert f"Coding {SCRIPT}" in html.unescape(re.sub(r"<[^>]+>", "", coding))
    assert IMG in html.unescape(coding)
    assert "javascript:alert(1)" in html.unescape(coding)  # shown, but not as a link
    assert f"Guide {SCRIPT} (javascript:alert(2))" in html.unescape(coding)
    assert f"proficiency: Expert {SCRIPT}" in html.unescape(coding)


def test_model_texts_cannot_inject_markdown(
    se_model: cc.CompetencyModel, tmp_path: Path, md_link_check: LinkCheck
) -> None:
    write_handbook(hostile(se_model), tmp_path, format="markdown")
    assert md_link_check(tmp_path) == []
    coding = (tmp_path / "competencies" / "coding.md").read_text(encoding="utf-8")
    assert "<script" not in coding
    assert "<img src=x" not in coding
    assert "&lt;script&gt;" in coding
    assert "\\[link\\](javascript:alert(1))" in coding
    assert "\\# Heading?" in coding
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.md"))
    assert not re.search(r"(?<!\\)\]\(javascript:", everything)


def test_labelled_links_and_attributes_are_shown(
    se_model: cc.CompetencyModel, tmp_path: Path, html_link_check: LinkCheck
) -> None:
    coding = se_model.competency("coding")
    ind = coding.indicators[2][0].model_copy(
        update={
            "links": (cc.Link(url="https://example.com/tdd", label="A TDD guide"),),
            "attributes": {"proficiency": "Practitioner"},
        }
    )
    changed = coding.model_copy(
        update={"indicators": {**coding.indicators, 2: (ind, *coding.indicators[2][1:])}}
    )
    model = se_model.model_copy(
        update={
            "competencies": tuple(
                changed if c.key == "coding" else c for c in se_model.competencies
            )
        }
    )
    write_handbook(model, tmp_path / "html")
    page = (tmp_path / "html" / "competencies" / "coding.html").read_text(encoding="utf-8")
    assert '<a href="https://example.com/tdd" rel="noopener">A TDD guide</a>' in page
    assert "proficiency: Practitioner" in page
    assert html_link_check(tmp_path / "html") == []
    write_handbook(model, tmp_path / "md", format="markdown")
    md = (tmp_path / "md" / "competencies" / "coding.md").read_text(encoding="utf-8")
    assert "[A TDD guide](<https://example.com/tdd>)" in md
    assert "_(proficiency: Practitioner)_" in md


def test_md_escape_and_safe_url() -> None:
    assert md_escape("a | b") == "a \\| b"
    assert md_escape("1. first\n- item") == "1\\. first\n\\- item"
    assert safe_url("HTTPS://example.com/x") == "HTTPS://example.com/x"
    assert safe_url("mailto:hr@example.com") == "mailto:hr@example.com"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "file:///etc/passwd",
        "",
    ):
        assert safe_url(bad) is None, bad


# -- markdown and guides ------------------------------------------------------------------------
def test_markdown_handbook(
    se_model: cc.CompetencyModel, tmp_path: Path, md_link_check: LinkCheck
) -> None:
    summary = write_handbook(se_model, tmp_path, format="markdown")
    assert summary.index == tmp_path / "index.md"
    assert md_link_check(tmp_path) == []
    release_kit = len(list((tmp_path / "release").glob("*.md")))  # its own tests count it
    assert len(summary.pages) == (
        len(se_model.competencies) + 3 * len(se_model.roles) + 5 + release_kit
    )
    index = summary.index.read_text(encoding="utf-8")
    assert "](competencies/coding.md)" in index
    assert "# Software engineering career ladder" in index
    interview = (tmp_path / "interviews" / "engineer.md").read_text(encoding="utf-8")
    assert "Tell me about a time" in interview


def test_guides_for_every_audience(se_model: cc.CompetencyModel, example_html: Path) -> None:
    for audience in Audience:
        guide = audience_guide(se_model, audience)
        assert guide.sections
        page = (example_html / "guides" / f"{audience.value}.html").read_text(encoding="utf-8")
        for section in guide.sections:
            assert html.escape(section.heading, quote=False) in page or section.heading in page
    topics = {"self-assess", "rate", "review", "recruit", "develop", "succession"}
    all_text = " ".join(
        (example_html / "guides" / f"{a.value}.html").read_text(encoding="utf-8").lower()
        for a in Audience
    )
    assert all(t in all_text for t in topics), [t for t in topics if t not in all_text]


def test_interview_guide_and_job_description(se_model: cc.CompetencyModel) -> None:
    role = se_model.role("engineer")
    guide = interview_guide(se_model, role.key)
    assert [t.competency for t in guide.topics] == [q.competency for q in role.requirements] or {
        t.competency for t in guide.topics
    } == {q.competency for q in role.requirements}
    essentials = [t.essential for t in guide.topics]
    assert essentials == sorted(essentials, reverse=True)  # essential ones first
    coding = next(t for t in guide.topics if t.competency == "coding")
    at_level = [se_model.text(i.text) for i in se_model.competency("coding").indicators_at(3)]
    assert list(coding.listen_for) == at_level
    assert coding.questions[0].startswith("Tell me about a time")
    jd = job_description(se_model, role.key)
    assert jd.title == se_model.text(role.title)
    assert {r.competency for r in jd.essential} == {
        q.competency for q in role.requirements if q.essential
    }


# -- re-runs -----------------------------------------------------------------------------------
def test_a_rerun_removes_pages_that_went_away(
    se_model: cc.CompetencyModel, tmp_path: Path, html_link_check: LinkCheck
) -> None:
    write_handbook(se_model, tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    gone = se_model.roles[-1]
    smaller = se_model.model_copy(
        update={
            "roles": se_model.roles[:-1],
            "transitions": tuple(
                t for t in se_model.transitions if gone.key not in (t.source, t.target)
            ),
        }
    )
    summary = write_handbook(smaller, tmp_path)
    assert not (tmp_path / "roles" / f"{gone.key}.html").exists()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"  # not ours: kept
    assert any("removed 3 pages" in n for n in summary.notes)
    assert html_link_check(tmp_path) == []


def test_link_checker_finds_broken_links(
    tmp_path: Path, html_link_check: Callable[[Path], list[str]]
) -> None:
    """The checker the tests rely on does fail: a missing page, a missing anchor, a bad scheme."""
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="b.html">b</a><a href="#here">ok</a><a href="#nowhere">x</a>'
        '<a href="javascript:x()">j</a><img src="missing.png"></p>',
        encoding="utf-8",
    )
    problems = html_link_check(tmp_path)
    assert len(problems) == 4
    assert any("no anchor #nowhere" in p for p in problems)


def test_picture_limit_is_the_drawing_limit() -> None:
    from competency_core.careers import drawing
    from competency_core.publish import handbook

    assert handbook.MAX_PICTURE_ROLES == drawing.MAX_PICTURE_ROLES
