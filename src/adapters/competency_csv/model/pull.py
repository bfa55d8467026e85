"""Model pull: a Moodle competency framework CSV file imported as a competency-core model.

The file is read as Moodle's importer reads it (columns by position, the first line a
header), but where Moodle silently drops a row (an unknown parent, an empty ID number or
short name, a repeated ID number) the import reports it with its line. Nothing is imported
from a file with errors unless ``skip_bad_rows`` is given: then the bad rows (and the rows
below them in the hierarchy) are left out and listed as warnings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import JsonValue, ValidationError

from competency_core.errors import ModelValidationError, Problem
from competency_core.keys import KEY_MAX_LENGTH, KEY_PATTERN
from competency_core.model import CompetencyModel
from competency_csv.client import CsvReadError
from competency_csv.model.framework_file import (
    ISFRAMEWORK,
    RULETYPE,
    TAXONOMY,
    FrameworkFile,
    FrameworkRow,
    parse_text,
    read_framework_file,
    row_data,
)
from competency_csv.settings import CsvDialect


@dataclass(frozen=True)
class FrameworkImport:
    """An imported model, with the warnings of the import (rows skipped, rules ignored...)."""

    model: CompetencyModel
    warnings: tuple[Problem, ...] = ()


def _key_problem(value: str) -> str | None:
    if len(value) > KEY_MAX_LENGTH:
        return f"the ID number has {len(value)} characters; a key has at most {KEY_MAX_LENGTH}"
    if not KEY_PATTERN.fullmatch(value):
        return (
            f"the ID number {value!r} is not a valid key (letters, digits and . _ - : /, "
            "starting with a letter or digit)"
        )
    return None


class _Importer:
    def __init__(self, file: FrameworkFile, language: str | None) -> None:
        self.file = file
        self.language = language
        self.errors: list[Problem] = list(file.problems)
        self.warnings: list[Problem] = []
        self.scales: dict[tuple[str, str], dict[str, Any]] = {}
        self.languages: list[str] = []

    def error(self, row: FrameworkRow, message: str, column: str = "") -> None:
        self.errors.append(
            Problem(path=column, message=message, file=str(self.file.path), line=row.line)
        )

    def warn(self, row: FrameworkRow | None, message: str) -> None:
        self.warnings.append(
            Problem(
                path="",
                message=message,
                severity="warning",
                file=str(self.file.path),
                line=row.line if row else None,
            )
        )

    def text(self, value: str) -> str | dict[str, str] | None:
        if not value.strip():
            return None
        parsed = parse_text(value)
        if isinstance(parsed, dict):
            self.languages += [lang for lang in parsed if lang not in self.languages]
        return parsed

    def scale(self, row: FrameworkRow, values: str, config: JsonValue, name: str) -> str | None:
        """The key of the scale of ``values`` and ``config`` (made on first use)."""
        ident = (values, json.dumps(config, sort_keys=True))
        if ident in self.scales:
            return str(self.scales[ident]["key"])
        items = [v.strip() for v in values.split(",")]
        if len(items) < 2 or not all(items):
            self.error(row, "a scale needs at least two non-empty items", "Scale values")
            return None
        if not isinstance(config, list) or not config:
            self.error(row, "scale values without a scale configuration", "Scale configuration")
            return None
        items_config = [i for i in config if isinstance(i, dict) and isinstance(i.get("id"), int)]
        proficient = sorted(int(str(i["id"])) for i in items_config if i.get("proficient"))
        ids = [int(str(i["id"])) for i in items_config]
        if any(i < 1 or i > len(items) for i in ids):
            self.error(row, f"the configuration names items outside 1..{len(items)}")
            return None
        if not proficient:
            self.error(row, "the scale configuration marks no item proficient")
            return None
        first = proficient[0]
        if proficient != list(range(first, first + len(proficient))) or proficient[-1] != len(
            items
        ):
            self.warn(
                row,
                f"the scale marks items {proficient} proficient; competency-core counts every "
                f"level from {first} up as proficient",
            )
        key = "scale" if not self.scales else f"scale-{len(self.scales) + 1}"
        self.scales[ident] = {
            "key": key,
            "name": name,
            "proficient": first,
            "levels": [
                {"value": i, "label": self.text(item) or item} for i, item in enumerate(items, 1)
            ],
        }
        return key

    def run(self, skip_bad_rows: bool) -> FrameworkImport:
        rows = self.file.rows
        frameworks = [r for r in rows if r.is_framework]
        for r in frameworks:
            if r.cells[ISFRAMEWORK].strip().lower() == "false":
                self.error(
                    r,
                    "'false' counts as true in Moodle (PHP truthiness): write 1 for the "
                    "framework row and leave the cell empty for competencies",
                    "Is framework",
                )
        if not frameworks:
            raise CsvReadError(
                [
                    *self.errors,
                    Problem(
                        path="",
                        message="no framework row (Is framework = 1)",
                        file=str(self.file.path),
                    ),
                ],
                f"{self.file.path} is not a Moodle competency framework file",
            )
        for extra in frameworks[:-1]:
            self.error(extra, "several framework rows; a file holds one framework")
        fw = frameworks[-1]
        fatal = len(self.errors)
        fw_data = self._framework(fw)
        if fw_data is None or len(self.errors) > fatal:
            raise CsvReadError(self.errors, f"{self.file.path}: the framework row is invalid")
        comps = self._competencies([r for r in rows if not r.is_framework], fw_data["scale"])
        if self.errors and not skip_bad_rows:
            n = len({p.line for p in self.errors})
            raise CsvReadError(
                self.errors,
                f"{self.file.path}: {n} bad row(s); nothing was imported (fix them, or skip bad "
                "rows to import the others)",
            )
        model = self._model(fw, fw_data, comps)
        skipped = [p.model_copy(update={"severity": "warning"}) for p in self.errors]
        return FrameworkImport(model=model, warnings=(*self.warnings, *skipped))

    def check(self) -> list[Problem]:
        """Every error and warning an import finds, each with its own severity."""
        try:
            self.run(skip_bad_rows=True)
        except CsvReadError as exc:
            return [
                *self.errors,
                *(p for p in exc.problems if p not in self.errors),
                *self.warnings,
            ]
        return [*self.errors, *self.warnings]

    def _framework(self, fw: FrameworkRow) -> dict[str, Any] | None:
        problem = _key_problem(fw.idnumber) if fw.idnumber else "the framework's ID number is empty"
        if problem:
            self.error(fw, problem, "ID number")
        try:
            data = row_data(fw)
        except ValueError as exc:
            self.error(fw, str(exc))
            return None
        name = self.text(str(data["shortname"]))
        if not name:
            self.error(fw, "the framework's short name is empty", "Short name")
        if not data["scalevalues"]:
            self.error(
                fw, "the framework row needs scale values (Moodle requires them)", "Scale values"
            )
            return None
        scale = self.scale(
            fw, str(data["scalevalues"]), data["scaleconfiguration"], "Framework scale"
        )
        return {"name": name, "description": self.text(str(data["description"])), "scale": scale}

    def _competencies(self, rows: list[FrameworkRow], fw_scale: str) -> list[dict[str, Any]]:
        valid: dict[str, tuple[FrameworkRow, dict[str, Any]]] = {}
        lines: dict[str, int] = {}
        for row in rows:
            key = row.idnumber
            if not key:
                self.error(
                    row,
                    "the ID number is empty (Moodle skips the row and those below it)",
                    "ID number",
                )
                continue
            if key in lines:
                self.error(
                    row, f"the ID number {key!r} is used on line {lines[key]} too", "ID number"
                )
                continue
            lines[key] = row.line
            problem = _key_problem(key)
            if problem:
                self.error(row, problem, "ID number")
                continue
            try:
                data = row_data(row)
            except ValueError as exc:
                self.error(row, str(exc))
                continue
            name = self.text(str(data["shortname"]))
            if not name:
                self.error(row, "the short name is empty (Moodle skips the row)", "Short name")
                continue
            scale = fw_scale
            if data["scalevalues"]:
                own = self.scale(
                    row, str(data["scalevalues"]), data["scaleconfiguration"], f"Scale of {name}"
                )
                if own is None:
                    continue
                scale = own
            valid[key] = (
                row,
                {
                    "key": key,
                    "name": name,
                    "definition": self.text(str(data["description"])),
                    "parent": data["parent"],
                    "scale": scale,
                    "related": data["related"],
                },
            )
            if row.cells[RULETYPE].strip():
                self.warn(row, "completion rules are not imported")
        children: dict[str | None, list[str]] = {}
        for key, (_, comp) in valid.items():
            children.setdefault(comp["parent"], []).append(key)
        kept: list[str] = []

        def walk(parent: str | None) -> None:
            for key in children.get(parent, []):
                kept.append(key)
                walk(key)

        walk(None)
        reached = set(kept)
        for key, (row, comp) in valid.items():
            if key in reached:
                continue
            parent = comp["parent"]
            if parent in valid:
                why = f"its parent {parent!r} cannot be placed (a cycle, or a bad row above it)"
            elif parent in lines:
                why = f"its parent {parent!r} (line {lines[parent]}) has errors"
            else:
                why = f"no row has the parent ID number {parent!r} (Moodle drops this row silently)"
            self.error(row, why, "Parent ID number")
        out = []
        for key in kept:
            row, comp = valid[key]
            related = []
            for r in comp["related"]:
                if r in reached and r != key:
                    related.append(r)
                elif r in lines and r != key:
                    self.warn(
                        row,
                        f"the cross-referenced competency {r!r} is left out (its row, line "
                        f"{lines[r]}, or a row above it has errors)",
                    )
                else:
                    self.warn(
                        row, f"the cross-referenced ID number {r!r} is not in the file: left out"
                    )
            out.append({**comp, "related": related})
        return out

    def _model(
        self, fw: FrameworkRow, fw_data: dict[str, Any], comps: list[dict[str, Any]]
    ) -> CompetencyModel:
        # the exporter writes the default language's span first: the first span seen
        default = self.language or (self.languages[0] if self.languages else "en")
        langs = [default, *[lang for lang in self.languages if lang != default]]
        taxonomies = fw.cells[TAXONOMY].strip()
        data: dict[str, Any] = {
            "key": fw.idnumber,
            "name": fw_data["name"],
            "description": fw_data["description"],
            "default_language": default,
            "languages": langs if len(langs) > 1 else [],
            "metadata": {
                "source": f"Moodle competency framework CSV ({Path(self.file.path).name})",
                "extra": {"moodle_taxonomies": taxonomies} if taxonomies else {},
            },
            "scales": list(self.scales.values()),
            "competencies": [{k: v for k, v in c.items() if v not in (None, [])} for c in comps],
        }
        try:
            model = CompetencyModel.model_validate(data)
        except ValidationError as exc:
            raise CsvReadError(
                [
                    Problem(
                        path=".".join(map(str, e["loc"])),
                        message=e["msg"],
                        file=str(self.file.path),
                    )
                    for e in exc.errors(include_url=False, include_input=False)
                ],
                f"{self.file.path} does not make a valid model",
            ) from None
        except ModelValidationError as exc:
            raise CsvReadError(
                [p.located(str(self.file.path)) for p in exc.problems],
                f"{self.file.path} does not make a valid model",
            ) from None
        return model


def import_framework(
    path: str | os.PathLike[str],
    dialect: CsvDialect | None = None,
    *,
    language: str | None = None,
    skip_bad_rows: bool = False,
) -> FrameworkImport:
    """Read a Moodle competency framework file as a model (:class:`CsvReadError` if bad).

    ``language`` is the language of texts that are not multi-language spans (default: the
    language of the first span in the file, else ``en``).
    """
    file = read_framework_file(path, dialect or CsvDialect())
    if not file.rows and not file.problems:
        raise CsvReadError(
            [Problem(path="", message="the file has no rows", file=str(path))],
            f"{path} is not a Moodle competency framework file",
        )
    return _Importer(file, language).run(skip_bad_rows)


def check_framework(
    path: str | os.PathLike[str], dialect: CsvDialect | None = None
) -> tuple[int, list[Problem]]:
    """The number of rows of a framework file, and every problem an import would find.

    Errors (what stops :func:`import_framework`, or what ``skip_bad_rows`` leaves out) and
    warnings (what an import reports but does) are told apart by their ``severity``.
    Nothing is imported. A file that cannot be read at all raises :class:`CsvReadError`.
    """
    file = read_framework_file(path, dialect or CsvDialect())
    if not file.rows and not file.problems:
        return 0, [Problem(path="", message="the file has no rows", file=str(path))]
    problems = _Importer(file, None).check()
    return len(file.rows), sorted(problems, key=lambda p: p.line or 0)


__all__ = ["FrameworkImport", "check_framework", "import_framework"]
