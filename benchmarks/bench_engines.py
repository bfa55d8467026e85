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


def compare_top(got: TopMatches, ref: TopMatches, people: int | None = None) -> dict[str, Any]:
    """``got`` against ``ref`` (the streaming engine's): identical lists, figures within 1e-12.

    With ``people``, only the first ``people`` persons' lists are compared (a sample run);
    otherwise every person's and every role's. People are matched by key. A list counts as
    the same when its indices and ready flags are identical and its figures agree within
    1e-12 (the engines sum in different orders); a list whose indices differ is counted
    as differing only by ties when its readiness and ready flags agree rank by rank (within
    1e-12): pairs whose readiness differs only by summation order may rank either way.
    """
    where = {p: i for i, p in enumerate(ref.people)}
    rows = [where[p] for p in got.people[: people if people is not None else len(got.people)]]
    mine = np.arange(len(rows))
    out: dict[str, Any] = {}
    sides = [("person", got.roles_per_person, ref.roles_per_person, mine, np.array(rows))]
    if people is None:
        remap = np.array([where[p] for p in got.people] + [-1])  # got's person -> ref's
        sides.append(("role", got.candidates_per_role, ref.candidates_per_role, None, None))
    for side, a, b, ra, rb in sides:
        ai, bi = (a.index, b.index) if ra is None else (a.index[ra], b.index[rb])
        if side == "role":
            ai = remap[ai]  # -1 (padding) stays -1
        sel_a = (lambda x: x) if ra is None else (lambda x, r=ra: x[r])
        sel_b = (lambda x: x) if rb is None else (lambda x, r=rb: x[r])
        same_index = (ai == bi).all(axis=1)
        rd_a, rd_b = sel_a(a.readiness), sel_b(b.readiness)
        close = np.ones(len(ai), dtype=bool)
        ready_close = np.ones(len(ai), dtype=bool)
        for name in ("readiness", "gap", "share_met", "coverage"):
            x, y = sel_a(getattr(a, name)), sel_b(getattr(b, name))
            ok = (np.isclose(x, y, rtol=0, atol=1e-12) | (np.isnan(x) & np.isnan(y))).all(axis=1)
            close &= ok
            if name == "readiness":
                ready_close = ok
        ready_same = (sel_a(a.ready) == sel_b(b.ready)).all(axis=1)
        same = same_index & close & ready_same
        ties = ~same & ready_close & ready_same
        out[side] = {
            "lists": len(ai),
            "identical": int(same.sum()),
            "ties_in_rounding": int(ties.sum()),
            "other": int((~same & ~ties).sum()),
            "max_readiness_diff": float(np.nanmax(np.abs(rd_a - rd_b), initial=0.0)),
        }
    return out


def big_child(args: argparse.Namespace) -> dict[str, Any]:
    """In the child: the DuckDB engine's own top_matches on the Parquet file, timed.

    Each range's time is taken from the engine's progress callback; with ``--big-chunks N``
    the run stops after N ranges (the whole run estimated from them), with 0 it runs
    whole. ``--check`` compares the answers with the streaming engine's on the same file:
    every list of a whole run, or the sampled people's own lists of a sample run.
    """
    model = synthetic_model(args.competencies, args.big_roles, 25, seed=1)
    roles = RoleSet.from_model(model)
    marks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cc-duckdb-spill-") as spill:
        eng = E.DuckDBEngine(
            memory_limit=args.memory_limit,
            temp_directory=spill,
            people_per_query=args.chunk or None,
        )
        t0 = time.perf_counter()
        # load and ranges as top_matches makes them, to know when the ranges start
        load_start = eng._load_levels
        n_ranges = [0]

        def loaded(*a: Any, **kw: Any) -> Any:
            got = load_start(*a, **kw)
            marks.append(time.perf_counter())
            n_ranges[0] = len(_engine_ranges(eng, len(got[0].people), len(roles.roles)))
            return got

        eng._load_levels = loaded  # type: ignore[method-assign]
        prepare = eng._prepare_ranges

        def prepared(*a: Any, **kw: Any) -> Any:
            got = prepare(*a, **kw)
            marks.append(time.perf_counter())  # levels resolved: the ranges start
            return got

        eng._prepare_ranges = prepared  # type: ignore[method-assign]
        done_people = [0]
        if args.big_chunks > 0:  # a sample: the engine's first ranges only
            all_ranges = eng._ranges

            def first_ranges(n: int, n_roles: int) -> list[tuple[int, int]]:
                return all_ranges(n, n_roles)[: max(2, args.big_chunks)]

            eng._ranges = first_ranges  # type: ignore[method-assign]

        def progress(done: int, total: int) -> None:
            marks.append(time.perf_counter())
            done_people[0] = done

        top = eng.top_matches(model, Path(args.parquet), k=10, on=ON, progress=progress)
        t_total = time.perf_counter() - t0
        eng.close()
    hwm = _vm_hwm_mib()  # before the check, which runs the streaming engine in this process
    t_load = marks[1] - t0
    times = np.diff(marks[1:])
    ranges = n_ranges[0]
    estimated = len(times) < ranges
    per_range = float(statistics.median(times)) if len(times) else 0.0
    out: dict[str, Any] = {
        "people": len(top.people),
        "people_scored": done_people[0],
        "roles": len(roles.roles),
        "load_s": t_load,
        "ranges_run": len(times),
        "range_people": _engine_ranges(eng, 10**9, len(roles.roles))[0][1],
        "ranges": ranges,
        "per_range_s": per_range,
        "total_s": t_load + per_range * ranges if estimated else t_total,
        "estimated": estimated,
        "vm_hwm_mib": hwm,
    }
    if args.check:
        from competency_core.scale.readers import iter_people_levels
        from competency_core.scale.streaming import stream_top_matches

        if estimated:  # the scored people's own lists against streaming on those people
            levels = _first_people_levels(model, Path(args.parquet), done_people[0])
            ref = stream_top_matches(model, levels, roles=roles, k=10, on=ON).top
            out["check"] = compare_top(top, ref, people=done_people[0])
        else:
            chunks = iter_people_levels(model, args.parquet, on=ON, chunk_people=4096)
            ref = stream_top_matches(model, chunks, roles=roles, k=10, on=ON).top
            out["check"] = compare_top(top, ref)
    return out


