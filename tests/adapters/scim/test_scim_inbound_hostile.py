"""The inbound SCIM service under requests it cannot use: always a SCIM error, never a 500.

Deeply nested JSON, numbers too large, invalid UTF-8, wrong content types, bodies over
the limit, a Content-Length that is not one, over-long URLs and filters: each gets a SCIM
error in JSON (RFC 7644 §3.12) with the status and ``scimType`` that say what was wrong.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scim_inbound_support import Inbound, start_inbound

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.store import Store
from competency_scim.mapping import CORE_USER, RoleMapping
from competency_scim.service import DEFAULT_MAX_BODY_SIZE, max_body_size_from_env

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


def _scim_error(r: requests.Response, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/scim+json"), r.headers
    body: dict[str, Any] = r.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


def _post(inbound: Inbound, path: str, data: bytes, **headers: str) -> requests.Response:
    return inbound.call("POST", path, data=data, headers=headers)


def _raw(inbound: Inbound, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (what requests would refuse to send); the status, headers, body."""
    with socket.create_connection(("127.0.0.1", inbound.server.server.server_port), 10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def _deep(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b'{"schemas": ' + b"[" * depth + b"]" * depth + b"}"
    return (
        b'{"schemas": ["'
        + CORE_USER.encode()
        + b'"], "x": '
        + b'{"a":' * depth
        + b"1"
        + b"}" * (depth + 1)
    )


# -- bodies that are not usable JSON: 400 invalidSyntax -----------------------------------


@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "Users"), ("PUT", "Users/x"), ("PATCH", "Users/x"), ("POST", "Groups")],
)
def test_deeply_nested_json_is_a_syntax_error_not_a_500(
    inbound_sqlite: Inbound, kind: str, depth: int, method: str, path: str
) -> None:
    if path == "Users/x":  # an existing user, so the body is what is wrong
        ann = inbound_sqlite.call("POST", "Users", {"schemas": [CORE_USER], "userName": "ann"})
        path = f"Users/{ann.json()['id']}"
    r = inbound_sqlite.call(method, path, data=_deep(depth, kind))
    detail = _scim_error(r, 400, "invalidSyntax")["detail"]
    assert "recursion" in detail or "nest" in detail


@pytest.mark.parametrize("path", ["Users/.search", ".search", "Bulk"])
def test_deeply_nested_json_elsewhere_is_a_syntax_error(inbound_sqlite: Inbound, path: str) -> None:
    _scim_error(_post(inbound_sqlite, path, _deep(50_000, "array")), 400, "invalidSyntax")


@pytest.mark.parametrize(
    "body",
    [
        b'{"schemas": ["' + CORE_USER.encode() + b'"], "userName": ' + b"9" * 5_000 + b"}",
        b'{"schemas": ["'
        + CORE_USER.encode()
        + b'"], "userName": "a", "x": -'
        + b"9" * 5_000
        + b"}",
        b'{"schemas": ["' + CORE_USER.encode() + b'"], "userName": "a", "x": 1e999999}',
    ],
    ids=["huge-int-name", "huge-int-extra", "huge-exponent"],
)
def test_huge_numbers_are_refused_or_ignored_never_a_500(
    inbound_sqlite: Inbound, body: bytes
) -> None:
    r = _post(inbound_sqlite, "Users", body)
    if r.status_code == 201:  # an unknown attribute is ignored (the tolerant policy)
        assert r.json()["userName"] == "a"
    else:
        _scim_error(r, 400)
        assert r.json()["scimType"] in {"invalidSyntax", "invalidValue"}


