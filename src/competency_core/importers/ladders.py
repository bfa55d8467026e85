"""What the career-ladder importers share: reading sources, located problems, building models.

Each importer (:mod:`~competency_core.importers.ft`, :mod:`~competency_core.importers.unidays`,
:mod:`~competency_core.importers.snowflake`) reads the framework's own files into a
:class:`ImportLog` of located problems, builds the model's plain data, and hands it to
:func:`finish`, which validates it as a :class:`~competency_core.CompetencyModel`.

Problems are located in the *source* file (``file``, ``path`` inside it and, for YAML, the
line), so that a mistake in a framework's data can be found where it was made.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from competency_core.errors import ModelValidationError, Problem, Severity
from competency_core.io import check_model_data, detect_format, parse_text, read_text
from competency_core.keys import KEY_MAX_LENGTH, KEY_PATTERN
from competency_core.model import CompetencyModel
from competency_core.references import format_path

PathParts = tuple[str | int, ...]
"""A location inside a source file, as ``("competencies", 3, "level")``."""

TRACKS: dict[str, dict[str, str]] = {
    "ic": {"key": "ic", "name": "Individual Contributor", "kind": "individual-contributor"},
    "management": {"key": "management", "name": "People Manager", "kind": "management"},
}
"""The two career tracks that the ladders distinguish, as plain model data."""


class Source:
    """One parsed source file (YAML or JSON) that can locate a path inside it."""

    def __init__(self, path: Path, data: Any, lines: Mapping[str, int]) -> None:
        self.path = path
        self.file = str(path)
        self.data = data
        self._lines = lines

    def line(self, parts: PathParts) -> int | None:
        """The line of ``parts`` (or of its nearest ancestor) in a YAML file; None for JSON."""
        for n in range(len(parts), -1, -1):
            found = self._lines.get(format_path(parts[:n]))
            if found is not None:
                return found
        return None


class ImportLog:
    """The problems found while importing, and the source data no model field could take."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.unmapped: list[dict[str, Any]] = []

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error (warnings do not stop an import)."""
        return any(p.severity == "error" for p in self.problems)

    def add(
        self, src: Source | None, parts: PathParts, message: str, severity: Severity = "error"
    ) -> None:
        """Record a problem at ``parts`` inside ``src``."""
        self.problems.append(
            Problem(
                path=format_path(parts),
                message=message,
                severity=severity,
                file=src.file if src else None,
                line=src.line(parts) if src else None,
                code="import",
            )
        )

    def read(self, path: str | os.PathLike[str]) -> Source | None:
        """Read and parse a YAML or JSON file; None (with the problems logged) if it cannot be."""
        p = Path(path)
        try:
            text = read_text(p)
        except ModelValidationError as exc:
            self.problems.extend(exc.problems)
            return None
        doc = parse_text(text, detect_format(p), str(p))
        if doc.problems:
            self.problems.extend(doc.problems)
            if doc.data is None:
                return None
        return Source(p, doc.data, doc.lines)

    # -- typed access to plain data, logging what does not fit -------------------------
    def mapping(self, src: Source, value: Any, parts: PathParts) -> Mapping[str, Any] | None:
        """``value`` if it is a mapping; else None and an error."""
        if isinstance(value, Mapping):
            return value
        self.add(src, parts, f"expected a mapping (key: value pairs), got {_kind(value)}")
        return None

    def string(
        self,
        src: Source,
        node: Mapping[str, Any],
        field: str,
        parts: PathParts,
        *,
        required: bool = True,
    ) -> str | None:
        """The string in ``node[field]``; an error when it is missing (if required) or not text."""
        value = node.get(field)
        if value is None:
            if required:
                self.add(src, (*parts, field), "required field is missing")
            return None
        if not isinstance(value, str):
            self.add(src, (*parts, field), f"expected text, got {_kind(value)}")
            return None
        return value

    def key(self, src: Source, node: Mapping[str, Any], field: str, parts: PathParts) -> str | None:
        """A required identifier in ``node[field]`` that must be usable as a model key."""
        value = self.string(src, node, field, parts)
        if value is not None and (problem := key_problem(value)) is not None:
            self.add(src, (*parts, field), problem)
            return None
        return value

    def strings(
        self, src: Source, node: Mapping[str, Any], field: str, parts: PathParts
    ) -> list[tuple[int, str]]:
        """The strings of the optional list ``node[field]``, with their positions."""
        value = node.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(src, (*parts, field), f"expected a list of texts, got {_kind(value)}")
            return []
        out: list[tuple[int, str]] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append((i, item))
            else:
                self.add(src, (*parts, field, i), f"expected text, got {_kind(item)}")
        return out

    def items(
        self,
        src: Source,
        node: Mapping[str, Any],
        field: str,
        parts: PathParts,
        *,
        required: bool = False,
    ) -> list[tuple[PathParts, Mapping[str, Any]]]:
        """The mappings of the list ``node[field]``, each with its path."""
        value = node.get(field)
        if value is None:
            if required:
                self.add(src, (*parts, field), "required field is missing")
            return []
        if not isinstance(value, list):
            self.add(src, (*parts, field), f"expected a list, got {_kind(value)}")
            return []
        out: list[tuple[PathParts, Mapping[str, Any]]] = []
        for i, item in enumerate(value):
            where = (*parts, field, i)
            found = self.mapping(src, item, where)
            if found is not None:
                out.append((where, found))
        return out

    def keep_unknown(
        self, src: Source, node: Mapping[str, Any], parts: PathParts, known: set[str]
    ) -> None:
        """Keep fields the format does not define (in ``unmapped``), with a warning for each."""
        for field in node:
            if field not in known:
                where = (*parts, field)
                self.add(
                    src,
                    where,
                    f"field {field!r} is not part of the format; its value is kept in "
                    "metadata.extra['unmapped'] but not used",
                    "warning",
                )
                self.unmapped.append(
                    {"file": src.path.name, "path": format_path(where), "value": node[field]}
                )


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be a model key, or None when it can."""
    if len(value) > KEY_MAX_LENGTH:
        return f"{value!r} is too long for a key ({len(value)} > {KEY_MAX_LENGTH} characters)"
    if not KEY_PATTERN.fullmatch(value):
        return (
            f"{value!r} cannot be used as a key: use letters, digits and . _ - : / "
            "(starting with a letter or digit)"
        )
    return None


