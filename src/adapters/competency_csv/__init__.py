"""competency-core's CSV adapter: Moodle competency frameworks, people, ratings, learning.

It reads and writes Moodle competency framework files, and plain CSV files of people,
assessments and learning assignments. It is a plugin of the ``competency_core`` entry-point group (``csv = "competency_csv"``),
registered exactly as a third-party adapter would be. Besides the adapter, the module
offers the file formats as plain functions::

    from competency_csv import export_framework, import_framework, read_people

See docs/adapters/csv.md.
"""

from __future__ import annotations

from typing import Any

from competency_core.hookspecs import hookimpl
from competency_core.sync import Adapter
from competency_csv.adapter import CsvAdapter, CsvSettings
from competency_csv.csvio import CsvDialect, CsvReadError, escape_formula, unescape_formula
from competency_csv.moodle_framework import MOODLE_HEADER, FrameworkOptions, export_framework
from competency_csv.moodle_import import FrameworkImport, import_framework
from competency_csv.tabular import (
    ASSESSMENTS,
    ASSIGNMENTS,
    PEOPLE,
    check_table,
    read_assessments,
    read_assignments,
    read_people,
    read_table,
    write_table,
)


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The ``csv`` adapter."""
    return [CsvAdapter]


__all__ = [
    "ASSESSMENTS",
    "ASSIGNMENTS",
    "MOODLE_HEADER",
    "PEOPLE",
    "CsvAdapter",
    "CsvDialect",
    "CsvReadError",
    "CsvSettings",
    "FrameworkImport",
    "FrameworkOptions",
    "check_table",
    "escape_formula",
    "export_framework",
    "import_framework",
    "read_assessments",
    "read_assignments",
    "read_people",
    "read_table",
    "register_adapters",
    "unescape_formula",
    "write_table",
]
