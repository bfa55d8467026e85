"""A small client for Moodle's REST web services, on ``requests``.

>>> encode_params({"competencyframework": {"shortname": "Eng", "visible": True},
...                "filters": [{"column": "idnumber", "value": "C1"}]})
... # doctest: +NORMALIZE_WHITESPACE
[('competencyframework[shortname]', 'Eng'), ('competencyframework[visible]', '1'),
 ('filters[0][column]', 'idnumber'), ('filters[0][value]', 'C1')]

Every call is a form-encoded POST to ``/webservice/rest/server.php`` with the token, the
function name and the parameters in PHP's nested notation. Moodle answers HTTP 200 even
when it refuses a call; the client turns such answers into typed exceptions
(:mod:`competency_moodle.errors`) that keep the function, Moodle's error code and message,
and never the token.

The session is the caller's when given (so tests and users can add proxies, certificates
or adapters) or a pooled one of the client's own. Timeouts are always set. Functions that
only read are retried after a connection error, a timeout, HTTP 429 or a 5xx answer, with
exponential backoff; functions that write are never retried, since Moodle may have carried
out a call whose answer was lost (the sync engine's re-run handles that case).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from competency_moodle.errors import (
    MoodleEncodingError,
    MoodleHTTPError,
    MoodleResponseError,
    MoodleTransportError,
    web_service_error,
)
from competency_moodle.functions import READ_FUNCTIONS

log = logging.getLogger("competency_moodle")

REST_PATH = "/webservice/rest/server.php"
"""Where Moodle's REST server answers, below the site URL."""

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def _encode(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if value is None:
        raise MoodleEncodingError(
            f"{prefix} is None: Moodle cannot receive a null; leave the key out instead"
        )
    if isinstance(value, bool):
        out.append((prefix, "1" if value else "0"))
    elif isinstance(value, int | float | str):
        out.append((prefix, str(value)))
    elif isinstance(value, Mapping):
        if not value:
            raise MoodleEncodingError(
                f"{prefix} is empty: an empty structure cannot be sent to Moodle"
            )
        for key, item in value.items():
            _encode(f"{prefix}[{key}]", item, out)
    elif isinstance(value, Sequence):
        if not value:
            raise MoodleEncodingError(
                f"{prefix} is an empty list: Moodle's form encoding cannot express one; "
                "leave the key out (if it is optional) or send at least one element"
            )
        for i, item in enumerate(value):
            _encode(f"{prefix}[{i}]", item, out)
    else:
        raise MoodleEncodingError(f"{prefix} has a value of type {type(value).__name__}")


def encode_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Parameters in PHP's form notation: ``a[b][0][c]=x``; booleans as 1/0.

    Raises :class:`MoodleEncodingError` for a None (Moodle has no null in forms: leave the
    key out) and for an empty list or mapping (it would vanish from the request).
    """
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        _encode(str(key), value, out)
    return out


class MoodleClient:
    """Calls Moodle web-service functions over REST with a token.

    ``url`` is the site's root (``https://moodle.example.org``). ``session`` is a
    ``requests.Session`` to use (default: a new pooled one, closed by :meth:`close`).
    ``timeout`` is (connect, read) seconds. ``retries`` is how many times a read function
    is tried again; the n-th retry waits ``backoff * 2**(n-1)`` seconds (or what a 429's
    ``Retry-After`` asks, up to ``max_wait``). ``read_functions`` says which functions may
    be retried (default: :data:`competency_moodle.functions.READ_FUNCTIONS`).
    """

    def __init__(
        self,
        url: str,
        token: SecretStr | str,
        *,
        session: Any | None = None,
        timeout: tuple[float, float] = (10.0, 60.0),
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        read_functions: Container[str] = READ_FUNCTIONS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = token if isinstance(token, SecretStr) else SecretStr(token)
        if not self._token.get_secret_value():
            raise MoodleTransportError("no Moodle token was given", url=self.url)
        self._own_session = session is None
        self._session = session if session is not None else _pooled_session()
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_wait = max_wait
        self.read_functions = read_functions
        self._sleep = sleep
        self.calls = 0
        """How many calls this client made (attempts not counted twice)."""

    def __repr__(self) -> str:
        return f"MoodleClient({self.url!r})"

    @property
    def endpoint(self) -> str:
        """The REST server's URL."""
        return self.url + REST_PATH

    def close(self) -> None:
        """Close the session if the client created it."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> MoodleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _scrub(self, text: str) -> str:
        secret = self._token.get_secret_value()
        return text.replace(secret, "***") if secret else text

    def call(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call ``function`` with ``params``; Moodle's decoded JSON answer (None for null).

        Raises a :class:`~competency_moodle.errors.MoodleWebServiceError` subclass when
        Moodle refuses, :class:`MoodleHTTPError` / :class:`MoodleTransportError` when the
        site cannot be reached, :class:`MoodleEncodingError` before sending anything that
        Moodle's encoding cannot carry.
        """
        body = [
            ("wstoken", self._token.get_secret_value()),
            ("wsfunction", function),
            ("moodlewsrestformat", "json"),
            *encode_params(params or {}),
        ]
        attempts = 1 + (self.retries if function in self.read_functions else 0)
        self.calls += 1
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = self._post(function, body)
            except MoodleTransportError as exc:
                if attempt < attempts:
                    self._wait(attempt, None, function, str(exc))
                    continue
                raise
            status = int(response.status_code)
            log.debug("%s -> HTTP %s in %.3f s", function, status, time.perf_counter() - started)
            if status in _RETRY_STATUS and attempt < attempts:
                self._wait(attempt, response.headers.get("Retry-After"), function, str(status))
                continue
            if status != 200:
                raise MoodleHTTPError(
                    f"{function}: the site answered HTTP {status}"
                    + (" (too many requests)" if status == 429 else ""),
                    status=status,
                    function=function,
                    url=self.url,
                )
            return self._decode(function, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, function: str, body: list[tuple[str, str]]) -> Any:
        import requests

        try:
            return self._session.post(
                self.endpoint,
                data=body,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except requests.exceptions.Timeout as exc:
            raise MoodleTransportError(
                f"{function}: {self.url} did not answer in time ({type(exc).__name__})",
                function=function,
                url=self.url,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise MoodleTransportError(
                f"{function}: cannot reach {self.url}: {type(exc).__name__}: "
                + self._scrub(str(exc))[:300],
                function=function,
                url=self.url,
            ) from None

    def _wait(self, attempt: int, retry_after: str | None, function: str, why: str) -> None:
        wait = self.backoff * 2 ** (attempt - 1)
        if retry_after is not None and retry_after.strip().isdigit():
            wait = max(wait, float(retry_after))
        wait = min(wait, self.max_wait)
        log.info("%s failed (%s); retrying in %.2f s", function, why, wait)
        self._sleep(wait)

    def _decode(self, function: str, response: Any) -> Any:
        try:
            data = response.json()
        except ValueError:
            text = self._scrub(str(getattr(response, "text", ""))[:200]).strip()
            raise MoodleResponseError(
                f"{function}: the site did not answer JSON (is {self.url} a Moodle site with "
                f"the REST protocol enabled?): {text!r}",
                function=function,
                url=self.url,
            ) from None
        if isinstance(data, dict) and "exception" in data:
            debuginfo = data.get("debuginfo")
            raise web_service_error(
                function=function,
                exception=str(data.get("exception")),
                errorcode=str(data.get("errorcode", "")),
                message=self._scrub(str(data.get("message", ""))),
                debuginfo=self._scrub(str(debuginfo)) if debuginfo else None,
                url=self.url,
            )
        return data

    def call_many(
        self, function: str, param_list: Sequence[Mapping[str, Any]]
    ) -> Iterator[tuple[Mapping[str, Any], Any]]:
        """Call ``function`` once per parameter set, yielding each with its answer."""
        for params in param_list:
            yield params, self.call(function, params)


def _pooled_session() -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    pooled = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("https://", pooled)
    session.mount("http://", pooled)
    session.headers["User-Agent"] = "competency-core-moodle"
    return session


__all__ = ["REST_PATH", "MoodleClient", "encode_params"]
