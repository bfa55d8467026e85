"""competency-core-testing works from installed wheels, not only from the source tree.

Both distributions are built as wheels and installed (without their dependencies, from
the wheel files only) into a fresh virtual environment; the dependencies come from this
venv's site-packages through a ``.pth`` line, which does not run that folder's own
``.pth`` files, so the editable installs of the checkout are not seen. A script run from a
folder outside the checkout, with ``$COMPETENCY_MOODLE_CONTRACT`` unset, then starts the
Moodle emulator on the packaged contract, talks to it through competency_moodle's
client, and starts the local SCIM service. No network: the wheels are built without
build isolation (hatchling from the dev extra) and installed with ``--no-index``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    import competency_moodle
    import competency_scim
    import competency_testing
    from competency_moodle import MoodleClient
    from competency_testing.moodle import MoodleEmulator, find_contract
    from competency_testing.scim import LocalScimServer

    prefix = Path(sys.prefix).resolve()
    files = {
        m.__name__: str(Path(m.__file__).resolve())
        for m in (competency_moodle, competency_scim, competency_testing)
    }
    contract = find_contract()
    with MoodleEmulator() as moodle:
        moodle.add_token("wheel-token")
        scale = moodle.site.add_scale("Levels", ["Aware", "Working", "Expert"])
        config = [{"scaleid": scale}, {"id": 1, "scaledefault": 1, "proficient": 0},
                  {"id": 3, "scaledefault": 0, "proficient": 1}]
        with MoodleClient(moodle.url, "wheel-token") as client:
            info = client.call("core_webservice_get_site_info")
            framework = client.call(
                "core_competency_create_competency_framework",
                {"competencyframework": {
                    "shortname": "Wheel", "idnumber": "wheel", "scaleid": scale,
                    "scaleconfiguration": json.dumps(config),
                    "contextlevel": "system", "instanceid": 0,
                }},
            )
            listed = client.call(
                "core_competency_list_competency_frameworks",
                {"context": {"contextlevel": "system", "instanceid": 0}},
            )
        calls = [c.function for c in moodle.calls]
    with LocalScimServer(token="wheel-scim") as scim:
        scim.add_users([{"userName": "ada", "title": "Engineer"}])
        with scim.session() as session:
            users = session.get(scim.url + "/Users", timeout=30).json()["totalResults"]
    print(json.dumps({
        "prefix": str(prefix),
        "files": files,
        "contract": str(contract.resolve()) if contract else None,
        "site": info["sitename"],
        "framework": framework["idnumber"],
        "listed": [f["idnumber"] for f in listed],
        "calls": calls,
        "scim_users": users,
    }))
    """
)


def _run(
    args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _dependency_dirs() -> list[str]:
    """The folders this interpreter imports the dependencies from, without the checkout's.

    This venv's site-packages, and any other folder on ``sys.path`` except the standard
    library and the checkout's sources (``src``, ``testing``: the editable installs).
    """
    prefix, base = Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()
    found: dict[str, None] = {}
    paths = sysconfig.get_paths()
    for entry in (paths["purelib"], paths["platlib"], *sys.path):
        if not entry or not Path(entry).is_dir():
            continue
        path = Path(entry).resolve()
        inside_venv = path.is_relative_to(prefix)
        if not inside_venv and (path.is_relative_to(base) or path.is_relative_to(REPO)):
            continue
        found[str(path)] = None
    return list(found)


def test_the_testing_distribution_works_from_installed_wheels(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling is in the dev extra (make installs it)")
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(wheels), str(REPO), str(REPO / "testing")]
    )  # fmt: skip
    core = next(wheels.glob("competency_core-*.whl"))
    testing = next(wheels.glob("competency_core_testing-*.whl"))

    # the shipped adapters carry no test support; the testing wheel carries its data files
    core_names = zipfile.ZipFile(core).namelist()
    assert "competency_moodle/client.py" in core_names
    assert not [
        n
        for n in core_names
        if n.startswith(("competency_moodle/emulator/", "competency_moodle/realsite/"))
        or n in {"competency_scim/idp.py", "competency_scim/localserver.py"}
        or n == "competency_core/testing/postgres.py"
        or n.endswith(("ws_contract.json", "site_tool.php"))
    ]
    testing_names = zipfile.ZipFile(testing).namelist()
    for name in (
        "competency_testing/py.typed",
        "competency_testing/moodle/ws_contract.json",
        "competency_testing/moodle/realsite/site_tool.php",
        "competency_testing/moodle/realsite/__main__.py",
        "competency_testing/scim/localserver.py",
        "competency_testing/postgres.py",
    ):
        assert name in testing_names, name
    entry_points = next(n for n in testing_names if n.endswith(".dist-info/entry_points.txt"))
    plugins = zipfile.ZipFile(testing).read(entry_points).decode()
    assert "competency_testing = competency_testing.fixtures" in plugins  # the pytest11 group

    # a fresh venv with the two wheels; the dependencies through a .pth line
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(core), str(testing)]
    )  # fmt: skip
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "_outer_dependencies.pth").write_text("".join(f"{d}\n" for d in _dependency_dirs()))

    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "check.py").write_text(SCRIPT)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COMPETENCY_MOODLE_CONTRACT", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    out = _run([str(python), "-I", "check.py"], cwd=work, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])

    prefix = Path(result["prefix"])
    assert prefix == venv.resolve()
    for name, file in result["files"].items():
        assert prefix in Path(file).parents, (name, file)
        assert REPO not in Path(file).parents, (name, file)
    assert result["contract"] is not None
    assert Path(result["contract"]).parent == site.resolve() / "competency_testing" / "moodle"
    assert result["framework"] == "wheel"
    assert result["listed"] == ["wheel"]
    assert result["calls"] == [
        "core_webservice_get_site_info",
        "core_competency_create_competency_framework",
        "core_competency_list_competency_frameworks",
    ]
    assert result["scim_users"] == 1
