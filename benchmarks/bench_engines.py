"""Engines benchmark (issue 19): DuckDB, PostgreSQL and Spark beside today's engine.

In one run it prints:

(a) ``--people`` x ``--roles`` (default 20,000 x 500, 400 competencies, ~25 requirements a
    role: the generator of bench_scoring.py), top-10 per person and per role, on every
    engine, as a ratio to today's engine (``readiness_matrix`` + ``TopMatches.from_matrix``)
    measured in the same run (medians of ``--repeats``). The SQL engines work people x
    requirements rows (250 million here), so each is first run on ``--fraction`` of the
    people; the full size runs only when the linear estimate fits in ``--budget`` seconds,
    otherwise the estimate is printed (marked "est.").
(b) ``--big-people`` x ``--big-roles`` (default 1,000,000 x 5,000) from a Parquet levels file
    (``--per-person`` levels a person) on DuckDB, top-10 per person and per role, in a child
    process whose peak resident memory (VmHWM) is printed: DuckDB with ``SET memory_limit``
    (``--memory-limit``), a temporary directory to spill into, and people scored in ranges
    of ``--chunk``. The first ``--big-chunks`` ranges are timed and the whole run estimated
    from them (``--big-chunks 0`` runs it all).

:func:`engine_sections` runs both; :data:`SECTIONS` holds section (a) for
benchmarks/bench_scale.py, which calls it with its own workload.

    .venv/bin/python benchmarks/bench_engines.py
    .venv/bin/python benchmarks/bench_engines.py --quick        # 2,000 x 100, (b) 20,000 x 500
    .venv/bin/python benchmarks/bench_engines.py --engines duckdb,spark --skip-big
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from bench_scoring import random_levels, synthetic_model

from competency_core.model import CompetencyModel
from competency_core.scale import engines as E
from competency_core.scale.results import TopMatches
from competency_core.scale.sql import scoring_sql
from competency_core.scoring import DEFAULT_POLICY, readiness_matrix
from competency_core.scoring.bulk import PeopleLevels, RoleSet

ON = dt.date(2026, 1, 1)
ENGINES = ("duckdb", "postgres", "spark")


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs after one warm-up run."""
    fn()
    times = []
    for _ in range(max(1, repeats)):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@contextmanager
