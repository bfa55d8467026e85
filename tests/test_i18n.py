"""The i18n layer: catalogues read and merged, a user's language added, catalogues checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from competency_core import catalogues, i18n
from competency_core.i18n import N_, translator

SV_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Hello %(name)s"
msgstr "Hej %(name)s"

msgid "%(n)s role"
msgid_plural "%(n)s roles"
msgstr[0] "%(n)s roll"
msgstr[1] "%(n)s roller"

msgctxt "level"
msgid "Basic"
msgstr "Grundläggande"

#, fuzzy
msgid "Draft"
msgstr "Utkast?"

msgid "Empty"
msgstr ""
"""


@pytest.fixture
def user_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's catalogue folder named in COMPETENCY_LOCALE_PATH (the cache forgotten after)."""
    folder = tmp_path / "my-locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "own.po").write_text(SV_PO, encoding="utf-8")
    monkeypatch.setenv(i18n.LOCALE_PATH_ENV, str(tmp_path / "my-locale"))
    i18n.clear_cache()
    yield tmp_path / "my-locale"
    i18n.clear_cache()


def test_a_users_language_is_read_from_the_locale_path(user_locale: Path) -> None:
    tr = translator("xx")
    assert tr.complete
    assert tr._("Hello %(name)s", name="Ann") == "Hej Ann"
    assert tr.n_("%(n)s role", "%(n)s roles", 1) == "1 roll"
    assert tr.n_("%(n)s role", "%(n)s roles", 4) == "4 roller"
    assert tr.p_("level", "Basic") == "Grundläggande"
    assert tr._("Basic") == "Basic"  # the context tells them apart
    # fuzzy and empty entries are not used: the English wording shows
    assert tr._("Draft") == "Draft"
    assert tr._("Empty") == "Empty"
    assert "xx" in i18n.available_languages()


def test_regional_language_falls_back_to_the_general_catalogue(user_locale: Path) -> None:
    assert translator("xx-YY")._("Hello %(name)s", name="Bo") == "Hej Bo"
    assert translator("xx_yy").language == "xx_YY"


def test_a_users_catalogue_wins_over_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = translator("sv")
    some = next((m for m in _messages("sv") if "%" not in m[0] and m[1] and m[0] != m[1]), None)
    if some is None:
        pytest.skip("the packaged Swedish catalogue has no translations yet")
    msgid, _ = some
    folder = tmp_path / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "zz-own.po").write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgid "{msgid}"\nmsgstr "Vår egen lydelse"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(i18n.LOCALE_PATH_ENV, str(tmp_path))
    i18n.clear_cache()
    try:
        assert translator("sv")._(msgid) == "Vår egen lydelse"
    finally:
        i18n.clear_cache()
    assert packaged._(msgid) != "Vår egen lydelse"


def _messages(language: str) -> list[tuple[str, str]]:
    from babel.messages.pofile import read_po

    out: list[tuple[str, str]] = []
    for path in sorted((i18n.LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and isinstance(m.id, str) and isinstance(m.string, str):
                    out.append((m.id, m.string))
    return out


def test_a_language_without_catalogue_keeps_english_and_says_so() -> None:
    tr = translator("qq")
    assert not tr.complete
    assert tr._("Hello %(name)s", name="Ann") == "Hello Ann"
    assert translator(None).language == "en"
    assert translator("en").complete


def test_numbers_dates_and_language_names_follow_the_locale() -> None:
    sv, en = translator("sv"), translator("en")
    assert sv.number(1234.5, 1) == "1\xa0234,5"
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.percent(0.25) == "25%"
    assert sv.percent(0.255, 1) == "25,5\xa0%" or sv.percent(0.255, 1).startswith("25,5")
    assert sv.date(dt.date(2026, 12, 7)) == "7 december 2026"
    assert en.date(dt.date(2026, 12, 7)) == "December 7, 2026"
    assert sv.language_name("sv") == "svenska"
    assert en.language_name("sv") == "Swedish"


def test_templates_get_the_wording_autoescaped(user_locale: Path) -> None:
    env = jinja2.Environment(autoescape=True)
    translator("xx").install(env)
    page = env.from_string(
        '{{ _("Hello %(name)s", name=who) }} | '
        "{% trans n=count %}{{ n }} role{% pluralize %}{{ n }} roles{% endtrans %}"
    )
    assert page.render(who="<b>", count=2) == "Hej &lt;b&gt; | 2 roller"


def test_n_marks_without_translating() -> None:
    assert N_("Read the role profile") == "Read the role profile"


def test_the_packaged_catalogues_are_complete() -> None:
    """Every message in the sources has an English and a Swedish translation, placeholders kept."""
    problems = catalogues.check(["en", "sv"])
    shown = "\n".join(str(p) for p in problems[:40])
    assert not problems, f"{len(problems)} catalogue problem(s), e.g.:\n{shown}\n" + (
        "run `python -m competency_core.catalogues update en sv` and translate"
    )


def test_check_finds_what_a_catalogue_lacks(tmp_path: Path) -> None:
    """A new language started with init has every message, untranslated; check lists them."""
    written = catalogues.init("fi", tmp_path)
    assert written, "init wrote no catalogue"
    problems = catalogues.check(["fi"], root=tmp_path)
    extracted = sum(
        1
        for catalog in catalogues.extract().values()
        for m in catalog  # type: ignore[attr-defined]
        if m.id
    )
    assert extracted > 0
    assert len(problems) == extracted
    assert {p.what for p in problems} == {"untranslated or fuzzy"}


def test_check_finds_placeholders_that_differ(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    catalogues.init("fi", tmp_path)
    target = None
    for path in sorted((tmp_path / "fi" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="fi")
        for m in catalog:
            if m.id and isinstance(m.id, str) and "%(" in m.id:
                m.string = "ilman paikkamerkkiä %(wrong)s"
                target = m.id
                break
        if target:
            with path.open("wb") as fh:
                write_po(fh, catalog)
            break
    if target is None:
        pytest.skip("no message with a placeholder in the sources yet")
    problems = [p for p in catalogues.check(["fi"], root=tmp_path) if p.message == target]
    assert problems
    assert problems[0].what.startswith("placeholders differ")


def test_area_of_paths() -> None:
    assert catalogues.area_of("publish/xlsx.py") == "workbook"
    assert catalogues.area_of("publish/xlsx_gaps.py") == "workbook"
    assert catalogues.area_of("publish/templates/html/role.html.j2") == "handbook"
    assert catalogues.area_of("publish/case_import.py") == "case"
    assert catalogues.area_of("cli/scoring.py") == "cli"
    assert catalogues.area_of("analytics/report.py") == "reports"
    assert catalogues.area_of("scoring/rules.py") == "core"
    assert catalogues.area_of("testing/strategies.py") is None
