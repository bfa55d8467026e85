"""The release kit: built from the model and ``metadata.release``, in the handbook, in Swedish."""

from __future__ import annotations

import calendar
import datetime as dt
import doctest
import importlib
import itertools
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.publish import write_handbook
from competency_core.publish.outline import ModelOutline
from competency_core.publish.release import RELEASE_PAGES, ReleaseKit, page_words, release_kit
from competency_core.release_plan import AdoptionMetric, ReleasePlan, TrainingSession
from competency_core.testing.strategies import competency_models

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ("software-engineering", "customer-success")
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def models() -> dict[str, cc.CompetencyModel]:
    return {name: cc.load_model(REPO / "examples" / f"{name}.yaml") for name in EXAMPLES}


def _with_release(
    model: cc.CompetencyModel, plan: ReleasePlan | None, **meta: object
) -> cc.CompetencyModel:
    metadata = model.metadata.model_copy(update={"release": plan, **meta})
    return model.model_copy(update={"metadata": metadata})


class _Text(HTMLParser):
    """The text nodes of a page, whitespace collapsed (scripts and styles are not text)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def _texts(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.texts


# -- the kit for both examples, both languages ---------------------------------------------
@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "sv"])
def test_kit_of_the_examples(
    models: dict[str, cc.CompetencyModel], name: str, language: str
) -> None:
    model = models[name]
    kit = release_kit(model, language=language, today=TODAY)
    assert isinstance(kit, ReleaseKit)
    assert kit.language == language
    assert kit.model == model.key
    assert [v.audience.value for v in kit.value] == ["employees", "managers", "hr", "leadership"]
    assert all(v.messages for v in kit.value)
    # counted from the model, in the reader's number format
    employees = " ".join(kit.value[0].messages)
    assert str(len(model.roles)) in employees
    assert str(len(model.competencies)) in employees
    assert model.metadata.release is not None
    own_faqs = [f for f in kit.faqs if f.own]
    assert len(own_faqs) == len(model.metadata.release.faqs)
    assert own_faqs[0].question == model.text(model.metadata.release.faqs[0].question, language)
    assert [f.key for f in kit.faqs if not f.own] == [
        "assessed",
        "levels",
        "uses",
        "requirements",
        "disagree",
        "contact",
        "review",
    ]
    assert kit.contact.decided
    assert kit.contact.url is not None
    assert [m.audience.value for m in kit.training] == ["hr", "managers"]
    assert all(m.exercises for m in kit.training)
    assert len(kit.adoption.targets) == len(model.metadata.release.targets)
    assert len(kit.adoption.metrics) == len(AdoptionMetric)
    # the same model gives the same kit
    assert release_kit(model, language=language, today=TODAY) == kit


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_handbook_has_the_kit_pages_linked_from_the_index(
    models: dict[str, cc.CompetencyModel], tmp_path: Path, fmt: str
) -> None:
    model = models["customer-success"]
    summary = write_handbook(model, tmp_path / "hb", format=fmt, language="sv")
    ext = "html" if fmt == "html" else "md"
    release = [tmp_path / "hb" / "release" / f"{name}.{ext}" for name, _ in RELEASE_PAGES]
    assert all(p in summary.pages for p in release)
    index = summary.index.read_text(encoding="utf-8")
    assert "release/index." + ext in index
    assert "Lanseringspaket" in index
    faq = release[1].read_text(encoding="utf-8")
    assert "Påverkar modellen min provisionsplan?" in faq  # the organisation's own, in Swedish
    plan = release[2].read_text(encoding="utf-8")
    assert "18 januari 2027" in plan
    assert "Lanseringsdagen" in plan
    training = release[3].read_text(encoding="utf-8")
    assert "../competencies/" in training  # exercises link to their competency's page


def test_handbook_can_leave_the_kit_out(
    models: dict[str, cc.CompetencyModel], tmp_path: Path
) -> None:
    summary = write_handbook(models["software-engineering"], tmp_path / "hb", release=False)
    assert not (tmp_path / "hb" / "release").exists()
    assert "release/index.html" not in summary.index.read_text(encoding="utf-8")


# -- Swedish -------------------------------------------------------------------------------
def _model_texts(model: cc.CompetencyModel) -> set[str]:
    """Texts that come from the model as they are in any language (names, addresses)."""
    out = {s.name for s in model.metadata.stakeholders}
    plan = model.metadata.release
    assert plan is not None
    out |= {c.address for c in plan.channels if c.address}
    out |= {c.owner for c in plan.channels if c.owner}
    if plan.contact and plan.contact.address:
        out.add(plan.contact.address)
    return out


def test_swedish_kit_pages_have_no_english_wording(
    models: dict[str, cc.CompetencyModel], tmp_path: Path
) -> None:
    """Rendered in sv, no multi-word text of the en render is left, but the model's own."""
    model = models["customer-success"]
    write_handbook(model, tmp_path / "en", language="en")
    write_handbook(model, tmp_path / "sv", language="sv")
    allowed = _model_texts(model)
    kit = release_kit(model, language="en")
    allowed.add(kit.adoption.command)  # a command line, typed as it is
    checked = 0
    for name, _ in RELEASE_PAGES:
        en = _texts(tmp_path / "en" / "release" / f"{name}.html")
        sv = set(_texts(tmp_path / "sv" / "release" / f"{name}.html"))
        multi = [t for t in en if len(re.findall(r"[A-Za-z]{2,}", t)) >= 2]
        checked += len(multi)
        left = sorted({t for t in multi if t in sv and t not in allowed})
        assert not left, f"release/{name}: English wording in the Swedish page: {left}"
    assert checked > 100


