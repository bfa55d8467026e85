"""Light imports: what a fresh interpreter loads for one import of ours.

Each check runs ``python -X importtime -c CODE`` in a new process and looks in its
``sys.modules`` afterwards; a forbidden module that turns up is reported with the import
chain that first pulled it in (from the importtime tree), e.g.
``competency_core.sync -> competency_core.sync.engine -> competency_core.store -> sqlalchemy``.

Besides our own packages, the plugins that other tools load wherever competency-core is
installed (hypothesis' entry point at ``import hypothesis``, pytest's ``pytest11`` in every
pytest run) must load no module of the domain: only the plugin modules and the packages
above them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

STORE_MODULES = ("sqlalchemy", "alembic", "psycopg")
"""The store's database stack: only the store (and what uses it) may load these."""

OURS_AND_HEAVY = ("competency_core", "numpy", "pydantic")
"""What a plugin loaded in other people's processes must not import..."""

PLUGIN_MODULES = (
    "competency_core",
    "competency_core._lazy",
    "competency_core.testing",
    "competency_core.testing._hypothesis",
    "competency_core.testing.pytest_plugin",
    "competency_core.testing.fixtures",
)
"""... except the plugin modules themselves and the (lazy) packages above them."""

_REPORT = """
import json, sys
print("\\n" + json.dumps(sorted(sys.modules)))
"""


def _import_chains(importtime: str) -> dict[str, list[str]]:
    """The chain of importers of every module in ``python -X importtime`` output.

    The output lists each import after the imports it caused, indented two spaces a
    level, so a module's importer is the next line one level up. Imports made through
    ``importlib.import_module`` (lazy exports, entry points) are not in the tree: a chain
    then starts below such an import.
    """
    entries: list[tuple[int, str]] = []
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        name_field = line.rsplit("|", 1)[-1]
        name = name_field.strip()
        depth = (len(name_field) - len(name_field.lstrip(" ")) - 1) // 2
        entries.append((depth, name))
    chains: dict[str, list[str]] = {}
    for i, (depth, name) in enumerate(entries):
        if name in chains:
            continue
        chain, want = [name], depth - 1
        for later_depth, later in entries[i + 1 :]:
            if want < 0:
                break
            if later_depth == want:
                chain.append(later)
                want -= 1
        chains[name] = chain[::-1]
    return chains


def heavy_modules_after(
    code: str, heavy: Iterable[str] = STORE_MODULES, allowed: Iterable[str] = ()
) -> dict[str, str]:
    """The ``heavy`` top-level packages that running ``code`` in a fresh interpreter loads.

    A module of a heavy package counts unless it is one of ``allowed``. Each found package
    maps to the import chain that first loaded it (outermost import first), or to
    ``"(chain unknown)"`` when importtime did not record it. Plugins load as they would for
    a user (``HYPOTHESIS_NO_PLUGINS`` is dropped from the environment).
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPROFILEIMPORTTIME", "HYPOTHESIS_NO_PLUGINS"}
    }
    result = subprocess.run(
        [sys.executable, "-P", "-X", "importtime", "-c", code + "\n" + _REPORT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{code!r} failed:\n{result.stderr[-4000:]}"
    loaded = json.loads(result.stdout.rstrip().splitlines()[-1])
    chains = _import_chains(result.stderr)
    found: dict[str, str] = {}
    exempt = set(allowed)
    for package in heavy:
        modules = [
            m for m in loaded if (m == package or m.startswith(package + ".")) and m not in exempt
        ]
        if not modules:
            continue
        # the shortest chain: our module that imported the package, not its internals
        chain = min((chains[m] for m in modules if m in chains), key=len, default=None)
        found[package] = " -> ".join(chain) if chain else "(chain unknown)"
    return found


def describe(code: str, found: dict[str, str]) -> str:
    """A failure message naming each heavy package and the chain that loaded it."""
    lines = [f"`{code}` loads what it should not:"]
    lines += [f"  {package}: {chain}" for package, chain in sorted(found.items())]
    return "\n".join(lines)


@pytest.mark.parametrize("module", ["competency_core.sync", "competency_core.analytics"])
def test_sync_and_analytics_do_not_load_the_store(module: str) -> None:
    code = f"import {module}"
    found = heavy_modules_after(code)
    assert not found, describe(code, found)


def test_the_helper_names_the_chain() -> None:
    found = heavy_modules_after("import competency_core.store")
    assert set(found) >= {"sqlalchemy", "alembic"}
    chain = found["sqlalchemy"].split(" -> ")
    assert chain[0] == "competency_core.store"
    assert chain[-1] == "sqlalchemy"
    assert "competency_core.store -> " in describe("import competency_core.store", found)


def test_import_hypothesis_loads_nothing_of_ours() -> None:
    code = "import hypothesis"
    found = heavy_modules_after(code, heavy=OURS_AND_HEAVY, allowed=PLUGIN_MODULES)
    assert not found, describe(code, found)


UNRELATED_TEST = """
def test_unrelated(request):
    assert request.config.pluginmanager.get_plugin("competency_core") is not None
