"""CSV benchmark: write and read 100,000 assessment rows, against Python's csv module.

Prints, for each figure, the median of the repeats and its ratio to baselines measured in
the same run on the same rows:

* **write**: ``write_table(ASSESSMENTS, ...)`` (formula escaping, atomic write) vs
  ``csv.writer`` writing the same cells from the same objects;
* **read**: ``read_assessments`` (the file checked for bad rows first, then streamed as
  validated ``Assessment`` objects) vs ``csv.reader`` (rows of strings: the floor) and vs
  ``csv.DictReader`` + ``Assessment.model_validate`` per row (what a hand-written import
  with the same validation would do, in one pass);
* **read, skipping bad rows**: ``read_assessments(..., skip_bad_rows=True)``, one pass.

    .venv/bin/python benchmarks/bench_csv.py               # 100,000 rows, 5 repeats
    .venv/bin/python benchmarks/bench_csv.py --rows 10000 --repeats 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from competency_core.people import Assessment, RaterType
from competency_csv import ASSESSMENTS, read_assessments, write_table

COMPETENCIES = [f"c{i:02d}" for i in range(10)]
RATERS = [RaterType.SELF, RaterType.MANAGER, RaterType.PEER]
COLUMNS = ("person", "competency", "level", "date", "rater_type", "evidence", "model_version")


def workload(rows: int) -> list[Assessment]:
    """``rows`` assessments of 1,000 people, some with evidence (as in bench_store.py)."""
    rng = random.Random(7)
    n_people = max(1, rows // 100)
    start = dt.date(2020, 1, 1)
    return [
        Assessment(
            person=f"p{i % n_people:06d}",
            competency=COMPETENCIES[i % len(COMPETENCIES)],
            level=rng.randint(1, 5),
            rater_type=RATERS[i % len(RATERS)],
            date=start + dt.timedelta(days=(i // n_people) * 7),
            model_version="1.0.0",
            evidence=("review",) if i % 5 == 0 else (),
        )
        for i in range(rows)
    ]


def csv_write(path: Path, items: list[Assessment]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for a in items:
            writer.writerow(
                (
                    a.person,
                    a.competency,
                    a.level,
                    a.date.isoformat(),
                    a.rater_type.value,
                    "\n".join(a.evidence),
                    a.model_version,
                )
            )


def csv_read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def csv_read_validated(path: Path) -> list[Assessment]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            data: dict[str, Any] = {k: v for k, v in row.items() if v}
            if "evidence" in data:
                data["evidence"] = data["evidence"].split("\n")
            out.append(Assessment.model_validate(data))
    return out


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    items = workload(args.rows)
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as d:
        ours, theirs = Path(d) / "ours.csv", Path(d) / "theirs.csv"
        # check once that both sides handle the same data
        write_table(ours, ASSESSMENTS, items)
        csv_write(theirs, items)
        assert list(read_assessments(ours)) == items
        assert csv_read_validated(theirs) == items

        w_ours = median_time(lambda: write_table(ours, ASSESSMENTS, items), args.repeats)
        w_csv = median_time(lambda: csv_write(theirs, items), args.repeats)
        r_ours = median_time(lambda: list(read_assessments(ours)), args.repeats)
        r_skip = median_time(lambda: list(read_assessments(ours, skip_bad_rows=True)), args.repeats)
        r_csv = median_time(lambda: csv_read(theirs), args.repeats)
        r_val = median_time(lambda: csv_read_validated(theirs), args.repeats)
        size = ours.stat().st_size

    n = args.rows
    print(f"{n:,} assessment rows ({size / 1e6:.1f} MB), median of {args.repeats} runs")
    print(f"{'':44}{'time':>9}{'rows/s':>12}")
    for label, t in (
        ("write: competency_csv.write_table", w_ours),
        ("write: csv.writer (baseline)", w_csv),
        ("read: read_assessments (check, then stream)", r_ours),
        ("read: read_assessments(skip_bad_rows=True)", r_skip),
        ("read: csv.reader, strings (baseline)", r_csv),
        ("read: csv.DictReader + model_validate", r_val),
    ):
        print(f"{label:44}{t:8.2f}s{n / t:12,.0f}")
    print(f"write vs csv.writer: {w_ours / w_csv:.1f}x the time")
    print(
        f"read vs csv.reader: {r_ours / r_csv:.1f}x; "
        f"vs DictReader + validation: {r_ours / r_val:.1f}x "
        f"(skipping bad rows, one pass: {r_skip / r_val:.1f}x)"
    )


if __name__ == "__main__":
    main()
