"""SCIM benchmarks: the inbound service (people provisioned in) and the client pull.

``--part inbound``: **10,000 users provisioned into the inbound service** in /Bulk requests
of 1,000 creations (with the Enterprise extension and a title to map), and ``--single``
users (default 1,000) sent one request each as Okta and Entra ID send them (a userName
lookup first, then the create, the manager as a bare id). The requests go to the WSGI application in-process (no sockets), so
the figures are the service's: scim2-server's protocol core, our storage on the store
(SQLite file, default durability), the projection onto people and the role mapping.
Baseline in the same run: the same scim2-server core on its own in-memory storage
(``scim2_server.memory.InMemoryStorage``, which keeps nothing on disk and maps nothing).
Times are medians of ``--repeats`` runs (fresh store each run); peak Python memory
(tracemalloc) is measured in one more run.

``--part pull``: the client pull (10,000 users from a local scim2-server in pages of 100),
in ``benchmarks/bench_scim_pull.py``; ``--part all`` runs both.

    .venv/bin/python benchmarks/bench_scim.py --part inbound             # 10,000 users, 3 repeats
    .venv/bin/python benchmarks/bench_scim.py --part inbound --users 2000 --single 200 --repeats 1
"""

from __future__ import annotations

import argparse
import io
import json
import runpy
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scim2_server.memory import InMemoryStorage

from competency_core.io import load_model
from competency_core.store import Store
from competency_scim.idp import SAMPLE_MAPPING
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER, RoleMapping, mapping_report
from competency_scim.service import TolerantService, build_provider, create_app

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


def in_bulk(call: Caller, n: int, per_request: int = 1000) -> int:
    """The same users in /Bulk requests of ``per_request`` creations."""
    done = 0
    for start in range(0, n, per_request):
        ops = [
            {"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user(i)}
            for i in range(start, min(n, start + per_request))
        ]
        answer = call("POST", "Bulk", {"schemas": [BULK], "Operations": ops})
        done += sum(1 for op in answer["Operations"] if op["status"] == "201")
    return done


@contextmanager
def competency_service(folder: Path) -> Iterator[tuple[Caller, Store]]:
    """The inbound service on a fresh SQLite store, with the sample role mapping."""
    path = folder / f"inbound-{time.perf_counter_ns()}.sqlite3"
    config_model = load_model(EXAMPLES / "software-engineering.yaml")
    mapping = RoleMapping.model_validate(SAMPLE_MAPPING)
    with Store(path) as store:
        from competency_scim.service import service_provider_config

        config = service_provider_config(bulk_operations=1000)
        app = create_app(store, token=TOKEN, mapping=mapping, model=config_model, config=config)
        yield Caller(app), store


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


def timed(
    service: Callable[[Path], Any], work: Callable[[Caller, int], int], n: int, folder: Path
) -> float:
    with service(folder) as (call, _store):
        started = time.perf_counter()
        assert work(call, n) == n
        return time.perf_counter() - started


def peak_mib(
    service: Callable[[Path], Any], work: Callable[[Caller, int], int], n: int, folder: Path
) -> float:
    with service(folder) as (call, _store):
        tracemalloc.start()
        work(call, n)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


def bench_inbound(n: int, repeats: int, single: int) -> None:
    """Part 2: ``n`` users provisioned into the inbound service, against scim2-server's memory."""
    print(
        f"SCIM inbound: users provisioned into the service (in-process WSGI), "
        f"median of {repeats} run(s)"
    )
    rows = [
        (f"competency-core, {n:,} users in /Bulk of 1,000", n, competency_service, in_bulk),
        (f"scim2-server in memory, {n:,} users in /Bulk (baseline)", n, memory_service, in_bulk),
        (f"competency-core, {single:,} users one POST each", single, competency_service, one_by_one),
        (f"scim2-server in memory, {single:,} one POST each (baseline)", single, memory_service,
         one_by_one),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        times: dict[str, list[float]] = {row[0]: [] for row in rows}
        for _ in range(repeats):
            for label, count, service, work in rows:
                times[label].append(timed(service, work, count, folder))
        medians = {label: statistics.median(t) for label, t in times.items()}
        peaks = {label: peak_mib(service, work, c, folder) for label, c, service, work in rows}
        with competency_service(folder) as (call, store):
            one_by_one(call, min(single, 600))
            report = mapping_report(store.people())
    print(f"{'':60} {'time':>9} {'users/s':>9} {'peak MiB':>9}")
    for label, count, _, _ in rows:
        t = medians[label]
        print(f"{label:60} {t:8.2f}s {count / t:9,.0f} {peaks[label]:9.1f}")
    for kind, ours, base in (
        ("/Bulk", rows[0][0], rows[1][0]),
        ("one POST each", rows[2][0], rows[3][0]),
    ):
        print(
            f"ratio {kind}, competency-core / scim2-server in memory: "
            f"{medians[ours] / medians[base]:.2f}x time, {peaks[ours] / peaks[base]:.2f}x peak memory"
        )
    print(f"role mapping check: {report.summary()}")


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
    args, rest = parser.parse_known_args()
    if args.part in ("pull", "all"):
        bench_pull([f"--users={args.users}", f"--repeats={args.repeats}", *rest])
    if args.part in ("inbound", "all"):
        bench_inbound(args.users, args.repeats, args.single)


if __name__ == "__main__":
    main()
