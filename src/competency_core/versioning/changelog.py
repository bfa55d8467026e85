"""Render a :class:`~competency_core.versioning.diff.ModelDiff` as a Markdown changelog."""

from __future__ import annotations

import datetime as dt

from competency_core.versioning.diff import ModelDiff
from competency_core.versioning.rules import Bump

_SECTIONS: tuple[tuple[Bump, str], ...] = (
    ("major", "Breaking changes (major)"),
    ("minor", "Additions and changes (minor)"),
    ("patch", "Wording and metadata (patch)"),
)


def render_changelog(
    diff: ModelDiff,
    *,
    version: str | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    reasons: bool = False,
) -> str:
    """A Markdown changelog entry for the changes, grouped by bump (major first).

    ``version`` is the released version (default: the new version of the diff);
    ``reasons`` adds the rule behind each change's bump.

    >>> from competency_core.versioning.diff import ModelDiff
    >>> print(render_changelog(ModelDiff(model="m", old_version="1.0.0", new_version="1.0.0")))
    ## m 1.0.0
    <BLANKLINE>
    No changes from 1.0.0.
    <BLANKLINE>
    """
    released = version or diff.new_version
    head = title or f"{diff.model} {released}"
    if date is not None:
        head += f" ({date.isoformat()})"
    lines = [f"## {head}", ""]
    if diff.is_empty:
        lines += [f"No changes from {diff.old_version}.", ""]
        return "\n".join(lines)
    n = len(diff.changes)
    lines += [
        f"{n} change{'s' if n != 1 else ''} from {diff.old_version}: a **{diff.bump}** release "
        f"(suggested version {diff.suggested_version}).",
        "",
    ]
    for bump, heading in _SECTIONS:
        items = diff.by_bump(bump)
        if not items:
            continue
        lines += [f"### {heading}", ""]
        for c in items:
            lines.append(f"- {c.summary}" + (f" — _{c.reason}_" if reasons else ""))
        lines.append("")
    return "\n".join(lines)


__all__ = ["render_changelog"]
