"""Evidence benchmark: readiness of 20,000 people x 500 roles from evidence in the store.

A seeded, reproducible model of 80 competencies on three scales (1-5, 1-4, 0-7), 500
roles of about 12 requirements each (a third essential), 20 learning resources developing
1-3 competencies each, and an ``evidence`` section: ``any-of`` on 10 competencies (a
current certification alone, or a manager rating of 2 or more with a course developing
the competency), precedence for the rest, and a three-year half-life on confidence.

Each person holds a role and has evidence on ``--competencies`` (default 5) competencies,
mostly their role's; on each, about ``--pieces`` (default 10, as issue 17 asks) pieces
over three years of review cycles, of mixed kinds: ratings (self, manager, peer; 70 %),
certifications valid for two or three years (10 %; some have expired by the scoring date),
completed courses (10 % of the draws, where a resource develops the competency: about 4 %
of the pieces) and scored xAPI statements (the rest, about 16 %). The baseline is today's
path on the same people and the same number of pieces: a workforce file (JSON) of assessments, loaded with
``load_workforce`` and resolved by the policy's precedence (the model without its
``evidence`` section).

Each path runs in its own process (so that its peak resident size is its own) and is
timed phase by phase, medians of ``--repeats`` runs:

* **load**: ``Store.workforce(model, as_of)`` (SQLite file) vs ``load_workforce(file)``;
* **resolve**: ``PeopleLevels.from_workforce`` (through the rules vs the precedence);
* **matrix**: ``readiness_matrix`` on the resolved levels (readiness for every pair);
* **total** (the sum) and the process's **peak resident size**.

    .venv/bin/python benchmarks/bench_evidence.py                 # several minutes
    .venv/bin/python benchmarks/bench_evidence.py --people 1000 --roles 50 --repeats 1
    .venv/bin/python benchmarks/bench_evidence.py --people 2000 --profile   # resolve, profiled
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from competency_core.io import save_model
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, EvidenceKind, Person, RaterType

ON = dt.date(2026, 6, 1)
SCALES = {"five": list(range(1, 6)), "four": list(range(1, 5)), "eight": list(range(8))}
RATERS = (RaterType.SELF, RaterType.MANAGER, RaterType.PEER)
ANY_OF = 10
"""The first competencies get an any-of rule."""


def synthetic_model(n_comps: int, n_roles: int, per_role: int, seed: int) -> CompetencyModel:
    """The model, with its evidence section (drop it for today's precedence)."""
    rng = np.random.default_rng(seed)
    names = list(SCALES)
    comp_scale = [names[i % len(names)] for i in range(n_comps)]
    comps = [
        {"key": f"c{i:03d}", "name": f"Competency {i}", "scale": comp_scale[i]}
        for i in range(n_comps)
    ]
    resources = []
    for k in range(20):
        develops = sorted(rng.choice(n_comps, size=int(rng.integers(1, 4)), replace=False))
        resources.append(
            {
                "key": f"course{k:02d}",
                "title": f"Course {k}",
                "develops": [
                    {"competency": f"c{j:03d}", "to_level": SCALES[comp_scale[j]][-2]}
                    for j in develops
                ],
            }
        )
    roles = []
    for r in range(n_roles):
        n = int(np.clip(rng.normal(per_role, 3), 4, n_comps))
        picked = sorted(rng.choice(n_comps, size=n, replace=False).tolist())
        reqs = [
            {
                "competency": f"c{j:03d}",
                "level": int(rng.choice(SCALES[comp_scale[j]][1:])),
                "weight": float(rng.integers(1, 6)),
                "essential": bool(rng.random() < 1 / 3),
            }
            for j in picked
        ]
        roles.append({"key": f"r{r:03d}", "title": f"Role {r}", "requirements": reqs})
    developed = {d["competency"] for res in resources for d in res["develops"]}
    rules = []
    for j in range(n_comps):
        ck = f"c{j:03d}"
        if len(rules) == ANY_OF:
            break
        if ck not in developed:
            continue
        values = SCALES[comp_scale[j]]
        rules.append(
            {
                "competency": ck,
                "rule": "any-of",
                "paths": [
                    {"name": "certified", "all": [{"kind": "certification"}]},
                    {
                        "name": "rated and trained",
                        "all": [
                            {"kind": "rating", "rater_type": "manager", "min_level": values[1]},
                            {"kind": "course"},
                        ],
                        "level": values[len(values) // 2],
                    },
                    {"name": "rated", "all": [{"kind": "rating"}], "level": "highest"},
                ],
            }
        )
    return CompetencyModel.model_validate(
        {
            "key": "bench",
            "name": "Benchmark model",
            "version": "1.0.0",
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
            "learning_resources": resources,
            "roles": roles,
            "evidence": {
                "default": {"rule": "precedence"},
                "rules": rules,
                "half_life": [{"competency": "*", "days": 1095, "lowers": "confidence"}],
            },
        }
    )


def workload(
    model: CompetencyModel, n_people: int, per_person: int, pieces: int, seed: int
) -> tuple[list[Person], list[Evidence]]:
    """People with roles, and their evidence (see the module's docstring for the shape)."""
    rng = np.random.default_rng(seed)
    comps = [c.key for c in model.competencies]
    courses: dict[str, list[str]] = {}
    for res in model.learning_resources:
        for d in res.develops:
            courses.setdefault(d.competency, []).append(res.key)
    people: list[Person] = []
    out: list[Evidence] = []
    for i in range(n_people):
        key = f"p{i:06d}"
        role = model.roles[int(rng.integers(len(model.roles)))]
        people.append(Person(key=key, name=f"Person {i}", role=role.key))
        own = [r.competency for r in role.requirements]
        chosen = list(rng.choice(own, size=min(len(own), per_person - 1), replace=False))
        while len(chosen) < per_person:
            extra = comps[int(rng.integers(len(comps)))]
            if extra not in chosen:
                chosen.append(extra)
        for ck in chosen:
            values = model.scale_of(ck).values
            for _ in range(max(1, int(rng.poisson(pieces)))):
                day = ON - dt.timedelta(days=int(rng.integers(0, 3 * 365)))
                level = int(values[int(rng.integers(len(values)))])
                draw = rng.random()
                if draw < 0.7:
                    rater = RATERS[int(rng.integers(3))]
                    e = Evidence(
                        kind=EvidenceKind.RATING, person=key, competency=ck, level=level,
                        rater_type=rater, asserted_by=f"p{int(rng.integers(n_people)):06d}",
                        date=day, source="review", model_version="1.0.0",
                    )  # fmt: skip
                elif draw < 0.8:
                    years = int(rng.integers(2, 4))
                    e = Evidence(
                        kind=EvidenceKind.CERTIFICATION, person=key, competency=ck,
                        level=level, date=day, name=f"Cert {ck}", asserted_by="Issuer",
                        valid_until=day + dt.timedelta(days=365 * years),
                        identifier=f"cred-{key}-{ck}-{day.isoformat()}",
                    )  # fmt: skip
                elif draw < 0.9 and ck in courses:
                    res = courses[ck][int(rng.integers(len(courses[ck])))]
                    e = Evidence(
                        kind=EvidenceKind.COURSE, person=key, resource=res, date=day,
                        source="lms", name=f"Course {res}",
                    )  # fmt: skip
                else:
                    e = Evidence(
                        kind=EvidenceKind.XAPI, person=key, competency=ck, level=level,
                        date=day, asserted_by="lrs", source="xapi",
                        identifier=f"stmt-{key}-{ck}-{len(out)}",
                    )  # fmt: skip
                out.append(e)
    return people, out


def as_assessment_row(e: Evidence, model: CompetencyModel) -> dict[str, Any]:
    """The same piece as today's assessment (a course as a rating of what it develops)."""
    ck = e.competency
    level = e.level
    if ck is None:
        res = next(r for r in model.learning_resources if r.key == e.resource)
        ck = res.develops[0].competency
        level = res.develops[0].to_level
    rater = e.ranks_as or RaterType.MANAGER
    row: dict[str, Any] = {
        "person": e.person,
        "competency": ck,
        "level": level,
        "rater_type": str(rater),
        "date": e.date.isoformat(),
    }
    if e.valid_until is not None:
        row["expires"] = e.valid_until.isoformat()
    return row


# -- the child processes: one path each ---------------------------------------------------


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def child(path: str, workdir: Path, repeats: int, profile: bool) -> dict[str, Any]:
    from competency_core.io import load_model, load_workforce
    from competency_core.parsing import LoadLimits
    from competency_core.people import Workforce
    from competency_core.scoring import PeopleLevels, RoleSet, readiness_matrix

    model = load_model(workdir / "model.json")
    if path == "file":
        model = model.model_copy(update={"evidence": type(model.evidence)()})
    roles = RoleSet.from_model(model)

    def load() -> Workforce:
        if path == "store":
            from competency_core.store import Store

            with Store(f"sqlite:///{workdir / 'store.sqlite3'}") as s:
                return s.workforce(model, as_of=ON)
        # a file this large is past the loader's default limits (32 MiB): lift them
        limits = LoadLimits(max_bytes=2**31, max_nodes=10**9)
        return load_workforce(workdir / "people.json", model, limits)

    t_load, wf = median_time(load, repeats)
    assert isinstance(wf, Workforce)

    def resolve() -> PeopleLevels:
        return PeopleLevels.from_workforce(model, wf, on=ON)

    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        resolve()
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(18)
    t_resolve, levels = median_time(resolve, repeats)
    assert isinstance(levels, PeopleLevels)

    def matrix() -> Any:
        return readiness_matrix(model, levels, roles=roles, on=ON)

    t_matrix, m = median_time(matrix, repeats)
    assessed = float(np.mean(~np.isnan(levels.normalised)))
    return {
        "load": t_load,
        "resolve": t_resolve,
        "matrix": t_matrix,
        "pieces": len(wf.all_evidence),
        "people": len(wf.people),
        "assessed": assessed,
        "ready": float(np.mean(m.ready)),  # type: ignore[attr-defined]
        "peak_rss_mib": peak_rss_mib(),
    }


def peak_rss_mib() -> float:
    """This process's own peak resident size.

    ``getrusage``'s ``ru_maxrss`` survives ``execve``: a child started by a parent that held
    the generated workload reports the parent's peak. ``VmHWM`` belongs to the process's
    own address space, made new by ``execve``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the parent: data, then one child per path ---------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--roles", type=int, default=500)
    ap.add_argument("--competencies", type=int, default=5, help="evidenced per person")
    ap.add_argument("--pieces", type=float, default=10, help="per person and competency")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--profile", action="store_true", help="profile the resolve phase")
    ap.add_argument("--child", choices=["store", "file"], help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        result = child(args.child, args.workdir, args.repeats, args.profile)
        print(json.dumps(result))
        return 0

    from competency_core.store import Store

    print(f"load average: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        workdir = Path(tmp)
        t0 = time.perf_counter()
        model = synthetic_model(80, args.roles, 12, args.seed)
        people, evidence = workload(model, args.people, args.competencies, args.pieces, args.seed)
        t_gen = time.perf_counter() - t0
        save_model(model, workdir / "model.json")
        t0 = time.perf_counter()
        with Store(f"sqlite:///{workdir / 'store.sqlite3'}") as s:
            s.upsert_people(people)
            added = s.add_evidence(evidence, model=model.key)
        t_write = time.perf_counter() - t0
        kinds = {k: sum(e.kind is k for e in evidence) for k in EvidenceKind}
        t0 = time.perf_counter()
        data = {
            "model": model.key,
            "people": [p.model_dump(mode="json", exclude_none=True) for p in people],
            "assessments": [as_assessment_row(e, model) for e in evidence],
        }
        (workdir / "people.json").write_text(json.dumps(data), encoding="utf-8")
        t_file = time.perf_counter() - t0
        del data
        n_req = sum(len(r.requirements) for r in model.roles) / len(model.roles)
        print(
            f"{args.people:,} people x {args.roles} roles, {len(model.competencies)} "
            f"competencies, {n_req:.1f} requirements per role; {len(evidence):,} pieces "
            f"({len(evidence) / args.people:.1f} per person; "
            + ", ".join(f"{k}: {n:,}" for k, n in kinds.items() if n)
            + f"); generated in {t_gen:.1f} s, {added:,} stored in {t_write:.1f} s "
            f"(add_evidence), the assessments file "
            f"({(workdir / 'people.json').stat().st_size / 2**20:.0f} MiB) in {t_file:.1f} s"
        )
        del people, evidence
        results = {}
        for path in ("store", "file"):
            cmd = [sys.executable, __file__, "--child", path, "--workdir", str(workdir)]
            cmd += ["--repeats", str(args.repeats)] + (["--profile"] if args.profile else [])
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            if args.profile:
                print(f"-- profile of resolve ({path}) --\n{proc.stderr}")
            results[path] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{path}: {results[path]}", flush=True)
    st, fi = results["store"], results["file"]
    print(f"\nmedians of {args.repeats} run(s); each path in its own process")
    print(f"{'phase':<22}{'evidence in the store':>24}{'assessments file':>20}{'ratio':>8}")
    rows = [
        ("load", "load", "s"),
        ("resolve levels", "resolve", "s"),
        ("readiness matrix", "matrix", "s"),
    ]
    for label, k, _ in rows:
        print(f"{label:<22}{st[k]:>23.2f}s{fi[k]:>19.2f}s{st[k] / fi[k]:>7.2f}x")
    tot_s = st["load"] + st["resolve"] + st["matrix"]
    tot_f = fi["load"] + fi["resolve"] + fi["matrix"]
    print(f"{'total':<22}{tot_s:>23.2f}s{tot_f:>19.2f}s{tot_s / tot_f:>7.2f}x")
    print(
        f"{'peak resident size':<22}{st['peak_rss_mib']:>20.0f} MiB"
        f"{fi['peak_rss_mib']:>16.0f} MiB{st['peak_rss_mib'] / fi['peak_rss_mib']:>7.2f}x"
    )
    print(
        f"pieces read: {st['pieces']:,} / {fi['pieces']:,}; share of (person, competency) "
        f"with a level: {st['assessed']:.3f} / {fi['assessed']:.3f}; pairs ready: "
        f"{st['ready']:.4f} / {fi['ready']:.4f}"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
