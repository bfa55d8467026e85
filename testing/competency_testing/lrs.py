"""A throw-away Learning Record Store for tests: Ralph (ralph-malph 5.x) on a free port.

>>> with ralph_lrs(page_size=2) as lrs:          # doctest: +SKIP
...     lrs.post_statements([statement, ...])
...     client = LrsClient(lrs.endpoint, username=lrs.username, password=SecretStr(lrs.password))

Ralph runs from its own virtual environment (``$COMPETENCY_RALPH_HOME``, default
``~/.cache/competency-core/ralph-5.1.0``; ``scripts/ensure-ralph.sh`` installs it), with
its file-system backend in a temporary directory, HTTP basic authentication for one user
made with ``ralph auth`` (a random password), and the number of statements per page set
by ``page_size`` (so a test sees ``more`` links). It listens on 127.0.0.1 and is stopped
(its whole process group) and removed on exit. When Ralph is not installed or does not
start, :class:`LrsUnavailable` is raised.

Ralph's file-system backend writes its statements file once: post every statement in one
call of :meth:`RalphLrs.post_statements`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RALPH_VERSION = "5.1.0"
HOME_ENV = "COMPETENCY_RALPH_HOME"


class LrsUnavailable(RuntimeError):
    """Ralph is not installed, or it did not start."""


def ralph_home() -> Path:
    """Where Ralph's virtual environment is (or would be)."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    return Path.home() / ".cache" / "competency-core" / f"ralph-{RALPH_VERSION}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RalphLrs:
    """A running Ralph LRS; :func:`ralph_lrs` starts and stops it."""

    root: Path
    port: int
    username: str
    password: str
    authority: dict[str, Any]
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        """The xAPI endpoint (``http://127.0.0.1:PORT/xAPI/``)."""
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def log(self) -> str:
        """What the server printed so far."""
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def post_statements(self, statements: Sequence[dict[str, Any]]) -> list[str]:
        """POST the statements in one request; the ids the LRS gives back."""
        token = b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.endpoint}statements",
            data=json.dumps(list(statements)).encode(),
            headers={
                "Authorization": f"Basic {token}",
                "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return [str(i) for i in json.loads(response.read())]
        except urllib.error.HTTPError as exc:
            body = exc.read().decode(errors="replace")
            raise LrsUnavailable(
                f"Ralph refused the statements (HTTP {exc.code}): {body}"
            ) from None


def _wait_until_up(lrs: RalphLrs, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{lrs.port}/__lbheartbeat__"
    while time.monotonic() < deadline:
        if lrs.process.poll() is not None:
            raise LrsUnavailable(f"Ralph exited with code {lrs.process.returncode}:\n{lrs.log}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise LrsUnavailable(f"Ralph did not answer within {timeout:.0f} s:\n{lrs.log[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def ralph_lrs(*, page_size: int = 100, start_timeout: float = 60.0) -> Iterator[RalphLrs]:
    """A started Ralph LRS with a user of its own; stopped and removed on exit."""
    home = ralph_home()
    ralph = home / "bin" / "ralph"
    if not ralph.is_file():
        raise LrsUnavailable(
            f"Ralph is not installed in {home} (run scripts/ensure-ralph.sh, or set {HOME_ENV})"
        )
    with tempfile.TemporaryDirectory(prefix="competency-ralph-") as tmp:
        root = Path(tmp)
        username, password = "competency-test", secrets.token_urlsafe(18)
        authority = {
            "objectType": "Agent",
            "name": "Example Corp LRS",
            "mbox": "mailto:lrs@example.com",
        }
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(root / "app"),
            "RALPH_AUTH_FILE": str(root / "auth.json"),
            "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": str(page_size),
            "RALPH_RUNSERVER_BACKEND": "fs",  # `ralph auth` loads the API, which needs it
        }
        made = subprocess.run(
            [
                str(ralph),
                "auth",
                "--username",
                username,
                "--password",
                password,
                "--scope",
                "all",
                "--agent-ifi-mbox",
                authority["mbox"],
                "--agent-name",
                authority["name"],
                "--write-to-disk",
            ],
            env=env,
            cwd=root,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if made.returncode != 0:
            raise LrsUnavailable(f"ralph auth failed: {made.stderr.decode(errors='replace')}")
        port = _free_port()
        with (root / "server.log").open("wb") as log:
            process = subprocess.Popen(
                [
                    str(ralph),
                    "runserver",
                    "--backend",
                    "fs",
                    "--fs-default-directory-path",
                    str(root / "data"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                cwd=root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: uvicorn's reloader and worker
            )
        lrs = RalphLrs(root, port, username, password, authority, process)
        try:
            _wait_until_up(lrs, start_timeout)
            yield lrs
        finally:
            _stop(process)


__all__ = ["HOME_ENV", "RALPH_VERSION", "LrsUnavailable", "RalphLrs", "ralph_home", "ralph_lrs"]
