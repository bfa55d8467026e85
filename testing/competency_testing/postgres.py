"""A throw-away PostgreSQL server for tests and benchmarks, started from the OS binaries.

>>> with postgres_server() as server:          # doctest: +SKIP
...     url = server.create_database("demo")
...     store = Store(url)

The server runs on a temporary data directory, listens on 127.0.0.1 at a free port with
trust authentication, and is stopped and removed on exit. PostgreSQL refuses to run as
root, so when started by root the server runs as the ``postgres`` user (via ``runuser``).
Binaries are looked up in ``$COMPETENCY_PG_BINDIR``, ``pg_config --bindir``,
``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu) and the ``PATH``; when none is found
:class:`PostgresUnavailable` is raised (in a competency-core checkout,
``scripts/ensure-postgres.sh`` installs them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BINDIR_ENV = "COMPETENCY_PG_BINDIR"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries were found, or the server did not start."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first; None if absent."""
    candidates: list[Path] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(Path(os.environ[BINDIR_ENV]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(out.stdout.strip()))

    def version(p: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p)) or (0,)

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)[::-1]
    ]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throw-away server; :func:`postgres_server` starts and stops it."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None
    user: str = "postgres"
    databases: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        """The cluster's data directory."""
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server (no password: trust auth)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def run(self, args: Sequence[str], *, timeout: float = 120) -> str:
        """Run a server binary (as the server's OS user); its output, or an error."""
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        proc = subprocess.run(
            cmd, cwd=self.root, env=env, capture_output=True, text=True, timeout=timeout
        )
        if proc.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}\n{tail}"
            )
        return proc.stdout

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE...)."""
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.encode())

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create a database (optionally as a copy of ``template``); returns its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain database name: {name!r}")
        tpl = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name}{tpl}")
        self.databases.append(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting anyone still connected."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.databases:
            self.databases.remove(name)


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresUnavailable("running as root and there is no 'postgres' user to run the server")


@contextlib.contextmanager
def postgres_server(
    *, durable: bool = False, bindir: Path | None = None
) -> Iterator[PostgresServer]:
    """Start a temporary server; stop it and delete its files on exit.

    ``durable=False`` (the default, for tests) turns fsync off; benchmarks pass True so
    that commits cost what they cost in production.
    """
    bd = bindir or find_bindir()
    if bd is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) found; install them "
            "(apt-get install postgresql; in a competency-core checkout: "
            "scripts/ensure-postgres.sh) or set " + BINDIR_ENV
        )
    run_as = _server_user()
    root = Path(tempfile.mkdtemp(prefix="competency-pg-"))
    try:
        if run_as:
            pw = pwd.getpwnam(run_as)
            os.chown(root, pw.pw_uid, pw.pw_gid)
        server = PostgresServer(bindir=bd, root=root, port=0, run_as=run_as)
        server.run(["initdb", "-D", str(server.datadir), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync"])  # fmt: skip
        fast = "" if durable else " -F -c synchronous_commit=off -c full_page_writes=off"
        last: PostgresUnavailable | None = None
        for _ in range(3):  # a free port can be taken between finding and binding it
            server.port = free_port()
            opts = (
                f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 "
                f"-c max_connections=50{fast}"
            )
            try:
                server.run(["pg_ctl", "-D", str(server.datadir), "-l", str(root / "server.log"),
                            "-w", "-t", "60", "-o", opts, "start"])  # fmt: skip
                break
            except PostgresUnavailable as exc:
                last = exc
        else:
            raise last or PostgresUnavailable("the server did not start")
        try:
            yield server
        finally:
            with contextlib.suppress(PostgresUnavailable, subprocess.SubprocessError):
                server.run(["pg_ctl", "-D", str(server.datadir), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


__all__ = ["PostgresServer", "PostgresUnavailable", "find_bindir", "free_port", "postgres_server"]
