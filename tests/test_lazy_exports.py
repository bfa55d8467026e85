"""Lazy package exports: what ``_lazy`` reads is what the type checkers read, and it resolves."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import competency_core
from competency_core._lazy import _exports

SRC = Path(competency_core.__file__).parent


def _lazy_packages() -> list[str]:
    found = []
    for init in sorted(
        [*SRC.rglob("__init__.py"), *(SRC.parent / "adapters").glob("*/__init__.py")]
    ):
        if "lazy_exports(__name__, __file__)" in init.read_text(encoding="utf-8"):
            rel = init.parent.relative_to(
                SRC.parent if init.is_relative_to(SRC) else SRC.parent / "adapters"
            )
            found.append(".".join(rel.parts))
    return found


def _ast_exports(init_file: Path) -> dict[str, tuple[str, str]]:
    tree = ast.parse(init_file.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module:
                    for alias in stmt.names:
                        out[alias.asname or alias.name] = (stmt.module, alias.name)
    return out


PACKAGES = _lazy_packages()


def test_the_lazy_packages_are_found() -> None:
    assert {
        "competency_core",
        "competency_core.sync",
        "competency_core.scoring",
        "competency_csv",
    } <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_resolves_and_matches_the_type_checking_block(package: str) -> None:
    module = importlib.import_module(package)
    init = Path(module.__file__ or "")
    assert _exports(str(init)) == _ast_exports(init)
    assert module.__all__, package
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    assert set(module.__all__) <= set(dir(module))


def test_an_export_named_like_a_submodule_stays_the_export() -> None:
    code = (
        "import competency_core, competency_core.text, competency_core.careers.staffing\n"
        "import competency_core.careers as c\n"
        "assert callable(competency_core.text), competency_core.text\n"
        "from competency_core import text\n"
        "assert text is competency_core.text\n"
        "assert callable(c.succession)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        competency_core.Nope  # noqa: B018
    assert all(m.name != "Nope" for m in pkgutil.iter_modules(competency_core.__path__))
