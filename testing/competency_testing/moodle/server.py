"""The emulator's HTTP side: a real local REST server with tokens, a call log and failures.

:class:`MoodleEmulator` serves ``/webservice/rest/server.php`` on 127.0.0.1 (a free port)
from a thread. Each request goes through what Moodle's REST server does: the token
(``invalidtoken``), the function (unknown: ``dml_missing_record_exception``; not in the
token's service: ``webservice_access_exception``), the parameters checked against the
contract (``invalid_parameter_exception``), the competency subsystem
(``competenciesarenotenabled``), the handler, then the answer shaped by the contract's
return structure. Every call is logged (:class:`CallRecord`, read or write as the
contract says) and :meth:`MoodleEmulator.fail` makes a chosen call fail with an HTTP
status, a Moodle exception or a dropped connection, before or after it took effect.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

from competency_testing.moodle import handlers_completion as _completion  # noqa: F401 (registers)
from competency_testing.moodle import handlers_learning as _learning  # noqa: F401 (registers)
from competency_testing.moodle import handlers_model as _model  # noqa: F401 (registers)
from competency_testing.moodle.contract import (
    Contract,
    ContractViolation,
    MoodleException,
    find_contract,
    parse_body,
)
from competency_testing.moodle.site import HANDLERS, Call, Site, handles, not_enabled

REST_PATH = "/webservice/rest/server.php"
_RESERVED = ("wstoken", "wsfunction", "moodlewsrestformat")


@dataclass(frozen=True)
class CallRecord:
    """One call the emulator received: its number, function, type and how it ended."""

    number: int
    function: str
    type: str
    outcome: str
    params: dict[str, Any]
    site: str = ""

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.outcome == "ok"


@dataclass
class Failure:
    """A planned failure: which call (by number and/or function) and how it fails.

    ``status`` answers that HTTP status, ``exception`` answers a Moodle error
    ``(exception, errorcode, message)``, ``drop`` closes the connection without an answer.
    ``when='after'`` lets the call take effect first (the answer is lost, not the change).
    """

    call: int | None = None
    function: str | None = None
    status: int | None = None
    exception: tuple[str, str, str] | None = None
    drop: bool = False
    when: Literal["before", "after"] = "before"
    times: int = 1

    def matches(self, number: int, function: str) -> bool:
        """Whether this failure applies to call ``number`` of ``function``."""
        return (
            self.times > 0
            and (self.call is None or self.call == number)
            and (self.function is None or self.function == function)
        )


@dataclass
class _Token:
    userid: int
    functions: frozenset[str] | None


@dataclass
class _Reply:
    status: int = 200
    body: Any = None
    drop: bool = False
    raw: bytes | None = None


@handles("core_webservice_get_site_info")
def _site_info(call: Call, p: dict[str, Any]) -> dict[str, Any]:
    site = call.site
    user = site.user(call.userid)
    return {
        "sitename": site.sitename,
        "username": user["username"],
        "firstname": user["firstname"],
        "lastname": user["lastname"],
        "fullname": user["fullname"],
        "lang": "en",
        "userid": user["id"],
        "siteurl": "http://moodle.invalid",
        "userpictureurl": "",
        "functions": [{"name": n, "version": "2025100600"} for n in sorted(call.functions)],
        "downloadfiles": 0,
        "uploadfiles": 0,
        "release": site.release,
        "version": "2025100600.13",
        "mobilecssurl": "",
        "advancedfeatures": [
            {"name": "enablecompetencies", "value": int(site.competencies_enabled)}
        ],
    }


class CallLog:
    """A log of web-service calls with planned failures (the emulator's, the proxy's).

    A subclass sets ``_calls``, ``_failures`` and ``_lock`` (an ``RLock``) before use.
    """

    _calls: list[CallRecord]
    _failures: list[Failure]
    _lock: threading.RLock

    def fail(
        self,
        call: int | None = None,
        *,
        function: str | None = None,
        status: int | None = None,
        exception: tuple[str, str, str] | None = None,
        drop: bool = False,
        when: Literal["before", "after"] = "before",
        times: int = 1,
    ) -> Failure:
        """Make call number ``call`` (and/or the next calls of ``function``) fail.

        Without ``status``, ``exception`` or ``drop`` the call answers HTTP 500.
        """
        if status is None and exception is None and not drop:
            status = 500
        failure = Failure(call, function, status, exception, drop, when, times)
        with self._lock:
            self._failures.append(failure)
        return failure

    def clear_failures(self) -> None:
        """Forget every planned failure."""
        with self._lock:
            self._failures.clear()

    @property
    def calls(self) -> list[CallRecord]:
        """Every call received so far, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def call_count(self) -> int:
        """How many calls were received."""
        return len(self._calls)

    def write_calls(self) -> list[CallRecord]:
        """The calls of write-type functions."""
        return [c for c in self.calls if c.type == "write"]

    def reset_calls(self) -> None:
        """Empty the log (call numbers start again from 1)."""
        with self._lock:
            self._calls.clear()


