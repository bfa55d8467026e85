"""SCIM benchmarks: the inbound service (people provisioned in) and the client pull.

``--part inbound``: **10,000 users provisioned into the inbound service** in /Bulk requests
of 1,000 creations (with the Enterprise extension and a title to map), and ``--single``
users (default 1,000) sent one request each as Okta and Entra ID send them (a userName
lookup first, then the create, the manager as a bare id). The requests go to the WSGI application in-process (no sockets), so
the figures are the service's: scim2-server's protocol core, our storage on the store
(SQLite file, default durability), the projection onto people and the role mapping.
Baseline in the same run: the same scim2-server core on its own in-memory storage
(``scim2_server.memory.InMemoryStorage``, which keeps nothing on disk and maps nothing).
Each run is a fresh process (and a fresh store); times are medians of ``--repeats`` runs,
and the memory figure is the peak resident memory the work added above the process's size
once the service was set up (Linux ``VmHWM`` - ``VmRSS``).

``--postgres`` adds the /Bulk row on a temporary PostgreSQL server (durable, started before
the timing), with its ratio to the same in-memory baseline. The /Bulk rows also print the seconds of each thousand users, first against
last: provisioning is linear when the last thousand is no slower than the first.

``--part pull``: the client pull (10,000 users from a local scim2-server in pages of 100),
in ``benchmarks/bench_scim_pull.py``; ``--part all`` runs both.

    .venv/bin/python benchmarks/bench_scim.py --part inbound             # 10,000 users, 3 repeats
    .venv/bin/python benchmarks/bench_scim.py --part inbound --users 2000 --single 200 --repeats 1
    .venv/bin/python benchmarks/bench_scim.py --part inbound --postgres --repeats 1
"""

from __future__ import annotations

import argparse
import io
import json
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scim2_server.memory import InMemoryStorage

from competency_core.io import load_model
from competency_core.store import Store
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER, RoleMapping, mapping_report
from competency_scim.service import TolerantService, build_provider, create_app
from competency_testing.scim.idp import SAMPLE_MAPPING

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
TOKEN = "bench-token"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
TITLES = (
    "Software Engineer",
    "Senior Software Engineer",
    "Sr. Software Engineer",
    "Engineering Manager",
    "SRE II",
    "Office Manager",
)

# -- inbound -----------------------------------------------------------------------------------


def user(i: int) -> dict[str, Any]:
    """The i-th user, as an identity provider sends it (manager: an earlier user's id)."""
    return {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "userName": f"user{i:05d}@example.com",
        "externalId": f"E{i:05d}",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i}"},
        "emails": [{"value": f"user{i:05d}@example.com", "type": "work", "primary": True}],
        "active": True,
        "title": TITLES[i % len(TITLES)],
        ENTERPRISE_USER: {
            "employeeNumber": f"{i:05d}",
            "department": f"Department {i % 20}",
            "costCenter": f"CC-{i % 50:04d}",
        },
    }


