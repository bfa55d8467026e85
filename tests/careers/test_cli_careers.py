"""``competency path ...``: every query from the CLI, on the hand-checked ladder, the
examples and the O*NET folders, with ``--format json`` (and text for a person to read)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from careers_helpers import LADDER, write_ladder

from competency_core.careers import CareerGraph, best_paths
from competency_core.importers.onet import import_onet
from competency_core.io import load_model

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ON = "2026-06-01"

Cli = Callable[..., Any]


@pytest.fixture
def ladder(tmp_path: Path) -> tuple[Path, Path]:
    return write_ladder(tmp_path)


def _json(cli: Cli, *args: str | Path) -> Any:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.out + result.err
    return result.json()


# -- the ladder: the CLI gives the hand-checked answers ---------------------------------


def test_next_for_a_person(cli: Cli, ladder: tuple[Path, Path]) -> None:
    model, people = ladder
    out = _json(cli, "path", "next", model, "--person", "quinn", "-p", people, "--on", ON)
    assert (out["origin"], out["person"], out["max_steps"]) == ("junior", "quinn", 2)
    assert [(s["role"], s["status"], s["readiness"]) for s in out["steps"]] == [
        ("mid", "ready", 1.0),
        ("senior", "not ready", 0.7),
        ("lead", "not ready", 0.4),
        ("manager", "not ready", 0.333333),
        ("specialist", "not rated", None),
    ]
    assert out["steps"][1]["blocking"] == ["a"]
    text = cli("path", "next", model, "--person", "quinn", "-p", people, "--on", ON)
    assert text.code == 0
    assert "senior" in text.out
    assert "70%" in text.out
    assert "not rated" in text.out


def test_next_with_options(cli: Cli, ladder: tuple[Path, Path]) -> None:
    model, _ = ladder
    out = _json(cli, "path", "next", model, "--from", "mid", "--kind", "promotion", "-k", "3")
    assert [s["role"] for s in out["steps"]] == ["senior", "principal"]
    limited = _json(cli, "path", "next", model, "--from", "junior", "-k", "3", "-n", "1")
    assert [s["role"] for s in limited["steps"]] == ["mid", "specialist"]


def test_best_paths(cli: Cli, ladder: tuple[Path, Path]) -> None:
    model, _ = ladder
    out = _json(cli, "path", "best", model, "--from", "junior", "--to", "manager")
    assert out["status"] == "found"
    assert [(p["roles"], p["cost"]) for p in out["paths"]] == [
        (["junior", "mid", "manager"], 0.75),
        (["junior", "mid", "lead", "manager"], 1.0),
        (["junior", "mid", "senior", "lead", "manager"], 1.25),
    ]
    timed = _json(
        cli, "path", "best", model, "--from", "junior", "--to", "manager", "--time-weight", "1"
    )
    assert [p["cost"] for p in timed["paths"]] == [3.5, 4.25, 6.75]
    two = _json(cli, "path", "best", model, "--from", "junior", "--to", "manager", "-k", "2")
    assert len(two["paths"]) == 2
    text = cli("path", "best", model, "--from", "junior", "--to", "manager")
    assert "1. junior -> mid -> manager  cost 0.750, 72 months" in text.out
    none = _json(cli, "path", "best", model, "--from", "principal", "--to", "junior")
    assert (none["status"], none["paths"]) == ("no path", [])


def test_develop(cli: Cli, ladder: tuple[Path, Path]) -> None:
    model, people = ladder
    out = _json(cli, "path", "develop", model, "--from", "junior", "--to", "manager")
    assert out["path"]["paths"][0]["roles"] == ["junior", "mid", "manager"]
    items = out["development"]["items"]
    assert [(i["competency"], i["target"], i["first_needed"]) for i in items] == [
        ("a", 3, "mid"),
        ("b", 3, "mid"),
        ("d", 5, "manager"),
    ]
    mine = _json(
        cli,
        "path",
        "develop",
        model,
        "--person",
        "quinn",
        "-p",
        people,
        "--on",
        ON,
        "--to",
        "senior",
    )
    assert [(i["competency"], i["start"], i["target"]) for i in mine["development"]["items"]] == [
        ("a", 3.0, 4),
        ("c", 2.0, 3),
    ]
    nothing = _json(cli, "path", "develop", model, "--from", "principal", "--to", "junior")
    assert nothing["development"] is None
    text = cli("path", "develop", model, "--from", "junior", "--to", "manager")
    assert "3 competencies to develop" in text.out
    assert "d-course" in text.out


def test_succession_and_bench(cli: Cli, ladder: tuple[Path, Path]) -> None:
    model, people = ladder
    out = _json(cli, "path", "succession", model, "senior", "-p", people, "--on", ON)
    assert [(c["person"], c["band"]) for c in out["candidates"]] == [
        ("pat", "ready now"),
        ("quinn", "ready in one step"),
        ("robin", "not ready"),
    ]
    assert out["incumbents"] == ["sam"]
    bench = _json(cli, "path", "bench", model, "-p", people, "--on", ON)
    by_role = {b["role"]: b for b in bench["bench"]}
    assert (by_role["senior"]["ready_now"], by_role["senior"]["ready_in_one_step"]) == (1, 1)
    assert [(r["role"], r["risk"]) for r in bench["roles_at_risk"]] == [
        ("lead", "high"),
        ("manager", "high"),
    ]
    text = cli("path", "bench", model, "-p", people, "--on", ON)
    assert "high risk" in text.out
    assert "lead" in text.out
    text = cli("path", "succession", model, "senior", "-p", people, "--on", ON)
    assert "1 ready now, 1 ready in one step, 1 not ready" in text.out


def test_health(cli: Cli, tmp_path: Path) -> None:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["transitions"].append({"source": "principal", "target": "senior", "kind": "promotion"})
    data["roles"].append({"key": "loner", "title": "Loner", "family": "eng", "level": 2})
    model = tmp_path / "broken.yaml"
    model.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = _json(cli, "path", "health", model)
    assert out["promotion_cycles"] == [["principal", "senior", "principal"]]
    assert out["isolated"] == ["loner"]
    assert out["not_rated"] == ["specialist", "loner"]
    assert out["disconnected_families"] == [
        {"family": "eng", "groups": [sorted(r["key"] for r in LADDER["roles"]), ["loner"]]}
    ]
    # the cycle, the promotion down, the isolated role, the split family, the dead end
    assert out["problems"] == 5
    text = cli("path", "health", model)
    assert "promotion cycles (1): principal -> senior -> principal" in text.out


def test_draw_text_formats(cli: Cli, ladder: tuple[Path, Path], tmp_path: Path) -> None:
    model, people = ladder
    args = ("--person", "quinn", "-p", people, "--on", ON, "--to", "manager")
    mermaid = cli("path", "draw", model, *args)
    assert mermaid.code == 0
    assert mermaid.out.startswith("flowchart LR")
    assert "class n0,n1,n5 onpath" in mermaid.out  # junior -> mid -> manager
    dot_file = tmp_path / "ladder.dot"
    out = _json(cli, "path", "draw", model, *args, "--out", dot_file)
    assert out == {
        "format": "dot",
        "file": str(dot_file),
        "text": None,
        "highlight": ["junior", "mid", "manager"],
    }
    dot = dot_file.read_text(encoding="utf-8")
    assert '"mid" -> "manager" [label="management", color="#d62728", penwidth=3];' in dot
    as_json = _json(cli, "path", "draw", model, "--as", "mermaid")
    assert as_json["text"].startswith("flowchart LR")
    assert as_json["highlight"] is None


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_draw_pictures(cli: Cli, ladder: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    model, _ = ladder
    picture = tmp_path / f"ladder.{fmt}"
    result = cli("path", "draw", model, "--from", "junior", "--to", "manager", "-o", picture)
    assert result.code == 0, result.err
    assert f"{fmt} written to" in result.out
    data = picture.read_bytes()
    assert len(data) > 5_000
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in data[:2000]


def test_user_mistakes_are_reported_without_a_traceback(
    cli: Cli, ladder: tuple[Path, Path], tmp_path: Path
) -> None:
    model, people = ladder
    cases: list[tuple[tuple[str | Path, ...], str]] = [
        (("path", "next", model, "--from", "nobody"), "unknown role 'nobody'"),
        (("path", "next", model), "start from a role (--from ROLE) or a person"),
        (
            ("path", "next", model, "--from", "mid", "--person", "quinn", "-p", people),
            "start from a role",
        ),
        (("path", "next", model, "--person", "quinn"), "pass --people FILE"),
        (("path", "succession", model, "senior"), "pass --people FILE"),
        (("path", "next", model, "--from", "mid", "--kind", "sideways"), "unknown transition"),
        (("path", "best", model, "--from", "mid", "--to", "ghost"), "unknown role 'ghost'"),
        (("path", "draw", model, "--as", "png"), "needs --out"),
        (
            ("path", "draw", model, "--from", "principal", "--to", "junior"),
            "nothing to highlight",
        ),
    ]
    for args, message in cases:
        result = cli(*args, "--format", "json")
        assert result.code == 2, (args, result.out)
        errors = result.json()["errors"]
        assert any(message in e["message"] for e in errors), (args, errors)
    missing = cli("path", "next", tmp_path / "nope.yaml", "--from", "mid")
    assert missing.code != 0
    bad_people = tmp_path / "bad.yaml"
    bad_people.write_text("model: ladder\npeople: [{key: x}]\n", encoding="utf-8")
    result = cli("path", "succession", model, "senior", "-p", bad_people, "--format", "json")
    assert result.code == 2
    assert result.json()["errors"]


# -- the examples ------------------------------------------------------------------------


def test_every_query_on_the_examples(cli: Cli, tmp_path: Path) -> None:
    model = EXAMPLES / "software-engineering.yaml"
    people = EXAMPLES / "people.yaml"
    me = ("--person", "hannah-schmidt", "-p", people, "--on", ON)
    nxt = _json(cli, "path", "next", model, *me)
    assert nxt["origin"] == "senior-engineer"
    assert {s["role"] for s in nxt["steps"]} >= {"staff-engineer", "engineering-manager"}
    readiness = [s["readiness"] for s in nxt["steps"]]
    assert readiness == sorted(readiness, reverse=True)

    best = _json(cli, "path", "best", model, "--from", "engineer", "--to", "principal-engineer")
    cg = CareerGraph.from_model(load_model(model))
    api = best_paths(cg, "engineer", "principal-engineer")
    assert [p["roles"] for p in best["paths"]] == [list(p.roles) for p in api.paths]
    assert best["paths"][0]["roles"][:3] == ["engineer", "senior-engineer", "staff-engineer"]
    for p in best["paths"]:
        assert p["cost"] == pytest.approx(sum(s["cost"] for s in p["steps"]), abs=1e-5)

    dev = _json(cli, "path", "develop", model, *me, "--to", "principal-engineer")
    assert dev["development"]["items"]
    first = [i["first_needed"] for i in dev["development"]["items"]]
    path_roles = dev["path"]["paths"][0]["roles"]
    assert [path_roles.index(r) for r in first] == sorted(path_roles.index(r) for r in first)

    succ = _json(cli, "path", "succession", model, "staff-engineer", "-p", people, "--on", ON)
    bands = [c["band"] for c in succ["candidates"]]
    order = ["ready now", "ready in one step", "not ready"]
    assert [order.index(b) for b in bands] == sorted(order.index(b) for b in bands)
    assert succ["ready_now"] == bands.count("ready now")

    bench = _json(cli, "path", "bench", model, "-p", people, "--on", ON)
    assert {b["role"] for b in bench["bench"]} == {r.key for r in load_model(model).roles}
    for r in bench["roles_at_risk"]:
        assert next(b for b in bench["bench"] if b["role"] == r["role"])["ready_now"] == 0

    health = _json(cli, "path", "health", model)
    assert health["roles"] == 8
    assert health["no_way_in"] == ["associate-engineer"]
    assert health["promotion_cycles"] == []

    picture = tmp_path / "se.svg"
    drawn = _json(cli, "path", "draw", model, *me, "--to", "principal-engineer", "-o", picture)
    assert drawn["highlight"][-1] == "principal-engineer"
    assert picture.stat().st_size > 10_000


# -- O*NET folders ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onet() -> Path:
    folder = SHARED_DATA / "onet"
    if not folder.is_dir():
        pytest.skip(f"the shared O*NET data {folder} is absent (it sits beside the checkout)")
    return folder


def _onet_people(folder: Path, target: str, path: Path) -> Path:
    """Three people in 15-1211.00: one meets ``target`` exactly, one is a step short of
    every requirement, one has no assessments."""
    model = import_onet(folder).model
    reqs = model.role(target).requirements
    day = dt.date(2026, 3, 1)

    def a(person: str, competency: str, level: int) -> dict[str, Any]:
        return {
            "person": person,
            "competency": competency,
            "level": level,
            "rater_type": "manager",
            "date": day.isoformat(),
        }

    data = {
        "model": "onet",
        "people": [
            {"key": k, "name": k.title(), "role": "15-1211.00"} for k in ("ready", "close", "far")
        ],
        "assessments": [a("ready", q.competency, q.level) for q in reqs]
        + [a("close", q.competency, q.level - 1) for q in reqs],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_every_query_on_the_onet_fixture(cli: Cli, onet: Path, tmp_path: Path) -> None:
    folder = onet / "fixture_15"
    target = "15-1212.00"  # Information Security Analysts
    nxt = _json(cli, "path", "next", folder, "--from", "15-1211.00", "-k", "1")
    statuses = {s["role"]: s["status"] for s in nxt["steps"]}
    assert statuses["15-1252.00"] == "not rated"
    text = cli("path", "next", folder, "--from", "15-1211.00", "-k", "1")
    assert "7 linked O*NET occupations have no ratings" in text.err

    best = _json(cli, "path", "best", folder, "--from", "15-1211.00", "--to", target, "-k", "3")
    assert best["status"] == "found"
    assert len(best["paths"]) == 3
    step = best["paths"][0]["steps"][0]
    assert step["kind"] == "related"

    dev = _json(cli, "path", "develop", folder, "--from", "15-1211.00", "--to", target)
    assert dev["development"]["items"]

    people = _onet_people(folder, target, tmp_path / "onet-people.json")
    succ = _json(cli, "path", "succession", folder, target, "-p", people, "--on", ON)
    assert [(c["person"], c["band"]) for c in succ["candidates"]] == [
        ("ready", "ready now"),
        ("close", "ready in one step"),
        ("far", "not ready"),
    ]
    me = ("--person", "close", "-p", people, "--on", ON)
    mine = _json(cli, "path", "best", folder, *me, "--to", target, "-k", "1")
    assert mine["person"] == "close"
    assert mine["paths"]
    bench = _json(cli, "path", "bench", folder, "-p", people, "--on", ON)
    row = next(b for b in bench["bench"] if b["role"] == target)
    assert (row["ready_now_people"], row["ready_in_one_step_people"]) == (["ready"], ["close"])
    assert not next(b for b in bench["bench"] if b["role"] == "15-1252.00")["rated"]

    health = _json(cli, "path", "health", folder)
    assert health["roles"] == 36
    assert len(health["not_rated"]) == 7

    mermaid = _json(
        cli,
        "path",
        "draw",
        folder,
        "--around",
        "15-1211.00",
        "--to",
        target,
        "--from",
        "15-1211.00",
    )
    assert mermaid["text"].startswith("flowchart LR")
    assert "onpath" in mermaid["text"]
    png = tmp_path / "onet.png"
    drawn = cli("path", "draw", folder, "--from", "15-1211.00", "--to", target, "-o", png)
    assert drawn.code == 0
    assert png.stat().st_size > 5_000


def test_queries_on_the_full_onet_release(cli: Cli, onet: Path) -> None:
    folder = onet / "full"
    best = _json(
        cli, "path", "best", folder, "--from", "15-1211.00", "--to", "11-3021.00", "-k", "5"
    )
    assert best["status"] == "found"
    assert len(best["paths"]) == 5
    costs = [p["cost"] for p in best["paths"]]
    assert costs == sorted(costs)
    unrated = _json(cli, "path", "best", folder, "--from", "15-1252.00", "--to", "11-3021.00")
    assert unrated["status"] == "not rated"
    assert "not rated" in unrated["message"]


def test_every_other_query_on_the_full_onet_release(cli: Cli, onet: Path, tmp_path: Path) -> None:
    folder = onet / "full"
    nxt = _json(cli, "path", "next", folder, "--from", "15-1211.00", "-k", "2")
    statuses = {s["role"]: s["status"] for s in nxt["steps"]}
    assert statuses["15-1252.00"] == "not rated"
    # the related occupations of 15-1211.00 and theirs, read straight from the file
    with (folder / "Related Occupations.txt").open(encoding="utf-8") as f:
        links: dict[str, set[str]] = {}
        for row in csv.DictReader(f, delimiter="\t"):
            links.setdefault(row["O*NET-SOC Code"], set()).add(row["Related O*NET-SOC Code"])
    near = links["15-1211.00"] | {b for a in links["15-1211.00"] for b in links.get(a, ())}
    assert set(statuses) == near - {"15-1211.00"}
    dev = _json(cli, "path", "develop", folder, "--from", "15-1211.00", "--to", "11-3021.00")
    assert dev["path"]["status"] == "found"
    assert dev["development"]["items"]
    health = _json(cli, "path", "health", folder)
    assert (health["roles"], health["transitions"], len(health["not_rated"])) == (
        923,
        18_460,
        44,
    )
    people = _onet_people(folder, "15-1212.00", tmp_path / "people.json")
    succ = _json(cli, "path", "succession", folder, "15-1212.00", "-p", people, "--on", ON)
    assert [c["band"] for c in succ["candidates"]] == [
        "ready now",
        "ready in one step",
        "not ready",
    ]
    bench = _json(cli, "path", "bench", folder, "-p", people, "--on", ON)
    assert len(bench["bench"]) == 923
    drawn = _json(
        cli, "path", "draw", folder, "--from", "15-1211.00", "--to", "11-3021.00", "--as", "dot"
    )
    assert drawn["highlight"][0] == "15-1211.00"
    assert drawn["text"].startswith("digraph career {")
