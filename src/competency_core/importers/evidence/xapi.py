"""xAPI statements (IEEE 9274.1.1, xAPI 1.0.3 and 2.0) as evidence.

A statement says that an actor did something (a verb) to an object, with a result. Only
statements that prove something become evidence: the verbs ``passed``, ``completed`` and
``mastered`` of ADL (``http://adlnet.gov/expapi/verbs/...``), not ``failed``,
``attempted``, ``experienced`` and the rest; a result with ``success: false`` does not
count either. Each counted statement becomes one
:class:`~competency_core.people.Evidence`:

- the **person** is the actor: its ``mbox`` (``mailto:``) or ``mbox_sha1sum`` matched to a
  person's email, or its ``account`` name matched to a person's key or email;
- the **object** ``id`` names a competency (one of its reference URIs, its CASE item, or
  ``activity_prefix`` + its key): evidence of kind ``xapi``; or a learning resource (its
  ``url``, one of its ``external_ids`` or ``activity_prefix`` + its key): a completed
  ``course``;
- the **level** (for a competency) comes from ``result.score.scaled`` (else ``raw`` within
  ``min`` and ``max``): the highest level of the competency's scale whose normalised value
  (0 for the lowest level, 1 for the highest) is at or below the score;
- the **date** is the statement's ``timestamp`` (else ``stored``), ``asserted_by`` its
  ``authority`` (a name, else an mbox or account), ``identifier`` its ``id`` and
  ``source`` ``xapi:`` + the file or the LRS endpoint.

Statements come from a file (:func:`read_xapi_files`: a JSON array, an LRS's
``{"statements": [...]}`` answer, or JSON lines) or from a Learning Record Store
(:func:`read_xapi_lrs`, through :class:`~competency_core.importers.evidence.lrs.LrsClient`).
A statement voided by another statement in the same batch is skipped too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from competency_core.importers.evidence.matching import (
    EvidenceImport,
    ModelTargets,
    PeopleIndex,
    Skipped,
    details,
    email_of,
    json_path,
    mapping,
    source_files,
    text_of,
)
from competency_core.people import Evidence, EvidenceKind

if TYPE_CHECKING:
    from competency_core.importers.evidence.lrs import LrsClient
    from competency_core.model import CompetencyModel
    from competency_core.people import Person
    from competency_core.scales import ProficiencyScale

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
COUNTED_VERBS = frozenset(f"{ADL_VERBS}{v}" for v in ("passed", "completed", "mastered"))
"""The verbs whose statements are evidence."""
VOIDED = f"{ADL_VERBS}voided"


class Statement:
    """A statement read from a source (a file or an LRS endpoint), with where it was."""

    def __init__(self, data: Any, source: str, path: str, line: int | None = None) -> None:
        self.data = data
        self.source = source
        self.path = path
        self.line = line

    @property
    def id(self) -> str | None:
        """The statement's id, if it has one."""
        m = mapping(self.data)
        return text_of(m.get("id")) if m else None

    def skipped(self, reason: str, path: str = "") -> Skipped:
        """The statement, skipped for ``reason`` (``path`` below the statement)."""
        where = f"{self.path}.{path}" if self.path and path else (self.path or path)
        return Skipped(source=self.source, path=where, line=self.line, reason=reason, item=self.id)


def _one_object(line: str) -> bool:
    """Whether a line is a JSON object on its own (the first line of a JSON lines file)."""
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def statements_in_file(path: Path, source: str) -> Iterator[Statement | Skipped]:
    """The statements in one file: an array, ``{"statements": [...]}``, or JSON lines."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Skipped(source=str(path), reason=f"not UTF-8 text ({exc.reason})")
        return
    except OSError as exc:
        yield Skipped(source=str(path), reason=f"cannot read the file: {exc.strerror}")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip()]
        if not lines:
            yield Skipped(source=str(path), reason="the file is empty")
            return
        if not (path.suffix.lower() in {".jsonl", ".ndjson"} or _one_object(lines[0][1])):
            yield Skipped(
                source=str(path),
                line=whole.lineno,
                reason=f"not JSON: {whole.msg} at line {whole.lineno}, column {whole.colno}",
            )
            return
        for n, ln in lines:  # JSON lines: one statement per line
            try:
                yield Statement(json.loads(ln), source, "", n)
            except json.JSONDecodeError as exc:
                yield Skipped(
                    source=str(path), line=n, reason=f"not JSON: {exc.msg} at column {exc.colno}"
                )
        return
    if isinstance(data, Mapping) and isinstance(data.get("statements"), list):
        for i, st in enumerate(data["statements"]):
            yield Statement(st, source, json_path(("statements", i)))
    elif isinstance(data, list):
        for i, st in enumerate(data):
            yield Statement(st, source, json_path((i,)))
    elif isinstance(data, Mapping) and "verb" in data:
        yield Statement(data, source, "")
    else:
        yield Skipped(
            source=str(path),
            reason="no statements: expected an array of statements, an LRS answer "
            '{"statements": [...]}, a statement, or JSON lines',
        )


def read_xapi_files(
    sources: Iterable[str | os.PathLike[str]],
    model: CompetencyModel,
    people: Iterable[Person],
    *,
    activity_prefix: str | None = None,
) -> EvidenceImport:
    """The evidence in xAPI statement files (or directories of ``.json``/``.jsonl`` files)."""
    items: list[Statement | Skipped] = []
    for source in sources:
        for path in source_files(source, (".json", ".jsonl", ".ndjson")):
            items += statements_in_file(path, str(path))
    return statements_evidence(items, model, people, activity_prefix=activity_prefix)


def read_xapi_lrs(
    client: LrsClient,
    model: CompetencyModel,
    people: Iterable[Person],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    activity_prefix: str | None = None,
) -> EvidenceImport:
    """The evidence in a Learning Record Store's statements (all pages, ``since``..``until``)."""
    source = client.display_endpoint
    items = [
        Statement(st, source, json_path(("statements", i)))
        for i, st in enumerate(client.statements(since=since, until=until))
    ]
    return statements_evidence(items, model, people, activity_prefix=activity_prefix)


