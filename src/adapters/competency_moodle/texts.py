"""Texts written to Moodle: short names, HTML descriptions, and the adapter's marker line.

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
SHORTNAME_MAX = 100


def shortname(text: str) -> str:
    """A Moodle short name: tags removed (PARAM_TEXT does it), trimmed, 100 characters."""
    clean = " ".join(_TAGS.sub("", text).splitlines()).strip()
    return clean[:SHORTNAME_MAX].strip() or "-"


def paragraph(text: str) -> str:
    """Plain text as an HTML paragraph (line breaks kept as ``<br>``)."""
    return "<p>" + html.escape(text.strip()).replace("\n", "<br>") + "</p>"


def plain(fragment: str) -> str:
    """HTML written by :func:`paragraph` (or any HTML) back as plain text."""
    return html.unescape(_TAGS.sub("", fragment.replace("<br>", "\n")))


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
            parts.append(f"<p><strong>{html.escape(labels.get(level, str(level)))}</strong></p>")
            parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def with_marker(body: str, marks: Mapping[str, Sequence[str]]) -> str:
    """``body`` followed by the marker paragraph (none when ``marks`` is empty)."""
    kept = {k: list(v) for k, v in marks.items() if v}
    if not kept:
        return body
    text = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(kept.items()))
    line = f"<p>{MARK} {html.escape(text)}</p>"
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
    "competency_description",
    "paragraph",
    "parse_description",
    "plain",
    "shortname",
    "split_marker",
    "with_marker",
]
