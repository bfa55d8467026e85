"""A fast path through workforce files: the sections scoring reads, as Arrow tables.

PyYAML, even with libyaml (``CSafeLoader``), builds a Python object per node: on this
machine about a megabyte a second, minutes for a file of a million ratings. A workforce
file is mostly two long lists of flat mappings (``assessments`` and ``evidence``), so
this module reads those with whole-column operations instead (pyarrow compute over the
file's lines): each item is one line (``- {person: ana, competency: sql, level: 3, ...}``)
or a block (``- person: ana`` then ``  competency: sql`` ... as ``competency`` writes
files), and each value a plain scalar or a quoted one. Values are typed as YAML 1.1 types
them (the resolver's own patterns): ``level`` must be a whole number, dates
``YYYY-MM-DD`` (plain or quoted), every other field text (``rater_type: 360`` is the text
``360``, as the checked loader makes it).

:func:`read_sections` returns None as soon as the file holds anything else (anchors,
tags, nested values, multi-line or escaped strings, a value YAML would type otherwise, a
field the format does not have, a section other than people, assessments, evidence,
assignments and metadata): the caller then loads the file with the checked loader, which
gives the same data or reports the problem with its line and field path. The people
section is read for the people's keys (and each must have a name); ``assignments`` and
``metadata`` are not read (scoring does not use them). JSON files are parsed with the
standard library and their lists turned into tables directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

SECTIONS = ("people", "assessments", "evidence", "assignments", "metadata")
SCALARS = ("model", "$schema", "format")
ASSESSMENT_FIELDS = frozenset(
    {"person", "competency", "level", "scale", "rater_type", "rater", "date", "expires",
     "evidence", "model_version", "comment"}
)  # fmt: skip
EVIDENCE_FIELDS = frozenset(
    {"kind", "person", "competency", "resource", "level", "scale", "date", "valid_until",
     "rater_type", "asserted_by", "source", "name", "model_version", "identifier", "details"}
)  # fmt: skip
INTEGERS = frozenset({"level"})
DATES = frozenset({"date", "expires", "valid_until"})

# YAML 1.1's implicit types (PyYAML's resolver): a plain scalar matching one is not text
_NOT_TEXT = (
    r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|~|null|Null|NULL|<<|="
    r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$"
)
_WHOLE = r"^[-+]?(?:0|[1-9][0-9]*)$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# a plain scalar may not start with an indicator, nor hold ': ' or ' #'
_PLAIN_BAD = r"^[&*!|>%@`?\[\]{},#'\"]|^- |^-$|: | #|:$|\t"
_TOP = re.compile(r"([A-Za-z_$][\w$-]*):(?:[ \t]+(.*?))?[ \t]*")


@dataclass
class Sections:
    """What the fast path read: the people's keys and the two evidence tables (text)."""

    people: tuple[str, ...]
    assessments: pa.Table | None
    assessment_lines: np.ndarray
    """The line (1-based) each assessment starts on."""
    evidence: pa.Table | None
    evidence_lines: np.ndarray


class _Unsure(Exception):
    """The fast path does not understand something: the checked loader takes over."""


