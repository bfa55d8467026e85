"""A real Moodle site for tests and benchmarks: installed from the source archive, served locally.

>>> with real_moodle(archive) as moodle:              # doctest: +SKIP
...     moodle.reset()                                # a fresh site, in about a second
...     adapter = MoodleAdapter.configure({"url": moodle.url, "token": moodle.token, ...})

:func:`real_moodle` extracts the Moodle source archive into a temporary folder outside
the project, starts a throw-away PostgreSQL server (:mod:`competency_testing.postgres`),
installs Moodle once with its CLI installer, sets the site up as an administrator would
(``site_tool.php setup``: web services, REST, competencies, a service with the adapter's
functions, a sync user with the least privileges of docs/adapters/moodle.md and a token,
scales, courses, users and a cohort), keeps that database as a template, and serves the
site with PHP's built-in server on 127.0.0.1. :meth:`RealMoodle.reset` gives a fresh site
by cloning the template database and the data folder. Everything is stopped and removed
on exit, whatever happened in between (the server runs in its own process group).

PHP comes from the OS packages (``scripts/ensure-php.sh``); :class:`MoodleUnavailable`
says what is missing when it cannot run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from competency_moodle.capabilities import SYNC_CAPABILITIES
from competency_moodle.functions import Operation, needed_functions
from competency_testing.postgres import PostgresServer, free_port, postgres_server

TOOL = Path(__file__).with_name("site_tool.php")
PHP_INI = (
    "-d", "max_input_vars=5000",
    "-d", "memory_limit=512M",
    # Moodle includes hundreds of its 30,000 files per request: cache them all, and do not
    # stat each one on every request (the tree does not change while it is served)
    "-d", "opcache.enable_cli=1",
    "-d", "opcache.memory_consumption=256",
    "-d", "opcache.interned_strings_buffer=32",
    "-d", "opcache.max_accelerated_files=40000",
    "-d", "opcache.validate_timestamps=0",
    "-d", "realpath_cache_size=4096K",
    "-d", "realpath_cache_ttl=3600",
)  # fmt: skip
SITE_DB = "moodle_site"
BASE_DB = "moodle_base"


LEVELS = ["Aware", "Working", "Skilled", "Expert"]
"""The items of the scenario scale."""

REQUIRED_PHP_EXTENSIONS = ("pgsql", "mbstring", "curl", "xml", "zip", "gd", "intl", "soap")


class MoodleUnavailable(RuntimeError):
    """A real Moodle cannot be started here (no archive, no PHP, or the install failed)."""


OPERATIONS: tuple[Operation, ...] = (
    "push-model",
    "pull-model",
    "assign-learning",
    "push-ratings",
    "pull-ratings",
    "pull-completions",
)


def all_functions() -> tuple[str, ...]:
    """Every function the adapter may call, for the sync service."""
    names: dict[str, None] = {}
    for op in OPERATIONS:
        names.update(dict.fromkeys(needed_functions(op, prune=True)))
    return tuple(names)


LIMITED_MISSING = ("core_competency_set_parent_competency", "core_competency_create_template")
"""The functions the ``limited`` token's service lacks."""


def default_setup() -> dict[str, Any]:
    """The site the scenarios start from: accounts, scales, courses, users and a cohort."""
    functions = list(all_functions())
    return {
        "services": [
            {"name": "competency-core", "shortname": "competency_core", "functions": functions},
            {
                "name": "competency-core (limited)",
                "shortname": "competency_core_limited",
                "functions": [f for f in functions if f not in LIMITED_MISSING],
            },
            *(
                {
                    "name": f"only {op}",
                    "shortname": f"only_{op}",
                    "functions": list(needed_functions(op)),
                }
                for op in OPERATIONS
            ),
        ],
        "roles": [
            {
                "name": "Competency sync",
                "shortname": "competencysync",
                "description": "The least privileges competency-core's sync needs.",
                "capabilities": list(SYNC_CAPABILITIES),
                "allow_assign": ["student"],
            },
            {
                "name": "Competency viewer",
                "shortname": "competencyviewer",
                "description": "Can read competencies but not manage them.",
                "capabilities": [
                    c for c in SYNC_CAPABILITIES if c != "moodle/competency:competencymanage"
                ],
                "allow_assign": ["student"],
            },
        ],
        "accounts": [
            {
                "username": "competency-sync",
                "role": "competencysync",
                "service": "competency_core",
                "token_name": "sync",
            },
            {
                "username": "competency-limited",
                "role": "competencysync",
                "service": "competency_core_limited",
                "token_name": "limited",
            },
            {
                "username": "competency-viewer",
                "role": "competencyviewer",
                "service": "competency_core",
                "token_name": "nocap",
            },
            *(
                {
                    "username": f"competency-{op}",
                    "role": "competencysync",
                    "service": f"only_{op}",
                    "token_name": f"only-{op}",
                }
                for op in OPERATIONS
            ),
        ],
        "users": [
            {"username": "ada", "email": "ada@example.org", "firstname": "Ada"},
            {"username": "bob", "email": "bob@example.org", "firstname": "Bob"},
        ],
        "scales": [
            {"name": "Levels", "items": LEVELS},
            {"name": "Five items", "items": ["No", "Yes", "Star", "Super", "Hyper"]},
        ],
        "courses": [{"shortname": "Clean code", "idnumber": "CC-101"}],
        "cohorts": [{"name": "Engineers", "idnumber": "eng-cohort"}],
    }


