"""The workbook tells the truth and keeps people's data apart (issue 18).

In the reader's language (no English left in the Swedish workbook but the model's own
untranslated texts and people's data), unassessed requirements shown as such and never
plotted, drafts marked on every sheet, people's gaps in a separate confidential workbook
written all or nothing, no keys or raw weights where a label exists, one table per scale.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import competency_core as cc
from competency_core.errors import CompetencyError
from competency_core.publish import write_workbook
from competency_core.publish import xlsx_gaps as gaps_module
from competency_core.publish.xlsx import WorkbookSummary, people_workbook_path
from competency_core.publish.xlsx_gaps import CHART_DATA_COLUMN, POLICY
from competency_core.scoring import score_person

REPO = Path(__file__).resolve().parents[2]
ON = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def cs_model() -> cc.CompetencyModel:
    return cc.load_model(REPO / "examples" / "customer-success.yaml")


@pytest.fixture(scope="module")
def cs_people(cs_model: cc.CompetencyModel) -> cc.Workforce:
    return cc.load_workforce(REPO / "examples" / "customer-success-people.yaml", cs_model)


def cells(*paths: Path) -> dict[str, str]:
    """Every text of the workbooks (sheet names too) -> where it first is ('sheet!A1')."""
    out: dict[str, str] = {}
    for path in paths:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            out.setdefault(ws.title, f"sheet name {ws.title}")
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        out.setdefault(c.value, f"{ws.title}!{c.coordinate}")
    return out


def model_texts_without_swedish(model: cc.CompetencyModel) -> set[str]:
    """The model's own texts that have no Swedish translation (shown in English)."""
    try:
        from competency_core.publish import untranslated_texts
    except ImportError:  # pragma: no cover - before that helper: walk the model's texts
        return set(_texts_without(model.model_dump(mode="json"), "sv", set(model.languages)))
    return {u.text for u in untranslated_texts(model, "sv")}


def _texts_without(value: Any, lang: str, languages: set[str]) -> list[str]:
    """Texts of ``{language: text}`` mappings that lack ``lang`` (their other languages)."""
    if isinstance(value, dict):
        if value and set(value) <= languages and all(isinstance(v, str) for v in value.values()):
            return [] if lang in value else [str(v) for v in value.values()]
        return [t for v in value.values() for t in _texts_without(v, lang, languages)]
    if isinstance(value, list):
        return [t for v in value for t in _texts_without(v, lang, languages)]
    return []


def people_data(model: cc.CompetencyModel, people: cc.Workforce) -> set[str]:
    """People's and the organisation's own data: names, teams, stakeholders, references."""
    md = model.metadata
    data = {p.name for p in people.people} | {
        x for p in people.people for x in (p.team, p.department) if x
    }
    data |= {x for x in (md.owner, md.organisation, md.source, md.license) if x}
    data |= {x for s in md.stakeholders for x in (s.name, s.role, s.email) if x}
    data |= {x for a in md.approvals for x in (a.approver, a.by, a.comment) if x}
    data |= {f"{r.scheme}: {r.label or r.uri}" for c in model.competencies for r in c.references}
    return data


def english_left(en: dict[str, str], sv: dict[str, str], allowed: set[str]) -> list[str]:
    """Multi-word texts identical in both editions whose lines are not allowed ones."""
    left = []
    for text, where in sv.items():
        if text not in en or len(text.split()) < 2:
            continue
        lines = [re.sub(r"^• |\s*\[[^\]]*\]$", "", line).strip() for line in text.split("\n")]
        if all(len(line.split()) < 2 or line in allowed for line in lines):
            continue
        left.append(f"{where}: {text!r}")
    return left


def test_the_swedish_workbook_has_no_english_of_its_own(
    cs_model: cc.CompetencyModel, cs_people: cc.Workforce, tmp_path: Path
) -> None:
    editions = {}
    for lang in ("en", "sv"):
        s = write_workbook(
            cs_model, tmp_path / f"{lang}.xlsx", workforce=cs_people, language=lang, on=ON
        )
        assert s.people_path is not None
        assert s.language == lang
        editions[lang] = cells(s.path, s.people_path)
    allowed = model_texts_without_swedish(cs_model) | people_data(cs_model, cs_people)
    left = english_left(editions["en"], editions["sv"], allowed)
    assert left == [], "\n".join(left)
    # the Swedish wording is there, sheet names included, and still legal and unique
    sv = editions["sv"]
    for word in ("Försättsblad", "Kompetenser", "Matris", "Bedömningsguide", "Kompetensgap"):
        assert word in sv
    assert "Cover" not in sv
    names = [n for n in sv.values() if n.startswith("sheet name ")]
    assert len(names) == len({n.lower() for n in names})
    assert all(len(n.removeprefix("sheet name ")) <= 31 for n in names)


