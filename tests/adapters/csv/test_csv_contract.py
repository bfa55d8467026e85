"""The CSV adapter under the adapter contract (a fresh folder per adapter)."""

from __future__ import annotations

from competency_core.testing import AdapterContract
from competency_csv import CsvAdapter


class TestCsvAdapter(AdapterContract):
    def make_adapter(self) -> CsvAdapter:
        return CsvAdapter.configure({"directory": str(self.new_directory())})
