"""A client of a Learning Record Store's statements API (xAPI 1.0.3 and 2.0).

``GET {endpoint}/statements`` with the ``X-Experience-API-Version`` header and HTTP basic
authentication, filtered by ``since``/``until`` (the time the LRS stored a statement),
following the answer's ``more`` link until it is empty. The session comes from the
caller (retries, proxies, certificates, test servers), and every request has a timeout.
Errors are :class:`LrsError`, which names the endpoint but never the password.

>>> from pydantic import SecretStr
>>> c = LrsClient("https://lrs.example.org/xAPI/", username="reader",
...               password=SecretStr("s3cret"))
>>> c.statements_url, "s3cret" in repr(c)
('https://lrs.example.org/xAPI/statements', False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from pydantic import SecretStr

from competency_core.importers.evidence.matching import EvidenceSourceError

if TYPE_CHECKING:
    import requests

XAPI_VERSIONS = ("1.0.3", "2.0.0")
"""The versions of the statements API a client can speak."""


class LrsError(EvidenceSourceError):
    """The LRS could not be read: unreachable, refused, or answering something else."""


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def xapi_timestamp(value: dt.datetime | dt.date) -> str:
    """An ISO 8601 timestamp for ``since``/``until`` (a date is its midnight, UTC).

    >>> xapi_timestamp(dt.date(2026, 3, 1))
    '2026-03-01T00:00:00+00:00'
    """
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), dt.UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


class LrsClient:
    """Reads statements from an LRS (its xAPI endpoint, e.g. ``https://lrs/xAPI/``)."""

    def __init__(
        self,
        endpoint: str,
        *,
        username: str | None = None,
        password: SecretStr | None = None,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        version: str = "1.0.3",
        page_size: int | None = None,
        max_pages: int = 10_000,
    ) -> None:
        parts = urlsplit(endpoint.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise LrsError(
                f"the LRS endpoint {_without_userinfo(endpoint)!r} is not an http(s) URL "
                "(e.g. https://lrs.example.org/xAPI/)"
            )
        if parts.username or parts.password:
            raise LrsError(
                "put no user or password in the LRS URL: give the user and the name of the "
                "environment variable holding the password instead"
            )
        if version not in XAPI_VERSIONS:
            raise LrsError(f"xAPI version {version!r} is not one of {', '.join(XAPI_VERSIONS)}")
        if (username is None) != (password is None):
            raise LrsError("basic authentication needs both a user and a password")
        self.endpoint = endpoint.strip().rstrip("/") + "/"
        self.username = username
        self._password = password
        self._session = session
        self.timeout = timeout
        self.version = version
        self.page_size = page_size
        self.max_pages = max_pages

    def __repr__(self) -> str:
        return f"LrsClient({self.endpoint!r}, username={self.username!r}, version={self.version!r})"

    @property
    def display_endpoint(self) -> str:
        """The endpoint as shown in sources and messages."""
        return self.endpoint

    @property
    def statements_url(self) -> str:
        """The statements resource."""
        return urljoin(self.endpoint, "statements")

    def _get(self, session: requests.Session, url: str, params: Mapping[str, str] | None) -> Any:
        import requests

        auth = None
        if self.username is not None and self._password is not None:
            auth = (self.username, self._password.get_secret_value())
        try:
            response = session.get(
                url,
                params=params,
                auth=auth,
                headers={"X-Experience-API-Version": self.version, "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise LrsError(
                f"cannot reach the LRS at {self.endpoint}: {type(exc).__name__}"
            ) from None
        shown = _without_userinfo(response.url or url)
        if response.status_code in (401, 403):
            raise LrsError(
                f"the LRS at {self.endpoint} refused the credentials (HTTP "
                f"{response.status_code}): check the user and the password"
            )
        if response.status_code != 200:
            body = " ".join(response.text.split())[:200]
            raise LrsError(f"HTTP {response.status_code} from {shown}: {body}")
        try:
            return response.json()
        except ValueError:
            raise LrsError(f"{shown} answered something other than JSON") from None

    def statements(
        self,
        *,
        since: dt.datetime | dt.date | None = None,
        until: dt.datetime | dt.date | None = None,
    ) -> Iterator[Any]:
        """Every statement stored in ``since``..``until``, page after page."""
        import requests

        params: dict[str, str] = {}
        if since is not None:
            params["since"] = xapi_timestamp(since)
        if until is not None:
            params["until"] = xapi_timestamp(until)
        if self.page_size:
            params["limit"] = str(self.page_size)
        session = self._session or requests.Session()
        try:
            url: str | None = self.statements_url
            seen: set[str] = set()
            pages = 0
            query: Mapping[str, str] | None = params
            while url:
                if url in seen:
                    raise LrsError(f"the LRS sent the same 'more' link twice ({url}): stopping")
                if pages >= self.max_pages:
                    raise LrsError(f"more than {self.max_pages} pages of statements: stopping")
                seen.add(url)
                pages += 1
                answer = self._get(session, url, query)
                if not isinstance(answer, Mapping) or not isinstance(
                    answer.get("statements"), list
                ):
                    raise LrsError(
                        f"{_without_userinfo(url)} did not answer a StatementResult "
                        '({"statements": [...], "more": ...})'
                    )
                yield from answer["statements"]
                more = answer.get("more")
                url = urljoin(self.endpoint, more) if isinstance(more, str) and more else None
                query = None  # the 'more' link carries the query
        finally:
            if self._session is None:
                session.close()


__all__ = ["XAPI_VERSIONS", "LrsClient", "LrsError", "xapi_timestamp"]
