"""Publishing's faster paths (issue 19) give exactly what the plain paths give.

The handbook rendered by worker processes against one process, byte for byte; the
remembered ``_()`` of the templates against Jinja's own; the release kit's one-pass level
count, and the interview questions' English rewriting, against the earlier code (kept here
as the reference); the workbook's choice of constant-memory mode.
"""

from __future__ import annotations

import functools
import io
import os
import re
import signal
import threading
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, pass_context, pass_environment
from jinja2.runtime import Context
from markupsafe import Markup

import competency_core as cc
from competency_core.cli.publish import publish_model
from competency_core.errors import CompetencyError
from competency_core.i18n import translator
from competency_core.publish import background, questions, write_handbook, write_workbook
from competency_core.publish import handbook as handbook_module
from competency_core.publish import xlsx as xlsx_module
from competency_core.publish.outline import ModelOutline
from competency_core.publish.release_training import ranked_competencies
from competency_core.testing.strategies import competency_models

REPO = Path(__file__).resolve().parents[2]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("example", "language", "fmt"),
    [
        ("software-engineering.yaml", "en", "html"),
        ("software-engineering.yaml", "en", "markdown"),
        ("customer-success.yaml", "sv", "html"),
        ("customer-success.yaml", "sv", "markdown"),
    ],
)
def test_worker_processes_write_the_same_handbook(
    example: str, language: str, fmt: str, tmp_path: Path
) -> None:
    model = cc.load_model(REPO / "examples" / example)
    one = write_handbook(
        model, tmp_path / "one", format=fmt, language=language, career_graph=False, workers=1
    )
    two = write_handbook(
        model, tmp_path / "two", format=fmt, language=language, career_graph=False, workers=2
    )
    serial, parallel = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(serial) > 10
    assert serial == parallel
    assert [p.relative_to(one.out) for p in one.pages] == [
        p.relative_to(two.out) for p in two.pages
    ]


