"""A headless Chromium driven over the Chrome DevTools Protocol, for the accessibility tests.

The protocol runs over a pipe (``--remote-debugging-pipe``: Chromium reads commands on file
descriptor 3 and writes answers on 4, each JSON message ended by a NUL byte), so no port is
opened, nothing is downloaded and no Python package is needed beyond the standard library.
axe-core (the npm package, ``axe.min.js``) is injected into each page and run there.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

AXE_CACHE = Path(
    os.environ.get("COMPETENCY_AXE_DIR", Path.home() / ".cache" / "competency-core" / "axe")
)
"""Where ``scripts/ensure-axe.sh`` installs axe-core (``node_modules/axe-core/axe.min.js``)."""


def axe_script() -> Path | None:
    """The axe-core script installed by ``scripts/ensure-axe.sh``, if it is there."""
    path = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    return path if path.is_file() else None


class BrowserError(RuntimeError):
    """Chromium answered with an error, died, or did not answer in time."""


class Browser:
    """One headless Chromium with one page (tab); use as a context manager."""

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="competency-chromium-")
        to_child, self._write_fd = os.pipe()
        self._read_fd, from_child = os.pipe()

        def _wire() -> None:  # in the child, before exec: the pipe ends on fds 3 and 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)  # os.dup2 makes the copies inheritable
            os.dup2(high[1], 4)

        self._process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--allow-file-access-from-files",
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_wire,
            close_fds=False,  # Python's own descriptors are not inheritable (PEP 446)
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)

    # -- the protocol ------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer within {self.timeout} s")
            ready, _, _ = select.select([self._read_fd], [], [], left)
            if ready:
                chunk = os.read(self._read_fd, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium closed the pipe (exit {self._process.poll()})")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command (to the page when ``session``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self._events.append(answer)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, seen in enumerate(self._events):
                if seen.get("method") == event:
                    del self._events[: i + 1]
                    return
            self._events.append(self._read_message(deadline))

    # -- what the tests use --------------------------------------------------------------------
    def resize(self, *, width: int, height: int = 900, mobile: bool = False) -> None:
        """Show the page in a viewport ``width`` x ``height`` CSS pixels (a phone when ``mobile``).

        The loaded page is laid out again at once (a phone's ``<meta name=viewport>`` too).
        """
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def open(self, url: str, *, width: int, height: int = 900, mobile: bool = False) -> None:
        """Load ``url`` in a viewport ``width`` x ``height`` CSS pixels (a phone when ``mobile``)."""
        self.resize(width=width, height=height, mobile=mobile)
        self._events.clear()
        self.send("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def axe(self, script: Path, *, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """axe-core's violations on the loaded page (all its rules but ``skip``).

        axe-core's default rules: WCAG 2.0, 2.1 and 2.2 A and AA, and best practice.
        """
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(script.read_text(encoding="utf-8") + "\n;true")
        options = {"resultTypes": ["violations"], "rules": {r: {"enabled": False} for r in skip}}
        found: list[dict[str, Any]] = self.evaluate(
            f"axe.run(document, {json.dumps(options)}).then(r => r.violations.map(v => ("
            "{id: v.id, impact: v.impact, help: v.help,"
            " targets: v.nodes.map(n => n.target.join(' ')),"
            " summary: v.nodes.map(n => n.failureSummary)})))"
        )
        return found

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        with contextlib.suppress(OSError):
            os.close(self._write_fd)
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._read_fd)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
