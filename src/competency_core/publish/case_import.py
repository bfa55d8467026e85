"""Import a 1EdTech CASE package (1.0 or 1.1 ``CFPackage`` JSON) into a competency model.

A package written by :func:`~competency_core.publish.case.export_case` carries
``extensions.competencyCore`` and comes back as exactly the model that was exported.
Any other package (OpenSALT, a state's standards, another vendor's skills framework) is
read from the standard fields, accepting what real publishers emit: links written as
objects or as plain URI strings, CASE 1.0's field names, missing ``sequenceNumber``:

- each ``CFItem`` becomes a competency; its key is the ``humanCodingScheme`` when that is a
  valid, unique key, else the item's identifier; its name the ``abbreviatedStatement`` (else
  the statement, shortened), its definition the ``fullStatement``, its category the
  ``CFItemType``, its tags the ``conceptKeywords``; the item's identifier, URI, code, item
  type, ``listEnumeration``, ``educationLevel``, ``notes``, ``language``, subjects, status
  dates and licence link are kept in :class:`~competency_core.competencies.CaseItem`
  (``Competency.case``) and written back by an export;
- the ``CFDocument``'s identifier, URI, creator, publisher, version and adoption status as
  written, official source, subjects, ``frameworkType``, status dates, notes, licence and the
  item types are kept in :class:`~competency_core.competencies.CaseDocument` (``model.case``);
- ``isChildOf`` gives the hierarchy (siblings ordered by ``sequenceNumber``, then
  ``listEnumeration``, then ``humanCodingScheme`` in natural order, then file order); its
  identifier, URI, sequence number and link titles are kept; a second parent, or one that
  would close a cycle, is kept as an ``isChildOf`` association outside the hierarchy;
- every other association (``precedes``, ``isRelatedTo``, ``exactMatchOf``, ``exemplar``,
  ``isPeerOf``, ``isPartOf``, ``replacedBy``, ``hasSkillLevel``, ``isTranslationOf``,
  ``ext:...``) becomes a typed :class:`~competency_core.competencies.Association` of its
  origin competency, to a competency of the package or to an outside node (its URI, title,
  identifier and ``targetType`` as written), with its identifier, URI and sequence number;
- ``CFRubrics`` become scales (level = ``score``, else position); criteria linked to an item
  give its level descriptions (prose lines) and indicators (``- `` lines) per level;
  items without one are measured on a two-level
  "achievement" scale (not yet demonstrated / demonstrated), or on ``scale`` if given.

Whatever is dropped or reinterpreted is named, field by field, in the
:class:`~competency_core.publish.case.CaseReport` of the import.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from competency_core.competencies import ASSOCIATION_TYPES, EXT_ASSOCIATION_TYPE
from competency_core.errors import CompetencyError, ModelValidationError, Problem
from competency_core.io import check_model_data, read_text
from competency_core.keys import _SEMVER, KEY_MAX_LENGTH, KEY_PATTERN
from competency_core.model import CompetencyModel
from competency_core.publish.case import (
    ADOPTION_TO_STATUS,
    EXTENSION,
    CaseAction,
    CaseReport,
    is_case_uuid,
)
from competency_core.scales import ProficiencyScale
from competency_core.text import LANGUAGE_CODE

ACHIEVEMENT_SCALE = ProficiencyScale.model_validate(
    {
        "key": "achievement",
        "name": "Achievement",
        "description": "Whether the competency has been demonstrated (frameworks without levels).",
        "levels": [
            {"value": 0, "label": "Not yet demonstrated"},
            {"value": 1, "label": "Demonstrated"},
        ],
        "proficient": 1,
    }
)
"""The scale given to imported competencies that come without rubric levels."""

_NAME_MAX = 120
_HIERARCHY = "isChildOf"

_DOC_FIELDS = frozenset(
    {
        "identifier",
        "uri",
        "frameworkType",
        "caseVersion",
        "creator",
        "title",
        "lastChangeDateTime",
        "officialSourceURL",
        "publisher",
        "description",
        "subject",
        "subjectURI",
        "language",
        "version",
        "adoptionStatus",
        "statusStartDate",
        "statusEndDate",
        "licenseURI",
        "notes",
        "extensions",
    }
)
_ITEM_FIELDS = frozenset(
    {
        "identifier",
        "fullStatement",
        "alternativeLabel",
        "CFItemType",
        "uri",
        "humanCodingScheme",
        "listEnumeration",
        "abbreviatedStatement",
        "conceptKeywords",
        "conceptKeywordsURI",
        "notes",
        "subject",
        "subjectURI",
        "language",
        "educationLevel",
        "educationalLevel",
        "CFItemTypeURI",
        "licenseURI",
        "statusStartDate",
        "statusEndDate",
        "lastChangeDateTime",
        "extensions",
    }
)
_ASSOCIATION_FIELDS = frozenset(
    {
        "identifier",
        "associationType",
        "sequenceNumber",
        "uri",
        "originNodeURI",
        "destinationNodeURI",
        "lastChangeDateTime",
        "notes",
        "extensions",
    }
)
_ITEM_TYPE_FIELDS = frozenset(
    {
        "identifier",
        "uri",
        "title",
        "description",
        "hierarchyCode",
        "typeCode",
        "lastChangeDateTime",
        "extensions",
    }
)
_LICENSE_FIELDS = frozenset(
    {"identifier", "uri", "title", "description", "licenseText", "lastChangeDateTime", "extensions"}
)
_PACKAGE_FIELDS = frozenset(
    {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics"}
)


@dataclass
class CaseImport:
    """The outcome of an import: the model, and the report of what was dropped or reinterpreted."""

    model: CompetencyModel
    report: CaseReport = field(default_factory=CaseReport)
    file: str = ""
    """The file read (by :func:`read_case`), named in :attr:`notes`."""

    @property
    def notes(self) -> list[Problem]:
        """The report's entries as problems (with the file, for a file read by :func:`read_case`)."""
        return [p.located(self.file) if self.file else p for p in self.report.problems()]


