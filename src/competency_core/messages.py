"""Messages people can act on: pydantic's errors in the user's words, and "did you mean".

A pydantic error says ``Input should be a valid tuple`` at ``scales.0.levels.tuple[...]``;
a user wrote a YAML file and needs ``scales[0].levels: should be a list``. This module
turns one into the other, drops pydantic's internal location tags, merges the several
errors a union (text or translations) gives into one, and suggests the nearest field
name or key for a misspelling.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from competency_core.errors import Problem
from competency_core.keys import did_you_mean
from competency_core.references import format_path

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE_TAGS = {"str", "int", "float", "bool", "dict", "list", "tuple", "set", "none"}


def _int_key(part: str) -> int | None:
    return int(part) if re.fullmatch(r"-?[0-9]+", part) else None


def clean_loc(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """Drop pydantic's union and validator tags from an error location, keeping data keys."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, Mapping):
            key: Any = part
            if key not in node and isinstance(part, str):
                as_int = _int_key(part)
                if as_int is not None:
                    key = as_int
            try:
                present = key in node
            except TypeError:
                present = False
            if present:
                out.append(part)
                node = node[key]
                continue
            if isinstance(part, str) and _IDENTIFIER.fullmatch(part):
                if i == len(loc) - 1:
                    out.append(part)  # a missing or unknown field: name it
                elif part not in _TYPE_TAGS:
                    out.append(part)
                    node = None
            continue
        if isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
            continue
        # a tag such as 'function-after[...]' or 'str': not a data key
    return tuple(out)


