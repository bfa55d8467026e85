"""The outbound SCIM client against real scim2-server instances (default and strict)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from servers import (
    CURSOR_CONFIG,
    STRICT_CONFIG,
    ScimServer,
    fail_times,
    refuse_filter,
    sample_users,
)

from competency_scim.client import Filter, ScimClient
from competency_scim.errors import (
    ScimAuthError,
    ScimResponseError,
    ScimServerError,
    ScimTransportError,
)

TOKEN = "scim-tok-9c1e77d0a4-secret"
N = 60


@pytest.fixture(scope="module")
def default_server() -> Iterator[ScimServer]:
    with ScimServer(token=TOKEN) as s:
        s.add_users(sample_users(N))
        yield s


@pytest.fixture(scope="module")
def strict_server() -> Iterator[ScimServer]:
    with ScimServer(STRICT_CONFIG, token=TOKEN) as s:
        s.add_users(sample_users(N))
        yield s


@pytest.fixture(scope="module")
def cursor_server() -> Iterator[ScimServer]:
    with ScimServer(CURSOR_CONFIG, token=TOKEN) as s:
        s.add_users(sample_users(N))
        yield s


@pytest.fixture(autouse=True)
def _clean_faults(
    default_server: ScimServer, strict_server: ScimServer, cursor_server: ScimServer
) -> Iterator[None]:
    yield
    for s in (default_server, strict_server, cursor_server):
        s.faults.faults.clear()
        s.faults.delay = 0.0
        s.faults.log.clear()


def client(server: ScimServer, **kw: Any) -> ScimClient:
    kw.setdefault("sleep", lambda _s: None)
    return ScimClient(server.url, TOKEN, **kw)


def searches(server: ScimServer) -> list[dict[str, list[str]]]:
    return [parse_qs(q) for m, p, q in server.faults.log if m == "GET" and p.endswith("/Users")]


def test_full_pull_across_pages_default(default_server: ScimServer) -> None:
    c = client(default_server, page_size=8)
    users = list(c.users())
    assert len(users) == N
    assert len({u["id"] for u in users}) == N
    pages = searches(default_server)
    assert len(pages) == 8  # 60 users in pages of 8
    assert [p["startIndex"] for p in pages] == [[str(1 + 8 * i)] for i in range(8)]


def test_strict_server_pages_by_what_it_returns_not_by_the_count_asked(
    strict_server: ScimServer,
) -> None:
    c = client(strict_server, page_size=100)
    assert c.features.max_page_size == 7
    assert not c.features.etag
    assert not c.features.sort
    users = list(c.users())
    assert len({u["id"] for u in users}) == N
    pages = searches(strict_server)
    assert len(pages) == 9  # ceil(60 / 7): the server answers 7 per page, not 100
    assert [p["startIndex"][0] for p in pages[:3]] == ["1", "8", "15"]


def test_cursor_paging_when_the_service_offers_it(cursor_server: ScimServer) -> None:
    c = client(cursor_server, page_size=10)
    assert c.features.cursor
    users = list(c.users())
    assert len({u["id"] for u in users}) == N
    pages = searches(cursor_server)
    assert len(pages) >= 6
    assert all("cursor" in p or p.get("cursor") == [""] or "count" in p for p in pages)
    assert not any("startIndex" in p for p in pages)
    assert any(p.get("cursor", [""])[0] for p in pages[1:])


def test_streaming_holds_one_page(default_server: ScimServer) -> None:
    c = client(default_server, page_size=10)
    it = c.users()
    first = [next(it) for _ in range(10)]
    assert len(first) == 10
    assert len(searches(default_server)) == 1  # the second page is not asked for yet
    next(it)
    assert len(searches(default_server)) == 2


def test_filtered_pull_active(strict_server: ScimServer) -> None:
    c = client(strict_server)
    active = list(c.users(active=True))
    assert len(active) == N - N // 5
    assert all(u["active"] is True for u in active)
    assert all(p["filter"] == ["active eq true"] for p in searches(strict_server))


def test_incremental_pull_by_last_modified(default_server: ScimServer) -> None:
    c = client(default_server)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert list(c.users(modified_since=later)) == []
    earlier = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert len(list(c.users(modified_since=earlier))) == N
    assert "meta.lastModified gt" in searches(default_server)[-1]["filter"][0]


def test_refused_filter_falls_back_to_the_client(
    strict_server: ScimServer, caplog: pytest.LogCaptureFixture
) -> None:
    strict_server.faults.faults.append(refuse_filter("active"))
    told: list[str] = []
    c = client(strict_server)
    c.on_fallback = told.append
    active = list(c.users(active=True))
    assert len(active) == N - N // 5
    assert all(u["active"] is True for u in active)
    assert told
    assert "filtering on the client" in told[0]
    assert "filter" not in searches(strict_server)[-1]


def test_retries_5xx_and_429_honouring_retry_after(default_server: ScimServer) -> None:
    waits: list[float] = []
    c = ScimClient(default_server.url, TOKEN, sleep=waits.append, backoff=0.25, page_size=50)
    assert c.features.filter
    default_server.faults.faults.append(fail_times(2, 503))
    default_server.faults.faults.append(fail_times(1, 429, headers={"Retry-After": "7"}))
    assert len(list(c.users())) == N
    assert waits == [0.25, 0.5, 7.0]


def test_gives_up_after_the_retries_with_a_clear_error(default_server: ScimServer) -> None:
    c = client(default_server, retries=2)
    assert c.features.filter  # read before the faults start
    default_server.faults.faults.append(fail_times(10, 502))
    with pytest.raises(ScimServerError) as exc:
        list(c.users())
    assert "HTTP 502" in str(exc.value)
    assert "after 3 tries" in str(exc.value)
    assert "GET Users" in str(exc.value)
    assert default_server.url in str(exc.value)


def test_writes_are_never_retried(default_server: ScimServer) -> None:
    default_server.faults.faults.append(fail_times(1, 503, method="POST"))
    c = client(default_server)
    with pytest.raises(ScimServerError):
        c.create(
            "Groups",
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x"},
        )
    assert [m for m, _, _ in default_server.faults.log].count("POST") == 1


def test_timeout_is_retried_then_reported(default_server: ScimServer) -> None:
    c = client(default_server, timeout=(1.0, 0.1), retries=1)
    assert c.features.filter
    default_server.faults.delay = 0.5
    with pytest.raises(ScimTransportError) as exc:
        list(c.users())
    assert "did not answer in time" in str(exc.value)
    assert "tried 2 times" in str(exc.value)


def test_connection_refused_is_a_transport_error() -> None:
    from servers import free_port

    c = ScimClient(f"http://127.0.0.1:{free_port()}/v2", TOKEN, retries=1, sleep=lambda _s: None)
    with pytest.raises(ScimTransportError) as exc:
        list(c.users())
    assert "cannot be reached" in str(exc.value)


def test_refused_token_is_clear_and_never_shown(
    strict_server: ScimServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-5d2b8e1f-never-shown"
    c = ScimClient(strict_server.url, wrong)
    with pytest.raises(ScimAuthError) as exc:
        list(c.users())
    message = str(exc.value)
    assert "HTTP 401" in message
    assert "check the bearer token" in message
    assert wrong not in message
    assert wrong not in repr(c)
    assert not any(wrong in r.getMessage() for r in caplog.records)
    assert exc.value.status == 401


def test_etag_if_match_on_writes(default_server: ScimServer) -> None:
    c = client(default_server)
    assert c.features.etag
    g = c.create(
        "Groups",
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "etag-g"},
    )
    _, version = c.get("Groups", g["id"])
    assert version
    c.patch(
        "Groups",
        g["id"],
        [{"op": "replace", "path": "displayName", "value": "etag-h"}],
        version=version,
    )
    from competency_scim.errors import ScimPreconditionError

    with pytest.raises(ScimPreconditionError) as exc:  # the old version is stale now
        c.patch(
            "Groups",
            g["id"],
            [{"op": "replace", "path": "displayName", "value": "x"}],
            version=version,
        )
    assert "make a new plan" in str(exc.value)
    c.delete("Groups", g["id"])
    c.delete("Groups", g["id"])  # already gone: fine


def test_filter_expressions_quote_values() -> None:
    f = Filter.equals("userName", 'a"b') & Filter.active()
    assert f.expression == '(userName eq "a\\"b") and (active eq true)'
    assert f.test({"userName": 'A"B', "active": "True"})
    assert not f.test({"userName": 'a"b', "active": False})


def test_a_cursor_that_does_not_move_is_an_error(cursor_server: ScimServer) -> None:
    def same_cursor(environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes] | None:
        if not environ.get("PATH_INFO", "").endswith("/Users"):
            return None
        page = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 3,
            "itemsPerPage": 1,
            "nextCursor": "stuck",
            "Resources": [{"id": "1", "userName": "a"}],
        }
        return 200, {"Content-Type": "application/scim+json"}, json.dumps(page).encode()

    c = client(cursor_server)
    assert c.features.cursor
    cursor_server.faults.faults.append(same_cursor)
    with pytest.raises(ScimResponseError, match="same nextCursor twice"):
        list(c.users())
