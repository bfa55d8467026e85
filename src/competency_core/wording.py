"""The domain's values in words: one wording for the handbook, the workbook, reports and CLI.

A reader sees "utkast" for a draft model, "befordran" for a promotion and "chef" for a
manager's rating, never the internal value (``draft``, ``promotion``, ``manager``), and
sees the same word wherever the value appears. Each word is English marked with
:func:`~competency_core.i18n.N_` and translated where it is shown::

    >>> from competency_core.i18n import translator
    >>> move_kind(translator("en"), "track-switch"), status(translator("en"), "draft")
    ('change of track', 'draft')
    >>> rater_type(translator("en"), "an-unknown-type")   # shown as written
    'an-unknown-type'
"""

from __future__ import annotations

from collections.abc import Mapping

from competency_core.i18n import N_, Translator

STATUSES: Mapping[str, str] = {
    "draft": N_("draft"),
    "pilot": N_("pilot"),
    "approved": N_("approved"),
    "published": N_("published"),
    "retired": N_("retired"),
}
"""A model version's lifecycle status (``LifecycleStatus`` values) in words."""

MOVE_KINDS: Mapping[str, str] = {
    "promotion": N_("promotion"),
    "lateral": N_("lateral move"),
    "track-switch": N_("change of track"),
    "specialist": N_("specialist move"),
    "management": N_("move into management"),
    "related": N_("related role"),
}
"""A kind of career move (``TransitionKind`` values) in words."""

RATER_TYPES: Mapping[str, str] = {
    "self": N_("self"),
    "manager": N_("manager"),
    "peer": N_("peer"),
    "360": N_("360"),
    "test": N_("test"),
    "certification": N_("certification"),
    "interview": N_("interview"),
}
"""Who rated (``RaterType`` values) in words."""


def in_words(tr: Translator, table: Mapping[str, str], value: object) -> str:
    """``value`` in the reader's words from ``table``; a value the table lacks as written."""
    key = str(value)
    word = table.get(key)
    return tr._(word) if word is not None else key


def status(tr: Translator, value: object) -> str:
    """A lifecycle status in the reader's words."""
    return in_words(tr, STATUSES, value)


def move_kind(tr: Translator, value: object) -> str:
    """A kind of career move in the reader's words."""
    return in_words(tr, MOVE_KINDS, value)


def rater_type(tr: Translator, value: object) -> str:
    """A rater type in the reader's words."""
    return in_words(tr, RATER_TYPES, value)


__all__ = [
    "MOVE_KINDS",
    "RATER_TYPES",
    "STATUSES",
    "in_words",
    "move_kind",
    "rater_type",
    "status",
]