def _data_at(data: Any, parts: Sequence[str | int]) -> Any:
    node = data
    for part in parts:
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
            elif isinstance(part, str) and _int_key(part) in node:
                node = node[_int_key(part)]
            else:
                return None
        elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic model classes an annotation can hold (through unions and containers)."""
    out: list[type[BaseModel]] = []
    todo = [annotation]
    seen: set[int] = set()
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(t, type) and issubclass(t, BaseModel):
            out.append(t)
            continue
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            todo.append(typing.get_args(t)[0])
        elif origin in (typing.Union, types.UnionType):
            todo.extend(typing.get_args(t))
    return out


def _child_type(annotation: Any, part: str | int) -> list[Any]:
    """The annotations one step below ``annotation`` (a container's items or values)."""
    out: list[Any] = []
    todo = [annotation]
    while todo:
        t = todo.pop()
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin is typing.Annotated:
            todo.append(args[0])
        elif origin in (typing.Union, types.UnionType):
            todo.extend(args)
        elif origin in (tuple, list, set, frozenset) and args:
            out.append(args[0])
        elif origin is dict and len(args) == 2:
            out.append(args[1])
        elif isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(str(part))
            if field is not None:
                out.append(field.annotation)
            else:
                for name, f in t.model_fields.items():
                    if f.alias == part:
                        out.append(f.annotation)
                        del name
                        break
    return out


def fields_at(model: type[BaseModel], parts: Sequence[str | int]) -> list[str]:
    """The field names a mapping at ``parts`` (a data path below ``model``) may hold."""
    current: list[Any] = [model]
    for part in parts:
        nxt: list[Any] = []
        for t in current:
            nxt += _child_type(t, part)
        current = nxt
        if not current:
            return []
    names: list[str] = []
    for t in current:
        for cls in _models_in(t):
            for name, f in cls.model_fields.items():
                names.append(f.alias or name)
    return names


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_TYPE_WORDS = {
    "int_parsing": "should be a whole number",
    "int_type": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_parsing": "should be a number",
    "float_type": "should be a number",
    "finite_number": "should be a finite number",
    "string_type": "should be text",
    "bool_parsing": "should be true or false",
    "bool_type": "should be true or false",
    "tuple_type": "should be a list",
    "list_type": "should be a list",
    "set_type": "should be a list",
    "frozen_set_type": "should be a list",
    "iterable_type": "should be a list",
    "dict_type": "should be a mapping (name: value pairs)",
    "mapping_type": "should be a mapping (name: value pairs)",
    "model_type": "should be a mapping (name: value pairs)",
    "model_attributes_type": "should be a mapping (name: value pairs)",
    "date_type": "should be a date (YYYY-MM-DD)",
    "date_parsing": "should be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "should be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "should be a date without a time (YYYY-MM-DD)",
    "datetime_type": "should be a date and time (YYYY-MM-DDTHH:MM:SSZ)",
    "datetime_parsing": "should be a date and time (YYYY-MM-DDTHH:MM:SSZ)",
    "datetime_from_date_parsing": "should be a date and time (YYYY-MM-DDTHH:MM:SSZ)",
    "none_required": "should be left empty",
    "url_parsing": "should be a URL",
    "url_type": "should be a URL",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def message_of(err: Mapping[str, Any], parts: Sequence[str | int], data: Any) -> str | None:
    """The user's-words message for one pydantic error (None: leave it out)."""
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    inp = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "too_short":
        at = _data_at(data, parts)
        minimum = int(ctx.get("min_length", 0))
        if isinstance(at, list | tuple) and len(at) >= minimum:
            return None  # long enough as written; the items' own errors explain the rest
        got = len(at) if isinstance(at, list | tuple | Mapping | str) else ctx.get("actual_length")
        if parts and parts[-1] == "levels" and minimum == 2:
            return f"a scale needs at least two levels (got {got})"
        return f"should have at least {_plural(minimum, 'item')} (got {got})"
    if kind == "too_long":
        return f"should have at most {_plural(int(ctx.get('max_length', 0)), 'item')}"
    if kind in {"string_too_short", "string_too_long"}:
        bound = ctx.get("min_length", ctx.get("max_length"))
        least = "at least" if kind == "string_too_short" else "at most"
        return f"should have {least} {_plural(int(bound or 0), 'character')}"
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", ""))
        hint = ""
        if isinstance(inp, str):
            hint = did_you_mean(inp, re.findall(r"'([^']*)'", expected))
        return f"should be one of {expected} (got {_shown(inp)}){hint}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return f"should be {words} {bound} (got {_shown(inp)})"
    if kind in _TYPE_WORDS:
        msg = _TYPE_WORDS[kind]
        if kind == "int_from_float":
            msg += " (no fraction)"
        if inp is not None and not isinstance(inp, Mapping | list | tuple):
            msg += f" (got {_shown(inp)})"
        elif isinstance(inp, Mapping):
            msg += " (got a mapping)"
        elif isinstance(inp, list | tuple):
            msg += " (got a list)"
        return msg
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    msg = msg.removeprefix("Assertion failed, ")
    if msg.startswith("Input should be"):
        msg = "should be" + msg.removeprefix("Input should be")
        if isinstance(inp, str | int | float) and not isinstance(inp, bool):
            msg += f" (got {_shown(inp)})"
    return msg


_MODELS: dict[str, type[BaseModel]] = {}


def register_model(cls: type[BaseModel]) -> None:
    """Let ``did you mean`` find the fields of files validated as ``cls``."""
    _MODELS[cls.__name__] = cls


def pydantic_problems(exc: ValidationError, data: Any, file: str | None = None) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems, in the user's words.

    Several errors of one union at one place (a text is a string, or a mapping of
    languages to strings) become one message: ``should be text, or a mapping``.
    """
    by_path: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        parts = clean_loc(err["loc"], data)
        path = format_path(parts)
        if err.get("type") == "extra_forbidden":
            name = str(parts[-1]) if parts else ""
            cls = _MODELS.get(exc.title)
            options = fields_at(cls, parts[:-1]) if cls is not None else []
            msg: str | None = f"unknown field {name!r}" + (
                did_you_mean(name, options)
                or (f"; the fields here are: {', '.join(sorted(options))}" if options else "")
            )
        else:
            msg = message_of(err, parts, data)
        if msg is None:
            continue
        found = by_path.setdefault(path, [])
        if msg not in found:
            found.append(msg)
    out: list[Problem] = []
    for path, messages in by_path.items():
        kinds = [m for m in messages if m.startswith("should be ")]
        if len(kinds) > 1:
            rest = [m for m in messages if not m.startswith("should be ")]
            joined = "should be " + ", or ".join(
                re.sub(r" \(got [^)]*\)$", "", m).removeprefix("should be ") for m in kinds
            )
            messages = [joined, *rest]
        out += [Problem(path=path, message=m, file=file) for m in messages]
    return out


__all__ = ["clean_loc", "did_you_mean", "fields_at", "message_of", "pydantic_problems"]