@pytest.mark.parametrize("name", EXAMPLES)
def test_swedish_kit_translates_every_fixed_text(
    models: dict[str, cc.CompetencyModel], name: str
) -> None:
    """Also for a model written in English only: the kit's own wording is Swedish."""
    model = models[name]
    en, sv = (
        release_kit(model, language="en", today=TODAY),
        release_kit(model, language="sv", today=TODAY),
    )
    en_words, sv_words = page_words("en"), page_words("sv")
    assert [k for k in en_words if en_words[k] == sv_words[k] and " " in en_words[k]] == []
    pairs = [
        (en.title, sv.title),
        (en.introduction, sv.introduction),
        *zip(en.value[1].messages, sv.value[1].messages, strict=True),
        *((a.question, b.question) for a, b in zip(en.faqs, sv.faqs, strict=True) if not a.own),
        *((a.answer, b.answer) for a, b in zip(en.faqs, sv.faqs, strict=True) if not a.own),
        *((a.when, b.when) for a, b in zip(en.plan.steps, sv.plan.steps, strict=True)),
        *((a.activity, b.activity) for a, b in zip(en.plan.steps, sv.plan.steps, strict=True)),
        *((a.goal, b.goal) for a, b in zip(en.training, sv.training, strict=True)),
        *(
            (x.title, y.title)
            for a, b in zip(en.training, sv.training, strict=True)
            for x, y in zip(a.exercises, b.exercises, strict=True)
        ),
        *zip(en.adoption.metrics, sv.adoption.metrics, strict=True),
        (en.adoption.introduction, sv.adoption.introduction),
    ]
    same = [a for a, b in pairs if a == b]
    assert same == []


# -- the timeline --------------------------------------------------------------------------
def _plain(model: cc.CompetencyModel, **plan: object) -> cc.CompetencyModel:
    return _with_release(model, ReleasePlan.model_validate(plan), review_date=None)


def test_timeline_from_the_release_date(models: dict[str, cc.CompetencyModel]) -> None:
    model = _plain(models["software-engineering"], date="2027-03-01")
    kit = release_kit(model, today=dt.date(2027, 2, 1))
    dates = {s.key: s.date for s in kit.plan.steps}
    assert dates == {
        "leadership-briefing": dt.date(2027, 1, 18),
        "managers-briefing": dt.date(2027, 2, 1),
        "hr-training": dt.date(2027, 2, 15),
        "announcement": dt.date(2027, 3, 1),
        "q-and-a": dt.date(2027, 3, 15),
        "adoption-review": dt.date(2027, 6, 1),
        "annual-review": dt.date(2028, 3, 1),
    }
    assert [s.key for s in kit.plan.steps if s.past] == ["leadership-briefing"]
    assert kit.plan.steps[0].when == "6 weeks before the release"
    assert kit.plan.steps[0].date_text == "January 18, 2027"


