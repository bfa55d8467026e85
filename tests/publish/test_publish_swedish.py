"""The handbook in Swedish: no English left outside the model's own untranslated texts.

The customer-success example is written in English and Swedish. Its handbook is rendered
in both languages (HTML and Markdown); every visible string of every page (HTML text
outside script/style, and alt/title/aria-label attributes; Markdown rendered to HTML
first) that has two or more words and is the same in both renders must be made only of
what is allowed to stay the same:

- the model's own texts that :func:`untranslated_texts` reports (none for this example);
- proper names the model holds as plain strings: its owner, organisation, stakeholders;
  the names of other frameworks and their labels (O*NET, ESCO references);
- numbers and versions, and words the Swedish catalogue itself keeps as they are
  ("version", "pilot").

Anything else is English wording the project forgot to translate: the test lists it by
page. The software-engineering example (English only) published in Swedish gets Swedish
wording, and its English texts are exactly what :func:`untranslated_texts` reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.i18n import translator
from competency_core.publish import (
    behavioural_question,
    interview_guide,
    untranslated_texts,
    write_handbook,
)
from competency_core.publish.handbook import HandbookFormat
from competency_core.publish.questions import base_verb
from competency_core.publish.wording import importance, weights_differ
from competency_core.testing.strategies import competency_models

REPO = Path(__file__).resolve().parents[2]
FORMATS: tuple[tuple[HandbookFormat, str], ...] = (("html", "html"), ("markdown", "md"))
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label"}
WORD = re.compile(r"[^\W\d_][\w'’*-]*", re.UNICODE)
"""A word: starts with a letter (numbers, arrows and punctuation are not words)."""


class _Visible(HTMLParser):
    """The text a reader sees (or hears) on an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.strings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.strings += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.strings.append(data)


def visible_strings(html: str) -> set[str]:
    """The multi-word visible strings of a page, whitespace normalised."""
    parser = _Visible()
    parser.feed(html)
    found = {" ".join(s.split()) for s in parser.strings}
    return {s for s in found if len(WORD.findall(s)) >= 2}


