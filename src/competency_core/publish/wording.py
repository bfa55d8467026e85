"""Words the publications share: statuses, kinds of career move, importance of requirements.

Each is English marked with :func:`~competency_core.i18n.N_` and translated where it is
shown, so a reader sees "utkast" for a draft model and "befordran" for a promotion, never
the internal value (``draft``, ``promotion``). A requirement's raw weight is not shown to
readers either: :func:`importance` says how much it counts within its role in words.
"""

from __future__ import annotations

from competency_core.i18n import N_, Translator
from competency_core.model import CompetencyModel
from competency_core.roles import Requirement, RoleProfile
from competency_core.wording import MOVE_KINDS, STATUSES, move_kind, status

STATUS_LABELS = STATUSES
"""A model version's lifecycle status in words (:data:`competency_core.wording.STATUSES`)."""

LEARNING_KINDS = {
    "course": N_("course"),
    "workshop": N_("workshop"),
    "book": N_("book"),
    "mentoring": N_("mentoring"),
    "video": N_("video"),
    "e-learning": N_("e-learning"),
    "article": N_("article"),
    "certification": N_("certification"),
    "on-the-job": N_("on-the-job learning"),
}
"""The usual kinds of learning resource in words (others are shown as written)."""

SCHEMES = {"onet": "O*NET", "esco": "ESCO", "sfia": "SFIA", "case": "CASE"}
"""The names of frameworks a competency refers to (proper names, not translated)."""

IMPORTANCE = (N_("high"), N_("medium"), N_("low"))
"""How much a requirement counts within its role (see :func:`importance`)."""


def status_label(tr: Translator, model: CompetencyModel) -> str:
    """The model's lifecycle status in the reader's words ('draft', 'utkast')."""
    return status(tr, model.status)


def essential_label(tr: Translator, requirement: Requirement | bool) -> str:
    """'essential' or 'desirable' (of a requirement, or of ``True``/``False``) in words.

    The words carry the gettext context ``requirement``, so that another area's
    "essential" (a CLI column, say) never decides how the handbook reads.
    """
    essential = requirement if isinstance(requirement, bool) else requirement.essential
    return tr.p_("requirement", "essential") if essential else tr.p_("requirement", "desirable")


def learning_kind(tr: Translator, kind: str) -> str:
    """A kind of learning resource in the reader's words (as written when unusual)."""
    known = LEARNING_KINDS.get(kind)
    return tr._(known) if known else kind


def scheme_name(scheme: str) -> str:
    """A framework's name ('onet' -> 'O*NET'; others as written)."""
    return SCHEMES.get(scheme.lower(), scheme)


def weights_differ(role: RoleProfile) -> bool:
    """Whether the role weighs its requirements differently (else importance says nothing)."""
    return len({q.weight for q in role.requirements}) > 1


def heaviest_weight(role: RoleProfile) -> float:
    """The heaviest weight among a role's requirements (1 when it has none, or all are 0)."""
    return max((q.weight for q in role.requirements), default=0) or 1


def importance(
    tr: Translator, role: RoleProfile, requirement: Requirement, *, top: float | None = None
) -> str:
    """A requirement's weight relative to the role's heaviest, in words: high, medium, low.

    High is at least three quarters of the heaviest weight, medium at least two fifths.
    ``top`` is :func:`heaviest_weight` of ``role`` where the caller knows it already.
    """
    if top is None:
        top = heaviest_weight(role)
    share = requirement.weight / top
    word = IMPORTANCE[0] if share >= 0.75 else IMPORTANCE[1] if share >= 0.4 else IMPORTANCE[2]
    return tr._(word)


__all__ = [
    "IMPORTANCE",
    "LEARNING_KINDS",
    "MOVE_KINDS",
    "SCHEMES",
    "STATUS_LABELS",
    "essential_label",
    "heaviest_weight",
    "importance",
    "learning_kind",
    "move_kind",
    "scheme_name",
    "status_label",
    "weights_differ",
]
