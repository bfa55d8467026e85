"""SCIM pull benchmark: 10,000 users pulled from a local scim2-server in pages of 100.

The server is the real ``scim2-server`` command, started in a subprocess on a free port
(so the memory figures are the client's alone), seeded over HTTP with /Bulk. Each figure
is the median of ``--repeats`` runs (round robin over the rows): wall time, and the CPU
time of the benchmark process alone (the client's work: the server runs in another
process), with peak Python memory (tracemalloc) measured in one more run so the time is
not slowed by tracing:

* **adapter pull, streamed**: ``ScimAdapter.pull_people()`` (users -> people through the
  role mapping), pages of 100, people counted and dropped: what ``competency sync scim
  pull`` does before it writes its output;
* **adapter pull, kept**: the same, every person kept in a list;
* **client stream**: ``ScimClient.users()`` alone (the raw JSON), pages of 100;
* baseline **requests loop**: a hand-written ``requests`` loop over the same pages;
* baseline **one big page**: one request of ``count=10000`` (all held at once).

    .venv/bin/python benchmarks/bench_scim_pull.py                # 10,000 users, 3 repeats
    .venv/bin/python benchmarks/bench_scim_pull.py --users 2000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from competency_scim.adapter import ScimAdapter
from competency_scim.client import ScimClient
from competency_testing.scim.localserver import free_port

TOKEN = "bench-token"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CONFIG = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "patch": {"supported": True},
    "bulk": {"supported": True, "maxOperations": 1000, "maxPayloadSize": 10_000_000},
    "filter": {"supported": True, "maxResults": 100_000},
    "changePassword": {"supported": False},
    "sort": {"supported": True},
    "etag": {"supported": True},
}
TITLES = ("Software Engineer", "Senior Software Engineer", "Data Analyst", "Chef")


TRACED = (
    "adapter pull, streamed (pages of 100)",
    "adapter pull, people kept",
    "client stream (raw JSON, pages of 100)",
    "baseline: one big page",
)


def users(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
            "userName": f"user{i:06d}@example.com",
            "displayName": f"User {i}",
            "name": {"givenName": "User", "familyName": str(i)},
            "emails": [{"value": f"user{i:06d}@example.com", "type": "work", "primary": True}],
            "title": TITLES[i % len(TITLES)],
            "active": True,
            ENT: {"employeeNumber": str(100000 + i), "department": f"Dept {i % 20}"},
        }


@contextmanager
def scim2_server(n_users: int) -> Iterator[str]:
    """The ``scim2-server`` command on a free port, seeded with ``n_users`` users."""
    exe = shutil.which("scim2-server") or str(Path(sys.executable).with_name("scim2-server"))
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-scim-") as d:
        config = Path(d) / "config.json"
        config.write_text(json.dumps(CONFIG))
        proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(port),
                "--bearer-token",
                TOKEN,
                "--service-provider-config",
                str(config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/v2"
        try:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {TOKEN}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    if session.get(url + "/ServiceProviderConfig", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("scim2-server did not start")
                time.sleep(0.05)
            batch: list[dict[str, Any]] = []
            for i, u in enumerate(users(n_users)):
                batch.append({"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": u})
                if len(batch) == 1000 or i == n_users - 1:
                    body = {
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                        "Operations": batch,
                    }
                    r = session.post(url + "/Bulk", json=body, timeout=300)
                    r.raise_for_status()
                    batch = []
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def adapter_streamed(url: str) -> int:
    a = ScimAdapter.configure(
        {
            "url": url,
            "token": TOKEN,
            "page_size": 100,
            "active_only": False,
            "role_titles": {"Software Engineer": "engineer", "Data Analyst": "analyst"},
        },
        env={},
    )
    return sum(1 for _ in a.pull_people())


def adapter_kept(url: str) -> int:
    a = ScimAdapter.configure(
        {
            "url": url,
            "token": TOKEN,
            "page_size": 100,
            "active_only": False,
            "role_titles": {"Software Engineer": "engineer", "Data Analyst": "analyst"},
        },
        env={},
    )
    kept = list(a.pull_people())
    return len(kept)


def client_stream(url: str) -> int:
    with ScimClient(url, TOKEN, page_size=100) as c:
        return sum(1 for _ in c.users())


def requests_loop(url: str) -> int:
    n, start = 0, 1
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {TOKEN}"
        while True:
            page = s.get(
                url + "/Users", params={"startIndex": start, "count": 100}, timeout=60
            ).json()
            got = len(page.get("Resources", []))
            n += got
            start += got
            if not got or start > page["totalResults"]:
                return n


def one_big_page(url: str) -> int:
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {TOKEN}"
        page = s.get(url + "/Users", params={"startIndex": 1, "count": 100_000}, timeout=300).json()
        return len(page["Resources"])


def warm_up(url: str) -> None:
    """Imports and first-use costs (scim2-models, the mapping), so no row pays for them."""
    a = ScimAdapter.configure({"url": url, "token": TOKEN, "page_size": 5}, env={})
    for _ in zip(range(5), a.pull_people(), strict=False):
        pass


def run(fn: Callable[[str], int], url: str, expected: int) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process (the client's; the server is another)."""
    t, cpu = time.perf_counter(), time.process_time()
    n = fn(url)
    seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - cpu
    if n != expected:
        raise SystemExit(f"{fn.__name__} read {n} users, not {expected}")
    return seconds, cpu_seconds


