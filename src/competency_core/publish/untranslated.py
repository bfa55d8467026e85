"""Which of a model's own texts have no translation in a language (and what is shown instead).

A publication in Swedish shows the model's Swedish texts; a text the model has not
translated is shown in the model's default language (see
:meth:`~competency_core.text.LocalizedText.get`). :func:`untranslated_texts` lists those,
so that ``competency publish --language sv`` can say what a reader will see in another
language, and the model's owner knows what to translate::

    >>> import competency_core as cc
    >>> model = cc.CompetencyModel.model_validate({
    ...     "key": "m", "name": {"en": "Model", "sv": "Modell"}, "languages": ["en", "sv"],
    ...     "scales": [{"key": "s", "name": "Scale", "proficient": 2, "levels": [
    ...         {"value": 1, "label": {"en": "Basic", "sv": "Grund"}},
    ...         {"value": 2, "label": {"en": "Able", "sv": "Kunnig"}}]}],
    ... })
    >>> [(t.path, t.text, t.shown_in) for t in untranslated_texts(model, "sv")]
    [('scales[0].name', 'Scale', 'en')]

The project's own wording (headings, labels, guides) is not the model's: it comes from the
gettext catalogues (:mod:`competency_core.i18n`), and a language without a catalogue is
reported by ``Translator.complete``.
"""

from __future__ import annotations

from dataclasses import dataclass

from competency_core.i18n import normalise_language
from competency_core.model import CompetencyModel
from competency_core.references import _texts, format_path
from competency_core.text import LocalizedText


@dataclass(frozen=True)
class UntranslatedText:
    """One text of the model that has no translation in the language asked for."""

    path: str
    """Where the text is in the model, e.g. ``competencies[3].name``."""
    text: str
    """The text as it is shown instead."""
    shown_in: str
    """The language it is shown in (the model's default language, else any it has)."""


def _has(value: LocalizedText, language: str, default_language: str) -> str | None:
    """The language of ``value`` that serves ``language``, or None when none does."""
    have = value.languages(default_language=default_language)
    for code in (language, language.split("-")[0]):
        if code in have:
            return code
    return None


def _shown_in(value: LocalizedText, default_language: str) -> str:
    have = value.languages(default_language=default_language)
    return default_language if default_language in have else sorted(have)[0]


def untranslated_texts(
    model: CompetencyModel, language: str | None = None
) -> list[UntranslatedText]:
    """The model's own texts that have no translation in ``language``, in model order.

    ``language`` defaults to the model's default language (then nothing is missing unless
    a text is written only in other languages). ``sv-SE`` is served by ``sv`` texts. Every
    text a publication shows is checked: names, definitions, indicators and their
    examples, level labels, descriptions and anchors, role titles, summaries and notes,
    track names, transition notes and learning resource titles.
    """
    lang = normalise_language(language or model.default_language).replace("_", "-")
    out: list[UntranslatedText] = []
    for path, value in _texts(model):
        if _has(value, lang, model.default_language) is None:
            out.append(
                UntranslatedText(
                    path=format_path(path),
                    text=value.get(lang, default_language=model.default_language),
                    shown_in=_shown_in(value, model.default_language),
                )
            )
    return out


__all__ = ["UntranslatedText", "untranslated_texts"]