class Caller:
    """Calls a WSGI application in-process, as an HTTP server would (no sockets)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.status = ""

    def __call__(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        data = b"" if body is None else json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": f"/v2/{path}",
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
            "CONTENT_TYPE": "application/scim+json",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            self.status = status
            return None

        out = b"".join(self.app(environ, start_response))
        if not self.status.startswith("2"):
            raise RuntimeError(f"{method} {path}: {self.status} {out[:200]!r}")
        return json.loads(out) if out else None


def one_by_one(call: Caller, n: int) -> int:
    """Okta/Entra style: look the userName up, then create; the manager is an earlier user."""
    ids: list[str] = []
    for i in range(n):
        body = user(i)
        found = call("GET", "Users", query=f"filter=userName+eq+%22{body['userName']}%22")
        assert found["totalResults"] == 0
        if i >= 10:
            body[ENTERPRISE_USER]["manager"] = ids[i // 10]  # a bare id, as Entra sends it
        ids.append(call("POST", "Users", body)["id"])
    return len(ids)


def in_bulk(call: Caller, n: int, per_request: int = 1000, laps: list[float] | None = None) -> int:
    """The same users in /Bulk requests of ``per_request`` creations.

    ``laps`` (if given) receives the seconds of each request: with the default 1,000
    creations a request, the time of each thousand users (the first against the last
    shows whether provisioning stays linear as the directory grows).
    """
    done = 0
    for start in range(0, n, per_request):
        ops = [
            {"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user(i)}
            for i in range(start, min(n, start + per_request))
        ]
        started = time.perf_counter()
        answer = call("POST", "Bulk", {"schemas": [BULK], "Operations": ops})
        if laps is not None:
            laps.append(time.perf_counter() - started)
        done += sum(1 for op in answer["Operations"] if op["status"] == "201")
    return done


@contextmanager
def competency_service(folder: Path, url: str | None = None) -> Iterator[tuple[Caller, Store]]:
    """The inbound service on a fresh store (SQLite, or ``url``), with the sample role mapping."""
    path = url or folder / f"inbound-{time.perf_counter_ns()}.sqlite3"
    config_model = load_model(EXAMPLES / "software-engineering.yaml")
    mapping = RoleMapping.model_validate(SAMPLE_MAPPING)
    with Store(path) as store:
        from competency_scim.service import service_provider_config

        config = service_provider_config(bulk_operations=1000)
        app = create_app(store, token=TOKEN, mapping=mapping, model=config_model, config=config)
        yield Caller(app), store


@contextmanager
def postgres_service(folder: Path) -> Iterator[tuple[Caller, Store]]:
    """The inbound service on a fresh database of a temporary PostgreSQL server (durable)."""
    from competency_testing.postgres import postgres_server

    with (
        postgres_server(durable=True) as server,
        competency_service(folder, server.create_database("inbound")) as service,
    ):
        yield service


@contextmanager
def memory_service(folder: Path) -> Iterator[tuple[Caller, None]]:
    """The baseline: scim2-server's core on its in-memory storage (same provider, same auth)."""
    from scim2_server.applications.wsgi import WSGIApplication

    from competency_scim.service import service_provider_config

    provider = build_provider(service_provider_config(bulk_operations=1000))

    class Baseline(WSGIApplication):
        def check_auth(self, request: Any) -> None:
            pass

    yield Caller(Baseline(InMemoryStorage(), provider, TolerantService(provider))), None


def _memory_kib(field: str) -> int:
    """A line of /proc/self/status in KiB (VmRSS: now, VmHWM: the peak so far)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


ROWS: dict[str, tuple[Callable[[Path], Any], Callable[[Caller, int], int]]] = {
    "bulk": (competency_service, in_bulk),
    "bulk-baseline": (memory_service, in_bulk),
    "bulk-postgres": (postgres_service, in_bulk),
    "single": (competency_service, one_by_one),
    "single-baseline": (memory_service, one_by_one),
}


def measure(row: str, n: int) -> dict[str, Any]:
    """One run of a row in this process: seconds, and the peak memory the work added (MiB).

    The peak is the process's high-water mark (VmHWM) above its resident size once the
    service is set up, so each row runs in a fresh process (see :func:`run_row`). The
    /Bulk rows also give ``laps``: the seconds of each request of 1,000 users.
    """
    service, work = ROWS[row]
    laps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, service(Path(tmp)) as (call, _store):
        call("GET", "ServiceProviderConfig")  # warm up: imports, caches
        before = _memory_kib("VmRSS")
        started = time.perf_counter()
        done = in_bulk(call, n, laps=laps) if work is in_bulk else work(call, n)
        assert done == n
        seconds = time.perf_counter() - started
        peak = _memory_kib("VmHWM")
    return {"seconds": seconds, "peak_mib": max(0, peak - before) / 1024, "laps": laps}


def run_row(row: str, n: int) -> dict[str, Any]:
    """:func:`measure` in a fresh Python process."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", row, "--users", str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def bench_inbound(n: int, repeats: int, single: int, postgres: bool = False) -> None:
    """Part 2: ``n`` users provisioned into the inbound service, against scim2-server's memory."""
    print(
        "SCIM inbound: users provisioned into the service (in-process WSGI, "
        f"a fresh process per run), median of {repeats} run(s)"
    )
    rows = [
        ("bulk", n, f"competency-core, {n:,} users in /Bulk of 1,000"),
        ("bulk-baseline", n, f"scim2-server in memory, {n:,} users in /Bulk (baseline)"),
        ("single", single, f"competency-core, {single:,} users one request each"),
        ("single-baseline", single, f"scim2-server in memory, {single:,} one each (baseline)"),
    ]
    if postgres:
        rows.insert(1, ("bulk-postgres", n, f"competency-core on PostgreSQL, {n:,} in /Bulk"))
    results: dict[str, list[dict[str, Any]]] = {row: [] for row, _, _ in rows}
    for _ in range(repeats):
        for row, count, _ in rows:
            results[row].append(run_row(row, count))
    seconds = {row: statistics.median(r["seconds"] for r in results[row]) for row, _, _ in rows}
    peaks = {row: statistics.median(r["peak_mib"] for r in results[row]) for row, _, _ in rows}
    print(f"{'':60} {'time':>9} {'users/s':>9} {'peak +MiB':>10}")
    for row, count, label in rows:
        print(f"{label:60} {seconds[row]:8.2f}s {count / seconds[row]:9,.0f} {peaks[row]:10.1f}")
    ratios = [("/Bulk", "bulk", "bulk-baseline"), ("one each", "single", "single-baseline")]
    if postgres:
        ratios.insert(1, ("/Bulk on PostgreSQL", "bulk-postgres", "bulk-baseline"))
    for kind, ours, base in ratios:
        print(
            f"ratio {kind}, competency-core / scim2-server in memory: "
            f"{seconds[ours] / seconds[base]:.2f}x time, "
            f"{peaks[ours] / max(peaks[base], 0.1):.2f}x peak memory"
        )
    print_linearity(results, n)
    with tempfile.TemporaryDirectory() as tmp, competency_service(Path(tmp)) as (call, store):
        one_by_one(call, min(single, 300))
        print(f"role mapping check: {mapping_report(store.people()).summary()}")


