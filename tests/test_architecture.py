"""The architecture, checked over the import graph (grimp): docs/architecture.md in code.

* competency_core is layered: each of its modules and subpackages (a *unit*) sits in one
  layer of :data:`LAYERS`, and a unit imports only units of its own layer or below;
* no import circles: between competency_core's units (modules and subpackages of one
  package are siblings, as in import-linter's ``acyclic_siblings``), between the units of
  each adapter, and between the distributions' top-level packages;
* the core imports no adapter, no plugin and no test support; an adapter imports neither
  the CLI's internals (``competency_core.cli``), nor another adapter, nor the test support
  (its demo steps ask the demo for services, which competency-core-testing provides);
* ``competency_core.sync`` and ``competency_core.analytics`` reach no database stack.

"Imports" are the ones that run (``if TYPE_CHECKING:`` blocks left out) for layers and
circles, and all of them for the rules about who may know whom.
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Iterable
from functools import cache

import grimp
import networkx as nx
import pytest

CORE = "competency_core"
ADAPTERS = ("competency_csv", "competency_moodle", "competency_scim")
EXAMPLE_PLUGIN = "competency_jsonl"
TESTING = "competency_testing"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("surface", ("cli", "__main__")),
    ("public helpers", ("console", "demo", "schemas", "testing")),
    ("scale", ("scale",)),
    ("store", ("store",)),
    (
        "engines",
        (
            "sync",
            "scoring",
            "careers",
            "versioning",
            "analytics",
            "publish",
            "importers",
            "lifecycle",
        ),
    ),
    (
        "domain",
        (
            "io",
            "lint",
            "model",
            "evidence",
            "people",
            "records",
            "roles",
            "scales",
            "competencies",
            "learning",
            "release_plan",
        ),
    ),
    ("plugins", ("plugins", "hookspecs")),
    (
        "base",
        (
            "errors",
            "problems",
            "keys",
            "text",
            "messages",
            "references",
            "parsing",
            "formats",
            "_index",
            "_lazy",
            "i18n",
            "catalogues",
            "wording",
        ),
    ),
)
"""competency_core's layers, top first: a unit may import its own layer and those below."""

RANK = {unit: i for i, (_, units) in enumerate(LAYERS) for unit in units}
LAYER_OF = {unit: name for name, units in LAYERS for unit in units}
DATABASE = ("sqlalchemy", "alembic", "psycopg")


