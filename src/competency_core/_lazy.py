"""Lazy package exports: a package's public names are imported on first use.

A package ``__init__`` lists its exports once, as ``from ... import X as X`` lines under
``if TYPE_CHECKING:`` (what type checkers and IDEs read), and ends with::

    __getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)

which reads those lines back (one ``ast.parse`` of the file) so that ``package.X``
imports ``X``'s module when it is first asked for. ``import competency_core`` then costs
what it uses, not the whole library (scipy, SQLAlchemy, numpy, ...); ``from package
import X`` works as before.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _exports(init_file: str) -> dict[str, tuple[str, str]]:
    """The names imported under ``if TYPE_CHECKING:`` in ``init_file``: name -> (module, attr)."""
    tree = ast.parse(Path(init_file).read_text(encoding="utf-8"), init_file)
    found: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0:
                for alias in stmt.names:
                    found[alias.asname or alias.name] = (stmt.module, alias.name)
    return found


def lazy_exports(
    package: str, init_file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package`` (see the module's doc)."""
    exports = _exports(init_file)

    def __getattr__(name: str) -> Any:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[0]), where[1])
        setattr(sys.modules[package], name, value)  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__, sorted(exports)


__all__ = ["lazy_exports"]
