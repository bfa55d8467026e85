"""Scale benchmark (issue 19): the bulk engine against scipy.sparse and the memory floor,
and the streaming engine on a million people read from Parquet.

In one run it prints, as medians of ``--repeats`` runs after one warm-up each:

(a) 20,000 people x 500 roles (400 competencies, ~25 requirements a role; the generator of
    bench_scoring.py): ``readiness_matrix`` (the compiled kernel: ``kernel="auto"``'s choice
    once numba's cache holds it) and its sparse kernel, against

    * the **baseline**: twenty lines of plain scipy.sparse a competent engineer would write
      for the same definition (readiness, gap, share met, coverage and ready for every
      pair under the default policy), checked equal to the engine's output here;
    * the **floor**: the time to write arrays of the result's shapes and dtypes (four
      float64 and one bool people x roles arrays, filled in place): what memory bandwidth
      allows for a result of that size. Printed twice: into memory already mapped
      (bandwidth only: the stricter floor, the one the ratios are taken against), and into
      new arrays (allocated and written, as every call that returns a new result must:
      the page faults of a fresh 330 MB are about half of it; the issue's "330 MB in about
      70 ms" is this one);

    then the streaming engine (top-10 per person and per role) on the same people.
(b) ``--big-people`` x ``--big-roles`` (default 1,000,000 x 5,000) read from a Parquet file
    the benchmark writes into a temporary folder (long format person, competency, level;
    ``--per-person`` competencies a person has levels on), top-10 per person and per role
    in streaming mode, in a child process whose peak resident memory (VmHWM) is printed
    against the 4 GB limit; then the same file on DuckDB (the engine's own top_matches,
    bench_engines.run_big_child, another child process), run whole, with its time as a
    ratio to streaming's and its peak memory (``--duckdb-ranges N``: the first N ranges and
    an estimate; ``--duckdb-check``: its answers compared with streaming's; ``--no-duckdb``).

Sections other engines add (DuckDB, PostgreSQL, Spark: benchmarks/bench_engines.py) are
called from :data:`EXTRA_SECTIONS` with the same 20,000 x 500 workload.

    .venv/bin/python benchmarks/bench_scale.py               # the whole run (long: (b))
    .venv/bin/python benchmarks/bench_scale.py --quick       # 2,000 x 100, (b) 20,000 x 500
    .venv/bin/python benchmarks/bench_scale.py --skip-big            # (a) only
    .venv/bin/python benchmarks/bench_scale.py --only-big --big-people 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_scoring import random_levels, synthetic_model
from scipy import sparse

from competency_core.model import CompetencyModel
from competency_core.scoring import (
    DEFAULT_POLICY,
    PeopleLevels,
    ReadinessMatrix,
    RoleSet,
    readiness_matrix,
)
from competency_core.scoring.policy import READY_TOLERANCE

ON = dt.date(2026, 1, 1)
LIMIT_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class Workload:
    """The 20,000 x 500 case every section scores."""

    model: CompetencyModel
    levels: PeopleLevels
    roles: RoleSet
    repeats: int


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of ``fn`` over ``repeats`` runs after one warm-up run."""
    out = fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


# -- the baseline: plain scipy.sparse, the same definition ----------------------------------


def scipy_baseline(
    model: CompetencyModel, levels: PeopleLevels, chunk: int = 2000
) -> dict[str, Any]:
    """Readiness, gap, share met, coverage, ready (default policy) in plain scipy.sparse.

    What a competent engineer writes: each distinct (competency, required level) is one
    column of people's gaps, and sparse column x role matrices sum them per role.
    """
    comps = {c: j for j, c in enumerate(levels.competencies)}
    req = [(r, comps[q.competency], model.scale_of(q.competency).normalise(q.level), q.weight, q.essential)
           for r, role in enumerate(model.roles) for q in role.requirements]  # fmt: skip
    role, comp, t, w, ess = (np.array(x) for x in zip(*req, strict=True))
    keys, col = np.unique(np.stack([comp, t]), axis=1, return_inverse=True)
    col_comp, col_t = keys[0].astype(int), keys[1]
    n_c, n_r, n_p = keys.shape[1], len(model.roles), len(levels.people)
    to_role = lambda v: sparse.csr_matrix((v, (col.ravel(), role)), shape=(n_c, n_r))  # noqa: E731
    w_m, one_m, ess_m = (
        to_role(w.astype(float)),
        to_role(np.ones(len(req))),
        to_role(ess.astype(float)),
    )
    weight, count = np.asarray(w_m.sum(0)).ravel(), np.asarray(one_m.sum(0)).ravel()
    out = {k: np.empty((n_p, n_r)) for k in ("readiness", "gap", "share_met", "coverage")}
    out["ready"] = np.empty((n_p, n_r), dtype=bool)
    for s in range(0, n_p, chunk):
        a = levels.normalised[s : s + chunk][:, col_comp]  # people x columns
        seen = ~np.isnan(a)
        a = np.where(seen, a, 0.0)  # unassessed counts as the scale's minimum
        mass, had = (np.maximum(col_t - a, 0.0) @ w_m), (np.minimum(a, col_t) @ w_m)
        unmet = (a < col_t).astype(float)
        total = had + mass
        rd = np.divide(had, total, out=np.ones_like(had), where=total > 0)
        out["readiness"][s : s + chunk] = rd
        out["gap"][s : s + chunk] = np.divide(
            mass, weight, out=np.zeros_like(mass), where=weight > 0
        )
        out["share_met"][s : s + chunk] = np.divide(
            count - unmet @ one_m, count, out=np.ones_like(mass), where=count > 0
        )
        out["coverage"][s : s + chunk] = np.divide(
            seen.astype(float) @ one_m, count, out=np.ones_like(mass), where=count > 0
        )
        out["ready"][s : s + chunk] = ((unmet @ ess_m) == 0) & (rd >= DEFAULT_POLICY.ready_threshold - READY_TOLERANCE)  # fmt: skip
    return out


