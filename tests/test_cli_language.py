"""The CLI in the reader's language: how it is chosen, and no English left in Swedish output.

Each command is run twice on the examples, in English and in Swedish; any phrase of two
or more words that reads the same in both must be the model's or the people's own text
(the model's texts come from the model, in whatever languages it has), a key or a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from competency_core.console import (
    LANGUAGE_ENV,
    choose_language,
    cli_language,
    cli_tr,
    language_choice,
    language_from_locale,
    num,
    pct,
)

ON = "2026-04-01"

TECHNICAL = {"Net Promoter Score", "competency explain", "competency show"}
"""Names that stay as they are in every language (a product's name, commands)."""

LIBRARY = {"no evidence with a level", "the latest piece", "no evidence", "the latest"}
"""Known English from the library, not the CLI: the evidence rules' explanation details
(:mod:`competency_core.scoring.rules`), which ``gap --explain`` and ``explain`` quote."""

_SPLIT = re.compile(r"[^A-Za-zÀ-ÖØ-öø-ÿ '’-]+")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{2,}")


def phrases(text: str) -> set[str]:
    """The runs of two or more words in ``text`` (split at punctuation, digits, rules)."""
    found = set()
    for chunk in _SPLIT.split(text):
        words = chunk.strip(" '’-").split()
        if sum(bool(_WORD.fullmatch(w.strip("'’-"))) for w in words) >= 2:
            found.add(" ".join(words))
    return found


def own_texts(*files: Path) -> list[str]:
    """Every string in the given YAML files (the model's and the people's own texts)."""

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(k)
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    out: list[str] = []
    for f in files:
        out += walk(yaml.safe_load(f.read_text(encoding="utf-8")))
    return out


def english_left(sv: str, en: str, allowed: list[str]) -> set[str]:
    """Phrases of the Swedish output that are identical in the English one and not allowed."""
    allowed_text = "\n".join(allowed)
    flat = re.sub(r"\s+", " ", allowed_text)
    return {
        p
        for p in phrases(sv) & phrases(en)
        if p not in TECHNICAL | LIBRARY and p not in allowed_text and p not in flat
    }


# -- the language rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "language"),
    [
        ("sv_SE.UTF-8", "sv_SE"),
        ("sv_SE", "sv_SE"),
        ("sv", "sv"),
        ("de_DE.ISO-8859-1@euro", "de_DE"),
        ("C", "en"),
        ("POSIX", "en"),
        ("C.UTF-8", "en"),
        ("", None),
        (None, None),
    ],
)
def test_language_from_locale(value: str | None, language: str | None) -> None:
    assert language_from_locale(value) == language


def test_option_wins_then_competency_language_then_posix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", LANGUAGE_ENV):
        monkeypatch.delenv(name, raising=False)
    assert language_choice() == ("en", "default")
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert language_choice() == ("sv_SE", "LANG")
    monkeypatch.setenv("LC_MESSAGES", "C")
    assert language_choice() == ("en", "LC_MESSAGES")
    monkeypatch.setenv("LC_ALL", "sv_FI.UTF-8")
    assert language_choice() == ("sv_FI", "LC_ALL")
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    assert language_choice() == ("en", LANGUAGE_ENV)
    assert language_choice("sv") == ("sv", "--language")


def test_posix_locale_picks_the_cli_language(
    cli: Any, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LANGUAGE_ENV)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    r = cli("lint", examples / "customer-success.yaml")
    assert r.code == 0
    assert "0 fel, " in r.out
    assert r.err == ""  # a locale without our catalogue would fall back quietly, this has one
    assert cli_language() == "sv_SE"
    assert cli_tr().complete


