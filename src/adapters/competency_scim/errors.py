"""The errors of talking to a SCIM service: all :class:`~competency_core.errors.SyncError`.

Each says which operation on which URL failed and what to do about it, and keeps what the
service answered (HTTP status, SCIM ``scimType`` and ``detail``), never the bearer token.
"""

from __future__ import annotations

from competency_core.errors import SyncError


class ScimError(SyncError):
    """Something went wrong talking to a SCIM service.

    ``operation`` is the call in words (``GET /Users``), ``url`` the address it went to.
    """

    def __init__(self, message: str, *, operation: str | None = None, url: str | None = None):
        self.operation = operation
        self.url = url
        super().__init__(message)


class ScimTransportError(ScimError):
    """The service could not be reached or did not answer in time (after the retries)."""


class ScimResponseError(ScimError):
    """The service answered something that is not the SCIM JSON expected."""


class ScimHTTPError(ScimError):
    """The service answered with an HTTP error: ``status``, ``scim_type`` and ``detail``."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        scim_type: str | None = None,
        detail: str | None = None,
        operation: str | None = None,
        url: str | None = None,
    ):
        self.status = status
        self.scim_type = scim_type
        self.detail = detail
        super().__init__(message, operation=operation, url=url)


class ScimAuthError(ScimHTTPError):
    """The service refused the bearer token (401) or its rights (403)."""


class ScimNotFoundError(ScimHTTPError):
    """The resource (or the endpoint) does not exist (404)."""


class ScimConflictError(ScimHTTPError):
    """The service refused a create or change as not unique (409, ``uniqueness``)."""


class ScimPreconditionError(ScimHTTPError):
    """The resource changed since it was read (412 on ``If-Match``): plan again."""


class ScimFilterError(ScimHTTPError):
    """The service does not accept a filter (400 ``invalidFilter``, or 501 unsupported)."""


class ScimRateLimitError(ScimHTTPError):
    """The service kept answering 429 Too Many Requests after the retries."""


class ScimServerError(ScimHTTPError):
    """The service failed (5xx) and kept failing after the retries allowed."""


def error_for_status(status: int, scim_type: str | None) -> type[ScimHTTPError]:
    """The most specific :class:`ScimHTTPError` class for an answer."""
    if status in (401, 403):
        return ScimAuthError
    if status == 404:
        return ScimNotFoundError
    if status == 409 or scim_type == "uniqueness":
        return ScimConflictError
    if status == 412:
        return ScimPreconditionError
    if scim_type == "invalidFilter" or (status == 501 and scim_type is None):
        return ScimFilterError
    if status == 429:
        return ScimRateLimitError
    if status >= 500:
        return ScimServerError
    return ScimHTTPError


def advice(status: int, scim_type: str | None, env_hint: str) -> str:
    """What to do about an HTTP error, in words."""
    if status == 401:
        return f"check the bearer token ({env_hint}): the service does not accept it"
    if status == 403:
        return "the token is accepted but may not do this: ask the service's administrator"
    if status == 404:
        return "check the service URL (it usually ends in /scim/v2 or /v2) and the id"
    if status == 409 or scim_type == "uniqueness":
        return "another resource holds the same unique value (userName or displayName)"
    if status == 412:
        return "the resource changed since it was read: make a new plan and apply it"
    if status == 429:
        return "the service limits the request rate: try again later or with smaller pages"
    if status >= 500:
        return "the service failed: try again later, or ask its administrator"
    if scim_type == "invalidFilter":
        return "the service does not accept this filter"
    return "see the service's detail above"


__all__ = [
    "ScimAuthError",
    "ScimConflictError",
    "ScimError",
    "ScimFilterError",
    "ScimHTTPError",
    "ScimNotFoundError",
    "ScimPreconditionError",
    "ScimRateLimitError",
    "ScimResponseError",
    "ScimServerError",
    "ScimTransportError",
    "advice",
    "error_for_status",
]