def check_equal(m: ReadinessMatrix, base: dict[str, Any]) -> str:
    """The engine's figures against the baseline's: equal, sums within rounding."""
    for name in ("readiness", "gap"):
        if not np.allclose(getattr(m, name), base[name], rtol=1e-12, atol=1e-12):
            raise SystemExit(f"the engine's {name} differs from the scipy.sparse baseline")
    for name in ("share_met", "coverage"):
        if not np.array_equal(getattr(m, name), base[name]):
            raise SystemExit(f"the engine's {name} differs from the scipy.sparse baseline")
    differ = m.ready != base["ready"]
    # ready may differ only where readiness sits on the threshold within rounding
    edge = np.abs(m.readiness - (DEFAULT_POLICY.ready_threshold - READY_TOLERANCE)) < 1e-12
    if (differ & ~edge).any():
        raise SystemExit("the engine's ready differs from the scipy.sparse baseline")
    return f"equal ({int(differ.sum())} ready flags on the threshold within rounding)"


def _result_arrays(n_p: int, n_r: int) -> list[np.ndarray[Any, Any]]:
    return [np.empty((n_p, n_r)) for _ in range(4)] + [np.empty((n_p, n_r), dtype=bool)]


def floor_time(n_p: int, n_r: int, repeats: int) -> float:
    """Writing arrays of the result's shapes and dtypes (filled in place, no reading)."""
    arrays = _result_arrays(n_p, n_r)
    for a in arrays:  # touch the pages first: the floor is bandwidth, not page faults
        a.fill(0)

    def write() -> None:
        for a in arrays:
            a.fill(1)

    return median_time(write, repeats)[0]


def fresh_floor_time(n_p: int, n_r: int, repeats: int) -> float:
    """The same into new arrays each time: allocating (page faults) and writing a result."""

    def write() -> None:
        for a in _result_arrays(n_p, n_r):
            a.fill(1)

    return median_time(write, repeats)[0]


# -- (a) 20,000 x 500 -------------------------------------------------------------------


