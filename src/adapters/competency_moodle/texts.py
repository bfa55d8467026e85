"""Texts written to Moodle: short names, HTML descriptions, and the adapter's marker line.

Moodle refuses a web-service parameter that its cleaning would change (``validate_param``
compares the cleaned value with the one sent). Short names are PARAM_TEXT (PHP's
``strip_tags``), descriptions PARAM_CLEANHTML (HTML Purifier, which turns ``&#x27;`` and
``&quot;`` into ``'`` and ``"`` and writes ``<br />``). So the adapter sends texts that
are already in the form Moodle keeps: :func:`shortname` strips tags as PHP does and cuts
to Moodle's 100 characters; :func:`paragraph` escapes only ``&``, ``<`` and ``>`` and
breaks lines with ``<br />``. Moodle answers short names through ``format_string``
(``&`` as ``&amp;``, ``<`` as ``&lt;``): :func:`read_name` undoes that.

Moodle's web services cannot list a competency's related competencies nor tell which
learning-plan template a sync made (templates have no idnumber). The adapter therefore
ends such descriptions with one visible marker paragraph that it reads back::

    <p>[competency-core] related: a, b</p>

>>> body, marks = split_marker(with_marker("<p>Hi</p>", {"related": ["a", "b"]}))
>>> body, marks
('<p>Hi</p>', {'related': ['a', 'b']})
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from competency_core.competencies import Competency
from competency_core.model import CompetencyModel

MARK = "[competency-core]"
_MARKER = re.compile(r"\s*<p>\[competency-core\] ([^<]*)</p>\s*$")
_TAGS = re.compile(r"<[^>]*>")
_BR = re.compile(r"<br\s*/?>")
SHORTNAME_MAX = 100
"""Moodle's limit on short names (frameworks, competencies, templates: char(100))."""


def strip_tags(text: str) -> str:
    """PHP's ``strip_tags`` (what Moodle's PARAM_TEXT does), as its state machine works.

    A ``<`` followed by white space is text; any other ``<`` opens a tag that runs to its
    matching ``>`` (nested ``<`` counted, ``>`` inside quotes skipped) or to the end of
    the text; ``<!-- ... -->`` comments go whole.

    >>> strip_tags('Coding & "craft" <core>')
    'Coding & "craft" '
    >>> strip_tags("5 < 6 and 7 > 6, <b>bold</b>")
    '5 < 6 and 7 > 6, bold'
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c != "<" or (i + 1 < n and text[i + 1].isspace()):
            out.append(c)
            i += 1
            continue
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            i = n if end < 0 else end + 3
            continue
        depth, quote, i = 1, "", i + 1
        while i < n and depth:
            c = text[i]
            if quote:
                if c == quote:
                    quote = ""
            elif c in "\"'":
                quote = c
            elif c == "<":
                depth += 1
            elif c == ">":
                depth -= 1
            i += 1
    return "".join(out)


def shortname(text: str) -> str:
    """A Moodle short name: one line, tags removed as PARAM_TEXT does, 100 characters.

    Character references (``&amp;``) become characters: Moodle shows a name through
    ``format_string``, which keeps a reference as a reference, so ``&amp;`` would show as
    ``&`` and read back as ``&``. The result is unchanged by Moodle's cleaning and reads
    back as itself (:func:`read_name`), so a re-plan is empty.
    """
    clean = " ".join(text.splitlines()).strip()
    for _ in range(16):  # each step can uncover another tag or reference: until stable
        cut = html.unescape(strip_tags(clean)).strip()[:SHORTNAME_MAX].strip()
        cut = " ".join(cut.splitlines())
        if cut == clean:
            break
        clean = cut
    return clean or "-"


def name_changes(text: str) -> str | None:
    """What Moodle does to a name (tags removed, cut to 100 characters...), or None."""
    one = " ".join(text.splitlines()).strip()
    stored = shortname(text)
    if stored == one:
        return None
    if stored == "-":
        return "empty once tags are removed"
    if len(html.unescape(strip_tags(one)).strip()) > SHORTNAME_MAX:
        return f"cut to {SHORTNAME_MAX} characters"
    if strip_tags(one) != one:
        return "tags removed"
    return "character references shown as characters"


def read_name(value: object) -> str:
    """A short name as Moodle answers it (``format_string``: ``&amp;``, ``&lt;``) as text."""
    return html.unescape(str(value or ""))


def escape(text: str) -> str:
    """Text for HTML in the form HTML Purifier keeps: only ``&``, ``<`` and ``>`` escaped."""
    return html.escape(text, quote=False)


def paragraph(text: str) -> str:
    """Plain text as an HTML paragraph (line breaks kept as ``<br />``)."""
    return "<p>" + escape(text.strip()).replace("\n", "<br />") + "</p>"


def plain(fragment: str) -> str:
    """HTML written by :func:`paragraph` (or any HTML) back as plain text."""
    return html.unescape(_TAGS.sub("", _BR.sub("\n", fragment)))


_DEFINITION = re.compile(r"\s*<p>(?!<strong>)(.*?)</p>", re.S)
_LEVEL = re.compile(r"<p><strong>(.*?)</strong></p>\s*<ul>(.*?)</ul>", re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)


def parse_description(body: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The definition and the indicators (level label, texts) of a description.

    Reads what :func:`competency_description` writes; other HTML becomes the definition.
    """
    found = _DEFINITION.match(body)
    definition = plain(found.group(1)) if found else ""
    levels = [
        (plain(m.group(1)), [plain(i) for i in _ITEM.findall(m.group(2))])
        for m in _LEVEL.finditer(body)
    ]
    if not found and not levels and body.strip():
        definition = plain(body).strip()
    return definition, levels


