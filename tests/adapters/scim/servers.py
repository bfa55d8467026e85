"""Real scim2-server instances for the outbound tests, in a thread on 127.0.0.1.

:class:`ScimServer` builds the same application as the ``scim2-server`` command (its
in-memory storage, the bearer-token application, the RFC 7643 schemas, optional tenants),
from a service provider configuration given as JSON, behind a :class:`Faults` middleware
that counts requests and injects failures and delays. It serves on a free port with a
readiness wait, and stops when the ``with`` block ends.
"""

from __future__ import annotations

import copy
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import requests
from scim2_models import ResourceType, Schema, ScimProvider, ServiceProviderConfig
from scim2_server.applications.wsgi import TenantDispatcher
from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
from scim2_server.testserver.cli import ThreadingWSGIServer
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_json_resource,
)

DEFAULT_CONFIG: dict[str, Any] = load_json_resource("default-service-provider-config.json")

STRICT_CONFIG: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "patch": {"supported": True},
    "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
    "filter": {"supported": True, "maxResults": 7},
    "changePassword": {"supported": False},
    "sort": {"supported": False},
    "etag": {"supported": False},
    "pagination": {"index": True, "cursor": False, "maxPageSize": 7},
}
"""A stricter service: pages of at most 7, no sort, no bulk, no ETags."""

CURSOR_CONFIG: dict[str, Any] = {
    **copy.deepcopy(DEFAULT_CONFIG),
    "pagination": {
        "index": True,
        "cursor": True,
        "defaultPaginationMethod": "cursor",
        "maxPageSize": 25,
        "cursorTimeout": 600,
    },
}

EXTENSION = "urn:competency-core:params:scim:schemas:extension:competency:2.0:User"

Fault = Callable[[dict[str, Any]], "tuple[int, dict[str, str], bytes] | None"]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Faults:
    """A WSGI middleware: logs each request and runs the faults queued for it.

    A fault is a function of the WSGI environ returning None (let the request through) or
    a response (status, headers, body) to send instead; ``delay`` sleeps before answering.
    """

    app: Any
    log: list[tuple[str, str, str]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self.lock:
            self.log.append(
                (
                    environ["REQUEST_METHOD"],
                    environ.get("PATH_INFO", ""),
                    environ.get("QUERY_STRING", ""),
                )
            )
            answer = None
            for fault in list(self.faults):
                answer = fault(environ)
                if answer is not None:
                    break
        if self.delay:
            time.sleep(self.delay)
        if answer is not None:
            status, headers, body = answer
            start_response(f"{status} X", list(headers.items()))
            return [body]
        result: Iterable[bytes] = self.app(environ, start_response)
        return result

    def writes(self) -> list[tuple[str, str, str]]:
        return [r for r in self.log if r[0] in ("POST", "PUT", "PATCH", "DELETE")]


def fail_times(
    n: int, status: int = 503, *, method: str = "GET", headers: dict[str, str] | None = None
) -> Fault:
    """A fault answering ``status`` to the next ``n`` requests of ``method``."""
    left = [n]
    body = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": str(status),
            "detail": "injected",
        }
    ).encode()

    def fault(environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes] | None:
        if environ["REQUEST_METHOD"] != method or left[0] <= 0:
            return None
        left[0] -= 1
        return status, {"Content-Type": "application/scim+json", **(headers or {})}, body

    return fault


def refuse_filter(containing: str) -> Fault:
    """A fault answering 400 invalidFilter to searches whose filter mentions ``containing``."""

    def fault(environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes] | None:
        from urllib.parse import parse_qs

        query = parse_qs(environ.get("QUERY_STRING", ""))
        if any(containing in f for f in query.get("filter", [])):
            body = {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "scimType": "invalidFilter",
                "detail": f"filtering on {containing} is not supported",
            }
            return 400, {"Content-Type": "application/scim+json"}, json.dumps(body).encode()
        return None

    return fault


def _extension_schema() -> dict[str, Any]:
    def attr(name: str, multi: bool = False) -> dict[str, Any]:
        return {
            "name": name,
            "type": "string",
            "multiValued": multi,
            "description": name,
            "required": False,
            "caseExact": False,
            "mutability": "readWrite",
            "returned": "default",
            "uniqueness": "none",
        }

    return {
        "id": EXTENSION,
        "name": "CompetencyUser",
        "description": "competency-core role and competencies",
        "attributes": [attr("role"), attr("roleTitle"), attr("competencies", multi=True)],
        "meta": {"resourceType": "Schema", "location": f"/v2/Schemas/{EXTENSION}"},
    }


