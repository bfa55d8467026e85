"""competency-core's CSV adapter: Moodle competency frameworks, people, ratings, learning.

It reads and writes Moodle competency framework files, and plain CSV files of people,
assessments and learning assignments. It is a plugin of the ``competency_core`` entry-point
group (``csv = "competency_csv.plugin"``), registered exactly as a third-party adapter
would be. Besides the adapter (and ``competency csv check``), the package offers the file
formats as plain functions::

    from competency_csv import export_framework, import_framework, read_people

Its modules: ``plugin`` (the hooks), ``settings``, ``adapter``, ``client`` (reading and
writing CSV files), ``model`` (Moodle framework files: ``push``, ``pull``,
``framework_file``), ``people``, ``ratings``, ``learning`` (their tables, on ``tables``),
``cli`` and ``demo``. See docs/adapters/csv.md.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_csv.adapter import CsvAdapter as CsvAdapter
    from competency_csv.client import CsvReadError as CsvReadError
    from competency_csv.client import escape_formula as escape_formula
    from competency_csv.client import unescape_formula as unescape_formula
    from competency_csv.learning import ASSIGNMENTS as ASSIGNMENTS
    from competency_csv.learning import read_assignments as read_assignments
    from competency_csv.model.framework_file import MOODLE_HEADER as MOODLE_HEADER
    from competency_csv.model.pull import FrameworkImport as FrameworkImport
    from competency_csv.model.pull import import_framework as import_framework
    from competency_csv.model.push import export_framework as export_framework
    from competency_csv.people import PEOPLE as PEOPLE
    from competency_csv.people import read_people as read_people
    from competency_csv.ratings import ASSESSMENTS as ASSESSMENTS
    from competency_csv.ratings import read_assessments as read_assessments
    from competency_csv.settings import CsvDialect as CsvDialect
    from competency_csv.settings import CsvSettings as CsvSettings
    from competency_csv.settings import FrameworkOptions as FrameworkOptions
    from competency_csv.tables import check_table as check_table
    from competency_csv.tables import read_table as read_table
    from competency_csv.tables import write_table as write_table

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
