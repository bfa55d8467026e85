"""The project's own wording in the reader's language: gettext catalogues read with Babel.

Everything competency-core writes for people (handbook, guides, workbook, reports, CLI
messages) goes through a :class:`Translator`. The model's own texts are not translated
here: they are the model's (``{en: ..., sv: ...}`` mappings, see :mod:`competency_core.text`).

Catalogues are standard gettext ``.po`` files, kept in the package under
``locale/<language>/LC_MESSAGES/<area>.po``, one file per area of the project
(``handbook``, ``workbook``, ``cli``, ...). All the files of a language are read and merged
when the language is first asked for; no compile step is needed (Babel compiles them in
memory). Fuzzy and empty entries are not used: the English wording shows instead.

A user adds or rewords a language without touching the package: put ``.po`` files in
``<dir>/<language>/LC_MESSAGES/`` and name the directory in ``COMPETENCY_LOCALE_PATH``
(several, separated by ``os.pathsep``) or call :func:`add_catalogue_dir`. Their entries
win over the packaged ones. ``docs/i18n.md`` walks through it.

Placeholders are Python's named ``%(name)s`` (the form gettext tools check and Jinja's
i18n extension uses)::

    >>> tr = translator("sv")
    >>> tr.language, tr.complete
    ('sv', True)
    >>> translator("en")._("%(n)s of %(total)s", n=2, total=3)
    '2 of 3'

Mark texts held in constants with :func:`N_` (extracted, not translated) and translate
them where they are used: ``tr._(STEP)``.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

DOMAIN = "competency_core"
"""The gettext domain (the ``.pot`` template is ``locale/competency_core.pot``)."""

LOCALE_DIR = Path(__file__).with_name("locale")
"""The packaged catalogues."""

LOCALE_PATH_ENV = "COMPETENCY_LOCALE_PATH"
"""Directories of a user's own catalogues (``os.pathsep``-separated); they win."""

SOURCE_LANGUAGE = "en"
"""The language the wording is written in, in the code and the templates."""