def statements_evidence(
    items: Iterable[Statement | Skipped],
    model: CompetencyModel,
    people: Iterable[Person],
    *,
    activity_prefix: str | None = None,
) -> EvidenceImport:
    """Statements as evidence (or skipped, each with where and why)."""
    targets = ModelTargets(model, activity_prefix=activity_prefix)
    index = PeopleIndex(people)
    listed = list(items)
    voided: dict[str, str] = {}
    for item in listed:
        if isinstance(item, Statement) and (m := mapping(item.data)):
            verb, obj = mapping(m.get("verb")), mapping(m.get("object"))
            if (
                verb
                and verb.get("id") == VOIDED
                and obj
                and obj.get("objectType") == "StatementRef"
            ):
                target = text_of(obj.get("id"))
                if target:
                    voided[target] = item.id or "a voiding statement"
    evidence: list[Evidence] = []
    skipped: list[Skipped] = []
    for item in listed:
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        if item.id is not None and item.id in voided:
            skipped.append(item.skipped(f"voided by statement {voided[item.id]}"))
            continue
        result = statement_evidence(item, targets, index)
        (evidence if isinstance(result, Evidence) else skipped).append(result)  # type: ignore[arg-type]
    return EvidenceImport(evidence=tuple(evidence), skipped=tuple(skipped))


def _agent_name(agent: Mapping[str, Any]) -> str | None:
    if name := text_of(agent.get("name")):
        return name
    if mbox := text_of(agent.get("mbox")):
        return mbox.removeprefix("mailto:")
    account = mapping(agent.get("account"))
    if account and (name := text_of(account.get("name"))):
        return name
    return None


def _authority(m: Mapping[str, Any]) -> str | None:
    authority = mapping(m.get("authority"))
    if authority is None:
        return None
    if authority.get("objectType") == "Group":  # OAuth: the application and the user
        for member in authority.get("member") or []:
            if isinstance(member, Mapping) and (name := _agent_name(member)):
                return name
    return _agent_name(authority)


def _person(actor: Mapping[str, Any], people: PeopleIndex) -> tuple[str | None, str]:
    """The person the actor is, and how the actor was named (for the reason if none)."""
    if actor.get("objectType") == "Group":
        return None, "a Group"
    if mbox := text_of(actor.get("mbox")):
        return people.find(mbox), f"mbox {mbox!r}"
    if sha1 := text_of(actor.get("mbox_sha1sum")):
        found = people.by_mbox_sha1.get(sha1.strip().lower())
        return found, "mbox_sha1sum" if found else f"mbox_sha1sum {sha1!r}"
    account = mapping(actor.get("account"))
    if account and (name := text_of(account.get("name"))):
        found = people.by_key.get(name)
        if found is None and email_of(name):
            found = people.find(name)
        return found, f"account {name!r}"
    if openid := text_of(actor.get("openid")):
        return None, f"openid {openid!r}"
    return None, "no mbox, mbox_sha1sum or account"


def level_from_score(scale: ProficiencyScale, scaled: float) -> int | None:
    """The highest level of ``scale`` whose normalised value is at or below ``scaled``.

    >>> from competency_core.scales import ProficiencyScale
    >>> s = ProficiencyScale(key="five", name="Five", proficient=3,
    ...     levels=[{"value": v, "label": str(v)} for v in range(1, 6)])
    >>> level_from_score(s, 0.8), level_from_score(s, 0.74), level_from_score(s, 1.0)
    (4, 3, 5)
    >>> level_from_score(s, -0.2) is None
    True
    """
    found = None
    for lv in scale.levels:
        if scale.normalise(lv.value) <= scaled + 1e-9:
            found = lv.value
    return found


