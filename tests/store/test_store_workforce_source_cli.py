"""The store as the workforce source and sink of the commands, on SQLite and PostgreSQL.

Every command that reads ``--people FILE`` gives the same answer from ``--store URL``
(``examples/people.yaml`` imported into a store), the default store comes from
``$COMPETENCY_STORE``, a command without people says what to pass, and ``competency sync
csv pull ... --into-store`` writes what it pulls into the store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core.io import load_model, load_workforce, save_workforce
from competency_core.people import Assessment
from competency_core.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODEL = EXAMPLES / "software-engineering.yaml"
KEY = "software-engineering"
ON = "2026-04-01"

Cli = Callable[..., Any]

# (command, options); the people come after them: --people FILE or --store URL
COMMANDS: list[tuple[str, ...]] = [
    ("gap", "--person", "daniel-kim", "-r", "senior-engineering-manager", "--on", ON),
    ("gap", "--person", "daniel-kim", "--on", "2025-01-01"),  # as of an earlier day
    ("fit", "--role", "staff-engineer", "--on", ON),
    ("fit", "--person", "daniel-kim", "--on", ON),
    ("plan", "--person", "daniel-kim", "-r", "senior-engineering-manager", "--on", ON),
    ("readiness", "--by", "team", "--by", "department", "--on", ON),
    ("expiring", "--within", "12m", "--on", ON),
    ("path", "next", "--person", "daniel-kim", "--on", ON),
    ("path", "best", "--person", "daniel-kim", "--to", "staff-engineer", "--on", ON),
    ("path", "develop", "--person", "daniel-kim", "--to", "staff-engineer", "--on", ON),
    ("path", "succession", "staff-engineer", "--on", ON),
    ("path", "bench", "--on", ON),
]


@pytest.fixture
def sources(store_url: str, tmp_path: Path) -> tuple[Path, str]:
    """The example workforce as a file (people in key order, as the store reads them) and
    imported into a store."""
    model = load_model(MODEL)
    wf = load_workforce(EXAMPLES / "people.yaml", model)
    file = tmp_path / "people.yaml"
    save_workforce(
        wf.model_copy(update={"people": tuple(sorted(wf.people, key=lambda p: p.key))}), file
    )
    with Store(store_url) as store:
        store.add_model(model)
        store.import_workforce(wf)
    return file, store_url


def _run(cli: Cli, command: tuple[str, ...], *source: str | Path) -> Any:
    head = 2 if command[0] in ("path", "pilot") else 1
    result = cli(*command[:head], MODEL, *command[head:], *source, "-f", "json")
    assert result.code == 0, (command, result.out, result.err)
    return json.loads(result.out)


def test_every_command_answers_the_same_from_the_store(
    cli: Cli, sources: tuple[Path, str], tmp_path: Path
) -> None:
    file, url = sources
    for command in COMMANDS:
        from_file = _run(cli, command, "--people", file)
        assert _run(cli, command, "--store", url) == from_file, command

    def without_files(data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k != "files"}

    monitor = ("monitor", "--on", ON, "-o", str(tmp_path / "report"))
    assert without_files(_run(cli, (*monitor, str(file)))) == without_files(
        _run(cli, monitor, "--store", url)
    )
    select = ("pilot", "select", "-n", "5", "--seed", "3")
    assert _run(cli, (*select, str(file))) == _run(cli, select, "--store", url)
    sim = {}
    for name, source in (("file", [str(file)]), ("store", ["--store", url])):
        out = tmp_path / f"pilot-{name}.yaml"
        _run(cli, ("pilot", "simulate", "-o", str(out), "-n", "4"), *source)
        sim[name] = out.read_text(encoding="utf-8")
    assert sim["file"] == sim["store"]
    published = {}
    for name, source in (("file", ["--people", str(file)]), ("store", ["--store", url])):
        data = _run(cli, ("publish", "--xlsx", str(tmp_path / f"{name}.xlsx"), "--on", ON), *source)
        published[name] = [
            {k: v for k, v in d.items() if k not in ("path", "people_workbook")}
            for d in data["outputs"]
        ]
    assert published["file"] == published["store"]
    assert published["file"][0]["people_sheets"] > 1  # the gap sheets are there


def test_the_default_store_comes_from_the_environment(
    cli: Cli, sources: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file, url = sources
    command = COMMANDS[0]
    monkeypatch.setenv("COMPETENCY_STORE", url)
    assert _run(cli, command) == _run(cli, command, "--people", file)
    monkeypatch.delenv("COMPETENCY_STORE")
    monkeypatch.setenv("COMPETENCY_STORE_URL", url)
    assert _run(cli, command) == _run(cli, command, "--people", file)


@pytest.mark.parametrize(
    "command",
    [
        ("gap", MODEL, "--person", "daniel-kim"),
        ("readiness", MODEL),
        ("path", "succession", MODEL, "staff-engineer"),
        ("monitor", MODEL),
    ],
)
def test_without_people_the_command_says_what_to_pass(
    cli: Cli, command: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPETENCY_STORE", raising=False)
    monkeypatch.delenv("COMPETENCY_STORE_URL", raising=False)
    result = cli(*command)
    assert result.code == 2
    assert "--store URL" in result.err
    assert "COMPETENCY_STORE" in result.err


def test_file_and_store_together_are_refused(cli: Cli, sources: tuple[Path, str]) -> None:
    file, url = sources
    result = cli("readiness", MODEL, "--people", file, "--store", url, "-f", "json")
    assert result.code == 2
    assert "not both" in json.loads(result.out)["errors"][0]["message"]


def test_a_store_that_does_not_fit_the_model_is_named(cli: Cli, sources: tuple[Path, str]) -> None:
    _, url = sources
    odd = Assessment(person="daniel-kim", competency="juggling", level=3, date=dt.date(2026, 1, 5))
    with Store(url) as store:
        store.add_assessments([odd], model=KEY)
    result = cli("readiness", MODEL, "--store", url, "--on", ON)
    assert result.code == 2
    assert "does not fit model software-engineering" in result.err
    assert "unknown competency 'juggling'" in result.err


# -- sinks ----------------------------------------------------------------------------------


def test_pull_into_store_writes_what_was_pulled(cli: Cli, store_url: str, tmp_path: Path) -> None:
    source = EXAMPLES / "people.yaml"
    model = load_model(MODEL)
    wf = load_workforce(source, model)
    folder = tmp_path / "remote"
    remote = ["--set", f"directory={folder}"]
    for what in ("people", "ratings", "assignments"):
        pushed = cli("sync", "csv", "apply", what, source, "--model", MODEL, *remote,
                     "--store", "memory")  # fmt: skip
        assert pushed.code == 0, pushed.err
    into = ["--into-store", "--store", store_url]

    def pull(*args: str) -> dict[str, Any]:
        result = cli("sync", "csv", "pull", *args, *remote, *into, "-f", "json")
        assert result.code == 0, (result.out, result.err)
        return dict(json.loads(result.out))

    people = pull("people")
    assert people["people"] == len(wf.people)
    assert people["ratings_added"] == 0
    ratings = pull("ratings", "--model-key", KEY)
    assert ratings["ratings_added"] == len(wf.assessments)
    again = pull("workforce", "--model-key", KEY)
    assert again["ratings_added"] == 0
    assert again["ratings_already_stored"] == len(wf.assessments)
    assert again["assignments"] == len(wf.assignments)
    with Store(store_url) as store:
        back = store.workforce(model, as_of=dt.date(2100, 1, 1))
    assert sorted(p.model_dump_json() for p in back.people) == sorted(
        p.model_dump_json() for p in wf.people
    )
    assert sorted(a.model_dump_json() for a in back.assessments) == sorted(
        a.model_dump_json() for a in wf.assessments
    )
    assert sorted(a.model_dump_json() for a in back.assignments) == sorted(
        a.model_dump_json() for a in wf.assignments
    )
    # and the commands read them
    assert cli("readiness", MODEL, "--store", store_url, "--on", ON).code == 0


def test_pull_into_store_needs_the_model_for_ratings(
    cli: Cli, store_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "remote"
    remote = ["--set", f"directory={folder}"]
    source = EXAMPLES / "people.yaml"
    for what in ("people", "ratings"):
        cli("sync", "csv", "apply", what, source, "--model", MODEL, *remote, "--store", "memory")
    result = cli("sync", "csv", "pull", "ratings", *remote, "--into-store", "--store", store_url)
    assert result.code == 2
    assert "--model-key" in result.err
    model = cli("sync", "csv", "pull", "model", "--key", KEY, *remote, "--into-store")
    assert model.code == 2
    assert "competency model import" in model.err
