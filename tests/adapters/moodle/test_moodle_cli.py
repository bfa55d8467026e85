"""``competency sync moodle plan|apply|pull`` on the emulator and on a real Moodle 5.1
(token from env or file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend, EmulatorBackend, Seeded

from competency_core.io import load_workforce

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


FIVE = ["Awareness", "Foundation", "Practitioner", "Advanced", "Expert"]


@pytest.fixture
def site(backend: Backend) -> Iterator[tuple[Backend, Seeded]]:
    """A fresh site with the example's scale; three of the example's people (all on real)."""
    seeded = backend.seed(items=FIVE)
    if isinstance(backend, EmulatorBackend):
        for person in ("priya-raman", "daniel-kim", "aisha-bello"):
            backend.emulator.site.add_user(person)
    return backend, seeded


def _options(seeded: Seeded, store: Path) -> list[str]:
    return [
        "--url",
        seeded.url,
        "--token-env",
        "MOODLE_TOKEN",
        "--scale-id",
        str(seeded.scale),
        "--store",
        str(store),
    ]


def test_plan_apply_replan_and_pull(
    site: tuple[Backend, Seeded],
    cli: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moodle, seeded = site
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    model = EXAMPLES / "software-engineering.yaml"
    opts = _options(seeded, tmp_path / "state.sqlite3")
    planned = cli("sync", "moodle", "plan", "model", model, "--out", tmp_path / "p.json", *opts)
    assert planned.code == 0, planned.err
    assert "+ framework software-engineering" in planned.out
    # the emulated site has only CC-101; the real one every course the example names
    assert ("course(s) not found in Moodle" in planned.out) == (moodle.name == "emulator")
    assert moodle.write_calls() == []
    applied = cli("sync", "moodle", "apply", "--plan", tmp_path / "p.json", *opts)
    assert applied.code == 0, applied.err
    assert "Applied:" in applied.out
    assert "0 failed" in applied.out
    moodle.reset_calls()
    again = cli("sync", "moodle", "plan", "model", model, *opts)
    assert again.code == 0, again.err
    assert "No changes." in again.out
    assert moodle.write_calls() == []
    people = EXAMPLES / "people.yaml"
    ratings = cli("sync", "moodle", "apply", "ratings", people, "--model", model, *opts)
    assert ratings.code == 0, ratings.err
    assert ("person(s) not found" in ratings.out) == (moodle.name == "emulator")
    pulled = cli(
        "sync",
        "moodle",
        "pull",
        "ratings",
        "--model",
        model,
        "--people",
        people,
        *opts[:6],
        "--format",
        "json",
    )
    assert pulled.code == 0, pulled.err
    assert pulled.json()["model"] == "software-engineering"
    back = cli(
        "sync",
        "moodle",
        "pull",
        "model",
        "--key",
        "software-engineering",
        *opts[:6],
        "--format",
        "json",
    )
    assert back.code == 0, back.err
    competencies = back.json()["competencies"]
    assert len(competencies) == 27
    assert sum(1 for c in competencies if c.get("parent")) == 7
    assert seeded.token not in planned.out + applied.out + again.out + ratings.out + pulled.out


def test_token_from_a_file_and_never_on_the_command_line(
    site: tuple[Backend, Seeded], cli: Any, tmp_path: Path
) -> None:
    _, seeded = site
    model = EXAMPLES / "software-engineering.yaml"
    secret = tmp_path / "token"
    secret.write_text(seeded.token + "\n", encoding="utf-8")
    opts = ["--url", seeded.url, "--scale-id", str(seeded.scale), "--store", "memory"]
    ok = cli("sync", "moodle", "plan", "model", model, "--token-file", secret, *opts)
    assert ok.code == 0, ok.err
    refused = cli("sync", "moodle", "plan", "model", model, "--set", f"token={seeded.token}", *opts)
    assert refused.code == 2
    assert "secret on the command line" in refused.err
    assert seeded.token not in refused.err
    unset = cli("sync", "moodle", "plan", "model", model, "--token-env", "NO_SUCH_VAR", *opts)
    assert unset.code == 2
    assert "NO_SUCH_VAR" in unset.err


def test_a_wrong_token_or_scale_is_a_clear_error(
    site: tuple[Backend, Seeded], cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, seeded = site
    model = EXAMPLES / "software-engineering.yaml"
    monkeypatch.setenv("MOODLE_TOKEN", "not-the-token")
    opts = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN", "--store", "memory"]
    bad = cli("sync", "moodle", "plan", "model", model, "--scale-id", "1", *opts)
    assert bad.code == 2
    assert "token was refused" in bad.err
    assert "not-the-token" not in bad.err
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    no_scale = cli("sync", "moodle", "plan", "model", model, *opts)
    assert no_scale.code == 2
    assert "--scale-id" in no_scale.err
    wrong = cli("sync", "moodle", "plan", "model", model, "--scale-id", "99999", *opts)
    assert wrong.code == 2
    assert "cannot read the Moodle scale 99999" in wrong.err


def test_a_saved_learning_plan_applies_in_a_new_process(
    site: tuple[Backend, Seeded],
    cli: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moodle, seeded = site
    if moodle.name == "real":  # the real site runs the same learning plans in test_moodle_learning
        pytest.skip("a saved plan is the CLI's and the engine's: the emulator covers it")
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    model, people = EXAMPLES / "software-engineering.yaml", EXAMPLES / "people.yaml"
    opts = _options(seeded, tmp_path / "state.sqlite3")
    assert cli("sync", "moodle", "apply", "model", model, *opts).code == 0
    plan = tmp_path / "learning.json"
    planned = cli(
        "sync", "moodle", "plan", "assignments", people, "--model", model, "--out", plan, *opts
    )
    assert planned.code == 0, planned.err
    assert "+ plan priya-raman|senior-engineering-manager" in planned.out
    applied = cli("sync", "moodle", "apply", "--plan", plan, "--model", model, *opts)
    assert applied.code == 0, applied.err
    assert "0 failed" in applied.out
    names = sorted(p[0] for p in seeded.site.snapshot()["plans"])
    with_roles = sorted(p.key for p in load_workforce(people).people if p.role)
    on_site = with_roles if moodle.name == "real" else ["aisha-bello", "daniel-kim", "priya-raman"]
    assert names == on_site