class MoodleEmulator(CallLog):
    """A stateful, contract-checking stand-in for a Moodle site's REST web services.

    ``contract`` is a :class:`Contract` or the path of a ``ws_contract.json`` file (None:
    :func:`find_contract`'s, by default the copy shipped in this package); it decides
    which functions exist, their read/write type and their parameters. The server runs in a thread of the calling process; while it runs, the
    interpreter's thread switch interval is lowered to ``switch_interval`` (None: left
    alone) so that calls do not wait for the GIL. Use it as a context manager, or
    :meth:`start` and :meth:`stop`::

        with MoodleEmulator() as moodle:
            moodle.add_token("secret")
            scale = moodle.site.add_scale("Levels", ["A", "B", "C"])
            ...  # point a client at moodle.url
    """

    def __init__(
        self,
        contract: Contract | str | os.PathLike[str] | None = None,
        *,
        site: Site | None = None,
        debug: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        switch_interval: float | None = 0.0005,
    ) -> None:
        if contract is None:
            contract = find_contract()
            if contract is None:
                raise FileNotFoundError(
                    "$COMPETENCY_MOODLE_CONTRACT names no file (unset it to use the packaged "
                    "contract)"
                )
        self.contract = contract if isinstance(contract, Contract) else Contract.load(contract)
        self.site = site or Site()
        self.sites: dict[str, Site] = {"": self.site}
        self.debug = debug
        self._host, self._port = host, port
        self._tokens: dict[str, _Token] = {}
        self._failures: list[Failure] = []
        self._calls: list[CallRecord] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._switch = switch_interval
        self._saved_switch: float | None = None

    def __repr__(self) -> str:
        return f"MoodleEmulator({self.url if self._server else 'not started'})"

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> MoodleEmulator:
        """Start serving on a free local port (in a daemon thread)."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        if self._switch is not None and sys.getswitchinterval() > self._switch:
            # Client and server share this process's GIL: with the default 5 ms switch
            # interval every call would wait for a hand-off. Restored by stop().
            self._saved_switch = sys.getswitchinterval()
            sys.setswitchinterval(self._switch)
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="moodle-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._saved_switch is not None:
            sys.setswitchinterval(self._saved_switch)
            self._saved_switch = None

    def __enter__(self) -> MoodleEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The site's root URL (``http://127.0.0.1:PORT``)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_site(self, name: str, site: Site | None = None) -> Site:
        """Host another site at ``/name`` (a fresh, empty one by default).

        Moodle can live below a path (``https://host/moodle``); tests use this to get many
        independent sites from one server. :meth:`site_url` gives its URL.
        """
        if not name or "/" in name or name in self.sites:
            raise ValueError(f"the site name {name!r} is empty, has a '/' or is taken")
        with self._lock:
            self.sites[name] = site or Site()
            return self.sites[name]

    def site_url(self, name: str = "") -> str:
        """The root URL of the site hosted as ``name`` ('' : the main site)."""
        return self.url + (f"/{name}" if name else "")

    # -- tokens -----------------------------------------------------------------------
    def add_token(
        self, token: str, functions: Iterable[str] | None = None, *, userid: int = 2
    ) -> None:
        """Accept ``token`` (on every hosted site) for ``userid``, allowing ``functions``.

        None allows every function of the contract (as a service with all of them).
        """
        allowed = None if functions is None else frozenset(functions)
        self._tokens[token] = _Token(userid=userid, functions=allowed)

    # -- one call ------------------------------------------------------------------------
    def handle(self, params: dict[str, Any], site: str = "") -> _Reply:
        """Answer one REST request (its decoded form parameters) for a hosted site."""
        function = str(params.get("wsfunction", ""))
        token = str(params.get("wstoken", ""))
        args = {k: v for k, v in params.items() if k not in _RESERVED}
        with self._lock:
            number = len(self._calls) + 1
            kind = self.contract.functions[function].type if function in self.contract else "?"
            failure = next((f for f in self._failures if f.matches(number, function)), None)
            if failure is not None:
                failure.times -= 1
            if failure is not None and failure.when == "before":
                reply = _failed(failure, self.debug)
            else:
                reply = self._answer(self.sites[site], function, token, args)
                if failure is not None:
                    reply = _failed(failure, self.debug)
            record = CallRecord(number, function, kind, _outcome(reply), args, site)
            self._calls.append(record)
            return reply

    def _answer(self, site: Site, function: str, token: str, args: dict[str, Any]) -> _Reply:
        try:
            grant = self._tokens.get(token)
            if grant is None:
                raise MoodleException(
                    "moodle_exception", "invalidtoken", "Invalid token - token not found"
                )
            self.contract.spec(function)
            allowed = grant.functions if grant.functions is not None else self.contract.functions
            if function not in allowed:
                raise MoodleException(
                    "webservice_access_exception",
                    "accessexception",
                    "Access control exception",
                    f"Access to the function {function}() is not allowed. There could be "
                    "multiple reasons for this: 1. The service linked to the user token does "
                    "not contain the function. ...",
                )
            params = self.contract.validate(function, args)
            if function.startswith(("core_competency_", "tool_lp_")) and (
                not site.competencies_enabled
            ):
                raise not_enabled()
            handler = HANDLERS.get(function)
            if handler is None:
                raise MoodleException(
                    "emulator_exception",
                    "notemulated",
                    f"{function} is in the contract but the emulator does not implement it",
                )
            functions = frozenset(allowed)
            result = handler(Call(site, grant.userid, functions), params)
            return _Reply(body=self.contract.clean_return(function, result))
        except MoodleException as exc:
            return _Reply(body=exc.as_json(debug=self.debug))
        except ContractViolation as exc:
            return _Reply(status=500, raw=f"emulator bug in {function}: {exc}".encode())
        except Exception:  # an emulator bug: show it, as a PHP error page would
            return _Reply(status=500, raw=traceback.format_exc().encode())


def _failed(failure: Failure, debug: bool) -> _Reply:
    if failure.drop:
        return _Reply(drop=True)
    if failure.exception is not None:
        exc = MoodleException(*failure.exception)
        return _Reply(body=exc.as_json(debug=debug))
    return _Reply(status=failure.status or 500, raw=b"<html><body>Server error</body></html>")


def _outcome(reply: _Reply) -> str:
    if reply.drop:
        return "dropped"
    if reply.status != 200:
        return f"http {reply.status}"
    if isinstance(reply.body, dict) and "exception" in reply.body:
        return f"exception:{reply.body.get('errorcode')}"
    return "ok"


def _make_handler(emulator: MoodleEmulator) -> type[BaseHTTPRequestHandler]:
    class RestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "MoodleEmulator/1"

        def setup(self) -> None:
            super().setup()
            # one small write per answer and no Nagle delay: local calls stay sub-millisecond
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

        def _serve(self, body: str) -> None:
            parts = urlsplit(self.path)
            name = parts.path.removesuffix(REST_PATH).strip("/")
            if not parts.path.endswith(REST_PATH) or name not in emulator.sites:
                self._send(404, b"not found", "text/plain")
                return
            params = parse_body("&".join(x for x in (parts.query, body) if x))
            reply = emulator.handle(params, name)
            if reply.drop:
                self.close_connection = True
                return
            if reply.raw is not None:
                self._send(reply.status, reply.raw, "text/html")
                return
            data = json.dumps(reply.body).encode("utf-8")
            self._send(reply.status, data, "application/json")

        def _send(self, status: int, data: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._serve(self.rfile.read(length).decode("utf-8") if length else "")

        def do_GET(self) -> None:
            self._serve("")

    return RestHandler


__all__ = ["REST_PATH", "CallLog", "CallRecord", "Failure", "MoodleEmulator"]
