"""``competency evidence import``: end to end, from files, an LRS and into a store or file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from competency_core.io import load_model, load_workforce
from competency_core.store import Store
from competency_testing.lrs import RalphLrs

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
MODEL = EXAMPLES / "software-engineering.yaml"
PEOPLE = EXAMPLES / "people.yaml"
PREFIX = "https://ladder.example.com/competencies/"
Cli = Callable[..., Any]


def test_badges_as_json(cli: Cli, data: Path) -> None:
    r = cli("evidence", "import", "badge", data / "badges", "-m", MODEL, "-p", PEOPLE, "-f", "json")
    assert r.code == 0
    doc = r.json()
    assert (doc["imported"], doc["skipped"], doc["stored"], doc["out"]) == (3, 9, None, None)
    assert {e["person"] for e in doc["evidence"]} == {
        "priya-raman",
        "daniel-kim",
        "sofia-lindqvist",
    }
    first = doc["skipped_items"][0]
    assert set(first) >= {"source", "path", "line", "reason", "item"}


def test_text_lists_what_was_skipped_and_strict_exits_1(cli: Cli, data: Path) -> None:
    r = cli("evidence", "import", "csv", data / "csv", "-m", MODEL, "-p", PEOPLE)
    assert r.code == 0
    assert "Read 5 pieces of evidence (3 certification, 2 course)" in r.out
    assert "skipped 9" in r.out
    assert "certifications.csv:8: level: warning: 7 is not a level" in r.err
    strict = cli("evidence", "import", "csv", data / "csv", "-m", MODEL, "-p", PEOPLE, "--strict")
    assert strict.code == 1
    clean = cli(
        "evidence", "import", "badge", data / "badges" / "priya-incident-commander.json",
        "-m", MODEL, "-p", PEOPLE, "--strict",
    )  # fmt: skip
    assert clean.code == 0


def test_out_writes_a_workforce_with_evidence(cli: Cli, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "with-evidence.yaml"
    args = ("evidence", "import", "xapi", data / "xapi", "-m", MODEL, "-p", PEOPLE,
            "--activity-prefix", PREFIX, "--out", out)  # fmt: skip
    assert cli(*args).code == 0
    model = load_model(MODEL)
    before = load_workforce(PEOPLE, model)
    wf = load_workforce(out, model)
    assert wf.people == before.people
    assert wf.assessments == before.assessments
    assert wf.evidence[: len(before.evidence)] == before.evidence  # kept, in order
    added = wf.evidence[len(before.evidence) :]
    assert sorted(e.kind.value for e in added) == ["course", "course", "xapi", "xapi"]
    assert "evidence:" in out.read_text()
    # importing again into the file it wrote adds nothing
    again = ("evidence", "import", "xapi", data / "xapi", "-m", MODEL, "-p", out,
             "--activity-prefix", PREFIX, "--out", out)  # fmt: skip
    assert cli(*again).code == 0
    assert load_workforce(out, model).evidence == wf.evidence
    assert isinstance(yaml.safe_load(out.read_text()), dict)


def test_into_store_is_idempotent(cli: Cli, data: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    with Store(url) as s:
        s.upsert_people(load_workforce(PEOPLE).people)
    args = ("evidence", "import", "badge", data / "badges", "-m", MODEL, "--store", url,
            "--into-store", "-f", "json")  # fmt: skip
    first = cli(*args)
    assert first.code == 0
    assert first.json()["stored"] == 3
    assert cli(*args).json()["stored"] == 0
    with Store(url) as s:
        stored = s.evidence()
    assert {(e.person, e.competency, e.level) for e in stored} == {
        ("priya-raman", "incident-response", 4),
        ("daniel-kim", "debugging", None),
        ("sofia-lindqvist", "coding", None),
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("badge", "nowhere.json"), "no such file"),
        (("badge",), "give the files"),
        (("xapi",), "or --lrs URL"),
        (("badge", "x.json", "--lrs", "http://lrs"), "only apply to xapi"),
        (("xapi", "x.json", "--since", "2026-01-01"), "give --lrs"),
        (("xapi", "--lrs", "http://127.0.0.1:9/xAPI/", "--lrs-user", "u"), "--lrs-password-env"),
        (("xapi", "--lrs", "http://127.0.0.1:9/xAPI/", "--lrs-user", "u",
          "--lrs-password-env", "COMPETENCY_TEST_UNSET_VARIABLE"), "is not set"),
        (("csv", "x.csv", "--into-store"), "needs a store"),
        (("csv", "x.csv", "--store", "sqlite:///s.sqlite3"), "not both"),
        (("csv", "x.csv", "--encoding", "klingon"), "unknown encoding"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_without_traceback(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPETENCY_STORE", raising=False)
    monkeypatch.delenv("COMPETENCY_STORE_URL", raising=False)
    monkeypatch.delenv("COMPETENCY_TEST_UNSET_VARIABLE", raising=False)
    (tmp_path / "x.csv").write_text("kind,person,competency,date\n")
    (tmp_path / "x.json").write_text("[]")
    r = cli("evidence", "import", *args, "-m", MODEL, "-p", PEOPLE)
    assert r.code == 2, r
    assert words in r.err
    j = cli("evidence", "import", *args, "-m", MODEL, "-p", PEOPLE, "-f", "json")
    assert j.code == 2
    assert words in j.json()["errors"][0]["message"]


def test_into_a_store_without_the_people(cli: Cli, data: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    r = cli("evidence", "import", "badge", data / "badges" / "priya-incident-commander.json",
            "-m", MODEL, "-p", PEOPLE, "--store", url, "--into-store")  # fmt: skip
    assert r.code == 2
    assert "has no person 'priya-raman', so nothing was recorded" in r.err
    with Store(url) as s:
        assert s.evidence() == []


def test_an_unreachable_lrs_exits_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from competency_testing.postgres import free_port

    monkeypatch.setenv("LRS_PASSWORD", "hunter2")
    r = cli("evidence", "import", "xapi", "--lrs", f"http://127.0.0.1:{free_port()}/xAPI/",
            "--lrs-user", "u", "--lrs-password-env", "LRS_PASSWORD", "-m", MODEL, "-p", PEOPLE)  # fmt: skip
    assert r.code == 2
    assert "cannot reach the LRS" in r.err
    assert "hunter2" not in r.err + r.out


@pytest.mark.lrs
def test_from_a_real_lrs_into_the_store(
    cli: Cli, ralph: RalphLrs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ralph.post_statements(
        [
            {
                "actor": {"objectType": "Agent", "mbox": "mailto:lucas.moreau@example.com"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"objectType": "Activity", "id": PREFIX + "api-design"},
                "result": {"score": {"scaled": 0.5}},
                "timestamp": "2026-03-20T10:00:00+00:00",
            },
            {
                "actor": {"objectType": "Agent", "mbox": "mailto:lucas.moreau@example.com"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"objectType": "Activity", "id": PREFIX + "api-design"},
                "timestamp": "2026-03-19T10:00:00+00:00",
            },
        ]
    )
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    with Store(url) as s:
        s.upsert_people(load_workforce(PEOPLE).people)
    monkeypatch.setenv("RALPH_TEST_PASSWORD", ralph.password)
    r = cli("evidence", "import", "xapi", "--lrs", ralph.endpoint, "--lrs-user", ralph.username,
            "--lrs-password-env", "RALPH_TEST_PASSWORD", "--since", "2020-01-01",
            "--activity-prefix", PREFIX, "-m", MODEL, "--store", url, "--into-store", "-f", "json")  # fmt: skip
    assert r.code == 0, r
    doc = r.json()
    assert (doc["imported"], doc["skipped"], doc["stored"]) == (1, 1, 1)
    assert ralph.password not in r.out + r.err
    with Store(url) as s:
        [e] = s.evidence(person="lucas-moreau")
    assert (e.kind.value, e.competency, e.level, e.source) == (
        "xapi", "api-design", 3, f"xapi:{ralph.endpoint}",
    )  # fmt: skip
