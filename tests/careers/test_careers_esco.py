"""The ESCO importer on the shared ESCO 1.2.0 ICT subset, and the CLI on its folder."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core.careers import best_paths, next_steps
from competency_core.errors import ModelValidationError
from competency_core.importers.esco import EscoImport, esco_key, import_esco, is_esco_folder

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def esco_dir() -> Path:
    folder = SHARED_DATA / "esco"
    if not folder.is_dir():
        pytest.skip(f"the shared ESCO data {folder} is absent (it sits beside the checkout)")
    return folder


@pytest.fixture(scope="module")
def esco(esco_dir: Path) -> EscoImport:
    return import_esco(esco_dir)


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "ict_occupation_skill_relations_en.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_counts_match_the_file(esco_dir: Path, esco: EscoImport) -> None:
    rows = _rows(esco_dir)
    assert len(rows) == 6_622
    m = esco.model
    assert len(m.roles) == len({r["occupationUri"] for r in rows}) == 110
    assert len(m.competencies) == len({r["skillLabel"] for r in rows})
    pairs = {(r["occupationUri"], r["skillLabel"]) for r in rows}
    assert sum(len(r.requirements) for r in m.roles) == len(pairs)
    # four pairs are listed both essential and optional: reported, imported as essential
    both = [p for p in esco.problems if p.code == "esco-both-ways"]
    assert len(both) == 1
    assert both[0].message.startswith("4 occupation-skill relations")


def test_a_relation_by_hand(esco: EscoImport) -> None:
    # artificial intelligence engineer (ISCO 2511) -> computer programming, essential
    role = esco.model.role("artificial-intelligence-engineer")
    req = role.requirement("computer-programming")
    assert req is not None
    assert (req.level, req.weight, req.essential) == (1, 2.0, True)
    assert role.family == "Information and communications technology professionals"
    assert role.grade == "ISCO 2511"
    assert esco.uris["artificial-intelligence-engineer"].endswith(
        "35553663-deab-4d9a-bf22-15c1625d28e8"
    )
    assert {(q.essential, q.weight) for q in role.requirements} == {(True, 2.0), (False, 1.0)}


def test_skill_keys_stay_distinct(esco: EscoImport) -> None:
    assert esco_key("C++") != esco_key("C#")
    assert esco.model.text(esco.model.competency("c-plus-plus").name) == "C++"
    assert esco.model.text(esco.model.competency("c-sharp").name) == "C#"


def test_the_career_graph_is_suggested_from_skill_overlap(esco: EscoImport) -> None:
    cg = esco.career_graph()
    assert cg.graph.number_of_edges() > 0
    assert all(t.suggested for t in cg.transitions())
    assert all(t.similarity is not None and t.similarity >= 0.3 for t in cg.transitions())
    steps = next_steps(cg, "software-developer", max_steps=1, include_suggested=True)
    assert steps.steps
    assert all(s.suggested for s in steps.steps)
    found = best_paths(
        cg, "software-developer", "ict-application-developer", k=2, include_suggested=True
    )
    assert found.paths[0].roles == ("software-developer", "ict-application-developer")
    assert found.paths[0].cost == pytest.approx(cg.step_cost(*found.paths[0].roles))


def test_malformed_relations_are_located(esco_dir: Path, tmp_path: Path) -> None:
    assert not is_esco_folder(tmp_path)
    with pytest.raises(ModelValidationError, match="not an ESCO folder"):
        import_esco(tmp_path)
    folder = tmp_path / "esco"
    folder.mkdir()
    source = esco_dir / "ict_occupation_skill_relations_en.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",essential,", ",crucial,")
    (folder / source.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ModelValidationError) as info:
        import_esco(folder)
    [problem] = info.value.problems
    assert (problem.line, problem.message) == (3, "'crucial' is not 'essential' or 'optional'")
    shutil.rmtree(folder)


def test_cli_on_the_esco_folder(cli: Callable[..., Any], esco_dir: Path) -> None:
    result = cli("path", "next", esco_dir, "--from", "software-developer", "-k", "1", "-f", "json")
    assert result.code == 0, result.err
    out = result.json()
    assert out["steps"]
    assert all(s["suggested"] for s in out["steps"])
    best = cli(
        "path",
        "best",
        esco_dir,
        "--from",
        "software-developer",
        "--to",
        "ict-application-developer",
        "-f",
        "json",
    )
    assert best.json()["status"] == "found"
