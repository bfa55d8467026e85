"""The example plugin (examples/plugin, the distribution competency-jsonl) as a third party's.

Its command (``competency jsonl verify``), demo step and adapter come through its entry
point ``jsonl = "competency_jsonl.plugin"`` exactly as the built-in adapters' do; its
plugin module is cheap to import; and a wheel of it is found through its dist-info alone.
The adapter's contract, lint rule and sync hooks are tested in tests/test_plugins.py.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from competency_core.demo import demo_steps

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "examples" / "plugin"
MODEL = REPO / "examples" / "software-engineering.yaml"
PEOPLE = REPO / "examples" / "people.yaml"
KEY_ENV = "COMPETENCY_JSONL_SIGNING_KEY"
KEY = "example-plugin-test-key"


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    """The example plugin must be installed (``make`` does it), as a third party's is."""
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="competency_core")}
    if "jsonl" not in eps:
        pytest.fail(
            "the example plugin is not installed: "
            f"{sys.executable} -m pip install --no-deps -e examples/plugin"
        )
    assert eps["jsonl"].value == "competency_jsonl.plugin"
    assert eps["jsonl"].dist is not None
    assert eps["jsonl"].dist.metadata["Name"] == "competency-jsonl"


Cli = Callable[..., Any]


def _push(cli: Cli, folder: Path) -> None:
    """The model and the people, pushed by ``competency sync jsonl apply``."""
    for args in (("model", MODEL), ("people", PEOPLE, "--model", MODEL)):
        result = cli(
            "sync", "jsonl", "apply", *args, "--set", f"directory={folder}", "--store", "memory"
        )
        assert result.code == 0, result.err
        assert "0 failed" in result.out


# -- the command ------------------------------------------------------------------------------


def test_help_lists_the_plugins_command(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    commands = [line.split()[0] for line in result.out.splitlines() if line.startswith("  ")]
    assert "jsonl" in commands
    assert commands.index("validate") < commands.index("jsonl")  # the core's are listed first
    group = cli("jsonl", "--help")
    assert group.code == 0
    assert "verify" in group.out


def test_verify_passes_on_what_sync_wrote_and_finds_a_tampered_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    folder = tmp_path / "out"
    _push(cli, folder)
    clean = cli("jsonl", "verify", folder, "-f", "json")
    assert clean.code == 0, clean.err
    report = clean.json()
    assert report["ok"] is True
    assert report["findings"] == []
    assert {Path(f["file"]).name for f in report["files"]} == {
        "push-model-software-engineering.jsonl",
        "push-people.jsonl",
    }
    assert report["lines"] == report["valid"] > 30
    assert report["key_set"] is True

    people = folder / "push-people.jsonl"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[1])
    record["object"]["data"]["email"] = "someone-else@example.net"  # the signature is kept
    lines[1] = json.dumps(record) + "\n"
    lines.append(json.dumps({"object": {"kind": "person", "key": "x", "data": {}}}) + "\n")
    lines.append(lines[0])  # a validly signed line, replayed
    people.write_text("".join(lines), encoding="utf-8")

    found = cli("jsonl", "verify", folder, "--format", "json")
    assert found.code == 1
    findings = [(Path(f["file"]).name, f["line"], f["problem"]) for f in found.json()["findings"]]
    n = len(lines)
    assert findings == [
        ("push-people.jsonl", 2, "tampered"),
        ("push-people.jsonl", n - 1, "unsigned"),
        ("push-people.jsonl", n, "duplicate"),
    ]
    text = cli("jsonl", "verify", people)
    assert text.code == 1
    assert f"{people}:2: tampered: the signature does not match" in text.out
    assert "not verified" in text.out
    assert KEY not in text.out + text.err + found.out

    # the adapter itself refuses to read past the tampered line
    pulled = cli("sync", "jsonl", "pull", "people", "--set", f"directory={folder}")
    assert pulled.code == 2
    assert f"{people}:2: the signature does not match" in pulled.err