def read_sections(path: Path) -> Sections | None:
    """The file's people and evidence tables, or None where the checked loader must read it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        if path.suffix.lower() == ".json":
            return _json(raw.decode("utf-8"))
        return _yaml(raw)
    except (_Unsure, UnicodeDecodeError):
        return None


# -- JSON ----------------------------------------------------------------------------------


def _json(text: str) -> Sections:
    import pyarrow as pa

    try:
        data = json.loads(text)
    except ValueError:
        raise _Unsure from None
    if not isinstance(data, dict) or set(data) - set(SECTIONS) - set(SCALARS):
        raise _Unsure
    people = data.get("people", [])
    if not isinstance(people, list) or not all(
        isinstance(p, dict) and isinstance(p.get("key"), str) and isinstance(p.get("name"), str)
        for p in people
    ):
        raise _Unsure
    keys = tuple(p["key"] for p in people)
    if len(set(keys)) != len(keys):
        raise _Unsure
    tables: list[Any] = []
    for name, allowed in (("assessments", ASSESSMENT_FIELDS), ("evidence", EVIDENCE_FIELDS)):
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _Unsure
        if any(set(i) - allowed for i in items):
            raise _Unsure
        fields = sorted({k for i in items for k in i} - {"evidence", "details"})
        try:
            table = pa.table({k: pa.array([i.get(k) for i in items]) for k in fields})
        except (pa.ArrowException, TypeError, ValueError):
            raise _Unsure from None
        if not fields:
            table = pa.table({"person": pa.array([None] * len(items), pa.string())})
        for column in table.column_names:
            t = table.column(column).type
            ok = pa.types.is_null(t) or (
                pa.types.is_integer(t) if column in INTEGERS else pa.types.is_string(t)
            )
            if column == "rater_type" and pa.types.is_integer(t):
                ok = True
            if not ok:
                raise _Unsure
        tables.append(table)
    n_a, n_e = (t.num_rows for t in tables)
    # JSON has no useful lines: problems name the item (assessments[i]) through Origin
    return Sections(keys, tables[0], np.zeros(n_a, np.int64), tables[1], np.zeros(n_e, np.int64))


# -- YAML ----------------------------------------------------------------------------------


def _yaml(raw: bytes) -> Sections:
    """The sections of a YAML file's UTF-8 bytes (checked as UTF-8 by Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
    if b"\r" in raw or (b"\t" in raw and re.search(rb"^[ ]*\t", raw, re.MULTILINE)):
        raise _Unsure
    if b"\xc2\x85" in raw or b"\xe2\x80\xa8" in raw or b"\xe2\x80\xa9" in raw:
        raise _Unsure  # line breaks to YAML 1.1 (NEL, LS, PS), not to a split on newlines
    # the lines, split in Arrow (no Python string per line)
    try:
        whole = pa.array([raw], pa.large_binary()).cast(pa.large_string())
    except pa.ArrowInvalid:
        raise _Unsure from None  # not UTF-8: the checked loader says where
    arr = pc.split_pattern(whole, "\n").flatten().cast(pa.string())
    first = pc.utf8_slice_codeunits(arr, 0, 2)
    head = ~_mask(pc.is_in(first, pa.array(["- ", "-", ""]))) & ~_mask(
        pc.match_substring_regex(first, r"^[\s#]")
    )
    top = np.flatnonzero(head)
    lines = {int(i): str(arr[int(i)].as_py()) for i in top}
    found: dict[str, tuple[int, int]] = {}
    heads = [int(i) for i in top]
    heads_end = [*heads[1:], len(arr)]
    for i, end in zip(heads, heads_end, strict=True):
        line = re.sub(r"[ \t]+#.*$", "", lines[i])
        m = _TOP.fullmatch(line)
        if m is None or m.group(1) in found:
            raise _Unsure
        key, value = m.group(1), m.group(2)
        if key in SCALARS:
            found[key] = (i, i)
            continue
        if key not in SECTIONS or value not in (None, "[]"):
            raise _Unsure
        found[key] = (i + 1, i + 1 if value == "[]" else end)
    tables: dict[str, tuple[Any, np.ndarray]] = {}
    for name, allowed, skip in (
        ("assessments", ASSESSMENT_FIELDS, frozenset({"evidence"})),
        ("evidence", EVIDENCE_FIELDS, frozenset({"details"})),
    ):
        start, end = found.get(name, (0, 0))
        tables[name] = _flat_items(arr, start, end, allowed, skip)
    start, end = found.get("people", (0, 0))
    people, _ = _items(arr, start, end, frozenset({"key", "name"}), nested=True)
    keys: tuple[str, ...] = ()
    if people is not None:
        if people.column("key").null_count or people.column("name").null_count:
            raise _Unsure
        keys = tuple(people.column("key").to_pylist())
        if len(set(keys)) != len(keys):
            raise _Unsure
    return Sections(keys, *tables["assessments"], *tables["evidence"])