@pytest.mark.parametrize(
    "text",
    [b'"\xff\xfe"', b'"a\xc3"', b'"\xed\xa0\x80"', b'"\xc0\xaf"'],
    ids=["ff-fe", "truncated", "surrogate", "overlong"],
)
def test_invalid_utf8_is_a_syntax_error(inbound_sqlite: Inbound, text: bytes) -> None:
    body = b'{"schemas": ["' + CORE_USER.encode() + b'"], "userName": ' + text + b"}"
    _scim_error(_post(inbound_sqlite, "Users", body), 400, "invalidSyntax")
    patch = b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ['
    patch += b'{"op": "replace", "value": {"displayName": ' + text + b"}}]}"
    r = inbound_sqlite.call("PATCH", "Users/x", data=patch)
    assert r.status_code in {400, 404}, r.text
    _scim_error(r, r.status_code)


@pytest.mark.parametrize(
    "body", [b"", b"{", b"[]", b"null", b"42", b'"text"', b"\x00\x01\x02", b"{}" * 3]
)
def test_bodies_that_are_not_a_resource_are_a_400(inbound_sqlite: Inbound, body: bytes) -> None:
    r = _post(inbound_sqlite, "Users", body)
    _scim_error(r, 400)
    assert r.json()["scimType"] in {"invalidSyntax", "invalidValue"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", "é/é"]
)
def test_a_body_that_is_not_json_is_a_415(inbound_sqlite: Inbound, content_type: str) -> None:
    body = json.dumps({"schemas": [CORE_USER], "userName": "ann"}).encode()
    r = inbound_sqlite.call(
        "POST", "Users", data=body, headers={"Content-Type": content_type.encode("utf-8")}
    )
    _scim_error(r, 415)
    assert inbound_sqlite.store.people() == []


@given(body=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_bytes_get_an_answer_in_scim_json(inbound_sqlite: Inbound, body: bytes) -> None:
    for method, path in [("POST", "Users"), ("PATCH", "Users/x"), ("POST", "Bulk")]:
        r = inbound_sqlite.call(method, path, data=body)
        assert r.status_code < 500, (method, path, body, r.text)
        if r.status_code >= 400:
            _scim_error(r, r.status_code)


# -- sizes: 413 on every body, configurable --------------------------------------------------


def test_a_body_over_the_limit_is_a_413_on_every_endpoint(inbound_sqlite: Inbound) -> None:
    name = "a" * (DEFAULT_MAX_BODY_SIZE + 10)
    body = json.dumps({"schemas": [CORE_USER], "userName": name}).encode()
    for method, path in [("POST", "Users"), ("PUT", "Users/x"), ("PATCH", "Users/x")]:
        r = inbound_sqlite.call(method, path, data=body)
        assert str(DEFAULT_MAX_BODY_SIZE) in _scim_error(r, 413)["detail"]
    search = json.dumps({"schemas": [SEARCH], "filter": f'userName eq "{name}"'}).encode()
    _scim_error(_post(inbound_sqlite, "Users/.search", search), 413)
    _scim_error(_post(inbound_sqlite, "Bulk", b"[" + b" " * (5 << 20) + b"]"), 413)
    assert inbound_sqlite.store.people() == []


def test_a_large_body_needs_a_token_before_it_is_measured(inbound_sqlite: Inbound) -> None:
    body = b"x" * (DEFAULT_MAX_BODY_SIZE + 1)
    r = requests.post(f"{inbound_sqlite.url}/Users", data=body, timeout=30)
    _scim_error(r, 401)


@pytest.fixture
def small_limit(
    sqlite_store: Store, scim_model: CompetencyModel, sample_mapping: RoleMapping
) -> Iterator[Inbound]:
    """The service with a body limit of 2 KiB."""
    yield from start_inbound(sqlite_store, scim_model, sample_mapping, max_body_size=2048)


def test_the_body_limit_is_configurable(small_limit: Inbound) -> None:
    ok = small_limit.call("POST", "Users", {"schemas": [CORE_USER], "userName": "ann"})
    assert ok.status_code == 201, ok.text
    big = {"schemas": [CORE_USER], "userName": "bob", "displayName": "b" * 3000}
    body = _scim_error(small_limit.call("POST", "Users", big), 413)
    assert "2048 bytes" in body["detail"]
    assert [p.key for p in small_limit.store.people()] == ["ann"]


def test_the_body_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPETENCY_SCIM_SERVICE_MAX_BODY_SIZE", raising=False)
    assert max_body_size_from_env() == DEFAULT_MAX_BODY_SIZE
    monkeypatch.setenv("COMPETENCY_SCIM_SERVICE_MAX_BODY_SIZE", "65536")
    assert max_body_size_from_env() == 65536
    for bad in ["1e6", "-1", "0", "lots", "٣"]:
        monkeypatch.setenv("COMPETENCY_SCIM_SERVICE_MAX_BODY_SIZE", bad)
        with pytest.raises(SyncError, match="number of bytes"):
            max_body_size_from_env()


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "٣"])
def test_a_content_length_that_is_not_one_is_a_400(inbound_sqlite: Inbound, length: str) -> None:
    request = (
        "POST /v2/Users HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {inbound_sqlite.token}\r\n"
        f"Content-Type: application/scim+json\r\nContent-Length: {length}\r\n\r\n{{}}"
    ).encode()
    status, headers, body = _raw(inbound_sqlite, request)
    assert status == 400, body
    assert headers["Content-Type"].startswith("application/scim+json")
    assert json.loads(body)["scimType"] == "invalidSyntax"


