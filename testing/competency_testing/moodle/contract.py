"""Moodle's web-service contract, read at run time, and its checks as Moodle makes them.

:class:`Contract` loads a ``ws_contract.json`` file (function name -> read/write type,
parameter and return structures with PARAM_* types). :func:`decode_form` turns a REST
request body into PHP's nested arrays; :meth:`Contract.validate` then checks and cleans the
parameters exactly as ``external_api::validate_parameters`` does (unknown keys, missing
required keys, defaults, PARAM types with Moodle's "clean and compare" rule) and raises
the same ``invalid_parameter_exception``; :meth:`Contract.clean_return` shapes an answer
as ``clean_returnvalue`` does (required keys present, extra keys dropped, types cast).

Entries the contract marks ``uncertain`` without a structure are passed through as they
come: the emulator is tolerant where the contract is not sure.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from competency_moodle.texts import strip_tags as php_strip_tags


class MoodleException(Exception):
    """An error as Moodle's REST server reports it: exception class, error code, message."""

    def __init__(
        self, exception: str, errorcode: str, message: str, debuginfo: str | None = None
    ) -> None:
        self.exception = exception
        self.errorcode = errorcode
        self.message = message
        self.debuginfo = debuginfo
        super().__init__(f"{exception}/{errorcode}: {message}")

    def as_json(self, *, debug: bool) -> dict[str, Any]:
        """The JSON body Moodle sends (``debuginfo`` only when the site debugs)."""
        out: dict[str, Any] = {
            "exception": self.exception,
            "errorcode": self.errorcode,
            "message": self.message,
        }
        if debug and self.debuginfo:
            out["debuginfo"] = self.debuginfo
        return out


def invalid_parameter(debuginfo: str) -> MoodleException:
    """Moodle's ``invalid_parameter_exception``."""
    return MoodleException(
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        debuginfo,
    )


def coding_error(detail: str) -> MoodleException:
    """Moodle's ``coding_exception`` (how the competency API refuses misuse)."""
    return MoodleException(
        "coding_exception",
        "codingerror",
        f"Coding error detected, it must be fixed by a programmer: {detail}",
    )


def invalid_persistent(field: str, message: str) -> MoodleException:
    r"""Moodle's ``core\invalid_persistent_exception`` for one field."""
    return MoodleException(
        "core\\invalid_persistent_exception",
        "invalidpersistenterror",
        f"Error: {field}: {message}",
    )


def missing_record(table: str) -> MoodleException:
    """Moodle's ``dml_missing_record_exception`` for a table."""
    return MoodleException(
        "dml_missing_record_exception",
        "invalidrecord",
        f"Can't find data record in database table {table}.",
    )


# -- PHP form decoding ------------------------------------------------------------------

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Form pairs as PHP's ``$_POST``: ``a[b][0]=x`` becomes ``{'a': {'b': {'0': 'x'}}}``.

    Arrays are dicts (PHP arrays are ordered maps); a later scalar replaces an earlier one.
    """
    root: dict[str, Any] = {}
    for name, value in pairs:
        m = _KEY.match(name)
        if not m:
            root[name] = value
            continue
        parts = [m.group(1), *re.findall(r"\[([^\[\]]*)\]", m.group(2))]
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return root


def parse_body(body: str) -> dict[str, Any]:
    """A form-encoded request body as PHP's nested arrays."""
    return decode_form(parse_qsl(body, keep_blank_values=True))


# -- PARAM_* cleaning ----------------------------------------------------------------

_TAG = re.compile(r"<(?=[A-Za-z/!?])[^>]*(?:>|$)")
_MULTILANG = re.compile(r"^</?(span|lang)\b[^>]*>$", re.IGNORECASE)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ON_ATTR = re.compile(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_URL = re.compile(r"^(https?|ftp)://[^\s<>\"']+$", re.IGNORECASE)


def strip_tags(text: str, *, keep_multilang: bool = False) -> str:
    """PHP's ``strip_tags``: tags removed, a ``<`` before white space kept.

    With ``keep_multilang`` (PARAM_TEXT), ``<span lang>`` and ``<lang>`` tags stay when
    the text closes one, as Moodle's multilang syntax needs.
    """
    if keep_multilang and ("</span>" in text or "</lang>" in text):

        def repl(m: re.Match[str]) -> str:
            return m.group(0) if _MULTILANG.match(m.group(0)) else ""

        return _TAG.sub(repl, text)
    return php_strip_tags(text)


_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BARE_AMP = re.compile(r"&(?!(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PURIFIER_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
    ]
)


