"""Store benchmark: write 100,000 assessments and read back one person's history.

Runs on SQLite (a temporary file, default durability) and on PostgreSQL (a throw-away
server started from the OS binaries with fsync on, or $COMPETENCY_BENCH_POSTGRES_URL) in
the same run, and prints medians and ratios measured in that run:

* bulk write: all assessments in one transaction, through ``Store.add_assessments``;
* per-row write: a sample written one assessment per transaction (the naive baseline);
* history read: ``Store.assessments_of(person)`` for random people (100 rows each).

    .venv/bin/python benchmarks/bench_store.py            # 100,000 rows, 3 repeats
    .venv/bin/python benchmarks/bench_store.py --rows 20000 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from competency_core.people import Assessment, Person, RaterType
from competency_core.store import Store
from competency_testing.postgres import PostgresUnavailable, postgres_server

COMPETENCIES = [f"c{i:02d}" for i in range(10)]
RATERS = [RaterType.SELF, RaterType.MANAGER, RaterType.PEER]


def workload(rows: int, per_person: int = 100) -> tuple[list[Person], list[Assessment]]:
    rng = random.Random(7)
    n_people = max(1, rows // per_person)
    people = [Person(key=f"p{i:06d}", name=f"Person {i}", role="engineer") for i in range(n_people)]
    start = dt.date(2020, 1, 1)
    out = [
        Assessment(
            person=people[i % n_people].key,
            competency=COMPETENCIES[i % len(COMPETENCIES)],
            level=rng.randint(1, 5),
            rater_type=RATERS[i % len(RATERS)],
            date=start + dt.timedelta(days=(i // n_people) * 7),
            model_version="1.0.0",
            evidence=("review",) if i % 5 == 0 else (),
        )
        for i in range(rows)
    ]
    return people, out


@contextmanager
def sqlite_databases() -> Iterator[Callable[[], str]]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as d:
        counter = iter(range(1_000_000))
        yield lambda: f"sqlite:///{Path(d) / f'bench{next(counter)}.sqlite3'}"


@contextmanager
def postgres_databases() -> Iterator[Callable[[], str]]:
    given = os.environ.get("COMPETENCY_BENCH_POSTGRES_URL")
    if given:
        yield lambda: given  # the caller's database: tables are emptied between runs
        return
    with postgres_server(durable=True) as server:
        counter = iter(range(1_000_000))
        yield lambda: server.create_database(f"bench{next(counter)}")


def _empty(store: Store) -> None:
    import sqlalchemy as sa

    with store.engine.begin() as c:
        c.execute(sa.text("DELETE FROM cc_assessment"))
        c.execute(sa.text("DELETE FROM cc_person"))


def measure(
    new_url: Callable[[], str],
    people: list[Person],
    assessments: list[Assessment],
    repeats: int,
    per_row_sample: int,
    reads: int,
) -> dict[str, float]:
    bulk, per_row, read = [], [], []
    rng = random.Random(11)
    for _ in range(repeats):
        store = Store(new_url())
        try:
            _empty(store)
            store.upsert_people(people)
            t = time.perf_counter()
            store.add_assessments(assessments)
            bulk.append(time.perf_counter() - t)
            assert store.count_assessments() == len(assessments)
            sample = people[rng.randrange(len(people))].key
            t = time.perf_counter()
            for a in assessments[:per_row_sample]:
                store.add_assessments([a.model_copy(update={"person": sample})])
            per_row.append((time.perf_counter() - t) / per_row_sample)
            keys = [people[rng.randrange(len(people))].key for _ in range(reads)]
            timings = []
            for k in keys:
                t = time.perf_counter()
                history = store.assessments_of(k)
                timings.append(time.perf_counter() - t)
                assert history
            read.append(statistics.median(timings))
        finally:
            store.close()
    n = len(assessments)
    return {
        "bulk_s": statistics.median(bulk),
        "bulk_rows_per_s": n / statistics.median(bulk),
        "per_row_rows_per_s": 1 / statistics.median(per_row),
        "read_ms": statistics.median(read) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--per-row-sample", type=int, default=500)
    ap.add_argument("--reads", type=int, default=200)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args(argv)

    people, assessments = workload(args.rows)
    print(
        f"store benchmark: {len(assessments):,} assessments for {len(people):,} people, "
        f"{args.repeats} repeats (medians), per-row sample {args.per_row_sample}, "
        f"{args.reads} history reads"
    )
    results: dict[str, dict[str, float]] = {}
    backends: list[tuple[str, Callable[[], object]]] = [("sqlite", sqlite_databases)]
    if not args.no_postgres:
        backends.append(("postgresql", postgres_databases))
    for name, factory in backends:
        try:
            with factory() as new_url:  # type: ignore[attr-defined]
                results[name] = measure(
                    new_url, people, assessments, args.repeats, args.per_row_sample, args.reads
                )
        except PostgresUnavailable as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)

    print()
    print(f"{'backend':<12}{'bulk write':>14}{'bulk rows/s':>14}{'per-row rows/s':>16}"
          f"{'bulk/per-row':>14}{'history read':>15}")  # fmt: skip
    for name, r in results.items():
        print(
            f"{name:<12}{r['bulk_s']:>12.2f} s{r['bulk_rows_per_s']:>14,.0f}"
            f"{r['per_row_rows_per_s']:>16,.0f}"
            f"{r['bulk_rows_per_s'] / r['per_row_rows_per_s']:>13.0f}x"
            f"{r['read_ms']:>12.2f} ms"
        )
    if "sqlite" in results and "postgresql" in results:
        s, p = results["sqlite"], results["postgresql"]
        print()
        print("PostgreSQL vs SQLite (>1: PostgreSQL takes longer):")
        print(f"  bulk write time      {p['bulk_s'] / s['bulk_s']:.2f}x")
        print(f"  per-row write time   {s['per_row_rows_per_s'] / p['per_row_rows_per_s']:.2f}x")
        print(f"  history read time    {p['read_ms'] / s['read_ms']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
