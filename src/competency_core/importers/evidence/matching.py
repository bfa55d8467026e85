"""What the evidence readers share: the result, skipped items, and matching to the model.

Every reader (:mod:`~competency_core.importers.evidence.badges`,
:mod:`~competency_core.importers.evidence.xapi`, :mod:`~competency_core.importers.evidence.table`)
returns an :class:`EvidenceImport`: the :class:`~competency_core.people.Evidence` it could
read, and every item it left out as a :class:`Skipped` saying where (the file or LRS, the
JSON path or line) and why. Nothing is guessed: a person is found by an email or a key,
a competency by its key or one of its external references, a course by its URL or ids.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field

from competency_core.errors import CompetencyError
from competency_core.people import Evidence
from competency_core.problems import Problem
from competency_core.references import PathPart, format_path

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Person
    from competency_core.scales import ProficiencyScale


class EvidenceSourceError(CompetencyError):
    """A source of evidence cannot be read at all (no such file, an LRS that refuses)."""


class Skipped(BaseModel):
    """An item a reader left out: where it is and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(description="The file (or LRS endpoint) the item came from.")
    path: str = Field(default="", description="Where in it: a JSON path such as '[2].actor'.")
    line: int | None = Field(default=None, description="The line (JSON lines, CSV).")
    column: str | None = Field(default=None, description="The CSV column at fault, if one.")
    item: str | None = Field(
        default=None, description="The item's own id, when it has one (credential, statement)."
    )
    reason: str = Field(description="Why it was left out, and what to do about it.")

    def as_problem(self) -> Problem:
        """The skipped item as a located warning (as the CLI prints problems)."""
        path = self.path
        if self.column:
            path = f"{path}.{self.column}" if path else self.column
        message = f"{self.reason} ({self.item})" if self.item else self.reason
        return Problem(
            path=path,
            message=message,
            severity="warning",
            file=self.source,
            line=self.line,
            code="evidence-skipped",
        )

    def __str__(self) -> str:
        return str(self.as_problem())


class EvidenceImport(BaseModel):
    """What a reader read: the evidence, and what it skipped (with where and why)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence: tuple[Evidence, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def __add__(self, other: EvidenceImport) -> EvidenceImport:
        return EvidenceImport(
            evidence=self.evidence + other.evidence, skipped=self.skipped + other.skipped
        )

    @classmethod
    def combined(cls, parts: Iterable[EvidenceImport]) -> EvidenceImport:
        """Several imports as one (in order)."""
        evidence: list[Evidence] = []
        skipped: list[Skipped] = []
        for part in parts:
            evidence += part.evidence
            skipped += part.skipped
        return cls(evidence=tuple(evidence), skipped=tuple(skipped))


def source_files(path: str | os.PathLike[str], suffixes: tuple[str, ...]) -> list[Path]:
    """The files a source names: the file itself, or a directory's files with ``suffixes``.

    A directory is searched recursively, in name order; a path that does not exist raises
    :class:`EvidenceSourceError`.
    """
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
    if not p.exists():
        raise EvidenceSourceError(f"{p}: no such file or directory")
    return [p]


def read_json(path: Path) -> tuple[Any, Skipped | None]:
    """A JSON file's data, or why it cannot be read (as the whole file skipped)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Skipped(source=str(path), reason=f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        return None, Skipped(source=str(path), reason=f"cannot read the file: {exc.strerror}")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, Skipped(
            source=str(path),
            line=exc.lineno,
            reason=f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        )


def json_path(parts: Sequence[PathPart]) -> str:
    """A JSON path: ``[2].credentialSubject.identifier[0]``.

    >>> json_path((2, "credentialSubject", "identifier", 0))
    '[2].credentialSubject.identifier[0]'
    >>> json_path(())
    ''
    """
    return format_path(parts)


