"""``--help`` in the CLI's language: the click command tree translated once it is built.

typer reads the help texts when the command modules are imported, before the CLI's
language is known, so the sources keep them in English, marked for the catalogues
(``help=N_("...")``; a command's docstring, which typer uses as its help, is picked up by
:func:`competency_core.catalogues.extract`). :func:`translate_help` walks the click tree
that ``typer.main.get_command`` builds for one run and puts each text in the chosen
language: a group's and a command's ``help``, ``short_help`` and ``epilog``, an option's
and an argument's ``help``. English needs none of it (:func:`competency_core.cli.main`
skips the walk), so it costs the English reader nothing.

click's and typer's own fixed words (``Usage:``, the ``Options``, ``Arguments`` and
``Commands`` headings, ``Show this message and exit.``, ``[default: ...]``,
``[required]``) are written by a help formatter that translates them
(:data:`FIXED_WORDS`); typer's vendored click has no gettext hook of its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from competency_core.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Sequence

    from competency_core.i18n import Translator

USAGE = N_("Usage:")
HEADINGS = {"Options": N_("Options"), "Arguments": N_("Arguments"), "Commands": N_("Commands")}
HELP_OPTION = N_("Show this message and exit.")
DEFAULT = N_("default:")
REQUIRED = N_("required")
FIXED_WORDS = (USAGE, *HEADINGS.values(), HELP_OPTION, DEFAULT, REQUIRED)
"""click's and typer's own words in a help page, as the help formatter translates them."""

_EXTRA = re.compile(r"\[(default: [^\]]*?)?(?:; )?(required)?\]$")


def translate_help(command: Any, tr: Translator) -> None:
    """Put every help text of ``command`` (a click command or group) and below in ``tr``'s language.

    A text without a translation stays as it is (a plugin's own help, for one).
    """
    context_class = _translated_context(type(command).context_class, tr)
    seen: set[int] = set()

    def walk(cmd: Any) -> None:
        if id(cmd) in seen:
            return
        seen.add(id(cmd))
        for attr in ("help", "short_help", "epilog"):
            text = getattr(cmd, attr, None)
            if isinstance(text, str) and text:
                setattr(cmd, attr, tr._(text))
        for param in getattr(cmd, "params", ()):
            text = getattr(param, "help", None)
            if isinstance(text, str) and text:
                param.help = tr._(text)
        cmd.context_class = context_class
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(command)


def _translated_context(base: type[Any], tr: Translator) -> type[Any]:
    """A subclass of click's ``Context`` whose help formatter writes :data:`FIXED_WORDS` in ``tr``'s language."""
    formatter_base: type[Any] = base.formatter_class
    usage = tr._(USAGE) + " "
    headings = {english: tr._(marked) for english, marked in HEADINGS.items()}
    help_option = tr._(HELP_OPTION)
    default, required = tr._(DEFAULT), tr._(REQUIRED)

    def extra(match: re.Match[str]) -> str:
        parts = []
        if match.group(1):
            parts.append(default + match.group(1)[len("default:") :])
        if match.group(2):
            parts.append(required)
        return "[" + "; ".join(parts) + "]"

    class TranslatedFormatter(formatter_base):  # type: ignore[misc]
        """click's help formatter with its own words in the CLI's language."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, usage if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(headings.get(heading, heading))

        def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
            translated = [
                (
                    term,
                    help_option
                    if text == "Show this message and exit."
                    else _EXTRA.sub(extra, text),
                )
                for term, text in rows
            ]
            super().write_dl(translated, *args, **kwargs)

    class TranslatedContext(base):  # type: ignore[misc]
        """click's context, making help formatters that write in the CLI's language."""

        formatter_class = TranslatedFormatter

    return TranslatedContext


__all__ = ["FIXED_WORDS", "translate_help"]
