"""The CSV adapter's docs hold: marked code blocks run, docstring examples pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import competency_csv

REPO = Path(__file__).resolve().parents[3]
DOCS = [REPO / "docs" / "sync.md", REPO / "docs" / "adapters" / "csv.md"]
_RUNS = re.compile(r"<!-- runs:[^>]*-->\n```python\n(.*?)```", re.S)


def _blocks() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for n, match in enumerate(_RUNS.finditer(doc.read_text(encoding="utf-8")), 1):
            out.append((f"{doc.name}#{n}", match.group(1)))
    return out


@pytest.mark.parametrize(("name", "code"), _blocks(), ids=[n for n, _ in _blocks()])
def test_marked_code_blocks_run(
    name: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, name, "exec"), {"__name__": "__docs__"})


def test_each_doc_has_a_block_that_runs() -> None:
    assert {name.split("#")[0] for name, _ in _blocks()} == {d.name for d in DOCS}


@pytest.mark.parametrize(
    "module",
    [m.name for m in pkgutil.walk_packages(competency_csv.__path__, "competency_csv.")],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "adapters" / "csv.md").read_text(encoding="utf-8")
    undocumented = [n for n in competency_csv.CsvSettings.model_fields if f"`{n}`" not in doc]
    assert undocumented == []


def test_the_docs_link_to_each_other() -> None:
    sync = (REPO / "docs" / "sync.md").read_text(encoding="utf-8")
    plugins = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert "(adapters/csv.md)" in sync
    assert "(sync.md)" in plugins