def test_timeline_uses_the_review_date_and_the_first_hr_session(
    models: dict[str, cc.CompetencyModel],
) -> None:
    base = models["software-engineering"]
    sessions = [
        TrainingSession(audience="hr", date=dt.date(2027, 2, 20), owner="B"),
        TrainingSession(audience="hr", date=dt.date(2027, 2, 10), owner="A"),
    ]
    model = _with_release(
        base,
        ReleasePlan(date=dt.date(2027, 3, 1), training=tuple(sessions)),
        review_date=dt.date(2027, 12, 31),
    )
    steps = {s.key: s for s in release_kit(model, today=TODAY).plan.steps}
    assert steps["hr-training"].date == dt.date(2027, 2, 10)
    assert steps["annual-review"].date == dt.date(2027, 12, 31)
    hr = release_kit(model, today=TODAY).training[0]
    assert hr.sessions[0].startswith("February 10, 2027")
    assert hr.sessions[0].endswith("led by A")


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_timeline_property(release: dt.date) -> None:
    """Weeks are whole weeks; months land on the same day, or the last day of a short month."""
    model = _plain(_se(), date=release.isoformat())
    steps = {s.key: s.date for s in release_kit(model, today=release).plan.steps}
    weeks = {
        "leadership-briefing": -6,
        "managers-briefing": -4,
        "hr-training": -2,
        "announcement": 0,
        "q-and-a": 2,
    }
    for key, n in weeks.items():
        assert steps[key] == release + dt.timedelta(weeks=n)
    for key, months in (("adoption-review", 3), ("annual-review", 12)):
        day = steps[key]
        assert day is not None
        assert (day.year * 12 + day.month) - (release.year * 12 + release.month) == months
        last = calendar.monthrange(day.year, day.month)[1]
        assert day.day == min(release.day, last)
    dated = [d for d in steps.values() if d is not None]
    assert dated == sorted(dated)


_SE: list[cc.CompetencyModel] = []


def _se() -> cc.CompetencyModel:
    if not _SE:
        _SE.append(cc.load_model(REPO / "examples" / "software-engineering.yaml"))
    return _SE[0]


# -- exercises -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("language", ["en", "sv"])
def test_exercises_use_the_models_indicators(
    models: dict[str, cc.CompetencyModel], name: str, language: str
) -> None:
    model = models[name]
    o = ModelOutline(model, language)
    kit = release_kit(model, language=language, today=TODAY)
    exercises = [e for m in kit.training for e in m.exercises]
    with_levels = [e for e in exercises if e.levels]
    assert len(with_levels) >= 4
    for e in with_levels:
        assert e.competency is not None
        c = model.competency(e.competency)
        assert e.subject == o.name(c.key)
        values = [lv.value for lv in e.levels]
        assert len(values) == 2
        assert values[1] == values[0] + 1
        for lv in e.levels:
            assert lv.indicators, "an exercise level without indicators"
            assert lv.indicators == tuple(o.text(i.text) for i in c.indicators[lv.value])
            assert lv.label == o.level_label(c.key, lv.value)
    # the managers' first exercise is on the competency most roles require
    required = Counter(q.competency for r in model.roles for q in r.requirements)
    first = kit.training[1].exercises[0]
    assert first.competency is not None
    assert required[first.competency] == max(
        required[c.key] for c in model.competencies if any(c.indicators.values())
    )
    # the HR role exercise lists that role's essential requirements
    role_exercise = kit.training[0].exercises[0]
    role = max(model.roles, key=lambda r: len(r.requirements))
    assert role_exercise.subject == o.title(role.key)
    assert len(role_exercise.points) == sum(q.essential for q in role.requirements)


# -- missing and bad metadata --------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "sv"])
def test_missing_metadata_gives_placeholders(
    models: dict[str, cc.CompetencyModel], tmp_path: Path, language: str
) -> None:
    model = _with_release(models["software-engineering"], None, review_date=None)
    kit = release_kit(model, language=language, today=TODAY)
    tbd = "To be decided: " if language == "en" else "Att besluta: "
    assert kit.to_decide
    assert all(line.startswith(tbd) for line in kit.to_decide)
    if language == "en":
        assert kit.to_decide == (
            "To be decided: the contact channel for questions",
            "To be decided: the release date",
            "To be decided: what the model is used for",
            "To be decided: the date of the next review",
            "To be decided: channels",
            "To be decided: training dates for HR",
            "To be decided: training dates for managers",
            "To be decided: adoption targets",
        )
    assert not kit.contact.decided
    assert kit.contact.name.startswith(tbd)
    assert kit.release_date is None
    assert kit.release_date_text.startswith(tbd)
    assert all(s.date is None and s.date_text == kit.release_date_text for s in kit.plan.steps)
    assert all(s.channels[0].startswith(tbd) for s in kit.plan.steps)
    assert all(m.sessions[0].startswith(tbd) for m in kit.training)
    assert kit.adoption.targets == ()
    assert kit.adoption.no_targets is not None
    assert not [f for f in kit.faqs if f.own]
    assert all(not v.own for v in kit.value)
    # the generated parts are still there
    assert all(v.messages for v in kit.value)
    assert all(m.exercises for m in kit.training)
    write_handbook(model, tmp_path / "hb", format="markdown", language=language)
    page = (tmp_path / "hb" / "release" / "index.md").read_text(encoding="utf-8")
    assert all(line in page for line in kit.to_decide)


