"""A client of any SCIM 2.0 service (RFC 7644), on ``requests`` and scim2-models.

>>> client = ScimClient("https://idp.example.com/scim/v2", token="s3cret")
>>> client
ScimClient('https://idp.example.com/scim/v2')

Reads stream: :meth:`ScimClient.search` asks for one page at a time and yields its
resources before asking for the next, so no more than one page is held. Pages follow
``startIndex``, advanced by the number of resources the service actually returned (a
service may return fewer than the ``count`` asked for, and says so in ``itemsPerPage``),
or the service's ``nextCursor`` when it announces cursor pagination (RFC 9865).

Filters the service refuses (``400 invalidFilter``, or ``501`` when it does not filter at
all) are applied on the client instead, over the unfiltered listing, when the caller gave
a local test for them (:class:`Filter`).

Reads (``GET``) are retried after a connection error, a timeout, ``429`` or a ``5xx``
answer, with exponential backoff (or what ``Retry-After`` asks, up to ``max_wait``).
Writes are never retried: the service may have carried out a call whose answer was lost,
and the sync engine's re-run is the safe way to recover. Writes send ``If-Match`` with
the version read when the service announces ETags.

Resources are plain JSON dicts, exactly as the service sent them (unknown attributes and
extensions included); envelopes, errors and configuration are read with scim2-models,
dropping attributes the models do not know (see :func:`lenient`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, TypeVar

import requests
from pydantic import BaseModel, SecretStr, ValidationError

from competency_scim._deps import require_scim
from competency_scim.errors import (
    ScimFilterError,
    ScimHTTPError,
    ScimNotFoundError,
    ScimResponseError,
    ScimTransportError,
    advice,
    error_for_status,
)
from competency_scim.filters import Filter, combine, filter_text, scim_datetime

log = logging.getLogger("competency_scim.client")

SCIM_JSON = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_SAFE = frozenset({"GET", "HEAD"})

M = TypeVar("M", bound=BaseModel)
Paging = Literal["auto", "index", "cursor"]


def lenient(model: type[M], data: Any) -> M:
    """``model`` validated from ``data``, leaving out the attributes the model does not know.

    scim2-models refuses unknown attributes; services send vendor attributes anyway (Entra
    ID, Okta, Workday do), and a client must not fail on them.
    """
    current = data
    for _ in range(20):
        try:
            return model.model_validate(current)
        except ValidationError as exc:
            extras = [e["loc"] for e in exc.errors() if e["type"] == "extra_forbidden"]
            if not extras:
                raise
            current = _without(current, extras)
    return model.model_validate(current)


def _without(data: Any, locations: Sequence[tuple[int | str, ...]]) -> Any:
    import copy

    out = copy.deepcopy(data)
    for loc in locations:
        node = out
        for part in loc[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict):
            node.pop(loc[-1], None)
    return out


@dataclass(frozen=True)
class Features:
    """What the service announces in ``/ServiceProviderConfig`` (defaults when it has none)."""

    patch: bool = True
    filter: bool = True
    max_results: int | None = None
    sort: bool = False
    etag: bool = False
    bulk: bool = False
    cursor: bool = False
    index: bool = True
    max_page_size: int | None = None


@dataclass
class Page:
    """One page of a search: its resources and what the service said about the rest."""

    resources: list[dict[str, Any]]
    total: int | None
    start_index: int | None
    items_per_page: int | None
    next_cursor: str | None


class ScimClient:
    """Reads and writes the resources of one SCIM 2.0 service with a bearer token.

    ``url`` is the service's base URL (``https://host/scim/v2``). ``session`` is a
    ``requests.Session`` to use (default: a new pooled one, closed by :meth:`close`).
    ``timeout`` is (connect, read) seconds. ``retries`` is how many times a read is tried
    again; the n-th retry waits ``backoff * 2**(n-1)`` seconds, or what ``Retry-After``
    asks, at most ``max_wait``. ``page_size`` is the ``count`` asked for. ``paging`` is
    ``index``, ``cursor`` or ``auto`` (cursors when the service announces them).
    ``token_hint`` names where the token came from, for error messages.
    """

    def __init__(
        self,
        url: str,
        token: SecretStr | str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (10.0, 60.0),
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        page_size: int = 100,
        paging: Paging = "auto",
        token_hint: str = "COMPETENCY_SCIM_TOKEN",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        require_scim()
        self.url = url.rstrip("/")
        self._token = token if isinstance(token, SecretStr) or token is None else SecretStr(token)
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_wait = max_wait
        self.page_size = max(1, page_size)
        self.paging: Paging = paging
        self.token_hint = token_hint
        self._sleep = sleep
        self.requests_made = 0
        self.on_fallback: Callable[[str], None] | None = None

    def __repr__(self) -> str:
        return f"ScimClient({self.url!r})"

    def close(self) -> None:
        """Close the session if the client made it."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> ScimClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP ----------------------------------------------------------------------------
    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"Accept": f"{SCIM_JSON}, application/json"}
        if self._token is not None and self._token.get_secret_value():
            headers["Authorization"] = "Bearer " + self._token.get_secret_value()
        headers.update(extra or {})
        return headers

    def _wait(self, attempt: int, response: requests.Response | None) -> float:
        wait: float = self.backoff * 2 ** (attempt - 1)
        after = response.headers.get("Retry-After") if response is not None else None
        if after:
            try:
                wait = float(after)
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(after)
                except (TypeError, ValueError):
                    when = None
                if when is not None:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=dt.UTC)
                    wait = (when - dt.datetime.now(dt.UTC)).total_seconds()
        return min(max(wait, 0.0), self.max_wait)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        ok: Sequence[int] = (200, 201, 204),
    ) -> requests.Response:
        """Send one request (retrying reads); a typed :class:`ScimError` when it fails."""
        url = path if path.startswith(("http://", "https://")) else f"{self.url}/{path.lstrip('/')}"
        operation = f"{method} {path}"
        safe = method.upper() in _SAFE
        tries = 1 + (self.retries if safe else 0)
        for attempt in range(1, tries + 1):
            self.requests_made += 1
            response: requests.Response | None = None
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    headers=self._headers(
                        {
                            **({"Content-Type": SCIM_JSON} if body is not None else {}),
                            **(headers or {}),
                        }
                    ),
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt < tries:
                    wait = self._wait(attempt, None)
                    log.info(
                        "%s failed (%s); retry %d in %.1fs",
                        operation,
                        type(exc).__name__,
                        attempt,
                        wait,
                    )
                    self._sleep(wait)
                    continue
                what = (
                    "did not answer in time"
                    if isinstance(exc, requests.Timeout)
                    else "cannot be reached"
                )
                tried = f" (tried {tries} times)" if tries > 1 else ""
                raise ScimTransportError(
                    f"{operation}: the SCIM service at {self.url} {what}{tried}: "
                    f"{type(exc).__name__}; check the URL and the network, or raise the timeout",
                    operation=operation,
                    url=url,
                ) from None
            if response.status_code in ok:
                return response
            if response.status_code in _RETRY_STATUS and attempt < tries:
                wait = self._wait(attempt, response)
                log.info(
                    "%s answered %d; retry %d in %.1fs",
                    operation,
                    response.status_code,
                    attempt,
                    wait,
                )
                self._sleep(wait)
                continue
            raise self._http_error(response, operation, url, tries if safe else 1)
        raise AssertionError("unreachable")  # pragma: no cover

    def _http_error(
        self, response: requests.Response, operation: str, url: str, tries: int
    ) -> ScimHTTPError:
        from scim2_models import Error

        status = response.status_code
        scim_type: str | None = None
        detail: str | None = None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            try:
                error = lenient(Error, payload)
                scim_type = str(error.scim_type) if error.scim_type else None
                detail = error.detail
            except ValidationError:
                detail = str(payload.get("detail") or "") or None
                raw_type = payload.get("scimType")
                scim_type = str(raw_type) if raw_type else None
        if detail is None and response.text and not response.text.lstrip().startswith("<"):
            detail = response.text.strip()[:200]
        cls = error_for_status(status, scim_type)
        said = f": {detail}" if detail else ""
        kind = f" ({scim_type})" if scim_type else ""
        retried = f" after {tries} tries" if tries > 1 and status in _RETRY_STATUS else ""
        message = (
            f"{operation} at {self.url} failed with HTTP {status}{kind}{retried}{said}; "
            + advice(status, scim_type, self.token_hint)
        )
        if self._token is not None and self._token.get_secret_value():
            message = message.replace(self._token.get_secret_value(), "***")
        return cls(
            message, status=status, scim_type=scim_type, detail=detail, operation=operation, url=url
        )

    def _json(self, response: requests.Response, operation: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise ScimResponseError(
                f"{operation} at {self.url}: the answer is not JSON "
                f"(content type {response.headers.get('Content-Type')!r}); is this a SCIM URL?",
                operation=operation,
                url=response.url,
            ) from None
        if not isinstance(data, dict):
            raise ScimResponseError(
                f"{operation} at {self.url}: the answer is not a JSON object",
                operation=operation,
                url=response.url,
            )
        return data

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET ``path`` as a JSON object."""
        return self._json(self.request("GET", path, params=params), f"GET {path}")

    # -- discovery -----------------------------------------------------------------------
    @cached_property
    def features(self) -> Features:
        """What the service announces in ``/ServiceProviderConfig`` (defaults if absent)."""
        from scim2_models import ServiceProviderConfig

        try:
            data = self.get_json("ServiceProviderConfig")
        except ScimNotFoundError:
            return Features()
        try:
            config = lenient(ServiceProviderConfig, data)
        except ValidationError:
            log.warning(
                "the ServiceProviderConfig of %s cannot be read; assuming defaults", self.url
            )
            return Features()
        pagination = config.pagination
        return Features(
            patch=bool(config.patch and config.patch.supported),
            filter=bool(config.filter and config.filter.supported),
            max_results=config.filter.max_results if config.filter else None,
            sort=bool(config.sort and config.sort.supported),
            etag=bool(config.etag and config.etag.supported),
            bulk=bool(config.bulk and config.bulk.supported),
            cursor=bool(pagination and pagination.cursor),
            index=bool(pagination is None or pagination.index or not pagination.cursor),
            max_page_size=pagination.max_page_size if pagination else None,
        )

    def schema_ids(self) -> set[str]:
        """The ids (URNs) of the schemas the service announces in ``/Schemas``."""
        try:
            data = self.get_json("Schemas")
        except ScimNotFoundError:
            return set()
        items = data.get("Resources", [])
        return {str(s.get("id")) for s in items if isinstance(s, dict) and s.get("id")}

    # -- reads -----------------------------------------------------------------------------
    def _page(self, resource: str, params: dict[str, Any]) -> Page:
        from scim2_models import Group, ListResponse

        data = self.get_json(resource, params)
        resources = data.get("Resources")
        if resources is None:
            resources = next((v for k, v in data.items() if k.casefold() == "resources"), [])
        if not isinstance(resources, list):
            raise ScimResponseError(
                f"GET {resource} at {self.url}: Resources is not a list",
                operation=f"GET {resource}",
            )
        envelope = {k: v for k, v in data.items() if k.casefold() != "resources"}
        try:
            head = lenient(ListResponse[Group], envelope)  # the envelope only
            total, start, per_page = head.total_results, head.start_index, head.items_per_page
            cursor = head.next_cursor
        except ValidationError:
            total = _int(data.get("totalResults"))
            start, per_page = _int(data.get("startIndex")), _int(data.get("itemsPerPage"))
            cursor = data.get("nextCursor") or None
        return Page(
            resources=[r for r in resources if isinstance(r, dict)],
            total=total,
            start_index=start,
            items_per_page=per_page,
            next_cursor=str(cursor) if cursor else None,
        )

    def _use_cursor(self) -> bool:
        if self.paging == "cursor":
            return True
        return self.paging == "auto" and self.features.cursor

    def search(
        self,
        resource: str,
        *,
        where: Filter | None = None,
        attributes: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream the resources of ``resource`` (``Users``, ``Groups``), page by page.

        ``where`` filters on the service, or locally when the service refuses the filter
        (``on_fallback`` is told). ``attributes`` asks for only these attributes.
        """
        params: dict[str, Any] = {"count": page_size or self.page_size}
        if attributes:
            params["attributes"] = ",".join(attributes)
        local: Callable[[Mapping[str, Any]], bool] | None = None
        if where is not None:
            if self.features.filter:
                params["filter"] = where.expression
            else:
                local = where.test
                self._fell_back(resource, where, "it does not announce filtering")
        pages = self._pages(resource, params)
        try:
            first = next(pages)
        except ScimFilterError as exc:
            if where is None:
                raise
            self._fell_back(resource, where, exc.detail or f"HTTP {exc.status}")
            params.pop("filter", None)
            local = where.test
            pages = self._pages(resource, params)
            first = next(pages)
        except StopIteration:
            return
        for page in _chain(first, pages):
            for item in page:
                if local is None or local(item):
                    yield item

    def _fell_back(self, resource: str, where: Filter, why: str) -> None:
        message = (
            f"the SCIM service at {self.url} refuses the filter {where.expression!r} on "
            f"{resource} ({why}): filtering on the client instead"
        )
        log.warning("%s", message)
        if self.on_fallback is not None:
            self.on_fallback(message)

    def _pages(self, resource: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        if self._use_cursor():
            cursor = ""
            while True:
                page = self._page(resource, {**params, "cursor": cursor})
                yield page.resources
                if not page.next_cursor or not page.resources:
                    return
                if page.next_cursor == cursor:
                    raise ScimResponseError(
                        f"GET {resource} at {self.url}: the service gave the same nextCursor "
                        "twice; set paging to index",
                        operation=f"GET {resource}",
                    )
                cursor = page.next_cursor
        start = 1
        while True:
            page = self._page(resource, {**params, "startIndex": start})
            n = len(page.resources)
            if page.items_per_page is not None and page.items_per_page != n:
                log.debug("%s: itemsPerPage %s but %d resources", resource, page.items_per_page, n)
            yield page.resources
            if n == 0:
                return
            start += n
            if page.total is not None and start > page.total:
                return

    def users(
        self,
        *,
        active: bool | None = None,
        modified_since: dt.datetime | None = None,
        attributes: Sequence[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream the users, optionally only active ones or those changed since a time."""
        return self.search("Users", where=combine(active, modified_since), attributes=attributes)

    def groups(
        self,
        *,
        where: Filter | None = None,
        attributes: Sequence[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stream the groups (with ``where`` as a filter)."""
        return self.search("Groups", where=where, attributes=attributes)

    def get(
        self, resource: str, id_: str, *, attributes: Sequence[str] | None = None
    ) -> tuple[dict[str, Any], str | None]:
        """One resource and its version (the ETag, or ``meta.version``)."""
        params = {"attributes": ",".join(attributes)} if attributes else None
        response = self.request("GET", f"{resource}/{id_}", params=params)
        data = self._json(response, f"GET {resource}/{id_}")
        meta = data.get("meta")
        version = response.headers.get("ETag") or (
            str(meta["version"]) if isinstance(meta, dict) and meta.get("version") else None
        )
        return data, version

    def find_one(self, resource: str, where: Filter) -> dict[str, Any] | None:
        """The first resource matching ``where``, if any."""
        return next(self.search(resource, where=where, page_size=2), None)

    # -- writes (never retried) --------------------------------------------------------------
    def _if_match(self, version: str | None) -> dict[str, str]:
        return {"If-Match": version} if version and self.features.etag else {}

    def create(self, resource: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST a new resource; returns it as the service stored it."""
        response = self.request("POST", resource, body=dict(body), ok=(200, 201))
        return self._json(response, f"POST {resource}")

    def replace(
        self, resource: str, id_: str, body: Mapping[str, Any], *, version: str | None = None
    ) -> dict[str, Any]:
        """PUT a resource's new content, with ``If-Match`` when the service has ETags."""
        response = self.request(
            "PUT", f"{resource}/{id_}", body=dict(body), headers=self._if_match(version), ok=(200,)
        )
        return self._json(response, f"PUT {resource}/{id_}")

    def patch(
        self,
        resource: str,
        id_: str,
        operations: Sequence[Mapping[str, Any]],
        *,
        version: str | None = None,
    ) -> None:
        """PATCH a resource with ``operations`` (RFC 7644 §3.5.2), ``If-Match`` when known."""
        if not operations:
            return
        body = {"schemas": [PATCH_OP], "Operations": [dict(op) for op in operations]}
        self.request(
            "PATCH", f"{resource}/{id_}", body=body, headers=self._if_match(version), ok=(200, 204)
        )

    def delete(self, resource: str, id_: str, *, version: str | None = None) -> None:
        """DELETE a resource (one already gone is not an error)."""
        try:
            self.request(
                "DELETE", f"{resource}/{id_}", headers=self._if_match(version), ok=(200, 204)
            )
        except ScimNotFoundError:
            log.info("%s/%s was already deleted", resource, id_)


def _chain(
    first: list[dict[str, Any]], rest: Iterator[list[dict[str, Any]]]
) -> Iterator[list[dict[str, Any]]]:
    yield first
    yield from rest


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


__all__ = [
    "ENTERPRISE_USER",
    "Features",
    "Filter",
    "Page",
    "Paging",
    "ScimClient",
    "filter_text",
    "lenient",
    "scim_datetime",
]
