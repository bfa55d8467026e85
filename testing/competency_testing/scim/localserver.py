"""A local scim2-server in a thread: a real third-party SCIM service for demos and benchmarks.

>>> with LocalScimServer(token="t0ken") as server:           # doctest: +SKIP
...     client = ScimClient(server.url, "t0ken")

It builds the same application as scim2-server's ``scim2-server`` command (in-memory
storage, static bearer tokens, the RFC 7643 schemas, optional tenants), from a service
provider configuration given as JSON (:data:`STRICT_CONFIG` for a stricter service), and
serves it on a free port of 127.0.0.1 with a readiness wait. ``wrap`` wraps the WSGI
application (to count requests or inject faults). Extra schemas (e.g. the competency
extension) are served with ``extension_schemas`` and added to the User resource type.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import requests

from competency_scim._deps import require_scim

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


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing per request."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def extension_schema(urn: str, attributes: Sequence[tuple[str, bool]]) -> dict[str, Any]:
    """A SCIM schema of string attributes ``(name, multi-valued)`` for a User extension."""
    return {
        "id": urn,
        "name": urn.rsplit(":", 2)[-2] if urn.count(":") >= 2 else urn,
        "description": "competency-core attributes",
        "attributes": [
            {
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
            for name, multi in attributes
        ],
        "meta": {"resourceType": "Schema", "location": f"/v2/Schemas/{urn}"},
    }


class LocalScimServer:
    """scim2-server on a free port of 127.0.0.1, in a thread (``with LocalScimServer() as s``).

    ``config``: the service provider configuration (JSON; default: scim2-server's own).
    ``token``: the bearer token it accepts (None: every request). ``tenants``: each first
    path segment is an empty service of its own (:meth:`url_for`). ``extension_schemas``:
    schemas added to User as optional extensions. ``wrap``: wraps the WSGI application.
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        tenants: bool = False,
        extension_schemas: Iterable[dict[str, Any]] = (),
        wrap: Callable[[Any], Any] | None = None,
    ) -> None:
        require_scim(server=True)
        from scim2_models import ResourceType, Schema, ScimProvider, ServiceProviderConfig
        from scim2_server.applications.wsgi import TenantDispatcher
        from scim2_server.memory import InMemoryStorage
        from scim2_server.service import ScimService
        from scim2_server.testserver.application import (
            BEARER_TOKEN_SCHEME,
            BearerTokenApplication,
        )
        from scim2_server.testserver.cli import ThreadingWSGIServer
        from scim2_server.utils import (
            load_default_resource_types,
            load_default_schemas,
            load_default_service_provider_config,
        )

        schemas = list(load_default_schemas().values())
        resource_types = list(load_default_resource_types().values())
        for ext in extension_schemas:
            schemas.append(Schema.model_validate(ext))
            updated = []
            for rt in resource_types:
                if rt.id == "User":
                    data = rt.model_dump(mode="json")
                    data.setdefault("schemaExtensions", []).append(
                        {"schema": ext["id"], "required": False}
                    )
                    rt = ResourceType.model_validate(data)
                updated.append(rt)
            resource_types = updated
        sp = (
            ServiceProviderConfig.model_validate(config)
            if config is not None
            else load_default_service_provider_config()
        )
        if token is not None:
            sp.authentication_schemes = [*(sp.authentication_schemes or []), BEARER_TOKEN_SCHEME]
        provider = ScimProvider.from_discovery(schemas, resource_types, config=sp)
        service = ScimService(provider, secret=secrets.token_urlsafe(32))
        self.storages: dict[str | None, Any] = {}

        def make(tenant: str | None = None) -> Any:
            self.storages[tenant] = InMemoryStorage()
            return BearerTokenApplication(
                self.storages[tenant],
                provider,
                service=service,
                bearer_tokens=[token] if token else [],
            )

        app: Any = TenantDispatcher(make) if tenants else make()
        self.app = wrap(app) if wrap is not None else app
        self.port = free_port()
        self.token = token
        self.tenants = tenants
        self._server = make_server(
            "127.0.0.1", self.port, self.app, server_class=ThreadingWSGIServer, handler_class=_Quiet
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The service's base URL (without tenants)."""
        return f"http://127.0.0.1:{self.port}/v2"

    def url_for(self, tenant: str) -> str:
        """The base URL of a tenant."""
        return f"http://127.0.0.1:{self.port}/{tenant}/v2"

    def start(self, timeout: float = 10.0) -> LocalScimServer:
        """Serve, and wait until the service answers."""
        self._thread.start()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        base = self.url_for("ready") if self.tenants else self.url
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = requests.get(base + "/ServiceProviderConfig", headers=headers, timeout=1)
                if r.status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"scim2-server did not answer on {base} within {timeout} s")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalScimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def session(self) -> requests.Session:
        """A session with the bearer token, to seed the service over its HTTP API."""
        s = requests.Session()
        if self.token:
            s.headers["Authorization"] = f"Bearer {self.token}"
        s.headers["Content-Type"] = "application/scim+json"
        return s

    def add_users(
        self, users: Iterable[dict[str, Any]], base: str | None = None
    ) -> list[dict[str, Any]]:
        """POST users (core schema added); returns them as stored."""
        out: list[dict[str, Any]] = []
        with self.session() as s:
            for u in users:
                body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], **u}
                r = s.post((base or self.url) + "/Users", json=body, timeout=30)
                r.raise_for_status()
                out.append(r.json())
        return out


__all__ = ["STRICT_CONFIG", "LocalScimServer", "extension_schema", "free_port"]