@settings(max_examples=5, deadline=None)
@given(model=competency_models())
def test_worker_processes_write_the_same_pages_for_generated_models(
    model: cc.CompetencyModel, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("hb")
    write_handbook(model, root / "one", career_graph=False, workers=1)
    write_handbook(model, root / "three", career_graph=False, workers=3)
    assert _files(root / "one") == _files(root / "three")


def test_a_worker_failure_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")

    def broken(self: object, kind: str, key: str) -> Path:
        raise RuntimeError(f"cannot render {kind} {key}")

    monkeypatch.setattr(handbook_module._Renderer, "item", broken)
    with pytest.raises(RuntimeError, match="cannot render competency"):
        write_handbook(model, tmp_path / "hb", career_graph=False, workers=2)


def test_how_many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    few = handbook_module.PARALLEL_PAGES - 1
    assert handbook_module.handbook_workers(few) == 1
    assert handbook_module.handbook_workers(few, workers=2) == 2
    many = handbook_module.handbook_workers(handbook_module.PARALLEL_PAGES)
    assert 1 <= many <= handbook_module.MAX_WORKERS
    with pytest.raises(ValueError, match="at least 1"):
        handbook_module.handbook_workers(10, workers=0)
    # never forks while another thread runs (a forked child could deadlock on its locks)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert handbook_module.handbook_workers(10 * handbook_module.PARALLEL_PAGES) == 1
    finally:
        release.set()
        other.join()


# -- the templates' _() ----------------------------------------------------------------------------
_TEXTS = st.sampled_from(
    [
        "Competencies",
        "Skip to the content",
        "version %(version)s",
        "Level %(n)s: %(label)s",
        "100%% <b>literal</b> & more",
        "Scale: %(scale)s; proficient from level %(level)s.",
    ]
)
_VALUES = st.text(alphabet=st.sampled_from("ab<>&\"' %s1ö"), max_size=12)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("autoescape", [True, False])
@settings(max_examples=40, deadline=None)
@given(text=_TEXTS, values=st.lists(_VALUES, min_size=4, max_size=4))
def test_remembered_gettext_is_jinjas(
    language: str, autoescape: bool, text: str, values: list[str]
) -> None:
    tr = translator(language)
    names = re.findall(r"%\((\w+)\)s", text)
    call = "_(" + ", ".join([repr(text)] + [f"{n}={n}" for n in names]) + ")"
    source = "{{ " + call + " }}|{{ " + call + " }}|{% trans %}Roles{% endtrans %}"
    context = dict(zip(names, values, strict=False))
    envs = []
    for remembered in (False, True):
        env = Environment(autoescape=autoescape)
        tr.install(env)
        if remembered:
            remembered_gettext = handbook_module._memoised_gettext(tr.translations.gettext)
            env.globals["gettext"] = env.globals["_"] = remembered_gettext
        envs.append(env)
    jinjas, ours = (env.from_string(source).render(**context) for env in envs)
    assert ours == jinjas
    # asked again (now remembered): still the same
    assert envs[1].from_string(source).render(**context) == jinjas


# -- the release kit's competencies ------------------------------------------------------------------
def _reference_ranked(o: ModelOutline) -> list[tuple[str, tuple[int, int]]]:
    """The earlier ranked_competencies: every role's requirements scanned per competency."""
    m = o.model
    required = Counter(q.competency for r in m.roles for q in r.requirements)
    essential = Counter(q.competency for r in m.roles for q in r.requirements if q.essential)
    order = {c.key: i for i, c in enumerate(m.competencies)}
    out = []
    for c in sorted(
        m.competencies, key=lambda c: (-required[c.key], -essential[c.key], order[c.key])
    ):
        values = m.scale(c.scale).values
        levels = Counter(q.level for r in m.roles for q in r.requirements if q.competency == c.key)
        preferred = [v for v, _ in sorted(levels.items(), key=lambda p: (-p[1], p[0]))]
        preferred += [v for v in reversed(values) if v not in preferred]
        for level in preferred:
            if not c.indicators.get(level):
                continue
            i = values.index(level) if level in values else -1
            if i > 0 and c.indicators.get(values[i - 1]):
                out.append((c.key, (values[i - 1], level)))
                break
            if 0 <= i < len(values) - 1 and c.indicators.get(values[i + 1]):
                out.append((c.key, (level, values[i + 1])))
                break
    return out


@settings(max_examples=25, deadline=None)
@given(model=competency_models())
def test_ranked_competencies_as_before(model: cc.CompetencyModel) -> None:
    o = ModelOutline(model)
    assert [(c.key, lv) for c, lv in ranked_competencies(o)] == _reference_ranked(o)


def test_ranked_competencies_of_the_examples() -> None:
    for name in ("software-engineering.yaml", "customer-success.yaml"):
        o = ModelOutline(cc.load_model(REPO / "examples" / name))
        ranked = [(c.key, lv) for c, lv in ranked_competencies(o)]
        assert ranked
        assert ranked == _reference_ranked(o)


# -- interview questions -------------------------------------------------------------------------------
def _reference_second_person(rest: str) -> str:
    """The earlier _second_person_en (each word's base form worked out up front)."""
    q = questions
    words = rest.split(" ")
    out: list[str | None] = []
    own_they = True
    for i, word in enumerate(words):
        bare = word.strip(",.;:").lower()
        prev = q._norm(words[i - 1]) if i else ""
        nxt = q._norm(words[i + 1]) if i + 1 < len(words) else ""
        new: str | None = word
        joined = prev in {"and", "or"} or (
            prev in q._ADVERBS_BEFORE_VERB and i > 1 and q._norm(words[i - 2]) in {"and", "or"}
        )
        prefixed = "-" not in bare or bare.split("-")[0] in {"re", "co", "pre"}
        base = q.base_verb(bare) if prefixed else None
        if joined and not word.endswith((",", ".", ";")) and base is not None:
            after = words[i + 2].lower() if i + 2 < len(words) else ""
            clause = after in q._THAT_CLAUSE
            if (nxt not in q._NOUN_FOLLOWERS or (nxt in {"when", "before"} and clause)) and not (
                nxt == "that" and after and not clause
            ):
                new = word.lower().replace(bare, base, 1)
        elif bare == "can" and prev in {"and", "or"}:
            new = None
        elif bare == "they":
            if prev and prev not in q._SUBORDINATORS and prev not in {"and", "or"}:
                new = word.replace("they", "you")
            else:
                own_they = False
        elif bare == "themselves":
            new = word.replace("themselves", "yourself")
        elif bare == "their" and own_they:
            before = {q._norm(w) for w in words[:i]}
            if nxt == "own" or not (before & q._OTHERS or "'s" in " ".join(words[:i])):
                new = word.replace("their", "your")
        out.append(new)
    text = " ".join(w for w in out if w is not None)
    return re.sub(r"\byou (\w+)\b", lambda m: "you " + q._agree(m.group(1)), text)


_WORDS = st.sampled_from(
    [
        "and",
        "or",
        "also",
        "always",
        "never",
        "they",
        "their",
        "themselves",
        "can",
        "own",
        "that",
        "when",
        "before",
        "a",
        "the",
        "team's",
        "code",
        "tests,",
        "fixes.",
        "reviews;",
        "co-writes",
        "re-runs",
        "threat-models",
        "is",
        "was",
        "has",
        "asks",
        "explains",
        "changes",
        "process",
        "status,",
        "others",
        "colleagues",
    ]
)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(_WORDS, max_size=12))
def test_second_person_as_before(words: list[str]) -> None:
    rest = " " + " ".join(words)
    assert questions._second_person_en(rest) == _reference_second_person(rest)


