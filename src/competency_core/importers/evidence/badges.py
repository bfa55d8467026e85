"""Open Badges 3.0 credentials (1EdTech) as evidence of the competencies they align to.

An ``OpenBadgeCredential`` is a W3C Verifiable Credential whose ``credentialSubject`` (an
``AchievementSubject``) earned an ``Achievement``; the achievement's ``alignment`` list
points at competencies in frameworks (CASE items, ESCO skills, O*NET elements, ...).
:func:`read_badges` reads credentials from JSON files (one credential, an array of them,
or a directory of such files) and turns each alignment that names a competency of the
model into one :class:`~competency_core.people.Evidence` of kind ``badge``.

The credentials are checked for their **structure**, not their proof: the ``proof`` (or
the JWT around a credential) is not verified cryptographically, and the issuer's
revocation list (``credentialStatus``) is not consulted. Import only credentials you
received from a source you trust (your own badge platform, the learner's wallet export).

What is checked, in order (the first failure skips the credential, saying where):

- ``@context`` holds the VC 2.0 context (or VC 1.1's) and an Open Badges 3.0 context;
- ``type`` holds ``VerifiableCredential`` and ``OpenBadgeCredential`` (or its alias
  ``AchievementCredential``); the credential has an ``id``;
- ``issuer`` is a profile with an ``id`` and a ``name``;
- ``validFrom`` (VC 1.1: ``issuanceDate``) is a date-time, and ``validUntil`` (VC 1.1:
  ``expirationDate``) one after it when given; the evidence is dated ``awardedDate`` when
  the credential gives one, else ``validFrom``;
- ``credentialSubject.achievement`` has an ``id``, a ``name`` and ``criteria``;
- the subject is a person of the workforce: an ``identifier`` of type ``emailAddress``
  (plain, or hashed as ``sha256$...``/``md5$...`` with its salt), another identifier
  equal to a person's key, or an ``id`` that is a ``mailto:`` URI or a person's key.

Each alignment is then matched: ``targetCode`` to a competency's key or coded reference,
``targetUrl`` to a competency's reference URI (ESCO, O*NET, CASE, ...), the CASE item
``competency publish --case`` wrote for it, or nothing (skipped, saying so).
The level is the subject's ``result`` ``achievedLevel`` when the achievement's
``resultDescription`` describes that level with a name (or level or points) that is a
label, key or value of the competency's scale; otherwise the badge carries no level.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from competency_core.importers.evidence.matching import (
    EvidenceImport,
    ModelTargets,
    PeopleIndex,
    Skipped,
    as_list,
    details,
    json_path,
    mapping,
    read_json,
    scale_level_by_name,
    source_files,
    text_of,
)
from competency_core.people import Evidence, EvidenceKind
from competency_core.references import PathPart

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Person

VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
"""The W3C Verifiable Credentials contexts: 2.0 (Open Badges 3.0's own) and 1.1 (early 3.0)."""
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context"
"""The start of every Open Badges 3.0 context URI (``context-3.0.3.json``, ...)."""
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
"""The Open Badges 2.0 context (an assertion, not a credential: not read)."""
CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
"""The credential types of Open Badges 3.0 (``AchievementCredential`` is an alias)."""


class _Skip(Exception):
    """A credential fails a check: where and why."""

    def __init__(self, parts: Sequence[PathPart], reason: str) -> None:
        super().__init__(reason)
        self.parts = tuple(parts)
        self.reason = reason


def read_badges(
    sources: Iterable[str | os.PathLike[str]],
    model: CompetencyModel,
    people: Iterable[Person],
) -> EvidenceImport:
    """The badge evidence in ``sources`` (files or directories of ``*.json`` credentials).

    A source that does not exist raises
    :class:`~competency_core.importers.evidence.matching.EvidenceSourceError`; everything
    else that cannot be used is in the result's ``skipped`` with its file, JSON path and
    reason.
    """
    targets = ModelTargets(model)
    index = PeopleIndex(people)
    parts: list[EvidenceImport] = []
    for source in sources:
        for path in source_files(source, (".json",)):
            data, problem = read_json(path)
            if problem is not None:
                parts.append(EvidenceImport(skipped=(problem,)))
                continue
            parts.append(read_credentials(data, str(path), targets, index))
    return EvidenceImport.combined(parts)


def read_credentials(
    data: Any, source: str, targets: ModelTargets, people: PeopleIndex
) -> EvidenceImport:
    """The evidence in one file's data: a credential or an array of credentials."""
    if isinstance(data, list):
        if not data:
            return EvidenceImport(
                skipped=(Skipped(source=source, reason="an empty array: no credentials"),)
            )
        return EvidenceImport.combined(
            credential_evidence(item, source, targets, people, (i,)) for i, item in enumerate(data)
        )
    return credential_evidence(data, source, targets, people, ())


def credential_evidence(
    credential: Any,
    source: str,
    targets: ModelTargets,
    people: PeopleIndex,
    at: tuple[PathPart, ...] = (),
) -> EvidenceImport:
    """One credential's evidence: a piece per alignment naming a competency of the model."""
    cred_id = text_of(credential.get("id")) if isinstance(credential, Mapping) else None
    try:
        checked = _check(credential, people, at)
    except _Skip as skip:
        return EvidenceImport(
            skipped=(
                Skipped(
                    source=source, path=json_path(skip.parts), reason=skip.reason, item=cred_id
                ),
            )
        )
    evidence: list[Evidence] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for j, alignment in checked.alignments:
        where = json_path((*at, "credentialSubject", "achievement", "alignment", j))
        competency = _aligned_competency(alignment, targets)
        if competency is None:
            what = ", ".join(
                f"{f} {alignment[f]!r}"
                for f in ("targetCode", "targetUrl", "targetName")
                if text_of(alignment.get(f))
            )
            skipped.append(
                Skipped(
                    source=source,
                    path=where,
                    item=checked.id,
                    reason=f"the alignment names no competency of model {targets.model.key!r} "
                    f"({what or 'no targetCode or targetUrl'}): give it a competency's key as "
                    "targetCode, or add its targetUrl to the competency's references",
                )
            )
            continue
        if competency in seen:
            continue  # two alignments to one competency: one piece of evidence
        seen.add(competency)
        level, note = _level(checked, competency, targets)
        try:
            evidence.append(
                Evidence(
                    kind=EvidenceKind.BADGE,
                    person=checked.person,
                    competency=competency,
                    level=level,
                    date=checked.valid_from,
                    valid_until=checked.valid_until,
                    asserted_by=checked.issuer_name,
                    source=source,
                    name=checked.achievement_name,
                    model_version=targets.model.version,
                    identifier=f"{checked.id}#{competency}",
                    details=details(
                        credential=checked.id,
                        issuer=checked.issuer_id,
                        achievement=checked.achievement_id,
                        alignment=text_of(alignment.get("targetUrl"))
                        or text_of(alignment.get("targetCode")),
                        framework=text_of(alignment.get("targetFramework")),
                        level_note=note,
                    ),
                )
            )
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            skipped.append(
                Skipped(source=source, path=where, item=checked.id, reason=str(first["msg"]))
            )
    return EvidenceImport(evidence=tuple(evidence), skipped=tuple(skipped))


class _Checked:
    """What a structurally sound credential says."""

    def __init__(self, **values: Any) -> None:
        self.id: str = values["id"]
        self.issuer_id: str = values["issuer_id"]
        self.issuer_name: str = values["issuer_name"]
        self.valid_from: dt.date = values["valid_from"]
        self.valid_until: dt.date | None = values["valid_until"]
        self.person: str = values["person"]
        self.achievement_id: str = values["achievement_id"]
        self.achievement_name: str = values["achievement_name"]
        self.alignments: list[tuple[int, Mapping[str, Any]]] = values["alignments"]
        self.results: list[Mapping[str, Any]] = values["results"]
        self.descriptions: list[Mapping[str, Any]] = values["descriptions"]


def _types(value: Any) -> set[str]:
    return {t for t in as_list(value) if isinstance(t, str)}


def _timestamp(value: Any, parts: Sequence[PathPart], what: str) -> dt.date:
    text = text_of(value)
    if text is None:
        raise _Skip(parts, f"{what} is not a date-time (e.g. 2026-01-10T00:00:00Z)")
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise _Skip(
            parts, f"{what} {text!r} is not an ISO 8601 date-time (e.g. 2026-01-10T00:00:00Z)"
        ) from None


def _check(credential: Any, people: PeopleIndex, at: tuple[PathPart, ...]) -> _Checked:
    cred = mapping(credential)
    if cred is None:
        raise _Skip(at, "not a credential: expected a JSON object")
    contexts = [c for c in as_list(cred.get("@context")) if isinstance(c, str)]
    if any(c.startswith(OB2_CONTEXT) for c in contexts):
        raise _Skip(
            (*at, "@context"),
            "an Open Badges 2.0 assertion, not a 3.0 credential: ask the issuer for the "
            "badge as an Open Badges 3.0 credential",
        )
    if not any(c in VC_CONTEXTS for c in contexts):
        raise _Skip(
            (*at, "@context"),
            f"not a Verifiable Credential: @context lacks {VC_CONTEXTS[0]!r} (or VC 1.1's)",
        )
    if not any(c.startswith(OB3_CONTEXT) for c in contexts):
        raise _Skip(
            (*at, "@context"),
            f"not an Open Badges 3.0 credential: @context lacks an {OB3_CONTEXT}... context",
        )
    types = _types(cred.get("type"))
    if "VerifiableCredential" not in types or not types & set(CREDENTIAL_TYPES):
        raise _Skip(
            (*at, "type"),
            f"type {sorted(types)} is not ['VerifiableCredential', 'OpenBadgeCredential']",
        )
    cred_id = text_of(cred.get("id"))
    if cred_id is None:
        raise _Skip((*at, "id"), "the credential has no id")
    issuer = cred.get("issuer")
    if isinstance(issuer, str):
        raise _Skip(
            (*at, "issuer"), "the issuer is a bare URI: Open Badges 3.0 gives a profile with a name"
        )
    issuer_map = mapping(issuer)
    if issuer_map is None:
        raise _Skip((*at, "issuer"), "the credential has no issuer profile")
    issuer_id, issuer_name = text_of(issuer_map.get("id")), text_of(issuer_map.get("name"))
    if issuer_id is None:
        raise _Skip((*at, "issuer", "id"), "the issuer has no id")
    if issuer_name is None:
        raise _Skip((*at, "issuer", "name"), "the issuer has no name")
    start_field = "validFrom" if "validFrom" in cred else "issuanceDate"
    if start_field not in cred:
        raise _Skip((*at, "validFrom"), "the credential has no validFrom (nor issuanceDate)")
    valid_from = _timestamp(cred[start_field], (*at, start_field), start_field)
    end_field = "validUntil" if "validUntil" in cred else "expirationDate"
    valid_until = None
    if cred.get(end_field) is not None:
        valid_until = _timestamp(cred[end_field], (*at, end_field), end_field)
        if valid_until < valid_from:
            raise _Skip(
                (*at, end_field), f"{end_field} {valid_until} is before {start_field} {valid_from}"
            )
    subject = mapping(cred.get("credentialSubject"))
    if subject is None:
        raise _Skip(
            (*at, "credentialSubject"), "credentialSubject is not one AchievementSubject object"
        )
    sp = (*at, "credentialSubject")
    achievement = mapping(subject.get("achievement"))
    if achievement is None:
        raise _Skip((*sp, "achievement"), "the subject has no achievement")
    ap = (*sp, "achievement")
    for field in ("id", "name"):
        if text_of(achievement.get(field)) is None:
            raise _Skip((*ap, field), f"the achievement has no {field}")
    criteria = mapping(achievement.get("criteria"))
    if criteria is None or not (text_of(criteria.get("id")) or text_of(criteria.get("narrative"))):
        raise _Skip((*ap, "criteria"), "the achievement has no criteria (an id or a narrative)")
    earned = valid_from
    if cred.get("awardedDate") is not None:
        earned = _timestamp(cred["awardedDate"], (*at, "awardedDate"), "awardedDate")
        if valid_until is not None and valid_until < earned:
            raise _Skip((*at, "awardedDate"), f"awardedDate {earned} is after {end_field}")
    person = _person(subject, people, sp)
    alignments = [
        (j, a)
        for j, a in enumerate(as_list(achievement.get("alignment")))
        if isinstance(a, Mapping)
    ]
    if not alignments:
        raise _Skip(
            (*ap, "alignment"),
            "the achievement is aligned to no competency (no alignment): nothing to import",
        )
    return _Checked(
        id=cred_id,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        valid_from=earned,
        valid_until=valid_until,
        person=person,
        achievement_id=str(achievement["id"]).strip(),
        achievement_name=str(achievement["name"]).strip(),
        alignments=alignments,
        results=[r for r in as_list(subject.get("result")) if isinstance(r, Mapping)],
        descriptions=[
            d for d in as_list(achievement.get("resultDescription")) if isinstance(d, Mapping)
        ],
    )


def _person(subject: Mapping[str, Any], people: PeopleIndex, sp: tuple[PathPart, ...]) -> str:
    """The person the subject is, by its identifiers, then its id."""
    named: list[str] = []
    for k, ident in enumerate(as_list(subject.get("identifier"))):
        obj = mapping(ident)
        value = text_of(obj.get("identityHash")) if obj else None
        if obj is None or value is None:
            continue
        kind = text_of(obj.get("identityType")) or ""
        hashed = obj.get("hashed") is True or str(obj.get("hashed")).lower() == "true"
        if hashed:
            if kind == "emailAddress":
                found = people.find_hashed(value, text_of(obj.get("salt")))
                named.append(f"identifier[{k}] (a hashed email)")
            else:
                found = None
                named.append(f"identifier[{k}] (a hashed {kind or 'identity'})")
        elif kind == "emailAddress":
            found = people.find(f"mailto:{value.removeprefix('mailto:')}")
            named.append(f"identifier[{k}] {value!r}")
        else:
            found = people.by_key.get(value)
            named.append(f"identifier[{k}] {value!r}")
        if found is not None:
            return found
    subject_id = text_of(subject.get("id"))
    if subject_id is not None:
        found = people.find(subject_id)
        if found is not None:
            return found
        named.append(f"id {subject_id!r}")
    if not named:
        raise _Skip(
            (*sp, "identifier"),
            "the subject names no one: it has no identifier (an email) and no id",
        )
    raise _Skip(
        (*sp, "identifier" if subject.get("identifier") else "id"),
        f"no person of the workforce has the subject's {', '.join(named)}: add the person "
        "with that email (or key), or import the badge for a known person",
    )


def _aligned_competency(alignment: Mapping[str, Any], targets: ModelTargets) -> str | None:
    code = text_of(alignment.get("targetCode"))
    if code is not None:
        found = targets.competency_by_code(code)
        if found is not None:
            return found
    url = text_of(alignment.get("targetUrl"))
    if url is not None:
        return targets.competency_by_uri(url)
    return None


def _aligned_to(item: Mapping[str, Any], competency: str, targets: ModelTargets) -> bool:
    return any(
        isinstance(a, Mapping) and _aligned_competency(a, targets) == competency
        for a in as_list(item.get("alignment"))
    )


def _level(
    checked: _Checked, competency: str, targets: ModelTargets
) -> tuple[int | None, str | None]:
    """The achieved level on the competency's scale, or None and why it could not be mapped."""
    results = [r for r in checked.results if text_of(r.get("achievedLevel"))]
    if not results:
        return None, None
    own = [r for r in results if _aligned_to(r, competency, targets)]
    result = (own or results)[0]
    achieved = str(result["achievedLevel"]).strip()
    wanted = text_of(result.get("resultDescription"))
    descriptions = [d for d in checked.descriptions if wanted is None or d.get("id") == wanted]
    for description in descriptions:
        for rubric in as_list(description.get("rubricCriterionLevel")):
            if isinstance(rubric, Mapping) and rubric.get("id") == achieved:
                names = [
                    v
                    for v in (rubric.get("name"), rubric.get("level"), rubric.get("points"))
                    if isinstance(v, str)
                ]
                scale = targets.scale_of(competency)
                level = scale_level_by_name(scale, names)
                if level is None:
                    return None, (
                        f"achieved level {', '.join(repr(n) for n in names)} is no label, key or "
                        f"value of scale {scale.key!r}"
                    )
                return level, None
    return (
        None,
        f"achievedLevel {achieved!r} is not described in the achievement's resultDescription",
    )


__all__ = [
    "CREDENTIAL_TYPES",
    "OB2_CONTEXT",
    "OB3_CONTEXT",
    "VC_CONTEXTS",
    "credential_evidence",
    "read_badges",
    "read_credentials",
]
