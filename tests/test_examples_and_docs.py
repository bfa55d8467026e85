"""The examples run, and the examples in docstrings (doctests) hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import competency_core


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(competency_core.__path__, "competency_core."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_quickstart_runs(examples: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(examples / "quickstart.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "software-engineering" in proc.stdout or "Software" in proc.stdout