# -- not assessed is not level 1 ----------------------------------------------------------------
def without_assessment(people: cc.Workforce, person: str, competency: str) -> cc.Workforce:
    kept = tuple(
        a for a in people.assessments if not (a.person == person and a.competency == competency)
    )
    return people.model_copy(update={"assessments": kept})


def person_rows(ws: Any) -> dict[str, tuple[Any, ...]]:
    return {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] is not None}


def test_unassessed_requirements_are_shown_as_such_and_never_plotted(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path: Path
) -> None:
    person = next(p for p in se_people.people if p.role and se_people.assessments_of(p.key))
    role = se_model.role(person.role or "")
    gone = role.requirements[0].competency
    people = without_assessment(se_people, person.key, gone)
    summary = write_workbook(se_model, tmp_path / "m.xlsx", workforce=people, on=ON)
    assert summary.people_path is not None
    wb = openpyxl.load_workbook(summary.people_path)
    ws = wb[summary.person_sheets[person.key]]
    name = se_model.text(se_model.competency(gone).name)
    rows = person_rows(ws)
    assert rows[name][2] == "not assessed"  # Actual
    assert rows[name][3] is None  # no gap
    assert rows[name][5] == "not assessed"  # Met
    score = score_person(se_model, people, person.key, on=ON, policy=POLICY)
    assert not score.requirement(gone).counted  # type: ignore[union-attr]
    # the chart plots a blank, not the scale's minimum, and shows blanks as gaps
    plotted = {
        ws.cell(r, CHART_DATA_COLUMN + 1).value: ws.cell(r, CHART_DATA_COLUMN + 3).value
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, CHART_DATA_COLUMN + 1).value is not None
    }
    assert plotted[name] is None
    assessed = {
        se_model.text(se_model.competency(q.competency).name): q.actual
        for q in score.requirements
        if q.counted
    }
    assert {k: v for k, v in plotted.items() if v is not None} == assessed
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(CHART_DATA_COLUMN + 1)].hidden
    notes = [v for v in rows if isinstance(v, str) and v.startswith("Not assessed (no point")]
    assert notes == [f"Not assessed (no point on the chart): {name}"] or name in notes[0]
    with zipfile.ZipFile(summary.people_path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    # blanks shown as gaps: "gap" is the default, so no <c:dispBlanksAs> (zero, span) at all
    assert charts
    assert not any("<c:dispBlanksAs" in c for c in charts)
    # hidden cells plotted: no <c:plotVisOnly val="1"/> (its absence means plot them)
    assert not any("<c:plotVisOnly" in c for c in charts if "radarChart" in c)


def test_team_averages_leave_out_what_was_not_assessed(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path: Path
) -> None:
    # one person with nothing assessed at all: no readiness of 0% or 100% for them
    person = next(p for p in se_people.people if p.role and se_people.assessments_of(p.key))
    kept = tuple(a for a in se_people.assessments if a.person != person.key)
    people = se_people.model_copy(update={"assessments": kept})
    summary = write_workbook(se_model, tmp_path / "m.xlsx", workforce=people, on=ON)
    assert summary.people_path is not None
    ws = openpyxl.load_workbook(summary.people_path)["Gaps"]
    rows = list(ws.iter_rows(values_only=True))
    mine = next(r for r in rows if r[1] == person.name)
    assert mine[3] is None  # no readiness
    assert mine[5] == "not assessed"
    assert mine[7] == len(se_model.role(person.role or "").requirements)
    team = person.team or person.department
    average = next(r for r in rows if r[0] == team and str(r[1]).startswith("Average"))
    members = [p for p in people.people if (p.team or p.department) == team and p.role]
    scores = [score_person(se_model, people, p.key, on=ON, policy=POLICY) for p in members]
    counted = [s for s in scores if any(q.counted for q in s.requirements)]
    assert average[1] == f"Average ({len(counted)} of {len(scores)} assessed)"
    if counted:
        assert average[3] == pytest.approx(sum(s.readiness for s in counted) / len(counted))
    assert average[7] == sum(not q.counted for s in scores for q in s.requirements)


# -- drafts ---------------------------------------------------------------------------------------
def header_footer(path: Path) -> dict[str, str]:
    """Sheet -> its page header and footer XML text."""
    out = {}
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        out[ws.title] = f"{ws.oddHeader.right.text or ''}|{ws.oddHeader.left.text or ''}"
    return out


@pytest.mark.parametrize("language", ["en", "sv"])
def test_an_unpublished_model_is_marked_draft_on_every_sheet(
    cs_model: cc.CompetencyModel, cs_people: cc.Workforce, tmp_path: Path, language: str
) -> None:
    assert cs_model.status is not cc.LifecycleStatus.PUBLISHED
    mark = {"en": "DRAFT – draft", "sv": "UTKAST – utkast"}[language]
    s = write_workbook(cs_model, tmp_path / "m.xlsx", workforce=cs_people, language=language, on=ON)
    assert s.draft
    assert s.people_path is not None
    for path in (s.path, s.people_path):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert mark in str(ws["A1"].value), ws.title  # on screen
            assert ws["A1"].fill.fgColor.rgb.endswith("B3261E")
            assert mark in (ws.oddHeader.right.text or ""), ws.title  # in print
    published = cs_model.model_copy(update={"status": cc.LifecycleStatus.PUBLISHED})
    p = write_workbook(published, tmp_path / "p.xlsx", language=language)
    assert not p.draft
    for ws in openpyxl.load_workbook(p.path).worksheets:
        assert mark not in str(ws["A1"].value)
        assert not ws.oddHeader.right.text
        assert published.version in str(ws["A1"].value)


# -- people's data apart ---------------------------------------------------------------------------
def test_people_go_to_a_separate_confidential_workbook(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path: Path
) -> None:
    s = write_workbook(se_model, tmp_path / "model.xlsx", workforce=se_people, on=ON)
    assert s.people_path == tmp_path / "model-people.xlsx" == people_workbook_path(s.path)
    model_book = openpyxl.load_workbook(s.path)
    people_book = openpyxl.load_workbook(s.people_path)
    assert model_book.sheetnames == s.sheets
    assert people_book.sheetnames == s.people_sheets
    assert not set(s.person_sheets.values()) & set(model_book.sheetnames)
    assert set(s.person_sheets.values()) < set(people_book.sheetnames)
    assert people_book.sheetnames[:2] == ["About", "Gaps"]
    md = se_model.metadata
    organisation = {s.name for s in md.stakeholders} | {md.owner} | {a.by for a in md.approvals}
    names = {p.name for p in se_people.people} - organisation
    model_text = " ".join(cells(s.path))
    assert not [n for n in names if n in model_text]  # no one's name in the model's book
    mark = "Confidential – personal data"
    for ws in people_book.worksheets:
        assert mark in (ws.oddHeader.right.text or "")
        assert mark in str(ws["A1"].value)
    assert people_book.properties.category == mark
    assert mark in (people_book.properties.keywords or "")
    about = [c.value for row in people_book["About"].iter_rows() for c in row if c.value]
    assert any(str(v).startswith(mark) for v in about)
    cover = [c.value for row in model_book["Cover"].iter_rows() for c in row if c.value]
    assert any("model-people.xlsx" in str(v) for v in cover)
    for ws in model_book.worksheets:
        assert mark not in (ws.oddHeader.right.text or "")


def test_people_can_be_named_or_kept_in_one_workbook(
    se_model: cc.CompetencyModel, se_people: cc.Workforce, tmp_path: Path
) -> None:
    named = write_workbook(
        se_model, tmp_path / "m.xlsx", workforce=se_people, people_path=tmp_path / "hr" / "p.xlsx"
    )
    assert named.people_path == tmp_path / "hr" / "p.xlsx"
    assert named.people_path.is_file()
    one = write_workbook(
        se_model, tmp_path / "one.xlsx", workforce=se_people, people_in_model_workbook=True
    )
    assert one.people_path is None
    assert not (tmp_path / "one-people.xlsx").exists()
    wb = openpyxl.load_workbook(one.path)
    assert set(one.person_sheets.values()) < set(wb.sheetnames)
    assert all(
        "Confidential – personal data" in (ws.oddHeader.right.text or "") for ws in wb.worksheets
    )
    nobody = write_workbook(se_model, tmp_path / "none.xlsx")
    assert nobody.people_path is None
    with pytest.raises(CompetencyError, match="exclude each other"):
        write_workbook(
            se_model,
            tmp_path / "x.xlsx",
            workforce=se_people,
            people_path=tmp_path / "y.xlsx",
            people_in_model_workbook=True,
        )
    with pytest.raises(CompetencyError, match="cannot be the model's workbook"):
        write_workbook(
            se_model, tmp_path / "x.xlsx", workforce=se_people, people_path=tmp_path / "x.xlsx"
        )


def test_both_workbooks_are_written_or_neither(
    se_model: cc.CompetencyModel,
    se_people: cc.Workforce,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: Any, *args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(gaps_module.GapSheets, "_write_person", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_workbook(se_model, tmp_path / "m.xlsx", workforce=se_people, on=ON)
    assert list(tmp_path.iterdir()) == []


# -- labels, not keys; one table per scale ---------------------------------------------------------
def test_readers_see_labels_not_keys_or_raw_weights(
    se_model: cc.CompetencyModel, tmp_path: Path
) -> None:
    s: WorkbookSummary = write_workbook(se_model, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(s.path)
    role_keys = {r.key for r in se_model.roles}
    for role in se_model.roles:
        ws = wb[s.role_sheets[role.key]]
        values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert not role_keys & {v for v in values if isinstance(v, str)}
        assert "Weight" not in values
        assert "Share of weight" in values
        shares = [
            c.value
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, float) and c.number_format == "0%"
        ]
        assert sum(shares) == pytest.approx(1.0)
    matrix = [c.value for row in wb["Matrix"].iter_rows() for c in row if c.value is not None]
    assert not role_keys & set(matrix)


def test_two_scales_never_share_a_table(
    cs_model: cc.CompetencyModel, cs_people: cc.Workforce, tmp_path: Path
) -> None:
    assert len(cs_model.scales) > 1
    s = write_workbook(cs_model, tmp_path / "m.xlsx", workforce=cs_people, language="en", on=ON)
    wb = openpyxl.load_workbook(s.path)
    for sheet in ("Scales", "Assessment guide"):
        headings = [
            c.value
            for row in wb[sheet].iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith(("Scale: ", "Levels of the scale "))
        ]
        assert len(headings) == len(cs_model.scales), sheet
    assert s.people_path is not None
    people = openpyxl.load_workbook(s.people_path)
    for key, sheet in s.person_sheets.items():
        score = score_person(cs_model, cs_people, key, on=ON, policy=POLICY)
        scales = {cs_model.scale_of(q.competency).key for q in score.requirements}
        rows = list(people[sheet].iter_rows(values_only=True))
        tables = [r for r in rows if r[0] == "Competency" and r[1] == "Required"]
        assert len(tables) == len(scales), sheet
        headings = [r[0] for r in rows if str(r[0]).startswith("On the scale ")]
        assert len(headings) == (len(scales) if len(scales) > 1 else 0)


# -- the command line ------------------------------------------------------------------------------
def test_publish_writes_the_people_workbook_and_says_where(
    cli: Any, examples: Path, tmp_path: Path
) -> None:
    model, people = examples / "customer-success.yaml", examples / "customer-success-people.yaml"
    res = cli(
        "publish",
        model,
        "--xlsx",
        tmp_path / "m.xlsx",
        "--people",
        people,
        "--on",
        "2026-06-01",
        "--language",
        "sv",
        "--paper",
        "letter",
    )
    assert res.code == 0, res.err
    flat = " ".join(res.out.split())
    assert f"people's workbook (confidential): {tmp_path / 'm-people.xlsx'}" in flat
    wb = openpyxl.load_workbook(tmp_path / "m-people.xlsx")
    assert wb.sheetnames[:2] == ["Om arbetsboken", "Kompetensgap"]
    assert {ws.page_setup.paperSize for ws in wb.worksheets} == {1}  # Letter
    named = cli(
        "publish",
        model,
        "--xlsx",
        tmp_path / "n.xlsx",
        "--people",
        people,
        "--people-workbook",
        tmp_path / "hr.xlsx",
        "--format",
        "json",
    )
    assert named.code == 0, named.err
    (out,) = named.json()["outputs"]
    assert out["people_workbook"] == str(tmp_path / "hr.xlsx")
    assert out["paper"] == "a4"
    one = cli(
        "publish",
        model,
        "--xlsx",
        tmp_path / "one.xlsx",
        "--people",
        people,
        "--one-workbook",
        "--format",
        "json",
    )
    assert one.code == 0, one.err
    assert "people_workbook" not in one.json()["outputs"][0]
    assert not (tmp_path / "one-people.xlsx").exists()


def test_publish_refuses_a_bad_paper_or_both_choices(
    cli: Any, examples: Path, tmp_path: Path
) -> None:
    model = examples / "customer-success.yaml"
    bad = cli("publish", model, "--xlsx", tmp_path / "m.xlsx", "--paper", "a3")
    assert bad.code != 0
    assert "--paper" in bad.err
    both = cli(
        "publish",
        model,
        "--xlsx",
        tmp_path / "m.xlsx",
        "--people",
        examples / "customer-success-people.yaml",
        "--people-workbook",
        tmp_path / "p.xlsx",
        "--one-workbook",
    )
    assert both.code != 0
    assert "exclude each other" in both.err
    assert list(tmp_path.iterdir()) == []
