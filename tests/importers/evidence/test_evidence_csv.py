"""Certifications and course completions from CSV: the samples in data/csv, and the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from competency_core.importers.evidence import EvidenceSourceError, read_evidence_csv
from competency_core.model import CompetencyModel
from competency_core.people import EvidenceKind, RaterType, Workforce

HEADER = "kind,person,competency,resource,level,scale,date,valid_until,asserted_by,name,identifier,source\n"


def _read(tmp_path: Path, text: str, model: CompetencyModel, workforce: Workforce, **kw: str):  # type: ignore[no-untyped-def]
    f = tmp_path / "evidence.csv"
    f.write_bytes(text.encode(kw.pop("file_encoding", "utf-8")))
    return read_evidence_csv([f], model, workforce.people, **kw)


def test_the_samples(data: Path, model: CompetencyModel, workforce: Workforce) -> None:
    result = read_evidence_csv([data / "csv"], model, workforce.people)
    got = {(e.person, e.competency or e.resource): e for e in result.evidence}
    assert set(got) == {
        ("priya-raman", "secure-development"),
        ("daniel-kim", "incident-response"),  # by email
        ("sofia-lindqvist", "testing-workshop"),
        ("amara-okafor", "design-fundamentals-course"),  # by its Moodle course id
        ("ravi-patel", "observability"),  # semicolons, other column names
    }
    csslp = got["priya-raman", "secure-development"]
    assert (csslp.kind, csslp.level, csslp.asserted_by, csslp.identifier) == (
        EvidenceKind.CERTIFICATION, 4, "ISC2", "CSSLP-55821",
    )  # fmt: skip
    assert (csslp.date, csslp.valid_until) == (dt.date(2025, 9, 1), dt.date(2028, 9, 1))
    assert csslp.source == f"{data / 'csv' / 'certifications.csv'}:2"
    assert got["daniel-kim", "incident-response"].source == "hr-export 2026-04"
    ravi = got["ravi-patel", "observability"]
    assert (ravi.asserted_by, ravi.valid_until) == ("Grafana Labs", dt.date(2029, 2, 1))

    why = {(Path(s.source).name, s.line): (s.column, s.reason) for s in result.skipped}
    assert len(result.skipped) == 9
    assert why["certifications.csv", 6][0] == "person"
    assert why["certifications.csv", 7][0] == "competency"
    assert why["certifications.csv", 8] == (
        "level",
        "7 is not a level of scale 'five-point': give one of [1, 2, 3, 4, 5]",
    )
    assert why["certifications.csv", 9][0] == "date"
    assert "YYYY-MM-DD" in why["certifications.csv", 9][1]
    assert why["certifications.csv", 10][0] == "resource"
    assert why["certifications.csv", 11][0] == "kind"
    assert why["certifications.csv", 12][0] == "valid_until"
    assert "quoting" in why["certifications.csv", 13][1]
    assert "missing column(s): person, date" in why["missing-columns.csv", 1][1]


def test_encoding_bom_and_delimiter(
    tmp_path: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    text = "\ufeffkind\tperson\tcompetency\tdate\tasserted_by\ncertification\tpriya-raman\tcoding\t2026-01-05\tÖrebro Institutet\n"
    result = _read(tmp_path, text, model, workforce)
    assert [e.asserted_by for e in result.evidence] == ["Örebro Institutet"]
    latin = "kind;person;competency;date;asserted_by\ncertification;priya-raman;coding;2026-01-05;Örebro\n"
    bad = _read(tmp_path, latin, model, workforce, file_encoding="latin-1")
    assert not bad.evidence
    assert "encoding" in bad.skipped[0].reason
    good = _read(tmp_path, latin, model, workforce, file_encoding="latin-1", encoding="latin-1")
    assert [e.asserted_by for e in good.evidence] == ["Örebro"]
    with pytest.raises(EvidenceSourceError, match="unknown encoding"):
        read_evidence_csv([], model, workforce.people, encoding="klingon")


def test_scale_and_rating_columns(
    tmp_path: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    text = (
        "kind,person,competency,level,scale,date,rater_type\n"
        "rating,priya-raman,coding,3,,2026-01-05,peer\n"
        "rating,priya-raman,coding,3,,2026-01-05,\n"
        "certification,priya-raman,coding,3,sfia,2026-01-05,\n"
        "rating,priya-raman,coding,3,,2026-01-05,boss\n"
        "certification,priya-raman,coding,2,five-point,2026-01-05,\n"
    )
    result = _read(tmp_path, text, model, workforce)
    assert [(e.kind, e.rater_type, e.scale) for e in result.evidence] == [
        (EvidenceKind.RATING, RaterType.PEER, None),
        (EvidenceKind.CERTIFICATION, None, None),  # the competency's own scale is not repeated
    ]
    assert [(s.line, s.column) for s in result.skipped] == [
        (3, "rater_type"),
        (4, "scale"),
        (5, "rater_type"),
    ]


def test_extra_cells_and_empty_files(
    tmp_path: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    text = HEADER + "certification,priya-raman,coding,,3,,2026-01-05,,A, B,,,,surplus\n"
    result = _read(tmp_path, text, model, workforce)
    assert "cells but the header has" in result.skipped[0].reason
    assert "empty" in _read(tmp_path, "", model, workforce).skipped[0].reason


def test_resource_by_url(tmp_path: Path, model: CompetencyModel, workforce: Workforce) -> None:
    text = HEADER + "course,priya-raman,,https://sre.google/books,,,2026-01-05,,,,,\n"
    [e] = _read(tmp_path, text, model, workforce).evidence
    assert (e.kind, e.resource) == (EvidenceKind.COURSE, "sre-book")