def print_linearity(results: dict[str, list[dict[str, Any]]], n: int) -> None:
    """The time of each thousand users in /Bulk: first and last thousand, and their ratio.

    Provisioning is linear when the last thousand takes no longer than the first (a
    lookup that reads every person makes each thousand slower than the one before).
    Medians over the runs, per thousand.
    """
    if n < 2000:
        print("linearity: needs at least 2,000 users (two thousands to compare)")
        return
    print("/Bulk, seconds per thousand users (median of the runs, each thousand):")
    for row, label in (
        ("bulk", "competency-core"),
        ("bulk-postgres", "... on PostgreSQL"),
        ("bulk-baseline", "scim2-server memory"),
    ):
        if row not in results:
            continue
        laps = [r["laps"] for r in results[row]]
        per = [statistics.median(run[i] for run in laps) for i in range(len(laps[0]))]
        shown = " ".join(f"{t:.2f}" for t in per)
        three = (
            f" (the last three against the first three: {sum(per[-3:]) / sum(per[:3]):.2f}x)"
            if len(per) >= 6
            else ""
        )
        print(
            f"  {label:20} {shown}\n  {'':20} last / first thousand: {per[-1] / per[0]:.2f}x{three}"
        )


# -- pull (the client: benchmarks/bench_scim_pull.py) ------------------------------------------


def bench_pull(argv: list[str]) -> None:
    """Part 1: the client pull, from its own script (it takes its own options)."""
    script = HERE / "bench_scim_pull.py"
    if not script.is_file():
        print(f"SCIM pull: {script.name} is not there; skipped")
        return
    saved = sys.argv
    sys.argv = [str(script), *argv]
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["inbound", "pull", "all"], default="all")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--single", type=int, default=1000, help="users sent one POST each (inbound)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also /Bulk into a temporary PostgreSQL server (inbound; needs its binaries)",
    )
    parser.add_argument("--measure", choices=sorted(ROWS), help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.users)))
        return
    if args.part in ("pull", "all"):
        bench_pull([f"--users={args.users}", f"--repeats={args.repeats}", *rest])
    if args.part in ("inbound", "all"):
        bench_inbound(args.users, args.repeats, args.single, args.postgres)


if __name__ == "__main__":
    main()