def page_html(path: Path) -> str:
    """A page as HTML (Markdown rendered with markdown-it, as a Markdown viewer would)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        markdown_it = pytest.importorskip("markdown_it")
        return str(markdown_it.MarkdownIt("commonmark").enable("table").render(text))
    return text


def identical_strings(en: Path, sv: Path, ext: str) -> Iterator[tuple[str, str]]:
    """(page, string) for every multi-word string the same on a page in both renders."""
    for page in sorted(sv.rglob(f"*.{ext}")):
        rel = page.relative_to(sv)
        if rel.parts[0] == "release":
            continue  # the release kit: its own test (test_publish_release.py)
        same = visible_strings(page_html(page)) & visible_strings(page_html(en / rel))
        for s in sorted(same):
            yield rel.as_posix(), s


def allowed_fragments(model: cc.CompetencyModel, language: str) -> list[str]:
    """Texts that may be the same in both languages (see the module docs), longest first."""
    md = model.metadata
    out = [t.text.rstrip(".") for t in untranslated_texts(model, language)]
    out += [md.owner or "", md.organisation or ""]
    out += [s.name for s in md.stakeholders]
    for c in model.competencies:
        for ref in c.references:
            out += [ref.label or "", ref.uri or ""]
    return sorted({f for f in out if f}, key=len, reverse=True)


def kept_words(language: str) -> set[str]:
    """Words the catalogue keeps as they are in ``language`` (msgstr == msgid)."""
    from babel.messages.pofile import read_po

    words: set[str] = {"O*NET", "ESCO", "SFIA", "CASE", "h"}
    for path in translator(language).files:
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and not isinstance(m.id, tuple) and m.string == m.id:
                    words.update(WORD.findall(re.sub(r"%\(\w+\)s", "", m.id)))
    return words


def english_left(en: Path, sv: Path, ext: str, fragments: list[str], words: set[str]) -> list[str]:
    """The identical strings not made only of allowed fragments and kept words."""
    bad = []
    for page, s in identical_strings(en, sv, ext):
        rest = s
        for f in fragments:
            rest = rest.replace(f, " ")
        left = [w for w in WORD.findall(rest) if w not in words]
        if left:
            bad.append(f"{page}: {s!r}")
    return bad


@pytest.fixture(scope="module")
def cs_model() -> cc.CompetencyModel:
    return cc.load_model(REPO / "examples" / "customer-success.yaml")


@pytest.fixture(scope="module")
def cs_renders(
    cs_model: cc.CompetencyModel, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("cs-handbooks")
    renders = {}
    for fmt, _ in FORMATS:
        for lang in ("en", "sv"):
            folder = out / f"{fmt}-{lang}"
            write_handbook(cs_model, folder, format=fmt, language=lang)
            renders[fmt, lang] = folder
    return renders


@pytest.mark.parametrize(("fmt", "ext"), FORMATS)
def test_the_swedish_handbook_has_no_english_wording(
    cs_model: cc.CompetencyModel, cs_renders: dict[tuple[str, str], Path], fmt: str, ext: str
) -> None:
    en, sv = cs_renders[fmt, "en"], cs_renders[fmt, "sv"]
    assert untranslated_texts(cs_model, "sv") == []  # the example is fully bilingual
    pages = list(sv.rglob(f"*.{ext}"))
    assert len(pages) >= len(cs_model.competencies) + 3 * len(cs_model.roles) + 5
    bad = english_left(en, sv, ext, allowed_fragments(cs_model, "sv"), kept_words("sv"))
    assert bad == [], "English on the Swedish pages:\n" + "\n".join(bad)


def test_the_check_finds_english_wording(
    cs_renders: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    """The check is not vacuous: an English sentence slipped onto a Swedish page is found."""
    en, sv = tmp_path / "en", tmp_path / "sv"
    for side, src in ((en, cs_renders["html", "en"]), (sv, cs_renders["html", "sv"])):
        side.mkdir()
        text = (src / "scales.html").read_text(encoding="utf-8")
        (side / "scales.html").write_text(
            text.replace("</main>", "<p>Read this first</p></main>"), encoding="utf-8"
        )
    bad = english_left(en, sv, "html", [], kept_words("sv"))
    assert bad == ["scales.html: 'Read this first'"]


@pytest.mark.parametrize(("fmt", "ext"), FORMATS)
def test_html_lang_and_the_language_of_the_handbook(
    cs_renders: dict[tuple[str, str], Path], fmt: str, ext: str
) -> None:
    index = (cs_renders[fmt, "sv"] / f"index.{ext}").read_text(encoding="utf-8")
    assert "svenska" in index
    if fmt == "html":
        for page in cs_renders[fmt, "sv"].rglob("*.html"):
            assert '<html lang="sv">' in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(("fmt", "ext"), FORMATS)
def test_an_english_model_in_swedish_reports_its_texts(
    fmt: HandbookFormat, ext: str, tmp_path: Path
) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")
    missing = untranslated_texts(model, "sv")
    assert {t.shown_in for t in missing} == {"en"}
    assert {t.path for t in missing} >= {"name", "competencies[0].name", "roles[0].title"}
    assert len(missing) > 200  # every text: the model is English only
    write_handbook(model, tmp_path / "en", format=fmt, language="en")
    write_handbook(model, tmp_path / "sv", format=fmt, language="sv")
    index = (tmp_path / "sv" / f"index.{ext}").read_text(encoding="utf-8")
    for word in ("Kompetenser", "Roller", "Vägledningar"):
        assert word in index
    fragments = allowed_fragments(model, "sv")
    bad = english_left(tmp_path / "en", tmp_path / "sv", ext, fragments, kept_words("sv"))
    assert bad == [], "English wording (not the model's texts):\n" + "\n".join(bad)


def test_untranslated_texts_names_paths_and_the_language_shown(
    cs_model: cc.CompetencyModel,
) -> None:
    name = cs_model.competencies[0].name.root
    assert isinstance(name, dict)
    comps = list(cs_model.competencies)
    comps[0] = comps[0].model_copy(update={"name": cc.text({"en": name["en"]})})
    model = cs_model.model_copy(update={"competencies": tuple(comps)})
    missing = untranslated_texts(model, "sv")
    assert [(t.path, t.text, t.shown_in) for t in missing] == [
        ("competencies[0].name", name["en"], "en")
    ]
    assert untranslated_texts(model, "sv-SE") == missing  # sv texts serve sv-SE
    assert untranslated_texts(model, "en") == []
    assert untranslated_texts(model) == []


# -- a draft is marked -----------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "ext"), FORMATS)
def test_every_page_of_a_draft_carries_the_banner(
    cs_model: cc.CompetencyModel,
    cs_renders: dict[tuple[str, str], Path],
    tmp_path: Path,
    fmt: HandbookFormat,
    ext: str,
) -> None:
    assert cs_model.status.value == "draft"
    for lang, words in (("en", ("Draft", "status: draft")), ("sv", ("Utkast", "status: utkast"))):
        for page in cs_renders[fmt, lang].rglob(f"*.{ext}"):
            text = page.read_text(encoding="utf-8")
            assert all(w in text for w in words), (lang, page)
    published = cs_model.model_copy(update={"status": cc.LifecycleStatus.PUBLISHED})
    write_handbook(published, tmp_path, format=fmt, language="sv")
    for page in tmp_path.rglob(f"*.{ext}"):
        assert "Utkast" not in page.read_text(encoding="utf-8"), page


# -- keys, weights and scales ----------------------------------------------------------------
def test_role_pages_show_importance_not_keys_or_raw_weights(
    cs_model: cc.CompetencyModel, cs_renders: dict[tuple[str, str], Path]
) -> None:
    for role in cs_model.roles:
        page = (cs_renders["html", "sv"] / "roles" / f"{role.key}.html").read_text(encoding="utf-8")
        shown = visible_strings(page) | {s for s in _all_visible(page) if len(WORD.findall(s)) == 1}
        assert role.key not in shown  # the key is in the address, not in the text
        weights = {q.weight for q in role.requirements}
        if len(weights) > 1:
            assert "Vikt i rollen" in page
            assert not any(f"<td>{w}</td>" in page for w in weights)


def _all_visible(html: str) -> set[str]:
    parser = _Visible()
    parser.feed(html)
    return {" ".join(s.split()) for s in parser.strings}


def test_two_scales_never_share_one_rating_table(cs_model: cc.CompetencyModel) -> None:
    several = 0
    for role in cs_model.roles:
        guide = interview_guide(cs_model, role.key, language="sv")
        keys = [s.key for s in guide.scales]
        assert len(keys) == len(set(keys))
        used = {cs_model.scale_of(t.competency).key for t in guide.topics}
        assert set(keys) == used
        for table in guide.scales:
            values = [v for v, _, _ in table.levels]
            assert values == [lv.value for lv in cs_model.scale(table.key).levels]
        several += len(keys) > 1
    assert several  # the example has roles on both scales


# -- interview questions ---------------------------------------------------------------------
def _indicators(model: cc.CompetencyModel, language: str) -> list[str]:
    return sorted(
        {
            model.text(i.text, language)
            for c in model.competencies
            for inds in c.indicators.values()
            for i in inds
            if language in i.text.languages(default_language=model.default_language)
        }
    )


EXAMPLES = ("software-engineering", "customer-success")
NOUNS_IN_LISTS = {"logs"}
"""Words that start an indicator as a verb ("Logs customer problems") and appear in
another as a noun joined by "and" ("dashboards and logs")."""


@pytest.mark.parametrize("example", EXAMPLES)
def test_english_questions_are_in_the_second_person(example: str) -> None:
    model = cc.load_model(REPO / "examples" / f"{example}.yaml")
    indicators = _indicators(model, "en")
    third_person = {w.lower() for i in indicators if (w := i.split()[0]) and base_verb(w)}
    asked = 0
    for indicator in indicators:
        q = behavioural_question(indicator, "en")
        assert q.endswith("."), q
        if q.startswith("Tell me about a time when you had to "):
            asked += 1
            body = q.removeprefix("Tell me about a time when you had to ")
            first = body.split()[0]
            assert base_verb(first) is None, q
            # no "you writes": every verb after "you" agrees with it
            assert [w for w in re.findall(r"\byou (\w+)", q) if base_verb(w)] == [], q
            # a verb joined by and/or is in the base form too: "and explain", not "and explains"
            joined = re.findall(r"\b(?:and|or) (?:never |then )?(\w+)", body)
            wrong = [w for w in joined if w in third_person - NOUNS_IN_LISTS]
            assert not wrong, (q, wrong)
            assert "themselves" not in q, q
            assert "their own" not in q.split(" they ")[0], q
        else:
            assert q.startswith('Give an example from your work that shows this: "'), q
    assert asked >= 0.9 * len(indicators)


def test_swedish_questions_read_as_a_person_asks(cs_model: cc.CompetencyModel) -> None:
    indicators = _indicators(cs_model, "sv")
    assert len(indicators) > 40
    asked = 0
    for indicator in indicators:
        q = behavioural_question(indicator, "sv")
        if q.startswith("Berätta om ett tillfälle som visar hur du "):
            asked += 1
            body = q.removeprefix("Berätta om ett tillfälle som visar hur du ")
            first = indicator.split()[0].lower()
            assert body.split()[0] == first or body.split()[1] == first, q
            main = re.split(r"\b(?:som|när|att|där|tills|innan|vilket|vilka|vad|hur)\b", body)[0]
            assert not re.search(r"\b(?:sig|sin|sitt|sina)\b", main), q
            assert q.endswith("."), q
        else:
            assert q.startswith("Ge ett exempel från ditt arbete som visar detta: ”"), q
    assert asked >= 0.9 * len(indicators)
    assert behavioural_question("Återhämtar sig snabbt.", "sv") == (
        "Berätta om ett tillfälle som visar hur du återhämtar dig snabbt."
    )
    assert behavioural_question("Håller alltid sina löften.", "sv") == (
        "Berätta om ett tillfälle som visar hur du alltid håller dina löften."
    )
    assert behavioural_question("Bygger ett team som når sina mål.", "sv") == (
        "Berätta om ett tillfälle som visar hur du bygger ett team som når sina mål."
    )


def test_the_interview_guide_is_swedish(cs_model: cc.CompetencyModel) -> None:
    guide = interview_guide(cs_model, cs_model.roles[0].key, language="sv")
    assert guide.introduction.startswith("En strukturerad intervju för rollen")
    assert guide.probes[0] == "Vilken var situationen, och vad stod på spel?"
    for topic in guide.topics:
        for q in topic.questions:
            assert q.startswith(("Berätta om", "Ge ett exempel")), q


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80
    ).filter(lambda s: s.strip()),
    language=st.sampled_from(["en", "sv", "de", "en-GB", "sv_SE"]),
)
def test_any_indicator_gives_one_question_in_the_frame(text: str, language: str) -> None:
    q = behavioural_question(text, language)
    frames = (
        "Tell me about a time when you had to ",
        "Berätta om ett tillfälle som visar hur du ",
        "Give an example from your work that shows this: ",
        "Ge ett exempel från ditt arbete som visar detta: ",
    )
    assert q.startswith(frames), q
    assert q.endswith("."), q
    assert "\n" not in q


# -- competency publish --language -------------------------------------------------------------
def test_publish_reports_the_untranslated_texts(cli: Any, examples: Path, tmp_path: Path) -> None:
    model = cc.load_model(examples / "software-engineering.yaml")
    missing = untranslated_texts(model, "sv")
    listed = tmp_path / "untranslated.tsv"
    res = cli(
        "publish",
        examples / "software-engineering.yaml",
        "--markdown",
        tmp_path / "md",
        "--language",
        "sv",
        "--untranslated",
        listed,
    )
    assert res.code == 0, res.err
    assert f"{len(missing)} texts of the model have no sv translation" in res.out
    assert "name (en): Software engineering career ladder" in res.out
    rows = listed.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "path\tshown_in\ttext"
    assert [r.split("\t")[0] for r in rows[1:]] == [t.path for t in missing]
    assert "no catalogue" not in res.err
    res = cli("publish", examples / "customer-success.yaml", "--html", tmp_path / "cs", "-l", "sv")
    assert res.code == 0, res.err
    assert "Every text of the model has a sv translation." in res.out


def test_publish_warns_when_the_language_has_no_catalogue(
    cli: Any, examples: Path, tmp_path: Path
) -> None:
    res = cli(
        "publish",
        examples / "customer-success.yaml",
        "--html",
        tmp_path / "fi",
        "--language",
        "fi",
        "--format",
        "json",
    )
    assert res.code == 0, res.err
    assert "no catalogue for the language fi" in res.err
    assert "docs/i18n.md" in res.err
    data = res.json()
    assert data["language"] == "fi"
    assert len(data["untranslated"]) == len(
        untranslated_texts(cc.load_model(examples / "customer-success.yaml"), "fi")
    )
    page = (tmp_path / "fi" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fi">' in page
    assert "Competencies" in page  # English wording: no Finnish catalogue


# -- properties ----------------------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(model=competency_models(), language=st.sampled_from(["en", "sv", "de", "fi", "sv-SE"]))
def test_untranslated_texts_are_exactly_those_without_the_language(
    model: cc.CompetencyModel, language: str
) -> None:
    from competency_core.references import _texts, format_path

    missing = {t.path: t for t in untranslated_texts(model, language)}
    base = language.split("-")[0]
    for path, value in _texts(model):
        have = value.languages(default_language=model.default_language)
        where = format_path(path)
        if language in have or base in have:
            assert where not in missing
        else:
            assert where in missing
            assert missing[where].shown_in in have
            assert missing[where].text == value.get(
                language, default_language=model.default_language
            )


@settings(max_examples=15, deadline=None)
@given(model=competency_models(n_roles=(1, 4)))
def test_importance_follows_the_weights(model: cc.CompetencyModel) -> None:
    tr = translator("en")
    rank = {"high": 2, "medium": 1, "low": 0}
    for role in model.roles:
        top = max(q.weight for q in role.requirements)
        words = [(q.weight, rank[importance(tr, role, q)]) for q in role.requirements]
        for w1, r1 in words:
            for w2, r2 in words:
                if w1 > w2:
                    assert r1 >= r2
            if w1 == top:
                assert r1 == 2
        assert weights_differ(role) == (len({q.weight for q in role.requirements}) > 1)


def test_html_marks_the_model_texts_shown_in_another_language(
    cs_renders: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")
    model = model.model_copy(update={"name": cc.text("R&D <ladder>")})
    write_handbook(model, tmp_path, language="sv")
    page = (tmp_path / "competencies" / "coding.html").read_text(encoding="utf-8")
    assert '<h1><span lang="en">Coding</span></h1>' in page
    assert "<title>Coding · R&amp;D &lt;ladder&gt;</title>" in page  # text only, escaped
    for p in cs_renders["html", "sv"].rglob("*.html"):  # all translated: nothing marked
        assert '<span lang="en">' not in p.read_text(encoding="utf-8"), p
    write_handbook(model, tmp_path / "en", language="en")
    english = (tmp_path / "en" / "competencies" / "coding.html").read_text(encoding="utf-8")
    assert "<span lang=" not in english
