"""competency-core as a SCIM 2.0 service provider: identity providers push people into it.

:func:`create_app` builds a WSGI application on scim2-server's core (its service validates
and applies every request, RFC 7643/7644) with :class:`~competency_scim.storage.DirectoryStorage`
underneath, so users and groups land in competency-core's store and become people and
teams. It serves ``/v2/Users``, ``/v2/Groups``, ``/v2/Bulk``, ``/v2/ServiceProviderConfig``,
``/v2/ResourceTypes`` and ``/v2/Schemas`` (the ``/v2`` prefix is optional).

* **Auth**: a bearer token from the configuration, compared in constant time. The
  ``Authorization`` header is taken off the request as soon as it is read, so it cannot
  reach a log, a repr or an error; ``/ServiceProviderConfig`` needs no token (RFC 7643 §5).
* **What real identity providers send** is accepted: PATCH ``op`` in any case ("Replace"),
  PATCH without a path, booleans as strings ("False"), a ``remove`` naming the members to
  remove in its value, a path filter that matches nothing creating the entry it describes
  (``emails[type eq "work"].value``), unknown attributes ignored (scim2-models' tolerant
  :class:`~scim2_models.ScimPolicy`), and the Enterprise ``manager`` as a bare id (Entra ID),
  which is rewritten to ``{"value": id}`` here.
* Every request is one store transaction; an operation of a bulk request is a savepoint.
  On SQLite (one writer at a time) requests are served one after the other.
* **Bad requests** get a SCIM error in JSON, never a 500 nor an HTML page: a body that is
  not JSON (deeply nested, invalid UTF-8, numbers too large) is a 400 with ``scimType``
  ``invalidSyntax``, a body larger than ``max_body_size`` (default
  :data:`DEFAULT_MAX_BODY_SIZE`; ``/Bulk``: the announced ``maxPayloadSize``) a 413, a
  request line or header too long for the built-in server a 414 or 431.

``competency scim serve`` runs it (:func:`serve`); any WSGI server can run
:func:`app_from_env` instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from pydantic import SecretStr
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Error,
    ETag,
    External,
    Filter,
    InvalidSyntaxException,
    Pagination,
    Patch,
    PatchOp,
    PayloadTooLargeException,
    Reference,
    Resource,
    ResourceType,
    SCIMException,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
)
from scim2_server.applications.wsgi import WSGIApplication, send_response
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation
from scim2_server.service import ScimService
from scim2_server.utils import load_default_resource_types, load_default_schemas

from competency_core.model import CompetencyModel
from competency_core.store import Store
from competency_scim.mapping import ENTERPRISE_USER, RoleMapper, RoleMapping
from competency_scim.storage import DirectoryStorage

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("competency_scim.service")

TOKEN_ENV = "COMPETENCY_SCIM_SERVICE_TOKEN"
"""The default variable of the inbound token (not ``COMPETENCY_SCIM_TOKEN``: the client's)."""
TOLERANT = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)
"""What the service accepts beyond the letter of RFC 7644, as Entra ID and Okta send it."""

DEFAULT_MAX_BODY_SIZE = 1 << 20
"""The largest request body accepted outside ``/Bulk`` (1 MiB), unless configured otherwise.

A user or group is a few kilobytes; a group with tens of thousands of members is the
largest body an identity provider sends. ``/Bulk`` has its own limit, the ``maxPayloadSize``
of the service provider configuration (4 MiB by default).
"""
MAX_BODY_ENV = "COMPETENCY_SCIM_SERVICE_MAX_BODY_SIZE"
"""The variable of :func:`app_from_env`'s body size limit, in bytes."""

BEARER = AuthenticationScheme(
    type=AuthenticationScheme.Type.oauthbearertoken,
    name="OAuth Bearer Token",
    description="A bearer token given to the identity provider (Authorization: Bearer ...)",
    spec_uri=Reference[External]("https://www.rfc-editor.org/rfc/rfc6750"),
    primary=True,
)


def service_provider_config(
    *, max_page_size: int = 1000, default_page_size: int = 100, bulk_operations: int = 1000
) -> ServiceProviderConfig:
    """What the service announces: PATCH, bulk, filters, sorting, ETags, index paging."""
    return ServiceProviderConfig(
        documentation_uri=Reference[External]("https://example.org/competency-core/scim"),
        patch=Patch(supported=True),
        bulk=Bulk(supported=True, max_operations=bulk_operations, max_payload_size=4 << 20),
        filter=Filter(supported=True, max_results=max_page_size),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        pagination=Pagination(
            cursor=False,
            index=True,
            default_pagination_method=Pagination.DefaultPaginationMethod.index,
            default_page_size=default_page_size,
            max_page_size=max_page_size,
        ),
        authentication_schemes=[BEARER],
    )