@dataclass
class _Node:
    index: int
    data: Mapping[str, Any]
    identifier: str
    key: str = ""
    ext: Mapping[str, Any] | None = None
    parent: str | None = None
    parent_seq: tuple[Any, ...] = ()
    child_of: dict[str, Any] | None = None
    associations: list[dict[str, Any]] = field(default_factory=list)


def _natural(value: Any) -> tuple[tuple[int, int, str], ...]:
    """Sort key for codes like 'L1.10' after 'L1.9' (numbers before words at one place).

    >>> sorted(["L1.10", "L1.9", "a", "1"], key=_natural)
    ['1', 'a', 'L1.9', 'L1.10']
    """
    if not isinstance(value, str):
        return ()
    return tuple(
        (0, int(p), "") if p.isdecimal() else (1, 0, p.lower())
        for p in re.split(r"(\d+)", value)
        if p
    )


def _ext(obj: Any) -> Mapping[str, Any] | None:
    if isinstance(obj, Mapping):
        ext = obj.get("extensions")
        if isinstance(ext, Mapping) and isinstance(ext.get(EXTENSION), Mapping):
            data: Mapping[str, Any] = ext[EXTENSION]
            return data
    return None


def _link(value: Any) -> tuple[str | None, str | None, str | None]:
    """(identifier, uri, title) of a link written as an object or as a plain URI string."""
    if isinstance(value, str):
        return None, value, None
    if isinstance(value, Mapping):
        ident, uri, title = value.get("identifier"), value.get("uri"), value.get("title")
        return (
            ident if isinstance(ident, str) else None,
            uri if isinstance(uri, str) else None,
            title if isinstance(title, str) else None,
        )
    return None, None, None


def _str(data: Mapping[str, Any], name: str) -> str:
    """A string field of a CASE object ('' when absent or not a string)."""
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _valid_key(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= KEY_MAX_LENGTH
        and bool(KEY_PATTERN.fullmatch(value))
    )


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60].strip("-")


def _split_level_text(text: str) -> tuple[str, list[str]]:
    r"""A rubric level's text as (prose, indicators): lines starting '- ' or '• ' are indicators.

    >>> _split_level_text("Works alone.\n- Ships features\n• Reviews code")
    ('Works alone.', ['Ships features', 'Reviews code'])
    """
    prose: list[str] = []
    bullets: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:2] in ("- ", "• ", "* "):
            bullets.append(stripped[2:].strip())
        elif stripped:
            prose.append(stripped)
    return "\n".join(prose), [b for b in bullets if b]


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _NAME_MAX:
        return text
    cut = text[: _NAME_MAX - 1].rsplit(" ", 1)[0]
    return cut + "…"