def _postgres_url() -> Iterator[str]:
    """A PostgreSQL database: COMPETENCY_BENCH_POSTGRES_URL, or a throw-away server."""
    given = os.environ.get("COMPETENCY_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    from competency_testing.postgres import postgres_server

    with postgres_server() as server:
        yield server.create_database("cc_bench_engines")


def _subset(levels: PeopleLevels, n: int) -> PeopleLevels:
    return PeopleLevels(levels.people[:n], levels.competencies, levels.normalised[:n])


def section_engines(
    model: CompetencyModel,
    levels: PeopleLevels,
    roles: RoleSet,
    *,
    repeats: int = 3,
    engines: Sequence[str] = ENGINES,
    fraction: float = 0.05,
    budget: float = 300.0,
) -> dict[str, dict[str, float]]:
    """Section (a): every engine's top-10 against today's engine on the same people."""
    n_p, n_r = len(levels.people), len(roles.roles)
    print(f"\n== (a) engines: {n_p:,} people x {n_r:,} roles, top-10 per person and per role")

    def today() -> object:
        m = readiness_matrix(model, levels, roles=roles, policy=DEFAULT_POLICY, on=ON)
        return TopMatches.from_matrix(m, 10)

    base = median_time(today, repeats)
    print(f"  {'memory (readiness_matrix + top-10): the baseline':<52} {base:9.2f} s   1.00x")
    out: dict[str, dict[str, float]] = {"memory": {"seconds": base, "ratio": 1.0}}
    for name in engines:
        try:
            with _engine_for(name) as eng:
                part = max(1, round(n_p * fraction))
                sub = _subset(levels, part)
                t0 = time.perf_counter()
                eng.top_matches(model, sub, roles=roles.roles, k=10, on=ON)
                t_part = time.perf_counter() - t0
                estimate = t_part * n_p / part
                if estimate <= budget and part < n_p:
                    t_full = median_time(
                        lambda e=eng: e.top_matches(model, levels, roles=roles.roles, k=10, on=ON),
                        1 if name == "spark" else max(1, repeats - 2),
                    )
                    label, took = "", t_full
                else:
                    label, took = " est.", estimate if part < n_p else t_part
        except E.EngineUnavailable as exc:
            print(f"  {name:<52} unavailable: {exc}")
            continue
        except Exception as exc:
            print(f"  {name:<52} failed: {type(exc).__name__}: {exc}")
            continue
        out[name] = {"seconds": took, "ratio": took / base, "fraction_s": t_part}
        print(
            f"  {name + ' (top_matches, k=10)':<52} {took:9.2f} s{label} {took / base:6.1f}x "
            f"the baseline ({part:,} people took {t_part:.2f} s)"
        )
    return out


@contextmanager
def _engine_for(name: str) -> Iterator[E.Engine]:
    if name == "postgres":
        with _postgres_url() as url, E.engine("postgres", url=url) as eng:
            yield eng
    elif name == "spark":
        with E.engine("spark") as eng:
            yield eng
    else:
        with E.engine(name) as eng:
            yield eng


def _workload_section(w: Any) -> None:
    """Section (a) on bench_scale.py's workload (model, levels, roles, repeats)."""
    section_engines(w.model, w.levels, w.roles, repeats=w.repeats)


SECTIONS: list[Callable[[Any], None]] = [_workload_section]
"""What benchmarks/bench_scale.py runs after its own section (a)."""


# -- (b) a million people from Parquet on DuckDB, in a child process ------------------------


def write_levels_parquet(
    model: CompetencyModel, path: Path, n_people: int, per_person: int, seed: int
) -> None:
    """A levels table (person, competency, level) with ``per_person`` levels a person."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    comps = [c.key for c in model.competencies]
    values = [np.array(model.scale_of(c).values, dtype=np.float64) for c in comps]
    lo = np.array([v.min() for v in values])
    span = np.array([len(v) for v in values])
    schema = pa.schema(
        [("person", pa.string()), ("competency", pa.string()), ("level", pa.float64())]
    )
    group = 50_000
    comp_names = np.array(comps)
    with pq.ParquetWriter(path, schema) as out:
        for s in range(0, n_people, group):
            n = min(group, n_people - s)
            picks = np.argsort(rng.random((n, len(comps))), axis=1)[:, :per_person]
            flat = np.sort(picks, axis=1).ravel()
            level = lo[flat] + rng.integers(0, span[flat])  # scales here are consecutive
            people = np.repeat(np.array([f"p{i:07d}" for i in range(s, s + n)]), per_person)
            out.write_table(
                pa.table(
                    {"person": people, "competency": comp_names[flat], "level": level},
                    schema=schema,
                )
            )


def _vm_hwm_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def big_child(args: argparse.Namespace) -> dict[str, Any]:
    """In the child: load the Parquet file into DuckDB, score ranges of people, report."""
    model = synthetic_model(args.competencies, args.big_roles, 25, seed=1)
    roles = RoleSet.from_model(model)
    with tempfile.TemporaryDirectory(prefix="cc-duckdb-spill-") as spill:
        eng = E.DuckDBEngine(memory_limit=args.memory_limit, temp_directory=spill)
        t0 = time.perf_counter()
        # the engine's own steps, so that only the first ranges need to run
        tables, source = eng._load_levels(model, Path(args.parquet), roles)
        t_load = time.perf_counter() - t0
        n_p = len(tables.people)
        if args.chunk:
            ranges = [(s, min(n_p, s + args.chunk)) for s in range(0, n_p, args.chunk)]
        else:  # the engine's own ranges (about a million pairs each)
            ranges = eng._ranges(n_p, len(roles.roles))
        # levels resolved once into a table ordered by person, as top_matches does
        source = eng._prepare_ranges(DEFAULT_POLICY, source, ON, model, ranges)
        t_load = time.perf_counter() - t0
        run = ranges if args.big_chunks <= 0 else ranges[: args.big_chunks]
        times = []
        for start, stop in run:
            t1 = time.perf_counter()
            sql = scoring_sql(
                DEFAULT_POLICY, levels=source, k=10, people_range=(start, stop), dialect="duckdb"
            )
            eng._query(sql)
            times.append(time.perf_counter() - t1)
        eng.close()
    per_range = statistics.median(times)
    total = t_load + per_range * len(ranges) if len(run) < len(ranges) else t_load + sum(times)
    return {
        "people": n_p,
        "roles": len(roles.roles),
        "load_s": t_load,
        "ranges_run": len(run),
        "range_people": run[0][1] - run[0][0] if run else 0,
        "ranges": len(ranges),
        "per_range_s": per_range,
        "total_s": total,
        "estimated": len(run) < len(ranges),
        "vm_hwm_mib": _vm_hwm_mib(),
    }


def section_big(args: argparse.Namespace) -> dict[str, Any]:
    """Section (b): the Parquet file written, the child run, its figures printed."""
    print(
        f"\n== (b) DuckDB: {args.big_people:,} people x {args.big_roles:,} roles from Parquet, "
        f"top-10 per person and per role (memory_limit {args.memory_limit}, "
        f"ranges of {args.chunk or 'the engine’s own number of'} people)"
    )
    model = synthetic_model(args.competencies, args.big_roles, 25, seed=1)
    with tempfile.TemporaryDirectory(prefix="cc-bench-engines-") as tmp:
        path = Path(tmp) / "levels.parquet"
        t0 = time.perf_counter()
        write_levels_parquet(model, path, args.big_people, args.per_person, seed=7)
        print(
            f"  Parquet written in {time.perf_counter() - t0:.1f} s "
            f"({path.stat().st_size / 2**20:,.0f} MiB, {args.per_person} levels a person)"
        )
        child = [
            sys.executable,
            __file__,
            "--child",
            "--parquet",
            str(path),
            "--big-roles",
            str(args.big_roles),
            "--competencies",
            str(args.competencies),
            "--chunk",
            str(args.chunk),
            "--big-chunks",
            str(args.big_chunks),
            "--memory-limit",
            args.memory_limit,
        ]
        done = subprocess.run(child, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"  child failed:\n{done.stderr[-2000:]}")
            return {}
        got: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    est = " (estimated from the first ranges)" if got["estimated"] else ""
    print(f"  load into DuckDB (people numbered, levels resolved) {got['load_s']:9.1f} s")
    print(
        f"  one range of {got['range_people']:,} people (median of {got['ranges_run']})"
        f"             {got['per_range_s']:9.1f} s  x {got['ranges']:,} ranges"
    )
    print(f"  whole run{est}: {got['total_s']:,.0f} s = {got['total_s'] / 3600:.1f} h")
    hwm = got["vm_hwm_mib"]
    print(f"  peak resident memory (VmHWM of the child)  {hwm:,.0f} MiB (limit 4,096 MiB)")
    return got


def engine_sections(
    *,
    people: int = 20_000,
    roles: int = 500,
    competencies: int = 400,
    per_role: int = 25,
    repeats: int = 3,
    engines: Sequence[str] = ENGINES,
    fraction: float = 0.05,
    budget: float = 300.0,
    big: argparse.Namespace | None = None,
) -> dict[str, Any]:
    """Both sections; ``big`` (the parsed options of section (b)) or None to skip it."""
    model = synthetic_model(competencies, roles, per_role, seed=1)
    names, comps, raw = random_levels(model, people, 0.6, seed=2)
    levels = PeopleLevels.from_levels(model, names, comps, raw)
    rs = RoleSet.from_model(model)
    out: dict[str, Any] = {
        "engines": section_engines(
            model, levels, rs, repeats=repeats, engines=engines, fraction=fraction, budget=budget
        )
    }
    if big is not None:
        out["big"] = section_big(big)
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run the benchmark (or, with --child, section (b)'s child)."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--roles", type=int, default=500)
    ap.add_argument("--competencies", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--fraction", type=float, default=0.05)
    ap.add_argument("--budget", type=float, default=300.0)
    ap.add_argument("--big-people", type=int, default=1_000_000)
    ap.add_argument("--big-roles", type=int, default=5_000)
    ap.add_argument("--per-person", type=int, default=40)
    ap.add_argument("--chunk", type=int, default=0, help="people a range (0: the engine's own)")
    ap.add_argument("--big-chunks", type=int, default=2)
    ap.add_argument("--memory-limit", default="3GB")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(big_child(args)))
        return 0
    if args.quick:
        args.people, args.roles, args.big_people, args.big_roles = 2_000, 100, 20_000, 500
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    engine_sections(
        people=args.people,
        roles=args.roles,
        competencies=args.competencies,
        repeats=args.repeats,
        engines=[e for e in args.engines.split(",") if e],
        fraction=args.fraction,
        budget=args.budget,
        big=None if args.skip_big else args,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
