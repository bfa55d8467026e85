"""Bounded YAML and JSON parsing: every input either parses or gives located problems.

Files come from people and from other systems, so the reader must never crash, hang or
run out of memory, whatever the bytes. Everything that could is bounded by
:class:`LoadLimits` (file size, nesting depth, alias uses, values after alias expansion,
string length), and whatever the YAML or JSON reader refuses (control characters,
impossible dates, integers too long to convert, unhashable keys) becomes a
:class:`~competency_core.errors.Problem` with the file and the line.

YAML is read with libyaml's event parser (``yaml.CSafeLoader``) when PyYAML was built
with it, else with PyYAML's pure-Python parser; the document tree is composed here,
without recursion, so that the limits hold before anything deep is built.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from yaml.constructor import SafeConstructor

from competency_core.errors import ModelValidationError, Problem
from competency_core.references import _LEVEL_KEYED, PathPart

LineMap = dict[str, int]
PathParts = tuple[str | int, ...]

INT_MAX_DIGITS: Final = 4300
"""Python refuses to convert longer digit strings to integers (``sys.get_int_max_str_digits``)."""

ENVIRONMENT: Final = {
    "max_bytes": "COMPETENCY_MAX_FILE_BYTES",
    "max_depth": "COMPETENCY_MAX_DEPTH",
    "max_aliases": "COMPETENCY_MAX_ALIASES",
    "max_nodes": "COMPETENCY_MAX_NODES",
    "max_string_length": "COMPETENCY_MAX_STRING_LENGTH",
}
"""The environment variable that sets each limit (the CLI reads them too)."""


class LoadLimits(BaseModel):
    """How much a model, workforce or settings file may hold before it is refused.

    The defaults are far above any real competency model (the largest example has a
    nesting depth of 8) and low enough that a hostile file is refused in well under a
    second. :meth:`from_env` reads overrides from ``COMPETENCY_MAX_*`` variables.

    >>> LoadLimits(max_depth=20).max_depth
    20
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    max_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0, description="Largest file, in bytes of UTF-8."
    )
    max_depth: int = Field(
        default=64,
        gt=0,
        le=500,
        description="Deepest nesting of lists and mappings (the top-level mapping is 1).",
    )
    max_aliases: int = Field(
        default=1000, ge=0, description="Most YAML alias uses (``*name``) in one file."
    )
    max_nodes: int = Field(
        default=5_000_000,
        gt=0,
        description="Most values (scalars, lists, mappings) after YAML aliases are expanded.",
    )
    max_string_length: int = Field(
        default=1_000_000, gt=0, description="Longest single string or key, in characters."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LoadLimits:
        """The defaults, overridden by the ``COMPETENCY_MAX_*`` environment variables.

        The variables are ``COMPETENCY_MAX_FILE_BYTES``, ``COMPETENCY_MAX_DEPTH``,
        ``COMPETENCY_MAX_ALIASES``, ``COMPETENCY_MAX_NODES`` and
        ``COMPETENCY_MAX_STRING_LENGTH``.

        A malformed value is a :class:`ModelValidationError` naming the variable.

        >>> LoadLimits.from_env({"COMPETENCY_MAX_DEPTH": "10"}).max_depth
        10
        """
        env = os.environ if environ is None else environ
        given = {field: env[var].strip() for field, var in ENVIRONMENT.items() if var in env}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            problems = []
            for err in exc.errors(include_url=False):
                field = str(err["loc"][0]) if err["loc"] else ""
                var = ENVIRONMENT.get(field, field)
                problems.append(
                    Problem(
                        path=var,
                        message=f"{var}={given.get(field)!r}: "
                        + (
                            "should be a whole number"
                            if err["type"].startswith("int")
                            else str(err["msg"]).lower()
                        ),
                        file="<environment>",
                    )
                )
            raise ModelValidationError(
                problems, "a load limit in the environment is invalid"
            ) from None


def resolve_limits(limits: LoadLimits | None) -> LoadLimits:
    """``limits``, or the defaults with the environment's overrides."""
    return limits if limits is not None else LoadLimits.from_env()


class _Refused(Exception):
    """Parsing stops: the input breaks a limit or is not well-formed."""

    def __init__(self, message: str, line: int | None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


def size_problem(size: int, limits: LoadLimits, file: str | None) -> Problem | None:
    """A problem when ``size`` bytes is over the file-size limit."""
    if size <= limits.max_bytes:
        return None
    return Problem(
        path="",
        message=f"the file is {size:,} bytes, more than the limit of {limits.max_bytes:,} "
        f"(raise it with {ENVIRONMENT['max_bytes']} or LoadLimits(max_bytes=...))",
        file=file,
    )


def _utf8_size(text: str, limit: int) -> int:
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)  # certainly over, or certainly within the limit
    return len(text.encode("utf-8", "surrogatepass"))


# -- YAML -------------------------------------------------------------------------------


class _Constructor(SafeConstructor):
    """PyYAML's safe constructor, turning conversion failures into located errors."""

    def __init__(self, paths: dict[int, str]) -> None:
        super().__init__()
        self.paths = paths

    def _refuse(self, node: yaml.Node, message: str) -> _Refused:
        return _Refused(message, node.start_mark.line + 1, self.paths.get(id(node), ""))

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > INT_MAX_DIGITS:
            raise self._refuse(
                node,
                f"an integer of {digits} digits is too long to read (at most {INT_MAX_DIGITS})",
            )
        try:
            return super().construct_yaml_int(node)
        except ValueError as exc:
            raise self._refuse(node, f"{node.value!r} is not a readable integer ({exc})") from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise self._refuse(
                node,
                f"{node.value!r} is not a real date or time ({exc}); quote it to keep it as text",
            ) from None

    def construct_yaml_binary(self, node: yaml.ScalarNode) -> bytes:
        try:
            return super().construct_yaml_binary(node)
        except (ValueError, TypeError) as exc:
            raise self._refuse(node, f"not valid base64 ({exc})") from None


for _tag, _method in (
    ("tag:yaml.org,2002:int", _Constructor.construct_yaml_int),
    ("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp),
    ("tag:yaml.org,2002:binary", _Constructor.construct_yaml_binary),
):
    _Constructor.add_constructor(_tag, _method)  # type: ignore[type-var]


def _event_parser(text: str) -> Any:
    """An event parser for ``text``: libyaml's when PyYAML has it, else the pure-Python one."""
    if getattr(yaml, "__with_libyaml__", False):
        return yaml.CSafeLoader(text)
    return yaml.SafeLoader(text)


def _line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return (mark.line + 1) if mark is not None else None


class _Frame:
    """A collection being composed: its node, its path, and (mappings) the pending key."""

    __slots__ = ("key", "node", "parts", "path", "seen", "size")

    def __init__(self, node: yaml.Node, parts: PathParts, path: str) -> None:
        self.node = node
        self.parts = parts
        self.path = path  # format_path(parts), built a part at a time
        self.key: yaml.Node | None = None
        self.seen: dict[str, int] = {}
        self.size = 1


def _extend(path: str, parts: PathParts, part: PathPart) -> str:
    """``format_path((*parts, part))`` from ``path == format_path(parts)``, in one step."""
    if isinstance(part, int) and not (parts and parts[-1] in _LEVEL_KEYED):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


_CHECKED_TAGS = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
)


def _compose(
    parser: Any,
    limits: LoadLimits,
    problems: list[Problem],
    file: str | None,
    paths: dict[int, str],
) -> tuple[yaml.Node | None, LineMap]:
    """The single document's node tree and its path -> line map, within ``limits``."""
    lines: LineMap = {}
    anchors: dict[str, yaml.Node] = {}
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[_Frame] = []
    root: yaml.Node | None = None
    aliases = 0
    expanded = 0
    parser.get_event()  # StreamStart
    if parser.check_event(yaml.StreamEndEvent):
        parser.get_event()
        return None, lines
    parser.get_event()  # DocumentStart

    def child() -> tuple[PathParts, str]:
        """The parts and formatted path of the next value."""
        if not stack:
            return (), ""
        top = stack[-1]
        part: PathPart
        if isinstance(top.node, yaml.SequenceNode):
            part = len(top.node.value)
        elif top.key is None:
            part = "<key>"
        else:
            part = str(top.key.value) if isinstance(top.key, yaml.ScalarNode) else "<key>"
        return (*top.parts, part), _extend(top.path, top.parts, part)

    def attach(node: yaml.Node, size: int, line: int | None) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.node, yaml.SequenceNode):
            top.node.value.append(node)
        elif top.key is None:
            top.key = node
            if isinstance(node, yaml.ScalarNode):
                key = str(node.value)
                key_path = _extend(top.path, top.parts, key)
                if key in top.seen:
                    problems.append(
                        Problem(
                            path=key_path,
                            message=f"duplicate key {key!r} (first at line {top.seen[key]}); "
                            "remove one: YAML would silently keep only the last",
                            file=file,
                            line=line,
                        )
                    )
                else:
                    top.seen[key] = line or 0
                    if line is not None:
                        lines[key_path] = line
        else:
            top.node.value.append((top.key, node))
            top.key = None

    while not parser.check_event(yaml.DocumentEndEvent):
        event: Any = parser.get_event()
        line = _line(event)
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.max_aliases:
                raise _Refused(
                    f"more than {limits.max_aliases} alias uses (*name); raise the limit with "
                    f"{ENVIRONMENT['max_aliases']} or LoadLimits(max_aliases=...)",
                    line,
                    child()[1],
                )
            target = anchors.get(str(event.anchor))
            if target is None:
                raise _Refused(
                    f"the alias *{event.anchor} names no anchor defined before it",
                    line,
                    child()[1],
                )
            if id(target) in open_nodes:
                raise _Refused(
                    f"the alias *{event.anchor} points at a value that contains it "
                    "(a cycle that never ends)",
                    line,
                    child()[1],
                )
            size = sizes[id(target)]
            expanded += size
            if expanded > limits.max_nodes:
                raise _Refused(
                    f"aliases expand the file to more than {limits.max_nodes:,} values; raise the "
                    f"limit with {ENVIRONMENT['max_nodes']} or LoadLimits(max_nodes=...)",
                    line,
                    child()[1],
                )
            attach(target, size, line)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            open_nodes.discard(id(frame.node))
            sizes[id(frame.node)] = frame.size
            frame.node.end_mark = event.end_mark
            attach(frame.node, frame.size, frame.node.start_mark.line + 1)
            continue
        expanded += 1
        if expanded > limits.max_nodes:
            raise _Refused(
                f"the file holds more than {limits.max_nodes:,} values; raise the limit with "
                f"{ENVIRONMENT['max_nodes']} or LoadLimits(max_nodes=...)",
                line,
            )
        anchor = getattr(event, "anchor", None)
        parts, path = child()
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > limits.max_string_length:
                raise _Refused(
                    f"a text of {len(event.value):,} characters is longer than the limit of "
                    f"{limits.max_string_length:,} (raise it with "
                    f"{ENVIRONMENT['max_string_length']} or LoadLimits(max_string_length=...))",
                    line,
                    path,
                )
            tag = event.tag
            if tag is None or tag == "!":
                tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit)
            start: Any = event.start_mark  # libyaml's marks are not yaml.Mark, but alike
            end: Any = event.end_mark
            node: yaml.Node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            if anchor is not None:
                anchors[str(anchor)] = node
                sizes[id(node)] = 1
            if tag in _CHECKED_TAGS:
                paths[id(node)] = path
            if line is not None and (
                not stack
                or stack[-1].key is not None
                or isinstance(stack[-1].node, yaml.SequenceNode)
            ):
                lines.setdefault(path, line)
            attach(node, 1, line)
            continue
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if len(stack) >= limits.max_depth:
                raise _Refused(
                    f"lists and mappings are nested more than {limits.max_depth} deep; raise "
                    f"the limit with {ENVIRONMENT['max_depth']} or LoadLimits(max_depth=...)",
                    line,
                    path,
                )
            kind: Any = (
                yaml.SequenceNode
                if isinstance(event, yaml.SequenceStartEvent)
                else yaml.MappingNode
            )
            tag = event.tag
            if tag is None or tag == "!":
                tag = parser.resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if anchor is not None:
                anchors[str(anchor)] = node
            open_nodes.add(id(node))
            if line is not None and (
                not stack
                or stack[-1].key is not None
                or isinstance(stack[-1].node, yaml.SequenceNode)
            ):
                lines.setdefault(path, line)
            stack.append(_Frame(node, parts, path))
            continue
        raise _Refused(f"unexpected YAML event {type(event).__name__}", line)
    parser.get_event()  # DocumentEnd
    if not parser.check_event(yaml.StreamEndEvent):
        raise _Refused(
            "the file holds more than one YAML document (a line '---' starts a second one)",
            _line(parser.peek_event()),
        )
    parser.get_event()
    return root, lines