def _mask(arr: Any) -> np.ndarray:
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _items(
    arr: pa.Array,
    start: int,
    end: int,
    allowed: frozenset[str],
    *,
    nested: bool,
    skip: frozenset[str] = frozenset(),
) -> tuple[pa.Table | None, np.ndarray]:
    """The items of a section (lines ``start`` to ``end``) as a table of text and integers.

    ``nested``: lines below an item's fields (a person's attributes) are skipped and only
    ``allowed`` fields are kept; otherwise anything nested (but the content of the
    ``skip`` fields, which scoring does not read), or a field not ``allowed``, is
    something to leave to the checked loader.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if end <= start:
        return None, np.zeros(0, np.int64)
    sub = arr.slice(start, end - start)
    keep = ~_mask(pc.match_substring_regex(sub, r"^\s*(#.*)?$"))
    numbers = np.flatnonzero(keep)
    sub = sub.filter(pa.array(keep))
    if len(sub) == 0:
        return None, np.zeros(0, np.int64)
    body = pc.utf8_ltrim(sub, characters=" ")
    indent = np.asarray(pc.utf8_length(sub).to_numpy(zero_copy_only=False)) - np.asarray(
        pc.utf8_length(body).to_numpy(zero_copy_only=False)
    )
    flow = _mask(pc.starts_with(body, "- {"))
    block = _mask(pc.match_substring_regex(body, r"^- [A-Za-z_]\w*:( |$)"))
    field = _mask(pc.match_substring_regex(body, r"^[A-Za-z_]\w*:( |$)"))
    starts = flow | block
    if not starts[0]:
        raise _Unsure
    item = np.cumsum(starts) - 1
    base = indent[starts][item]
    if (base != base[0]).any():
        raise _Unsure
    inner = ~starts & (indent == base + 2) & field
    key_line = block | inner
    # lines nested under a field (a list of evidence texts, details, attributes) belong to
    # the field above them, which must be one whose content is skipped
    heads = pc.extract_regex(body, r"^(?:- )?(?P<k>[A-Za-z_]\w*): *$").field("k")
    open_key = key_line & _mask(pc.is_in(heads, pa.array(sorted(skip), pa.string())))
    if nested:
        open_key = key_line & _mask(pc.is_valid(heads))
    holder = np.maximum.accumulate(np.where(key_line | flow, np.arange(len(body)), -1))
    under = ~key_line & ~flow
    if (under & ~open_key[holder]).any():
        raise _Unsure
    lines_used = key_line | flow
    n_items = int(item[-1]) + 1
    item_lines = numbers[starts] + start + 1
    # (item, key, value) of block lines
    block_lines = np.flatnonzero(lines_used & ~flow)
    parts_item = [item[block_lines]]
    text = pc.utf8_ltrim(pc.take(body, pa.array(block_lines)), characters="- ")
    kv = [pc.extract_regex(text, r"^(?P<k>[A-Za-z_]\w*):(?: +(?P<v>.*?))? *$")]
    flow_lines = np.flatnonzero(flow)
    if flow_lines.size:
        inside = pc.extract_regex(pc.take(body, pa.array(flow_lines)), r"^- \{(?P<i>.*)\} *$")
        if inside.null_count:
            raise _Unsure
        # an evidence's details and an assessment's evidence texts (scoring does not read
        # them), flat: left out
        inner_text = pc.replace_substring_regex(
            inside.field("i"), r"(^|, *)(details: *\{[^{}\[\]]*\}|evidence: *\[[^{}\[\]]*\])", ""
        )
        if _mask(pc.match_substring_regex(inner_text, r"[{}\[\]]")).any():
            raise _Unsure
        split = pc.split_pattern(inner_text, ",")
        pieces = pc.utf8_trim(split.flatten(), characters=" ")
        parent = np.asarray(pc.list_parent_indices(split).to_numpy(zero_copy_only=False))
        parts_item.append(item[flow_lines][parent])
        kv.append(pc.extract_regex(pieces, r"^(?P<k>[A-Za-z_]\w*):(?: +(?P<v>.*?))? *$"))
    owner = np.concatenate(parts_item)
    keys = pa.concat_arrays([k.field("k") for k in kv]) if kv else pa.array([], pa.string())
    values = pa.concat_arrays([k.field("v") for k in kv])
    if sum(k.null_count for k in kv) or (keys.null_count and not nested):
        raise _Unsure
    names = [str(k) for k in pc.unique(keys).to_pylist() if k is not None]
    if not nested and set(names) - allowed:
        raise _Unsure
    read = _mask(pc.is_in(keys, pa.array(sorted(allowed - skip), pa.string())))
    if _mask(pc.equal(values, ""))[read].any():
        raise _Unsure  # `field:` with nothing after it: a null, or something nested
    index = pc.index_in(keys, pa.array(names, pa.string())).fill_null(-1)
    pairs = np.asarray(index.to_numpy(zero_copy_only=False))
    flat = owner.astype(np.int64) * (len(names) + 1) + pairs
    if len(np.unique(flat)) != len(flat):
        raise _Unsure  # a field given twice
    columns: dict[str, Any] = {}
    for j, name in enumerate(names):
        if name not in allowed or name in skip:
            continue
        mine = np.flatnonzero(pairs == j)
        decoded = _decode(pc.take(values, pa.array(mine)), name)
        position = np.full(n_items, -1, dtype=np.int64)
        position[owner[mine]] = np.arange(len(mine))
        columns[name] = pc.take(decoded, pa.array(position, mask=position < 0))
    return pa.table(columns), item_lines


def _fields(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Per line, the text before the first ``:`` and the text after it (one split)."""
    import pyarrow.compute as pc

    parts = pc.split_pattern(pc.binary_join_element_wise(text, "", ":"), ":", max_splits=1)
    after = pc.list_element(parts, 1)
    return pc.list_element(parts, 0), pc.utf8_slice_codeunits(after, 0, -1)