def test_verify_with_the_wrong_key_or_no_files(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    folder = tmp_path / "out"
    _push(cli, folder)
    monkeypatch.setenv("OTHER_KEY", "not-the-key")
    wrong = cli("jsonl", "verify", folder, "--key-env", "OTHER_KEY")
    assert wrong.code == 1
    assert "no signature matches" in wrong.out
    assert "$OTHER_KEY" in wrong.out
    monkeypatch.delenv(KEY_ENV)
    unset = cli("jsonl", "verify", folder, "-f", "json")
    assert unset.code == 1
    assert unset.json()["wrong_key"] is True
    assert unset.json()["key_set"] is False
    assert f"${KEY_ENV} is not set" in unset.err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("jsonl", "verify", empty).code == 2
    missing = cli("jsonl", "verify", tmp_path / "nope", "-f", "json")
    assert missing.code == 2
    assert "no such file or folder" in missing.json()["errors"][0]["message"]


# -- the demo step and the adapter --------------------------------------------------------------


def test_the_demo_runs_the_plugins_step(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from competency_jsonl.demo import DEMO_KEY, TITLE
    from competency_jsonl.signing import verify

    monkeypatch.delenv(KEY_ENV, raising=False)
    out = tmp_path / "demo"
    result = cli("demo", "--examples", REPO / "examples", "--out", out, "--only", TITLE)
    assert result.code == 0, result.err
    assert "Demo finished: 1 steps" in result.out
    assert "1 tampered, 1 unsigned" in result.out
    assert verify([out / "sync-jsonl"], DEMO_KEY).ok
    assert verify([out / "sync-jsonl"], DEMO_KEY).lines > 30
    assert not verify([out / "sync-jsonl-tampered"], DEMO_KEY).ok
    assert (out / "competency.sqlite3").is_file()  # the sync state went to the demo store
    again = cli("demo", "--examples", REPO / "examples", "--out", out, "--only", TITLE)
    assert again.code == 0, again.err


def test_adapters_lists_jsonl_from_competency_jsonl(cli: Cli) -> None:
    result = cli("adapters", "-f", "json")
    assert result.code == 0
    jsonl = next(a for a in result.json() if a["name"] == "jsonl")
    assert (jsonl["plugin"], jsonl["distribution"], jsonl["version"]) == (
        "jsonl",
        "competency-jsonl",
        "0.1.0",
    )
    assert {"push-model", "push-people", "pull-people"} == set(jsonl["capabilities"])
    key = next(s for s in jsonl["settings"] if s["name"] == "signing_key")
    assert key["secret"] is True


def test_the_registry_has_the_plugins_command_and_step_beside_the_built_in_ones() -> None:
    import typer

    from competency_core.plugins import PluginRegistry
    from competency_jsonl.demo import TITLE

    registry = PluginRegistry.build()
    owners = registry.register_commands(typer.Typer())
    assert owners["jsonl"] == "jsonl"
    assert owners["validate"] == "competency_core.cli.core"
    assert owners["scim"] == "scim"  # a built-in adapter's command, the same way
    steps = demo_steps(registry)
    orders = [s.order for s in steps]
    assert orders == sorted(orders)
    assert {10, 20, 50, 80} <= set(orders)  # the CLI's own, the csv and the scim adapters'
    mine = [s for s in steps if s.title == TITLE]
    assert [s.order for s in mine] == [100]
    assert max(s.order for s in steps if s.title != TITLE) < 100


# -- a cheap plugin module, found through its distribution ------------------------------------


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.splitlines()[-1]))


HEAVY = (
    "competency_core.model",
    "competency_core.sync",
    "competency_jsonl.adapter",
    "competency_jsonl.settings",
)


def test_importing_the_plugin_module_is_cheap() -> None:
    loaded = _modules_after("import competency_jsonl.plugin")
    assert "competency_jsonl.plugin" in loaded
    assert not [m for m in HEAVY if m in loaded]
    # its command module, imported at every start of the CLI, is cheap too
    loaded = _modules_after(
        "import typer, competency_jsonl.plugin as p\np.register_commands(typer.Typer())"
    )
    assert "competency_jsonl.cli" in loaded
    assert not [m for m in HEAVY if m in loaded]
    # and `competency --help` loads none of the plugin's adapter
    loaded = _modules_after(
        "from competency_core.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass"
    )
    assert "competency_jsonl.cli" in loaded
    assert not [m for m in ("competency_jsonl.adapter", "competency_jsonl.settings") if m in loaded]


def test_a_wheel_of_the_plugin_is_found_through_its_dist_info(tmp_path: Path) -> None:
    """Only the wheel's dist-info and package on the path: its entry point, its version."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(PLUGIN),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = wheels.glob("competency_jsonl-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = [
            n for n in zf.namelist() if n.startswith(("competency_jsonl/", "competency_jsonl-"))
        ]
        assert "competency_jsonl/plugin.py" in names
        zf.extractall(site, names)
    (dist_info,) = site.glob("competency_jsonl-*.dist-info")
    assert "jsonl = competency_jsonl.plugin" in (dist_info / "entry_points.txt").read_text()
    # a version only this copy has, so what the registry reports can only come from it
    metadata = dist_info / "METADATA"
    text = metadata.read_text(encoding="utf-8")
    metadata.write_text(text.replace("\nVersion: 0.1.0\n", "\nVersion: 0.1.0.post7\n"))
    code = """
import importlib.metadata, json
import competency_jsonl.plugin
from competency_core.demo import demo_steps
from competency_core.plugins import PluginRegistry

registry = PluginRegistry.build()
info = registry.adapters()["jsonl"].plugin
(ep,) = [e for e in importlib.metadata.entry_points(group="competency_core") if e.name == "jsonl"]
print(json.dumps({
    "info": [info.name, info.distribution, info.version],
    "dist": str(ep.dist.locate_file("")),
    "module": competency_jsonl.plugin.__file__,
    "commands": registry.register_commands(__import__("typer").Typer()).get("jsonl"),
    "steps": [s.order for s in demo_steps(registry) if s.order >= 100],
}))
"""
    path = [str(site), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.splitlines()[-1])
    assert got["info"] == ["jsonl", "competency-jsonl", "0.1.0.post7"]
    assert Path(got["dist"]) == site
    assert Path(got["module"]).is_relative_to(site)
    assert got["commands"] == "jsonl"
    assert got["steps"] == [100]