def parse_yaml(
    text: str, file: str | None = None, limits: LoadLimits | None = None
) -> tuple[Any, LineMap, list[Problem]]:
    r"""YAML text as plain data (safe loading only), its path -> line map and any problems.

    The data is None when the text could not be read; ``problems`` then says why, with the
    line.

    >>> data, lines, problems = parse_yaml("a: [1, 2]\nb: x\n")
    >>> data, lines["b"], problems
    ({'a': [1, 2], 'b': 'x'}, 2, [])
    >>> parse_yaml("a: &x [*x]\n")[2][0].message
    'the alias *x points at a value that contains it (a cycle that never ends)'
    """
    lim = resolve_limits(limits)
    too_big = size_problem(_utf8_size(text, lim.max_bytes), lim, file)
    if too_big is not None:
        return None, {}, [too_big]
    problems: list[Problem] = []
    try:
        parser = _event_parser(text)
    except UnicodeEncodeError as exc:
        where = text.count("\n", 0, exc.start) + 1
        code = ord(text[exc.start])
        message = f"not valid Unicode text: a lone surrogate U+{code:04X} ({exc.reason})"
        return None, {}, [Problem(path="", message=message, file=file, line=where)]
    lines: LineMap = {}
    try:
        paths: dict[int, str] = {}
        node, lines = _compose(parser, lim, problems, file, paths)
        if node is None:
            return None, {}, [Problem(path="", message="the file is empty", file=file)]
        constructor = _Constructor(paths)
        data = constructor.construct_document(node)
        return data, lines, problems
    except _Refused as exc:
        return None, {}, [Problem(path=exc.path, message=exc.message, file=file, line=exc.line)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1) if mark else None
        message = str(exc.problem or exc.context)
        if message.startswith("found unhashable key"):
            message = "a list or a mapping cannot be a key (write the key as plain text)"
        elif "maximum nesting depth" in message:
            message = f"nested too deeply (this reader's own limit; {lim.max_depth} is allowed)"
        at = [p for p, n in lines.items() if n == line]
        path = min(at, key=len) if at else ""  # the outermost value on that line
        problem = Problem(path=path, message=f"invalid YAML: {message}", file=file, line=line)
        return None, {}, [problem]
    except yaml.YAMLError as exc:
        return None, {}, [_reader_problem(exc, text, file)]
    except RecursionError:
        return (
            None,
            {},
            [
                Problem(
                    path="",
                    message="nested too deeply to read; lower "
                    f"{ENVIRONMENT['max_depth']} (now {lim.max_depth})",
                    file=file,
                )
            ],
        )
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _reader_problem(exc: yaml.YAMLError, text: str, file: str | None) -> Problem:
    """A problem for an unmarked reader error (libyaml's and PyYAML's control characters)."""
    line: int | None = None
    position = getattr(exc, "position", None)
    message = str(exc).split("\n")[0].strip()
    character = getattr(exc, "character", None)
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
    reason = getattr(exc, "reason", None)
    if isinstance(character, str | int) and reason:
        code = ord(character) if isinstance(character, str) else character
        message = (
            f"the character U+{code:04X} is not allowed in YAML ({reason}); "
            "remove it or write it as an escape inside double quotes"
        )
    elif getattr(exc, "problem", None):
        message = str(getattr(exc, "problem", ""))
    return Problem(path="", message=f"invalid YAML: {message}", file=file, line=line)


