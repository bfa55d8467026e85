"""Export a model as a 1EdTech CASE 1.1 ``CFPackage`` (JSON).

What goes where:

- the model is the ``CFDocument``;
- each competency is a ``CFItem`` (``humanCodingScheme`` = its key, ``abbreviatedStatement``
  = its name, ``fullStatement`` = its definition, or its name when it has none);
- the hierarchy is ``isChildOf`` associations (top-level items are children of the
  document), related competencies are ``isRelatedTo`` associations and external references
  are ``exactMatchOf`` associations to the outside concept (the reference's scheme in
  ``targetType``, e.g. ``ext:esco``; a ``case:<type>`` scheme gives that association type);
- each scale is a ``CFRubric`` whose first criterion holds the scale's level descriptions
  and whose further criteria hold, per competency on the scale (linked to the item through
  ``CFItemURI``), what it looks like at each level: its level description, then its
  behavioural indicators as ``- `` lines.

Everything CASE has no place for (translations, domains, tracks, role profiles, career
transitions, learning resources, metadata) travels in ``extensions.competencyCore`` of the
document, items and rubrics, so that :func:`~competency_core.publish.case_import.import_case`
gives back exactly the same model. Other CASE tools ignore these extensions.

Identifiers are UUIDv5 from :data:`CASE_NAMESPACE`, the model key and the object's keys: a
re-export keeps every identifier, whatever else changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Mapping
from typing import Any

from competency_core.competencies import Competency, ExternalReference
from competency_core.io import to_data, write_atomic
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.scales import ProficiencyScale

CASE_NAMESPACE = uuid.UUID("4f0b7c1e-8a36-5d1f-9f5e-2c9a0e3b6d71")
"""The UUIDv5 namespace of every identifier competency-core writes into CASE packages."""

EXTENSION = "competencyCore"
"""The key under ``extensions`` that carries what CASE has no field for."""

COMPETENCY_ITEM_TYPE = "Competency"
GROUP_ITEM_TYPE = "Competency group"

STATUS_TO_ADOPTION: dict[LifecycleStatus, str] = {
    LifecycleStatus.DRAFT: "Draft",
    LifecycleStatus.PILOT: "Pilot",
    LifecycleStatus.APPROVED: "Approved",
    LifecycleStatus.PUBLISHED: "Adopted",
    LifecycleStatus.RETIRED: "Deprecated",
}
"""Lifecycle status -> CASE ``adoptionStatus`` (free text in CASE; these are the usual words)."""

_TARGET_TYPE_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def case_identifier(model_key: str, *parts: str) -> str:
    """The stable UUIDv5 of an object of a model, from the model key and the object's keys.

    >>> case_identifier("m", "competency", "coding") == case_identifier("m", "competency", "coding")
    True
    >>> case_identifier("m", "competency", "coding") != case_identifier("m2", "competency", "coding")
    True
    """
    name = "\x1f".join((model_key, *parts))
    return str(uuid.uuid5(CASE_NAMESPACE, name))


class _Uris:
    """Builds the ``uri`` of each object: under ``base_uri`` if given, else ``urn:uuid:``."""

    def __init__(self, base_uri: str | None) -> None:
        self.base = base_uri.rstrip("/") if base_uri else None

    def __call__(self, kind: str, identifier: str) -> str:
        if self.base is None:
            return f"urn:uuid:{identifier}"
        return f"{self.base}/{kind}/{identifier}"


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _default_changed(model: CompetencyModel) -> dt.datetime:
    """The latest approval of the model, else now: CASE wants a last-change time everywhere."""
    if model.metadata.approvals:
        return max(a.at for a in model.metadata.approvals)
    return dt.datetime.now(dt.UTC)


def reference_association(ref: ExternalReference) -> tuple[str, str | None]:
    """The CASE association type and ``targetType`` for an external reference.

    >>> reference_association(ExternalReference(scheme="esco", uri="http://x"))
    ('exactMatchOf', 'ext:esco')
    >>> reference_association(ExternalReference(scheme="case", uri="http://x"))
    ('exactMatchOf', 'CASE')
    >>> reference_association(ExternalReference(scheme="case:exemplar", uri="http://x"))
    ('exemplar', 'CASE')
    """
    scheme = ref.scheme
    if scheme == "case":
        return "exactMatchOf", "CASE"
    if scheme.startswith("case:") and len(scheme) > 5:
        kind = scheme[5:]
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", kind):
            kind = "ext:" + _TARGET_TYPE_SAFE.sub("-", kind)
        return kind, "CASE"
    safe = _TARGET_TYPE_SAFE.sub("-", scheme) or "reference"
    return "exactMatchOf", f"ext:{safe}"


class _Exporter:
    def __init__(self, model: CompetencyModel, base_uri: str | None, changed: dt.datetime) -> None:
        self.model = model
        self.uri = _Uris(base_uri)
        self.changed = _timestamp(changed)
        self.lang = model.default_language
        self.doc_id = case_identifier(model.key)
        self.item_ids = {
            c.key: case_identifier(model.key, "competency", c.key) for c in model.competencies
        }

    def text(self, value: Any) -> str:
        return self.model.text(value)

    def link(self, kind: str, identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": self.uri(kind, identifier)}

    def item_link(self, key: str) -> dict[str, str]:
        return self.link("CFItems", self.item_ids[key], key)

    # -- the document ----------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        m = self.model
        md = m.metadata
        doc: dict[str, Any] = {
            "identifier": self.doc_id,
            "uri": self.uri("CFDocuments", self.doc_id),
            "caseVersion": "1.1",
            "creator": md.organisation or md.owner or m.key,
            "title": self.text(m.name),
            "lastChangeDateTime": self.changed,
            "language": self.lang,
            "version": m.version,
            "adoptionStatus": STATUS_TO_ADOPTION[m.status],
        }
        if md.organisation:
            doc["publisher"] = md.organisation
        if m.description is not None:
            doc["description"] = self.text(m.description)
        if md.source:
            doc["notes"] = md.source
        if md.license:
            lic = case_identifier(m.key, "license")
            doc["licenseURI"] = self.link("CFLicenses", lic, md.license)
        data = to_data(m)
        data.pop("scales", None)
        data.pop("competencies", None)
        doc["extensions"] = {EXTENSION: data}
        return doc

    def definitions(self) -> dict[str, Any]:
        types = []
        for title, desc in (
            (COMPETENCY_ITEM_TYPE, "A competency that people are assessed on."),
            (GROUP_ITEM_TYPE, "A grouping of competencies that is not assessed itself."),
        ):
            ident = case_identifier(self.model.key, "item-type", title)
            types.append(
                {
                    "identifier": ident,
                    "uri": self.uri("CFItemTypes", ident),
                    "title": title,
                    "description": desc,
                    "hierarchyCode": "1",
                    "typeCode": title,
                    "lastChangeDateTime": self.changed,
                }
            )
        out: dict[str, Any] = {"CFItemTypes": types}
        if self.model.metadata.license:
            ident = case_identifier(self.model.key, "license")
            lic = self.model.metadata.license
            out["CFLicenses"] = [
                {
                    "identifier": ident,
                    "uri": self.uri("CFLicenses", ident),
                    "title": lic,
                    "licenseText": lic,
                    "lastChangeDateTime": self.changed,
                }
            ]
        return out

    # -- items -------------------------------------------------------------------------------
    def item(self, c: Competency) -> dict[str, Any]:
        name = self.text(c.name)
        item_type = COMPETENCY_ITEM_TYPE if c.assessable else GROUP_ITEM_TYPE
        type_id = case_identifier(self.model.key, "item-type", item_type)
        out: dict[str, Any] = {
            "identifier": self.item_ids[c.key],
            "uri": self.uri("CFItems", self.item_ids[c.key]),
            "fullStatement": self.text(c.definition) if c.definition is not None else name,
            "abbreviatedStatement": name,
            "humanCodingScheme": c.key,
            "CFItemType": item_type,
            "CFItemTypeURI": self.link("CFItemTypes", type_id, item_type),
            "language": self.lang,
            "lastChangeDateTime": self.changed,
        }
        if c.tags:
            out["conceptKeywords"] = list(c.tags)
        out["extensions"] = {EXTENSION: to_data(c)}
        return out

    # -- associations ------------------------------------------------------------------------
    def association(
        self,
        kind: str,
        origin: str,
        destination: dict[str, str],
        sequence: int | None,
        tag: str,
    ) -> dict[str, Any]:
        ident = case_identifier(self.model.key, "association", kind, origin, tag)
        out: dict[str, Any] = {
            "identifier": ident,
            "associationType": kind,
            "uri": self.uri("CFAssociations", ident),
            "originNodeURI": self.item_link(origin),
            "destinationNodeURI": destination,
            "lastChangeDateTime": self.changed,
        }
        if sequence is not None:
            out["sequenceNumber"] = sequence
        return out

    def associations(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        position: dict[str | None, int] = {}
        doc_link = self.link("CFDocuments", self.doc_id, self.text(self.model.name))
        for c in self.model.competencies:
            seq = position[c.parent] = position.get(c.parent, 0) + 1
            dest = doc_link if c.parent is None else self.item_link(c.parent)
            out.append(self.association("isChildOf", c.key, dest, seq, c.parent or ""))
        for c in self.model.competencies:
            for i, other in enumerate(c.related, 1):
                out.append(self.association("isRelatedTo", c.key, self.item_link(other), i, other))
            for i, ref in enumerate(c.references, 1):
                kind, target = reference_association(ref)
                dest = {
                    "title": ref.label or ref.uri,
                    "identifier": str(uuid.uuid5(CASE_NAMESPACE, ref.uri)),
                    "uri": ref.uri,
                }
                if target is not None:
                    dest["targetType"] = target
                tag = f"{ref.scheme}\x1f{ref.uri}\x1f{i}"
                out.append(self.association(kind, c.key, dest, i, tag))
        return out

    def level_text(self, c: Competency, value: int) -> str:
        """A competency at a level, for a rubric: its prose, then its indicators as '- ' lines."""
        lines = []
        described = c.level_descriptions.get(value)
        if described is not None:
            lines.append(self.text(described))
        lines += [f"- {self.text(ind.text)}" for ind in c.indicators.get(value, ())]
        return "\n".join(lines)

    # -- rubrics -----------------------------------------------------------------------------
    def rubric(self, scale: ProficiencyScale) -> dict[str, Any]:
        key = self.model.key
        rid = case_identifier(key, "scale", scale.key)

        def criterion(
            ident: str, position: int, category: str, description: str, item: str | None
        ) -> dict[str, Any]:
            return {
                "identifier": ident,
                "uri": self.uri("CFRubricCriteria", ident),
                "category": category,
                "description": description,
                "position": position,
                "rubricId": rid,
                "lastChangeDateTime": self.changed,
                **({"CFItemURI": self.item_link(item)} if item else {}),
            }

        def level(ident: str, crit: str, pos: int, value: int, description: str) -> dict[str, Any]:
            lv = scale.level(value)
            out: dict[str, Any] = {
                "identifier": ident,
                "uri": self.uri("CFRubricCriterionLevels", ident),
                "quality": self.text(lv.label),
                "score": value,
                "position": pos,
                "rubricCriterionId": crit,
                "lastChangeDateTime": self.changed,
            }
            if description:
                out["description"] = description
            return out

        scale_crit = case_identifier(key, "scale", scale.key, "levels")
        first = criterion(
            scale_crit,
            0,
            "scale",
            f"The levels of the scale; proficient from level {scale.proficient}.",
            None,
        )
        first["CFRubricCriterionLevels"] = [
            level(
                case_identifier(key, "scale", scale.key, "levels", str(lv.value)),
                scale_crit,
                i,
                lv.value,
                self.text(lv.description),
            )
            for i, lv in enumerate(scale.levels)
        ]
        criteria = [first]
        for c in self.model.competencies:
            if c.scale != scale.key:
                continue
            cid = case_identifier(key, "scale", scale.key, "competency", c.key)
            crit = criterion(cid, len(criteria), "competency", self.text(c.name), c.key)
            crit["CFRubricCriterionLevels"] = [
                level(
                    case_identifier(key, "scale", scale.key, "competency", c.key, str(lv.value)),
                    cid,
                    i,
                    lv.value,
                    self.level_text(c, lv.value),
                )
                for i, lv in enumerate(scale.levels)
            ]
            criteria.append(crit)
        out: dict[str, Any] = {
            "identifier": rid,
            "uri": self.uri("CFRubrics", rid),
            "title": self.text(scale.name),
            "lastChangeDateTime": self.changed,
            "CFRubricCriteria": criteria,
        }
        if scale.description is not None:
            out["description"] = self.text(scale.description)
        out["extensions"] = {EXTENSION: to_data(scale)}
        return out


def export_case(
    model: CompetencyModel,
    *,
    base_uri: str | None = None,
    changed: dt.datetime | None = None,
) -> dict[str, Any]:
    """The model as a CASE 1.1 ``CFPackage`` (plain JSON data; see the module docs).

    ``base_uri`` is where the package will be served (objects get ``{base_uri}/CFItems/{id}``
    and so on); without it every ``uri`` is ``urn:uuid:{id}``. ``changed`` is the
    ``lastChangeDateTime`` written everywhere (default: the latest approval, else now).
    """
    ex = _Exporter(model, base_uri, changed or _default_changed(model))
    return {
        "CFDocument": ex.document(),
        "CFItems": [ex.item(c) for c in model.competencies],
        "CFAssociations": ex.associations(),
        "CFDefinitions": ex.definitions(),
        "CFRubrics": [ex.rubric(s) for s in model.scales],
    }


def dumps_case(package: Mapping[str, Any]) -> str:
    """A CASE package as JSON text (UTF-8, indented, keys in the order written)."""
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def write_case(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    *,
    base_uri: str | None = None,
    changed: dt.datetime | None = None,
) -> dict[str, Any]:
    """Write the model's CASE package to ``path`` (atomically) and return it."""
    package = export_case(model, base_uri=base_uri, changed=changed)
    write_atomic(path, dumps_case(package))
    return package


__all__ = [
    "CASE_NAMESPACE",
    "EXTENSION",
    "STATUS_TO_ADOPTION",
    "case_identifier",
    "dumps_case",
    "export_case",
    "reference_association",
    "write_case",
]