@functools.lru_cache(maxsize=4096)
def normalise_uri(value: str) -> str:
    """A URI compared loosely: scheme and host in lower case, no trailing slash or spaces.

    >>> normalise_uri(" HTTP://Data.Europa.EU/esco/skill/A8/ ")
    'http://data.europa.eu/esco/skill/A8'
    """
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme and parts.netloc:
        text = urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
        )
    return text.rstrip("/")


def is_uri(value: str) -> bool:
    """Whether ``value`` looks like an absolute URI (``scheme:...``), not a bare code."""
    parts = urlsplit(value.strip())
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"urn", "mailto"})


def email_of(value: str) -> str | None:
    """The address of ``mailto:ann@x.org`` (or of a bare address), lower-cased; else None.

    >>> email_of("mailto:Ann.Lee@Example.com"), email_of("ann@x.org"), email_of("did:x:1")
    ('ann.lee@example.com', 'ann@x.org', None)
    """
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if "@" in text and ":" not in text and " " not in text:
        return text.lower()
    return None


class PeopleIndex:
    """The people evidence can name: by email (case-insensitive) or by key."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_key: dict[str, str] = {}
        self.by_email: dict[str, str] = {}
        for p in people:
            self.by_key[p.key] = p.key
            if p.email:
                self.by_email.setdefault(p.email.strip().lower(), p.key)

    def __len__(self) -> int:
        return len(self.by_key)

    @functools.cached_property
    def by_mbox_sha1(self) -> dict[str, str]:
        """People by the SHA-1 of ``mailto:`` + their email (xAPI's ``mbox_sha1sum``)."""
        return {
            hashlib.sha1(f"mailto:{email}".encode()).hexdigest(): key
            for email, key in self.by_email.items()
        }

    def find(self, value: str) -> str | None:
        """The key of the person an email, ``mailto:`` URI or person key names."""
        email = email_of(value)
        if email is not None:
            return self.by_email.get(email)
        return self.by_key.get(value.strip())

    def find_hashed(self, identity_hash: str, salt: str | None) -> str | None:
        """The person whose email hashes to ``identity_hash`` (``sha256$hex`` or ``md5$hex``).

        This is how Open Badges hides an email: the hash of the address with the salt
        appended. Every known address is hashed the same way and compared.
        """
        algorithm, _, digest = identity_hash.strip().partition("$")
        algorithm = algorithm.lower()
        if algorithm not in {"sha256", "md5"} or not digest:
            return None
        digest = digest.lower()
        for email, key in self.by_email.items():
            for candidate in {email, email.lower()}:
                data = (candidate + (salt or "")).encode("utf-8")
                if hashlib.new(algorithm, data).hexdigest() == digest:
                    return key
        return None


class ModelTargets:
    """What evidence can be about in a model: its competencies and learning resources.

    A competency is found by its key, by one of its external references (an ESCO, O*NET,
    CASE... URI, or a code such as O*NET's ``2.B.3.e``), by the CASE identifier
    ``competency publish --case`` gives it, or by ``activity_prefix`` + its key; a
    learning resource by its ``url``, one of its ``external_ids`` or ``activity_prefix`` +
    its key.
    """

    def __init__(self, model: CompetencyModel, *, activity_prefix: str | None = None) -> None:
        from competency_core.publish.case import case_identifier

        self.model = model
        self.activity_prefix = activity_prefix
        self.competency_keys = {c.key for c in model.competencies}
        self.competency_uris: dict[str, str] = {}
        self.competency_codes: dict[str, str] = {}
        for c in model.competencies:
            for ref in c.references:
                if is_uri(ref.uri):
                    self.competency_uris.setdefault(normalise_uri(ref.uri), c.key)
                else:
                    self.competency_codes.setdefault(ref.uri.strip().lower(), c.key)
            self.competency_uris.setdefault(
                f"urn:uuid:{case_identifier(model.key, 'competency', c.key)}", c.key
            )
        self.case_ids = {
            case_identifier(model.key, "competency", c.key): c.key for c in model.competencies
        }
        self.resource_keys = {r.key for r in model.learning_resources}
        self.resource_uris: dict[str, str] = {}
        self.resource_codes: dict[str, str] = {}
        for r in model.learning_resources:
            if r.url:
                self.resource_uris.setdefault(normalise_uri(r.url), r.key)
            for value in r.external_ids.values():
                if is_uri(value):
                    self.resource_uris.setdefault(normalise_uri(value), r.key)
                else:
                    self.resource_codes.setdefault(value.strip().lower(), r.key)

    def _prefixed(self, uri: str) -> str | None:
        if not self.activity_prefix:
            return None
        prefix = normalise_uri(self.activity_prefix)
        value = normalise_uri(uri)
        if value.startswith(prefix + "/") or (
            prefix.endswith(("#", "=", ":")) and value.startswith(prefix)
        ):
            tail = value[len(prefix) :].lstrip("/")
            return tail or None
        return None

    def competency_by_uri(self, uri: str) -> str | None:
        """The competency a URI names (a reference, its CASE item, or prefix + key)."""
        norm = normalise_uri(uri)
        found = self.competency_uris.get(norm)
        if found is not None:
            return found
        last = norm.rsplit("/", 1)[-1]
        if last in self.case_ids and "/CFItems/" in norm:
            return self.case_ids[last]
        tail = self._prefixed(uri)
        return tail if tail in self.competency_keys else None

    def competency_by_code(self, code: str) -> str | None:
        """The competency a code names: its key, or a coded reference (``2.B.3.e``)."""
        text = code.strip()
        if text in self.competency_keys:
            return text
        return self.competency_codes.get(text.lower())

    def resource_by_uri(self, uri: str) -> str | None:
        """The learning resource a URI names (its url, an external id, or prefix + key)."""
        found = self.resource_uris.get(normalise_uri(uri))
        if found is not None:
            return found
        tail = self._prefixed(uri)
        if tail in self.resource_keys:
            return tail
        return self.resource_codes.get(uri.strip().lower())

    def scale_of(self, competency: str) -> ProficiencyScale:
        """The scale a competency is measured on."""
        return self.model.scale_of(competency)


def scale_level_by_name(scale: ProficiencyScale, names: Iterable[str]) -> int | None:
    """The level of ``scale`` one of ``names`` denotes, or None.

    A name denotes a level when it is its label (in any language) or key, or its value
    written as a number (``3``, ``Level 3``).
    """
    wanted = [n.strip().lower() for n in names if isinstance(n, str) and n.strip()]
    for name in wanted:
        for lv in scale.levels:
            labels = {
                t.strip().lower() for t in lv.label.normalized(default_language="en").values()
            }
            if name in labels or (lv.key is not None and name == lv.key.strip().lower()):
                return lv.value
    for name in wanted:
        text = name.removeprefix("level").strip()
        if text.lstrip("-").isdigit() and scale.has_level(int(text)):
            return int(text)
    return None


def text_of(value: Any) -> str | None:
    """``value`` if it is a non-empty string, else None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_list(value: Any) -> list[Any]:
    """A JSON value that may be one item or a list, as a list (None: empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def details(**values: Any) -> dict[str, str]:
    """The non-empty values as text, for :attr:`Evidence.details`."""
    return {k: str(v) for k, v in values.items() if v not in (None, "", [], {})}


def mapping(value: Any) -> Mapping[str, Any] | None:
    """``value`` if it is a JSON object."""
    if type(value) is dict:  # what JSON gives: the quick check first
        return value
    return value if isinstance(value, Mapping) else None


__all__ = [
    "EvidenceImport",
    "EvidenceSourceError",
    "ModelTargets",
    "PeopleIndex",
    "Skipped",
    "as_list",
    "details",
    "email_of",
    "is_uri",
    "json_path",
    "mapping",
    "normalise_uri",
    "read_json",
    "scale_level_by_name",
    "source_files",
    "text_of",
]
