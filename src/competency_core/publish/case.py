"""Export a model as a 1EdTech CASE 1.1 ``CFPackage`` (JSON), saying what did not fit.

What goes where:

- the model is the ``CFDocument`` (``caseVersion`` "1.1"; ``frameworkType``, ``subject``,
  ``creator``, ``publisher``, ``officialSourceURL``, status dates and notes as kept from a
  CASE import, see :class:`~competency_core.competencies.CaseDocument`);
- each competency is a ``CFItem`` (``humanCodingScheme`` = its key or the code it was
  imported with, ``abbreviatedStatement`` = its name, ``fullStatement`` = its definition, or
  its name when it has none; ``CFItemType``, ``listEnumeration``, ``educationLevel``,
  ``notes``, ``language``... as kept from a CASE import, see
  :class:`~competency_core.competencies.CaseItem`);
- the hierarchy is ``isChildOf`` associations (top-level items are children of the
  document) with ``sequenceNumber``; related competencies are ``isRelatedTo``
  associations, external references ``exactMatchOf`` associations to the outside concept
  (the reference's scheme in ``targetType``, e.g. ``ext:esco``; a ``case:<type>`` scheme
  gives that association type), and typed associations
  (:class:`~competency_core.competencies.Association`: ``precedes``, ``exemplar``,
  ``isPeerOf``...) are written as they are, to an item or to an outside node;
- each scale is a ``CFRubric`` whose first criterion holds the scale's level descriptions
  and whose further criteria hold, per competency on the scale (linked to the item through
  ``CFItemURI``), what it looks like at each level: its level description, then its
  behavioural indicators as ``- `` lines.

Everything CASE has no place for (translations, domains, tracks, role profiles, career
transitions, learning resources, metadata) travels in ``extensions.competencyCore`` of the
document, items and rubrics, so that :func:`~competency_core.publish.case_import.import_case`
gives back exactly the same model. Other CASE tools ignore these extensions. The
:class:`CaseReport` of :func:`build_case` lists it, with every text written in the default
language because the asked language had none.

Identifiers: a model that came from CASE keeps its package's identifiers and URIs; anything
else gets a UUIDv5 from :data:`CASE_NAMESPACE`, the model key and the object's keys, so a
re-export keeps every identifier, whatever else changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from competency_core.competencies import (
    Association,
    CaseLink,
    Competency,
    ExternalReference,
)
from competency_core.errors import Problem
from competency_core.i18n import N_, Translator, translator
from competency_core.io import to_data, write_atomic
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.scales import ProficiencyScale
from competency_core.text import LocalizedText

CASE_NAMESPACE = uuid.UUID("4f0b7c1e-8a36-5d1f-9f5e-2c9a0e3b6d71")
"""The UUIDv5 namespace of every identifier competency-core writes into CASE packages."""

EXTENSION = "competencyCore"
"""The key under ``extensions`` that carries what CASE has no field for."""

EXTENSION_NAMESPACE = "https://competency-core.org/case/extensions/1"
"""Names the ``competencyCore`` extension in the document's extensions (its version)."""

COMPETENCY_ITEM_TYPE = N_("Competency")
GROUP_ITEM_TYPE = N_("Competency group")
_ITEM_TYPE_DESCRIPTIONS = {
    COMPETENCY_ITEM_TYPE: N_("A competency that people are assessed on."),
    GROUP_ITEM_TYPE: N_("A grouping of competencies that is not assessed itself."),
}

STATUS_TO_ADOPTION: dict[LifecycleStatus, str] = {
    LifecycleStatus.DRAFT: "Draft",
    LifecycleStatus.PILOT: "Pilot",
    LifecycleStatus.APPROVED: "Approved",
    LifecycleStatus.PUBLISHED: "Adopted",
    LifecycleStatus.RETIRED: "Deprecated",
}
"""Lifecycle status -> CASE ``adoptionStatus`` (free text in CASE; these are the usual words)."""

ADOPTION_TO_STATUS: dict[str, LifecycleStatus] = {
    v.lower(): k for k, v in STATUS_TO_ADOPTION.items()
} | {
    "private draft": LifecycleStatus.DRAFT,
    "public review draft": LifecycleStatus.PILOT,
    "implemented": LifecycleStatus.PUBLISHED,
    "published": LifecycleStatus.PUBLISHED,
    "retired": LifecycleStatus.RETIRED,
}
"""CASE ``adoptionStatus`` (lower case) -> lifecycle status, for imports."""