"""


def test_pytest_plugin_loads_nothing_of_ours(tmp_path: Path) -> None:
    test_file = tmp_path / "test_unrelated.py"
    test_file.write_text(UNRELATED_TEST)
    # without the plugins of other distributions: competency-core-testing's, and
    # hypothesis' own (which imports hypothesis, whose entry point is tested above)
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:competency_testing"]
    args += ["-p", "no:hypothesispytest", str(test_file)]
    code = f"import pytest\nassert pytest.main({args!r}) == 0"
    found = heavy_modules_after(code, heavy=(*OURS_AND_HEAVY, "hypothesis"), allowed=PLUGIN_MODULES)
    assert not found, describe(f"pytest {test_file.name}", found)


# -- start-up: every command imports only what it runs (issue 16) ---------------------------

HEAVY = ("sqlalchemy", "alembic", "psycopg", "scipy", "numpy", "matplotlib", "networkx")
"""Packages a command that does not use them must not load (each costs 50-500 ms)."""

TEST_SUPPORT = ("competency_testing", "hypothesis", "pytest")
"""The emulators and simulators (a distribution of their own) and the test tools."""

TESTING_PLUGIN = ("competency_testing", "competency_testing.plugin")
"""competency-core-testing's plugin module (it provides the demo's services): a plugin like
any other, imported when the CLI looks up the installed plugins, and cheap; what it
starts is imported when the demo asks for a service."""

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "software-engineering.yaml"


def _cli(*args: str) -> str:
    return (
        "from competency_core.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
    )


def test_import_competency_core_is_light() -> None:
    code = "import competency_core"
    found = heavy_modules_after(code, heavy=(*HEAVY, *TEST_SUPPORT, "pydantic", "yaml"))
    assert not found, describe(code, found)


def test_competency_help_loads_no_heavy_module() -> None:
    code = _cli("--help")
    heavy = (*HEAVY, *TEST_SUPPORT, "pydantic", "yaml", "requests", "rich", "jinja2")
    found = heavy_modules_after(code, heavy=heavy, allowed=TESTING_PLUGIN)
    assert not found, describe("competency --help", found)


def test_validate_loads_only_what_it_runs() -> None:
    code = _cli("validate", str(EXAMPLE))
    found = heavy_modules_after(
        code, heavy=(*HEAVY, *TEST_SUPPORT, "requests", "jinja2"), allowed=TESTING_PLUGIN
    )
    assert not found, describe(f"competency validate {EXAMPLE.name}", found)


@pytest.mark.parametrize(
    "args",
    [
        ("model", "--help"),
        ("sync", "--help"),
        ("scim", "--help"),
        ("csv", "--help"),
        ("moodle", "--help"),
        ("adapters",),
    ],
    ids=lambda a: " ".join(a),
)
def test_other_commands_do_not_load_the_store_or_test_support(args: tuple[str, ...]) -> None:
    found = heavy_modules_after(_cli(*args), heavy=(*HEAVY, *TEST_SUPPORT), allowed=TESTING_PLUGIN)
    assert not found, describe("competency " + " ".join(args), found)


def test_a_heavy_import_is_caught_and_named(tmp_path: Path) -> None:
    # the check itself: a plugin command module that imports scipy at the top is reported
    (tmp_path / "heavy_plugin.py").write_text(
        "import scipy.sparse\nfrom competency_core.hookspecs import hookimpl\n"
        "@hookimpl\ndef register_commands(app):\n    pass\n"
    )
    code = (
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
        "import heavy_plugin\nfrom competency_core.plugins import PluginRegistry\n"
        "PluginRegistry.build(entry_points=False, plugins=[heavy_plugin])"
    )
    found = heavy_modules_after(code, heavy=HEAVY)
    assert "scipy" in found
    assert found["scipy"].startswith("heavy_plugin")
