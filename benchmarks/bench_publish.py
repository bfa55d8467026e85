"""Publishing benchmark: a model of 2,000 competencies and 500 roles to XLSX and HTML.

Each measurement runs in a fresh process (so its peak memory is its own) on a generated
model: 2,000 competencies (200 groups of 9, five levels, two indicators a level, a
definition, relations), 500 roles with 30 requirements each, career moves along each job
family. It prints medians of the repeats and ratios measured in the same run:

* workbook: :func:`write_workbook` forced into constant-memory mode vs the same workbook
  with constant-memory mode off (xlsxwriter keeps every cell in memory; what
  ``write_workbook`` chooses itself at this size): the baseline for the memory figure;
* handbook: :func:`write_handbook` (HTML, 2,000 + 1,500 + 9 pages; the competency and
  role pages in worker processes, one per CPU) and the cost of a page vs a model a tenth
  the size (does the time per page stay flat?);
* both: the workbook and the HTML handbook as the CLI publishes them (``publish_model``:
  the workbook in a forked process while the handbook is written, since issue 19), the issue's
  target (2,000 x 500 in <= 10 s wall and <= 500 MB peak RSS on the 2-core machine),
  printed as a share of the target and as a ratio to the baseline:
* baseline: the same "both" run with the code of an earlier commit (``--baseline REV``,
  default :data:`BASELINE_REV`, the tree before issue 19's publishing work: one process,
  constant memory), extracted with ``git archive`` into a temporary folder and imported
  from there, in the same run.

    .venv/bin/python benchmarks/bench_publish.py                 # 3 repeats, ~5-10 minutes
    .venv/bin/python benchmarks/bench_publish.py --repeats 1 --competencies 500 --roles 100
    .venv/bin/python benchmarks/bench_publish.py --baseline none # no baseline run

Time is wall-clock; CPU is the user + system time of the measuring process and its
worker processes (the steadier figure on a shared machine). Peak memory is the measuring
process's peak resident set size while it publishes (Linux: VmHWM, reset after the model
is built, so building it does not count; elsewhere ``ru_maxrss`` since the start); a
worker's peak is printed beside it (workers are forked, so they share the model's pages
with it); "model loaded" is the resident size before publishing (Python, the libraries and
the model).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 10.0
TARGET_MB = 500.0
TARGET_SIZE = (2000, 500)
"""The size the target is for (issue 19): competencies x roles."""
BASELINE_REV = "0da27fc"
"""The commit whose publishing code is the baseline (before issue 19's publishing work)."""
GROUP = 10
"""Competencies per group: one parent and nine children."""


def build_model(n_competencies: int, n_roles: int, per_role: int = 30) -> Any:
    """A generated model of the given size (deterministic)."""
    from competency_core.model import CompetencyModel

    levels = [
        {"value": v, "label": label, "description": f"{label}: what level {v} looks like."}
        for v, label in enumerate(
            ["Awareness", "Foundation", "Practitioner", "Advanced", "Expert"], start=1
        )
    ]
    comps: list[dict[str, Any]] = []
    for i in range(n_competencies):
        group = i // GROUP
        parent = None if i % GROUP == 0 else f"c{group * GROUP:05d}"
        comps.append(
            {
                "key": f"c{i:05d}",
                "name": f"Competency {i} of group {group}",
                "domain": ("technical", "behavioural", "leadership")[group % 3],
                "category": f"group-{group % 40}",
                "scale": "five",
                "parent": parent,
                "definition": (
                    f"What competency {i} means: doing the work of area {group} well, "
                    "reliably and in a way others can build on."
                ),
                "indicators": {
                    v: [
                        f"Shows competency {i} at level {v} in everyday work, with examples.",
                        f"Helps others with competency {i} at level {v} when asked.",
                    ]
                    for v in range(1, 6)
                },
                "related": [f"c{(i + 7) % n_competencies:05d}"] if i % 5 == 0 else [],
            }
        )
    families = max(1, n_roles // 5)
    roles = []
    for j in range(n_roles):
        family, level = j % families, j // families + 1
        picked = sorted({(j * 37 + k * 61) % n_competencies for k in range(per_role)})
        roles.append(
            {
                "key": f"r{j:04d}",
                "title": f"Role {j} (family {family}, level {level})",
                "family": f"family-{family}",
                "level": level,
                "summary": f"Role {j} does the work of family {family} at level {level}.",
                "requirements": [
                    {
                        "competency": f"c{c:05d}",
                        "level": 1 + (c + j) % 5,
                        "weight": 1 + c % 3,
                        "essential": (c + j) % 4 != 0,
                    }
                    for c in picked
                ],
            }
        )
    transitions = [
        {"source": f"r{j:04d}", "target": f"r{j + families:04d}", "kind": "promotion"}
        for j in range(n_roles - families)
    ]
    return CompetencyModel.model_validate(
        {
            "key": "bench",
            "name": "Benchmark model",
            "version": "1.0.0",
            "scales": [{"key": "five", "name": "Five levels", "proficient": 3, "levels": levels}],
            "competencies": comps,
            "roles": roles,
            "transitions": transitions,
        }
    )


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Start the peak RSS afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    hwm = _status_mb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _child(
    case: str, n_competencies: int, n_roles: int, out: str, queue: Any, src: str | None = None
) -> None:
    if src is not None:  # the baseline: an earlier commit's code, imported from its tree
        sys.path.insert(0, src)
    from competency_core.cli.publish import publish_model
    from competency_core.publish import write_handbook, write_workbook

    model = build_model(n_competencies, n_roles)
    gc.collect()
    # what the model and the libraries take, then the peak of publishing alone (where the
    # peak can be reset; else the peak includes building the model)
    loaded = _status_mb("VmRSS") if _reset_peak() else None
    loaded = loaded if loaded is not None else _peak_mb()
    root = Path(out)
    start, cpu = time.perf_counter(), _cpu()
    detail: dict[str, Any] = {}
    if case == "both":
        # as the CLI publishes: the size decides the workbook's mode; the current code writes
        # the workbook in a forked process while this one writes the handbook
        done = publish_model(model, xlsx=root / "model.xlsx", html=root / "handbook")
        detail["constant_memory"] = done[0]["constant_memory"]
        detail["sheets"] = done[0]["sheets"]
        detail["xlsx_mb"] = (root / "model.xlsx").stat().st_size / 1e6
        detail["pages"] = done[1]["pages"]
    if case == "xlsx":
        wb = write_workbook(model, root / "model.xlsx", constant_memory=True)
        detail["constant_memory"] = wb.constant_memory
        detail["sheets"] = len(wb.sheets)
        detail["xlsx_mb"] = (root / "model.xlsx").stat().st_size / 1e6
    if case == "xlsx-in-memory":
        wb = write_workbook(model, root / "model.xlsx", constant_memory=False)
        detail["constant_memory"] = wb.constant_memory
    if case == "html":
        # the pages alone (the career-graph picture is a fixed matplotlib cost)
        hb = write_handbook(model, root / "handbook", career_graph=False)
        detail["pages"] = len(hb.pages)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
    queue.put(
        {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mb": _peak_mb(),
            "worker_mb": worker_mb,
            "loaded_mb": loaded,
            **detail,
        }
    )


def measure(
    case: str, n_competencies: int, n_roles: int, repeats: int, src: str | None = None
) -> dict[str, Any]:
    """Median time and peak memory of ``case`` over ``repeats`` fresh processes."""
    ctx = mp.get_context("spawn")
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-publish-") as out:
            queue = ctx.Queue()
            proc = ctx.Process(target=_child, args=(case, n_competencies, n_roles, out, queue, src))
            proc.start()
            result = queue.get(timeout=900)
            proc.join()
            if proc.exitcode != 0:
                raise RuntimeError(f"{case}: the measuring process failed ({proc.exitcode})")
            runs.append(result)
    summary = dict(runs[0])
    for key in ("seconds", "cpu", "peak_mb", "worker_mb", "loaded_mb"):
        summary[key] = statistics.median(r[key] for r in runs)
    return summary


def checkout(rev: str, into: str) -> str:
    """The ``src`` folder of commit ``rev`` written under ``into`` (``git archive``)."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return str(Path(into) / "src")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competencies", type=int, default=2000)
    parser.add_argument("--roles", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--baseline",
        default=BASELINE_REV,
        help=f"Commit whose code is the baseline (default {BASELINE_REV}; 'none': no baseline).",
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument(
        "--only-both",
        action="store_true",
        help="Measure only workbook + handbook (and the baseline), not the single cases.",
    )
    args = parser.parse_args(argv)
    n, r, k = args.competencies, args.roles, args.repeats
    small = (max(GROUP, n // 10), max(5, r // 10))

    results: dict[str, dict[str, Any]] = {}
    if not args.only_both:
        results["xlsx"] = measure("xlsx", n, r, k)
        results["xlsx-in-memory"] = measure("xlsx-in-memory", n, r, k)
        results["html"] = measure("html", n, r, k)
        results["html-small"] = measure("html", *small, k)
    results["both"] = measure("both", n, r, k)
    if args.baseline != "none":
        with tempfile.TemporaryDirectory(prefix="bench-publish-baseline-") as tree:
            results["baseline"] = measure("both", n, r, k, src=checkout(args.baseline, tree))
            results["baseline"]["rev"] = args.baseline
    if args.json:
        print(json.dumps(results, indent=2))
        return 0

    print(f"Publishing {n:,} competencies x {r:,} roles (medians of {k} fresh processes)")
    print(f"{'case':<38}{'time':>9}{'CPU':>9}{'peak RSS':>11}{'worker':>9}{'model loaded':>14}")
    labels = {
        "xlsx": "workbook (constant memory)",
        "xlsx-in-memory": "workbook (in memory, as chosen)",
        "html": "HTML handbook",
        "html-small": f"HTML handbook, {small[0]} x {small[1]}",
        "both": "workbook + HTML handbook",
    }
    rows = [(label, results[case]) for case, label in labels.items() if case in results]
    if "baseline" in results:
        rows.append((f"the same, code of {args.baseline} (baseline)", results["baseline"]))
    for label, res in rows:
        print(
            f"{label:<38}{res['seconds']:>8.2f}s{res['cpu']:>8.2f}s"
            f"{res['peak_mb']:>9.0f}MB{res['worker_mb']:>7.0f}MB{res['loaded_mb']:>12.0f}MB"
        )
    if not args.only_both:
        _print_single_cases(results)
    both = results["both"]
    # the workbook's process and the handbook's workers are forked: their peaks are beside
    # the parent's; the sum is an upper bound of the memory in use at once (pages shared)
    peak = both["peak_mb"] + both["worker_mb"]
    ok = both["seconds"] <= TARGET_SECONDS and peak <= TARGET_MB
    size = f"{TARGET_SIZE[0]:,} x {TARGET_SIZE[1]:,}"
    print(
        f"target (publish {size}: workbook + handbook <= {TARGET_SECONDS:.0f} s wall, "
        f"<= {TARGET_MB:.0f} MB): {both['seconds']:.2f} s median wall = "
        f"{both['seconds'] / TARGET_SECONDS:.2f}x the target ({both['cpu']:.2f} s CPU), "
        f"{peak:.0f} MB (this process + its largest child) -> {'met' if ok else 'NOT met'}"
    )
    if (n, r) != TARGET_SIZE:
        print(f"note: measured at {n:,} x {r:,}, not the target's size {size}")
    if "baseline" in results:
        base = results["baseline"]
        print(
            f"vs the baseline (code of {args.baseline}, same run): "
            f"{base['seconds']:.2f} s wall, {base['cpu']:.2f} s CPU -> now "
            f"{base['seconds'] / both['seconds']:.2f}x faster in wall time, "
            f"{base['cpu'] / both['cpu']:.2f}x less CPU "
            f"(new/old: wall {both['seconds'] / base['seconds']:.2f}, "
            f"CPU {both['cpu'] / base['cpu']:.2f})"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if both["cpu"] < 0.7 * both["seconds"]:
        print(
            f"note: the processes had {both['cpu'] / both['seconds']:.0%} of a CPU on average "
            "(a busy machine, or waiting on the disk); the CPU time is the steadier figure"
        )
    return 0


def _print_single_cases(results: dict[str, dict[str, Any]]) -> None:
    """The workbook's memory modes and the handbook's cost a page."""
    cm, mem = results["xlsx"], results["xlsx-in-memory"]
    print(
        f"\nworkbook: {cm['sheets']} sheets, {cm['xlsx_mb']:.1f} MB file; peak RSS above the "
        f"loaded model: {cm['peak_mb'] - cm['loaded_mb']:.0f} MB in constant-memory mode vs "
        f"{mem['peak_mb'] - mem['loaded_mb']:.0f} MB in memory; CPU time "
        f"{cm['cpu'] / mem['cpu']:.2f}x the in-memory mode's"
    )
    big, little = results["html"], results["html-small"]
    per_big = big["cpu"] / big["pages"] * 1000
    per_small = little["cpu"] / little["pages"] * 1000
    print(
        f"handbook: {big['pages']:,} pages, {per_big:.2f} ms CPU a page vs {per_small:.2f} ms a page "
        f"for {little['pages']:,} pages ({per_big / per_small:.2f}x)"
    )


if __name__ == "__main__":
    sys.exit(main())