_extra_dirs: list[Path] = []
_cache: dict[tuple[str, tuple[Path, ...]], Translator] = {}
_lock = threading.Lock()


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it (translate where used)."""
    return message


def add_catalogue_dir(path: str | os.PathLike[str]) -> None:
    """Read catalogues from ``path`` too (``<path>/<language>/LC_MESSAGES/*.po``); they win."""
    p = Path(path)
    if p not in _extra_dirs:
        _extra_dirs.append(p)


def catalogue_dirs() -> tuple[Path, ...]:
    """Where catalogues are read from, lowest precedence first."""
    env = [Path(p) for p in os.environ.get(LOCALE_PATH_ENV, "").split(os.pathsep) if p]
    return (LOCALE_DIR, *env, *_extra_dirs)


def normalise_language(language: str | None) -> str:
    """``sv-SE``/``sv_se`` -> ``sv_SE``; None -> the source language."""
    if not language:
        return SOURCE_LANGUAGE
    parts = language.replace("-", "_").split("_")
    head = parts[0].lower()
    return "_".join([head, *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def _candidates(language: str) -> list[str]:
    """``sv_SE`` -> [``sv``, ``sv_SE``]: the general catalogue first, the regional one wins."""
    parts = language.split("_")
    return ["_".join(parts[: i + 1]) for i in range(len(parts))]


def _po_files(language: str, dirs: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        for lang in _candidates(language):
            folder = d / lang / "LC_MESSAGES"
            if folder.is_dir():
                files.extend(sorted(folder.glob("*.po")))
    return files


def available_languages() -> list[str]:
    """The languages with a catalogue (packaged or the user's), and the source language."""
    langs = {SOURCE_LANGUAGE}
    for d in catalogue_dirs():
        if d.is_dir():
            langs.update(p.name for p in d.iterdir() if (p / "LC_MESSAGES").is_dir())
    return sorted(langs)


def _merged_mo(files: list[Path], language: str) -> gettext.NullTranslations:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language.split("_")[0], domain=DOMAIN)
    for path in files:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language.split("_")[0])
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                continue
            # later files (the user's) win: Babel's Catalog keeps the first string of a
            # message set twice, so the earlier one is removed first
            merged.delete(message.id, context=message.context)
            merged[message.id] = message
    buf = io.BytesIO()
    write_mo(buf, merged, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translator(language: str | None = None) -> Translator:
    """The :class:`Translator` for ``language`` (None: the source language), cached."""
    lang = normalise_language(language)
    dirs = catalogue_dirs()
    key = (lang, dirs)
    with _lock:
        found = _cache.get(key)
        if found is None:
            files = _po_files(lang, dirs)
            translations = _merged_mo(files, lang) if files else gettext.NullTranslations()
            complete = bool(files) or lang.split("_")[0] == SOURCE_LANGUAGE
            found = Translator(lang, translations, complete=complete, files=tuple(files))
            _cache[key] = found
        return found


def clear_cache() -> None:
    """Forget the catalogues read so far (after a user's catalogue changed)."""
    with _lock:
        _cache.clear()


def _format(text: str, values: dict[str, Any]) -> str:
    return text % values if values else text


@dataclass(frozen=True)
class Translator:
    """The wording of one language (see the module docs).

    ``complete`` is False for a language that has no catalogue at all: the wording then
    stays in English, and callers say so (the CLI warns).
    """

    language: str
    translations: gettext.NullTranslations = field(repr=False, compare=False)
    complete: bool = True
    files: tuple[Path, ...] = field(default=(), repr=False, compare=False)

    # -- wording ---------------------------------------------------------------------
    def _(self, message: str, /, **values: Any) -> str:
        """``message`` in this language, with ``%(name)s`` placeholders filled."""
        return _format(self.translations.gettext(message), values)

    gettext = _

    def n_(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The singular or plural form for ``n`` (``n`` is also the placeholder ``%(n)s``)."""
        values.setdefault("n", n)
        return _format(self.translations.ngettext(singular, plural, n), values)

    ngettext = n_

    def p_(self, context: str, message: str, /, **values: Any) -> str:
        """``message`` in ``context`` (for a short word that reads differently elsewhere)."""
        return _format(self.translations.pgettext(context, message), values)

    pgettext = p_

    def each(self, messages: Iterable[str]) -> Iterator[str]:
        """Each message translated."""
        return (self._(m) for m in messages)

    # -- numbers and dates -----------------------------------------------------------
    @cached_property
    def locale(self) -> Any:
        """The Babel ``Locale`` (number and date formats, the language's own name)."""
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(self.language)
        except (UnknownLocaleError, ValueError):
            return Locale.parse(SOURCE_LANGUAGE)

    def number(self, value: float, digits: int | None = None) -> str:
        """``1234.5`` -> ``1,234.5`` (en) / ``1 234,5`` (sv); ``digits`` fixes the decimals."""
        from babel.numbers import format_decimal

        fmt = None if digits is None else ("#,##0." + "0" * digits if digits else "#,##0")
        return str(format_decimal(value, format=fmt, locale=self.locale))

    def percent(self, value: float, digits: int = 0) -> str:
        """``0.25`` -> ``25%`` (en) / ``25 %`` (sv), in the language's own pattern."""
        from babel.numbers import format_percent

        fmt = ("#,##0." + "0" * digits + "%") if digits else None
        return str(format_percent(value, format=fmt, locale=self.locale))

    def date(self, value: dt.date, format: str = "long") -> str:
        """A date as a reader of this language writes it (``7 December 2026``)."""
        from babel.dates import format_date

        return str(format_date(value, format=format, locale=self.locale))

    def language_name(self, code: str | None = None) -> str:
        """The name of a language in this language (``sv`` -> ``Swedish``/``svenska``)."""
        from babel import Locale, UnknownLocaleError

        try:
            return str(
                Locale.parse(normalise_language(code or self.language)).get_display_name(
                    self.locale
                )
            )
        except (UnknownLocaleError, ValueError):
            return code or self.language

    # -- templates -------------------------------------------------------------------
    def install(self, env: Any) -> None:
        """Give a Jinja ``Environment`` this wording (``_()``, ``ngettext``, ``{% trans %}``)."""
        if "jinja2.ext.InternationalizationExtension" not in env.extensions:
            env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(self.translations, newstyle=True)
        env.globals["tr"] = self