def _bad_model(tmp_path: Path, old: str, new: str) -> Path:
    text = (REPO / "examples" / "customer-success.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("  release:\n", "  relase:\n", "metadata.relase", "did you mean 'release'?"),
        ("    used_for:", "    usedfor:", "metadata.release.usedfor", "did you mean 'used_for'?"),
        (
            "{metric: assessed-share, value: 0.5",
            "{metric: assesed-share, value: 0.5",
            "metadata.release.targets[0].metric",
            "did you mean 'assessed-share'?",
        ),
        (
            "{metric: assessed-share, value: 0.5",
            "{metric: assessed-share, value: 50",
            "metadata.release.targets[0].value",
            "between 0 and 1",
        ),
        ("    date: 2027-01-18", "    date: 2027-13-18", "metadata.release.date", "date"),
        (
            "      - kind: q-and-a",
            "      - kind: qna",
            "metadata.release.channels[4].kind",
            "q-and-a",
        ),
        (
            "{metric: development-plans, value: 10, by: 2027-06-30}",
            "{metric: development-plans, value: 10, by: 2027-06-30, domain: customer}",
            "metadata.release.targets[1].domain",
            "only for the share-met metric",
        ),
    ],
)
def test_bad_metadata_is_reported_where_it_is(
    tmp_path: Path, old: str, new: str, field: str, says: str
) -> None:
    path = _bad_model(tmp_path, old, new)
    with pytest.raises(cc.ModelValidationError) as caught:
        cc.load_model(path)
    problems = [p for p in caught.value.problems if p.path == field]
    assert problems, [str(p) for p in caught.value.problems]
    problem = problems[0]
    assert says in problem.message
    assert problem.file is not None
    assert Path(problem.file).name == "bad.yaml"
    assert problem.line == _line_of(path, new.strip().split("\n")[0])
    assert f"bad.yaml:{problem.line}: {field}: error" in str(problem)


# -- safety --------------------------------------------------------------------------------
def test_organisation_texts_cannot_inject_markup(
    models: dict[str, cc.CompetencyModel], tmp_path: Path
) -> None:
    plan = ReleasePlan.model_validate(
        {
            "contact": {"name": "<script>x()</script>", "address": "javascript:alert(1)"},
            "faqs": [{"question": "*bold* [a](javascript:y)", "answer": "# heading\n<b>b</b>"}],
        }
    )
    model = _with_release(models["software-engineering"], plan)
    write_handbook(model, tmp_path / "html")
    write_handbook(model, tmp_path / "md", format="markdown")
    html = "".join(
        (tmp_path / "html" / "release" / f"{n}.html").read_text(encoding="utf-8")
        for n, _ in RELEASE_PAGES
    )
    assert "<script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert 'href="javascript' not in html  # shown as text, never a link
    md = (tmp_path / "md" / "release" / "faq.md").read_text(encoding="utf-8")
    assert "\\*bold\\* \\[a\\](javascript:y)" in md
    assert "\n# heading" not in md
    index = (tmp_path / "md" / "release" / "index.md").read_text(encoding="utf-8")
    assert "](javascript" not in index


def test_docstring_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for name in (
        "release",
        "release_messages",
        "release_timeline",
        "release_training",
        "release_targets",
    ):
        module = importlib.import_module(f"competency_core.publish.{name}")
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