def _score(result: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """The scaled score of a result, and a note when there is a score that cannot be used."""
    score = mapping(result.get("score"))
    if score is None:
        return None, None
    scaled = score.get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        if -1 <= scaled <= 1:
            return float(scaled), None
        return None, f"score.scaled {scaled} is outside -1..1"
    numbers = [score.get(f) for f in ("raw", "min", "max")]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raw, lo, hi = (float(v) for v in numbers if v is not None)
        if hi > lo and lo <= raw <= hi:
            return (raw - lo) / (hi - lo), None
        return None, f"score.raw {raw:g} is not within min {lo:g} and max {hi:g}"
    return None, None


def _date(m: Mapping[str, Any]) -> dt.date | None:
    for field in ("timestamp", "stored"):
        text = text_of(m.get(field))
        if text is None:
            continue
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def statement_evidence(
    st: Statement, targets: ModelTargets, people: PeopleIndex
) -> Evidence | Skipped:
    """One statement as evidence, or why it is skipped."""
    m = mapping(st.data)
    if m is None:
        return st.skipped("not a statement: expected a JSON object")
    verb = mapping(m.get("verb"))
    verb_id = text_of(verb.get("id")) if verb else None
    if verb_id is None:
        return st.skipped("the statement has no verb id", "verb")
    if verb_id == VOIDED:
        return st.skipped("a voiding statement (it voids another, it is no evidence)", "verb")
    if verb_id not in COUNTED_VERBS:
        return st.skipped(
            f"verb {verb_id!r} is not evidence: only passed, completed and mastered "
            f"({ADL_VERBS}...) count",
            "verb",
        )
    result = mapping(m.get("result")) or {}
    if result.get("success") is False:
        return st.skipped("result.success is false", "result.success")
    actor = mapping(m.get("actor"))
    if actor is None:
        return st.skipped("the statement has no actor", "actor")
    person, named = _person(actor, people)
    if named == "a Group":
        return st.skipped(
            "the actor is a Group: evidence is about one person (send a statement per member)",
            "actor",
        )
    if person is None:
        return st.skipped(
            f"no person of the workforce is the actor ({named}): add the person with that "
            "email (or key)",
            "actor",
        )
    obj = mapping(m.get("object"))
    if obj is None:
        return st.skipped("the statement has no object", "object")
    kind = obj.get("objectType", "Activity")
    if kind != "Activity":
        return st.skipped(f"the object is a {kind}, not an Activity", "object.objectType")
    object_id = text_of(obj.get("id"))
    if object_id is None:
        return st.skipped("the object has no id", "object.id")
    day = _date(m)
    if day is None:
        return st.skipped("no valid timestamp (nor stored) to date it", "timestamp")
    competency = targets.competency_by_uri(object_id)
    resource = None if competency is not None else targets.resource_by_uri(object_id)
    if competency is None and resource is None:
        hint = (
            f", or use the activity prefix {targets.activity_prefix} + a key"
            if targets.activity_prefix
            else ", or give an activity prefix (the prefix + a competency's key)"
        )
        return st.skipped(
            f"the activity {object_id!r} is no competency or learning resource of model "
            f"{targets.model.key!r}: add it to a competency's references or a resource's url "
            f"or external_ids{hint}",
            "object.id",
        )
    level = None
    scaled, note = _score(result)
    if competency is not None and scaled is not None:
        scale = targets.scale_of(competency)
        level = level_from_score(scale, scaled)
        if level is None:
            note = f"score {scaled:g} is below every level of scale {scale.key!r}"
    definition = mapping(obj.get("definition")) or {}
    names = mapping(definition.get("name")) or {}
    name = next((str(v) for v in names.values() if isinstance(v, str)), None)
    try:
        return Evidence(
            kind=EvidenceKind.XAPI if competency is not None else EvidenceKind.COURSE,
            person=person,
            competency=competency,
            resource=resource,
            level=level,
            date=day,
            asserted_by=_authority(m),
            source=f"xapi:{st.source}",
            name=name,
            model_version=targets.model.version,
            identifier=st.id,
            details=details(
                verb=verb_id.removeprefix(ADL_VERBS),
                activity=object_id,
                score=f"{scaled:g}" if scaled is not None else None,
                level_note=note,
            ),
        )
    except ValidationError as exc:
        return st.skipped(str(exc.errors(include_url=False)[0]["msg"]))


__all__ = [
    "ADL_VERBS",
    "COUNTED_VERBS",
    "Statement",
    "level_from_score",
    "read_xapi_files",
    "read_xapi_lrs",
    "statement_evidence",
    "statements_evidence",
    "statements_in_file",
]
