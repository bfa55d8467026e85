"""The inbound SCIM service served over HTTP for the tests (used by conftest.py and tests)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests

from competency_core.model import CompetencyModel
from competency_core.store import Store
from competency_scim.mapping import RoleMapping
from competency_scim.service import RunningServer, ScimApplication, create_app, running


@dataclass
class Inbound:
    """The inbound service running over HTTP, with a session that carries its token."""

    app: ScimApplication
    server: RunningServer
    session: requests.Session
    token: str
    store: Store

    @property
    def url(self) -> str:
        return self.server.url

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> requests.Response:
        headers = {"Content-Type": "application/scim+json", **kw.pop("headers", {})}
        return self.session.request(
            method, f"{self.url}/{path}", json=body, headers=headers, timeout=30, **kw
        )


def start_inbound(
    store: Store, model: CompetencyModel | None, mapping: RoleMapping | None, **kw: Any
) -> Iterator[Inbound]:
    token = secrets.token_urlsafe(24)
    app = create_app(store, token=token, model=model, mapping=mapping, **kw)
    with running(app) as server, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        yield Inbound(app, server, session, token, store)
