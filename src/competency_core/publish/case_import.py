"""Import a 1EdTech CASE package (1.0 or 1.1 ``CFPackage`` JSON) into a competency model.

A package written by :func:`~competency_core.publish.case.export_case` carries
``extensions.competencyCore`` and comes back as exactly the model that was exported.
Any other package (OpenSALT, a state's standards, another vendor's skills framework) is
read from the standard fields, accepting what real publishers emit: links written as
objects or as plain URI strings, CASE 1.0's field names, missing ``sequenceNumber``:

- each ``CFItem`` becomes a competency; its key is the ``humanCodingScheme`` when that is a
  valid, unique key, else the item's identifier; its name the ``abbreviatedStatement`` (else
  the statement, shortened), its definition the ``fullStatement`` (with ``notes`` appended),
  its category the ``CFItemType``, its tags the ``conceptKeywords``; a ``case`` reference
  keeps the item's own URI;
- ``isChildOf`` gives the hierarchy (siblings ordered by ``sequenceNumber``, then
  ``listEnumeration``, then ``humanCodingScheme`` in natural order, then file order); a
  second parent, or one that would close a cycle, is kept as a related competency;
- ``isRelatedTo``, ``isPeerOf``, ``exactMatchOf``, ``precedes``, ``isPartOf`` and the other
  types between two items of the package relate them; to a node outside the package they
  become external references (``case`` for ``exactMatchOf``, ``case:<type>`` otherwise;
  OpenSALT's ``.../uri/https://...`` exemplar links are unwrapped to the real URL);
- ``CFRubrics`` become scales (level = ``score``, else position); criteria linked to an item
  give its level descriptions (prose lines) and indicators (``- `` lines) per level;
  items without one are measured on a two-level
  "achievement" scale (not yet demonstrated / demonstrated), or on ``scale`` if given.

Every decision that drops or reinterprets something is reported as a note.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from competency_core.errors import CompetencyError, ModelValidationError, Problem
from competency_core.io import check_model_data, read_text
from competency_core.keys import _SEMVER, KEY_MAX_LENGTH, KEY_PATTERN
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.publish.case import EXTENSION, STATUS_TO_ADOPTION
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

_ADOPTION_TO_STATUS = {v.lower(): k for k, v in STATUS_TO_ADOPTION.items()} | {
    "private draft": LifecycleStatus.DRAFT,
    "public review draft": LifecycleStatus.PILOT,
    "implemented": LifecycleStatus.PUBLISHED,
    "published": LifecycleStatus.PUBLISHED,
    "retired": LifecycleStatus.RETIRED,
}
_NAME_MAX = 120
_OPENSALT_WRAPPED = re.compile(r"^https?://[^ ]+?/uri/(https?://.+)$")
_HIERARCHY = "isChildOf"


@dataclass
class CaseImport:
    """The outcome of an import: the model, and notes on what was dropped or reinterpreted."""

    model: CompetencyModel
    notes: list[Problem] = field(default_factory=list)


@dataclass
class _Node:
    index: int
    data: Mapping[str, Any]
    identifier: str
    key: str = ""
    ext: Mapping[str, Any] | None = None
    parent: str | None = None
    parent_seq: tuple[Any, ...] = ()
    related: list[str] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)


def _natural(value: Any) -> tuple[Any, ...]:
    """Sort key for codes like 'L1.10' after 'L1.9'."""
    if not isinstance(value, str):
        return ()
    return tuple(int(p) if p.isdecimal() else p.lower() for p in re.split(r"(\d+)", value) if p)


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
    def __init__(self, package: Any, scale: ProficiencyScale | None) -> None:
        self.notes: list[Problem] = []
        self.errors: list[Problem] = []
        self.pkg = package
        self.default_scale = scale or ACHIEVEMENT_SCALE

    def note(self, path: str, message: str, severity: str = "info") -> None:
        self.notes.append(Problem(path=path, message=message, severity=severity))  # type: ignore[arg-type]

    def error(self, path: str, message: str) -> None:
        self.errors.append(Problem(path=path, message=message))

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
        self._assign_keys(nodes)
        self._read_associations(assocs, doc, nodes)
        scales, by_item = self._read_rubrics(rubrics, nodes)
        model = self._build(doc, nodes, scales, by_item)
        return CaseImport(model, self.notes)

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
                if code:
                    why = "is used by several items" if codes.get(code, 0) > 1 else "is not a key"
                    self.note(
                        f"CFItems[{n.index}].humanCodingScheme",
                        f"{code!r} {why}: the item's identifier is its key",
                    )
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

        parents: dict[str, list[tuple[tuple[Any, ...], _Node]]] = defaultdict(list)
        for i, a in enumerate(assocs):
            path = f"CFAssociations[{i}]"
            if not isinstance(a, Mapping):
                self.note(path, "not an object: ignored", "warning")
                continue
            kind = a.get("associationType")
            origin = find(a.get("originNodeURI"))
            if origin is None:
                self.note(path, f"{kind} from a node outside the items: ignored")
                continue
            if origin.ext is not None:
                continue  # exported by competency-core: the extension is the whole truth
            dest_link = a.get("destinationNodeURI")
            dest = find(dest_link)
            seq = a.get("sequenceNumber")
            order = (seq is None, seq if isinstance(seq, int | float) else 0, i)
            d_ident, d_uri, d_title = _link(dest_link)
            if kind == _HIERARCHY:
                if dest is not None:
                    parents[origin.key].append((order, dest))
                elif d_ident in doc_ids or d_uri in doc_ids:
                    origin.parent_seq = order
                else:
                    self.note(path, "isChildOf a node outside the package: kept at the top")
                continue
            if dest is not None:
                if dest.key != origin.key and dest.key not in origin.related:
                    origin.related.append(dest.key)
                continue
            if not d_uri:
                self.note(path, f"{kind} to a node without a URI: ignored", "warning")
                continue
            if d_ident in doc_ids or d_uri in doc_ids:
                self.note(path, f"{kind} to the document itself: ignored")
                continue
            wrapped = _OPENSALT_WRAPPED.match(d_uri)
            uri = wrapped.group(1) if wrapped else d_uri
            target = dest_link.get("targetType") if isinstance(dest_link, Mapping) else None
            if isinstance(target, str) and target.startswith("ext:") and kind == "exactMatchOf":
                scheme = target[4:]
            else:
                scheme = "case" if kind == "exactMatchOf" else f"case:{kind}"
            ref: dict[str, Any] = {"scheme": scheme, "uri": uri}
            if d_title and d_title != uri:
                ref["label"] = d_title
            origin.references.append(ref)
        self._set_parents(parents, {n.key: n for n in nodes})

    def _set_parents(
        self, parents: Mapping[str, list[tuple[tuple[Any, ...], _Node]]], nodes: Mapping[str, _Node]
    ) -> None:
        for key, options in parents.items():
            node = nodes[key]
            for order, candidate in sorted(options, key=lambda p: p[0]):
                if node.parent is None and not self._would_cycle(nodes, key, candidate.key):
                    node.parent = candidate.key
                    node.parent_seq = order
                    continue
                why = "a second parent" if node.parent is not None else "a parent closing a cycle"
                self.note(
                    f"CFItems[{node.index}]",
                    f"{key!r} isChildOf {candidate.key!r}: {why}, kept as a related competency",
                )
                if candidate.key not in node.related:
                    node.related.append(candidate.key)

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
                self.note(path, "a rubric without two levels or more: ignored", "warning")
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
            self.note(
                path, f"scale {key!r}: proficient level not in CASE, set to {scale['proficient']}"
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
    def _competency(
        self, n: _Node, scale_of: dict[str, tuple[str, dict[int, str]]]
    ) -> dict[str, Any]:
        if n.ext is not None:
            return dict(n.ext)
        item = n.data
        full = _str(item, "fullStatement")
        abbrev = item.get("abbreviatedStatement")
        name = abbrev if isinstance(abbrev, str) and abbrev.strip() else _short(full) or n.key
        definition = full.strip()
        notes = item.get("notes")
        if isinstance(notes, str) and notes.strip():
            definition = f"{definition}\n\nNotes: {notes.strip()}" if definition else notes.strip()
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
        if definition and definition != name:
            comp["definition"] = definition
        if isinstance(item.get("CFItemType"), str) and item["CFItemType"]:
            comp["category"] = item["CFItemType"]
        if n.parent:
            comp["parent"] = n.parent
        if indicators:
            comp["indicators"] = indicators
        if described:
            comp["level_descriptions"] = described
        if n.related:
            comp["related"] = n.related
        keywords = item.get("conceptKeywords")
        if isinstance(keywords, list):
            comp["tags"] = [k for k in keywords if isinstance(k, str)]
        refs = list(n.references)
        if isinstance(item.get("uri"), str):
            refs.insert(0, {"scheme": "case", "uri": item["uri"], "label": n.identifier})
        if refs:
            comp["references"] = refs
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

    def _document(self, doc: Mapping[str, Any], nodes: list[_Node]) -> dict[str, Any]:
        title, ident = _str(doc, "title"), _str(doc, "identifier")
        key = _slug(title) or (f"case-{ident}" if _valid_key(f"case-{ident}") else "case-import")
        data: dict[str, Any] = {"key": key, "name": title or key}
        desc = doc.get("description")
        if isinstance(desc, str) and desc.strip():
            data["description"] = desc
        version = doc.get("version")
        if isinstance(version, str) and _SEMVER.fullmatch(version):
            data["version"] = version
        elif version:
            self.note("CFDocument.version", f"{version!r} is not a semantic version: 0.1.0 used")
        status = doc.get("adoptionStatus")
        if isinstance(status, str) and status.strip():
            found = _ADOPTION_TO_STATUS.get(status.strip().lower())
            if found is None:
                self.note("CFDocument.adoptionStatus", f"{status!r} is not known: draft used")
            else:
                data["status"] = found.value
        langs = [doc.get("language")] + [n.data.get("language") for n in nodes]
        lang = next((x for x in langs if isinstance(x, str) and LANGUAGE_CODE.fullmatch(x)), None)
        if lang:
            data["default_language"] = lang
        meta: dict[str, Any] = {}
        if isinstance(doc.get("creator"), str) and doc["creator"]:
            meta["owner"] = doc["creator"]
        if isinstance(doc.get("publisher"), str) and doc["publisher"]:
            meta["organisation"] = doc["publisher"]
        source = doc.get("officialSourceURL") or _link(doc.get("uri"))[1] or ident
        meta["source"] = f"CASE package {source}" if source else "CASE package"
        lic = _link(doc.get("licenseURI"))[2]
        if lic:
            meta["license"] = lic
        data["metadata"] = meta
        return data


def import_case(package: Any, *, scale: ProficiencyScale | None = None) -> CaseImport:
    """Read a CASE package (parsed JSON) into a model; see the module docs for the mapping.

    ``scale`` is used for competencies that come without rubric levels (default:
    :data:`ACHIEVEMENT_SCALE`). Raises :class:`~competency_core.errors.ModelValidationError`
    listing every problem when the package is malformed.
    """
    return _Importer(package, scale).run()


def read_case(path: str | os.PathLike[str], *, scale: ProficiencyScale | None = None) -> CaseImport:
    """Read a CASE package file (JSON) into a model."""
    from competency_core.parsing import parse_json

    data, problems = parse_json(read_text(path), str(path))
    if problems:
        raise ModelValidationError(problems, f"{path}: not a CASE package")
    try:
        result = import_case(data, scale=scale)
    except ModelValidationError as exc:
        raise ModelValidationError(
            [p.located(str(path)) for p in exc.problems], f"{path}: cannot import"
        ) from None
    result.notes = [p.located(str(path)) for p in result.notes]
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
