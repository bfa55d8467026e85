"""Loading and saving models and workforce files (YAML and JSON) with located errors.

Loading never stops at the first mistake: field errors (from pydantic) and reference
errors (unknown keys, cycles, levels off the scale) are all reported together, each with
the file, the path inside it and, for YAML, the line.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from competency_core.errors import CompetencyError, ModelValidationError, Problem
from competency_core.formats import document_schema, strip_header
from competency_core.keys import did_you_mean
from competency_core.messages import pydantic_problems, register_model
from competency_core.model import CompetencyModel
from competency_core.parsing import LoadLimits, parse_json, parse_yaml, resolve_limits, size_problem
from competency_core.people import Workforce
from competency_core.references import format_path, reference_problems

Format = Literal["yaml", "json"]
register_model(CompetencyModel)
register_model(Workforce)
M = TypeVar("M", bound=BaseModel)

LineMap = dict[str, int]


class _Document:
    """Parsed file content with its line map and any syntax-level problems."""

    def __init__(self, data: Any, lines: LineMap, problems: list[Problem], file: str | None):
        self.data = data
        self.lines = lines
        self.problems = problems
        self.file = file

    def line_of(self, path: str) -> int | None:
        """Line of ``path``, or of its nearest ancestor found in the file."""
        p = path
        while True:
            if p in self.lines:
                return self.lines[p]
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", p)
            if shorter == p or not shorter:
                return self.lines.get("", None)
            p = shorter


def detect_format(path: str | os.PathLike[str]) -> Format:
    """``json`` for ``*.json`` files, ``yaml`` for everything else."""
    return "json" if str(path).lower().endswith(".json") else "yaml"


def parse_text(
    text: str, fmt: Format, file: str | None = None, limits: LoadLimits | None = None
) -> _Document:
    """Parse YAML (safe loading only) or JSON into plain data with a path -> line map.

    Nothing in ``text`` makes this raise: a file that cannot be read, or that breaks one
    of ``limits`` (by default :meth:`LoadLimits.from_env`), gives a document without data
    and with the located problem.
    """
    if fmt == "json":
        data, problems = parse_json(text, file, limits)
        return _Document(data, {}, problems, file)
    data, lines, problems = parse_yaml(text, file, limits)
    return _Document(data, lines, problems, file)


def _locate(problems: Sequence[Problem], doc: _Document) -> list[Problem]:
    return [p.located(doc.file, doc.line_of(p.path)) for p in problems]


def check_model_data(
    data: Any, *, file: str | None = None, lines: LineMap | None = None
) -> tuple[CompetencyModel | None, list[Problem]]:
    """Validate plain data as a model: the model (or None) and every problem found."""
    doc = _Document(data, lines or {}, [], file)
    return _check_model(doc)


def _check_model(doc: _Document) -> tuple[CompetencyModel | None, list[Problem]]:
    problems = list(doc.problems)
    if doc.data is None:
        return None, problems
    if not isinstance(doc.data, Mapping):
        problems.append(
            Problem(
                path="",
                message="a model file must contain a mapping (key: value pairs) at the top",
                file=doc.file,
                line=1,
            )
        )
        return None, problems
    if header := strip_header(doc):  # "$schema" and "format" (competency_core.formats)
        return None, _locate(problems + header, doc)
    model: CompetencyModel | None = None
    try:
        model = CompetencyModel.model_validate(doc.data)
    except ValidationError as exc:
        problems += pydantic_problems(exc, doc.data, doc.file)
        problems += reference_problems(doc.data)
    except ModelValidationError as exc:
        problems += exc.problems
    if model is not None:
        problems += model.translation_problems()
    if any(p.severity == "error" for p in problems):
        model = None
    return model, _locate(problems, doc)


def read_text(path: str | os.PathLike[str], limits: LoadLimits | None = None) -> str:
    """Read a UTF-8 file (a BOM is accepted) with a clear error if it cannot be read.

    A file larger than ``limits.max_bytes`` (by default :meth:`LoadLimits.from_env`) is
    refused before it is read.
    """
    p = Path(path)
    try:
        too_big = size_problem(p.stat().st_size, resolve_limits(limits), str(path))
        if too_big is not None:
            raise ModelValidationError([too_big], f"cannot read {path}")
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ModelValidationError(
            [Problem(path="", message="no such file", file=str(path))], f"cannot read {path}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ModelValidationError(
            [
                Problem(
                    path="",
                    message=f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    file=str(path),
                )
            ],
            f"cannot read {path}",
        ) from None
    except OSError as exc:
        raise ModelValidationError(
            [Problem(path="", message=f"cannot read: {exc.strerror}", file=str(path))],
            f"cannot read {path}",
        ) from None


def check_model_file(
    path: str | os.PathLike[str], limits: LoadLimits | None = None
) -> tuple[CompetencyModel | None, list[Problem]]:
    """Validate a model file: the model (None when it has errors) and all problems, located."""
    lim = resolve_limits(limits)
    doc = parse_text(read_text(path, lim), detect_format(path), str(path), lim)
    return _check_model(doc)


def loads_model(
    text: str, fmt: Format = "yaml", *, file: str | None = None, limits: LoadLimits | None = None
) -> CompetencyModel:
    """Parse and validate a model from text; :class:`ModelValidationError` lists every problem.

    >>> m = loads_model('''
    ... key: tiny
    ... name: Tiny
    ... scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
    ... competencies: [{key: c, name: C, scale: s}]
    ... ''')
    >>> m.competency("c").scale
    's'
    """
    model, problems = _check_model(parse_text(text, fmt, file, limits))
    if model is None:
        raise ModelValidationError(problems)
    return model


def load_model(path: str | os.PathLike[str], limits: LoadLimits | None = None) -> CompetencyModel:
    """Load a model from a YAML or JSON file; :class:`ModelValidationError` lists every problem.

    ``limits`` bounds what the file may hold (see :class:`LoadLimits`). See
    :func:`loads_model` for text already in memory.
    """
    model, problems = check_model_file(path, limits)
    if model is None:
        raise ModelValidationError(problems, f"{path}: the model is invalid")
    return model


_INT_KEYED = {"indicators", "levels", "level_descriptions"}


def _int_keys(value: Any, parent: str | None = None) -> Any:
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key: Any = k
            if parent in _INT_KEYED and isinstance(k, str) and re.fullmatch(r"-?[0-9]+", k):
                key = int(k)
            out[key] = _int_keys(v, k if isinstance(k, str) else None)
        return out
    if isinstance(value, list):
        return [_int_keys(v, parent) for v in value]
    return value


def to_data(obj: BaseModel) -> Any:
    """The plain data of a model object as written to files (defaults left out)."""
    return _int_keys(obj.model_dump(mode="json", exclude_defaults=True, by_alias=True))


def dumps(obj: BaseModel, fmt: Format = "yaml") -> str:
    """Serialise a model (or workforce) to YAML or JSON text; loading it gives it back exactly."""
    data = to_data(obj)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


@contextmanager
def replaced_atomically(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file next to ``path`` to write; it replaces ``path`` when the block ends.

    If the block raises, the temporary file is removed and ``path`` is left as it was, so
    a reader never sees a half-written file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike[str], content: str | bytes, *, sync: bool = True) -> None:
    """Write a file so that it is either fully written or left as it was.

    ``sync`` waits until the content is on disk before the file replaces ``path``; many
    small files that can be rewritten (a handbook's pages) may skip it.
    """
    with replaced_atomically(path) as tmp, tmp.open("wb") as fh:
        fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())


def save_model(
    model: CompetencyModel, path: str | os.PathLike[str], fmt: Format | None = None
) -> None:
    """Write a model to YAML or JSON (by the file's extension unless ``fmt`` is given)."""
    write_atomic(path, dumps(model, fmt or detect_format(path)))


def model_json_schema() -> dict[str, Any]:
    """The JSON Schema of the model file format (``competency schema model``)."""
    return document_schema("model", CompetencyModel)


def workforce_json_schema() -> dict[str, Any]:
    """The JSON Schema of the workforce (people and assessments) file format."""
    return document_schema("workforce", Workforce)


def _level_problems(
    model: CompetencyModel, section: str, i: int, entry: Mapping[str, Any], ck: str
) -> list[Problem]:
    """An assessment's or piece of evidence's competency, scale and level against the model."""
    noun = "assessment" if section == "assessments" else "evidence"

    def err(field: str, msg: str) -> list[Problem]:
        return [Problem(path=format_path((section, i, field)), message=msg)]

    if not model.has_competency(ck):
        return err(
            "competency",
            f"unknown competency {ck!r} in model {model.key!r}"
            + did_you_mean(ck, [c.key for c in model.competencies]),
        )
    lvl = entry.get("level")
    if section == "evidence" and lvl is None:
        return []  # a piece that attests no level (a course, an xAPI statement)
    sk = entry.get("scale") or model.competency(ck).scale
    if not isinstance(sk, str):
        return []  # the field check says what is wrong with it
    try:
        scale = model.scale(sk)
    except CompetencyError:
        return err(
            "scale", f"unknown scale {sk!r}{did_you_mean(sk, [s.key for s in model.scales])}"
        )
    out: list[Problem] = []
    if isinstance(lvl, int) and not isinstance(lvl, bool) and not scale.has_level(lvl):
        out += err("level", f"{lvl} is not a level of scale {sk!r} (levels: {list(scale.values)})")
    own = model.competency(ck).scale
    if sk != own and model.scale_mapping(sk, own) is None:
        out += err(
            "scale",
            f"the {noun} is on scale {sk!r} but {ck!r} is measured on {own!r} and the model "
            f"has no scale mapping from {sk!r} to {own!r}: add one under scale_mappings",
        )
    return out


def workforce_problems(workforce: Workforce | Any, model: CompetencyModel) -> list[Problem]:
    """Problems in a workforce's references to a model (people, roles, competencies, levels).

    Assessments and evidence (``evidence[i]``) are checked alike: the person, the
    competency (and an evidence's learning resource), the scale and the level on it.
    """
    data = workforce.model_dump(mode="python") if isinstance(workforce, Workforce) else workforce
    if not isinstance(data, Mapping):
        return []
    out: list[Problem] = []

    def err(parts: tuple[str | int, ...], msg: str) -> None:
        out.append(Problem(path=format_path(parts), message=msg))

    def items(name: str) -> list[Any]:
        value = data.get(name)
        return list(value) if isinstance(value, list | tuple) else []

    people: dict[str, int] = {}
    for i, p in enumerate(items("people")):
        if not isinstance(p, Mapping):
            continue
        k = p.get("key")
        if isinstance(k, str):
            if k in people:
                err(
                    ("people", i, "key"),
                    f"duplicate person key {k!r} (first at people[{people[k]}])",
                )
            people.setdefault(k, i)
        role = p.get("role")
        if isinstance(role, str) and not model.has_role(role):
            err(
                ("people", i, "role"),
                f"unknown role {role!r} in model {model.key!r}"
                + did_you_mean(role, [r.key for r in model.roles]),
            )
    for i, p in enumerate(items("people")):
        if (
            isinstance(p, Mapping)
            and isinstance(p.get("manager"), str)
            and p["manager"] not in people
        ):
            err(
                ("people", i, "manager"),
                f"unknown manager {p['manager']!r}{did_you_mean(p['manager'], people)}",
            )
    resources = [r.key for r in model.learning_resources]
    for section in ("assessments", "evidence"):
        for i, a in enumerate(items(section)):
            if not isinstance(a, Mapping):
                continue
            pk, ck, rk = a.get("person"), a.get("competency"), a.get("resource")
            if isinstance(pk, str) and pk not in people:
                err((section, i, "person"), f"unknown person {pk!r}{did_you_mean(pk, people)}")
            if isinstance(rk, str) and section == "evidence" and rk not in resources:
                err(
                    (section, i, "resource"),
                    f"unknown learning resource {rk!r} in model {model.key!r}"
                    + did_you_mean(rk, resources),
                )
            if isinstance(ck, str):
                out.extend(_level_problems(model, section, i, a, ck))
            version = a.get("model_version")
            if isinstance(version, str) and version != model.version:
                what = "assessments" if section == "assessments" else "evidence"
                out.append(
                    Problem(
                        path=format_path((section, i, "model_version")),
                        message=f"made against version {version}, the model is "
                        f"{model.version}: migrate the {what} if the model changed in between",
                        severity="warning",
                    )
                )
    for i, a in enumerate(items("assignments")):
        if not isinstance(a, Mapping):
            continue
        if isinstance(a.get("person"), str) and a["person"] not in people:
            err(
                ("assignments", i, "person"),
                f"unknown person {a['person']!r}{did_you_mean(a['person'], people)}",
            )
        rk = a.get("resource")
        if isinstance(rk, str) and rk not in {r.key for r in model.learning_resources}:
            err(
                ("assignments", i, "resource"),
                f"unknown learning resource {rk!r}"
                + did_you_mean(rk, [r.key for r in model.learning_resources]),
            )
    return out


def check_workforce_file(
    path: str | os.PathLike[str],
    model: CompetencyModel | None = None,
    limits: LoadLimits | None = None,
) -> tuple[Workforce | None, list[Problem]]:
    """Validate a workforce file (and, given a model, its references to it)."""
    lim = resolve_limits(limits)
    doc = parse_text(read_text(path, lim), detect_format(path), str(path), lim)
    problems = list(doc.problems)
    if doc.data is None:
        return None, problems
    if header := strip_header(doc):  # "$schema" and "format" (competency_core.formats)
        return None, _locate(problems + header, doc)
    wf: Workforce | None = None
    try:
        wf = Workforce.model_validate(doc.data)
    except ValidationError as exc:
        problems += pydantic_problems(exc, doc.data, doc.file)
    if model is not None:
        problems += workforce_problems(doc.data, model)
    if any(p.severity == "error" for p in problems):
        wf = None
    return wf, _locate(problems, doc)


def load_workforce(
    path: str | os.PathLike[str],
    model: CompetencyModel | None = None,
    limits: LoadLimits | None = None,
) -> Workforce:
    """Load people, assessments and assignments; checked against ``model`` when given."""
    wf, problems = check_workforce_file(path, model, limits)
    if wf is None:
        raise ModelValidationError(problems, f"{path}: the workforce file is invalid")
    return wf


def save_workforce(
    workforce: Workforce, path: str | os.PathLike[str], fmt: Format | None = None
) -> None:
    """Write a workforce file (YAML or JSON by extension)."""
    write_atomic(path, dumps(workforce, fmt or detect_format(path)))


_TOP_LEVEL_KEY = re.compile(r"^(scales|competencies|people|assessments)[ \t]*:", re.MULTILINE)


def sniff_kind(
    path: str | os.PathLike[str], limits: LoadLimits | None = None
) -> Literal["model", "workforce", "unknown"]:
    """Whether a file holds a model or a workforce, from its top-level keys.

    A YAML file written in block style says so in its unindented ``key:`` lines, read
    without parsing the file (which the check that follows does anyway); anything else is
    parsed.
    """
    lim = resolve_limits(limits)
    text = read_text(path, lim)
    fmt = detect_format(path)
    if fmt == "yaml":
        keys = set(_TOP_LEVEL_KEY.findall(text))
        if keys & {"scales", "competencies"}:
            return "model"
        if keys & {"people", "assessments"}:
            return "workforce"
    doc = parse_text(text, fmt, str(path), lim)
    if isinstance(doc.data, Mapping):
        if "scales" in doc.data or "competencies" in doc.data:
            return "model"
        if "people" in doc.data or "assessments" in doc.data:
            return "workforce"
    return "unknown"


__all__ = [
    "LoadLimits",
    "check_model_data",
    "check_model_file",
    "check_workforce_file",
    "dumps",
    "load_model",
    "load_workforce",
    "loads_model",
    "model_json_schema",
    "parse_text",
    "pydantic_problems",
    "replaced_atomically",
    "save_model",
    "save_workforce",
    "sniff_kind",
    "to_data",
    "workforce_json_schema",
    "workforce_problems",
    "write_atomic",
]