# -- targets against competency monitor --------------------------------------------------
def test_targets_against_the_monitoring_report(models: dict[str, cc.CompetencyModel]) -> None:
    from competency_core.analytics import Period, monitor
    from competency_core.publish.release_targets import TargetState, check_targets

    model = models["software-engineering"]
    people = cc.load_workforce(REPO / "examples" / "people.yaml", model)
    report = monitor(model, people, on=dt.date(2026, 6, 30), period=Period.QUARTER, periods=4)
    checks = check_targets(model, report)
    assert model.metadata.release is not None
    assert len(checks) == len(model.metadata.release.targets)
    assert [c.target.by for c in checks] == sorted(c.target.by for c in checks)
    last = report.readiness[-1].on
    rows = [r for r in report.readiness if r.on == last]
    expected = {
        AdoptionMetric.ROLE_COVERAGE: report.coverage.roles_with_profile
        / report.coverage.roles_in_use,
        AdoptionMetric.ASSESSED_SHARE: report.coverage.people_assessed / report.coverage.people,
        AdoptionMetric.DEVELOPMENT_PLANS: float(report.usage[-1].development_plans),
    }
    for c in checks:
        if c.target.metric is AdoptionMetric.SHARE_MET:
            (row,) = [r for r in rows if r.domain == c.target.domain]
            assert c.actual == pytest.approx(row.share_met)
        else:
            assert c.actual == pytest.approx(expected[c.target.metric])
        assert c.actual is not None
        # every target is due in 2027: met when reached, else still open on 2026-06-30
        assert c.state is (TargetState.MET if c.actual >= c.target.value else TargetState.OPEN)
    assert {c.state for c in checks} == {TargetState.MET, TargetState.OPEN}

    # the same figures judged after the targets' dates: what is not reached is missed
    late = report.model_copy(update={"on": dt.date(2028, 1, 1)})
    states = [(c.state, d.state) for c, d in zip(checks, check_targets(model, late), strict=True)]
    assert all(
        after is (TargetState.MET if before is TargetState.MET else TargetState.MISSED)
        for before, after in states
    )

    # share-met over all domains is weighted by each domain's requirements
    plan = ReleasePlan.model_validate(
        {"targets": [{"metric": "share-met", "value": 0.1, "by": "2027-01-01"}]}
    )
    (overall,) = check_targets(_with_release(model, plan), report)
    total = sum(r.requirements for r in rows)
    assert overall.actual == pytest.approx(sum(r.share_met * r.requirements for r in rows) / total)
    assert check_targets(_with_release(model, None), report) == ()


def test_a_missing_translation_of_the_release_texts_is_reported(tmp_path: Path) -> None:
    answer = (
        "          sv: Nej. Provisionsplanerna fastställs separat och använder inte modellen.\n"
    )
    model = cc.load_model(_bad_model(tmp_path, answer, ""))
    assert [p.path for p in model.translation_problems()] == ["metadata.release.faqs[0].answer"]
    own = [f for f in release_kit(model, language="sv", today=TODAY).faqs if f.own]
    assert own[0].question == "Påverkar modellen min provisionsplan?"
    assert own[0].answer.startswith("No. Commission plans")  # the default language's text


@settings(max_examples=30, deadline=None)
@given(model=competency_models(), language=st.sampled_from(["en", "sv"]))
def test_kit_of_any_model(model: cc.CompetencyModel, language: str) -> None:
    """Any valid model gets a whole kit: exercises from its indicators, placeholders, stable."""
    kit = release_kit(model, language=language, today=TODAY)
    assert release_kit(model, language=language, today=TODAY) == kit
    assert len(kit.value) == 4
    assert len(kit.plan.steps) == 7
    # no release date, so no date is invented; only the model's own review date is known
    dates = {s.key: s.date for s in kit.plan.steps}
    assert dates.pop("annual-review") == model.metadata.review_date
    assert set(dates.values()) == {None}
    assert kit.release_date_text in kit.to_decide
    o = ModelOutline(model, language)
    for module in kit.training:
        for e in module.exercises:
            if e.competency is None:
                continue
            c = model.competency(e.competency)
            values = model.scale(c.scale).values
            first, second = (lv.value for lv in e.levels)
            assert values.index(second) == values.index(first) + 1
            for lv in e.levels:
                assert lv.indicators
                assert lv.indicators == tuple(o.text(i.text) for i in c.indicators[lv.value])
    with_indicators = [
        c
        for c in model.competencies
        if any(c.indicators.get(a) and c.indicators.get(b) for a, b in _pairs(model, c.scale))
    ]
    rated = [e for e in kit.training[1].exercises if e.competency]
    assert bool(rated) == bool(with_indicators)


def _pairs(model: cc.CompetencyModel, scale: str) -> list[tuple[int, int]]:
    values = model.scale(scale).values
    return list(itertools.pairwise(values))


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_json_schema_describes_the_release_metadata(name: str) -> None:
    import json

    import jsonschema
    import yaml

    from competency_core.schemas import json_schema

    data = yaml.safe_load((REPO / "examples" / f"{name}.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    schema = json_schema("model")
    jsonschema.validate(data, schema)
    data["metadata"]["release"]["targets"][0]["metric"] = "adoption"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
