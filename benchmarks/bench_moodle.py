"""Moodle benchmark: push a 1,000-competency framework, then push it again unchanged.

Runs against the local Moodle emulator (a real HTTP server on 127.0.0.1, in this process,
checking every call against Moodle's contract shipped in competency_testing), each repeat on a
fresh emulated site, and against a real Moodle 5.1 installed and served on this machine
from ``../shared/moodle/moodle-5.1.tar.xz`` (PHP's built-in server, PostgreSQL; a fresh
site per repeat; ``--no-real`` skips it), and prints the medians measured in this run:

* first push: plan + apply of the whole model (framework, competencies with hierarchy
  and related pairs, rules, course links, templates): web-service calls (read / write)
  and seconds;
* no-op re-push: plan + apply of the same model again: calls and seconds; it must make
  **0 write calls** (the script fails otherwise);
* the ratio of the re-push to the first push (the baseline), in time and in calls.

    .venv/bin/python benchmarks/bench_moodle.py                  # 1,000 competencies, 3 repeats
    .venv/bin/python benchmarks/bench_moodle.py --competencies 200 --repeats 1
    .venv/bin/python benchmarks/bench_moodle.py --real-repeats 3        # more real repeats

For the real Moodle it also prints the ratio of its times to the emulator's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from typing import Any

from competency_core.model import CompetencyModel
from competency_core.plugins import PluginRegistry
from competency_core.sync import InMemorySyncState, SyncEngine
from competency_moodle import MoodleAdapter
from competency_testing.moodle import MoodleEmulator, find_contract

LEVELS = ["Aware", "Foundation", "Practitioner", "Advanced", "Expert"]
TOKEN = "bench-token"


def big_model(n: int, per_parent: int = 9, roles: int = 10, courses: int = 20) -> CompetencyModel:
    """``n`` competencies: top-level groups of one parent and ``per_parent`` children."""
    comps: list[dict[str, Any]] = []
    parent = None
    for i in range(n):
        key = f"c{i:04d}"
        if i % (per_parent + 1) == 0:
            parent = key
            comps.append({"key": key, "name": f"Group {i}", "scale": "five"})
            continue
        comp: dict[str, Any] = {
            "key": key,
            "name": f"Competency {i}",
            "definition": f"What competency {i} means, in a sentence.",
            "scale": "five",
            "parent": parent,
            "indicators": {3: [{"text": f"Does thing {i} well"}]},
        }
        if i % 7 == 0 and i > 20:
            comp["related"] = [f"c{i - 13:04d}"]
        comps.append(comp)
    keys = [c["key"] for c in comps if "parent" in c]
    return CompetencyModel.model_validate(
        {
            "key": "bench",
            "name": "Benchmark framework",
            "scales": [
                {
                    "key": "five",
                    "name": "Five",
                    "proficient": 3,
                    "levels": [{"value": v, "label": x} for v, x in enumerate(LEVELS, 1)],
                }
            ],
            "competencies": comps,
            "roles": [
                {
                    "key": f"role-{r}",
                    "title": f"Role {r}",
                    "requirements": [
                        {"competency": k, "level": 3} for k in keys[r * 30 : r * 30 + 30]
                    ],
                }
                for r in range(roles)
            ],
            "learning_resources": [
                {
                    "key": f"course-{j}",
                    "title": f"Course {j}",
                    "develops": [{"competency": k, "to_level": 3} for k in keys[j * 5 : j * 5 + 5]],
                    "external_ids": {"moodle_course": f"CRS-{j}"},
                }
                for j in range(courses)
            ],
        }
    )


def run(moodle: MoodleEmulator, name: str, model: CompetencyModel) -> dict[str, Any]:
    site = moodle.add_site(name)
    scale = site.add_scale("Levels", LEVELS)
    for res in model.learning_resources:
        site.add_course(res.key, idnumber=res.external_ids["moodle_course"])
    return push_twice(moodle, moodle.site_url(name), TOKEN, scale, model, site=name)


def push_twice(
    log: Any, url: str, token: str, scale: int, model: CompetencyModel, site: str = ""
) -> dict[str, Any]:
    """A first push and a no-op re-push; calls counted from ``log`` (emulator or proxy)."""
    adapter = MoodleAdapter.configure({"url": url, "token": token, "scale_id": scale}, env={})
    engine = SyncEngine(
        adapter, InMemorySyncState(), registry=PluginRegistry.build(entry_points=False)
    )
    out: dict[str, Any] = {}
    for label in ("push", "repush"):
        log.reset_calls()
        started = time.perf_counter()
        plan = engine.plan_model(model)
        report = engine.apply(plan)
        seconds = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"{label} failed: {report.failed[:3]}")
        kinds = Counter(c.type for c in log.calls if c.site == site)
        out[label] = {
            "seconds": seconds,
            "read": kinds.get("read", 0),
            "write": kinds.get("write", 0),
            "changes": len(plan.pending),
        }
    adapter.close()
    return out


def run_real(model: CompetencyModel, repeats: int) -> tuple[list[dict[str, Any]], str]:
    """Push twice on a real Moodle 5.1 (a fresh site per repeat); the runs and its release."""
    from competency_testing.moodle.realsite.proxy import RecordingProxy
    from competency_testing.moodle.realsite.server import default_setup, real_moodle

    setup = default_setup()
    setup["scales"].append({"name": "Bench levels", "items": LEVELS})
    setup["courses"] += [
        {"shortname": r.key, "idnumber": r.external_ids["moodle_course"]}
        for r in model.learning_resources
    ]
    runs = []
    with real_moodle(setup=setup) as moodle, RecordingProxy(moodle.url) as proxy:
        release = moodle.version
        for _ in range(repeats):
            moodle.reset()
            scale = moodle.ids.scales["Bench levels"]
            runs.append(push_twice(proxy, proxy.url, moodle.token, scale, model))
    return runs, release


def report(title: str, runs: list[dict[str, Any]]) -> dict[str, float]:
    """Print the medians of ``runs``; the median seconds of each step."""

    def med(label: str, field: str) -> float:
        return statistics.median(r[label][field] for r in runs)

    print(title)
    for label, name in (("push", "first push"), ("repush", "no-op re-push")):
        calls = med(label, "read") + med(label, "write")
        print(
            f"{name:>14}: {med(label, 'seconds'):7.2f} s  {calls:6.0f} calls "
            f"({med(label, 'read'):.0f} read, {med(label, 'write'):.0f} write), "
            f"{med(label, 'changes'):.0f} changes planned"
        )
    push_calls = med("push", "read") + med("push", "write")
    re_calls = med("repush", "read") + med("repush", "write")
    print(
        f"re-push / push: {med('repush', 'seconds') / med('push', 'seconds'):.3f} of the time, "
        f"{re_calls / push_calls:.3f} of the calls"
    )
    writes = [r["repush"]["write"] for r in runs]
    if any(writes):
        sys.exit(f"the no-op re-push made write calls: {writes}")
    print("no-op re-push: 0 write calls in every repeat")
    return {"push": med("push", "seconds"), "repush": med("repush", "seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competencies", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--real-repeats", type=int, default=1, help="repeats on the real Moodle")
    parser.add_argument("--no-real", action="store_true", help="the emulator only")
    args = parser.parse_args()
    contract = find_contract()
    if contract is None:
        sys.exit("$COMPETENCY_MOODLE_CONTRACT names no file (unset: the packaged contract)")
    model = big_model(args.competencies)
    sizes = (
        f"{len(model.competencies)} competencies, "
        f"{sum(len(c.related) for c in model.competencies)} related pairs, "
        f"{len(model.roles)} templates, {len(model.learning_resources)} courses"
    )
    runs = []
    with MoodleEmulator(contract) as moodle:
        moodle.add_token(TOKEN)
        for i in range(args.repeats):
            runs.append(run(moodle, f"bench{i}", model))
    emulated = report(
        f"Moodle emulator (local, contract-checked): {sizes}; {args.repeats} repeat(s), medians",
        runs,
    )
    if args.no_real:
        return
    real_runs, release = run_real(model, args.real_repeats)
    real = report(
        f"\nReal Moodle {release} (PHP built-in server, PostgreSQL, on this machine): {sizes}; "
        f"{args.real_repeats} repeat(s), medians",
        real_runs,
    )
    print(
        f"real / emulator: first push {real['push'] / emulated['push']:.1f}x the time, "
        f"no-op re-push {real['repush'] / emulated['repush']:.1f}x"
    )


if __name__ == "__main__":
    main()