def peak_mib(fn: Callable[[str], int], url: str) -> float:
    """Peak MiB of Python allocations during one run (traced, so not timed)."""
    tracemalloc.start()
    fn(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("COMPETENCY_SCIM_TOKEN", None)
    t = time.perf_counter()
    with scim2_server(args.users) as url:
        print(
            f"scim2-server seeded with {args.users:,} users in {time.perf_counter() - t:.1f} s (/Bulk)",
            flush=True,
        )
        rows = [
            ("adapter pull, streamed (pages of 100)", adapter_streamed),
            ("adapter pull, people kept", adapter_kept),
            ("client stream (raw JSON, pages of 100)", client_stream),
            ("baseline: requests loop (pages of 100)", requests_loop),
            ("baseline: one big page", one_big_page),
        ]
        warm_up(url)
        times: dict[str, list[float]] = {name: [] for name, _ in rows}
        cpus: dict[str, list[float]] = {name: [] for name, _ in rows}
        for r in range(args.repeats):  # round robin, so a slow moment hits every row alike
            for name, fn in rows:
                wall, cpu = run(fn, url, args.users)
                times[name].append(wall)
                cpus[name].append(cpu)
                print(f"  run {r + 1}: {name}: {wall:.1f} s, client CPU {cpu:.1f} s", flush=True)
        peaks = {}
        for name, fn in rows:
            peaks[name] = peak_mib(fn, url) if name in TRACED else float("nan")
            if name in TRACED:
                print(f"  traced: {name}: {peaks[name]:.1f} MiB", flush=True)
        results = {
            name: (statistics.median(times[name]), statistics.median(cpus[name]), peaks[name])
            for name, _ in rows
        }
    _, base_cpu, _ = results["baseline: requests loop (pages of 100)"]
    base_t = results["baseline: requests loop (pages of 100)"][0]
    big_m = results["baseline: one big page"][2]
    print(
        f"\n{'':40} {'wall':>8} {'users/s':>8} {'client CPU':>10} {'CPU vs loop':>11} "
        f"{'peak MiB':>9} {'mem vs big':>10}"
    )
    for name, (sec, cpu, mib) in results.items():
        traced = not math.isnan(mib)
        memory = f"{mib:9.1f}" if traced else f"{'-':>9}"
        versus = f"{mib / big_m:9.2f}x" if traced else f"{'-':>10}"
        print(
            f"{name:40} {sec:7.1f}s {args.users / sec:8,.0f} {cpu:9.2f}s "
            f"{cpu / base_cpu:10.2f}x {memory} {versus}"
        )
    streamed = results["adapter pull, streamed (pages of 100)"]
    print(
        f"\nstreamed adapter pull: wall {streamed[0] / base_t:.2f}x and client CPU "
        f"{streamed[1] / base_cpu:.2f}x those of a bare requests loop; peak memory "
        f"{streamed[2] / big_m:.2f}x that of one big page"
    )


if __name__ == "__main__":
    main()
