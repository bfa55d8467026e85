"""Lazy package exports: a package's public names are imported on first use.

A package ``__init__`` lists its exports once, as ``from ... import X as X`` lines under
``if TYPE_CHECKING:`` (what type checkers and IDEs read), and ends with::

    __getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)

which reads those lines back (a regular expression over the block) so that ``package.X``
imports ``X``'s module when it is first asked for. ``import competency_core`` then costs
what it uses, not the whole library (scipy, SQLAlchemy, numpy, ...); ``from package
import X`` works as before.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

_IMPORT = re.compile(r"from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)")


def _exports(init_file: str) -> dict[str, tuple[str, str]]:
    """The names imported under ``if TYPE_CHECKING:`` in ``init_file``: name -> (module, attr).

    Read with a regular expression over that block (a few hundred microseconds less per
    package than ``ast.parse``; tests/test_lazy_exports.py checks both agree).
    """
    text = Path(init_file).read_text(encoding="utf-8")
    start = text.find("\nif TYPE_CHECKING:\n")
    if start < 0:
        return {}
    block: list[str] = []
    for line in text[start + 19 :].splitlines():
        if line and not line.startswith((" ", "\t")):
            break
        block.append(line)
    found: dict[str, tuple[str, str]] = {}
    for module, names in _IMPORT.findall("\n".join(block)):
        for item in names.strip("()").replace("\n", " ").split(","):
            parts = item.split("#")[0].split()
            if not parts:
                continue
            name = parts[0]
            found[parts[2] if len(parts) == 3 and parts[1] == "as" else name] = (module, name)
    return found


def lazy_exports(
    package: str, init_file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package`` (see the module's doc)."""
    exports = _exports(init_file)
    folder = Path(init_file).parent
    shadowed = frozenset(
        n for n in exports if (folder / f"{n}.py").is_file() or (folder / n).is_dir()
    )
    if shadowed:
        _keep_exports(sys.modules[package], shadowed)

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


def _keep_exports(module: types.ModuleType, names: frozenset[str]) -> None:
    """Make ``names`` stay the package's exports when same-named submodules are imported.

    Importing ``package.text`` binds the submodule as the package's ``text`` attribute;
    when the package exports a function ``text`` (``competency_core.text``), that export
    must win, as it did when the package imported everything at once.
    """

    class _Package(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if name in names and isinstance(value, types.ModuleType):
                return  # the import system binding the submodule: keep the export
            super().__setattr__(name, value)

    module.__class__ = _Package


__all__ = ["lazy_exports"]