_TARGET_TYPE_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

CaseAction = Literal["dropped", "reinterpreted", "extension", "fallback"]
"""What happened to a field: dropped, read or written differently, kept in
``extensions.competencyCore`` only, or written in another language (fallback)."""

ACTION_LABELS: dict[str, str] = {
    "dropped": N_("dropped"),
    "reinterpreted": N_("reinterpreted"),
    "extension": N_("kept in extensions"),
    "fallback": N_("language fallback"),
}


@dataclass(frozen=True)
class CaseReportEntry:
    """One field that a CASE import or export did not carry over as it was."""

    path: str
    """Where: a package path (``CFItems[12].educationLevel``) or a model path (``roles``)."""
    action: CaseAction
    reason: str
    """Why, in the report's language."""

    @property
    def pattern(self) -> str:
        """The path with its list positions as ``[*]`` (``CFItems[*].notes``)."""
        return re.sub(r"\[\d+\]", "[*]", self.path)


@dataclass
class CaseReport:
    """What a CASE import or export dropped or reinterpreted, one entry per field."""

    language: str = "en"
    entries: list[CaseReportEntry] = field(default_factory=list)
    _seen: set[CaseReportEntry] = field(default_factory=set, repr=False, compare=False)

    @property
    def tr(self) -> Translator:
        """The translator of the report's language."""
        return translator(self.language)

    def add(self, path: str, action: CaseAction, reason: str) -> None:
        """Record one field (``reason`` already in the report's language), once."""
        entry = CaseReportEntry(path, action, reason)
        if entry not in self._seen:
            self._seen.add(entry)
            self.entries.append(entry)

    def __iter__(self) -> Iterator[CaseReportEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def covers(self, path: str) -> bool:
        """Whether ``path`` or an object holding it (a prefix) is named in the report."""
        return any(
            path == e.path or path.startswith((e.path + ".", e.path + "[")) for e in self.entries
        )

    def counts(self) -> dict[str, int]:
        """Entries per action."""
        return dict(Counter(e.action for e in self.entries))

    def summary(self) -> str:
        """One line: how many fields were dropped, reinterpreted, kept in extensions..."""
        tr = self.tr
        if not self.entries:
            return tr._("CASE: everything carried over")
        parts = [
            tr._("%(n)s %(what)s", n=tr.number(n), what=tr._(ACTION_LABELS[a]))
            for a, n in sorted(self.counts().items(), key=lambda p: list(ACTION_LABELS).index(p[0]))
        ]
        return tr._("CASE: %(parts)s", parts=", ".join(parts))

    def grouped(self) -> list[tuple[str, CaseAction, str, int]]:
        """(path pattern, action, reason, how many), in first-seen order: for a short list."""
        seen: dict[tuple[str, CaseAction, str], int] = {}
        for e in self.entries:
            k = (e.pattern, e.action, e.reason)
            seen[k] = seen.get(k, 0) + 1
        return [(p, a, r, n) for (p, a, r), n in seen.items()]

    def lines(self) -> list[str]:
        """The grouped list as lines for people (``path: action: reason (n times)``)."""
        tr = self.tr
        out = []
        for pattern, action, reason, n in self.grouped():
            line = f"{pattern}: {tr._(ACTION_LABELS[action])}: {reason}"
            if n > 1:
                line += " " + tr.n_("(%(n)s field)", "(%(n)s fields)", n, n=tr.number(n))
            out.append(line)
        return out

    def problems(self) -> list[Problem]:
        """The entries as problems (severity info; dropped ones are warnings)."""
        return [
            Problem(
                path=e.path,
                message=f"{self.tr._(ACTION_LABELS[e.action])}: {e.reason}",
                severity="warning" if e.action == "dropped" else "info",
                code=f"case-{e.action}",
            )
            for e in self.entries
        ]

    def as_json(self) -> list[dict[str, str]]:
        """The entries as plain data (for ``--format json``)."""
        return [{"path": e.path, "action": e.action, "reason": e.reason} for e in self.entries]


@dataclass
class CaseExport:
    """A CASE package and the report of what it does not carry as the model has it."""

    package: dict[str, Any]
    report: CaseReport


def case_identifier(model_key: str, *parts: str) -> str:
    """The stable UUIDv5 of an object of a model, from the model key and the object's keys.

    >>> case_identifier("m", "competency", "coding") == case_identifier("m", "competency", "coding")
    True
    >>> case_identifier("m", "competency", "coding") != case_identifier("m2", "competency", "coding")
    True
    """
    name = "\x1f".join((model_key, *parts))
    return str(uuid.uuid5(CASE_NAMESPACE, name))


def is_case_uuid(value: Any) -> bool:
    """Whether ``value`` is a UUID as CASE 1.1 writes identifiers (lower-case 8-4-4-4-12)."""
    return isinstance(value, str) and bool(_UUID.fullmatch(value))


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
    def __init__(
        self,
        model: CompetencyModel,
        base_uri: str | None,
        changed: dt.datetime,
        language: str | None,
    ) -> None:
        self.model = model
        self.uri = _Uris(base_uri)
        self.changed = _timestamp(changed)
        self.lang = language or model.default_language
        self.report = CaseReport(language=self.lang)
        self.tr = self.report.tr
        self.kept = model.case
        if self.kept is not None and is_case_uuid(self.kept.identifier):
            self.doc_id = str(self.kept.identifier)
        else:
            self.doc_id = case_identifier(model.key)
        self.doc_uri = (
            self.kept.uri
            if self.kept is not None and self.kept.uri and self.doc_id == self.kept.identifier
            else self.uri("CFDocuments", self.doc_id)
        )
        self.item_ids: dict[str, str] = {}
        self.item_uris: dict[str, str] = {}
        for c in model.competencies:
            kept = c.case
            if kept is not None and is_case_uuid(kept.identifier):
                ident = str(kept.identifier)
                self.item_uris[c.key] = kept.uri or self.uri("CFItems", ident)
            else:
                ident = case_identifier(model.key, "competency", c.key)
                self.item_uris[c.key] = self.uri("CFItems", ident)
            self.item_ids[c.key] = ident

    def text(self, value: LocalizedText | None, where: str) -> str:
        """A model text in the export's language; a fallback to another is reported."""
        if value is None:
            return ""
        default = self.model.default_language
        if self.lang != default and self.lang not in value.languages(default_language=default):
            self.report.add(
                where,
                "fallback",
                self.tr._(
                    "no %(language)s text: written in %(fallback)s",
                    language=self.tr.language_name(self.lang),
                    fallback=self.tr.language_name(default),
                ),
            )
        return self.model.text(value, self.lang)

    def link(self, kind: str, identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": self.uri(kind, identifier)}

    def item_link(self, key: str, title: str | None = None) -> dict[str, str]:
        return {
            "title": title or key,
            "identifier": self.item_ids[key],
            "uri": self.item_uris[key],
        }

    def doc_link(self, title: str | None = None) -> dict[str, str]:
        name = title or self.model.text(self.model.name, self.lang)
        return {"title": name, "identifier": self.doc_id, "uri": self.doc_uri}

    @staticmethod
    def case_link(link: CaseLink, fallback_id: str) -> dict[str, str]:
        out = {
            "title": link.title if link.title is not None else (link.uri or ""),
            "identifier": link.identifier if link.identifier is not None else fallback_id,
            "uri": link.uri or f"urn:uuid:{fallback_id}",
        }
        if link.target_type is not None:
            out["targetType"] = link.target_type
        return out

    # -- the document ----------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        m = self.model
        md = m.metadata
        kept = self.kept
        doc: dict[str, Any] = {"identifier": self.doc_id, "uri": self.doc_uri}
        if kept is not None and kept.framework_type:
            doc["frameworkType"] = kept.framework_type
        doc["caseVersion"] = "1.1"
        doc["creator"] = (kept.creator if kept else None) or md.organisation or md.owner or m.key
        doc["title"] = self.text(m.name, "name")
        doc["lastChangeDateTime"] = self.changed
        if kept is not None and kept.official_source_url:
            doc["officialSourceURL"] = kept.official_source_url
        publisher = (kept.publisher if kept else None) or md.organisation
        if publisher:
            doc["publisher"] = publisher
        if m.description is not None:
            doc["description"] = self.text(m.description, "description")
        if kept is not None and kept.subject:
            doc["subject"] = list(kept.subject)
        if kept is not None and kept.subject_uri:
            doc["subjectURI"] = [
                self.case_link(s, case_identifier(m.key, "subject", str(i)))
                for i, s in enumerate(kept.subject_uri)
            ]
        doc["language"] = self.lang
        doc["version"] = (kept.version if kept and kept.version else None) or m.version
        adoption = kept.adoption_status if kept else None
        if adoption is None or ADOPTION_TO_STATUS.get(adoption.strip().lower()) != m.status:
            adoption = STATUS_TO_ADOPTION[m.status]
        if kept is None or kept.adoption_status is not None or m.status != LifecycleStatus.DRAFT:
            doc["adoptionStatus"] = adoption  # from CASE without one: none while a draft
        if kept is not None and kept.status_start_date:
            doc["statusStartDate"] = kept.status_start_date.isoformat()
        if kept is not None and kept.status_end_date:
            doc["statusEndDate"] = kept.status_end_date.isoformat()
        lic = self.license()
        if lic is not None:
            doc["licenseURI"] = {
                "title": lic["title"],
                "identifier": lic["identifier"],
                "uri": lic["uri"],
            }
        if kept is not None:
            if kept.notes:
                doc["notes"] = kept.notes
        elif md.source:
            doc["notes"] = md.source
        data = to_data(m)
        data.pop("scales", None)
        data.pop("competencies", None)
        doc["extensions"] = {EXTENSION: data, f"{EXTENSION}Namespace": EXTENSION_NAMESPACE}
        self.report_extension_sections(data)
        return doc

    def report_extension_sections(self, data: Mapping[str, Any]) -> None:
        """Name the model's parts that CASE has no field for (kept in the extension)."""
        tr = self.tr
        why = {
            "roles": tr._("role profiles have no CASE field"),
            "tracks": tr._("tracks have no CASE field"),
            "transitions": tr._("career transitions have no CASE field"),
            "learning_resources": tr._("learning resources have no CASE field"),
            "scale_mappings": tr._("scale mappings have no CASE field"),
            "evidence": tr._("evidence rules have no CASE field"),
            "lint": tr._("lint settings have no CASE field"),
            "languages": tr._("CASE has one language per package"),
        }
        for name, reason in why.items():
            if data.get(name):
                self.report.add(name, "extension", reason)
        meta = data.get("metadata") or {}
        for name in (
            "stakeholders",
            "required_approvers",
            "approvals",
            "review_date",
            "release",
            "extra",
        ):
            if meta.get(name):
                self.report.add(
                    f"metadata.{name}", "extension", tr._("this metadata has no CASE field")
                )

    def license(self) -> dict[str, Any] | None:
        kept = self.kept.license if self.kept is not None else None
        title = kept.title if kept is not None else self.model.metadata.license
        if not title:
            return None
        if kept is not None and is_case_uuid(kept.identifier):
            ident = str(kept.identifier)
            uri = kept.uri or self.uri("CFLicenses", ident)
        else:
            ident = case_identifier(self.model.key, "license")
            uri = self.uri("CFLicenses", ident)
        out: dict[str, Any] = {"identifier": ident, "uri": uri, "title": title}
        if kept is not None and kept.description is not None:
            out["description"] = kept.description
        out["licenseText"] = kept.text if kept is not None and kept.text is not None else title
        out["lastChangeDateTime"] = self.changed
        return out

    def item_types(self) -> list[dict[str, Any]]:
        """The kept item types, then ours (Competency, Competency group) where items use them."""
        out: list[dict[str, Any]] = []
        titles: set[str] = set()
        for i, t in enumerate(self.kept.item_types if self.kept else ()):
            ident = (
                str(t.identifier)
                if is_case_uuid(t.identifier)
                else case_identifier(self.model.key, "item-type", t.title, str(i))
            )
            entry: dict[str, Any] = {
                "identifier": ident,
                "uri": t.uri or self.uri("CFItemTypes", ident),
                "title": t.title,
                "description": t.description or "",
                "hierarchyCode": t.hierarchy_code or "1",
            }
            if t.type_code is not None:
                entry["typeCode"] = t.type_code
            entry["lastChangeDateTime"] = self.changed
            out.append(entry)
            titles.add(t.title)
        ours = [COMPETENCY_ITEM_TYPE, GROUP_ITEM_TYPE]
        if self.kept is not None:
            used = {self.own_item_type(c) for c in self.model.competencies}
            ours = [t for t in ours if t in used]
        for title in ours:
            ident = case_identifier(self.model.key, "item-type", title)
            shown = self.tr._(title)
            if shown in titles:
                continue
            out.append(
                {
                    "identifier": ident,
                    "uri": self.uri("CFItemTypes", ident),
                    "title": shown,
                    "description": self.tr._(_ITEM_TYPE_DESCRIPTIONS[title]),
                    "hierarchyCode": "1",
                    "typeCode": title,
                    "lastChangeDateTime": self.changed,
                }
            )
        return out

    @staticmethod
    def own_item_type(c: Competency) -> str | None:
        """Our item type for a competency not from CASE (None: it keeps what it came with)."""
        if c.case is not None:
            return None
        return COMPETENCY_ITEM_TYPE if c.assessable else GROUP_ITEM_TYPE

    def definitions(self) -> dict[str, Any]:
        out: dict[str, Any] = {"CFItemTypes": self.item_types()}
        lic = self.license()
        if lic is not None:
            out["CFLicenses"] = [lic]
        return out

    # -- items -------------------------------------------------------------------------------
    def item(self, i: int, c: Competency) -> dict[str, Any]:
        where = f"competencies[{i}]"
        name = self.text(c.name, f"{where}.name")
        kept = c.case
        own_type = self.own_item_type(c)
        out: dict[str, Any] = {
            "identifier": self.item_ids[c.key],
            "uri": self.item_uris[c.key],
            "fullStatement": (
                self.text(c.definition, f"{where}.definition") if c.definition is not None else name
            ),
        }
        if kept is not None and kept.alternative_label is not None:
            out["alternativeLabel"] = kept.alternative_label
        if own_type is None:
            if kept is not None and kept.item_type is not None:
                out["CFItemType"] = kept.item_type
        else:
            out["CFItemType"] = self.tr._(own_type)
        if kept is None:
            out["humanCodingScheme"] = c.key
        elif kept.human_coding_scheme is not None:
            out["humanCodingScheme"] = kept.human_coding_scheme
        if kept is not None and kept.list_enumeration is not None:
            out["listEnumeration"] = kept.list_enumeration
        out["abbreviatedStatement"] = name
        if c.tags:
            out["conceptKeywords"] = list(c.tags)
        if kept is not None and kept.concept_keywords_uri is not None:
            out["conceptKeywordsURI"] = self.case_link(
                kept.concept_keywords_uri, case_identifier(self.model.key, "keywords", c.key)
            )
        if kept is not None and kept.notes is not None:
            out["notes"] = kept.notes
        if kept is not None and kept.subject:
            out["subject"] = list(kept.subject)
        if kept is not None and kept.subject_uri:
            out["subjectURI"] = [
                self.case_link(s, case_identifier(self.model.key, "subject", c.key, str(j)))
                for j, s in enumerate(kept.subject_uri)
            ]
        if self.lang != self.model.default_language or kept is None:
            out["language"] = self.lang
        elif kept.language is not None:  # from CASE: as it came
            out["language"] = kept.language
        if kept is not None and kept.education_level:
            out["educationLevel"] = list(kept.education_level)
        if own_type is None:
            assert kept is not None
            if kept.item_type_uri is not None:
                out["CFItemTypeURI"] = self.case_link(
                    kept.item_type_uri, case_identifier(self.model.key, "item-type", c.key)
                )
        else:
            type_id = case_identifier(self.model.key, "item-type", own_type)
            out["CFItemTypeURI"] = self.link("CFItemTypes", type_id, self.tr._(own_type))
        if kept is not None and kept.license_uri is not None:
            out["licenseURI"] = self.case_link(
                kept.license_uri, case_identifier(self.model.key, "license", c.key)
            )
        if kept is not None and kept.status_start_date:
            out["statusStartDate"] = kept.status_start_date.isoformat()
        if kept is not None and kept.status_end_date:
            out["statusEndDate"] = kept.status_end_date.isoformat()
        out["lastChangeDateTime"] = self.changed
        out["extensions"] = {EXTENSION: to_data(c)}
        self.report_item_extension(where, c)
        return out

    def report_item_extension(self, where: str, c: Competency) -> None:
        tr = self.tr
        if c.domain != "general":
            self.report.add(f"{where}.domain", "extension", tr._("CASE items have no domain"))
        if not c.assessable and c.case is not None:
            self.report.add(
                f"{where}.assessable",
                "extension",
                tr._("the item type is the one imported: not assessed is in the extension"),
            )
        for lv, inds in c.indicators.items():
            for j, ind in enumerate(inds):
                if ind.track or ind.examples or ind.urls or ind.links or ind.attributes or ind.key:
                    self.report.add(
                        f"{where}.indicators.{lv}[{j}]",
                        "extension",
                        tr._("an indicator's track, examples, links and key have no CASE field"),
                    )

    # -- associations ------------------------------------------------------------------------
    def association(
        self,
        kind: str,
        origin: str,
        destination: dict[str, str],
        sequence: int | None,
        tag: str,
        kept: Association | None = None,
    ) -> dict[str, Any]:
        if kept is not None and is_case_uuid(kept.identifier):
            ident = str(kept.identifier)
            uri = kept.uri or self.uri("CFAssociations", ident)
        else:
            ident = case_identifier(self.model.key, "association", kind, origin, tag)
            uri = self.uri("CFAssociations", ident)
        out: dict[str, Any] = {"identifier": ident, "associationType": kind}
        if sequence is not None:
            out["sequenceNumber"] = sequence
        out["uri"] = uri
        out["originNodeURI"] = self.item_link(origin, kept.origin_title if kept else None)
        out["destinationNodeURI"] = destination
        out["lastChangeDateTime"] = self.changed
        if kept is not None and kept.notes is not None:
            out["notes"] = kept.notes
        return out

    def typed(self, c: Competency, j: int, a: Association) -> dict[str, Any]:
        """A typed association of a competency, to an item or to an outside node."""
        title = a.node.title if a.node is not None else None
        if a.competency is not None:
            dest = self.item_link(a.competency, title)
            tag = a.competency
        else:
            assert a.node is not None
            assert a.node.uri is not None
            dest = self.case_link(a.node, str(uuid.uuid5(CASE_NAMESPACE, a.node.uri)))
            tag = a.node.uri
        return self.association(a.type, c.key, dest, a.sequence, f"{tag}\x1f{j}", a)

    def associations(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        position: dict[str | None, int] = {}
        for c in self.model.competencies:
            position[c.parent] = position.get(c.parent, 0) + 1
            seq: int | None = position[c.parent]
            kept = c.case.child_of if c.case is not None else None
            if kept is not None and kept.competency != c.parent:
                kept = None  # moved since the import: a new association
            title = kept.node.title if kept is not None and kept.node is not None else None
            dest = self.doc_link(title) if c.parent is None else self.item_link(c.parent, title)
            if kept is not None:
                seq = kept.sequence
            out.append(self.association("isChildOf", c.key, dest, seq, c.parent or "", kept))
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
            for j, a in enumerate(c.associations):
                out.append(self.typed(c, j, a))
        return out

    def level_text(self, c: Competency, value: int, where: str) -> str:
        """A competency at a level, for a rubric: its prose, then its indicators as '- ' lines."""
        lines = []
        described = c.level_descriptions.get(value)
        if described is not None:
            lines.append(self.text(described, f"{where}.level_descriptions.{value}"))
        lines += [
            f"- {self.text(ind.text, f'{where}.indicators.{value}[{j}]')}"
            for j, ind in enumerate(c.indicators.get(value, ()))
        ]
        return "\n".join(lines)

    # -- rubrics -----------------------------------------------------------------------------
    def rubric(self, si: int, scale: ProficiencyScale) -> dict[str, Any]:
        key = self.model.key
        rid = case_identifier(key, "scale", scale.key)
        where = f"scales[{si}]"

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
                "quality": self.text(lv.label, f"{where}.levels[{pos}].label"),
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
            self.tr.p_("rubric criterion", "scale"),
            self.tr._(
                "The levels of the scale; proficient from level %(level)s.",
                level=scale.proficient,
            ),
            None,
        )
        first["CFRubricCriterionLevels"] = [
            level(
                case_identifier(key, "scale", scale.key, "levels", str(lv.value)),
                scale_crit,
                i,
                lv.value,
                self.text(lv.description, f"{where}.levels[{i}].description"),
            )
            for i, lv in enumerate(scale.levels)
        ]
        criteria = [first]
        for ci, c in enumerate(self.model.competencies):
            if c.scale != scale.key:
                continue
            cid = case_identifier(key, "scale", scale.key, "competency", c.key)
            crit = criterion(
                cid,
                len(criteria),
                self.tr.p_("rubric criterion", "competency"),
                self.model.text(c.name, self.lang),
                c.key,
            )
            crit["CFRubricCriterionLevels"] = [
                level(
                    case_identifier(key, "scale", scale.key, "competency", c.key, str(lv.value)),
                    cid,
                    i,
                    lv.value,
                    self.level_text(c, lv.value, f"competencies[{ci}]"),
                )
                for i, lv in enumerate(scale.levels)
            ]
            criteria.append(crit)
        out: dict[str, Any] = {
            "identifier": rid,
            "uri": self.uri("CFRubrics", rid),
            "title": self.text(scale.name, f"{where}.name"),
            "lastChangeDateTime": self.changed,
            "CFRubricCriteria": criteria,
        }
        if scale.description is not None:
            out["description"] = self.text(scale.description, f"{where}.description")
        out["extensions"] = {EXTENSION: to_data(scale)}
        if scale.proficient is not None:
            self.report.add(
                f"{where}.proficient",
                "extension",
                self.tr._("CASE rubrics have no proficient level: said in the scale criterion"),
            )
        return out

    def package(self) -> dict[str, Any]:
        m = self.model
        return {
            "CFDocument": self.document(),
            "CFItems": [self.item(i, c) for i, c in enumerate(m.competencies)],
            "CFAssociations": self.associations(),
            "CFDefinitions": self.definitions(),
            "CFRubrics": [self.rubric(i, s) for i, s in enumerate(m.scales)],
        }


def build_case(
    model: CompetencyModel,
    *,
    base_uri: str | None = None,
    changed: dt.datetime | None = None,
    language: str | None = None,
) -> CaseExport:
    """The model as a CASE 1.1 ``CFPackage`` and the report of what did not fit as it is.

    ``base_uri`` is where the package will be served (objects get ``{base_uri}/CFItems/{id}``
    and so on); without it every ``uri`` is ``urn:uuid:{id}`` (objects imported from CASE
    keep theirs). ``changed`` is the ``lastChangeDateTime`` written everywhere (default: the
    latest approval, else now). ``language`` is the language of the texts (default: the
    model's); a text the model lacks in it is written in the default language and reported.
    """
    ex = _Exporter(model, base_uri, changed or _default_changed(model), language)
    return CaseExport(ex.package(), ex.report)


def export_case(
    model: CompetencyModel,
    *,
    base_uri: str | None = None,
    changed: dt.datetime | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The model as a CASE 1.1 ``CFPackage`` (plain JSON data; see :func:`build_case`)."""
    return build_case(model, base_uri=base_uri, changed=changed, language=language).package


def dumps_case(package: Mapping[str, Any]) -> str:
    """A CASE package as JSON text (UTF-8, indented, keys in the order written)."""
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def write_case(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    *,
    base_uri: str | None = None,
    changed: dt.datetime | None = None,
    language: str | None = None,
) -> CaseExport:
    """Write the model's CASE package to ``path`` (atomically); the package and its report."""
    result = build_case(model, base_uri=base_uri, changed=changed, language=language)
    write_atomic(path, dumps_case(result.package))
    return result


__all__ = [
    "ACTION_LABELS",
    "ADOPTION_TO_STATUS",
    "CASE_NAMESPACE",
    "EXTENSION",
    "EXTENSION_NAMESPACE",
    "STATUS_TO_ADOPTION",
    "CaseAction",
    "CaseExport",
    "CaseReport",
    "CaseReportEntry",
    "build_case",
    "case_identifier",
    "dumps_case",
    "export_case",
    "is_case_uuid",
    "reference_association",
    "write_case",
]
