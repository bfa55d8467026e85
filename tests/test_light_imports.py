"""Light imports: what a fresh interpreter loads for one import of ours.

Each check runs ``python -X importtime -c CODE`` in a new process and looks in its
``sys.modules`` afterwards; a forbidden module that turns up is reported with the import
chain that first pulled it in (from the importtime tree), e.g.
``competency_core.sync -> competency_core.sync.engine -> competency_core.store -> sqlalchemy``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable

import pytest

STORE_MODULES = ("sqlalchemy", "alembic", "psycopg")
"""The store's database stack: only the store (and what uses it) may load these."""

_REPORT = """
import json, sys
print("\\n" + json.dumps(sorted(sys.modules)))
"""


def _import_chains(importtime: str) -> dict[str, list[str]]:
    """The chain of importers of every module in ``python -X importtime`` output.

    The output lists each import after the imports it caused, indented two spaces a
    level, so a module's importer is the next line one level up.
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


def heavy_modules_after(code: str, heavy: Iterable[str] = STORE_MODULES) -> dict[str, str]:
    """The ``heavy`` top-level packages that running ``code`` in a fresh interpreter loads.

    Each found package maps to the import chain that first loaded it (outermost import
    first), or to ``"(chain unknown)"`` when importtime did not record it.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
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
    for package in heavy:
        modules = [m for m in loaded if m == package or m.startswith(package + ".")]
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