@dataclass
class SiteIds:
    """What the setup made: tokens by name and ids by natural key."""

    tokens: dict[str, str]
    users: dict[str, int]
    scales: dict[str, int]
    courses: dict[str, int]
    cohorts: dict[str, int]
    student_role: int

    def __repr__(self) -> str:  # tokens are secrets, even on a test site
        return f"SiteIds(users={self.users}, scales={self.scales}, courses={self.courses})"


@dataclass
class RealMoodle:
    """A running real Moodle site (see :func:`real_moodle`)."""

    root: Path
    dataroot: Path
    postgres: PostgresServer
    port: int
    ids: SiteIds
    php: str = "php"
    process: subprocess.Popen[bytes] | None = None
    resets: int = 0
    log: Path | None = None
    _base_data: Path = field(default=Path())

    def __repr__(self) -> str:
        return f"RealMoodle({self.url!r})"

    @property
    def url(self) -> str:
        """The site's root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        """The sync user's token (least privileges, every function of the adapter)."""
        return self.ids.tokens["sync"]

    @property
    def version(self) -> str:
        """Moodle's release string (``5.1+ (Build: ...)``)."""
        text = (self.root / "public" / "version.php").read_text(errors="replace")
        for line in text.splitlines():
            if line.strip().startswith("$release"):
                return line.split("=", 1)[1].split(";", 1)[0].strip().strip("'\"")
        return "unknown"

    # -- a fresh site ------------------------------------------------------------------
    def reset(self) -> None:
        """Make the site as it was right after the setup (database and data folder)."""
        self.postgres.drop_database(SITE_DB)
        self.postgres.create_database(SITE_DB, template=BASE_DB)
        shutil.rmtree(self.dataroot, ignore_errors=True)
        shutil.copytree(self._base_data, self.dataroot, symlinks=True)
        self.resets += 1

    # -- administration (what an administrator does in Moodle's interface) ----------
    def tool(self, command: str, request: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run a ``site_tool.php`` command; its JSON answer."""
        return run_tool(self.php, self.root, command, request or {})

    def set_config(self, name: str, value: Any, plugin: str | None = None) -> None:
        """``set_config`` as the administration pages do."""
        self.tool("config", {"name": name, "value": value, "plugin": plugin})

    def run_task(self, classname: str) -> str:
        """Run a scheduled task now, as cron would; its output."""
        return str(self.tool("run_task", {"classname": classname}).get("output", ""))

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Read rows from the live site's database (tests check end states this way)."""
        import psycopg
        from psycopg.rows import dict_row

        conninfo = (
            f"host=127.0.0.1 port={self.postgres.port} user={self.postgres.user} dbname={SITE_DB}"
        )
        with psycopg.connect(conninfo, autocommit=True, row_factory=dict_row) as conn:
            return list(conn.execute(query.encode(), params or {}).fetchall())

    # -- serving ------------------------------------------------------------------------
    def start(self) -> None:
        """Serve the site with PHP's built-in server (its own process group)."""
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(max(2, os.cpu_count() or 2))}
        self.log = self.root.parent / "php-server.log"
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [self.php, *PHP_INI, "-S", f"127.0.0.1:{self.port}", "-t", str(self.root / "public")],
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MoodleUnavailable(f"PHP's server exited: {self._log_tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.1)
        raise MoodleUnavailable(f"PHP's server did not listen in 30 s: {self._log_tail()}")

    def stop(self) -> None:
        """Stop the server and its workers (the whole process group)."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def _log_tail(self) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")[-2000:]


def _die_with_parent() -> None:
    """In the child: be sent SIGTERM if the test process dies without stopping the server."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_tool(php: str, root: Path, command: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """Run ``site_tool.php COMMAND`` in the Moodle tree at ``root``; its JSON answer."""
    proc = subprocess.run(
        [php, *PHP_INI, str(TOOL), str(root), command],
        input=json.dumps(request).encode(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        raise MoodleUnavailable(
            f"site_tool.php {command} failed ({proc.returncode}): "
            f"{proc.stderr.decode(errors='replace')[-1500:]}{out[-1500:]}"
        )
    last = out.strip().splitlines()[-1] if out.strip() else "{}"
    answer = json.loads(last)
    return dict(answer) if isinstance(answer, dict) else {}


def find_archive(start: Path | None = None) -> Path | None:
    """The Moodle source archive: ``$COMPETENCY_MOODLE_ARCHIVE`` or ``../shared/moodle/``."""
    env = os.environ.get("COMPETENCY_MOODLE_ARCHIVE")
    if env:
        return Path(env) if Path(env).is_file() else None
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder.parent / "shared" / "moodle" / "moodle-5.1.tar.xz"
        if candidate.is_file():
            return candidate
        candidate = folder / "shared" / "moodle" / "moodle-5.1.tar.xz"
        if candidate.is_file():
            return candidate
    return None


def check_php(php: str = "php") -> str:
    """The PHP binary to use; :class:`MoodleUnavailable` naming what is missing."""
    found = shutil.which(php)
    if found is None:
        raise MoodleUnavailable(
            "PHP is not installed: run scripts/ensure-php.sh (apt-get install php8.2-cli "
            "php8.2-pgsql php8.2-mbstring php8.2-curl php8.2-xml php8.2-zip php8.2-gd "
            "php8.2-intl php8.2-soap)"
        )
    proc = subprocess.run([found, "-m"], capture_output=True, text=True, timeout=30, check=False)
    have = {line.strip().lower() for line in proc.stdout.splitlines()}
    missing = [e for e in REQUIRED_PHP_EXTENSIONS if e not in have and f"{e}" not in have]
    if "xml" in missing and "simplexml" in have:
        missing.remove("xml")
    if missing:
        raise MoodleUnavailable(
            "PHP lacks the extension(s) " + ", ".join(missing) + ": run scripts/ensure-php.sh"
        )
    return found


def _config_php(root: Path, dataroot: Path, pg: PostgresServer, port: int) -> str:
    return f"""<?php
unset($CFG);
global $CFG;
$CFG = new stdClass();
$CFG->dbtype    = 'pgsql';
$CFG->dblibrary = 'native';
$CFG->dbhost    = '127.0.0.1';
$CFG->dbname    = '{SITE_DB}';
$CFG->dbuser    = '{pg.user}';
$CFG->dbpass    = '';
$CFG->prefix    = 'mdl_';
$CFG->dboptions = ['dbport' => {pg.port}, 'dbpersist' => false];
$CFG->wwwroot   = 'http://127.0.0.1:{port}';
$CFG->dataroot  = '{dataroot}';
$CFG->admin     = 'admin';
$CFG->directorypermissions = 0777;
$CFG->noemailever = true;
$CFG->debug = 32767;
$CFG->debugdisplay = 0;
require_once(__DIR__ . '/lib/setup.php');
"""


def _extract(archive: Path, into: Path) -> Path:
    with tarfile.open(archive, "r:xz") as tar:
        tar.extractall(into, filter="tar")
    tops = [p for p in into.iterdir() if p.is_dir()]
    root = tops[0] if len(tops) == 1 and (tops[0] / "public").is_dir() else into
    if not (root / "public" / "version.php").is_file():
        raise MoodleUnavailable(f"{archive} does not hold a Moodle 5.x tree (public/version.php)")
    return root


def archive_digest(archive: Path) -> str:
    """A short digest of the archive (names the build in reports)."""
    h = hashlib.sha256()
    with archive.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


@contextlib.contextmanager
def real_moodle(
    archive: Path | None = None,
    *,
    setup: Mapping[str, Any] | None = None,
    php: str = "php",
) -> Iterator[RealMoodle]:
    """Install and serve a real Moodle; stop and remove everything on exit."""
    archive = archive or find_archive()
    if archive is None or not archive.is_file():
        raise MoodleUnavailable(
            "the Moodle source archive was not found (../shared/moodle/moodle-5.1.tar.xz or "
            "$COMPETENCY_MOODLE_ARCHIVE)"
        )
    php = check_php(php)
    work = Path(tempfile.mkdtemp(prefix="competency-moodle-"))
    moodle: RealMoodle | None = None
    try:
        root = _extract(archive, work / "src")
        dataroot = work / "data"
        dataroot.mkdir(mode=0o777)
        with postgres_server() as pg:
            pg.create_database(SITE_DB)
            port = free_port()
            (root / "config.php").write_text(_config_php(root, dataroot, pg, port))
            proc = subprocess.run(
                [
                    php,
                    *PHP_INI,
                    "admin/cli/install_database.php",
                    "--agree-license",
                    "--lang=en",
                    "--fullname=competency-core test site",
                    "--shortname=cctest",
                    "--adminuser=admin",
                    "--adminpass=Admin-pass-1!",
                    "--adminemail=admin@example.org",
                ],
                cwd=root,
                capture_output=True,
                timeout=1200,
                check=False,
            )
            if proc.returncode != 0:
                raise MoodleUnavailable(
                    "Moodle's installer failed: "
                    + (proc.stdout + proc.stderr).decode(errors="replace")[-3000:]
                )
            answer = run_tool(php, root, "setup", setup or default_setup())
            ids = SiteIds(
                tokens=dict(answer["tokens"]),
                users={str(k): int(v) for k, v in answer["users"].items()},
                scales={str(k): int(v) for k, v in answer["scales"].items()},
                courses={str(k): int(v) for k, v in answer["courses"].items()},
                cohorts={str(k): int(v) for k, v in answer["cohorts"].items()},
                student_role=int(answer["student_role"]),
            )
            pg.create_database(BASE_DB, template=SITE_DB)
            base_data = work / "data.base"
            shutil.copytree(dataroot, base_data, symlinks=True)
            moodle = RealMoodle(root, dataroot, pg, port, ids, php=php, _base_data=base_data)
            moodle.start()
            try:
                yield moodle
            finally:
                moodle.stop()
    finally:
        if moodle is not None:
            moodle.stop()
        shutil.rmtree(work, ignore_errors=True)


__all__ = [
    "LEVELS",
    "LIMITED_MISSING",
    "OPERATIONS",
    "SYNC_CAPABILITIES",
    "MoodleUnavailable",
    "RealMoodle",
    "SiteIds",
    "all_functions",
    "archive_digest",
    "check_php",
    "default_setup",
    "find_archive",
    "real_moodle",
]


# -- keeping a site up between test runs (for developers) ------------------------------
def describe(moodle: RealMoodle) -> dict[str, Any]:
    """What another process needs to use a running site (:func:`attach`)."""
    pg = moodle.postgres
    return {
        "root": str(moodle.root),
        "dataroot": str(moodle.dataroot),
        "base_data": str(moodle._base_data),
        "port": moodle.port,
        "php": moodle.php,
        "postgres": {
            "bindir": str(pg.bindir),
            "root": str(pg.root),
            "port": pg.port,
            "run_as": pg.run_as,
            "user": pg.user,
        },
        "ids": {
            "tokens": moodle.ids.tokens,
            "users": moodle.ids.users,
            "scales": moodle.ids.scales,
            "courses": moodle.ids.courses,
            "cohorts": moodle.ids.cohorts,
            "student_role": moodle.ids.student_role,
        },
    }


def attach(state: Mapping[str, Any]) -> RealMoodle:
    """A running site started by another process (``python -m competency_testing.moodle.realsite``)."""
    pg = state["postgres"]
    server = PostgresServer(
        bindir=Path(pg["bindir"]),
        root=Path(pg["root"]),
        port=int(pg["port"]),
        run_as=pg["run_as"],
        user=pg["user"],
    )
    return RealMoodle(
        Path(state["root"]),
        Path(state["dataroot"]),
        server,
        int(state["port"]),
        SiteIds(**state["ids"]),
        php=str(state["php"]),
        _base_data=Path(state["base_data"]),
    )
