"""The handbook in a real browser: axe-core finds no serious problem, and it works on a phone.

Every page of the handbook of both examples, in English and in Swedish, is loaded in headless
Chromium at desktop width (1200 px) and at 400 px (a phone, with its viewport), and checked
with axe-core (WCAG 2.x A/AA and best-practice rules): no violation of serious or critical
impact. At 400 px no page is wider than the screen (wide tables scroll in their own box), the
text is at least 16 px, the first link skips to the content, the navigation fits and its
links are big enough to tap, and the career graph picture is drawn no wider than the screen
with legible text.

Chromium comes from ``scripts/ensure-render-tools.sh`` and axe-core from
``scripts/ensure-axe.sh`` (both run by ``make test``); the tests are skipped with that reason
where either is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from headless_browser import AXE_CACHE, Browser, axe_script

import competency_core as cc
from competency_core.publish import write_handbook

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "software-engineering": REPO / "examples" / "software-engineering.yaml",
    "customer-success": REPO / "examples" / "customer-success.yaml",
}
LANGUAGES = ("en", "sv")
DESKTOP, PHONE = 1200, 400
BLOCKING = {"serious", "critical"}
MIN_TEXT_PX = 16
MIN_TAP_PX = 24  # WCAG 2.2 target size (minimum), 2.5.8
SAME_TEMPLATE = {"competencies", "roles", "interviews", "job-descriptions"}
"""Folders of pages drawn from one template (contrast on a phone: the first page of each)."""


@dataclass(frozen=True)
class Handbook:
    name: str
    root: Path

    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def label(self, page: Path) -> str:
        return f"{self.name}/{page.relative_to(self.root).as_posix()}"


@pytest.fixture(scope="module")
def handbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Handbook]:
    out = tmp_path_factory.mktemp("a11y")
    books = []
    for name, path in EXAMPLES.items():
        model = cc.load_model(path)
        for language in LANGUAGES:
            root = out / f"{name}-{language}"
            write_handbook(model, root, language=language)
            books.append(Handbook(f"{name} ({language})", root))
    return books


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    if axe_script() is None:
        pytest.skip(
            f"axe-core is not installed in {AXE_CACHE}: run `bash scripts/ensure-axe.sh` "
            "(as `make test` does)"
        )
    with Browser(chromium) as b:
        yield b


_PHONE_FACTS = """(() => {
  const de = document.documentElement;
  const px = (el, p) => parseFloat(getComputedStyle(el)[p]);
  const nav = [...document.querySelectorAll('header nav a')].map(a => {
    const r = a.getBoundingClientRect();
    return {text: a.textContent, left: r.left, right: r.right, height: r.height};
  });
  const pictures = [...document.querySelectorAll('figure img')].map(img => ({
    loaded: img.complete && img.naturalWidth > 0,
    boxRight: img.closest('figure').getBoundingClientRect().right}));
  const wide = [...document.querySelectorAll('table')].filter(
    t => t.getBoundingClientRect().right > de.clientWidth + 1).map(t => {
      const box = t.parentElement;
      return {scrolls: getComputedStyle(box).overflowX, boxRight: box.getBoundingClientRect().right};
    });
  const first = document.querySelector('body a[href]');
  const skip = first && first.getAttribute('href').startsWith('#')
    && document.getElementById(first.getAttribute('href').slice(1));
  return {scrollWidth: de.scrollWidth, bodyText: px(document.body, 'fontSize'), nav, pictures,
          wide, skip: Boolean(skip && skip.tagName === 'MAIN')};
})()"""


@dataclass
class Walk:
    """What the browser found on every page: axe's violations and the phone layout's problems."""

    pages: int = 0
    contrast_on_phone: int = 0
    violations: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    pictures: int = 0


def _phone_problems(label: str, facts: dict[str, Any]) -> list[str]:
    problems = []
    if not facts["skip"]:
        problems.append(f"{label}: the first link does not skip to the <main> content")
    if facts["scrollWidth"] > PHONE:
        problems.append(f"{label}: the page is {facts['scrollWidth']} px wide")
    if facts["bodyText"] < MIN_TEXT_PX:
        problems.append(f"{label}: body text is {facts['bodyText']} px")
    for link in facts["nav"]:
        if link["right"] > PHONE or link["left"] < 0:
            problems.append(f"{label}: navigation link {link['text']!r} is off screen")
        if link["height"] < MIN_TAP_PX:
            problems.append(
                f"{label}: navigation link {link['text']!r} is {link['height']} px high"
            )
    for table in facts["wide"]:
        if table["scrolls"] not in ("auto", "scroll") or table["boxRight"] > PHONE:
            problems.append(f"{label}: a wide table does not scroll in its own box")
    for picture in facts["pictures"]:
        if not picture["loaded"]:
            problems.append(f"{label}: the picture did not load")
        elif picture["boxRight"] > PHONE:
            problems.append(f"{label}: the picture's box is wider than the screen")
    return problems


@pytest.fixture(scope="module")
def walk(handbooks: list[Handbook], browser: Browser) -> Walk:
    """Every page at desktop width (all of axe's rules), then at 400 px on the same load.

    At 400 px axe runs every rule but colour contrast, which is checked there on the first
    page of each kind (the index, scales, each guide and release page, the first competency,
    role, interview guide and job description): the colours
    come from one stylesheet whose phone part changes sizes and spacing, not colours, and the
    contrast rule takes most of axe's time.
    """
    script = axe_script()
    assert script is not None
    seen = Walk()
    for book in handbooks:
        kinds: set[str] = set()
        for page in book.pages():
            label = book.label(page)
            browser.open(page.as_uri(), width=DESKTOP)
            seen.violations += [
                (label, DESKTOP, v) for v in browser.axe(script) if v["impact"] in BLOCKING
            ]
            browser.resize(width=PHONE, mobile=True)
            rel = page.relative_to(book.root)
            kind = rel.parts[0] if rel.parts[0] in SAME_TEMPLATE else rel.as_posix()
            skip = () if kind not in kinds else ("color-contrast",)
            seen.contrast_on_phone += kind not in kinds
            kinds.add(kind)
            seen.violations += [
                (label, PHONE, v) for v in browser.axe(script, skip=skip) if v["impact"] in BLOCKING
            ]
            facts = browser.evaluate(_PHONE_FACTS)
            seen.pictures += len(facts["pictures"])
            seen.phone += _phone_problems(label, facts)
            seen.pages += 1
    return seen


def _report(found: list[tuple[str, int, dict[str, Any]]]) -> str:
    lines = []
    for label, width, v in found:
        lines.append(f"{label} at {width} px: {v['id']} ({v['impact']}): {v['help']}")
        for target, summary in zip(v["targets"][:5], v["summary"][:5], strict=False):
            lines.append(f"    {target}: {' '.join(str(summary).split())[:200]}")
    return "\n".join(lines)


def test_axe_finds_no_serious_violation(walk: Walk) -> None:
    assert walk.pages >= 4 * 30  # every page of the four handbooks
    assert walk.contrast_on_phone >= 4 * 8  # index, scales, guides, competencies, roles, ...
    assert not walk.violations, (
        f"axe-core found serious or critical violations:\n{_report(walk.violations)}"
    )


def test_every_page_fits_a_400_px_phone(walk: Walk, handbooks: list[Handbook]) -> None:
    assert walk.pictures == len(handbooks)  # the career graph on each index
    assert not walk.phone, "\n".join(walk.phone)


def test_axe_and_the_phone_checks_find_planted_problems(browser: Browser, tmp_path: Path) -> None:
    """The checks can fail: a page with the problems they look for is caught."""
    script = axe_script()
    assert script is not None
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        "<title>x</title></head><body><header><nav><a href=a>one</a></nav></header><main>"
        '<h1>Bad</h1><p style="color:#bbbbbb">faint text</p><img src="x.png">'
        '<a href="b"></a><table><tr><td>' + "wide " * 5 + "x" * 200 + "</td></tr></table>"
        "</main></body></html>",
        encoding="utf-8",
    )
    browser.open(page.as_uri(), width=PHONE, mobile=True)
    found = {v["id"] for v in browser.axe(script) if v["impact"] in BLOCKING}
    assert {"color-contrast", "image-alt", "link-name", "html-has-lang"} <= found
    problems = _phone_problems("bad.html", browser.evaluate(_PHONE_FACTS))
    assert any("px wide" in p for p in problems), problems
    assert any("does not scroll" in p for p in problems), problems
    assert any("px high" in p for p in problems), problems
    assert any("skip" in p for p in problems), problems


def test_the_career_picture_scales_with_legible_text(
    handbooks: list[Handbook], browser: Browser
) -> None:
    """The picture fits the desktop page; on a phone it shrinks but its text stays >= 9 px."""
    from competency_core.careers.drawing import SMALLEST_FONT_PX

    for book in handbooks:
        index = (book.root / "index.html").as_uri()
        for width in (DESKTOP, PHONE):
            browser.open(index, width=width, mobile=width == PHONE)
            img = browser.evaluate(
                "(() => { const i = document.querySelector('figure img');"
                " const f = i.closest('figure');"
                " return {shown: i.clientWidth, natural: i.naturalWidth,"
                " box: f.clientWidth, overflow: getComputedStyle(f).overflowX};"
                " })()"
            )
            scale = img["shown"] / img["natural"]
            assert scale <= 1.0 + 1e-6, (book.name, width, img)
            assert SMALLEST_FONT_PX * scale >= 9, (book.name, width, img)
            if width == DESKTOP:
                assert img["shown"] <= img["box"] + 1, (book.name, img)
            elif img["shown"] > img["box"] + 1:
                assert img["overflow"] in ("auto", "scroll"), (book.name, img)
