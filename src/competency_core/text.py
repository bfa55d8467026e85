"""Texts in several languages.

A text field accepts either a plain string (written in the model's default language) or
a mapping of language codes to strings::

    name: Software design
    name: {en: Software design, sv: Mjukvarudesign}

Lookup falls back to the default language, then to any language present.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, RootModel

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _check_language(code: str) -> str:
    if not LANGUAGE_CODE.fullmatch(code):
        raise ValueError(f"{code!r} is not a language code (use e.g. 'en', 'sv', 'pt-BR')")
    return code


Language = Annotated[str, AfterValidator(_check_language)]
"""A BCP 47 style language code such as ``en``, ``sv`` or ``pt-BR``."""


def _check_texts(value: str | dict[Language, str]) -> str | dict[Language, str]:
    if isinstance(value, dict):
        if not value:
            raise ValueError("a translated text needs at least one language")
        for lang, text in value.items():
            if not isinstance(text, str):
                raise ValueError(f"the {lang!r} text must be a string")
    return value


class LocalizedText(RootModel[Annotated[str | dict[Language, str], AfterValidator(_check_texts)]]):
    """A text that may carry translations.

    >>> t = LocalizedText({"en": "Teamwork", "sv": "Samarbete"})
    >>> t.get("sv", default_language="en")
    'Samarbete'
    >>> t.get("de", default_language="en")
    'Teamwork'
    >>> LocalizedText("Teamwork").languages(default_language="en")
    frozenset({'en'})
    """

    model_config = {"frozen": True}

    def get(self, language: str | None = None, *, default_language: str = "en") -> str:
        """The text in ``language``, else in the default language, else in any language."""
        root = self.root
        if isinstance(root, str):
            return root
        for lang in (language, default_language):
            if lang and lang in root:
                return root[lang]
            if lang and "-" in lang and lang.split("-")[0] in root:
                return root[lang.split("-")[0]]
        return next(iter(root.values()))

    def languages(self, *, default_language: str) -> frozenset[str]:
        """The languages this text is written in (a plain string counts as the default)."""
        if isinstance(self.root, str):
            return frozenset({default_language})
        return frozenset(self.root)

    def normalized(self, *, default_language: str) -> dict[str, str]:
        """The translations as a mapping, with a plain string under the default language."""
        if isinstance(self.root, str):
            return {default_language: self.root}
        return dict(self.root)

    def __str__(self) -> str:
        return self.get()


def text(value: str | dict[str, str]) -> LocalizedText:
    """Build a :class:`LocalizedText` from a string or a ``{language: text}`` mapping."""
    return LocalizedText.model_validate(value)


__all__ = ["Language", "LocalizedText", "text"]
