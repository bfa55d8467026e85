"""Fixtures for the publishing tests: example model and people, render tools, page checks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import competency_core as cc

REPO = Path(__file__).resolve().parents[2]
CASE_SCHEMA_NAME = "case-v1p1-cfpackage-schema.json"
NO_TOOLS = "run `bash scripts/ensure-render-tools.sh` (as `make test` does) to install it"


@pytest.fixture(scope="session")
def se_model() -> cc.CompetencyModel:
    return cc.load_model(REPO / "examples" / "software-engineering.yaml")


@pytest.fixture(scope="session")
def se_people(se_model: cc.CompetencyModel) -> cc.Workforce:
    return cc.load_workforce(REPO / "examples" / "people.yaml", se_model)


@pytest.fixture
def case_schema(shared_data: Path) -> Path:
    path = shared_data / "case" / CASE_SCHEMA_NAME
    if not path.is_file():
        pytest.skip(f"the CASE 1.1 schema {path} is absent")
    return path


def _tool(name: str, *alternatives: str) -> str:
    for candidate in (name, *alternatives):
        found = shutil.which(candidate)
        if found:
            return found
    pytest.skip(f"{name} is not installed: {NO_TOOLS}")


@pytest.fixture(scope="session")
def soffice() -> str:
    return _tool("soffice", "libreoffice")


@pytest.fixture(scope="session")
def pdftoppm() -> str:
    return _tool("pdftoppm")


@pytest.fixture(scope="session")
def chromium() -> str:
    return _tool("chromium", "chromium-browser", "google-chrome")


# -- images -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Picture:
    """What a test needs to know about a rendered image."""

    width: int
    height: int
    colours: int
    ink: float
    """Share of pixels that are not (near) white."""


def read_png(path: Path, step: int = 4) -> Picture:
    """Size, colours and ink of a PNG (what Chromium and pdftoppm write), sampling every ``step``."""
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(path) as image:
        if image.format != "PNG":
            raise ValueError(f"{path} is a {image.format}, not a PNG")
        rgb = image.convert("RGB")
    width, height = rgb.size
    small = rgb.resize((max(1, width // step), max(1, height // step)), Image.Resampling.NEAREST)
    pixels = [small.getpixel((x, y)) for y in range(small.height) for x in range(small.width)]
    ink = sum(1 for px in pixels if min(px) < 235)
    return Picture(width, height, len(set(pixels)), ink / max(1, len(pixels)))


@pytest.fixture(scope="session")
def png() -> Callable[[Path], Picture]:
    return read_png


# -- links --------------------------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append(str(a[name]))
        if tag == "script":
            self.scripts += 1


def broken_links(root: Path) -> list[str]:
    """Every href/src in the HTML pages under ``root`` that does not reach a file and anchor.

    External links (http, https, mailto) are only checked for their scheme.
    """
    pages: dict[Path, _Page] = {}
    for path in sorted(root.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = parser
    broken: list[str] = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme:
                if parts.scheme not in {"http", "https", "mailto"}:
                    broken.append(f"{path}: unsafe link {link!r}")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path}: {link!r}: no file {target}")
                continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path}: {link!r}: no anchor #{parts.fragment} in {target}")
    return broken


_MD_LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")


def broken_markdown_links(root: Path) -> list[str]:
    """Every relative Markdown link under ``root`` that does not reach a file."""
    broken = []
    for path in sorted(root.rglob("*.md")):
        for m in _MD_LINK.finditer(path.read_text(encoding="utf-8")):
            parts = urlsplit(m.group(1))
            if parts.scheme:
                if parts.scheme not in {"http", "https", "mailto"}:
                    broken.append(f"{path}: unsafe link {m.group(1)!r}")
                continue
            if not (path.parent / unquote(parts.path)).is_file():
                broken.append(f"{path}: {m.group(1)!r} does not resolve")
    return broken


@pytest.fixture(scope="session")
def html_link_check() -> Callable[[Path], list[str]]:
    return broken_links


@pytest.fixture(scope="session")
def md_link_check() -> Callable[[Path], list[str]]:
    return broken_markdown_links


def parse_page(path: Path) -> _Page:
    """An HTML page's ids, links (href and src) and number of script elements."""
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="session")
def html_page() -> Callable[[Path], _Page]:
    return parse_page
