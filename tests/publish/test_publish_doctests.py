"""The examples in the publishing modules' docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "case",
    "case_import",
    "guides",
    "handbook",
    "outline",
    "questions",
    "sheets",
    "untranslated",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"competency_core.publish.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
