"""The ``csv`` adapter's settings: the CSV dialect, how framework texts are written, the files.

Each setting is declared once, with one help text: :class:`CsvDialect` (how files are
encoded and laid out) and :class:`FrameworkOptions` (how a model's texts are written to a
Moodle framework file) are settings models of their own, which the functions of
:mod:`competency_csv.client` and :mod:`competency_csv.model` take, and :class:`CsvSettings`
(the adapter's settings) inherits both, adding the folder and the file names.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from competency_core.sync import AdapterSettings

DESCRIPTION_FORMATS = {0: "moodle", 1: "html", 2: "plain", 4: "markdown"}
"""Moodle's description formats (``FORMAT_MOODLE``, ``FORMAT_HTML``, ...) by number."""

_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class CsvDialect(BaseModel):
    """How CSV files are encoded and laid out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    encoding: str = Field(
        default="utf-8",
        description="The text encoding; UTF-8 files may start with a byte-order mark.",
    )
    bom: bool = Field(default=False, description="Write a UTF-8 byte-order mark (for Excel).")
    delimiter: str = Field(
        default=",",
        description="One character, 'tab', or 'auto' (read: guessed from the header; write: ',').",
    )
    quoting: Literal["minimal", "all"] = Field(
        default="minimal", description="Quote only cells that need it, or every cell."
    )
    newline: Literal["crlf", "lf"] = Field(default="crlf", description="Line ending written.")
    escape_formulas: bool = Field(
        default=True,
        description="Write cells that would start a spreadsheet formula with a leading "
        "apostrophe (and remove it when reading).",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r} (e.g. utf-8, cp1252, latin-1)") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        value = _DELIMITER_NAMES.get(value.lower(), value)
        if value != "auto" and (len(value) != 1 or value in "\"'\r\n"):
            raise ValueError("the delimiter is one character (or 'tab', or 'auto')")
        return value


class FrameworkOptions(BaseModel):
    """How a model's texts are written to a Moodle competency framework file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str | None = Field(
        default=None, description="The language of the framework texts (default: the model's)."
    )
    multilang: bool = Field(
        default=False, description="Write translated texts as Moodle multi-language spans."
    )
    description_format: int = Field(
        default=2,
        description="Moodle's description format: 0 Moodle, 1 HTML, 2 plain, 4 Markdown.",
    )

    @field_validator("description_format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value not in DESCRIPTION_FORMATS:
            raise ValueError(
                f"use one of {sorted(DESCRIPTION_FORMATS)} (0 Moodle, 1 HTML, 2 plain, 4 Markdown)"
            )
        return value


class CsvSettings(AdapterSettings, FrameworkOptions, CsvDialect):
    """Settings of the ``csv`` adapter: the folder, the file names, and the CSV dialect.

    The dialect's fields are :class:`CsvDialect`'s and those of framework texts
    :class:`FrameworkOptions`' (inherited, not repeated), so the settings are both.
    """

    directory: Path = Field(description="The folder that holds the CSV files.")
    framework_file: str = Field(
        default="{key}.moodle.csv", description="File name of a model's framework ({key})."
    )
    people_file: str = Field(default="people.csv", description="File name of the people.")
    assessments_file: str = Field(
        default="assessments.csv", description="File name of the assessments (ratings)."
    )
    assignments_file: str = Field(
        default="assignments.csv", description="File name of the learning assignments."
    )
    header_map: dict[str, str] = Field(
        default_factory=dict,
        description="A file's column name -> ours, e.g. {'Employee ID': 'id'}.",
    )
    skip_bad_rows: bool = Field(
        default=False, description="Import the good rows of a file with bad rows."
    )

    @property
    def dialect(self) -> CsvDialect:
        """The CSV dialect alone."""
        return CsvDialect.model_validate(
            {name: getattr(self, name) for name in CsvDialect.model_fields}
        )

    @property
    def framework_options(self) -> FrameworkOptions:
        """How framework texts are written."""
        return FrameworkOptions.model_validate(
            {name: getattr(self, name) for name in FrameworkOptions.model_fields}
        )

    def framework_path(self, key: str) -> Path:
        """The framework file of the model ``key``."""
        safe = key.replace("/", "_").replace(":", "_")
        return self.directory / self.framework_file.format(key=safe)


__all__ = ["DESCRIPTION_FORMATS", "CsvDialect", "CsvSettings", "FrameworkOptions"]
