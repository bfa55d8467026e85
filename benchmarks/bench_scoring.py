"""Scoring benchmark: readiness of 20,000 people x 500 roles, and top-10 candidates per role.

A random but reproducible (seeded) model of 400 competencies on three scales (1-5, 0-7,
1-4) and 500 roles of about 25 requirements each (a third essential, weights 1-5); 20,000
people assessed on about 70 % of the competencies. Then the same on the real O*NET 29.2
skill profiles (879 occupations x 35 skills) when ../shared/data is there. In one run it
prints, as medians of ``--repeats`` runs:

* the whole readiness matrix (``readiness_matrix`` on resolved levels: readiness, gap,
  share met, coverage and ready for every pair) and the top-10 candidates of every role;
* peak memory: the largest traced allocation during one matrix + top-10 (tracemalloc, which
  numpy reports to) and the process's peak resident size;
* the baseline, a plain Python loop over the one-pair function on a random sample of
  pairs, scaled to all pairs: ``score_role`` (from the person's assessments, as an app
  would call it) and ``score_levels`` (from levels resolved beforehand, the stricter one);
* the largest difference between bulk and one-pair figures on the sampled pairs.

    .venv/bin/python benchmarks/bench_scoring.py               # ~1 minute
    .venv/bin/python benchmarks/bench_scoring.py --people 2000 --roles 100 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType
from competency_core.scoring import (
    DEFAULT_POLICY,
    PeopleLevels,
    ReadinessMatrix,
    RoleSet,
    readiness_matrix,
    resolve_levels,
    score_levels,
    score_role,
)

ON = dt.date(2026, 1, 1)
ONET = Path(__file__).resolve().parents[2] / "shared" / "data" / "onet" / "full"
SCALES = {"five": list(range(1, 6)), "eight": list(range(8)), "four": list(range(1, 5))}


def synthetic_model(n_comps: int, n_roles: int, per_role: int, seed: int) -> CompetencyModel:
    rng = np.random.default_rng(seed)
    names = list(SCALES)
    comp_scale = [names[i % len(names)] for i in range(n_comps)]
    comps = [
        {"key": f"c{i:03d}", "name": f"Competency {i}", "scale": comp_scale[i]}
        for i in range(n_comps)
    ]
    roles = []
    for r in range(n_roles):
        n = int(np.clip(rng.normal(per_role, 3), 5, n_comps))
        picked = rng.choice(n_comps, size=n, replace=False)
        reqs = []
        for j in sorted(picked.tolist()):
            values = SCALES[comp_scale[j]]
            reqs.append(
                {
                    "competency": f"c{j:03d}",
                    "level": int(rng.choice(values[1:])),
                    "weight": float(rng.integers(1, 6)),
                    "essential": bool(rng.random() < 1 / 3),
                }
            )
        roles.append({"key": f"r{r:03d}", "title": f"Role {r}", "requirements": reqs})
    return CompetencyModel.model_validate(
        {
            "key": "bench",
            "name": "Benchmark model",
            "scales": [
                {
                    "key": k,
                    "name": k,
                    "proficient": v[len(v) // 2],
                    "levels": [{"value": x, "label": str(x)} for x in v],
                }
                for k, v in SCALES.items()
            ],
            "competencies": comps,
            "roles": roles,
        }
    )


def random_levels(
    model: CompetencyModel, n_people: int, assessed_share: float, seed: int
) -> tuple[list[str], list[str], np.ndarray[Any, np.dtype[np.float64]]]:
    """Integer levels on each competency's scale, NaN where unassessed."""
    rng = np.random.default_rng(seed)
    comps = [c.key for c in model.competencies]
    people = [f"p{i:06d}" for i in range(n_people)]
    raw = np.empty((n_people, len(comps)))
    for j, ck in enumerate(comps):
        values = np.array(model.scale_of(ck).values, dtype=np.float64)
        raw[:, j] = rng.choice(values, size=n_people)
    raw[rng.random(raw.shape) >= assessed_share] = np.nan
    return people, comps, raw


def assessments_of(
    person: str, comps: list[str], row: np.ndarray[Any, np.dtype[np.float64]]
) -> list[Assessment]:
    return [
        Assessment(
            person=person,
            competency=ck,
            level=int(v),
            rater_type=RaterType.MANAGER,
            date=dt.date(2025, 6, 1),
        )
        for ck, v in zip(comps, row.tolist(), strict=True)
        if v == v  # not NaN
    ]