def test_behavioural_questions_are_remembered_as_computed() -> None:
    text = "Reviews code  and explains their choices."
    first = questions.behavioural_question(text)
    assert first == questions._question.__wrapped__("Reviews code and explains their choices", "en")
    assert questions.behavioural_question(text) == first
    assert questions.behavioural_question(text, "sv") != first


# -- the workbook's mode ---------------------------------------------------------------------------------
def test_constant_memory_when_the_cells_would_take_too_much(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")
    people = cc.load_workforce(REPO / "examples" / "people.yaml", model)
    alone = xlsx_module.estimated_workbook_bytes(model)
    with_people = xlsx_module.estimated_workbook_bytes(model, people)
    assert 0 < alone < with_people
    assert alone % xlsx_module.CELL_BYTES == 0
    monkeypatch.setattr(xlsx_module, "CONSTANT_MEMORY_BYTES", alone)
    assert not write_workbook(model, tmp_path / "fits.xlsx").constant_memory
    assert write_workbook(model, tmp_path / "more.xlsx", workforce=people).constant_memory
    monkeypatch.setattr(xlsx_module, "CONSTANT_MEMORY_BYTES", alone - 1)
    assert write_workbook(model, tmp_path / "over.xlsx").constant_memory
    assert not write_workbook(model, tmp_path / "asked.xlsx", constant_memory=False).constant_memory


def test_the_benchmark_size_is_written_in_memory() -> None:
    """2,000 competencies x 500 roles (30 requirements each) are far from the limit."""
    levels = [{"value": v, "label": f"L{v}"} for v in range(1, 6)]
    model = cc.CompetencyModel.model_validate(
        {
            "key": "big",
            "name": "Big",
            "version": "1.0.0",
            "scales": [{"key": "five", "name": "Five", "proficient": 3, "levels": levels}],
            "competencies": [
                {"key": f"c{i}", "name": f"C {i}", "scale": "five"} for i in range(2000)
            ],
            "roles": [
                {
                    "key": f"r{j}",
                    "title": f"R {j}",
                    "requirements": [
                        {"competency": f"c{(j * 37 + k * 61) % 2000}", "level": 3}
                        for k in range(30)
                    ],
                }
                for j in range(500)
            ],
        }
    )
    estimate = xlsx_module.estimated_workbook_bytes(model)
    assert estimate < xlsx_module.CONSTANT_MEMORY_BYTES / 2
    assert not xlsx_module._constant_memory(model, None, 200)


# -- the workbook beside the handbook ------------------------------------------------------------
def _contents(root: Path) -> dict[str, bytes]:
    """Every file under ``root``; a workbook as its parts (its creation time left out)."""
    found: dict[str, bytes] = {}
    for rel, data in _files(root).items():
        if not rel.endswith(".xlsx"):
            found[rel] = data
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                part = z.read(name)
                if name == "docProps/core.xml":
                    part = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>", b"", part)
                found[f"{rel}!{name}"] = part
    return found


@pytest.mark.parametrize(
    ("example", "language"), [("software-engineering.yaml", "en"), ("customer-success.yaml", "sv")]
)
def test_the_workbook_written_beside_the_handbook_is_the_same(
    example: str, language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = cc.load_model(REPO / "examples" / example)
    people = (
        cc.load_workforce(REPO / "examples" / "people.yaml", model) if language == "en" else None
    )

    def publish(root: Path) -> list[dict[str, object]]:
        return publish_model(
            model,
            xlsx=root / "model.xlsx",
            html=root / "html",
            markdown=root / "md",
            workforce=people,
            language=language,
        )

    forks: list[bool] = []
    real = background.in_background

    def watched(*args: Any, **kwargs: Any) -> Any:
        pending = real(*args, **kwargs)
        forks.append(pending.forked)
        return pending

    monkeypatch.setattr(background, "in_background", watched)
    together = publish(tmp_path / "together")
    monkeypatch.setattr(background, "can_fork", lambda: False)
    alone = publish(tmp_path / "alone")
    assert forks == [True, False]
    assert [(r["kind"], Path(str(r["path"])).name) for r in together] == [
        (r["kind"], Path(str(r["path"])).name) for r in alone
    ]
    assert together[0]["sheets"] == alone[0]["sheets"]
    assert _contents(tmp_path / "together") == _contents(tmp_path / "alone")
    assert not list((tmp_path / "together").rglob("*.partial"))


class _Odd(Exception):
    """An error whose arguments do not rebuild it (it cannot be unpickled as raised)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def _fail_with(kind: str) -> None:
    if kind == "competency":
        raise CompetencyError("no room for the workbook")
    if kind == "odd":
        raise _Odd("x", "y")
    if kind == "killed":
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    ("kind", "error", "match"),
    [
        ("competency", CompetencyError, "no room for the workbook"),
        ("odd", CompetencyError, "cannot read the answer"),
        ("killed", CompetencyError, "ended without an answer"),
    ],
)
def test_a_background_failure_reaches_the_caller(
    kind: str, error: type[Exception], match: str
) -> None:
    pending = background.in_background(_fail_with, kind, name="model.xlsx")
    assert pending.forked
    with pytest.raises(error, match=match):
        pending.result()


def test_a_background_value_comes_back_and_threads_keep_it_here() -> None:
    pending = background.in_background(divmod, 17, 5)
    assert pending.forked
    assert pending.result() == (3, 2)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not background.can_fork()
        here = background.in_background(os.getpid)
        assert not here.forked
        assert here.result() == os.getpid()
    finally:
        release.set()
        other.join()
    with pytest.raises(ZeroDivisionError):  # run here: its error at once, as a plain call
        background.in_background(divmod, 1, 0, fork=False)


def test_a_workbook_failure_beside_the_handbook_leaves_no_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")

    def broken(self: object) -> None:
        raise CompetencyError("the matrix cannot be written")

    monkeypatch.setattr(xlsx_module._Workbook, "write_matrix", broken)
    with pytest.raises(CompetencyError, match="the matrix cannot be written"):
        publish_model(model, xlsx=tmp_path / "model.xlsx", html=tmp_path / "html")
    assert not (tmp_path / "model.xlsx").exists()
    assert not list(tmp_path.glob(".model.xlsx.*"))


# -- the workbook's row heights ---------------------------------------------------------------------
_ROW = re.compile(rb'<row r="(\d+)"([^>]*)>')
_HEIGHT = re.compile(rb' ht="([\d.]+)"')


def _row_heights(path: Path) -> dict[str, list[tuple[bytes, bytes]]]:
    """Each worksheet's rows with a height of their own (in constant-memory mode a row's
    height must be set before the row is flushed; in memory it can come later)."""
    with zipfile.ZipFile(path) as z:
        found: dict[str, list[tuple[bytes, bytes]]] = {}
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                rows = (
                    (m.group(1), _HEIGHT.search(m.group(2))) for m in _ROW.finditer(z.read(name))
                )
                found[name] = [(row, h.group(1)) for row, h in rows if h]
        return found


def _same_heights_both_modes(model: cc.CompetencyModel, root: Path, **kwargs: Any) -> None:
    write_workbook(model, root / "flushed.xlsx", constant_memory=True, **kwargs)
    write_workbook(model, root / "kept.xlsx", constant_memory=False, **kwargs)
    flushed, kept = _row_heights(root / "flushed.xlsx"), _row_heights(root / "kept.xlsx")
    assert flushed == kept
    assert any(flushed.values())


def test_row_heights_are_set_before_rows_are_flushed(tmp_path: Path) -> None:
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")
    people = cc.load_workforce(REPO / "examples" / "people.yaml", model)
    _same_heights_both_modes(model, tmp_path, workforce=people, people_in_model_workbook=True)


@settings(max_examples=10, deadline=None)
@given(model=competency_models())
def test_row_heights_are_set_before_rows_are_flushed_for_generated_models(
    model: cc.CompetencyModel, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _same_heights_both_modes(model, tmp_path_factory.mktemp("wb"))


def test_wrapped_lines_remembered_as_counted() -> None:
    from competency_core.publish.sheets import wrapped_lines

    text = "Shows the competency at this level in everyday work, with examples."
    assert wrapped_lines(text, 20.0) == wrapped_lines.__wrapped__(text, 20.0) > 1
    assert wrapped_lines(text, 20.0) == wrapped_lines(text, 20.0)


# -- the handbook's template context ---------------------------------------------------------------
class _Greeter:
    """A callable object whose ``__call__`` asks for the context (Jinja's road for it)."""

    @pass_context
    def __call__(self, context: Context, name: str) -> str:
        return f"{context['greeting']}, {name}"


def _stops() -> str:
    raise StopIteration


_CALLS = (
    "{% set ns = namespace(n=0) %}{{ plain(x) }}|{{ method(x) }}|{{ part(x) }}|{{ builtin(x) }}"
    "|{{ greeter(x) }}|{{ marked(x) }}|{{ env_marked() }}|{{ stops() is undefined }}"
    "{% for i in items %}[{{ plain(i) }}{{ marked(i) }}{{ part(x, sep=i) }}]{% endfor %}"
    "{% block b %}{{ marked('in a block') }}{% endblock %}"
)


@settings(max_examples=30, deadline=None)
@given(
    x=st.text(alphabet=st.sampled_from("ab<&é "), max_size=8),
    items=st.lists(st.integers(0, 9), max_size=4),
)
def test_the_handbook_context_calls_as_jinja_does(x: str, items: list[int]) -> None:
    def join(a: object, sep: object = "-") -> str:
        return f"{a}{sep}{a}"

    names = {
        "plain": lambda v: f"<{v}>",
        "method": "{}!".format,
        "part": functools.partial(join),
        "builtin": len,
        "greeter": _Greeter(),
        "marked": pass_context(lambda ctx, v: f"{ctx['greeting']}:{v}"),
        "env_marked": pass_environment(lambda env: str(env.autoescape)),
        "stops": _stops,
        "greeting": "hej",
    }
    rendered = []
    for context_class in (Context, handbook_module._HandbookContext):
        env = Environment(autoescape=True)
        env.context_class = context_class
        rendered.append(env.from_string(_CALLS).render(x=x, items=items, **names))
    assert rendered[0] == rendered[1]
    assert "hej, " in rendered[1]


@pytest.mark.parametrize(
    ("example", "marked"), [("customer-success.yaml", False), ("software-engineering.yaml", True)]
)
def test_a_lang_marked_text_is_remembered_as_computed(example: str, marked: bool) -> None:
    """The Swedish handbook of a Swedish model (no marks) and of an English one (marked)."""
    model = cc.load_model(REPO / "examples" / example)
    outline = ModelOutline(model, "sv")
    texts = [c.name for c in model.competencies] + [c.definition for c in model.competencies]
    once = handbook_module._lang_marked(outline, "sv")
    again = handbook_module._lang_marked(outline, "sv")
    first = [once(v) for v in texts]
    assert [once(v) for v in texts] == first  # remembered
    assert [again(v) for v in reversed(texts)] == first[::-1]  # a fresh one, other order
    assert [type(v) for v in first] == [type(again(v)) for v in texts]
    assert any(isinstance(v, Markup) for v in first) is marked


@settings(max_examples=15, deadline=None)
@given(model=competency_models())
def test_the_handbooks_remembered_words_are_wordings(model: cc.CompetencyModel) -> None:
    """Importance (the heaviest weight found once a role), essential and level labels."""
    from competency_core.publish import wording

    tr = translator("sv")
    importance = handbook_module._importance_words(tr)
    essential = handbook_module._essential_words(tr)
    outline = ModelOutline(model, "sv")
    for _ in range(2):  # asked again: the remembered answers
        for role in model.roles:
            for q in role.requirements:
                assert importance(role, q) == wording.importance(tr, role, q)
                assert essential(q) == wording.essential_label(tr, q)
                assert essential(q.essential) == wording.essential_label(tr, q.essential)
                scale = model.scale_of(q.competency)
                assert outline.level_label(q.competency, q.level) == outline.text(
                    scale.level(q.level).label
                )
                if not scale.has_level(99):
                    assert outline.level_label(q.competency, 99) == "99"


def test_the_garbage_collector_in_forked_processes(tmp_path: Path) -> None:
    """Off in a background child that asks so (never here); the handbook unfreezes after."""
    import gc

    assert background.in_background(gc.isenabled, collect=False).result() is False
    assert background.in_background(gc.isenabled).result() is True
    assert gc.isenabled()
    model = cc.load_model(REPO / "examples" / "software-engineering.yaml")
    frozen = gc.get_freeze_count()
    write_handbook(model, tmp_path / "hb", career_graph=False, workers=2)
    assert gc.get_freeze_count() == frozen
