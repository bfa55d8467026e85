"""Third-party conformance checks of the inbound SCIM service.

* scim2-tester (the checks a SCIM client vendor runs against a service) must pass in full,
  on the default configuration and on a strict one (small pages, no sort, no bulk, no ETags);
* scim2-server's own storage contract (:class:`scim2_server.testing.ScimStorageContract`)
  must hold for :class:`~competency_scim.storage.DirectoryStorage`.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import pytest
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import Bulk, ETag, ScimProvider, Sort
from scim2_server.testing import ScimStorageContract
from scim2_tester import Status, check_server

from competency_core.store import Store
from competency_scim.service import build_provider, create_app, service_provider_config
from competency_scim.storage import DirectoryStorage


@functools.cache
def _provider() -> ScimProvider:
    return build_provider()


def _strict_config() -> Any:
    config = service_provider_config(max_page_size=5, default_page_size=5)
    return config.model_copy(
        update={
            "sort": Sort(supported=False),
            "bulk": Bulk(supported=False, max_operations=0, max_payload_size=0),
            "etag": ETag(supported=False),
        }
    )


@pytest.mark.parametrize("config", ["default", "strict"])
def test_scim2_tester_passes_every_check(sqlite_store: Store, config: str) -> None:
    token = "conformance-token"
    app = create_app(
        sqlite_store, token=token, config=_strict_config() if config == "strict" else None
    )
    client = WSGISCIMClient(
        app, base_url="http://localhost/v2", headers={"Authorization": f"Bearer {token}"}
    )
    # The strict run repeats what its configuration changes: discovery, reads and paging.
    tags = {"discovery", "crud:read", "crud:create"} if config == "strict" else None
    results = check_server(client, include_tags=tags)
    statuses = Counter(r.status for r in results)
    failed = [
        f"{r.title}: {r.reason or r.description}"
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
    ]
    assert not failed, "\n".join(failed)
    assert statuses[Status.SUCCESS] > (20 if tags else 100)  # the checks really ran
    # The users the checks created became people; those they deleted are kept, deprovisioned.
    people = sqlite_store.people()
    assert people
    assert all("scim_id" in p.attributes or "deprovisioned" in p.attributes for p in people)


def test_scim2_tester_is_refused_without_the_token(sqlite_store: Store) -> None:
    app = create_app(sqlite_store, token="the-real-token")
    client = WSGISCIMClient(
        app, base_url="http://localhost/v2", headers={"Authorization": "Bearer a-wrong-one"}
    )
    results = check_server(client, include_tags={"crud:create"})
    ran = {r.title: r for r in results if r.status != Status.SKIPPED}
    # Only the service provider configuration is public (RFC 7644 §4); the rest is refused.
    assert ran.pop("service_provider_config_endpoint").status == Status.SUCCESS
    assert ran
    for title, result in ran.items():
        assert result.status == Status.ERROR, title
        assert "bearer token is required" in str(result.reason)
        assert "a-wrong-one" not in str(result.reason)


class TestDirectoryStorageContract(ScimStorageContract):
    """scim2-server's rules for every storage, checked on our store."""

    @pytest.fixture
    def provider(self) -> ScimProvider:
        return _provider()

    @pytest.fixture
    def storage(self, sqlite_store: Store, provider: ScimProvider) -> DirectoryStorage:
        # SQLite only: PostgreSQL runs the service-level tests (each test needs a database).
        return DirectoryStorage(sqlite_store, provider)
