"""The O*NET importer on the shared O*NET 29.2 files: the fixture subset and the full set.

Expected counts are computed from the files with the csv module (independently of the
importer) and, for the full release, are also the published figures: 879 rated
occupations, 18,460 related-occupation links among 923 occupations, 44 of them unrated.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from competency_core.careers import CareerGraph, best_paths, next_steps, succession
from competency_core.careers.health import graph_health
from competency_core.errors import ModelValidationError
from competency_core.importers.onet import OnetImport, import_onet, is_onet_folder, level_scale
from competency_core.people import Workforce

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _expected(folder: Path) -> tuple[set[str], set[str], list[tuple[str, str]]]:
    """(rated codes, linked codes, links) read straight from the files."""
    rated = set()
    for name in ("Skills.txt", "Knowledge.txt"):
        for row in _table(folder / name):
            if row["Recommend Suppress"] != "Y":
                rated.add(row["O*NET-SOC Code"])
    links = [
        (r["O*NET-SOC Code"], r["Related O*NET-SOC Code"])
        for r in _table(folder / "Related Occupations.txt")
    ]
    linked = {c for pair in links for c in pair}
    return rated, linked, links


@pytest.fixture(scope="module")
def onet_dir() -> Path:
    folder = SHARED_DATA / "onet"
    if not folder.is_dir():
        pytest.skip(f"the shared O*NET data {folder} is absent (it sits beside the checkout)")
    return folder


@pytest.fixture(scope="module")
def fixture_import(onet_dir: Path) -> OnetImport:
    return import_onet(onet_dir / "fixture_15")


@pytest.fixture(scope="module")
def full_import(onet_dir: Path) -> OnetImport:
    return import_onet(onet_dir / "full")


@pytest.fixture(scope="module")
def full_graph(full_import: OnetImport) -> CareerGraph:
    return full_import.career_graph()


def test_fixture_counts_match_the_files(onet_dir: Path, fixture_import: OnetImport) -> None:
    rated, linked, links = _expected(onet_dir / "fixture_15")
    m = fixture_import.model
    assert {r.key for r in m.roles} == rated | linked
    assert {r.key for r in m.roles if r.requirements} == rated
    assert {u.code for u in fixture_import.unrated} == linked - rated
    assert len(m.transitions) == len(links) == len(fixture_import.related)
    assert {(t.source, t.target) for t in m.transitions} == set(links)


def test_fixture_requirement_by_hand(fixture_import: OnetImport) -> None:
    # Skills.txt: 15-1211.00 Critical Thinking (2.A.2.a) IM 3.75, LV 4.00
    m = fixture_import.model
    role = m.role("15-1211.00")
    req = role.requirement("critical-thinking")
    assert req is not None
    assert (req.level, req.weight, req.essential) == (40, 3.75, True)  # 4.00 in tenths
    assert role.family == "Computer and Mathematical"
    assert "soc-15" in role.tags
    assert role.level == 3  # Job Zones.txt
    comp = m.competency("critical-thinking")
    assert comp.scale == "onet-level-x10"
    assert [(r.scheme, r.uri) for r in comp.references] == [("onet", "2.A.2.a")]
    scale = m.scale("onet-level-x10")
    assert (scale.min_value, scale.max_value) == (0, 70)


def test_level_scale_resolution(onet_dir: Path) -> None:
    whole = import_onet(onet_dir / "fixture_15", resolution=1, knowledge=False)
    req = whole.model.role("15-1211.00").requirement("critical-thinking")
    assert req is not None
    assert req.level == 4
    assert all(c.domain == "skill" for c in whole.model.competencies)
    assert level_scale(1)["key"] == "onet-level"
    with pytest.raises(ValueError, match="resolution"):
        import_onet(onet_dir / "fixture_15", resolution=0)


def test_related_occupations_keep_tier_and_rank(fixture_import: OnetImport) -> None:
    cg = fixture_import.career_graph()
    # Related Occupations.txt: 15-1211.00 -> 15-1299.08, Primary-Short, index 2
    t = cg.transition("15-1211.00", "15-1299.08")
    assert t.kind.value == "related"
    assert dict(t.attributes) == {"tier": "Primary-Short", "rank": 2}


def test_fixture_holes_are_reported(fixture_import: OnetImport) -> None:
    holes = [p for p in fixture_import.problems if p.code == "onet-unrated"]
    assert len(holes) == 1
    assert holes[0].severity == "warning"
    assert holes[0].file is not None
    assert holes[0].file.endswith("Related Occupations.txt")
    for u in fixture_import.unrated:
        assert u.code in holes[0].message
        assert "not-rated" in fixture_import.model.role(u.code).tags
        assert u.links_in + u.links_out > 0


def test_full_release_counts(onet_dir: Path, full_import: OnetImport) -> None:
    m = full_import.model
    assert sum(1 for r in m.roles if r.requirements) == 879
    assert len(m.roles) == 923
    assert len(m.transitions) == 18_460
    assert len(full_import.unrated) == 44
    rated, linked, links = _expected(onet_dir / "full")
    assert len(rated) == 879
    assert len(linked) == 923
    assert len(links) == 18_460
    assert {u.code for u in full_import.unrated} == linked - rated
    hole = next(p for p in full_import.problems if p.code == "onet-unrated")
    assert hole.message.startswith("44 linked occupations have no skill or knowledge ratings")


def test_full_release_families_follow_the_soc_major_group(full_import: OnetImport) -> None:
    families: dict[str, set[str]] = defaultdict(set)
    for r in full_import.model.roles:
        families[r.key[:2]].add(str(r.family))
    assert all(len(f) == 1 for f in families.values())
    assert families["29"] == {"Healthcare Practitioners and Technical"}


def test_full_graph_queries_say_not_rated(full_import: OnetImport, full_graph: CareerGraph) -> None:
    cg = full_graph
    assert repr(cg) == "<CareerGraph 'onet': 923 roles, 18460 transitions>"
    unrated = {u.code for u in full_import.unrated}
    # 15-1252.00 (Software Developers) is linked but has no ratings in this release
    assert "15-1252.00" in unrated
    steps = next_steps(cg, "15-1211.00", max_steps=1)
    reached = {s.role: s for s in steps.steps}
    assert reached["15-1252.00"].status == "not rated"
    assert reached["15-1252.00"].readiness is None
    assert set(steps.not_rated) == unrated & set(reached)
    assert all(s.readiness is not None for s in steps.steps if s.role not in unrated)
    to = best_paths(cg, "15-1211.00", "15-1252.00")
    assert to.status == "not rated"
    assert to.paths == ()
    frm = best_paths(cg, "15-1252.00", "11-3021.00")
    assert frm.status == "not rated"
    assert "not rated" in frm.message
    assert set(graph_health(cg).not_rated) == unrated
    nobody = Workforce(model="onet", people=(), assessments=())
    assert succession(cg, "15-1252.00", nobody).status == "not rated"


def test_full_graph_cheapest_paths(full_graph: CareerGraph) -> None:
    found = best_paths(full_graph, "15-1211.00", "11-3021.00", k=5)
    assert found.status == "found"
    assert len(found.paths) == 5
    first = found.paths[0]
    assert first.roles[0] == "15-1211.00"
    assert first.roles[-1] == "11-3021.00"
    for p in found.paths:
        assert p.cost == pytest.approx(sum(s.cost for s in p.steps))
        for s in p.steps:
            assert s.cost == pytest.approx(full_graph.step_cost(s.source, s.target))
            assert full_graph.is_rated(s.target)
    assert [p.cost for p in found.paths] == sorted(p.cost for p in found.paths)


def test_not_an_onet_folder(tmp_path: Path) -> None:
    assert not is_onet_folder(tmp_path)
    with pytest.raises(ModelValidationError, match="not an O\\*NET folder"):
        import_onet(tmp_path)


def test_malformed_files_are_located(onet_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "onet"
    shutil.copytree(onet_dir / "fixture_15", folder)
    skills = folder / "Skills.txt"
    lines = skills.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split("\t")
    cells[4] = "lots"
    lines[3] = "\t".join(cells)
    skills.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "Related Occupations.txt").unlink()
    with pytest.raises(ModelValidationError) as info:
        import_onet(folder)
    problems = {(Path(p.file or "").name, p.line): p.message for p in info.value.problems}
    assert problems[("Skills.txt", 4)] == "'lots' is not a number"
    assert "missing" in problems[("Related Occupations.txt", None)]
