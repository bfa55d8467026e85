"""``competency sync scim pull|plan|apply --url ... --token-env VAR`` against scim2-server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import ScimServer, sample_users

TOKEN = "scim-cli-tok-51f0c2d9-secret"

WORKFORCE = """\
people:
  - {key: user00000-example.com, name: User 0, role: engineer}
  - {key: user00001-example.com, name: User 1, role: analyst}
  - {key: user00003-example.com, name: User 3, role: engineer}
  - {key: ghost, name: Ghost, role: engineer}
assignments:
  - {person: user00000-example.com, resource: course-sql, assigned: 2026-01-05}
  - {person: user00001-example.com, resource: course-sql, assigned: 2026-01-05}
"""


@pytest.fixture
def server() -> Iterator[ScimServer]:
    with ScimServer(token=TOKEN) as s:
        s.add_users(sample_users(15))
        yield s


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_CLI_TOKEN", TOKEN)
    monkeypatch.setenv("SCIM_WRONG_TOKEN", "wrong-cli-token-0b9e")


def test_pull_plan_apply_replan(
    cli: Callable[..., Any], server: ScimServer, env: None, tmp_path: Path
) -> None:
    common = ["--url", server.url, "--token-env", "SCIM_CLI_TOKEN"]
    titles = '--set=role_titles={"Software Engineer": "engineer"}'
    out = tmp_path / "people.yaml"
    r = cli("sync", "scim", "pull", "people", *common, titles, "--out", out)
    assert r.code == 0, r.err
    assert "Pulled: 12 people" in r.err
    assert "have no role" in r.err
    assert "role: engineer" in out.read_text()

    wf = tmp_path / "wf.yaml"
    wf.write_text(WORKFORCE)
    state = ["--store", str(tmp_path / "state.sqlite3")]
    r = cli("sync", "scim", "plan", "people", wf, *common, *state)
    assert r.code == 0, r.err
    assert "+ role-group engineer" in r.out
    assert "ghost" in r.out  # left out, with a warning
    r = cli("sync", "scim", "apply", "people", wf, *common, *state)
    assert r.code == 0, r.err
    assert "2 created" in r.out
    r = cli("sync", "scim", "plan", "people", wf, *common, *state)
    assert "No changes." in r.out
    r = cli("sync", "scim", "apply", "assignments", wf, *common, *state, "--format", "json")
    assert r.code == 0, r.err
    assert r.json()["report"]["outcomes"][0]["key"] == "course-sql"


def test_plan_with_the_model_names_groups_by_title(
    cli: Callable[..., Any], server: ScimServer, env: None, examples: Path, tmp_path: Path
) -> None:
    common = ["--url", server.url, "--token-env", "SCIM_CLI_TOKEN", "--store", "memory"]
    model = examples / "software-engineering.yaml"
    r = cli(
        "sync", "scim", "plan", "people", examples / "people.yaml", "--model", model,
        "--set", "role_group_name=Role: {title}", *common, "--format", "json",
    )  # fmt: skip
    assert r.code == 0, r.err
    names = {c["key"]: c["data"]["displayName"] for c in r.json()["changes"]}
    assert names["senior-engineer"] == "Role: Senior Software Engineer"
    assert any("no user in the service" in w for w in r.json()["warnings"])


def test_refused_and_missing_tokens_are_clear(
    cli: Callable[..., Any], server: ScimServer, env: None
) -> None:
    r = cli(
        "sync", "scim", "pull", "people", "--url", server.url, "--token-env", "SCIM_WRONG_TOKEN"
    )
    assert r.code == 2
    assert "HTTP 401" in r.err
    assert "check the bearer token" in r.err
    assert "wrong-cli-token-0b9e" not in r.err + r.out
    r = cli(
        "sync", "scim", "pull", "people", "--url", server.url, "--token-env", "NOT_SET_ANYWHERE"
    )
    assert r.code == 2
    assert "NOT_SET_ANYWHERE is not set" in r.err
    r = cli("sync", "scim", "pull", "people", "--url", "ftp://x", "--token-env", "SCIM_CLI_TOKEN")
    assert r.code == 2
    assert "url" in r.err


def test_the_demo_step_pulls_and_pushes_groups(
    cli: Callable[..., Any], examples: Path, tmp_path: Path
) -> None:
    r = cli("demo", "--examples", examples, "--out", tmp_path, "--only", "SCIM: pull people")
    assert r.code == 0, r.err
    assert "Demo finished: 1 steps" in r.out
    assert "15 people from SCIM: 14 mapped to 8 role(s), 1 unmapped" in r.out
    assert "office-manager: Office Manager" in r.out
    assert "+ role-group senior-engineer" in r.out
    assert "Role: Senior Software Engineer" in r.out  # the role's title, from the model
    assert "Planning again: 0 change(s) left" in r.out
    assert (tmp_path / "scim-groups-plan.json").is_file()
