"""Signed JSON lines: how the ``jsonl`` adapter writes each object, and how lines are checked.

Every line of a ``.jsonl`` file the adapter writes is ``{"object": {...}, "sig": "..."}``,
``sig`` being the HMAC-SHA256 of the object (as JSON with sorted keys) under the signing
key. :func:`read_line` gives a line's object or says what is wrong with it (the adapter
stops at the first bad line); :func:`verify` checks whole files and lists every bad line
(``competency jsonl verify``). Standard library only, so the command module that uses it
stays cheap to import.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

SIGNING_KEY_ENV = "COMPETENCY_JSONL_SIGNING_KEY"
"""The environment variable the adapter (and ``competency jsonl verify``) reads the key from."""

SUFFIX = ".jsonl"


class LineProblem(StrEnum):
    """What can be wrong with a line."""

    TAMPERED = "tampered"
    """Signed, but the signature does not match the object under the key."""
    UNSIGNED = "unsigned"
    """An object without a signature."""
    UNREADABLE = "unreadable"
    """Not a JSON object holding an object with a kind and a key."""
    DUPLICATE = "duplicate"
    """A second line for the same object (a validly signed line copied or replayed)."""


class LineError(ValueError):
    """A line that is not a validly signed object; ``problem`` says how."""

    def __init__(self, problem: LineProblem, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.ref = ref


def signature(key: str, obj: Mapping[str, Any]) -> str:
    """The signature of ``obj`` under ``key`` (hex HMAC-SHA256 of its sorted-keys JSON)."""
    body = json.dumps(obj, sort_keys=True)
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()


def signed_line(key: str, obj: Mapping[str, Any]) -> str:
    """The line the adapter writes for ``obj`` (with its newline)."""
    return json.dumps({"object": obj, "sig": signature(key, obj)}) + "\n"


def _ref(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind')} {obj.get('key')}"


def read_line(text: str, key: str) -> dict[str, Any]:
    """The object a signed line holds; :class:`LineError` when it is not one."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(LineProblem.UNREADABLE, f"not JSON ({exc.msg})") from None
    obj = record.get("object") if isinstance(record, dict) else None
    if not (
        isinstance(obj, dict)
        and isinstance(obj.get("kind"), str)
        and isinstance(obj.get("key"), str)
    ):
        raise LineError(LineProblem.UNREADABLE, "not a signed object line")
    sig = record.get("sig")
    if not isinstance(sig, str) or not sig:
        raise LineError(LineProblem.UNSIGNED, "no signature", _ref(obj))
    if not hmac.compare_digest(sig, signature(key, obj)):
        raise LineError(LineProblem.TAMPERED, "the signature does not match", _ref(obj))
    return obj


@dataclass(frozen=True)
class Finding:
    """A bad line: where it is, what is wrong, and the object it is about (when readable)."""

    file: str
    line: int
    problem: LineProblem
    message: str
    ref: str | None = None

    def __str__(self) -> str:
        about = f" ({self.ref})" if self.ref else ""
        return f"{self.file}:{self.line}: {self.problem.value}: {self.message}{about}"

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON data."""
        return {
            "file": self.file,
            "line": self.line,
            "problem": self.problem.value,
            "message": self.message,
            "object": self.ref,
        }


@dataclass
class Verification:
    """What :func:`verify` found: the files checked (with their line counts) and every bad line."""

    files: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    valid: int = 0
    """How many lines hold a validly signed object (duplicates included)."""

    @property
    def lines(self) -> int:
        """How many lines were checked."""
        return sum(self.files.values())

    @property
    def ok(self) -> bool:
        """True when every line is a validly signed object, each object once."""
        return not self.findings

    @property
    def wrong_key(self) -> bool:
        """True when lines are signed but no signature matches: the key is probably wrong."""
        return self.valid == 0 and any(f.problem is LineProblem.TAMPERED for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Findings by problem (only the problems found)."""
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.problem.value] = out.get(f.problem.value, 0) + 1
        return out

    def summary(self) -> str:
        """One line: what was checked and what was found."""
        checked = f"{self.lines} line(s) in {len(self.files)} file(s)"
        if self.ok:
            return f"{checked}: every line is signed with the key"
        found = ", ".join(f"{n} {problem}" for problem, n in self.counts().items())
        return f"{checked}: {found}"

    def to_dict(self) -> dict[str, Any]:
        """The verification as JSON data."""
        return {
            "ok": self.ok,
            "files": [{"file": f, "lines": n} for f, n in self.files.items()],
            "lines": self.lines,
            "valid": self.valid,
            "counts": self.counts(),
            "wrong_key": self.wrong_key,
            "findings": [f.to_dict() for f in self.findings],
        }


def jsonl_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.jsonl`` files named by ``paths``: files as given, folders by their ``*.jsonl``.

    Raises :class:`FileNotFoundError` for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob(f"*{SUFFIX}") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(path)
    return found


def verify_file(path: Path, key: str, into: Verification) -> None:
    """Check every line of ``path`` under ``key``, adding what is wrong to ``into``."""
    seen: dict[str, int] = {}
    count = 0
    with path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
        for n, text in enumerate(fh, 1):
            count = n
            if not text.strip():
                continue
            try:
                obj = read_line(text, key)
            except LineError as exc:
                into.findings.append(Finding(str(path), n, exc.problem, str(exc), exc.ref))
                continue
            into.valid += 1
            ref = _ref(obj)
            if ref in seen:
                into.findings.append(
                    Finding(str(path), n, LineProblem.DUPLICATE, f"also on line {seen[ref]}", ref)
                )
            else:
                seen[ref] = n
    into.files[str(path)] = count


def verify(paths: Iterable[Path], key: str) -> Verification:
    """Check every line of the ``.jsonl`` files in ``paths`` (files or folders) under ``key``."""
    result = Verification()
    for path in jsonl_files(paths):
        verify_file(path, key, result)
    return result


__all__ = [
    "SIGNING_KEY_ENV",
    "SUFFIX",
    "Finding",
    "LineError",
    "LineProblem",
    "Verification",
    "jsonl_files",
    "read_line",
    "signature",
    "signed_line",
    "verify",
    "verify_file",
]