def build_provider(config: ServiceProviderConfig | None = None) -> ScimProvider:
    """The service's description: RFC 7643's User (with Enterprise User) and Group."""
    return ScimProvider.from_discovery(
        load_default_schemas().values(),
        load_default_resource_types().values(),
        config=config or service_provider_config(),
        policy=TOLERANT,
    )


def _manager_value(value: Any) -> Any:
    """Entra ID sends the manager as a bare id; SCIM wants ``{"value": id}``."""
    return {"value": value} if isinstance(value, str) else value


def _normalise_user(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    for key, ext in data.items():
        if key.casefold() == ENTERPRISE_USER.casefold() and isinstance(ext, dict):
            for name in list(ext):
                if name.casefold() == "manager":
                    ext[name] = _manager_value(ext[name])
        elif key.casefold() == f"{ENTERPRISE_USER}:manager".casefold():
            data[key] = _manager_value(ext)
    return data


def _normalise_patch(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    for name, operations in data.items():
        if name.casefold() != "operations" or not isinstance(operations, list):
            continue
        for op in operations:
            if not isinstance(op, dict):
                continue
            path = next((v for k, v in op.items() if k.casefold() == "path"), None)
            if isinstance(path, str) and path.casefold().endswith(
                ("enterprise:2.0:user:manager", "enterprise:2.0:user.manager")
            ):
                op["value"] = _manager_value(op.get("value"))
            elif path is None:
                op["value"] = _normalise_user(op.get("value"))
    return data


class TolerantService(ScimService):
    """scim2-server's service, with the request bodies of real identity providers mended.

    ``max_body_size``: the largest body accepted outside ``/Bulk``, in bytes (None: no limit).
    """

    def __init__(
        self,
        provider: ScimProvider,
        *,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        **kwargs: Any,
    ) -> None:
        super().__init__(provider, **kwargs)
        self.body_limit = max_body_size

    def max_body_size(self, request: ScimRequest) -> int | None:
        """The bulk limit for ``/Bulk`` (as scim2-server), the configured one elsewhere."""
        limit = super().max_body_size(request)
        return self.body_limit if limit is None else limit

    def ensure_body_size(self, request: ScimRequest) -> None:
        """Refuse with a 413 a body over the limit (``/Bulk``: the service's own check)."""
        if self.body_limit is None or self.match(request).operation is Operation.bulk:
            return
        if len(request.body) > self.body_limit:
            raise PayloadTooLargeException(
                detail=f"the request body exceeds the service's limit ({self.body_limit} bytes)"
            )

    def _mend(self, body: bytes, mend: Any) -> bytes:
        """The body with ``mend`` applied; the body as sent when it is not JSON or unchanged.

        A body that is not JSON (or nested too deeply for this reader) is passed on as it
        is: the service's parser then reports the syntax error as a 400 ``invalidSyntax``.
        """
        try:
            data = json.loads(body)
            before = json.dumps(data)
            after = json.dumps(mend(data))
        except (ValueError, RecursionError):
            return body
        return body if after == before else after.encode()

    def read_creation(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> Resource[Any]:
        """Validate a creation, with the manager written as Entra ID writes it accepted."""
        return super().read_creation(resource_type, self._mend(body, _normalise_user), content_type)

    def read_replacement(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> Resource[Any]:
        """Validate a replacement (PUT), mended as :meth:`read_creation`."""
        mended = self._mend(body, _normalise_user)
        return super().read_replacement(resource_type, mended, content_type)

    def read_patch(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> PatchOp[Any]:
        """Validate a PATCH, with a bare manager id in an operation accepted."""
        return super().read_patch(resource_type, self._mend(body, _normalise_patch), content_type)


@dataclass(frozen=True)
class Caller:
    """Who sent a request: whether its bearer token was the configured one."""

    authenticated: bool


@dataclass
class ServiceRequest(ScimRequest):
    """A request as the service read it, with what made it unreadable (if anything)."""

    problem: SCIMException | None = field(default=None)


def _content_length(environ: WSGIEnvironment) -> int | None:
    """The declared body length; None when there is none; -1 when it is not a length."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class ScimApplication(WSGIApplication):
    """The WSGI application: scim2-server's, with bearer-token auth and store transactions."""

    def __init__(
        self,
        storage: DirectoryStorage,
        provider: ScimProvider,
        *,
        token: SecretStr | None,
        service: ScimService | None = None,
    ) -> None:
        super().__init__(storage, provider, service or TolerantService(provider))
        self.directory = storage
        self._token = _digest(token.get_secret_value()) if token is not None else None
        sqlite = storage.store.dialect == "sqlite"
        self._serial: AbstractContextManager[Any] = threading.Lock() if sqlite else nullcontext()

    def __repr__(self) -> str:
        return f"ScimApplication({self.directory.store!r})"

    def read_request(self, environ: WSGIEnvironment) -> ScimRequest:
        """Read a request and take its credentials off it at once.

        What cannot be read (a ``Content-Length`` that is not a length) is kept on the
        request as its :attr:`ServiceRequest.problem`, answered by :meth:`dispatch_request`.
        """
        headers = {
            key.removeprefix("HTTP_").replace("_", "-"): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = str(environ["CONTENT_TYPE"])
        header = ""
        for name in [k for k in headers if k.casefold() == "authorization"]:
            header = headers.pop(name)
        request = ServiceRequest(
            method=str(environ.get("REQUEST_METHOD") or "GET"),
            base_url=self.get_base_url(environ),
            path=self.split_path(str(environ.get("PATH_INFO") or "")),
            query=dict(parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True)),
            headers=headers,
        )
        if _content_length(environ) == -1:
            request.problem = InvalidSyntaxException(
                detail="the Content-Length header is not a number of bytes"
            )
        else:
            request.body = self.read_body(environ, request)
        scheme, _, token = header.strip().partition(" ")
        ok = self._token is None or (
            scheme.casefold() == "bearer"
            and hmac.compare_digest(_digest(token.strip()), self._token)
        )
        request.subject = Caller(authenticated=ok)
        return request

    def check_auth(self, request: ScimRequest) -> None:
        """Refuse a request without the configured bearer token (401)."""
        caller = request.subject
        if not (isinstance(caller, Caller) and caller.authenticated):
            raise UnauthorizedException(detail="a valid bearer token is required")

    def get_subject(self, request: ScimRequest) -> Any:
        """The :class:`Caller` found when the request was read."""
        return request.subject

    def read_body(self, environ: WSGIEnvironment, request: ScimRequest) -> bytes:
        """Read a body up to one byte over the service's limit (scim2-server's rule)."""
        limit = self.service.max_body_size(request)
        size = _content_length(environ)
        if size is None:
            if not environ.get("wsgi.input_terminated"):
                return b""
            size = -1
        if limit is not None and (size < 0 or size > limit):
            size = limit + 1
        body: bytes = environ["wsgi.input"].read(size)
        return body

    def dispatch_request(self, request: ScimRequest) -> ScimResponse:
        """Serve a request in one store transaction (rolled back if it fails).

        A request that could not be read, or whose body is over the limit, is refused
        (400, 413) before anything else but authentication. On SQLite, which has one
        writer at a time, requests are served one after the other: identity providers
        send requests in parallel, and a second writer would otherwise fail with
        "database is locked".
        """
        if self.needs_auth(request):
            self.check_auth(request)
        if isinstance(request, ServiceRequest) and request.problem is not None:
            raise request.problem
        if isinstance(self.service, TolerantService):
            self.service.ensure_body_size(request)
        with self._serial, self.directory.store.transaction():
            return super().dispatch_request(request)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve a WSGI request; whatever fails, the answer is a SCIM error in JSON."""
        try:
            return super().__call__(environ, start_response)
        except Exception:  # a bug: logged, answered as scim2-server answers one
            log.exception("the request could not be served")
            error = Error(status=500, detail="Internal server error")
            response = ScimResponse(HTTPStatus.INTERNAL_SERVER_ERROR, error.model_dump())
            response.headers["Content-Type"] = "application/scim+json"
            return send_response(response, start_response)

    def finalize_response(self, request: ScimRequest, response: ScimResponse) -> ScimResponse:
        """Log the request line and status (never a header), then add the usual headers."""
        log.info("%s %s -> %s", request.method, request.path, response.status.value)
        return super().finalize_response(request, response)


def create_app(
    store: Store,
    *,
    token: SecretStr | str | None,
    mapping: RoleMapping | None = None,
    model: CompetencyModel | None = None,
    config: ServiceProviderConfig | None = None,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
) -> ScimApplication:
    """The SCIM service on ``store``; ``token`` None accepts every request (tests only).

    ``max_body_size``: the largest request body accepted outside ``/Bulk``, in bytes
    (larger ones get a 413; None: no limit). ``/Bulk`` bodies are limited by the
    configuration's ``bulk.maxPayloadSize``.
    """
    provider = build_provider(config)
    mapper = RoleMapper(mapping or RoleMapping(), model)
    secret = SecretStr(token) if isinstance(token, str) else token
    service = TolerantService(provider, max_body_size=max_body_size)
    storage = DirectoryStorage(store, provider, mapper)
    return ScimApplication(storage, provider, token=secret, service=service)


def read_token(
    *, env: str | None = TOKEN_ENV, file: str | os.PathLike[str] | None = None
) -> SecretStr:
    """The bearer token from a file (its first line) or an environment variable.

    The token itself never appears in an error: only where it was looked for.
    """
    from competency_core.errors import SyncError

    if file is not None:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SyncError(f"cannot read the token file {file}: {exc.strerror}") from None
        token = lines[0].strip() if lines else ""
        if not token:
            raise SyncError(f"the token file {file} is empty: write the bearer token on line 1")
        return SecretStr(token)
    value = os.environ.get(env or TOKEN_ENV, "").strip()
    if not value:
        raise SyncError(
            f"set {env or TOKEN_ENV} to the bearer token the identity provider sends "
            "(or give a token file)"
        )
    return SecretStr(value)


def app_from_env() -> ScimApplication:
    """The service configured from the environment, for any WSGI server.

    ``COMPETENCY_SCIM_SERVICE_TOKEN`` or ``COMPETENCY_SCIM_SERVICE_TOKEN_FILE`` (required),
    ``COMPETENCY_STORE_URL``, and optionally ``COMPETENCY_SCIM_SERVICE_MAPPING`` (a mapping file),
    ``COMPETENCY_SCIM_SERVICE_MODEL`` (a model file whose role titles are matched) and
    ``COMPETENCY_SCIM_SERVICE_MAX_BODY_SIZE`` (bytes; default 1 MiB)::

        gunicorn 'competency_scim.service:app_from_env()'
    """
    from competency_core.io import load_model

    token = read_token(file=os.environ.get(f"{TOKEN_ENV}_FILE") or None)
    mapping_file = os.environ.get("COMPETENCY_SCIM_SERVICE_MAPPING")
    model_file = os.environ.get("COMPETENCY_SCIM_SERVICE_MODEL")
    return create_app(
        Store(),
        token=token,
        mapping=RoleMapping.load(mapping_file) if mapping_file else None,
        model=load_model(model_file) if model_file else None,
        max_body_size=max_body_size_from_env(),
    )


def max_body_size_from_env(env: str = MAX_BODY_ENV) -> int:
    """The body size limit from an environment variable (bytes), or the default."""
    from competency_core.errors import SyncError

    raw = os.environ.get(env, "").strip()
    if not raw:
        return DEFAULT_MAX_BODY_SIZE
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise SyncError(f"{env} must be a number of bytes (at least 1), not {raw[:40]!r}")
    return int(raw)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


_HANDLER_DETAILS = {
    414: "the request line is longer than the service reads (64 KiB): shorten the URL, "
    "or send a long filter in the body of POST /.search",
    431: "a header line is too long, or there are too many headers",
}


class _QuietHandler(WSGIRequestHandler):
    """The built-in server's handler: its own errors are SCIM errors in JSON, not HTML.

    The standard library answers a request line over 64 KiB with 414, a header line too
    long or too many headers with 431, and a malformed request with 400, each as an HTML
    page; here each is a SCIM error (RFC 7644 §3.12).
    """

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer an error found before the application is called, as a SCIM error."""
        code = int(code)
        try:
            short = HTTPStatus(code).phrase
        except ValueError:
            short = "Error"
        detail = _HANDLER_DETAILS.get(code) or (message if message and message != short else None)
        self.log_error("code %d, message %s", code, message or short)
        self.send_response(code, message or short)
        self.send_header("Connection", "close")
        error: dict[str, Any] = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": str(code),
            "detail": detail or explain or short,
        }
        if code == 400:
            error["scimType"] = "invalidSyntax"
        body = json.dumps(error).encode("utf-8")
        if code >= 200 and code not in (204, 205, 304):
            self.send_header("Content-Type", "application/scim+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        else:
            self.end_headers()


@dataclass
class RunningServer:
    """A service running in a thread: its base URL (ending in ``/v2``) and how to stop it."""

    url: str
    server: WSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start(app: Any, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve a WSGI application in a daemon thread (port 0: a free one); it is ready at once."""
    server = make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="scim-service", daemon=True)
    thread.start()
    return RunningServer(f"http://{host}:{server.server_port}/v2", server, thread)


@contextmanager
def running(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    """:func:`start` as a context manager that stops the server on leaving."""
    server = start(app, host, port)
    try:
        yield server
    finally:
        server.stop()


def serve(
    app: Any, host: str = "127.0.0.1", port: int = 8080, *, ready: Iterable[Any] = ()
) -> None:
    """Serve until interrupted (Ctrl-C), in the foreground."""
    with make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler) as server:
        for callback in ready:
            callback(f"http://{host}:{server.server_port}/v2")
        with suppress(KeyboardInterrupt):
            server.serve_forever()


__all__ = [
    "BEARER",
    "DEFAULT_MAX_BODY_SIZE",
    "MAX_BODY_ENV",
    "TOKEN_ENV",
    "TOLERANT",
    "Caller",
    "RunningServer",
    "ScimApplication",
    "ServiceRequest",
    "TolerantService",
    "app_from_env",
    "build_provider",
    "create_app",
    "max_body_size_from_env",
    "read_token",
    "running",
    "serve",
    "service_provider_config",
    "start",
]