def _installed(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(n for n in names if importlib.util.find_spec(n) is not None)


PACKAGES = _installed((CORE, *ADAPTERS, EXAMPLE_PLUGIN, TESTING))


@cache
def graph(*, type_checking: bool, external: bool = False) -> grimp.ImportGraph:
    """The import graph of our packages (built once per kind)."""
    return grimp.build_graph(
        *PACKAGES,
        include_external_packages=external,
        exclude_type_checking_imports=not type_checking,
        cache_dir=None,
    )


def unit(module: str, package: str = CORE) -> str:
    """The unit of ``package`` that ``module`` belongs to ('' for the package's __init__)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == package else ""


def imports(g: grimp.ImportGraph, package: str) -> Iterable[tuple[str, str]]:
    """Every (importer, imported) pair whose importer is in ``package``."""
    for module in sorted(g.find_descendants(package) | {package}):
        for imported in g.find_modules_directly_imported_by(module):
            yield module, imported


def where(g: grimp.ImportGraph, importer: str, imported: str) -> str:
    """``importer:line`` of the import, for messages."""
    details = g.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"{importer}:{d['line_number']}" for d in details) or importer


def test_every_unit_of_the_core_has_a_layer() -> None:
    g = graph(type_checking=True)
    units = {unit(m) for m in g.find_descendants(CORE)} - {""}
    missing = sorted(units - set(RANK))
    assert not missing, (
        f"{missing}: put each in a layer of LAYERS here and in docs/architecture.md "
        "(what it may import decides which)"
    )


def test_the_core_imports_only_downwards() -> None:
    g = graph(type_checking=False)
    wrong = []
    for importer, imported in imports(g, CORE):
        a, b = unit(importer), unit(imported)
        if a and b and imported.startswith(CORE + ".") and RANK[b] < RANK[a]:
            wrong.append(
                f"{where(g, importer, imported)} imports {imported}: "
                f"{LAYER_OF[a]} -> {LAYER_OF[b]} goes up a layer"
            )
    assert not wrong, "\n".join(wrong)


def _cycles(edges: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    digraph = nx.DiGraph()
    digraph.add_edges_from(edges)
    found = []
    for cycle in itertools.islice(nx.simple_cycles(digraph), 20):
        steps = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        found.append(
            " -> ".join(cycle + cycle[:1])
            + "  ("
            + "; ".join(f"{edges[s][0]} imports {edges[s][1]}" for s in steps)
            + ")"
        )
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circles_between_the_units_of_a_package(package: str) -> None:
    g = graph(type_checking=False)
    edges: dict[tuple[str, str], tuple[str, str]] = {}
    for importer, imported in imports(g, package):
        a, b = unit(importer, package), unit(imported, package)
        if a and b and a != b and imported.split(".")[0] == package:
            edges.setdefault((a, b), (importer, imported))
    found = _cycles(edges)
    assert not found, f"import circles in {package}:\n" + "\n".join(found)


def test_no_import_circles_between_the_packages() -> None:
    g = graph(type_checking=False)
    edges: dict[tuple[str, str], tuple[str, str]] = {}
    for package in PACKAGES:
        for importer, imported in imports(g, package):
            other = imported.split(".")[0]
            if other != package and other in PACKAGES:
                edges.setdefault((package, other), (importer, imported))
    found = _cycles(edges)
    assert not found, "import circles between packages:\n" + "\n".join(found)


def test_the_core_names_no_adapter_plugin_or_test_support() -> None:
    g = graph(type_checking=True)
    others = [p for p in PACKAGES if p != CORE]
    wrong = [
        f"{where(g, importer, imported)} imports {imported}"
        for importer, imported in imports(g, CORE)
        if imported.split(".")[0] in others
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("adapter", _installed((*ADAPTERS, EXAMPLE_PLUGIN)))
def test_an_adapter_uses_public_apis_only(adapter: str) -> None:
    g = graph(type_checking=True)
    wrong = []
    for importer, imported in imports(g, adapter):
        top = imported.split(".")[0]
        if imported == f"{CORE}.cli" or imported.startswith(f"{CORE}.cli."):
            wrong.append(f"{where(g, importer, imported)} imports the CLI's {imported}")
        elif top in (*ADAPTERS, EXAMPLE_PLUGIN) and top != adapter:
            wrong.append(f"{where(g, importer, imported)} imports another adapter's {imported}")
        elif top == TESTING:
            wrong.append(
                f"{where(g, importer, imported)} imports test support ({imported}): ask the "
                "demo for a service instead (ctx.service), which competency-core-testing provides"
            )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", [f"{CORE}.sync", f"{CORE}.analytics"])
def test_sync_and_analytics_reach_no_database(package: str) -> None:
    g = graph(type_checking=False, external=True)
    for database in DATABASE:
        if database not in g.modules:
            continue
        chain = g.find_shortest_chain(importer=package, imported=database, as_packages=True)
        assert chain is None, f"{package} reaches {database}: {' -> '.join(chain or ())}"


def test_the_checks_see_a_violation() -> None:
    # the graph and the rules find what they are for: the store does reach SQLAlchemy,
    # the CLI sits above everything, and an edge up a layer is reported
    g = graph(type_checking=False, external=True)
    assert g.find_shortest_chain(importer=f"{CORE}.store", imported="sqlalchemy", as_packages=True)
    assert RANK["cli"] < RANK["sync"] < RANK["model"] < RANK["errors"]
    assert _cycles({("a", "b"): ("a.x", "b.y"), ("b", "a"): ("b.z", "a.w")})
