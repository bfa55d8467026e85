"""``--help`` in the CLI's language: every help text of the CLI's own commands translated.

The help pages are rendered in English and in Swedish; a phrase of two or more words that
reads the same in both must be a command's name, a metavar or a plugin's own help (the
adapters' commands keep their plugin's wording).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.test_cli_language import phrases

from competency_core.catalogues import COMMAND_HELP_COMMENT, command_docstrings, extract

HELP_PAGES = [
    (),
    ("validate",),
    ("lint",),
    ("show",),
    ("schema",),
    ("model",),
    ("model", "import"),
    ("model", "migrate"),
    ("gap",),
    ("fit",),
    ("plan",),
    ("readiness",),
    ("expiring",),
    ("evidence", "import"),
    ("explain",),
    ("path",),
    ("path", "succession"),
    ("path", "draw"),
    ("sync",),
    ("sync", "pull"),
    ("publish",),
    ("import-case",),
    ("monitor",),
    ("pilot", "report"),
    ("demo",),
]
"""A representative set: the root, each kind of command, groups and their commands."""

NAMES = {"Open Badges", "Learning Record Store", "Record Store"}
"""Product and standard names that stay as they are."""


def plugin_command_names() -> set[str]:
    """The top-level names of the installed plugins' commands (not the CLI's own)."""
    from competency_core.cli import _own_app, build_app
    from competency_core.plugins import command_names

    return set(command_names(build_app())) - set(command_names(_own_app()))


def english_left(sv: str, en: str) -> set[str]:
    """Phrases of the Swedish help that read the same in English and are not names.

    Left out: option names and metavars (``--moves <any|up|across>``), ``competency
    COMMAND`` in usage lines and the plugins' commands in the list of commands (a
    plugin's help is its own).
    """
    plugins = plugin_command_names()

    def strip(text: str) -> str:
        kept = [
            line for line in text.splitlines() if line.split()[:1] not in [[p] for p in plugins]
        ]
        text = "\n".join(kept)  # a plugin's command in the list of commands: its own help
        text = re.sub(r"<[^>]*>", " ", text)
        text = re.sub(r"(?<![\w-])--?[a-z][a-z-]*", " ", text)  # option names
        return re.sub(r"\bcompetency( [a-z-]+)+", " ", text)

    return {p for p in phrases(strip(sv)) & phrases(strip(en)) if p not in NAMES}


@pytest.mark.parametrize("command", HELP_PAGES, ids=lambda c: " ".join(c) or "competency")
def test_help_in_swedish_has_no_english_wording(cli: Any, command: tuple[str, ...]) -> None:
    en = cli("--language", "en", *command, "--help")
    sv = cli("--language", "sv", *command, "--help")
    assert en.code == sv.code == 0, sv.err
    assert english_left(sv.out, en.out) == set()
    assert sv.out.startswith("Användning: competency")
    assert "Visa det här meddelandet och avsluta." in sv.out
    assert "Show this message and exit." in en.out
    assert en.out.startswith("Usage: competency")
    assert len(phrases(sv.out) - phrases(en.out)) >= 2  # the page did come out in Swedish


def test_click_and_typer_words_are_translated(cli: Any) -> None:
    sv = cli("--language", "sv", "gap", "--help").out
    for word in ("Argument:", "Alternativ:", "[krävs]", "[standard: text]"):
        assert word in sv, word
    assert "Kommandon:" in cli("--language", "sv", "--help").out
    en = cli("--language", "en", "gap", "--help").out
    for word in ("Arguments:", "Options:", "[required]", "[default: text]"):
        assert word in en, word


def test_english_help_is_not_walked(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import competency_core.cli.help_language as help_language

    def refuse(*_: object) -> None:
        raise AssertionError("English help needs no translation")

    monkeypatch.setattr(help_language, "translate_help", refuse)
    assert cli("--language", "en", "plan", "--help").code == 0
    with pytest.raises(AssertionError, match="no translation"):
        cli("--language", "sv", "plan", "--help")


def test_every_help_text_of_the_cli_has_swedish() -> None:
    import typer.main

    from competency_core.cli import _own_app
    from competency_core.i18n import translator

    tr = translator("sv")
    missing: list[str] = []

    def walk(cmd: Any) -> None:
        texts = [cmd.help, *(getattr(p, "help", None) for p in cmd.params)]
        missing.extend(t for t in texts if t and tr._(t) == t)
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(_own_app()))
    assert missing == []


def test_command_docstrings_are_extracted(tmp_path: Path) -> None:
    source = tmp_path / "commands.py"
    source.write_text(
        "import typer\napp = typer.Typer()\n\n"
        "@app.command()\ndef gap() -> None:\n"
        '    """A person against a role.\n\n    Second paragraph,\n    two lines."""\n\n'
        '@app.command(help="Own help.")\ndef fit() -> None:\n    """Not the help."""\n\n'
        'def helper() -> None:\n    """Not a command."""\n',
        encoding="utf-8",
    )
    found = list(command_docstrings(source))
    assert found == [(6, "A person against a role.\n\nSecond paragraph,\ntwo lines.")]
    cli = extract("cli")["cli"]
    message = cli["The people who fit this role best."]  # type: ignore[index]
    assert message is not None
    plan = next(m for m in cli if str(m.id).startswith("A development plan"))  # type: ignore[attr-defined]
    assert COMMAND_HELP_COMMENT in plan.auto_comments


def test_english_left_finds_untranslated_help(cli: Any) -> None:
    en = cli("--language", "en", "gap", "--help").out
    assert {"The person to score", "Show this message and exit"} <= english_left(en, en)
