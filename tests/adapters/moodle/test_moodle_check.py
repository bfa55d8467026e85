"""``competency moodle check`` on the Moodle emulator: site, functions, capabilities, exit codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend

from competency_moodle.capabilities import SYNC_CAPABILITIES
from competency_moodle.check import OPERATIONS, check_token
from competency_moodle.client import MoodleClient
from competency_moodle.functions import needed_functions
from competency_testing.moodle import MoodleEmulator
from competency_testing.moodle.realsite.server import LIMITED_MISSING

Cli = Callable[..., Any]
ENV = "MOODLE_CHECK_TOKEN"


@pytest.fixture
def check(
    cli: Cli, moodle_emulator: MoodleEmulator, moodle_token: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """``competency moodle check --url EMULATOR --token-env VAR ARGS`` (the token in VAR)."""
    monkeypatch.setenv(ENV, moodle_token)

    def run(*args: str | Path, token_env: str = ENV) -> Any:
        result = cli(
            "moodle", "check", "--url", moodle_emulator.url, *args, "--token-env", token_env
        )
        assert moodle_token not in result.out + result.err
        return result

    return run


def test_a_token_allowed_everything(
    check: Callable[..., Any], moodle_emulator: MoodleEmulator
) -> None:
    result = check("--format", "json")
    assert result.code == 0, result.out
    data = result.json()
    assert data["ok"] is True
    assert data["site"]["release"].startswith("5.1")
    assert data["site"]["version"]
    assert data["site"]["user"] == "admin"
    assert data["competencies_enabled"] is True
    assert set(data["operations"]) == set(OPERATIONS)
    assert all(op["missing"] == [] for op in data["operations"].values())
    status = {c["capability"]: c["status"] for c in data["capabilities"]}
    assert set(status) == set(SYNC_CAPABILITIES)
    assert status["webservice/rest:use"] == "allowed"
    assert status["moodle/competency:competencyview"] == "allowed"
    assert status["moodle/competency:templateview"] == "allowed"
    assert status["moodle/competency:competencygrade"] == "not checked"
    assert moodle_emulator.write_calls() == []  # it only reads
    text = check()
    assert text.code == 0
    assert "competencies: enabled" in text.out
    assert "ok: the token may run every operation checked" in text.out


def test_missing_functions_are_named_per_operation(
    check: Callable[..., Any], moodle_emulator: MoodleEmulator, moodle_token: str
) -> None:
    allowed = set(needed_functions("pull-model")) - {"core_competency_list_templates"}
    moodle_emulator.add_token(moodle_token, allowed)
    pull = check("--operation", "pull-model", "-f", "json")
    assert pull.code == 1
    data = pull.json()
    assert data["operations"] == {
        "pull-model": {"ok": False, "missing": ["core_competency_list_templates"]}
    }
    assert "External services > Functions" in data["problems"][0]
    # the capability probe of a function the service lacks is not tried
    status = {c["capability"]: c["status"] for c in data["capabilities"]}
    assert status["moodle/competency:templateview"] == "not checked"
    text = check()
    assert text.code == 1
    assert re.search(r"^  push-model: \d+ missing: ", text.out, re.M)
    assert "pull-model: 1 missing: core_competency_list_templates" in text.out


def test_disabled_competencies_and_a_refused_capability(
    check: Callable[..., Any], moodle_emulator: MoodleEmulator
) -> None:
    moodle_emulator.fail(
        function="core_competency_list_templates",
        exception=(
            "required_capability_exception",
            "nopermissions",
            "Sorry, but you do not currently have permissions to do that "
            "(View learning plan templates).",
        ),
    )
    refused = check("-f", "json")
    assert refused.code == 1
    data = refused.json()
    status = {c["capability"]: c["status"] for c in data["capabilities"]}
    assert status["moodle/competency:templateview"] == "refused"
    assert any("moodle/competency:templateview" in p for p in data["problems"])
    moodle_emulator.site.competencies_enabled = False
    disabled = check()
    assert disabled.code == 1
    assert "competencies: disabled" in disabled.out
    assert "Advanced features" in disabled.out


def test_a_refused_token_and_usage_mistakes(
    check: Callable[..., Any],
    cli: Cli,
    moodle_emulator: MoodleEmulator,
    moodle_token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WRONG_TOKEN", "not-the-token")
    wrong = check("-f", "json", token_env="WRONG_TOKEN")
    assert wrong.code == 1
    assert wrong.json()["site"] is None
    assert "invalidtoken" in wrong.json()["token_refused"]
    assert "not-the-token" not in wrong.out
    unset = check(token_env="NO_SUCH_VARIABLE_SET")
    assert unset.code == 2
    assert "NO_SUCH_VARIABLE_SET" in unset.err
    # the token from a file, the URL from the environment
    token_file = tmp_path / "token"
    token_file.write_text(moodle_token + "\n", encoding="utf-8")
    monkeypatch.setenv("COMPETENCY_MOODLE_URL", moodle_emulator.url)
    from_file = cli("moodle", "check", "--token-file", token_file)
    assert from_file.code == 0, from_file.out + from_file.err
    assert moodle_token not in from_file.out + from_file.err
    both = cli("moodle", "check", "--token-file", token_file, "--token-env", ENV)
    assert both.code == 2
    bad_url = cli("moodle", "check", "--url", "ftp://x", "--token-file", token_file)
    assert bad_url.code == 2
    assert "--url" in bad_url.err


def test_an_unreachable_site_exits_2(cli: Cli, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("secret-token-value\n", encoding="utf-8")
    result = cli(
        "moodle",
        "check",
        "--url",
        "http://127.0.0.1:9",
        "--token-file",
        token_file,
        "--timeout",
        "2",
    )
    assert result.code == 2
    assert "secret-token-value" not in result.out + result.err


def test_check_token_from_python(moodle_emulator: MoodleEmulator, moodle_token: str) -> None:
    with MoodleClient(moodle_emulator.url, moodle_token) as client:
        result = check_token(client, ("push-ratings",), prune=True)
    assert result.ok
    assert result.operations == ("push-ratings",)
    assert result.to_dict()["operations"] == {"push-ratings": {"ok": True, "missing": []}}


# -- the same checks on both Moodles (the emulator, and a real Moodle 5.1 with -m moodle) ----


def test_check_on_each_backend(backend: Backend, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = backend.seed()
    monkeypatch.setenv(ENV, seeded.token)
    full = cli("moodle", "check", "--url", seeded.url, "--token-env", ENV, "--format", "json")
    assert full.code == 0, full.out + full.err
    data = full.json()
    assert data["ok"] is True
    assert data["site"]["release"].startswith("5.1")
    assert data["competencies_enabled"] is True
    assert all(op["missing"] == [] for op in data["operations"].values()), data["operations"]
    status = {c["capability"]: c["status"] for c in data["capabilities"]}
    assert status["webservice/rest:use"] == "allowed"
    assert seeded.token not in full.out + full.err

    limited = backend.token_without(LIMITED_MISSING)
    monkeypatch.setenv(ENV, limited)
    short = cli("moodle", "check", "--url", seeded.url, "--token-env", ENV, "--format", "json")
    assert short.code == 1, short.out + short.err
    missing = {f for op in short.json()["operations"].values() for f in op["missing"]}
    assert missing == set(LIMITED_MISSING)
    assert limited not in short.out + short.err