def section_bulk(w: Workload) -> None:
    n_p, n_r = len(w.levels.people), len(w.roles.roles)
    size = n_p * n_r * (4 * 8 + 1)
    print(f"\n(a) {n_p:,} people x {n_r:,} roles ({size / 1e6:,.0f} MB of results), "
          f"medians of {w.repeats}")  # fmt: skip
    t0 = time.perf_counter()
    readiness_matrix(w.model, w.levels, roles=w.roles, on=ON, kernel="compiled")
    first = time.perf_counter() - t0
    floor = floor_time(n_p, n_r, w.repeats)
    fresh = fresh_floor_time(n_p, n_r, w.repeats)
    t_base, base = median_time(lambda: scipy_baseline(w.model, w.levels), w.repeats)
    t_sparse, _ = median_time(
        lambda: readiness_matrix(w.model, w.levels, roles=w.roles, on=ON, kernel="sparse"),
        w.repeats,
    )
    t_eng, m = median_time(
        lambda: readiness_matrix(w.model, w.levels, roles=w.roles, on=ON, kernel="compiled"),
        w.repeats,
    )
    assert isinstance(m, ReadinessMatrix)
    verdict = check_equal(m, base)  # type: ignore[arg-type]
    from competency_core.scale.streaming import stream_top_matches

    t_stream, _ = median_time(
        lambda: stream_top_matches(w.model, w.levels, roles=w.roles, k=10, on=ON), w.repeats
    )
    rows = [
        ("memory-bandwidth floor (write the result's arrays)", floor),
        ("the same into new arrays (allocate and write)", fresh),
        ("scipy.sparse baseline (same definition)", t_base),
        ("readiness_matrix, sparse kernel (auto's, cache cold)", t_sparse),
        ("readiness_matrix, compiled kernel (auto's, cached)", t_eng),
        ("streaming engine, top-10 per person and per role", t_stream),
    ]
    for name, t in rows:
        print(f"  {name:<52} {t * 1000:9.1f} ms  {t / floor:6.2f}x floor  "
              f"{t_base / t:6.2f}x as fast as the baseline")  # fmt: skip
    for name, t in (("sparse", t_sparse), ("compiled", t_eng)):
        print(f"  {name} kernel vs baseline: {t_base / t:.2f}x as fast (target >= 3x); "
              f"vs floor: {t / floor:.2f}x (target <= 4x); "
              f"vs the floor of a new result: {t / fresh:.2f}x")  # fmt: skip
    print(f"  first call (numba kernels compiled or loaded from cache): {first:.2f} s")
    print(f"  engine output vs baseline: {verdict}")


def _extra_sections() -> list[Callable[[Workload], None]]:
    """Sections other modules add (DuckDB, PostgreSQL, Spark: bench_engines.SECTIONS)."""
    try:
        engines = importlib.import_module("bench_engines")
    except ImportError:
        return []
    return list(getattr(engines, "SECTIONS", []))


EXTRA_SECTIONS: list[Callable[[Workload], None]] = []
"""Called after section (a) with the same workload; bench_engines.SECTIONS is added to it."""


# -- (b) a million people from Parquet, in a child process -------------------------------


