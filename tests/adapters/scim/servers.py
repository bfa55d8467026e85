"""Real scim2-server instances for the outbound tests, in a thread on 127.0.0.1.

:class:`ScimServer` is competency_scim's :class:`LocalScimServer` (the application of the
``scim2-server`` command: in-memory storage, bearer tokens, RFC 7643 schemas, optional
tenants, a free port and a readiness wait) behind a :class:`Faults` middleware that logs
requests and injects failures and delays.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scim2_server.utils import load_json_resource

from competency_testing.scim.localserver import (
    STRICT_CONFIG,
    LocalScimServer,
    extension_schema,
    free_port,
)

DEFAULT_CONFIG: dict[str, Any] = load_json_resource("default-service-provider-config.json")

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


@dataclass
class Faults:
    """A WSGI middleware: logs each request and runs the faults queued for it.

    A fault is a function of the WSGI environ returning None (let the request through) or
    a response (status, headers, body) to send instead; ``delay`` sleeps before answering.
    """

    app: Any
    log: list[tuple[str, str, str]] = field(default_factory=list)
    if_match: list[tuple[str, str | None]] = field(default_factory=list)  # (method, If-Match)
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
            self.if_match.append((environ["REQUEST_METHOD"], environ.get("HTTP_IF_MATCH")))
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


class ScimServer(LocalScimServer):
    """A :class:`LocalScimServer` behind a :class:`Faults` middleware (``self.faults``).

    ``extension``: serve the competency extension schema (role, roleTitle, competencies).
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        tenants: bool = False,
        extension: bool = False,
    ) -> None:
        self.faults = Faults(None)

        def wrap(app: Any) -> Faults:
            self.faults.app = app
            return self.faults

        ext = [
            extension_schema(
                EXTENSION, [("role", False), ("roleTitle", False), ("competencies", True)]
            )
        ]
        super().__init__(
            config,
            token=token,
            tenants=tenants,
            extension_schemas=ext if extension else (),
            wrap=wrap,
        )

    def start(self, timeout: float = 10.0) -> ScimServer:
        super().start(timeout)
        self.faults.log.clear()
        return self

    def __enter__(self) -> ScimServer:
        return self.start()

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


__all__ = [
    "CURSOR_CONFIG",
    "DEFAULT_CONFIG",
    "EXTENSION",
    "STRICT_CONFIG",
    "ScimServer",
    "fail_times",
    "free_port",
    "refuse_filter",
    "sample_users",
]
