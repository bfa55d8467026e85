"""Identifiers: stable, human-readable keys, unique within a model."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator

KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]*")
KEY_MAX_LENGTH = 100  # Moodle's idnumber limit, so keys survive a Moodle sync unchanged


def _check_key(value: str) -> str:
    if len(value) > KEY_MAX_LENGTH:
        raise ValueError(f"a key has at most {KEY_MAX_LENGTH} characters (got {len(value)})")
    if not KEY_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid key: use letters, digits and . _ - : / "
            "(starting with a letter or digit), e.g. 'system-design'"
        )
    return value


Key = Annotated[str, AfterValidator(_check_key)]
"""A stable identifier such as ``system-design`` or ``15-1252.00``."""

_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)


def _check_semver(value: str) -> str:
    if not _SEMVER.fullmatch(value):
        raise ValueError(f"{value!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. '1.2.0')")
    return value


SemVer = Annotated[str, AfterValidator(_check_semver)]
"""A semantic version string, ``MAJOR.MINOR.PATCH[-pre][+build]``."""


def parse_semver(value: str) -> tuple[int, int, int]:
    """The numeric part of a semantic version.

    >>> parse_semver("1.10.3-rc.1")
    (1, 10, 3)
    """
    m = _SEMVER.fullmatch(value)
    if not m:
        raise ValueError(f"{value!r} is not a semantic version")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``options``, or an empty string.

    >>> did_you_mean("proficent", ["proficient", "levels", "key"])
    " (did you mean 'proficient'?)"
    >>> did_you_mean("zzz", ["proficient"])
    ''
    """
    if not isinstance(word, str):
        return ""
    choices = [o for o in dict.fromkeys(options) if isinstance(o, str)]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    if not close:
        lower = {o.lower(): o for o in choices}
        close = [lower[word.lower()]] if word.lower() in lower else []
    return f" (did you mean {close[0]!r}?)" if close else ""


__all__ = ["KEY_PATTERN", "Key", "SemVer", "did_you_mean", "parse_semver"]
