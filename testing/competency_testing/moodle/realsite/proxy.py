"""A recording, fault-injecting proxy in front of a real Moodle site's REST server.

>>> with RecordingProxy("http://127.0.0.1:8080") as proxy:     # doctest: +SKIP
...     proxy.fail(3, drop=True, when="after")   # call 3 reaches Moodle, its answer is lost
...     ...  # point the adapter at proxy.url
...     [c.function for c in proxy.write_calls()]

It gives a real site the same log and failures as :class:`~competency_testing.moodle.
MoodleEmulator` (:class:`~competency_testing.moodle.server.CallRecord`,
:class:`~competency_testing.moodle.server.Failure`): every call is recorded with its
function, read or write type (:data:`competency_moodle.functions.FUNCTION_TYPES`), the
decoded parameters and how it ended; a chosen call can answer an HTTP status or a Moodle
exception without reaching Moodle (``when='before'``), or reach Moodle and lose its answer
(``drop=True, when='after'``: the connection is closed after Moodle acted). The token is
recorded as ``***``.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import requests

from competency_moodle.functions import FUNCTION_TYPES
from competency_testing.moodle.contract import MoodleException, parse_body
from competency_testing.moodle.server import REST_PATH, CallLog, CallRecord, Failure

_RESERVED = ("wstoken", "wsfunction", "moodlewsrestformat")


class RecordingProxy(CallLog):
    """Forwards ``/webservice/rest/server.php`` to ``target``, logging and failing calls."""

    def __init__(self, target: str, *, timeout: float = 300.0) -> None:
        self.target = target.rstrip("/")
        self.timeout = timeout
        self._calls: list[CallRecord] = []
        self._failures: list[Failure] = []
        self._lock = threading.RLock()
        self._session = requests.Session()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"RecordingProxy({self.target!r})"

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> RecordingProxy:
        """Listen on a free port of 127.0.0.1 (in a daemon thread)."""
        if self._server is None:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
            server.daemon_threads = True
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name="moodle-proxy", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._session.close()

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The proxy's root URL: give it to the client as the site's URL."""
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- one call ------------------------------------------------------------------------
    def forward(self, path: str, body: bytes) -> tuple[int, bytes, str] | None:
        """Answer one request: (status, body, content type), or None to drop the connection."""
        params = parse_body(body.decode("utf-8", errors="replace"))
        function = str(params.get("wsfunction", ""))
        args = {k: v for k, v in params.items() if k not in _RESERVED}
        with self._lock:
            number = len(self._calls) + 1
            failure = next((f for f in self._failures if f.matches(number, function)), None)
            if failure is not None:
                failure.times -= 1
            # reserve the number now: calls may overlap
            record = CallRecord(number, function, FUNCTION_TYPES.get(function, "?"), "", args)
            self._calls.append(record)
        answer: tuple[int, bytes, str] | None
        if failure is not None and failure.when == "before":
            answer = _failed(failure)
        else:
            answer = self._send(path, body)
            if failure is not None:
                answer = _failed(failure)
        with self._lock:
            i = self._calls.index(record)
            self._calls[i] = CallRecord(
                number, function, record.type, _outcome(answer), args, record.site
            )
        return answer

    def _send(self, path: str, body: bytes) -> tuple[int, bytes, str]:
        try:
            response = self._session.post(
                self.target + path,
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return 502, f"proxy: {type(exc).__name__}".encode(), "text/plain"
        return (
            response.status_code,
            response.content,
            response.headers.get("Content-Type", "application/json"),
        )


def _failed(failure: Failure) -> tuple[int, bytes, str] | None:
    if failure.drop:
        return None
    if failure.exception is not None:
        data = json.dumps(MoodleException(*failure.exception).as_json(debug=True)).encode()
        return 200, data, "application/json"
    return failure.status or 500, b"<html><body>Server error</body></html>", "text/html"


def _outcome(answer: tuple[int, bytes, str] | None) -> str:
    if answer is None:
        return "dropped"
    status, body, _ = answer
    if status != 200:
        return f"http {status}"
    try:
        data = json.loads(body)
    except ValueError:
        return "not json"
    if isinstance(data, dict) and "exception" in data:
        return f"exception:{data.get('errorcode')}"
    return "ok"


def _make_handler(proxy: RecordingProxy) -> type[BaseHTTPRequestHandler]:
    class ProxyHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            if not parts.path.endswith(REST_PATH):
                self._send(404, b"not found", "text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.query:
                body = (parts.query + ("&" if body else "")).encode() + body
            answer = proxy.forward(REST_PATH, body)
            if answer is None:
                self.close_connection = True
                return
            self._send(*answer)

        def _send(self, status: int, data: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return ProxyHandler


__all__ = ["RecordingProxy"]