class ScimServer:
    """A scim2-server on a free port of 127.0.0.1, in a thread (``with ScimServer() as s``).

    ``config`` is the service provider configuration (JSON); ``token`` the bearer token it
    accepts (None: any request); ``tenants``: every first path segment is its own empty
    service (``url_for(tenant)``); ``extension``: serve the competency extension schema.
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        tenants: bool = False,
        extension: bool = False,
    ) -> None:
        schemas = list(load_default_schemas().values())
        resource_types = list(load_default_resource_types().values())
        if extension:
            schemas.append(Schema.model_validate(_extension_schema()))
            rt = resource_types[0].model_dump(mode="json")
            for r in resource_types:
                if r.id == "User":
                    rt = r.model_dump(mode="json")
            rt.setdefault("schemaExtensions", []).append({"schema": EXTENSION, "required": False})
            resource_types = [r for r in resource_types if r.id != "User"]
            resource_types.append(ResourceType.model_validate(rt))
        sp = ServiceProviderConfig.model_validate(config or DEFAULT_CONFIG)
        if token is not None:
            sp.authentication_schemes = [*(sp.authentication_schemes or []), BEARER_TOKEN_SCHEME]
        provider = ScimProvider.from_discovery(schemas, resource_types, config=sp)
        service = ScimService(provider, secret=secrets.token_urlsafe(32))
        self.storages: dict[str | None, InMemoryStorage] = {}

        def make(tenant: str | None = None) -> BearerTokenApplication:
            self.storages[tenant] = InMemoryStorage()
            return BearerTokenApplication(
                self.storages[tenant],
                provider,
                service=service,
                bearer_tokens=[token] if token else [],
            )

        app: Any = TenantDispatcher(make) if tenants else make()
        self.faults = Faults(app)
        self.port = free_port()
        self.token = token
        self.tenants = tenants
        self._server = make_server(
            "127.0.0.1",
            self.port,
            self.faults,
            server_class=ThreadingWSGIServer,
            handler_class=_Quiet,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2"

    def url_for(self, tenant: str) -> str:
        return f"http://127.0.0.1:{self.port}/{tenant}/v2"

    def start(self) -> ScimServer:
        self._thread.start()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        deadline = time.monotonic() + 10
        while True:
            try:
                base = self.url_for("ready") if self.tenants else self.url
                r = requests.get(base + "/ServiceProviderConfig", headers=headers, timeout=1)
                if r.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("scim2-server did not start within 10 s")
            time.sleep(0.02)
        self.faults.log.clear()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- seeding, through the server's own HTTP API ------------------------------------
    def session(self) -> requests.Session:
        s = requests.Session()
        if self.token:
            s.headers["Authorization"] = f"Bearer {self.token}"
        s.headers["Content-Type"] = "application/scim+json"
        return s

    def add_users(
        self, users: Iterable[dict[str, Any]], base: str | None = None
    ) -> list[dict[str, Any]]:
        out = []
        with self.session() as s:
            for u in users:
                body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], **u}
                r = s.post((base or self.url) + "/Users", json=body, timeout=10)
                r.raise_for_status()
                out.append(r.json())
        return out

    def add_group(
        self, name: str, members: list[str], base: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        body = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": name,
            "members": [{"value": m} for m in members],
            **extra,
        }
        with self.session() as s:
            r = s.post((base or self.url) + "/Groups", json=body, timeout=10)
            r.raise_for_status()
            result: dict[str, Any] = r.json()
            return result


def sample_users(
    n: int, *, titles: tuple[str, ...] = ("Software Engineer", "Data Analyst", "Chef")
) -> Iterator[dict[str, Any]]:
    """``n`` users with names, e-mails, titles, departments; every 5th inactive."""
    ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    for i in range(n):
        yield {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ent],
            "userName": f"user{i:05d}@example.com",
            "displayName": f"User {i}",
            "name": {"givenName": "User", "familyName": str(i)},
            "emails": [{"value": f"user{i:05d}@example.com", "type": "work", "primary": True}],
            "title": titles[i % len(titles)],
            "active": i % 5 != 4,
            ent: {"employeeNumber": str(1000 + i), "department": f"Dept {i % 3}"},
        }
