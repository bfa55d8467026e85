"""``competency model ...`` and ``competency diff`` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from competency_core.io import load_model, save_model, to_data
from competency_core.model import CompetencyModel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = "software-engineering"

Cli = Callable[..., Any]


def _release(cli: Cli, url: str) -> None:
    assert cli("model", "pilot", KEY, "--store", url, "--by", "priya").code == 0
    for approver, by in (("hr", "Jonas Berg"), ("engineering-leadership", "Amara Okafor")):
        r = cli("model", "approve", KEY, "--as", approver, "--by", by, "--store", url)
        assert r.code == 0, r.err
    r = cli("model", "publish", KEY, "--by", "priya", "--store", url, "-f", "json")
    assert r.code == 0, r.err
    assert r.json()["status"] == "published"


def test_model_commands(cli: Cli, store_url: str, tmp_path: Path) -> None:
    url = store_url
    r = cli("model", "import", EXAMPLES / "software-engineering.yaml", "--store", url)
    assert r.code == 0, r.err
    assert "draft" in r.out
    _release(cli, url)

    refused = cli("model", "save", EXAMPLES / "software-engineering.yaml", "--revision", "5",
                  "--store", url)  # fmt: skip
    assert refused.code == 2
    assert "published and immutable" in refused.err

    assert cli("model", "new-draft", KEY, "--store", url).code == 0
    status = cli("model", "status", KEY, "--store", url, "-f", "json").json()[KEY]
    draft = status[-1]
    assert (draft["version"], draft["status"]) == ("1.0.1", "draft")

    exported = tmp_path / "draft.yaml"
    assert cli("model", "export", KEY, "-o", exported, "--store", url).code == 0
    data = yaml.safe_load(exported.read_text())
    data["description"] = "Reworded for the 2026 review."
    exported.write_text(yaml.safe_dump(data, sort_keys=False))
    r = cli("model", "save", exported, "--revision", str(draft["revision"]), "--store", url)
    assert r.code == 0, r.err

    diff = cli("model", "diff", KEY, "--store", url, "-f", "json").json()
    assert (diff["bump"], diff["suggested_version"]) == ("patch", "1.0.1")
    md = tmp_path / "changes.md"
    r = cli("model", "diff", KEY, "--store", url, "-o", md, "--exit-code")
    assert r.code == 1
    assert "## software-engineering 1.0.1" in md.read_text()

    _release(cli, url)
    history = cli("model", "history", KEY, "--store", url, "-f", "json").json()
    assert [e["event"] for e in history][-1] == "published"
    table = cli("model", "status", "--store", url)
    assert table.code == 0
    assert "1.0.1" in table.out
    stale = cli("model", "pilot", KEY, "--store", url)
    assert stale.code == 2
    assert "no version in draft" in stale.err


def test_file_diff(cli: Cli, tmp_path: Path) -> None:
    old = load_model(EXAMPLES / "software-engineering.yaml")
    data = to_data(old)
    data["roles"][0]["requirements"][0]["level"] += 1
    new_path = tmp_path / "new.yaml"
    save_model(CompetencyModel.model_validate(data), new_path)
    r = cli("diff", EXAMPLES / "software-engineering.yaml", new_path, "-f", "json")
    assert r.code == 0, r.err
    out = r.json()
    assert (out["bump"], out["suggested_version"]) == ("major", "2.0.0")
    text = cli("diff", EXAMPLES / "software-engineering.yaml", new_path)
    assert "### Breaking changes (major)" in text.out
    same = cli("diff", EXAMPLES / "software-engineering.yaml", EXAMPLES / "software-engineering.yaml",
               "--exit-code")  # fmt: skip
    assert same.code == 0
    assert "No changes" in same.out


def test_migrate_command(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert cli("model", "import", EXAMPLES / "software-engineering.yaml", "--store", url).code == 0
    _release(cli, url)
    r = cli("model", "import-workforce", EXAMPLES / "people.yaml", "--version", "1.0.0",
            "--store", url)  # fmt: skip
    assert r.code == 0, r.err
    cli("model", "new-draft", KEY, "--store", url)
    exported = tmp_path / "d.yaml"
    cli("model", "export", KEY, "-o", exported, "--store", url)
    data = yaml.safe_load(exported.read_text())
    data["description"] = "Reworded."
    exported.write_text(yaml.safe_dump(data, sort_keys=False))
    assert cli("model", "save", exported, "--revision", "1", "--store", url).code == 0
    _release(cli, url)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("merge_policy: max\n")
    report = tmp_path / "report.md"
    r = cli("model", "migrate", KEY, "--from", "1.0.0", "--to", "1.0.1", "--mapping", mapping,
            "--report", report, "--store", url, "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    assert r.json()["carried"] == r.json()["read"] > 0
    assert report.read_text().startswith("# Assessment migration")
    due = cli("model", "due", "--on", "2099-01-01", "--store", url, "-f", "json").json()
    assert [d["version"] for d in due] == ["1.0.1"]