# -- URLs, filters and query parameters ------------------------------------------------------


def test_an_over_long_url_is_a_scim_414_not_an_html_page(inbound_sqlite: Inbound) -> None:
    r = inbound_sqlite.call("GET", "Users/" + "a" * 70_000)
    assert "POST /.search" in _scim_error(r, 414)["detail"]
    long_filter = 'userName eq "' + "a" * 70_000 + '"'
    _scim_error(inbound_sqlite.call("GET", "Users", params={"filter": long_filter}), 414)


def test_an_over_long_header_is_a_scim_error(inbound_sqlite: Inbound) -> None:
    request = b"GET /v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    status, headers, body = _raw(inbound_sqlite, request)
    assert status == 431
    assert headers["Content-Type"] == "application/scim+json"
    assert json.loads(body)["status"] == "431"


def test_a_malformed_request_line_is_a_scim_400(inbound_sqlite: Inbound) -> None:
    status, headers, body = _raw(inbound_sqlite, b'GET /v2/Users "x" HTTP/1.1\r\n\r\n')
    assert status == 400
    assert headers["Content-Type"] == "application/scim+json"
    assert json.loads(body)["scimType"] == "invalidSyntax"


def test_long_filters_get_an_answer(inbound: Inbound) -> None:
    """Thousands of terms (in the body of /.search, where a URL cannot hold them)."""
    ann = inbound.call("POST", "Users", {"schemas": [CORE_USER], "userName": "ann"})
    assert ann.status_code == 201, ann.text
    terms = [f'userName eq "u{i}"' for i in range(3_000)]
    for text, found in [
        (" or ".join([*terms, 'userName eq "ann"']), 1),
        (" and ".join(terms), 0),
        ('userName sw "' + "a" * 40_000 + '"', 0),
        ("(" * 3_000 + 'userName eq "ann"' + ")" * 3_000, 1),
    ]:
        r = _post(
            inbound, "Users/.search", json.dumps({"schemas": [SEARCH], "filter": text}).encode()
        )
        if r.status_code == 200:
            assert r.json()["totalResults"] == found, text[:80]
        else:
            _scim_error(r, 400, "invalidFilter")
    short = " and ".join(terms[:1_500])
    r = inbound.call("GET", "Users", params={"filter": short})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["totalResults"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "userName eq " + "9" * 5_000,
        'meta.lastModified gt "2020-13-45T99:00:00Z"',
        'userName eq "a" and',
        "not (" * 1_000 + 'userName eq "a"' + ")" * 1_000,
        "emails[" * 500 + 'value eq "a"' + "]" * 500,
        'userName eq "\x00\ud800"',
    ],
    ids=["huge-int", "bad-date", "unfinished", "nested-not", "nested-brackets", "controls"],
)
def test_filters_that_cannot_be_read_are_invalid_filters(
    inbound_sqlite: Inbound, text: str
) -> None:
    r = inbound_sqlite.call("GET", "Users", params={"filter": text.encode("utf-8", "replace")})
    if r.status_code != 200:
        _scim_error(r, 400, "invalidFilter")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("startIndex", "9" * 50),
        ("startIndex", str(2**63)),
        ("count", "9" * 5_000),
        ("count", "-1"),
        ("startIndex", "x"),
    ],
)
def test_paging_numbers_out_of_range_are_not_a_500(inbound: Inbound, name: str, value: str) -> None:
    assert inbound.call("POST", "Users", {"schemas": [CORE_USER], "userName": "ann"}).ok
    r = inbound.call("GET", "Users", params={name: value})
    if r.status_code == 200:
        assert r.json()["Resources"] == [] if name == "startIndex" else True
    else:
        _scim_error(r, 400)


def test_invalid_percent_escapes_in_the_url_are_answered(inbound_sqlite: Inbound) -> None:
    for target in [b"/v2/Users/%ff%fe", b"/v2/Users?filter=%ff%fe", b"/v2/Users?count=%00"]:
        request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n"
        request += f"Authorization: Bearer {inbound_sqlite.token}\r\n\r\n".encode()
        status, headers, body = _raw(inbound_sqlite, request)
        assert status in {200, 400, 404}, (target, body)
        assert headers["Content-Type"].startswith("application/scim+json")