# -- JSON -------------------------------------------------------------------------------

_JSON_TOKENS = re.compile(
    r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?[0-9]{' + str(INT_MAX_DIGITS + 1) + ",}", re.S
)


def _json_line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _scan_json(text: str, limits: LoadLimits) -> None:
    """Refuse JSON nested too deeply, with too long a string or too long an integer."""
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        first = tok[0]
        if first in "[{":
            depth += 1
            if depth > limits.max_depth:
                raise _Refused(
                    f"lists and objects are nested more than {limits.max_depth} deep; raise "
                    f"the limit with {ENVIRONMENT['max_depth']} or LoadLimits(max_depth=...)",
                    _json_line(text, m.start()),
                )
        elif first in "]}":
            depth -= 1
        elif first == '"':
            if len(tok) - 2 > limits.max_string_length:
                raise _Refused(
                    f"a text of {len(tok) - 2:,} characters is longer than the limit of "
                    f"{limits.max_string_length:,} (raise it with "
                    f"{ENVIRONMENT['max_string_length']} or LoadLimits(max_string_length=...))",
                    _json_line(text, m.start()),
                )
        else:
            digits = len(tok.lstrip("-"))
            raise _Refused(
                f"an integer of {digits} digits is too long to read (at most {INT_MAX_DIGITS})",
                _json_line(text, m.start()),
            )


def parse_json(
    text: str, file: str | None = None, limits: LoadLimits | None = None
) -> tuple[Any, list[Problem]]:
    """JSON text as plain data, or None and the problems (with the line) that stopped it.

    >>> parse_json('{"a": [1, 2]}')
    ({'a': [1, 2]}, [])
    >>> parse_json('[' * 100 + ']' * 100)[1][0].message.startswith('lists and objects are nested')
    True
    """
    lim = resolve_limits(limits)
    too_big = size_problem(_utf8_size(text, lim.max_bytes), lim, file)
    if too_big is not None:
        return None, [too_big]
    try:
        _scan_json(text, lim)
        return json.loads(text), []
    except _Refused as exc:
        return None, [Problem(path=exc.path, message=exc.message, file=file, line=exc.line)]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(path="", message=f"invalid JSON: {exc.msg}", file=file, line=exc.lineno)
        ]
    except (ValueError, RecursionError) as exc:
        return None, [Problem(path="", message=f"invalid JSON: {exc}", file=file)]


__all__ = [
    "ENVIRONMENT",
    "LoadLimits",
    "parse_json",
    "parse_yaml",
    "resolve_limits",
    "size_problem",
]