def _flat_items(
    arr: pa.Array, start: int, end: int, allowed: frozenset[str], skip: frozenset[str]
) -> tuple[pa.Table | None, np.ndarray]:
    """The items of an assessments or evidence section (lines ``start`` to ``end``).

    Fields are found by their known names (``level: ``), without a regular expression per
    line; values are decoded once per distinct value. Anything nested (but under the
    ``skip`` fields), or a field the section does not have, is left to the checked loader.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if end <= start:
        return None, np.zeros(0, np.int64)
    sub = arr.slice(start, end - start)
    body = pc.ascii_ltrim(sub, characters=" ")
    size = np.asarray(pc.binary_length(body).to_numpy(zero_copy_only=False))
    keep = (size > 0) & ~_mask(pc.starts_with(body, "#"))
    numbers = np.flatnonzero(keep)
    if not numbers.size:
        return None, np.zeros(0, np.int64)
    if keep[: numbers[-1] + 1].all():  # at most blank lines at the end: no copy
        body = body.slice(0, int(numbers[-1]) + 1)
    else:
        body = body.filter(pa.array(keep))
    indent = (np.asarray(pc.binary_length(sub).to_numpy(zero_copy_only=False)) - size)[keep]
    # items start at the first line's indentation (deeper dashes are nested lists)
    level0 = indent == indent[0]
    flow = _mask(pc.starts_with(body, "- {")) & level0
    dash = _mask(pc.starts_with(body, "- ")) & ~flow & level0
    starts = flow | dash
    if not starts[0] or (level0 & ~starts).any():
        raise _Unsure
    item = np.cumsum(starts) - 1
    base = indent[starts]
    n_items = int(item[-1]) + 1
    item_lines = numbers[starts] + start + 1
    names = sorted(allowed | skip)
    # a field's name, or "- " and its name on an item's first line
    name_of, after_of = _fields(body)
    code = np.asarray(
        pc.index_in(name_of, pa.array(names + [f"- {n}" for n in names], pa.string()))
        .fill_null(-1)
        .to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
    code[(code >= len(names)) & ~dash] = -1
    code[code >= len(names)] -= len(names)
    code[flow] = -1
    inner = ~starts & (indent == base[0] + 2)
    block = (dash | inner) & (code >= 0)
    # a line that is no field of ours: nested under a skipped field, or not understood
    under = ~flow & ~block
    holder = np.maximum.accumulate(np.where(flow | block, np.arange(len(body)), -1))
    skipped = np.isin(code, [names.index(k) for k in skip])
    if (under & ((holder < 0) | ~skipped[np.maximum(holder, 0)])).any():
        raise _Unsure
    rows = np.flatnonzero(block)
    owner, field, raw = [item[rows]], [code[rows]], [pc.take(after_of, pa.array(rows))]
    flow_rows = np.flatnonzero(flow)
    if flow_rows.size:
        inside = pc.take(body, pa.array(flow_rows))
        if not _mask(pc.ends_with(pc.ascii_rtrim(inside, characters=" "), "}")).all():
            raise _Unsure
        inside = pc.utf8_slice_codeunits(pc.ascii_rtrim(inside, characters=" "), 3, -1)
        # an evidence's details and an assessment's evidence texts (scoring does not read
        # them), flat: left out
        inside = pc.replace_substring_regex(
            inside, r"(^|, *)(details: *\{[^{}\[\]]*\}|evidence: *\[[^{}\[\]]*\])", ""
        )
        if _mask(pc.match_substring_regex(inside, r"[{}\[\]]")).any():
            raise _Unsure
        split = pc.split_pattern(inside, ",")
        pieces = pc.ascii_trim(split.flatten(), characters=" ")
        parent = np.asarray(pc.list_parent_indices(split).to_numpy(zero_copy_only=False))
        piece_name, piece_after = _fields(pieces)
        piece_code = np.asarray(
            pc.index_in(piece_name, pa.array(names, pa.string()))
            .fill_null(-1)
            .to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        if (piece_code < 0).any():
            raise _Unsure
        owner.append(item[flow_rows][parent])
        field.append(piece_code)
        raw.append(piece_after)
    owners = np.concatenate(owner)
    fields = np.concatenate(field)
    texts = pa.concat_arrays(raw)
    columns: dict[str, Any] = {}
    for j, name in enumerate(names):
        mine = np.flatnonzero(fields == j)
        if not mine.size or name in skip:
            continue
        if np.bincount(owners[mine], minlength=n_items).max() > 1:
            raise _Unsure  # a field given twice
        after = pc.take(texts, pa.array(mine))
        if not _mask(pc.starts_with(after, " ")).all():
            raise _Unsure  # `field:` with nothing after it, or `field:x`
        decoded = _decode(pc.ascii_trim(after, characters=" "), name)
        position = np.full(n_items, -1, dtype=np.int64)
        position[owners[mine]] = np.arange(len(mine))
        columns[name] = pc.take(decoded, pa.array(position, mask=position < 0))
    return pa.table(columns), item_lines


def _decode(values: pa.Array, name: str) -> pa.Array:
    """:func:`_decode_distinct` on the distinct values only, then spread back."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(values)
    return pc.take(_decode_distinct(enc.dictionary, name), enc.indices)


