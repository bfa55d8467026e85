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
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.references import format_path, reference_problems

Format = Literal["yaml", "json"]
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


def _walk_yaml(
    node: yaml.Node,
    parts: tuple[str | int, ...],
    lines: LineMap,
    problems: list[Problem],
    file: str | None,
) -> None:
    lines.setdefault(format_path(parts), node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        path=format_path((*parts, key)),
                        message=f"duplicate key {key!r} (first at line {seen[key]}); "
                        "remove one: YAML would silently keep only the last",
                        file=file,
                        line=line,
                    )
                )
                continue
            seen[key] = line
            child = (*parts, key)
            lines[format_path(child)] = line
            _walk_yaml(value_node, child, lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_yaml(item, (*parts, i), lines, problems, file)


def parse_text(text: str, fmt: Format, file: str | None = None) -> _Document:
    """Parse YAML (safe loading only) or JSON into plain data with a path -> line map."""
    if fmt == "json":
        try:
            return _Document(json.loads(text), {}, [], file)
        except json.JSONDecodeError as exc:
            return _Document(
                None,
                {},
                [Problem(path="", message=f"invalid JSON: {exc.msg}", file=file, line=exc.lineno)],
                file,
            )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return _Document(
                None, {}, [Problem(path="", message="the file is empty", file=file)], file
            )
        lines: LineMap = {}
        problems: list[Problem] = []
        _walk_yaml(node, (), lines, problems, file)
        data = loader.construct_document(node)
        return _Document(data, lines, problems, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return _Document(
            None,
            {},
            [
                Problem(
                    path="",
                    message=f"invalid YAML: {exc.problem or exc.context}",
                    file=file,
                    line=(mark.line + 1) if mark else None,
                )
            ],
            file,
        )
    except yaml.YAMLError as exc:
        return _Document(
            None, {}, [Problem(path="", message=f"invalid YAML: {exc}", file=file)], file
        )
    finally:
        loader.dispose()


def _clean_loc(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """Drop pydantic's union/validator tags from an error location, keeping real data keys."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, Mapping):
            key: Any = part
            if key not in node and isinstance(part, str) and part.lstrip("-").isdigit():
                key = int(part)
            if key in node:
                out.append(part)
                node = node[key]
                continue
            if (
                isinstance(part, str)
                and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part)
                and i == len(loc) - 1
            ):
                out.append(part)  # a missing field: name it
            elif (
                isinstance(part, str)
                and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part)
                and part
                not in {
                    "str",
                    "int",
                    "float",
                    "bool",
                    "dict",
                    "list",
                }
            ):
                out.append(part)
                node = None
            continue
        if isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
            continue
        # a tag such as 'function-after[...]' or 'str': not a data key
    return tuple(out)


def _message(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if err.get("type") == "missing":
        return "required field is missing"
    if err.get("type") == "extra_forbidden":
        return "unknown field (check the spelling; see `competency schema` for the fields)"
    inp = err.get("input")
    if (
        isinstance(inp, str | int | float)
        and not isinstance(inp, bool)
        and err.get("type") != "value_error"
    ):
        msg += f" (got {inp!r})"
    return msg


def pydantic_problems(exc: ValidationError, data: Any, file: str | None = None) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = format_path(_clean_loc(err["loc"], data))
        msg = _message(err)
        if (path, msg) in seen:
            continue
        seen.add((path, msg))
        out.append(Problem(path=path, message=msg, file=file))
    return out


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


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 file (a BOM is accepted) with a clear error if it cannot be read."""
    p = Path(path)
    try:
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


def check_model_file(path: str | os.PathLike[str]) -> tuple[CompetencyModel | None, list[Problem]]:
    """Validate a model file: the model (None when it has errors) and all problems, located."""
    doc = parse_text(read_text(path), detect_format(path), str(path))
    return _check_model(doc)


def loads_model(text: str, fmt: Format = "yaml", *, file: str | None = None) -> CompetencyModel:
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
    model, problems = _check_model(parse_text(text, fmt, file))
    if model is None:
        raise ModelValidationError(problems)
    return model


def load_model(path: str | os.PathLike[str]) -> CompetencyModel:
    """Load a model from a YAML or JSON file; :class:`ModelValidationError` lists every problem.

    See :func:`loads_model` for text already in memory.
    """
    model, problems = check_model_file(path)
    if model is None:
        raise ModelValidationError(problems, f"{path}: the model is invalid")
    return model


_INT_KEYED = {"indicators", "levels", "level_descriptions"}


def _int_keys(value: Any, parent: str | None = None) -> Any:
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key: Any = k
            if parent in _INT_KEYED and isinstance(k, str) and k.lstrip("-").isdigit():
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
    """The JSON Schema of the model file format."""
    schema = CompetencyModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "competency-core model"
    return schema


def workforce_json_schema() -> dict[str, Any]:
    """The JSON Schema of the workforce (people and assessments) file format."""
    schema = Workforce.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "competency-core workforce"
    return schema


def workforce_problems(workforce: Workforce | Any, model: CompetencyModel) -> list[Problem]:
    """Problems in a workforce's references to a model (people, roles, competencies, levels)."""
    data = workforce.model_dump(mode="python") if isinstance(workforce, Workforce) else workforce
    if not isinstance(data, Mapping):
        return []
    out: list[Problem] = []

    def err(parts: tuple[str | int, ...], msg: str) -> None:
        out.append(Problem(path=format_path(parts), message=msg))

    people: dict[str, int] = {}
    for i, p in enumerate(data.get("people") or []):
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
            err(("people", i, "role"), f"unknown role {role!r} in model {model.key!r}")
    for i, p in enumerate(data.get("people") or []):
        if (
            isinstance(p, Mapping)
            and isinstance(p.get("manager"), str)
            and p["manager"] not in people
        ):
            err(("people", i, "manager"), f"unknown manager {p['manager']!r}")
    for i, a in enumerate(data.get("assessments") or []):
        if not isinstance(a, Mapping):
            continue
        pk, ck = a.get("person"), a.get("competency")
        if isinstance(pk, str) and pk not in people:
            err(("assessments", i, "person"), f"unknown person {pk!r}")
        if isinstance(ck, str):
            if not model.has_competency(ck):
                err(
                    ("assessments", i, "competency"),
                    f"unknown competency {ck!r} in model {model.key!r}",
                )
                continue
            sk = a.get("scale") or model.competency(ck).scale
            try:
                scale = model.scale(sk)
            except CompetencyError:
                err(("assessments", i, "scale"), f"unknown scale {sk!r}")
                continue
            lvl = a.get("level")
            if isinstance(lvl, int) and not scale.has_level(lvl):
                err(
                    ("assessments", i, "level"),
                    f"{lvl} is not a level of scale {sk!r} (levels: {list(scale.values)})",
                )
            own = model.competency(ck).scale
            if sk != own and model.scale_mapping(sk, own) is None:
                err(
                    ("assessments", i, "scale"),
                    f"the assessment is on scale {sk!r} but {ck!r} is measured on {own!r} and the "
                    f"model has no scale mapping from {sk!r} to {own!r}: add one under scale_mappings",
                )
        version = a.get("model_version")
        if isinstance(version, str) and version != model.version:
            out.append(
                Problem(
                    path=format_path(("assessments", i, "model_version")),
                    message=f"made against version {version}, the model is {model.version}: "
                    "migrate the assessments if the model changed in between",
                    severity="warning",
                )
            )
    for i, a in enumerate(data.get("assignments") or []):
        if not isinstance(a, Mapping):
            continue
        if isinstance(a.get("person"), str) and a["person"] not in people:
            err(("assignments", i, "person"), f"unknown person {a['person']!r}")
        rk = a.get("resource")
        if isinstance(rk, str) and rk not in {r.key for r in model.learning_resources}:
            err(("assignments", i, "resource"), f"unknown learning resource {rk!r}")
    return out


def check_workforce_file(
    path: str | os.PathLike[str], model: CompetencyModel | None = None
) -> tuple[Workforce | None, list[Problem]]:
    """Validate a workforce file (and, given a model, its references to it)."""
    doc = parse_text(read_text(path), detect_format(path), str(path))
    problems = list(doc.problems)
    if doc.data is None:
        return None, problems
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


def load_workforce(path: str | os.PathLike[str], model: CompetencyModel | None = None) -> Workforce:
    """Load people, assessments and assignments; checked against ``model`` when given."""
    wf, problems = check_workforce_file(path, model)
    if wf is None:
        raise ModelValidationError(problems, f"{path}: the workforce file is invalid")
    return wf


def save_workforce(
    workforce: Workforce, path: str | os.PathLike[str], fmt: Format | None = None
) -> None:
    """Write a workforce file (YAML or JSON by extension)."""
    write_atomic(path, dumps(workforce, fmt or detect_format(path)))


def sniff_kind(path: str | os.PathLike[str]) -> Literal["model", "workforce", "unknown"]:
    """Whether a file holds a model or a workforce, from its top-level keys."""
    doc = parse_text(read_text(path), detect_format(path), str(path))
    if isinstance(doc.data, Mapping):
        if "scales" in doc.data or "competencies" in doc.data:
            return "model"
        if "people" in doc.data or "assessments" in doc.data:
            return "workforce"
    return "unknown"


__all__ = [
    "check_model_data",
    "check_model_file",
    "check_workforce_file",
    "dumps",
    "load_model",
    "load_workforce",
    "loads_model",
    "model_json_schema",
    "parse_text",
    "replaced_atomically",
    "save_model",
    "save_workforce",
    "sniff_kind",
    "to_data",
    "workforce_json_schema",
    "workforce_problems",
    "write_atomic",
]