class _Importer:
    def __init__(self, package: Any, scale: ProficiencyScale | None, language: str | None) -> None:
        self.report = CaseReport(language=language or "en")
        self.tr = self.report.tr
        self.errors: list[Problem] = []
        self.pkg = package
        self.default_scale = scale or ACHIEVEMENT_SCALE
        self.item_ids: set[str] = set()

    def add(self, path: str, action: CaseAction, reason: str) -> None:
        self.report.add(path, action, reason)

    def error(self, path: str, message: str) -> None:
        self.errors.append(Problem(path=path, message=message))

    # -- fields kept as written ----------------------------------------------------------------
    def text_field(self, data: Mapping[str, Any], name: str, path: str) -> str | None:
        """A string field kept as written; anything else is reported as dropped."""
        if name not in data or data[name] is None:
            if name in data:
                self.add(f"{path}.{name}", "dropped", self.tr._("empty (null)"))
            return None
        value = data[name]
        if isinstance(value, str):
            return value
        self.add(f"{path}.{name}", "dropped", self.tr._("not text"))
        return None

    def strings(self, data: Mapping[str, Any], name: str, path: str) -> list[str]:
        """A list of strings kept as written (a single string is read as a list of one)."""
        value = data.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            if name != "educationalLevel":
                self.add(f"{path}.{name}", "reinterpreted", self.tr._("one text read as a list"))
            return [value]
        if isinstance(value, list):
            out = [v for v in value if isinstance(v, str)]
            for j, v in enumerate(value):
                if not isinstance(v, str):
                    self.add(f"{path}.{name}[{j}]", "dropped", self.tr._("not text"))
            return out
        self.add(f"{path}.{name}", "dropped", self.tr._("not a list of texts"))
        return []

    def case_link(self, value: Any, path: str) -> dict[str, Any] | None:
        """A link kept as written (an object, or a plain URI string)."""
        if value is None:
            return None
        if isinstance(value, str):
            return {"uri": value}
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for name, key in (
                ("title", "title"),
                ("identifier", "identifier"),
                ("uri", "uri"),
                ("targetType", "target_type"),
            ):
                v = value.get(name)
                if isinstance(v, str):
                    out[key] = v
                elif v is not None:
                    self.add(f"{path}.{name}", "dropped", self.tr._("not text"))
            for name in value:
                if name not in ("title", "identifier", "uri", "targetType"):
                    self.add(f"{path}.{name}", "dropped", self.tr._("not a field of a CASE link"))
            return out
        self.add(path, "dropped", self.tr._("not a link"))
        return None

    def links(self, data: Mapping[str, Any], name: str, path: str) -> list[dict[str, Any]]:
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        return [
            link for j, v in enumerate(value) if (link := self.case_link(v, f"{path}.{name}[{j}]"))
        ]

    def date(self, data: Mapping[str, Any], name: str, path: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            self.add(f"{path}.{name}", "dropped", self.tr._("not a date (YYYY-MM-DD)"))
            return None

    def identifier(self, data: Mapping[str, Any], path: str) -> str | None:
        ident = data.get("identifier")
        if ident is None:
            return None
        if is_case_uuid(ident):
            return str(ident)
        self.add(
            f"{path}.identifier",
            "reinterpreted",
            self.tr._("not a lower-case UUID as CASE 1.1 wants: an export gives a new one"),
        )
        return None

    def common(self, data: Mapping[str, Any], path: str, known: frozenset[str]) -> None:
        """Report the fields no CASE 1.1 object of this kind has, and the ones not kept."""
        tr = self.tr
        if "lastChangeDateTime" in data:
            self.add(
                f"{path}.lastChangeDateTime",
                "reinterpreted",
                tr._("an export writes its own time of change"),
            )
        ext = data.get("extensions")
        if isinstance(ext, Mapping):
            for name in ext:
                if name not in (EXTENSION, f"{EXTENSION}Namespace"):
                    self.add(
                        f"{path}.extensions.{name}", "dropped", tr._("another tool's extension")
                    )
        elif ext is not None:
            self.add(f"{path}.extensions", "dropped", tr._("not an object"))
        for name in data:
            if name in known:
                continue
            if name == "CFDocumentURI":
                why = tr._("CASE 1.0's link to the document: the package's document is it")
            elif name == "CFPackageURI":
                why = tr._("CASE 1.0's link to the package: CASE 1.1 has no such field")
            elif name == "CFItemAssociationURI":
                why = tr._("CASE 1.0's link to the item's associations: they are in the package")
            else:
                why = tr._("not a CASE 1.1 field")
            self.add(f"{path}.{name}", "dropped", why)

    # -- structure checks ------------------------------------------------------------------
    def _list(self, name: str) -> list[Any]:
        value = self.pkg.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, f"{name} must be a list, not {type(value).__name__}")
            return []
        return value

    def run(self) -> CaseImport:
        if not isinstance(self.pkg, Mapping):
            raise ModelValidationError(
                [Problem(path="", message="a CASE package is a JSON object with a CFDocument")],
                "not a CASE package",
            )
        doc = self.pkg.get("CFDocument")
        if not isinstance(doc, Mapping):
            self.error("CFDocument", "the package has no CFDocument object")
        items = self._list("CFItems")
        assocs = self._list("CFAssociations")
        rubrics = self._list("CFRubrics")
        nodes: list[_Node] = []
        for i, item in enumerate(items):
            ident = item.get("identifier") if isinstance(item, Mapping) else None
            if not isinstance(ident, str) or not ident:
                self.error(f"CFItems[{i}].identifier", "every CFItem needs an identifier")
                continue
            nodes.append(_Node(i, item, ident, ext=_ext(item)))
        if self.errors:
            raise ModelValidationError(self.errors, "the CASE package is malformed")
        assert isinstance(doc, Mapping)
        for name in self.pkg:
            if name not in _PACKAGE_FIELDS:
                why = (
                    self.tr._("another tool's package extension")
                    if name == "extensions"
                    else self.tr._("not a CASE 1.1 field")
                )
                self.add(name, "dropped", why)
        self._assign_keys(nodes)
        self._read_associations(assocs, doc, nodes)
        scales, by_item = self._read_rubrics(rubrics, nodes)
        model = self._build(doc, nodes, scales, by_item)
        return CaseImport(model, self.report)

    # -- keys --------------------------------------------------------------------------------
    def _assign_keys(self, nodes: list[_Node]) -> None:
        codes: dict[str, int] = defaultdict(int)
        for n in nodes:
            if n.ext is None and _valid_key(n.data.get("humanCodingScheme")):
                codes[n.data["humanCodingScheme"]] += 1
        taken: set[str] = set()
        for n in nodes:
            ext_key = n.ext.get("key") if n.ext is not None else None
            code = _str(n.data, "humanCodingScheme")
            if isinstance(ext_key, str):
                n.key = ext_key
            elif _valid_key(code) and codes[code] == 1:
                n.key = code
            else:
                n.key = n.identifier if _valid_key(n.identifier) else f"item-{_slug(n.identifier)}"
            if n.key in taken:
                n.key = f"{n.key}-{n.index}"
            taken.add(n.key)

    # -- associations ------------------------------------------------------------------------
    def _read_associations(
        self, assocs: Sequence[Any], doc: Mapping[str, Any], nodes: list[_Node]
    ) -> None:
        by_id = {n.identifier: n for n in nodes}
        by_uri = {n.data["uri"]: n for n in nodes if isinstance(n.data.get("uri"), str)}
        doc_ids = {doc.get("identifier"), doc.get("uri")} - {None}
        tr = self.tr

        def find(link: Any) -> _Node | None:
            ident, uri, _ = _link(link)
            if ident in by_id:
                return by_id[ident]
            if uri in by_uri:
                return by_uri[uri]
            if uri:
                tail = uri.rstrip("/").rsplit("/", 1)[-1]
                return by_id.get(tail)
            return None

        parents: dict[str, list[tuple[tuple[Any, ...], _Node, dict[str, Any]]]] = defaultdict(list)
        for i, a in enumerate(assocs):
            path = f"CFAssociations[{i}]"
            if not isinstance(a, Mapping):
                self.add(path, "dropped", tr._("not an object"))
                continue
            kind = a.get("associationType")
            origin = find(a.get("originNodeURI"))
            if origin is None:
                self.add(
                    path,
                    "dropped",
                    tr._(
                        "%(type)s from a node that is not an item of the package",
                        type=str(kind),
                    ),
                )
                continue
            if origin.ext is not None:
                continue  # exported by competency-core: the extension is the whole truth
            if not isinstance(kind, str) or not (
                kind in ASSOCIATION_TYPES or EXT_ASSOCIATION_TYPE.fullmatch(kind)
            ):
                safe = re.sub(r"[^A-Za-z0-9._-]", "-", str(kind)) or "unknown"
                self.add(
                    f"{path}.associationType",
                    "reinterpreted",
                    tr._("not a CASE 1.1 association type: kept as ext:%(name)s", name=safe),
                )
                kind = f"ext:{safe}"
            self.common(a, path, _ASSOCIATION_FIELDS)
            dest_link = a.get("destinationNodeURI")
            dest = find(dest_link)
            seq = a.get("sequenceNumber")
            if isinstance(seq, str) and seq.strip().lstrip("-").isdecimal():
                self.add(
                    f"{path}.sequenceNumber",
                    "reinterpreted",
                    tr._("a number written as text: written as a number"),
                )
                seq = int(seq)
            elif seq is not None and not (isinstance(seq, int) and not isinstance(seq, bool)):
                self.add(f"{path}.sequenceNumber", "dropped", tr._("not a whole number"))
                seq = None
            order = (seq is None, seq if seq is not None else 0, i)
            record: dict[str, Any] = {"type": kind}
            if seq is not None:
                record["sequence"] = seq
            ident = self.identifier(a, path)
            if ident is not None:
                record["identifier"] = ident
            if isinstance(a.get("uri"), str):
                record["uri"] = a["uri"]
            origin_link = self.case_link(a.get("originNodeURI"), f"{path}.originNodeURI") or {}
            if "title" in origin_link:
                record["origin_title"] = origin_link["title"]
            if isinstance(a.get("notes"), str):
                record["notes"] = a["notes"]
            node = self.case_link(dest_link, f"{path}.destinationNodeURI") or {}
            d_ident, d_uri = node.get("identifier"), node.get("uri")
            if dest is not None:
                record["competency"] = dest.key
                if "title" in node:
                    record["node"] = {"title": node["title"]}
                if kind == _HIERARCHY:
                    parents[origin.key].append((order, dest, record))
                else:
                    origin.associations.append(record)
                continue
            if not d_uri:
                self.add(path, "dropped", tr._("%(type)s to a node without a URI", type=kind))
                continue
            record["node"] = node
            if kind == _HIERARCHY and (d_ident in doc_ids or d_uri in doc_ids):
                if origin.child_of is None:
                    origin.child_of = record
                    origin.parent_seq = order
                else:
                    origin.associations.append(record)
                continue
            if kind == _HIERARCHY:
                self.add(
                    path,
                    "reinterpreted",
                    tr._(
                        "isChildOf a node outside the package: the item is at the top, "
                        "the link kept as an association"
                    ),
                )
            origin.associations.append(record)
        self._set_parents(parents, {n.key: n for n in nodes})

    def _set_parents(
        self,
        parents: Mapping[str, list[tuple[tuple[Any, ...], _Node, dict[str, Any]]]],
        nodes: Mapping[str, _Node],
    ) -> None:
        tr = self.tr
        for key, options in parents.items():
            node = nodes[key]
            for order, candidate, record in sorted(options, key=lambda p: p[0]):
                if (
                    node.parent is None
                    and node.child_of is None
                    and not self._would_cycle(nodes, key, candidate.key)
                ):
                    node.parent = candidate.key
                    node.parent_seq = order
                    node.child_of = record
                    continue
                why = (
                    tr._("a second parent")
                    if node.parent is not None or node.child_of is not None
                    else tr._("a parent closing a cycle")
                )
                self.add(
                    f"CFAssociations[{order[2]}]",
                    "reinterpreted",
                    tr._(
                        "%(child)s isChildOf %(parent)s: %(why)s, kept as an isChildOf "
                        "association outside the hierarchy",
                        child=repr(key),
                        parent=repr(candidate.key),
                        why=why,
                    ),
                )
                node.associations.append(record)

    @staticmethod
    def _would_cycle(nodes: Mapping[str, _Node], child: str, parent: str) -> bool:
        seen = {child}
        p: str | None = parent
        while p is not None:
            if p in seen:
                return True
            seen.add(p)
            p = nodes[p].parent if p in nodes else None
        return False

    # -- rubrics -----------------------------------------------------------------------------
    def _read_rubrics(
        self, rubrics: Sequence[Any], nodes: list[_Node]
    ) -> tuple[list[dict[str, Any]], dict[str, tuple[str, dict[int, str]]]]:
        scales: list[dict[str, Any]] = []
        by_item: dict[str, tuple[str, dict[int, str]]] = {}
        item_ids = {n.identifier: n for n in nodes} | {
            n.data["uri"]: n for n in nodes if isinstance(n.data.get("uri"), str)
        }
        used: set[str] = set()
        for i, rubric in enumerate(rubrics):
            path = f"CFRubrics[{i}]"
            if not isinstance(rubric, Mapping):
                continue
            ext = _ext(rubric)
            if ext is not None:
                scales.append(dict(ext))
                used.add(str(ext.get("key")))
                continue
            criteria = [c for c in rubric.get("CFRubricCriteria") or [] if isinstance(c, Mapping)]
            levels_of = [self._criterion_levels(c) for c in criteria]
            template = next((lv for lv in levels_of if len(lv) >= 2), None)
            if template is None:
                self.add(path, "dropped", self.tr._("a rubric without two levels or more"))
                continue
            title = rubric.get("title") if isinstance(rubric.get("title"), str) else None
            key = _slug(title or "") or f"rubric-{i + 1}"
            while key in used:
                key += f"-{i + 1}"
            used.add(key)
            values = [v for v, _, _ in template]
            scale: dict[str, Any] = {
                "key": key,
                "name": title or key,
                "levels": [
                    {"value": v, "label": q or str(v), **({"description": d} if d else {})}
                    for v, q, d in template
                ],
                "proficient": values[len(values) // 2],
            }
            if isinstance(rubric.get("description"), str) and rubric["description"]:
                scale["description"] = rubric["description"]
            scales.append(scale)
            self.add(
                path,
                "reinterpreted",
                self.tr._(
                    "read as scale %(key)s; CASE has no proficient level: %(level)s used, "
                    "and the rubric's identifiers are not kept",
                    key=repr(key),
                    level=scale["proficient"],
                ),
            )
            for crit, levels in zip(criteria, levels_of, strict=True):
                ident, uri, _ = _link(crit.get("CFItemURI"))
                node = item_ids.get(ident or "") or item_ids.get(uri or "")
                if node is None or node.ext is not None:
                    continue
                by_item[node.key] = (key, {v: d for v, _, d in levels if v in values and d})
        return scales, by_item

    @staticmethod
    def _criterion_levels(criterion: Mapping[str, Any]) -> list[tuple[int, str, str]]:
        raw = [
            lv for lv in criterion.get("CFRubricCriterionLevels") or [] if isinstance(lv, Mapping)
        ]
        raw.sort(key=lambda lv: (lv.get("position") is None, lv.get("position") or 0))
        out: list[tuple[int, str, str]] = []
        for pos, lv in enumerate(raw):
            score = lv.get("score")
            value = int(score) if isinstance(score, int | float) and score == int(score) else pos
            if any(v == value for v, _, _ in out):
                value = pos
            quality, desc = _str(lv, "quality"), _str(lv, "description")
            out.append((value, quality, desc))
        out.sort()
        return out

    # -- the model ---------------------------------------------------------------------------
    def _case_item(self, n: _Node) -> dict[str, Any]:
        """What the model keeps of an item for a re-export (Competency.case)."""
        item, path = n.data, f"CFItems[{n.index}]"
        kept: dict[str, Any] = {}
        ident = self.identifier(item, path)
        if ident is not None and ident in self.item_ids:
            self.add(
                f"{path}.identifier",
                "reinterpreted",
                self.tr._("another item has this identifier: an export gives a new one"),
            )
        elif ident is not None:
            self.item_ids.add(ident)
            kept["identifier"] = ident
        for name, key in (
            ("uri", "uri"),
            ("CFItemType", "item_type"),
            ("humanCodingScheme", "human_coding_scheme"),
            ("listEnumeration", "list_enumeration"),
            ("alternativeLabel", "alternative_label"),
            ("notes", "notes"),
            ("language", "language"),
        ):
            value = self.text_field(item, name, path)
            if value is not None:
                kept[key] = value
        levels = self.strings(item, "educationLevel", path)
        if "educationalLevel" in item:
            old = self.strings(item, "educationalLevel", path)
            split = [p.strip() for v in old for p in v.split(",") if p.strip()]
            self.add(
                f"{path}.educationalLevel",
                "reinterpreted",
                self.tr._("OpenSALT's CASE 1.0 spelling: written as educationLevel"),
            )
            levels += [v for v in split if v not in levels]
        if levels:
            kept["education_level"] = levels
        subjects = self.strings(item, "subject", path)
        if subjects:
            kept["subject"] = subjects
        subject_uris = self.links(item, "subjectURI", path)
        if subject_uris:
            kept["subject_uri"] = subject_uris
        for name, key in (
            ("CFItemTypeURI", "item_type_uri"),
            ("conceptKeywordsURI", "concept_keywords_uri"),
            ("licenseURI", "license_uri"),
        ):
            link = self.case_link(item.get(name), f"{path}.{name}")
            if link:
                kept[key] = link
        for name, key in (
            ("statusStartDate", "status_start_date"),
            ("statusEndDate", "status_end_date"),
        ):
            date = self.date(item, name, path)
            if date is not None:
                kept[key] = date
        if n.child_of is not None:
            kept["child_of"] = n.child_of
        self.common(item, path, _ITEM_FIELDS)
        return kept

    def _competency(
        self, n: _Node, scale_of: dict[str, tuple[str, dict[int, str]]]
    ) -> dict[str, Any]:
        if n.ext is not None:
            return dict(n.ext)
        item, path = n.data, f"CFItems[{n.index}]"
        full = _str(item, "fullStatement")
        abbrev = item.get("abbreviatedStatement")
        if isinstance(abbrev, str) and abbrev.strip():
            name = abbrev
        else:
            name = _short(full) or n.key
            if abbrev is not None:
                self.add(f"{path}.abbreviatedStatement", "dropped", self.tr._("empty"))
        if not full.strip():
            self.add(
                f"{path}.fullStatement",
                "reinterpreted",
                self.tr._("empty: an export writes the name as the statement"),
            )
        scale_key, level_texts = scale_of.get(n.key, (self.default_scale.key, {}))
        indicators: dict[int, list[str]] = {}
        described: dict[int, str] = {}
        for value, text in level_texts.items():
            prose, bullets = _split_level_text(text)
            if prose:
                described[value] = prose
            if bullets:
                indicators[value] = bullets
        comp: dict[str, Any] = {"key": n.key, "name": name, "scale": scale_key}
        if full.strip() and full != name:
            comp["definition"] = full
        if isinstance(item.get("CFItemType"), str) and item["CFItemType"]:
            comp["category"] = item["CFItemType"]
        if n.parent:
            comp["parent"] = n.parent
        if indicators:
            comp["indicators"] = indicators
        if described:
            comp["level_descriptions"] = described
        keywords = self.strings(item, "conceptKeywords", path)
        if keywords:
            comp["tags"] = keywords
        if n.associations:
            comp["associations"] = n.associations
        comp["case"] = self._case_item(n)
        return comp

    def _order(self, nodes: list[_Node]) -> list[_Node]:
        """Depth-first, siblings by sequence number, list enumeration, natural code, file order."""
        kids: dict[str | None, list[_Node]] = defaultdict(list)
        for n in nodes:
            kids[n.parent].append(n)

        def sort_key(n: _Node) -> tuple[Any, ...]:
            seq = n.parent_seq[:2] if n.parent_seq else (True, 0)
            return (
                *seq,
                _natural(n.data.get("listEnumeration")),
                _natural(n.data.get("humanCodingScheme")),
                n.index,
            )

        out: list[_Node] = []
        stack = sorted(kids[None], key=sort_key, reverse=True)
        while stack:
            n = stack.pop()
            out.append(n)
            stack += sorted(kids[n.key], key=sort_key, reverse=True)
        return out

    def _build(
        self,
        doc: Mapping[str, Any],
        nodes: list[_Node],
        scales: list[dict[str, Any]],
        by_item: dict[str, tuple[str, dict[int, str]]],
    ) -> CompetencyModel:
        ext = _ext(doc)
        ordered = nodes if all(n.ext is not None for n in nodes) else self._order(nodes)
        comps = [self._competency(n, by_item) for n in ordered]
        if any(c.get("scale") == self.default_scale.key for c in comps) and not any(
            s.get("key") == self.default_scale.key for s in scales
        ):
            scales.append(self.default_scale.model_dump(mode="json", exclude_defaults=True))
        data: dict[str, Any] = dict(ext) if ext is not None else self._document(doc, nodes)
        if not scales:
            scales.append(self.default_scale.model_dump(mode="json", exclude_defaults=True))
        data["scales"] = scales
        data["competencies"] = comps
        model, problems = check_model_data(data)
        if model is None:
            raise ModelValidationError(
                [p for p in problems if p.severity == "error"],
                "the CASE package does not make a valid model",
            )
        return model

    def _definitions(self, doc: Mapping[str, Any], kept: dict[str, Any]) -> None:
        """The item types and the document's licence from CFDefinitions; the rest reported."""
        defs = self.pkg.get("CFDefinitions")
        if defs is None:
            return
        if not isinstance(defs, Mapping):
            self.add("CFDefinitions", "dropped", self.tr._("not an object"))
            return
        lic_id, lic_uri, lic_title = _link(doc.get("licenseURI"))
        for name, entries in defs.items():
            path = f"CFDefinitions.{name}"
            if not isinstance(entries, list):
                self.add(path, "dropped", self.tr._("not a list"))
                continue
            for j, entry in enumerate(entries):
                where = f"{path}[{j}]"
                if not isinstance(entry, Mapping):
                    self.add(where, "dropped", self.tr._("not an object"))
                    continue
                if name == "CFItemTypes" and isinstance(entry.get("title"), str):
                    kept.setdefault("item_types", []).append(self._item_type(entry, where))
                elif (
                    name == "CFLicenses"
                    and isinstance(entry.get("title"), str)
                    and (entry.get("identifier") in (lic_id, None) or entry.get("uri") == lic_uri)
                    and "license" not in kept
                ):
                    lic = {"title": entry["title"]}
                    ident = self.identifier(entry, where)
                    if ident is not None:
                        lic["identifier"] = ident
                    for f, k in (
                        ("uri", "uri"),
                        ("description", "description"),
                        ("licenseText", "text"),
                    ):
                        v = self.text_field(entry, f, where)
                        if v is not None:
                            lic[k] = v
                    self.common(entry, where, _LICENSE_FIELDS)
                    kept["license"] = lic
                else:
                    self.add(
                        where,
                        "dropped",
                        self.tr._("the model keeps item types and the document's licence only"),
                    )
        if lic_title and "license" not in kept:
            kept["license"] = {
                k: v
                for k, v in (("title", lic_title), ("identifier", lic_id), ("uri", lic_uri))
                if v is not None and (k != "identifier" or is_case_uuid(v))
            }

    def _item_type(self, entry: Mapping[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"title": entry["title"]}
        ident = self.identifier(entry, where)
        if ident is not None:
            out["identifier"] = ident
        for f, k in (
            ("uri", "uri"),
            ("description", "description"),
            ("hierarchyCode", "hierarchy_code"),
            ("typeCode", "type_code"),
        ):
            v = self.text_field(entry, f, where)
            if v is not None and (v or k != "description"):  # an export writes "" for none
                out[k] = v
        self.common(entry, where, _ITEM_TYPE_FIELDS)
        return out

    def _document(self, doc: Mapping[str, Any], nodes: list[_Node]) -> dict[str, Any]:
        tr = self.tr
        path = "CFDocument"
        title, ident = _str(doc, "title"), _str(doc, "identifier")
        key = _slug(title) or (f"case-{ident}" if _valid_key(f"case-{ident}") else "case-import")
        data: dict[str, Any] = {"key": key, "name": title or key}
        kept: dict[str, Any] = {}
        case_id = self.identifier(doc, path)
        if case_id is not None:
            kept["identifier"] = case_id
        desc = doc.get("description")
        if isinstance(desc, str) and desc.strip():
            data["description"] = desc
        elif "description" in doc:
            self.add(f"{path}.description", "dropped", tr._("empty"))
        version = doc.get("version")
        if isinstance(version, str) and _SEMVER.fullmatch(version):
            data["version"] = version
        elif isinstance(version, str) and version:
            kept["version"] = version
            self.add(
                f"{path}.version",
                "reinterpreted",
                tr._(
                    "%(version)s is not a semantic version: the model is 0.1.0, the "
                    "package's version is written back on export",
                    version=repr(version),
                ),
            )
        elif version is not None:
            self.add(f"{path}.version", "dropped", tr._("not text"))
        status = doc.get("adoptionStatus")
        if isinstance(status, str) and status.strip():
            kept["adoption_status"] = status
            found = ADOPTION_TO_STATUS.get(status.strip().lower())
            if found is None:
                self.add(
                    f"{path}.adoptionStatus",
                    "reinterpreted",
                    tr._("%(status)s is not known: the model is a draft", status=repr(status)),
                )
            else:
                data["status"] = found.value
        langs = [doc.get("language")] + [n.data.get("language") for n in nodes]
        lang = next((x for x in langs if isinstance(x, str) and LANGUAGE_CODE.fullmatch(x)), None)
        if lang:
            data["default_language"] = lang
        if isinstance(doc.get("language"), str) and doc["language"] != lang:
            self.add(f"{path}.language", "dropped", tr._("not a language code"))
        case_version = doc.get("caseVersion")
        if case_version is not None and case_version != "1.1":
            self.add(f"{path}.caseVersion", "reinterpreted", tr._("an export is CASE 1.1"))
        for name, k in (
            ("uri", "uri"),
            ("creator", "creator"),
            ("publisher", "publisher"),
            ("officialSourceURL", "official_source_url"),
            ("frameworkType", "framework_type"),
            ("notes", "notes"),
        ):
            value = self.text_field(doc, name, path)
            if value is not None:
                kept[k] = value
        subjects = self.strings(doc, "subject", path)
        if subjects:
            kept["subject"] = subjects
        subject_uris = self.links(doc, "subjectURI", path)
        if subject_uris:
            kept["subject_uri"] = subject_uris
        for name, k in (
            ("statusStartDate", "status_start_date"),
            ("statusEndDate", "status_end_date"),
        ):
            date = self.date(doc, name, path)
            if date is not None:
                kept[k] = date
        self._definitions(doc, kept)
        meta: dict[str, Any] = {}
        if kept.get("creator"):
            meta["owner"] = kept["creator"]
        if kept.get("publisher"):
            meta["organisation"] = kept["publisher"]
        source = doc.get("officialSourceURL") or _link(doc.get("uri"))[1] or ident
        meta["source"] = f"CASE package {source}" if source else "CASE package"
        if "license" in kept:
            meta["license"] = kept["license"]["title"]
        data["metadata"] = meta
        self.common(doc, path, _DOC_FIELDS)
        data["case"] = kept
        return data


def import_case(
    package: Any, *, scale: ProficiencyScale | None = None, language: str | None = None
) -> CaseImport:
    """Read a CASE package (parsed JSON) into a model; see the module docs for the mapping.

    ``scale`` is used for competencies that come without rubric levels (default:
    :data:`ACHIEVEMENT_SCALE`). The report's reasons are in ``language`` (default English).
    Raises :class:`~competency_core.errors.ModelValidationError` listing every problem when
    the package is malformed.
    """
    return _Importer(package, scale, language).run()


def read_case(
    path: str | os.PathLike[str],
    *,
    scale: ProficiencyScale | None = None,
    language: str | None = None,
) -> CaseImport:
    """Read a CASE package file (JSON) into a model."""
    from competency_core.parsing import parse_json

    data, problems = parse_json(read_text(path), str(path))
    if problems:
        raise ModelValidationError(problems, f"{path}: not a CASE package")
    try:
        result = import_case(data, scale=scale, language=language)
    except ModelValidationError as exc:
        raise ModelValidationError(
            [p.located(str(path)) for p in exc.problems], f"{path}: cannot import"
        ) from None
    result.file = str(path)
    return result


def validate_case(
    package: Any, schema: str | os.PathLike[str] | Mapping[str, Any]
) -> list[Problem]:
    """Problems of a package against a CASE JSON schema (a path to it, or the parsed schema).

    The schema is not shipped: pass the official one (e.g. 1EdTech's
    ``case-v1p1-cfpackage.json``). Needs the ``jsonschema`` package.
    """
    try:
        import jsonschema
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise CompetencyError("validating CASE packages needs the 'jsonschema' package") from exc
    if not isinstance(schema, Mapping):
        try:
            schema = json.loads(Path(schema).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CompetencyError(f"cannot read the CASE schema {schema}: {exc}") from None
    assert isinstance(schema, Mapping)
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    out = []
    for err in sorted(validator.iter_errors(package), key=lambda e: list(map(str, e.path))):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.path).lstrip(".")
        out.append(Problem(path=path, message=err.message, code="case-schema"))
    return out


__all__ = ["ACHIEVEMENT_SCALE", "CaseImport", "import_case", "read_case", "validate_case"]
