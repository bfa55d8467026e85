"""The inbound SCIM service over HTTP: auth, filters, pagination, ETags, bulk.

What scim2-tester does not cover: the bearer token (missing, wrong, never shown), filters
narrowed in SQL and evaluated by scim2-models, index paging, ETags with If-Match /
If-None-Match, and a bulk request whose failed operation leaves the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from scim_inbound_support import Inbound, start_inbound

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.store import Store
from competency_scim.mapping import CORE_USER, ENTERPRISE_USER, RoleMapping
from competency_scim.service import read_token

BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def _user(name: str, **extra: Any) -> dict[str, Any]:
    return {"schemas": [CORE_USER], "userName": name, **extra}


def _create(inbound: Inbound, name: str, **extra: Any) -> dict[str, Any]:
    r = inbound.call("POST", "Users", _user(name, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


# -- auth ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Bearer not-the-token", "Basic dXNlcjpwYXNz", "Bearer", "bearer  "],
    ids=["missing", "wrong", "basic", "empty", "blank"],
)
def test_a_request_without_the_right_token_is_refused(
    inbound_sqlite: Inbound, header: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"Authorization": header} if header is not None else {}
    for method, path in [("GET", "Users"), ("POST", "Users"), ("GET", "Groups/x")]:
        body = _user("mallory@example.com") if method == "POST" else None
        r = requests.request(
            method, f"{inbound_sqlite.url}/{path}", json=body, headers=headers, timeout=10
        )
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["detail"] == "a valid bearer token is required"
        assert inbound_sqlite.token not in r.text
    assert inbound_sqlite.store.people() == []
    assert inbound_sqlite.token not in caplog.text
    if header and len(header.split()) == 2:
        assert header.split()[1] not in caplog.text  # nor what was sent instead


def test_the_token_never_reaches_a_log_or_an_error(
    inbound_sqlite: Inbound, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _create(inbound_sqlite, "ann@example.com")
    assert inbound_sqlite.call("GET", "Users/unknown").status_code == 404
    assert inbound_sqlite.call("POST", "Users", {"schemas": [CORE_USER]}).status_code == 400
    assert inbound_sqlite.call("POST", "Users", body=None, data=b"{not json").status_code == 400
    assert "POST /Users -> 201" in caplog.text  # requests are logged...
    assert inbound_sqlite.token not in caplog.text  # ...their credentials never
    assert inbound_sqlite.token not in repr(inbound_sqlite.app)
    assert "Authorization" not in caplog.text


def test_the_service_provider_configuration_is_public(inbound_sqlite: Inbound) -> None:
    r = requests.get(f"{inbound_sqlite.url}/ServiceProviderConfig", timeout=10)
    assert r.status_code == 200
    config = r.json()
    assert config["patch"]["supported"] is True
    assert config["etag"]["supported"] is True
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_read_token_from_a_file_or_the_environment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "token"
    file.write_text("s3cr3t-from-file\nignored\n", encoding="utf-8")
    assert read_token(file=file).get_secret_value() == "s3cr3t-from-file"
    monkeypatch.setenv("MY_SCIM_TOKEN", "  s3cr3t-from-env ")
    token = read_token(env="MY_SCIM_TOKEN")
    assert token.get_secret_value() == "s3cr3t-from-env"
    assert "s3cr3t" not in repr(token)
    assert "s3cr3t" not in str(token)
    monkeypatch.delenv("MY_SCIM_TOKEN")
    with pytest.raises(SyncError, match="set MY_SCIM_TOKEN"):
        read_token(env="MY_SCIM_TOKEN")
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(SyncError, match="is empty"):
        read_token(file=tmp_path / "empty")
    with pytest.raises(SyncError, match="cannot read the token file"):
        read_token(file=tmp_path / "absent")


# -- filters ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def people(
    module_store: Store, scim_model: CompetencyModel, sample_mapping: RoleMapping
) -> Iterator[Inbound]:
    """Twelve users with titles and departments, on each backend (the tests only read)."""
    for inbound in start_inbound(module_store, scim_model, sample_mapping):
        for i in range(12):
            _create(
                inbound,
                f"user{i:02d}@Example.com",
                externalId=f"ext-{i}",
                title="Software Engineer" if i % 3 else "Engineering Manager",
                active=i != 5,
                emails=[{"value": f"user{i:02d}@example.com", "type": "work", "primary": True}],
                **{
                    "schemas": [CORE_USER, ENTERPRISE_USER],
                    ENTERPRISE_USER: {"department": "R&D" if i < 6 else "Ops"},
                },
            )
        yield inbound


def _search(inbound: Inbound, **params: Any) -> dict[str, Any]:
    r = inbound.call("GET", "Users", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.parametrize(
    ("scim_filter", "expected"),
    [
        ('userName eq "USER03@example.com"', ["user03@Example.com"]),  # userName: caseExact false
        ('externalId eq "ext-7"', ["user07@Example.com"]),
        ('externalId eq "EXT-7"', []),  # externalId is case exact
        ("active eq false", ["user05@Example.com"]),
        (
            'title eq "engineering manager" and active eq true',
            [f"user{i:02d}@Example.com" for i in (0, 3, 6, 9)],
        ),
        (
            f'{ENTERPRISE_USER}:department eq "Ops" and title sw "Eng"',
            ["user06@Example.com", "user09@Example.com"],
        ),
        ('emails[type eq "work" and value co "user11"]', ["user11@Example.com"]),
        ('userName sw "user1"', ["user10@Example.com", "user11@Example.com"]),
        ('not (userName lt "user11")', ["user11@Example.com"]),
    ],
)
def test_filters_mean_what_rfc_7644_says(
    people: Inbound, scim_filter: str, expected: list[str]
) -> None:
    found = _search(people, filter=scim_filter)
    assert sorted(u["userName"] for u in found["Resources"]) == sorted(expected)
    assert found["totalResults"] == len(expected)


def test_a_bad_filter_is_a_400_saying_so(inbound_sqlite: Inbound) -> None:
    r = inbound_sqlite.call("GET", "Users", params={"filter": 'userName eq "x" and'})
    assert r.status_code == 400
    assert r.json()["scimType"] == "invalidFilter"


def test_last_modified_filters_give_the_changes_since(people: Inbound) -> None:
    everyone = _search(people, count=100)["Resources"]
    stamps = sorted(u["meta"]["lastModified"] for u in everyone)
    pivot = stamps[6]
    later = _search(people, filter=f'meta.lastModified gt "{pivot}"', count=100)
    expected = {u["userName"] for u in everyone if u["meta"]["lastModified"] > pivot}
    assert {u["userName"] for u in later["Resources"]} == expected
    assert later["totalResults"] == len(expected)


# -- pagination ------------------------------------------------------------------------------


def test_index_pages_cover_everyone_once(people: Inbound) -> None:
    seen: list[str] = []
    start = 1
    while True:
        page = _search(people, startIndex=start, count=5)
        assert page["totalResults"] == 12
        assert page["startIndex"] == start
        assert page["itemsPerPage"] == len(page["Resources"]) <= 5
        seen += [u["id"] for u in page["Resources"]]
        if not page["Resources"]:
            break
        start += len(page["Resources"])
    assert len(seen) == len(set(seen)) == 12


def test_count_zero_gives_only_the_total(people: Inbound) -> None:
    page = _search(people, count=0)
    assert page["totalResults"] == 12
    assert page.get("Resources", []) == []


def test_pages_of_a_filtered_and_sorted_search(people: Inbound) -> None:
    names = []
    for start in (1, 4, 7):
        page = _search(
            people,
            filter='title eq "Software Engineer"',
            sortBy="userName",
            sortOrder="descending",
            startIndex=start,
            count=3,
        )
        assert page["totalResults"] == 8
        names += [u["userName"] for u in page["Resources"]]
    assert names == sorted(names, key=str.casefold, reverse=True)
    assert len(set(names)) == 8


def test_the_page_size_is_bounded_by_the_configuration(sqlite_store: Store) -> None:
    from competency_scim.service import service_provider_config

    config = service_provider_config(max_page_size=4, default_page_size=2)
    for inbound in start_inbound(sqlite_store, None, None, config=config):
        for i in range(6):
            _create(inbound, f"p{i}@example.com")
        assert len(_search(inbound)["Resources"]) == 2  # the default page size
        big = _search(inbound, count=50)
        assert big["totalResults"] == 6
        assert big["itemsPerPage"] == len(big["Resources"]) == 4


# -- ETags -----------------------------------------------------------------------------------


def test_etags_guard_concurrent_writes(inbound: Inbound) -> None:
    user = _create(inbound, "eve@example.com", title="Software Engineer")
    uid, v1 = user["id"], user["meta"]["version"]
    got = inbound.call("GET", f"Users/{uid}")
    assert got.headers["ETag"] == v1
    assert inbound.call("GET", f"Users/{uid}", headers={"If-None-Match": v1}).status_code == 304
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": "Engineering Manager"}],
    }
    ok = inbound.call("PATCH", f"Users/{uid}", patch, headers={"If-Match": v1})
    assert ok.status_code in (200, 204), ok.text
    v2 = inbound.call("GET", f"Users/{uid}").json()["meta"]["version"]
    assert v2 != v1
    stale = inbound.call("PATCH", f"Users/{uid}", patch, headers={"If-Match": v1})
    assert stale.status_code == 412
    put = {**_user("eve@example.com"), "title": "Staff Software Engineer"}
    assert inbound.call("PUT", f"Users/{uid}", put, headers={"If-Match": v1}).status_code == 412
    assert inbound.call("DELETE", f"Users/{uid}", headers={"If-Match": v1}).status_code == 412
    assert inbound.call("GET", f"Users/{uid}").json()["title"] == "Engineering Manager"
    assert inbound.store.person("eve-example.com").role == "engineering-manager"
    assert inbound.call("DELETE", f"Users/{uid}", headers={"If-Match": v2}).status_code == 204


# -- bulk ------------------------------------------------------------------------------------


def test_a_failed_bulk_operation_leaves_the_others(inbound_sqlite: Inbound) -> None:
    body = {
        "schemas": [BULK],
        "Operations": [
            {"method": "POST", "path": "/Users", "bulkId": "a", "data": _user("a@example.com")},
            {"method": "POST", "path": "/Users", "bulkId": "b", "data": _user("a@example.com")},
            {"method": "POST", "path": "/Users", "bulkId": "c", "data": _user("c@example.com")},
        ],
    }
    r = inbound_sqlite.call("POST", "Bulk", body)
    assert r.status_code == 200, r.text
    statuses = [op["status"] for op in r.json()["Operations"]]
    assert statuses == ["201", "409", "201"]
    assert sorted(p.key for p in inbound_sqlite.store.people()) == [
        "a-example.com",
        "c-example.com",
    ]


def test_a_failed_request_writes_nothing(inbound_sqlite: Inbound) -> None:
    _create(inbound_sqlite, "taken@example.com")
    r = inbound_sqlite.call("POST", "Users", _user("TAKEN@example.com"))
    assert r.status_code == 409
    assert r.json()["scimType"] == "uniqueness"
    assert [p.key for p in inbound_sqlite.store.people()] == ["taken-example.com"]


def test_app_from_env_serves_a_wsgi_server(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from competency_scim.service import app_from_env, running

    token_file = tmp_path / "token"
    token_file.write_text("env-configured-token\n", encoding="utf-8")
    mapping = tmp_path / "roles.yaml"
    mapping.write_text("rules: [{equals: Wizard, role: staff-engineer}]\n", encoding="utf-8")
    monkeypatch.setenv("COMPETENCY_SCIM_SERVICE_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("COMPETENCY_SCIM_SERVICE_MAPPING", str(mapping))
    monkeypatch.setenv("COMPETENCY_STORE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = app_from_env()
    with running(app) as server:
        auth = {"Authorization": "Bearer env-configured-token"}
        body = _user("wiz@example.com", title="wizard")
        r = requests.post(f"{server.url}/Users", json=body, headers=auth, timeout=10)
        assert r.status_code == 201, r.text
    assert app.directory.store.person("wiz-example.com").role == "staff-engineer"
    app.directory.store.close()


def test_parallel_requests_are_all_served(inbound: Inbound) -> None:
    """Identity providers send requests in parallel (SQLite has one writer at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    def create(i: int) -> int:
        with requests.Session() as session:
            r = session.post(
                f"{inbound.url}/Users",
                json=_user(f"par{i:03d}@example.com", title="Software Engineer"),
                headers={"Authorization": f"Bearer {inbound.token}"},
                timeout=60,
            )
            return r.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(40)))
    assert statuses == [201] * 40
    assert len(inbound.store.people()) == 40
    assert _search(inbound, count=0)["totalResults"] == 40