def competency_description(model: CompetencyModel, comp: Competency) -> str:
    """The definition, then the behavioural indicators by level, as HTML."""
    parts: list[str] = []
    definition = model.text(comp.definition)
    if definition.strip():
        parts.append(paragraph(definition))
    if comp.indicators:
        scale = model.scale(comp.scale)
        labels = {lv.value: model.text(lv.label) for lv in scale.levels}
        for level in sorted(comp.indicators):
            items = [model.text(i.text) for i in comp.indicators[level]]
            items = [i for i in items if i.strip()]
            if not items:
                continue
            label = escape(labels.get(level, str(level)).strip())
            parts.append(f"<p><strong>{label}</strong></p>")
            lines = (escape(i.strip()).replace("\n", "<br />") for i in items)
            parts.append("<ul>" + "".join(f"<li>{i}</li>" for i in lines) + "</ul>")
    return "\n".join(parts)


def with_marker(body: str, marks: Mapping[str, Sequence[str]]) -> str:
    """``body`` followed by the marker paragraph (none when ``marks`` is empty)."""
    kept = {k: list(v) for k, v in marks.items() if v}
    if not kept:
        return body
    text = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(kept.items()))
    line = f"<p>{MARK} {escape(text)}</p>"
    return f"{body}\n{line}" if body else line


def split_marker(description: str | None) -> tuple[str, dict[str, list[str]]]:
    """A description without its marker paragraph, and the marker's lists."""
    text = (description or "").strip()
    found = _MARKER.search(text)
    if found is None:
        return text, {}
    marks: dict[str, list[str]] = {}
    for part in html.unescape(found.group(1)).split(";"):
        name, sep, values = part.partition(":")
        if sep and name.strip():
            marks[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return text[: found.start()].rstrip(), marks


__all__ = [
    "MARK",
    "SHORTNAME_MAX",
    "competency_description",
    "escape",
    "name_changes",
    "paragraph",
    "parse_description",
    "plain",
    "read_name",
    "shortname",
    "split_marker",
    "strip_tags",
    "with_marker",
]
