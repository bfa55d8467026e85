"""Columnar road benchmark: a 20,000-person workforce file to a readiness matrix (issue 19).

A seeded model of 80 competencies on three scales and 500 roles of about 25 requirements
(``bench_scoring.synthetic_model``), and a workforce of ``--people`` (default 20,000)
people, each rated on ``--competencies`` (default 5) competencies with about ``--pieces``
(default 10, Poisson) ratings each: about a million assessments, by self, manager, peer,
360 and test raters over three years, a sixth of them with an expiry (some lapsed by the
scoring date). The same assessments are written as a workforce YAML file (block style, as
``competency`` writes files), an assessments CSV file (the ``csv`` adapter's columns) and
a Parquet file.

For each file, in its own process (so its peak resident size is its own), medians of
``--repeats`` runs of:

* **load**: :func:`competency_core.scale.readers.read_evidence` (YAML through the fast path);
* **resolve**: :func:`competency_core.scale.resolve.resolve` (policy: latest, as of 2026-06-01);
* **matrix**: ``readiness_matrix(model, levels)`` (all 500 roles);
* **total**, and the process's **peak resident size**.

The baseline is today's road, measured in the same run on the first ``--sample`` people
(default 1,000) of the same data: ``load_workforce`` of a YAML file (or the csv adapter's
``read_assessments`` into a ``Workforce``) then ``readiness_matrix(model, workforce)``,
scaled linearly to the full size (the full baseline takes minutes and, for YAML, a file
over the loader's default 32 MiB limit). The ratio is baseline / columnar.

    .venv/bin/python benchmarks/bench_columnar.py
    .venv/bin/python benchmarks/bench_columnar.py --people 2000 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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

sys.path.insert(0, str(Path(__file__).parent))

ON = dt.date(2026, 6, 1)
RATERS = ("self", "manager", "peer", "360", "test")


def model_of(seed: int) -> Any:
    """The benchmark model (80 competencies, 500 roles, ~25 requirements a role)."""
    from bench_scoring import synthetic_model

    return synthetic_model(80, 500, 25, seed)


def workload(model: Any, n_people: int, per_person: int, pieces: int, seed: int) -> Any:
    """The assessments as an Arrow table (person, competency, level, date, rater_type, expires)."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    comps = [c.key for c in model.competencies]
    values = [np.array(model.scale_of(c).values) for c in comps]
    people_idx, comp_idx = [], []
    for i in range(n_people):
        chosen = rng.choice(len(comps), size=per_person, replace=False)
        counts = np.maximum(1, rng.poisson(pieces, size=per_person))
        people_idx.append(np.full(int(counts.sum()), i))
        comp_idx.append(np.repeat(chosen, counts))
    person = np.concatenate(people_idx)
    comp = np.concatenate(comp_idx)
    n = len(person)
    level = np.array(
        [
            values[j][k % len(values[j])]
            for j, k in zip(comp.tolist(), rng.integers(0, 8, n).tolist(), strict=True)
        ]
    )
    day = np.datetime64(ON) - rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    expires = np.where(rng.random(n) < 1 / 6, day + np.timedelta64(730, "D"), np.datetime64("NaT"))
    keys = np.array([f"p{i:06d}" for i in range(n_people)], dtype=object)
    rater_type = rng.integers(0, 5, n)
    rater = rng.integers(0, n_people, n)
    # one assessment per person, competency, rater type, rater and date (the csv adapter's key)
    seen: set[tuple[int, ...]] = set()
    keep = np.ones(n, dtype=bool)
    days = day.astype(np.int64)
    for i, key in enumerate(
        zip(
            person.tolist(),
            comp.tolist(),
            rater_type.tolist(),
            rater.tolist(),
            days.tolist(),
            strict=True,
        )
    ):
        if key in seen:
            keep[i] = False
        seen.add(key)
    return pa.table(
        {
            "person": pa.array(keys[person], pa.string()),
            "competency": pa.array(np.array(comps, dtype=object)[comp], pa.string()),
            "level": pa.array(level, pa.int64()),
            "date": pa.array(day, pa.date32()),
            "rater_type": pa.array(np.array(RATERS, dtype=object)[rater_type], pa.string()),
            "rater": pa.array(keys[rater], pa.string()),
            "expires": pa.array(expires, pa.date32()),
        }
    ).filter(pa.array(keep))


