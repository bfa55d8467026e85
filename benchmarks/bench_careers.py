"""Career-graph benchmark: build, next steps and the 5 cheapest paths, against plain networkx.

Two graphs, in one run:

* the real O*NET 29.2 graph (``../shared/data/onet/full``: 923 occupations, 18,460
  related-occupation links, real skill and knowledge requirements);
* a synthetic graph of 100,000 roles and 1,000,000 transitions (1,000 families of 100
  roles on 10 levels, 8 requirements per role out of 200 competencies; 90 % of the
  transitions stay in the family, to the same or the next level).

For each it measures (medians, and p50 / p90 over many queries):

* **build**: ``CareerGraph.from_model`` (networkx graph + requirement arrays + the gap of
  every transition), against the plain networkx build (``add_nodes_from`` +
  ``add_edges_from`` with the same attributes);
* **next steps** (k = 2 and 3 transitions, from a role and, on O*NET, from a person):
  ``next_steps`` against a plain version: ``nx.single_source_shortest_path_length`` with a
  cutoff, then each reached role scored in Python, requirement by requirement;
* **5 cheapest paths** to a target: ``best_paths`` (Yen + A*) against
  ``itertools.islice(nx.shortest_simple_paths(G, s, t, weight="cost"), 5)`` on a networkx
  graph holding the same step costs; the two must find the same costs.

    .venv/bin/python benchmarks/bench_careers.py               # both graphs (~3-4 minutes)
    .venv/bin/python benchmarks/bench_careers.py --roles 20000 --transitions 200000
    .venv/bin/python benchmarks/bench_careers.py --no-synthetic
    .venv/bin/python benchmarks/bench_careers.py --no-synthetic --before HEAD~2

``--before REV`` also runs the O*NET queries with the career code of git revision ``REV``
(``src/competency_core/careers`` of that commit, loaded as a package of its own beside
today's), old and new taking turns on the same queries in this process, and checks that
both give the same answers: on a machine shared with other jobs the ratio new/old is the
figure that holds still.

Targets (2-core machine): O*NET queries p50 <= 5 ms; the 100k-role graph built in <= 15 s;
a next-steps query (k <= 3) on it in <= 100 ms. The run prints the load average: on a
machine shared with other jobs, wall times grow, and the CPU times (also printed) less so.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from competency_core.careers import (
    CareerGraph,
    PersonProfile,
    best_paths,
    next_steps,
)
from competency_core.importers.onet import import_onet
from competency_core.model import CompetencyModel
from competency_core.scoring import DEFAULT_POLICY

ONET = Path(__file__).resolve().parents[2] / "shared" / "data" / "onet" / "full"


# -- timing ------------------------------------------------------------------------------


@contextmanager
def no_gc() -> Iterator[None]:
    """Collect first, then keep the cyclic collector out of the timed region."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result) of one call."""
    c, t = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