def test_competency_language_and_the_option(
    cli: Any, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = examples / "customer-success.yaml"
    monkeypatch.setenv(LANGUAGE_ENV, "sv")
    assert "giltig" in cli("validate", model).out
    assert "valid" in cli("--language", "en", "validate", model).out.split(": ", 1)[1]
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    assert "modell giltig" in cli("--language=sv", "validate", model).out
    # the command's own --language (the model's texts) is not the CLI's language
    shown = cli("--language", "en", "show", model, "--language", "sv")
    assert "competencies" in shown.out
    assert cli("show", model, "--language", "sv").out == shown.out


def test_unknown_language_warns_once_and_stays_english(
    cli: Any, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = cli("--language", "xx", "validate", examples / "customer-success.yaml")
    assert r.code == 0
    warnings = [line for line in r.err.splitlines() if "xx" in line]
    assert len(warnings) == 1
    assert "no catalogue for language 'xx' (--language)" in warnings[0]
    assert "model valid" in r.out
    monkeypatch.setenv(LANGUAGE_ENV, "xx")
    assert "(COMPETENCY_LANGUAGE)" in cli("validate", examples / "customer-success.yaml").err
    # a POSIX locale without a catalogue is every program's default: English, quietly
    monkeypatch.delenv(LANGUAGE_ENV)
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    r = cli("validate", examples / "customer-success.yaml")
    assert r.err == ""
    assert "model valid" in r.out


def test_numbers_follow_the_cli_language() -> None:
    try:
        choose_language("sv")
        assert pct(0.25) == "25\xa0%"
        assert num(1.5, 2) == "1,50"
        assert num(3.0) == "3"
        choose_language("en")
        assert (pct(0.25), num(1.5, 2), num(3.0), pct(None)) == ("25%", "1.50", "3", "-")
    finally:
        choose_language("en")


def test_did_you_mean_is_translated(cli: Any, examples: Path) -> None:
    args = [
        "explain",
        examples / "customer-success.yaml",
        "-p",
        examples / "customer-success-people.yaml",
        "--person",
        "elin-sandbreg",
        "-c",
        "discovery",
    ]
    sv = cli("--language", "sv", *args)
    assert sv.code == 2
    assert "okänd person 'elin-sandbreg' (menade du 'elin-sandberg'?)" in sv.err
    assert "(did you mean 'elin-sandberg'?)" in cli(*args).err


# -- no English left in Swedish output ----------------------------------------------------


def _commands(examples: Path, out: Path) -> list[list[str | Path]]:
    model = examples / "customer-success.yaml"
    people = examples / "customer-success-people.yaml"
    scored: list[str | Path] = ["-p", people, "--on", ON]
    return [
        ["validate", model, people],
        ["lint", model],
        ["show", model],
        ["gap", model, *scored, "--person", "elin-sandberg", "--role", "cs-manager", "--explain"],
        ["fit", model, *scored, "--role", "cs-manager"],
        ["fit", model, *scored, "--person", "elin-sandberg"],
        ["plan", model, *scored, "--person", "elin-sandberg", "--role", "senior-cs-manager"],
        ["readiness", model, *scored, "--by", "competency", "--by", "team"],
        ["explain", model, *scored, "--person", "elin-sandberg", "-c", "discovery"],
        ["explain", model, *scored, "--all"],
        ["expiring", model, *scored, "--within", "24m"],
        ["path", "next", model, "--from", "cs-associate"],
        ["path", "best", model, "--from", "cs-associate", "--to", "head-of-cs"],
        ["path", "succession", model, "cs-manager", *scored],
        ["path", "bench", model, *scored],
        ["path", "health", model],
        ["pilot", "select", model, people, "-n", "4"],
        ["monitor", model, people, "--on", ON, "-o", out / "monitoring"],
    ]


def test_cli_output_in_swedish_has_no_english_wording(
    cli: Any, examples: Path, tmp_path: Path
) -> None:
    allowed = own_texts(
        examples / "customer-success.yaml", examples / "customer-success-people.yaml"
    )
    left: dict[str, set[str]] = {}
    swedish_words = 0
    for args in _commands(examples, tmp_path):
        en = cli("--language", "en", *args)
        sv = cli("--language", "sv", *args)
        name = " ".join(str(a) for a in args[:2])
        assert en.code == sv.code, (name, sv.err)
        assert sv.code in (0, 1), (name, sv.err)
        found = english_left(sv.out + sv.err, en.out + en.err, allowed)
        if found:
            left[name] = found
        swedish_words += len(phrases(sv.out) - phrases(en.out))
    assert left == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in left.items())
    assert swedish_words > 40  # the Swedish runs did print Swedish (65 phrases as written)


def test_english_left_finds_untranslated_wording() -> None:
    """The check itself: an English phrase shared by both outputs is reported."""
    en = "Readiness on 2026-04-01: 3 people scored | Customer discovery"
    sv = "Beredskap den 2026-04-01: 3 people scored | Customer discovery"
    assert english_left(sv, en, ["Customer discovery"]) == {"people scored"}