def _keep_entity(m: re.Match[str]) -> str:
    body = m.group(1)
    if body in ("amp", "lt", "gt"):
        return m.group(0)
    decoded = html.unescape(m.group(0))
    return html.escape(decoded, quote=False) if decoded != m.group(0) else m.group(0)


def clean_html(value: str) -> str:
    """Moodle's PARAM_CLEANHTML (HTML Purifier) for the HTML a sync writes.

    Scripts and event attributes go; character references other than ``&amp;``,
    ``&lt;`` and ``&gt;`` become characters (``&#x27;`` -> ``'``, ``&quot;`` -> ``"``,
    ``&nbsp;`` -> U+00A0); a bare ``&`` becomes ``&amp;``, a ``<`` or ``>`` outside a tag
    ``&lt;`` / ``&gt;``; unknown tags are dropped (their text kept); ``<br>`` is written
    ``<br />``; the result is trimmed. Seen on Moodle 5.1 (tests/adapters/moodle).
    """
    text = _ON_ATTR.sub("", _SCRIPT.sub("", value)).replace("javascript:", "")
    text = _ENTITY.sub(_keep_entity, text)
    text = _BARE_AMP.sub("&amp;", text)
    out: list[str] = []
    pos = 0
    for m in _ANY_TAG.finditer(text):
        out.append(text[pos : m.start()].replace("<", "&lt;").replace(">", "&gt;"))
        name = m.group(2).lower()
        if name == "br":
            out.append("<br />")
        elif name in _PURIFIER_TAGS:
            out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out).strip()


FORMATTED = frozenset({"shortname", "fullname", "displayname", "name"})
"""Answer fields Moodle 5.1 sends through ``format_string`` (its exporters' PARAM_TEXT
properties and courses' names), whatever the contract's PARAM_RAW says."""


def format_string(value: str) -> str:
    """How Moodle answers a PARAM_TEXT value (``format_string``).

    Tags stripped, a ``&`` not starting an entity as ``&amp;``, ``<`` and ``>`` as ``&lt;``
    and ``&gt;``.
    """
    text = php_strip_tags(value)
    text = _BARE_AMP.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def clean_param(value: str, ptype: str) -> str:
    """``clean_param`` for the PARAM types the contract uses, as text."""
    if ptype == "PARAM_INT":
        try:
            return str(int(value))
        except ValueError:
            return "0"
    if ptype == "PARAM_BOOL":
        low = value.strip().lower()
        return "1" if low in ("1", "true", "yes", "on") else "0"
    if ptype == "PARAM_ALPHA":
        return re.sub(r"[^a-zA-Z]", "", value)
    if ptype == "PARAM_ALPHANUMEXT":
        return re.sub(r"[^a-zA-Z0-9_-]", "", value)
    if ptype == "PARAM_TEXT":
        return strip_tags(value, keep_multilang=True)
    if ptype == "PARAM_NOTAGS":
        return strip_tags(value)
    if ptype == "PARAM_CLEANHTML":
        return clean_html(value)
    if ptype == "PARAM_URL":
        return value if _URL.match(value) else ""
    return value  # PARAM_RAW and anything unknown


def _convert(value: str, ptype: str) -> Any:
    if ptype == "PARAM_INT":
        return int(value)
    if ptype == "PARAM_BOOL":
        return value == "1"
    return value


def _type_name(ptype: str) -> str:
    return ptype.removeprefix("PARAM_").lower()