def write_yaml(table: Any, people: list[str], path: Path) -> None:
    """A workforce file as ``competency`` writes one (block style, dates quoted)."""
    cols = table.to_pydict()
    out = ["model: bench", "people:"]
    out += [f"- key: {p}\n  name: Person {p}" for p in people]
    out.append("assessments:")
    for person, comp, level, day, rater, who, expires in zip(
        cols["person"], cols["competency"], cols["level"], cols["date"], cols["rater_type"],
        cols["rater"], cols["expires"], strict=True,
    ):  # fmt: skip
        item = (
            f"- person: {person}\n  competency: {comp}\n  level: {level}\n"
            f"  rater_type: '{rater}'\n  date: '{day.isoformat()}'" if rater == "360" else
            f"- person: {person}\n  competency: {comp}\n  level: {level}\n"
            f"  rater_type: {rater}\n  date: '{day.isoformat()}'"
        )  # fmt: skip
        item += f"\n  rater: {who}"
        if expires is not None:
            item += f"\n  expires: '{expires.isoformat()}'"
        out.append(item)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def files(
    workdir: Path, n_people: int, per_person: int, pieces: int, sample: int, seed: int
) -> dict[str, Any]:
    """Write the full files and the baseline's sample files; their sizes."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    model = model_of(seed)
    table = workload(model, n_people, per_person, pieces, seed)
    people = [f"p{i:06d}" for i in range(n_people)]
    write_yaml(table, people, workdir / "workforce.yaml")
    pcsv.write_csv(table, workdir / "assessments.csv")
    pq.write_table(table, workdir / "assessments.parquet")
    small = set(people[:sample])
    import pyarrow.compute as pc

    part = table.filter(
        pc.is_in(table.column("person"), value_set=__import__("pyarrow").array(sorted(small)))
    )
    write_yaml(part, people[:sample], workdir / "sample.yaml")
    pcsv.write_csv(part, workdir / "sample.csv")
    (workdir / "people.txt").write_text("\n".join(people))
    return {"ratings": table.num_rows, "sample_ratings": part.num_rows}


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, workdir: Path, repeats: int, seed: int) -> dict[str, Any]:
    """One road in this process: phases timed, medians of ``repeats``."""
    from competency_core.scoring.bulk import readiness_matrix

    model = model_of(seed)
    out: dict[str, Any] = {}
    if kind.startswith("baseline"):
        from competency_core.io import load_workforce
        from competency_core.people import Person, Workforce

        def load() -> Any:
            if kind == "baseline-yaml":
                return load_workforce(workdir / "sample.yaml")
            from competency_csv import read_assessments

            rated = tuple(read_assessments(workdir / "sample.csv"))
            keys = dict.fromkeys(a.person for a in rated)
            return Workforce(people=tuple(Person(key=k, name=k) for k in keys), assessments=rated)

        out["load"], wf = median_time(load, repeats)
        out["matrix"], _ = median_time(lambda: readiness_matrix(model, wf, on=ON), repeats)
        out["total"] = out["load"] + out["matrix"]
        out["people"] = len(wf.people)  # type: ignore[attr-defined]
    else:
        from competency_core.scale.readers import read_evidence
        from competency_core.scale.resolve import resolve

        path = (
            workdir
            / {
                "yaml": "workforce.yaml",
                "csv": "assessments.csv",
                "parquet": "assessments.parquet",
            }[kind]
        )
        out["load"], cols = median_time(lambda: read_evidence(path), repeats)
        out["resolve"], levels = median_time(lambda: resolve(model, cols, on=ON), repeats)  # type: ignore[arg-type]
        out["matrix"], _ = median_time(lambda: readiness_matrix(model, levels, on=ON), repeats)  # type: ignore[arg-type]
        out["total"] = out["load"] + out["resolve"] + out["matrix"]
        out["people"] = len(levels.people)  # type: ignore[attr-defined]
        # the levels equal today's on the sample (checked here, not only in the tests)
        if kind == "yaml":
            from competency_core.io import load_workforce
            from competency_core.scoring.bulk import PeopleLevels

            wf = load_workforce(workdir / "sample.yaml")
            ref = PeopleLevels.from_workforce(model, wf, on=ON)
            got = resolve(model, read_evidence(workdir / "sample.yaml"), on=ON)
            out["same_as_today"] = bool(
                np.array_equal(ref.normalised, got.normalised, equal_nan=True)
            )
    out["peak_mib"] = peak_mib()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--competencies", type=int, default=5)
    ap.add_argument("--pieces", type=int, default=10)
    ap.add_argument("--sample", type=int, default=1_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.workdir), args.repeats, args.seed)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        t = time.perf_counter()
        size = files(workdir, args.people, args.competencies, args.pieces, args.sample, args.seed)
        mib = {
            f: (workdir / f).stat().st_size / 2**20
            for f in ("workforce.yaml", "assessments.csv", "assessments.parquet")
        }
        print(
            f"{args.people:,} people, {size['ratings']:,} assessments ({args.competencies} competencies a "
            f"person, ~{args.pieces} ratings each); model: 80 competencies, 500 roles; as of {ON}"
        )
        print(
            f"files: YAML {mib['workforce.yaml']:.0f} MiB, CSV {mib['assessments.csv']:.0f} MiB, "
            f"Parquet {mib['assessments.parquet']:.0f} MiB (written in {time.perf_counter() - t:.0f} s)"
        )
        results: dict[str, dict[str, Any]] = {}
        for kind in ("baseline-yaml", "baseline-csv", "yaml", "csv", "parquet"):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--workdir", str(workdir),
                 "--repeats", str(args.repeats), "--seed", str(args.seed)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode:
                print(f"{kind}: failed\n{proc.stderr[-3000:]}")
                return 1
            results[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
        scale = args.people / results["baseline-yaml"]["people"]
        print(
            f"\ntoday's road measured on the first {args.sample:,} people ({size['sample_ratings']:,} "
            f"assessments) and scaled x{scale:.0f} to the full size (linear: one person at a time)"
        )
        print(
            f"{'road':<10}{'load s':>9}{'resolve s':>11}{'matrix s':>10}{'total s':>10}{'peak MiB':>10}{'vs today':>10}"
        )
        for kind, base in (
            ("yaml", "baseline-yaml"),
            ("csv", "baseline-csv"),
            ("parquet", "baseline-csv"),
        ):
            b = results[base]
            r = results[kind]
            today = b["total"] * scale
            print(
                f"{'today ' + kind:<10}{b['load'] * scale:>9.1f}{'(in load)':>11}{b['matrix'] * scale:>10.1f}"
                f"{today:>10.1f}{b['peak_mib']:>10.0f}{'':>10}"
                if kind != "parquet" else f"{'today':<10}{'(no Parquet road today; CSV baseline)':>60}"
            )  # fmt: skip
            print(
                f"{kind:<10}{r['load']:>9.2f}{r['resolve']:>11.2f}{r['matrix']:>10.2f}{r['total']:>10.2f}"
                f"{r['peak_mib']:>10.0f}{today / r['total']:>9.0f}x"
            )
        print(f"\nbaseline peak MiB is for {args.sample:,} people (not scaled)")
        print(f"YAML levels equal today's on the sample: {results['yaml'].get('same_as_today')}")
        print(
            f"target: under 10 s from file to matrix: YAML {results['yaml']['total']:.1f} s, CSV {results['csv']['total']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