def repeat(fn: Callable[[], Any], times: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``times`` calls, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(times):
        w, c, out = timed(fn)
        walls.append(w)
        cpus.append(c)
    return statistics.median(walls), statistics.median(cpus), out


def percentiles(times: Sequence[float]) -> tuple[float, float]:
    """p50 and p90 of ``times``."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def ratio(a: float, b: float) -> str:
    return f"{b / a:7.1f}x" if a > 0 else "    n/a"


# -- baselines ---------------------------------------------------------------------------


def plain_graph(model: CompetencyModel) -> nx.DiGraph:
    """The plain networkx build: the same nodes and edge attributes, one call each."""
    g = nx.DiGraph()
    g.add_nodes_from(
        (r.key, {"title": model.text(r.title), "family": r.family, "level": r.level})
        for r in model.roles
    )
    g.add_edges_from(
        (t.source, t.target, {"kind": t.kind, "typical_months": t.typical_months})
        for t in model.transitions
    )
    return g


def plain_next_steps(
    g: nx.DiGraph, model: CompetencyModel, origin: str, depth: int
) -> list[tuple[float, str]]:
    """BFS with networkx, then every reached role scored in Python: (readiness, role), best first."""
    reached = nx.single_source_shortest_path_length(g, origin, cutoff=depth)
    scales = {c.key: model.scale(c.scale) for c in model.competencies}
    held = {
        q.competency: scales[q.competency].normalise(q.level)
        for q in model.role(origin).requirements
    }
    out = []
    for role in reached:
        if role == origin:
            continue
        reqs = model.role(role).requirements
        if not reqs:
            continue
        gap_mass = required_mass = 0.0
        for q in reqs:
            need = scales[q.competency].normalise(q.level)
            gap_mass += q.weight * max(0.0, need - held.get(q.competency, 0.0))
            required_mass += q.weight * need
        out.append((1.0 - gap_mass / required_mass if required_mass else 1.0, role))
    out.sort(key=lambda t: (-t[0], t[1]))
    return out


def cost_graph(cg: CareerGraph) -> nx.DiGraph:
    """A networkx graph of the steps that can be costed, with their cost as ``cost``."""
    g = nx.DiGraph()
    g.add_nodes_from(cg.roles)
    roles = cg.roles
    g.add_edges_from(
        (roles[s], roles[d], {"cost": c})
        for s, d, c in zip(cg.src.tolist(), cg.dst.tolist(), cg.step_gap.tolist(), strict=True)
        if not math.isnan(c)
    )
    return g


def plain_best(g: nx.DiGraph, source: str, target: str, k: int) -> list[float]:
    """The costs of the k cheapest simple paths with networkx.shortest_simple_paths."""
    try:
        paths = list(itertools.islice(nx.shortest_simple_paths(g, source, target, "cost"), k))
    except nx.NetworkXNoPath:
        return []
    return [nx.path_weight(g, p, "cost") for p in paths]


# -- the graphs ----------------------------------------------------------------------------


def synthetic_model(n_roles: int, n_transitions: int, seed: int = 7) -> CompetencyModel:
    """Families of 100 roles on 10 levels; required levels (2-5) rise with the level."""
    rng = np.random.default_rng(seed)
    family, n_comp, pool, per_role = 100, 200, 24, 8
    n_fam = max(1, n_roles // family)
    ids = np.arange(n_roles)
    fam = np.minimum(ids // family, n_fam - 1)
    level = (ids % family) // (family // 10) + 1
    pools = np.argsort(rng.random((n_fam, n_comp)), axis=1)[:, :pool]
    pick = np.argsort(rng.random((n_roles, pool)), axis=1)[:, :per_role]
    comps = np.take_along_axis(pools[fam], pick, axis=1)
    # required levels 2-5 (a requirement at the scale minimum asks for nothing)
    base = 2 + np.rint((level - 1) * 3 / 9).astype(int)
    levels = np.clip(base[:, None] + rng.integers(-1, 1, (n_roles, per_role)), 2, 5)
    weights = rng.choice([1.0, 2.0, 3.0], (n_roles, per_role))
    keys = [f"r{i:06d}" for i in range(n_roles)]
    roles = [
        {
            "key": keys[i],
            "title": f"Role {i}",
            "family": f"f{fam[i]:04d}",
            "level": lv,
            "requirements": [
                {"competency": f"c{c:03d}", "level": q, "weight": w}
                for c, q, w in zip(cs, qs, ws, strict=True)
            ],
        }
        for i, (lv, cs, qs, ws) in enumerate(
            zip(level.tolist(), comps.tolist(), levels.tolist(), weights.tolist(), strict=True)
        )
    ]
    draws = int(n_transitions * 1.6)
    src = rng.integers(0, n_roles, draws)
    step = (family // 10) * (level[src] - 1 + rng.integers(0, 2, draws)) + rng.integers(
        0, family // 10, draws
    )
    within = np.minimum(fam[src] * family + np.minimum(family - 1, step), n_roles - 1)
    dst = np.where(rng.random(draws) < 0.9, within, rng.integers(0, n_roles, draws))
    ok = src != dst
    pairs = np.unique(np.stack([src[ok], dst[ok]], axis=1), axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:n_transitions]]
    kinds = ["promotion", "lateral", "track-switch", "specialist", "management"]
    up = level[pairs[:, 1]] > level[pairs[:, 0]]
    kind = np.where(up, 0, rng.integers(1, len(kinds), len(pairs)))
    months = rng.integers(6, 48, len(pairs))
    transitions = [
        {"source": keys[a], "target": keys[b], "kind": kinds[k], "typical_months": m}
        for (a, b), k, m in zip(pairs.tolist(), kind.tolist(), months.tolist(), strict=True)
    ]
    with no_gc():
        return CompetencyModel.model_validate(
            {
                "key": "synthetic",
                "name": "Synthetic career graph",
                "scales": [
                    {
                        "key": "five",
                        "name": "Five",
                        "proficient": 3,
                        "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
                    }
                ],
                "competencies": [
                    {"key": f"c{c:03d}", "name": f"Competency {c}", "scale": "five"}
                    for c in range(n_comp)
                ],
                "roles": roles,
                "transitions": transitions,
            }
        )


def person_in(cg: CareerGraph, role: str, rng: random.Random) -> PersonProfile:
    """Someone holding ``role``: its required levels, give or take, a fifth unassessed."""
    levels = cg.vectors.state_of_role(cg.role_index(role))
    for j in range(len(levels)):
        if rng.random() < 0.2:
            levels[j] = np.nan
        elif levels[j] > 0 or rng.random() < 0.3:
            levels[j] = min(1.0, max(0.0, levels[j] + rng.choice([-0.25, 0.0, 0.25])))
    return PersonProfile("someone", "Someone", role, levels, DEFAULT_POLICY, time_now())


def time_now() -> Any:
    import datetime as dt

    return dt.date(2026, 6, 1)


# -- the measurements ------------------------------------------------------------------------


def bench_graph(
    name: str,
    model: CompetencyModel,
    *,
    builds: int,
    queries: int,
    path_queries: int,
    baseline_paths: int,
    pairs: Callable[[CareerGraph, random.Random], tuple[str, str]],
    persons: bool,
) -> dict[str, float]:
    print(f"\n== {name}: {len(model.roles):,} roles, {len(model.transitions):,} transitions ==")
    figures: dict[str, float] = {}
    with no_gc():
        wall, cpu, cg = repeat(lambda: CareerGraph.from_model(model), builds)
        base_wall, base_cpu, plain = repeat(lambda: plain_graph(model), builds)
    figures["build"] = wall
    print(
        f"build             CareerGraph {wall:7.2f} s (cpu {cpu:6.2f} s)   plain networkx "
        f"{base_wall:7.2f} s (cpu {base_cpu:6.2f} s)   ours/plain {wall / base_wall:5.2f}"
    )
    rng = random.Random(11)
    rated = [r for r in cg.roles if cg.is_rated(r)]
    for depth in (2, 3):
        origins = [rng.choice(rated) for _ in range(queries)]
        next_steps(cg, origins[0], max_steps=depth)  # first call fills the caches
        ours, cpus, plain_t, sizes = [], [], [], []
        with no_gc():
            for o in origins:
                w, c, got = timed(lambda o=o, d=depth: next_steps(cg, o, max_steps=d))
                ours.append(w)
                cpus.append(c)
                sizes.append(len(got.steps))
            for o in origins:
                w, _, _ = timed(lambda o=o, d=depth: plain_next_steps(plain, model, o, d))
                plain_t.append(w)
        p50, p90 = percentiles(ours)
        b50, b90 = percentiles(plain_t)
        figures[f"next{depth}"] = p50
        print(
            f"next steps k={depth}    p50 {ms(p50)} p90 {ms(p90)} (cpu p50 "
            f"{ms(statistics.median(cpus))})   plain p50 {ms(b50)} "
            f"p90 {ms(b90)}   speed-up {ratio(p50, b50)}   (median {statistics.median(sizes):.0f}"
            " roles reached, with their gaps)"
        )
        if persons and depth == 2:
            people = [person_in(cg, o, rng) for o in origins]
            next_steps(cg, people[0], max_steps=2)
            with no_gc():
                runs = [timed(lambda p=p: next_steps(cg, p, max_steps=2)) for p in people]
            p50, p90 = percentiles([r[0] for r in runs])
            figures["next2_person"] = p50
            cpu = statistics.median(r[1] for r in runs)
            print(f"next steps k=2 from a person   p50 {ms(p50)} p90 {ms(p90)} (cpu p50 {ms(cpu)})")
    # the 5 cheapest paths
    chosen = [pairs(cg, rng) for _ in range(path_queries)]
    best_paths(cg, *chosen[0], k=5)
    graph = cost_graph(cg)
    ours, cpus, lengths = [], [], []
    found = 0
    with no_gc():
        for s, t in chosen:
            w, c, got = timed(lambda s=s, t=t: best_paths(cg, s, t, k=5))
            ours.append(w)
            cpus.append(c)
            found += bool(got.paths)
            lengths += [len(p.roles) - 1 for p in got.paths]
    agree, plain_t = 0, []
    with no_gc():
        for s, t in chosen[:baseline_paths]:
            w, _, costs = timed(lambda s=s, t=t: plain_best(graph, s, t, 5))
            plain_t.append(w)
            mine = [p.cost for p in best_paths(cg, s, t, k=5).paths]
            agree += len(mine) == len(costs) and all(
                math.isclose(a, b, abs_tol=1e-9) for a, b in zip(mine, costs, strict=True)
            )
    if persons:
        people = [(person_in(cg, s, rng), t) for s, t in chosen[:100]]
        best_paths(cg, *people[0], k=5)  # first call fills the caches (and loads compiled code)
        with no_gc():
            runs = [timed(lambda p=p, t=t: best_paths(cg, p, t, k=5)) for p, t in people]
        p50, p90 = percentiles([r[0] for r in runs])
        figures["best5_person"] = p50
        cpu = statistics.median(r[1] for r in runs)
        print(f"5 cheapest paths from a person   p50 {ms(p50)} p90 {ms(p90)} (cpu p50 {ms(cpu)})")
    p50, p90 = percentiles(ours)
    same = percentiles(ours[:baseline_paths])[0]
    b50, b90 = percentiles(plain_t)
    figures["best5"] = p50
    print(
        f"5 cheapest paths  p50 {ms(p50)} p90 {ms(p90)} (cpu p50 {ms(statistics.median(cpus))})"
        f"   ({found}/{len(chosen)} pairs "
        f"connected, median {statistics.median(lengths or [0]):.0f} steps per path)"
    )
    print(
        f"  vs networkx.shortest_simple_paths on the first {baseline_paths} pairs: ours p50 "
        f"{ms(same)}, networkx p50 {ms(b50)} p90 {ms(b90)}, speed-up {ratio(same, b50)}; "
        f"same costs on {agree}/{baseline_paths}"
    )
    return figures


def career_code_of(rev: str) -> Any:
    """``competency_core.careers`` as it was at git revision ``rev``, as a separate package."""
    import importlib
    import subprocess
    import tarfile
    import tempfile

    root = Path(__file__).resolve().parents[1]
    where = Path(tempfile.mkdtemp(prefix="careers-before-"))
    archive = subprocess.run(
        ["git", "archive", rev, "src/competency_core/careers"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    package = where / "careers_before"
    (where / "src" / "competency_core" / "careers").rename(package)
    for f in package.glob("*.py"):
        f.write_text(f.read_text().replace("competency_core.careers", "careers_before"))
    sys.path.insert(0, str(where))
    return importlib.import_module("careers_before")


def bench_before(model: CompetencyModel, rev: str, rounds: int = 3) -> None:
    """The O*NET queries with today's code and with ``rev``'s, taking turns; answers compared."""
    old = career_code_of(rev)
    new_cg, old_cg = CareerGraph.from_model(model), old.CareerGraph.from_model(model)
    rng = random.Random(11)
    rated = [r for r in new_cg.roles if new_cg.is_rated(r)]
    origins = [rng.choice(rated) for _ in range(300)]
    pairs = [(rng.choice(rated), rng.choice(rated)) for _ in range(100)]
    people = [(person_in(new_cg, s, rng), t) for s, t in pairs]
    fields = ("person", "name", "role", "levels", "policy", "on")
    old_people = [(old.PersonProfile(*(getattr(p, f) for f in fields)), t) for p, t in people]
    same = 0
    for o in origins[:100]:
        same += repr(next_steps(new_cg, o, max_steps=3)) == repr(
            old.next_steps(old_cg, o, max_steps=3)
        )
    for (p, t), (q, _) in zip(people, old_people, strict=True):
        same += repr(best_paths(new_cg, p, t, k=5)) == repr(old.best_paths(old_cg, q, t, k=5))
    print(f"\n== today's code against {rev}'s (same answers: {same}/200) ==")
    cases: list[tuple[str, Callable[..., Any], Callable[..., Any], list[Any], list[Any]]] = [
        (
            "next steps k=3",
            lambda o: next_steps(new_cg, o, max_steps=3),
            lambda o: old.next_steps(old_cg, o, max_steps=3),
            origins,
            origins,
        ),
        (
            "5 cheapest paths from a person",
            lambda pt: best_paths(new_cg, pt[0], pt[1], k=5),
            lambda pt: old.best_paths(old_cg, pt[0], pt[1], k=5),
            people,
            old_people,
        ),
    ]
    for label, mine, theirs, args, old_args in cases:
        mine(args[0]), theirs(old_args[0])  # caches and compiled code
        new_p50, old_p50, new_cpu, old_cpu = [], [], [], []
        with no_gc():
            for _ in range(rounds):
                for fn, items, walls, cpus in (
                    (theirs, old_args, old_p50, old_cpu),
                    (mine, args, new_p50, new_cpu),
                ):
                    runs = [timed(lambda a=a, fn=fn: fn(a)) for a in items]
                    walls.append(statistics.median(r[0] for r in runs))
                    cpus.append(statistics.median(r[1] for r in runs))
        n, o = statistics.median(new_p50), statistics.median(old_p50)
        nc, oc = statistics.median(new_cpu), statistics.median(old_cpu)
        print(
            f"{label:32} p50 {ms(n)} (cpu {ms(nc)})   {rev}: {ms(o)} (cpu {ms(oc)})   "
            f"new/old {n / o:.2f} (cpu {nc / oc:.2f}; median of {rounds} rounds)"
        )


def onet_pairs(cg: CareerGraph, rng: random.Random) -> tuple[str, str]:
    rated = [r for r in cg.roles if cg.is_rated(r)]
    return rng.choice(rated), rng.choice(rated)


def synthetic_pairs(cg: CareerGraph, rng: random.Random) -> tuple[str, str]:
    """A role and a role three levels up in its family."""
    n = len(cg.roles)
    fam = n // 100
    f = rng.randrange(max(1, fam))
    lv = rng.randrange(0, 7)
    a = min(n - 1, f * 100 + lv * 10 + rng.randrange(10))
    b = min(n - 1, f * 100 + (lv + 3) * 10 + rng.randrange(10))
    return cg.roles[a], cg.roles[b]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=100_000)
    parser.add_argument("--transitions", type=int, default=1_000_000)
    parser.add_argument("--no-synthetic", action="store_true", help="Only the O*NET graph.")
    parser.add_argument("--no-onet", action="store_true", help="Only the synthetic graph.")
    parser.add_argument(
        "--before",
        metavar="REV",
        help="Also run the O*NET queries with the career code of git revision REV.",
    )
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, networkx {nx.__version__}, {os.cpu_count()} CPUs")
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results: dict[str, dict[str, float]] = {}
    if not args.no_onet:
        if not ONET.is_dir():
            print(f"O*NET data not found at {ONET}: skipped")
        else:
            wall, _, imported = timed(lambda: import_onet(ONET))
            print(f"\nO*NET import (text files -> model): {wall:.2f} s")
            results["onet"] = bench_graph(
                "O*NET 29.2",
                imported.model,
                builds=3,
                queries=300,
                path_queries=300,
                baseline_paths=100,
                pairs=onet_pairs,
                persons=True,
            )
            if args.before:
                bench_before(imported.model, args.before)
    if not args.no_synthetic:
        wall, _, model = timed(lambda: synthetic_model(args.roles, args.transitions))
        print(f"\nsynthetic model generated and validated: {wall:.1f} s (not part of the build)")
        results["synthetic"] = bench_graph(
            "synthetic",
            model,
            builds=2,
            queries=100,
            path_queries=40,
            baseline_paths=10,
            pairs=synthetic_pairs,
            persons=False,
        )
    print(f"\nload average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\ntargets:")
    if "onet" in results:
        o = results["onet"]
        for key, label in (
            ("next2", "next steps k=2"),
            ("next3", "next steps k=3"),
            ("next2_person", "next steps k=2, person"),
            ("best5", "5 cheapest paths"),
            ("best5_person", "5 cheapest paths, person"),
        ):
            verdict = "met" if o[key] <= 0.005 else "NOT met"
            print(
                f"  O*NET {label:24} p50 {ms(o[key])}  <= 5 ms: {verdict} "
                f"({o[key] / 0.005:.2f} of the target)"
            )
    if "synthetic" in results:
        s = results["synthetic"]
        print(
            f"  synthetic build {s['build']:.2f} s  <= 15 s: {'met' if s['build'] <= 15 else 'NOT met'}"
        )
        for key in ("next2", "next3"):
            verdict = "met" if s[key] <= 0.1 else "NOT met"
            print(
                f"  synthetic {key.replace('next', 'next steps k=')}  p50 {ms(s[key])}  <= 100 ms: {verdict}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