# -- the contract ------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the contract: its name, read/write type, parameters and returns."""

    name: str
    type: str
    parameters: tuple[dict[str, Any], ...]
    returns: dict[str, Any] | None
    raw: dict[str, Any]

    @property
    def certain(self) -> bool:
        """Whether every top-level parameter has a known structure."""
        return all(p.get("name") and p.get("kind") for p in self.parameters)


def _is_uncertain(desc: Mapping[str, Any]) -> bool:
    return not desc.get("kind") or (desc.get("uncertain") is True and not desc.get("fields"))


class Contract:
    """The functions of a ``ws_contract.json`` file, with Moodle's parameter checks."""

    def __init__(self, functions: Iterable[Mapping[str, Any]], source: str = "<memory>"):
        self.source = source
        self.functions: dict[str, FunctionSpec] = {}
        for f in functions:
            self.functions[str(f["name"])] = FunctionSpec(
                name=str(f["name"]),
                type=str(f.get("type", "write")),
                parameters=tuple(f.get("parameters") or ()),
                returns=f.get("returns"),
                raw=dict(f),
            )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Contract:
        """Read a contract file."""
        p = Path(path)
        data = json.loads(p.read_text(encoding="utf-8"))
        return cls(data["functions"], source=str(p))

    def __contains__(self, name: object) -> bool:
        return name in self.functions

    def __len__(self) -> int:
        return len(self.functions)

    def spec(self, name: str) -> FunctionSpec:
        """The function called ``name`` (``dml_missing_record_exception`` as Moodle if none)."""
        try:
            return self.functions[name]
        except KeyError:
            raise missing_record("external_functions") from None

    def type_of(self, name: str) -> str:
        """``read`` or ``write``."""
        return self.spec(name).type

    # -- parameters ------------------------------------------------------------------
    def validate(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The cleaned parameters of a call, or ``invalid_parameter_exception``."""
        spec = self.spec(name)
        if not spec.certain:
            return dict(params)
        top = {"kind": "single_structure", "fields": list(spec.parameters)}
        result = _validate(top, dict(params))
        assert isinstance(result, dict)
        return result

    # -- returns ------------------------------------------------------------------------
    def clean_return(self, name: str, value: Any) -> Any:
        """An answer shaped as Moodle's ``clean_returnvalue`` would send it."""
        desc = self.spec(name).returns
        if desc is None:
            return value
        return _clean_return(desc, value, "")


def _validate(desc: Mapping[str, Any], value: Any) -> Any:
    kind = desc.get("kind")
    if _is_uncertain(desc):
        return value
    if kind == "value":
        if isinstance(value, dict):
            raise invalid_parameter("Scalar type expected, array or object received.")
        ptype = str(desc.get("type", "PARAM_RAW"))
        if value is None:
            return None
        if isinstance(value, bool):
            value = "1" if value else "0"
        text = str(value)
        if ptype == "PARAM_BOOL" and text in ("0", "1"):
            return text == "1"
        if clean_param(text, ptype) != text:
            raise invalid_parameter(
                f'Invalid external api parameter: the value is "{text}", '
                f'the server was expecting "{_type_name(ptype)}" type'
            )
        return _convert(text, ptype)
    if kind == "single_structure":
        if not isinstance(value, dict):
            raise invalid_parameter(f"Only arrays accepted. The bad value is: '{value}'")
        rest = dict(value)
        out: dict[str, Any] = {}
        for sub in desc.get("fields") or ():
            key = sub.get("name")
            if not key:
                continue
            if key not in rest:
                req = sub.get("required", "required")
                if req == "required":
                    raise invalid_parameter(f"Missing required key in single structure: {key}")
                if req == "default":
                    default = sub.get("default")
                    out[key] = _default(sub, default)
                continue
            try:
                out[key] = _validate(sub, rest.pop(key))
            except _ParamError as exc:
                raise invalid_parameter(f"{key} => {exc.message}: {exc.debuginfo}") from None
        if rest:
            raise invalid_parameter(
                f"Unexpected keys ({', '.join(rest)}) detected in parameter array."
            )
        return out
    if kind == "multiple_structure":
        if not isinstance(value, dict):
            raise invalid_parameter(f"Only arrays accepted. The bad value is: '{value}'")
        item = desc.get("items") or {}
        return [_validate(item, v) for v in value.values()]
    return value


_ParamError = MoodleException


def _default(desc: Mapping[str, Any], default: Any) -> Any:
    if default is None:
        return None
    if desc.get("kind") == "value":
        ptype = str(desc.get("type", "PARAM_RAW"))
        if ptype == "PARAM_BOOL":
            return bool(default)
        if ptype == "PARAM_INT":
            return int(default)
        return default
    return default


class ContractViolation(Exception):
    """The emulator produced an answer the contract does not allow (an emulator bug)."""


def _clean_return(desc: Mapping[str, Any], value: Any, path: str) -> Any:
    kind = desc.get("kind")
    if kind == "null":
        return None
    if _is_uncertain(desc):
        return value
    if kind == "value":
        if value is None:
            if desc.get("allownull") or desc.get("required") == "optional":
                return None
            raise ContractViolation(f"{path or 'the answer'} is null")
        ptype = str(desc.get("type", "PARAM_RAW"))
        if ptype == "PARAM_INT":
            return int(value)
        if ptype == "PARAM_BOOL":
            return bool(value)
        return str(value)
    if kind == "single_structure":
        if not isinstance(value, Mapping):
            raise ContractViolation(f"{path or 'the answer'} should be a structure")
        out: dict[str, Any] = {}
        for sub in desc.get("fields") or ():
            key = sub.get("name")
            if not key:
                continue
            if key not in value:
                req = sub.get("required", "required")
                if req == "required":
                    raise ContractViolation(f"{path}{key} is missing from the answer")
                if req == "default":
                    out[key] = sub.get("default")
                continue
            out[key] = _clean_return(sub, value[key], f"{path}{key}.")
            if key in FORMATTED and isinstance(out[key], str):
                out[key] = format_string(out[key])
        return out
    if kind == "multiple_structure":
        if not isinstance(value, list | tuple):
            raise ContractViolation(f"{path or 'the answer'} should be a list")
        item = desc.get("items") or {}
        return [_clean_return(item, v, path) for v in value]
    return value


CONTRACT_FILE = "ws_contract.json"
"""The name of Moodle's web-service contract file (packaged beside this module)."""

_resources = contextlib.ExitStack()
atexit.register(_resources.close)


def packaged_contract() -> Path:
    """The contract file shipped in this package (``shared/moodle/ws_contract.json`` + additions)."""
    packaged = resources.files(__package__ or "competency_testing.moodle") / CONTRACT_FILE
    if isinstance(packaged, Path):
        return packaged
    # not a plain folder (a zipped install): a temporary copy, kept until the process ends
    return _resources.enter_context(resources.as_file(packaged))


def find_contract(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Moodle's web-service contract file: from the environment, a given place, or the package.

    ``$COMPETENCY_MOODLE_CONTRACT`` wins when set (None if it names no file). Otherwise an
    explicit ``start`` is used: a file is taken as it is, a folder is searched upwards
    (the folder, then each parent) for ``shared/moodle/ws_contract.json`` (None if absent).
    Without ``start`` it is the copy shipped in this package (:func:`packaged_contract`).
    """
    env = os.environ.get("COMPETENCY_MOODLE_CONTRACT")
    if env:
        return Path(env) if Path(env).is_file() else None
    if start is None:
        return packaged_contract()
    here = Path(start).resolve()
    if here.is_file():
        return here
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "moodle" / CONTRACT_FILE
        if candidate.is_file():
            return candidate
    return None


__all__ = [
    "CONTRACT_FILE",
    "Contract",
    "ContractViolation",
    "FunctionSpec",
    "MoodleException",
    "clean_param",
    "coding_error",
    "decode_form",
    "find_contract",
    "invalid_parameter",
    "invalid_persistent",
    "missing_record",
    "packaged_contract",
    "parse_body",
    "strip_tags",
]