def _engine_ranges(eng: E.SqlEngine, n_people: int, n_roles: int) -> list[tuple[int, int]]:
    """The ranges the engine scores ``n_people`` in (its own rule, before any sampling)."""
    return E.SqlEngine._ranges(eng, n_people, n_roles)


def _first_people_levels(model: CompetencyModel, path: Path, n: int) -> PeopleLevels:
    """The first ``n`` people's levels of a levels file (rows grouped by person)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    batches, seen = [], 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536):
        batches.append(batch)
        seen = len(pc.unique(pa.concat_arrays([b.column(0) for b in batches])))
        if seen > n:
            break
    table = pa.Table.from_batches(batches)
    persons = pc.unique(table.column("person"))[:n]
    return E.levels_from_arrow(model, table.filter(pc.is_in(table.column("person"), persons)))


def run_big_child(
    path: Path,
    *,
    roles: int,
    competencies: int = 400,
    chunk: int = 0,
    big_chunks: int = 0,
    memory_limit: str = "2.5GB",
    check: bool = False,
) -> dict[str, Any]:
    """The DuckDB child on a levels file (also called by bench_scale.py on its own file)."""
    child = [sys.executable, str(Path(__file__).resolve()), "--child", "--parquet", str(path),
             "--big-roles", str(roles), "--competencies", str(competencies),
             "--chunk", str(chunk), "--big-chunks", str(big_chunks),
             "--memory-limit", memory_limit]  # fmt: skip
    if check:
        child.append("--check")
    done = subprocess.run(child, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"  the DuckDB child failed:\n{done.stderr[-2000:]}")
        return {}
    got: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return got


def print_big(got: dict[str, Any]) -> None:
    """The DuckDB child's figures."""
    est = " (estimated from the first ranges)" if got["estimated"] else " (run whole)"
    print(f"  load into DuckDB (people numbered, levels resolved) {got['load_s']:9.1f} s")
    print(
        f"  one range of {got['range_people']:,} people (median of {got['ranges_run']})"
        f"             {got['per_range_s']:9.2f} s  x {got['ranges']:,} ranges"
    )
    print(f"  whole run{est}: {got['total_s']:,.0f} s = {got['total_s'] / 60:.1f} min")
    hwm = got["vm_hwm_mib"]
    print(f"  peak resident memory (VmHWM of the child)  {hwm:,.0f} MiB (limit 4,096 MiB: "
          f"{'under' if hwm < 4096 else 'OVER'})")  # fmt: skip
    for side, c in got.get("check", {}).items():
        print(f"  vs the streaming engine, {side} lists: {c['identical']:,} of {c['lists']:,} "
              f"identical, {c['ties_in_rounding']:,} differ only by ties within 1e-12, "
              f"{c['other']:,} otherwise (readiness max diff "
              f"{c['max_readiness_diff']:.1e})")  # fmt: skip


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
        got = run_big_child(path, roles=args.big_roles, competencies=args.competencies,
                            chunk=args.chunk, big_chunks=args.big_chunks,
                            memory_limit=args.memory_limit, check=args.check)  # fmt: skip
    if got:
        print_big(got)
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
    ap.add_argument("--memory-limit", default="2.5GB")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument(
        "--check", action="store_true", help="(b): compare with the streaming engine's answers"
    )
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
