"""``competency sync csv plan|apply|pull`` and ``competency adapters``, end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from csv_moodle_reference import moodle_reads

from competency_core import load_model
from competency_core.io import load_workforce
from competency_core.model import CompetencyModel

Cli = Callable[..., Any]
MODELS = ["software-engineering", "customer-success"]
WORKFORCES = [("people", "software-engineering"), ("customer-success-people", "customer-success")]


def sync(cli: Cli, folder: Path, *args: str | Path, store: str | Path = "memory") -> Any:
    """``competency sync csv ARGS --set directory=FOLDER --store STORE``."""
    command, *rest = args
    extra: list[str | Path] = ["--set", f"directory={folder}"]
    if command in ("plan", "apply"):
        extra += ["--store", str(store)]
    return cli("sync", "csv", command, *rest, *extra)


def without(model: CompetencyModel, key: str) -> CompetencyModel:
    """``model`` without the leaf competency ``key`` (and references to it)."""
    data = model.model_dump(mode="json", exclude_none=True)
    data["competencies"] = [c for c in data["competencies"] if c["key"] != key]
    for c in data["competencies"]:
        c["related"] = [r for r in c.get("related", []) if r != key]
    for role in data.get("roles", []):
        role["requirements"] = [r for r in role["requirements"] if r["competency"] != key]
    data.pop("learning_resources", None)
    return CompetencyModel.model_validate(data)


# -- models ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_a_model_is_planned_applied_and_pulled_back(
    cli: Cli, examples: Path, tmp_path: Path, name: str
) -> None:
    source = examples / f"{name}.yaml"
    model = load_model(source)
    folder, store = tmp_path / "remote", tmp_path / "state.sqlite3"

    planned = sync(cli, folder, "plan", "model", source, store=store)
    assert planned.code == 0, planned.err
    assert f"Plan: {len(model.competencies) + 1} to create, 0 to update" in planned.out
    assert not folder.exists()  # a plan is a dry run

    applied = sync(cli, folder, "apply", "model", source, store=store)
    assert applied.code == 0, applied.err
    assert f"Applied: {len(model.competencies) + 1} created" in applied.out
    file = folder / f"{name}.moodle.csv"
    assert len(moodle_reads(file).competencies) == len(model.competencies)

    again = sync(cli, folder, "plan", "model", source, store=store)
    assert again.code == 0
    assert "No changes." in again.out

    pulled = sync(cli, folder, "pull", "model", "--key", name, "--out", tmp_path / "back.yaml")
    assert pulled.code == 0, pulled.err
    back = load_model(tmp_path / "back.yaml")
    assert back.key == model.key
    assert [(c.key, c.parent) for c in back.competencies] == [
        (c.key, c.parent) for c in _depth_first(model)
    ]
    for c in model.competencies:
        assert back.text(back.competency(c.key).name) == model.text(c.name)
        assert back.text(back.competency(c.key).definition) == model.text(c.definition)


def _depth_first(model: CompetencyModel) -> list[Any]:
    out: list[Any] = []

    def walk(parent: str | None) -> None:
        for c in model.children(parent):
            out.append(c)
            walk(c.key)

    walk(None)
    return out


def test_a_saved_plan_is_applied_later(cli: Cli, examples: Path, tmp_path: Path) -> None:
    source = examples / "software-engineering.yaml"
    folder, store, saved = tmp_path / "remote", tmp_path / "state.sqlite3", tmp_path / "plan.json"
    result = sync(cli, folder, "plan", "model", source, "--out", saved, store=store)
    assert result.code == 0
    assert f"apply it with `competency sync csv apply --plan {saved}`" in result.out
    plan = json.loads(saved.read_text(encoding="utf-8"))
    assert plan["format"] == "competency-core-plan/1"
    assert plan["adapter"] == "csv"
    assert {c["action"] for c in plan["changes"]} == {"create"}
    assert plan["fingerprint"]["objects"] == 0
    assert not folder.exists()

    applied = sync(cli, folder, "apply", "--plan", saved, store=store)
    assert applied.code == 0, applied.err
    assert (folder / "software-engineering.moodle.csv").exists()
    assert "No changes." in sync(cli, folder, "plan", "model", source, store=store).out


def test_plan_as_json_is_the_saved_plan(cli: Cli, examples: Path, tmp_path: Path) -> None:
    source = examples / "customer-success.yaml"
    saved = tmp_path / "plan.json"
    result = sync(cli, tmp_path / "r", "plan", "model", source, "--out", saved, "-f", "json")
    assert result.code == 0
    assert result.json() == json.loads(saved.read_text(encoding="utf-8"))


def test_a_stale_plan_is_refused_with_a_clear_message(
    cli: Cli, examples: Path, tmp_path: Path
) -> None:
    source = examples / "software-engineering.yaml"
    folder, store = tmp_path / "remote", tmp_path / "state.sqlite3"
    assert sync(cli, folder, "apply", "model", source, store=store).code == 0
    renamed = tmp_path / "renamed.yaml"
    text = source.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace("name: Software engineering career ladder", "name: Renamed"),
        encoding="utf-8",
    )
    saved = tmp_path / "plan.json"
    assert sync(cli, folder, "plan", "model", renamed, "--out", saved, store=store).code == 0
    # meanwhile someone edits the file by hand
    file = folder / "software-engineering.moodle.csv"
    edited = file.read_text(encoding="utf-8").replace("Writing correct,", "Writing good,")
    assert edited != file.read_text(encoding="utf-8")
    file.write_text(edited, encoding="utf-8")

    result = sync(cli, folder, "apply", "--plan", saved, store=store)
    assert result.code == 2
    assert "the plan is stale" in result.err
    assert "competency/coding" in result.err
    assert "make a new plan" in result.err
    assert file.read_text(encoding="utf-8") == edited  # nothing was written

    as_json = sync(cli, folder, "apply", "--plan", saved, "-f", "json", store=store)
    assert as_json.code == 2
    assert "the plan is stale" in as_json.json()["errors"][0]["message"]


def test_nothing_is_deleted_without_prune(cli: Cli, examples: Path, tmp_path: Path) -> None:
    source = examples / "software-engineering.yaml"
    model = load_model(source)
    folder, store = tmp_path / "remote", tmp_path / "state.sqlite3"
    assert sync(cli, folder, "apply", "model", source, store=store).code == 0
    leaf = next(c.key for c in reversed(model.competencies) if not model.children(c.key))
    smaller = tmp_path / "smaller.json"
    smaller.write_text(without(model, leaf).model_dump_json(exclude_none=True), encoding="utf-8")
    file = folder / "software-engineering.moodle.csv"

    kept = sync(cli, folder, "apply", "model", smaller, store=store)
    assert kept.code == 0, kept.err
    assert "0 deleted" in kept.out
    assert leaf in moodle_reads(file).competencies

    planned = sync(cli, folder, "plan", "model", smaller, "--prune", store=store)
    assert f"- competency {leaf}" in planned.out
    assert "1 to delete" in planned.out
    pruned = sync(cli, folder, "apply", "model", smaller, "--prune", store=store)
    assert pruned.code == 0, pruned.err
    assert "1 deleted" in pruned.out
    assert leaf not in moodle_reads(file).competencies
    assert len(moodle_reads(file).competencies) == len(model.competencies) - 1


# -- people, ratings, learning --------------------------------------------------------------


@pytest.mark.parametrize(("people", "model"), WORKFORCES)
def test_a_workforce_round_trips(
    cli: Cli, examples: Path, tmp_path: Path, people: str, model: str
) -> None:
    source, model_file = examples / f"{people}.yaml", examples / f"{model}.yaml"
    folder, store = tmp_path / "remote", "memory"  # the files carry the keys
    wf = load_workforce(source, load_model(model_file))
    for what, count in (
        ("people", len(wf.people)),
        ("ratings", len(wf.assessments)),
        ("assignments", len(wf.assignments)),
    ):
        result = sync(cli, folder, "apply", what, source, "--model", model_file, store=store)
        assert result.code == 0, result.err
        assert f"Applied: {count} created" in result.out
        again = sync(cli, folder, "plan", what, source, "--model", model_file, store=store)
        assert "No changes." in again.out
    out = tmp_path / "back.yaml"
    pulled = sync(cli, folder, "pull", "workforce", "--model-key", model, "--out", out)
    assert pulled.code == 0, pulled.err
    back = load_workforce(out, load_model(model_file))
    assert back.model == wf.model
    assert back.people == wf.people
    assert back.assessments == wf.assessments
    assert back.assignments == wf.assignments


def test_people_pulled_as_json(cli: Cli, examples: Path, tmp_path: Path) -> None:
    folder = tmp_path / "remote"
    source, model = examples / "people.yaml", examples / "software-engineering.yaml"
    assert sync(cli, folder, "apply", "people", source, "--model", model).code == 0
    result = sync(cli, folder, "pull", "people", "-f", "json")
    assert result.code == 0
    keys = [p["key"] for p in result.json()["people"]]
    assert keys == [p.key for p in load_workforce(source).people]


def test_a_header_map_and_a_dialect_from_a_settings_file(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "hr"
    folder.mkdir()
    (folder / "people.csv").write_bytes(
        "Employee ID;Full name;Dept\ne-1;Åsa Öberg;Sälj\n".encode("cp1252")
    )
    settings = tmp_path / "csv.yaml"
    settings.write_text(
        f"directory: {folder}\nencoding: cp1252\ndelimiter: ';'\n"
        "header_map: {Employee ID: id, Full name: name, Dept: department}\n",
        encoding="utf-8",
    )
    result = cli("sync", "csv", "pull", "people", "--settings", settings, "-f", "json")
    assert result.code == 0, result.err
    assert result.json()["people"] == [{"key": "e-1", "name": "Åsa Öberg", "department": "Sälj"}]


# -- user mistakes: a clear message, exit code 2, no traceback ---------------------------------


def test_bad_rows_are_listed_and_nothing_is_pulled(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "remote"
    folder.mkdir()
    (folder / "people.csv").write_text(
        'id,name\nann,Ann\n,No id\nbob,"Bob"x\ncem,Cem\n', encoding="utf-8"
    )
    result = sync(cli, folder, "pull", "people")
    assert result.code == 2
    assert f"{folder / 'people.csv'}:3: id: error: required, but empty" in result.err
    assert f"{folder / 'people.csv'}:4: error: bad CSV quoting" in result.err
    assert "nothing was imported" in result.err
    assert result.out == ""

    as_json = sync(cli, folder, "pull", "people", "-f", "json")
    assert as_json.code == 2
    assert [e["line"] for e in as_json.json()["errors"]] == [3, 4]

    skipping = sync(cli, folder, "pull", "people", "--set", "skip_bad_rows=true", "-f", "json")
    assert skipping.code == 0
    assert [p["key"] for p in skipping.json()["people"]] == ["ann", "cem"]
    assert skipping.err.count("skipped") >= 2
    assert ":3:" in skipping.err
    assert ":4:" in skipping.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "model", "{tmp}/nope.yaml"), "no such file"),
        (("apply", "--plan", "{tmp}/nope.json"), "cannot read the plan"),
        (("apply", "--plan", "{tmp}/not-a-plan.json"), "not a competency-core sync plan"),
        (("apply",), "give either --plan FILE, or what to push and its file"),
        (("pull", "people"), "there is no file"),
        (("pull", "model"), "0 framework files match"),
        (("pull", "people", "--set", "encoding=klingon"), "unknown encoding 'klingon'"),
        (("pull", "people", "--set", "delimiter=;;"), "the delimiter is one character"),
    ],
)
def test_user_mistakes_give_a_clear_error(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "not-a-plan.json").write_text("{", encoding="utf-8")
    result = sync(cli, tmp_path / "remote", *(a.format(tmp=tmp_path) for a in args))
    assert result.code == 2
    assert message in result.err


def test_a_missing_setting_and_an_unknown_adapter(cli: Cli, examples: Path) -> None:
    source = examples / "software-engineering.yaml"
    missing = cli("sync", "csv", "plan", "model", source, "--store", "memory")
    assert missing.code == 2
    assert "directory" in missing.err
    assert "Field required" in missing.err
    unknown = cli("sync", "nope", "plan", "model", source, "--store", "memory")
    assert unknown.code == 2
    assert "no adapter named 'nope'" in unknown.err


def test_a_bad_framework_file_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "remote"
    folder.mkdir()
    (folder / "m.moodle.csv").write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    result = sync(cli, folder, "pull", "model", "--key", "m")
    assert result.code == 2
    assert "check the delimiter" in result.err


# -- competency adapters ------------------------------------------------------------------------


def test_adapters_lists_csv_and_the_example_plugin(cli: Cli) -> None:
    result = cli("adapters", "-f", "json")
    assert result.code == 0
    found = {a["name"]: a for a in result.json()}
    assert {"csv", "jsonl"} <= set(found)
    csv = found["csv"]
    assert {"push-model", "pull-model", "push-people", "pull-people", "pull-ratings"} <= set(
        csv["capabilities"]
    )
    assert csv["plugin"] == "csv"
    assert next(s for s in csv["settings"] if s["name"] == "directory")["required"] is True
    assert found["jsonl"]["distribution"] == "competency-jsonl"
    text = cli("adapters")
    assert text.code == 0
    assert "csv" in text.out
    assert "jsonl" in text.out