def clean(value: str | None) -> str | None:
    r"""A source text without surrounding whitespace (YAML block scalars end in a newline).

    Empty texts become None.

    >>> clean("Plans own work.\n")
    'Plans own work.'
    >>> clean("  ") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    return value or None


def slug(value: str) -> str:
    """A key made from a label: lower case, runs of other characters turned into ``-``.

    >>> slug("Engineer II")
    'engineer-ii'
    """
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def promotions(roles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Promotion transitions between roles at consecutive levels whose tracks are compatible.

    A role without a track leads to (and is reached from) every track; ``ic`` and
    ``management`` roles lead only to roles of their own track or of no track.
    """
    levels = sorted({r["level"] for r in roles})
    following = dict(itertools.pairwise(levels))
    out: list[dict[str, Any]] = []
    for src in roles:
        nxt = following.get(src["level"])
        for dst in roles:
            if dst["level"] != nxt:
                continue
            a, b = src.get("track"), dst.get("track")
            if a is None or b is None or a == b:
                out.append({"source": src["key"], "target": dst["key"], "kind": "promotion"})
    return out


def finish(data: dict[str, Any], log: ImportLog) -> CompetencyModel | None:
    """Validate the imported model's data; None when the sources or the model had errors."""
    if log.unmapped:
        data["metadata"]["extra"]["unmapped"] = log.unmapped
    if log.has_errors:
        return None
    model, problems = check_model_data(data)
    for p in problems:
        log.problems.append(p.model_copy(update={"message": f"in the imported model: {p.message}"}))
    return model if not log.has_errors else None


def result_or_raise(
    found: tuple[CompetencyModel | None, list[Problem]], what: str | os.PathLike[str]
) -> CompetencyModel:
    """The model of a ``check_*`` result, or :class:`ModelValidationError` with its problems."""
    model, problems = found
    if model is None:
        raise ModelValidationError(problems, f"{what}: cannot import")
    return model


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"


__all__ = [
    "TRACKS",
    "ImportLog",
    "PathParts",
    "Source",
    "clean",
    "finish",
    "key_problem",
    "promotions",
    "result_or_raise",
    "slug",
]