CPU_TIMES: dict[int, float] = {}
"""CPU seconds (all threads) of the last :func:`median_time` calls, by id of the function."""


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of ``fn`` over ``repeats`` runs (its median CPU time in CPU_TIMES)."""
    times, cpu, out = [], [], None
    for _ in range(repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU_TIMES[id(fn)] = statistics.median(cpu)
    return statistics.median(times), out


def run(
    name: str,
    model: CompetencyModel,
    n_people: int,
    assessed_share: float,
    *,
    repeats: int,
    sample: int,
    seed: int,
) -> dict[str, float]:
    t0 = time.perf_counter()
    people, comps, raw = random_levels(model, n_people, assessed_share, seed)
    levels = PeopleLevels.from_levels(model, people, comps, raw)
    roles = RoleSet.from_model(model)
    prep = time.perf_counter() - t0
    n_roles = len(roles.roles)
    pairs = n_people * n_roles
    n_req = sum(len(r.requirements) for r in model.roles) / max(1, n_roles)
    print(
        f"\n== {name}: {n_people:,} people x {n_roles:,} roles, {len(comps)} competencies, "
        f"{n_req:.1f} requirements per role, {roles.column_level.size} (competency, level) columns "
        f"(levels + compiled roles in {prep:.2f} s)"
    )

    def matrix() -> ReadinessMatrix:
        return readiness_matrix(model, levels, roles=roles, policy=DEFAULT_POLICY, on=ON)

    def matrix_top10() -> tuple[ReadinessMatrix, object]:
        m = matrix()
        return m, m.top_candidates_per_role(10)

    matrix()  # warm-up (thread pool, caches)
    t_matrix, m = median_time(matrix, repeats)
    cpu_matrix = CPU_TIMES[id(matrix)]
    assert isinstance(m, ReadinessMatrix)

    def top10() -> object:
        return m.top_candidates_per_role(10)

    t_top, _ = median_time(top10, repeats)
    cpu_top = CPU_TIMES[id(top10)]
    t_all, cpu_all = t_matrix + t_top, cpu_matrix + cpu_top

    gc.collect()
    tracemalloc.start()
    matrix_top10()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # the baseline: a plain loop over the one-pair function on a sample of pairs
    rng = np.random.default_rng(seed + 1)
    sample_pairs = [
        (int(rng.integers(n_people)), int(rng.integers(n_roles))) for _ in range(sample)
    ]
    rated = {i: assessments_of(people[i], comps, raw[i]) for i, _ in sample_pairs}
    resolved = {i: resolve_levels(model, a, policy=DEFAULT_POLICY, on=ON) for i, a in rated.items()}
    worst = 0.0
    for i, r in sample_pairs:  # correctness on the sample, outside the timings
        s = score_role(model, roles.roles[r], rated[i], on=ON)
        for field in ("readiness", "gap", "share_met", "coverage"):
            worst = max(worst, abs(float(getattr(m, field)[i, r]) - getattr(s, field)))
        assert bool(m.ready[i, r]) == s.ready, (people[i], roles.roles[r])

    def loop_role() -> None:
        for i, r in sample_pairs:
            score_role(model, roles.roles[r], rated[i], on=ON)

    def loop_levels() -> None:
        for i, r in sample_pairs:
            score_levels(model, roles.roles[r], resolved[i], on=ON)

    t_loop_role, _ = median_time(loop_role, repeats)
    t_loop_levels, _ = median_time(loop_levels, repeats)
    per_role = t_loop_role / sample
    per_levels = t_loop_levels / sample
    loop_all_role = per_role * pairs
    loop_all_levels = per_levels * pairs
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"                                        {'wall':>8}   {'CPU (all threads)':>8}")
    print(f"readiness matrix ({pairs:,} pairs)        {t_matrix:8.3f} s {cpu_matrix:8.3f} s")
    print(f"top-10 candidates per role              {t_top:8.3f} s {cpu_top:8.3f} s")
    print(f"matrix + top-10                         {t_all:8.3f} s {cpu_all:8.3f} s")
    print(f"peak traced memory (matrix + top-10)    {traced_peak / 2**20:8.0f} MiB")
    print(f"peak resident size of the process       {rss_mib:8.0f} MiB")
    print(
        f"loop over score_role   ({sample} pairs)    {per_role * 1e6:8.1f} us/pair -> "
        f"{loop_all_role:,.0f} s for all pairs"
    )
    print(
        f"loop over score_levels ({sample} pairs)    {per_levels * 1e6:8.1f} us/pair -> "
        f"{loop_all_levels:,.0f} s for all pairs"
    )
    print(f"bulk vs loop over score_role            {loop_all_role / t_matrix:10,.0f}x")
    print(f"bulk vs loop over score_levels          {loop_all_levels / t_matrix:10,.0f}x")
    print(f"largest |bulk - pair| on the sample     {worst:10.2e}")
    return {
        "matrix_s": t_matrix,
        "matrix_cpu_s": cpu_matrix,
        "top_s": t_top,
        "traced_mib": traced_peak / 2**20,
        "ratio_role": loop_all_role / t_matrix,
        "ratio_levels": loop_all_levels / t_matrix,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--roles", type=int, default=500)
    ap.add_argument("--competencies", type=int, default=400)
    ap.add_argument("--per-role", type=int, default=25)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sample", type=int, default=300, help="pairs timed in the Python loop")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--no-onet", action="store_true", help="skip the O*NET roles")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start (other jobs slow the wall "
        "times; CPU times are steadier)"
    )
    print(
        f"numpy {np.__version__}, {args.repeats} repeats (medians), loop sample {args.sample} "
        f"pairs, seed {args.seed}, policy: the default ({DEFAULT_POLICY.unassessed.value}, "
        f"{DEFAULT_POLICY.aggregation.value})"
    )
    model = synthetic_model(args.competencies, args.roles, args.per_role, args.seed)
    res = run(
        "synthetic",
        model,
        args.people,
        0.7,
        repeats=args.repeats,
        sample=args.sample,
        seed=args.seed,
    )
    targets = [
        ("whole matrix <= 2 s (wall)", res["matrix_s"] <= 2.0),
        (">= 100x the loop over score_role", res["ratio_role"] >= 100),
        ("peak traced memory <= 1.5 GB", res["traced_mib"] * 2**20 <= 1.5e9),
    ]
    if not args.no_onet:
        if ONET.is_dir():
            from competency_core.scoring.onet import load_onet_skill_profiles

            onet = load_onet_skill_profiles(ONET)
            run(
                "O*NET 29.2 skills",
                onet,
                args.people,
                0.9,
                repeats=args.repeats,
                sample=args.sample,
                seed=args.seed,
            )
        else:
            print(f"\nO*NET roles skipped: {ONET} is absent", file=sys.stderr)
    print(f"\ntargets (synthetic set; load average now {os.getloadavg()[0]:.1f}):")
    for label, ok in targets:
        print(f"  {'met ' if ok else 'MISS'} {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