def write_parquet(
    model: CompetencyModel, path: Path, n_people: int, per_person: int, seed: int
) -> None:
    """Long format (person, competency, level), a person's rows together, row groups of people."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    comps = [c.key for c in model.competencies]
    values = [np.array(model.scale_of(c).values, dtype=np.int64) for c in comps]
    lo = np.array([v.min() for v in values])
    span = np.array([len(v) for v in values])
    schema = pa.schema([("person", pa.string()), ("competency", pa.dictionary(pa.int16(), pa.string())),
                        ("level", pa.int8())])  # fmt: skip
    comp_dict = pa.array(comps)
    group = 50_000
    with pq.ParquetWriter(path, schema) as out:
        for s in range(0, n_people, group):
            n = min(group, n_people - s)
            # per_person distinct competencies a person: the first per_person of a shuffle
            picks = np.argsort(rng.random((n, len(comps))), axis=1)[:, :per_person]
            picks.sort(axis=1)
            flat = picks.ravel()
            level = lo[flat] + rng.integers(0, span[flat])
            people = np.repeat(np.array([f"p{i:07d}" for i in range(s, s + n)]), per_person)
            table = pa.table(
                {
                    "person": pa.array(people),
                    "competency": pa.DictionaryArray.from_arrays(
                        pa.array(flat, pa.int16()), comp_dict
                    ),
                    "level": pa.array(level, pa.int8()),
                },
                schema=schema,
            )
            out.write_table(table)


def big_child(args: argparse.Namespace) -> None:
    """Runs in the child process: stream the Parquet file, print time and VmHWM."""
    from competency_core.scale.readers import iter_people_levels
    from competency_core.scale.streaming import stream_top_matches

    model = synthetic_model(400, args.big_roles, 25, seed=1)
    roles = RoleSet.from_model(model)
    t0 = time.perf_counter()
    chunks = iter_people_levels(model, args.parquet, on=ON, chunk_people=args.chunk)
    seen = [0]

    def progress(done: int, total: int | None) -> None:
        seen[0] = done

    result = stream_top_matches(model, chunks, roles=roles, k=10, on=ON, progress=progress,
                                people_chunk=args.chunk)  # fmt: skip
    took = time.perf_counter() - t0
    status = Path("/proc/self/status").read_text()
    hwm = next(
        int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM")
    )
    print(
        f"RESULT {took:.3f} {hwm} {len(result.top.people)} {result.top.roles_per_person.index[0].tolist()}"
    )


def section_big(args: argparse.Namespace) -> None:
    n_p, n_r = args.big_people, args.big_roles
    print(
        f"\n(b) {n_p:,} people x {n_r:,} roles from Parquet, streaming, top-10 per person and per role"
    )
    model = synthetic_model(400, n_r, 25, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "levels.parquet"
        t0 = time.perf_counter()
        write_parquet(model, path, n_p, args.per_person, seed=3)
        print(f"  wrote {path.stat().st_size / 1e6:,.0f} MB: {n_p * args.per_person:,} rows "
              f"(person, competency, level), {args.per_person} competencies a person "
              f"of 400, in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        cmd = [sys.executable, __file__, "--child", "--parquet", str(path),
               "--big-roles", str(n_r), "--chunk", str(args.chunk)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
        if line is None:
            raise SystemExit(f"the streaming child failed:\n{done.stderr}")
        took, hwm = float(line.split()[1]), int(line.split()[2])
        pairs = n_p * n_r
        print(f"  streaming engine: {took:,.1f} s ({pairs / took / 1e6:,.1f} M pairs/s, "
              f"people in chunks of {args.chunk:,})")  # fmt: skip
        print(f"  peak memory (VmHWM of the child): {hwm / 1024**3:.2f} GB "
              f"({hwm / LIMIT_BYTES:.0%} of the 4 GB limit: "
              f"{'under' if hwm < LIMIT_BYTES else 'OVER'})")  # fmt: skip
        if not args.no_duckdb:
            section_big_duckdb(args, path, took)


def section_big_duckdb(args: argparse.Namespace, path: Path, streaming_s: float) -> None:
    """(b) on DuckDB: the same Parquet file, the engine's own top_matches in a child process.

    Run whole unless ``--duckdb-ranges N`` (then the first N ranges, the rest estimated);
    ``--duckdb-check`` compares its answers with the streaming engine's (every list of a
    whole run; the scored people's lists of a sample).
    """
    try:
        engines = importlib.import_module("bench_engines")
    except ImportError as exc:
        print(f"  DuckDB: bench_engines not importable ({exc})")
        return
    got = engines.run_big_child(path, roles=args.big_roles, big_chunks=args.duckdb_ranges,
                                memory_limit=args.duckdb_memory_limit,
                                check=args.duckdb_check)  # fmt: skip
    if not got:
        return
    print(f"  DuckDB engine (top_matches, memory_limit {args.duckdb_memory_limit}), same file:")
    engines.print_big(got)
    total = got["total_s"]
    print(f"  DuckDB / streaming: {total / streaming_s:.2f}x the streaming engine's time "
          f"({total:,.0f} s{' estimated' if got['estimated'] else ''} vs {streaming_s:,.0f} s)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--roles", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--big-people", type=int, default=1_000_000)
    ap.add_argument("--big-roles", type=int, default=5_000)
    ap.add_argument(
        "--per-person", type=int, default=40, help="competencies a person has levels on (b)"
    )
    ap.add_argument("--chunk", type=int, default=4096, help="people a chunk in (b)")
    ap.add_argument("--skip-big", action="store_true", help="only (a) and the extra sections")
    ap.add_argument("--only-big", action="store_true", help="only (b)")
    ap.add_argument("--no-duckdb", action="store_true", help="(b) without the DuckDB run")
    ap.add_argument(
        "--duckdb-ranges", type=int, default=0, help="(b) DuckDB: first N ranges (0: whole)"
    )
    ap.add_argument("--duckdb-memory-limit", default="2.5GB", help="(b) DuckDB memory_limit")
    ap.add_argument(
        "--duckdb-check", action="store_true", help="(b) DuckDB's answers vs streaming's"
    )
    ap.add_argument("--no-extra", action="store_true", help="without bench_engines' sections")
    ap.add_argument("--quick", action="store_true", help="2,000 x 100; (b) 20,000 x 500")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        big_child(args)
        return
    if args.quick:
        args.people, args.roles, args.repeats = 2_000, 100, 3
        args.big_people, args.big_roles = 20_000, 500
    if args.only_big:
        section_big(args)
        return
    model = synthetic_model(400, args.roles, 25, seed=1)
    people, comps, raw = random_levels(model, args.people, 0.7, seed=2)
    w = Workload(
        model,
        PeopleLevels.from_levels(model, people, comps, raw),
        RoleSet.from_model(model),
        args.repeats,
    )
    print(f"bench_scale: {args.people:,} x {args.roles:,}; 400 competencies, ~25 requirements "
          f"a role, people assessed on 70 % of them")  # fmt: skip
    section_bulk(w)
    for section in [] if args.no_extra else [*EXTRA_SECTIONS, *_extra_sections()]:
        section(w)
    if not args.skip_big:
        section_big(args)


if __name__ == "__main__":
    main()