def _decode_distinct(values: pa.Array, name: str) -> pa.Array:
    """A field's YAML scalars as text (or whole numbers, for ``level``), as YAML types them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    single = _mask(pc.starts_with(values, "'"))
    double = _mask(pc.starts_with(values, '"'))
    plain = ~single & ~double
    if (
        single.any()
        and not _mask(
            pc.match_substring_regex(values.filter(pa.array(single)), r"^'(?:[^']|'')*'$")
        ).all()
    ):
        raise _Unsure
    if (
        double.any()
        and not _mask(
            pc.match_substring_regex(values.filter(pa.array(double)), r'^"[^"\\]*"$')
        ).all()
    ):
        raise _Unsure
    if _mask(pc.match_substring_regex(values, _PLAIN_BAD))[plain].any():
        raise _Unsure
    typed = _mask(pc.match_substring_regex(values, _NOT_TEXT)) & plain
    if name in INTEGERS:
        if not (plain & _mask(pc.match_substring_regex(values, _WHOLE))).all():
            raise _Unsure
        return values.cast(pa.int64())
    if name in DATES:
        if (typed & ~_mask(pc.match_substring_regex(values, _DATE))).any():
            raise _Unsure
    elif name == "rater_type":
        if (typed & ~_mask(pc.match_substring_regex(values, _WHOLE))).any():
            raise _Unsure
    elif typed.any():
        raise _Unsure
    quoted = pc.utf8_slice_codeunits(values, 1, -1)
    unquoted = pc.if_else(pa.array(single), pc.replace_substring(quoted, "''", "'"), values)
    unquoted = pc.if_else(pa.array(double), quoted, unquoted)
    if name in DATES:
        if not _mask(pc.match_substring_regex(unquoted, _DATE)).all():
            raise _Unsure
        days = pc.strptime(unquoted, format="%Y-%m-%d", unit="s", error_is_null=True)
        if days.null_count:
            raise _Unsure  # not a day of the calendar (2026-02-30)
        return days.cast(pa.date32())
    return unquoted


__all__ = ["Sections", "read_sections"]
