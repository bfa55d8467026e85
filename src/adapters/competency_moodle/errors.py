"""The errors of talking to Moodle: all :class:`~competency_core.errors.SyncError`.

Each carries the web-service function it concerns and the site URL, never the token.
:class:`MoodleWebServiceError` keeps what Moodle answered: the exception class, the error
code and the message (plus ``debuginfo`` when the site is in debugging mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from competency_core.errors import SyncError


class MoodleError(SyncError):
    """Something went wrong talking to a Moodle site (``function`` may be None)."""

    def __init__(self, message: str, *, function: str | None = None, url: str | None = None):
        self.function = function
        self.url = url
        super().__init__(message)


class MoodleEncodingError(MoodleError, ValueError):
    """A parameter cannot be sent in Moodle's form encoding (a null or an empty list)."""


class MoodleTransportError(MoodleError):
    """The site could not be reached or did not answer (after the retries allowed)."""


class MoodleHTTPError(MoodleError):
    """The site answered with an HTTP error status (``status``)."""

    def __init__(
        self, message: str, *, status: int, function: str | None = None, url: str | None = None
    ):
        self.status = status
        super().__init__(message, function=function, url=url)


class MoodleResponseError(MoodleError):
    """The site answered something that is not a web-service JSON reply."""


class MoodleWebServiceError(MoodleError):
    """Moodle refused a call: its ``exception`` class, ``errorcode`` and ``message``."""

    def __init__(
        self,
        *,
        function: str,
        exception: str,
        errorcode: str,
        message: str,
        debuginfo: str | None = None,
        url: str | None = None,
    ):
        self.exception = exception
        self.errorcode = errorcode
        self.moodle_message = message
        self.debuginfo = debuginfo
        detail = f" ({debuginfo})" if debuginfo else ""
        if errorcode == "nopermissions":
            from competency_moodle.capabilities import capability_named

            needed = capability_named(message)
            detail += (
                f"; the sync user's role lacks the capability {needed} in the system context"
                if needed
                else "; the sync user's role lacks a capability"
            ) + " (docs/adapters/moodle.md lists every one the sync needs)"
        super().__init__(
            f"Moodle refused {function}: {message}{detail} [{exception}/{errorcode}]",
            function=function,
            url=url,
        )


class MoodleAccessError(MoodleWebServiceError):
    """The token is invalid, or may not call the function, or lacks a capability."""


class MoodleInvalidParameterError(MoodleWebServiceError):
    """Moodle rejected the parameters (``invalidparameter``): a bug or a contract mismatch."""


class CompetenciesDisabledError(MoodleWebServiceError):
    """The site's competency subsystem is switched off (``competenciesarenotenabled``)."""


class MoodleSiteError(MoodleError):
    """The site cannot be used as configured: ``problems`` lists every reason at once."""

    def __init__(self, problems: Sequence[str], *, url: str | None = None):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the Moodle site {url or ''} cannot be used:\n{lines}", url=url)


_ACCESS_CODES = frozenset(
    {"invalidtoken", "accessexception", "nopermissions", "servicerequireslogin", "usernotfound"}
)


def web_service_error(
    *,
    function: str,
    exception: str,
    errorcode: str,
    message: str,
    debuginfo: str | None = None,
    url: str | None = None,
) -> MoodleWebServiceError:
    """The most specific :class:`MoodleWebServiceError` for what Moodle answered."""
    cls: type[MoodleWebServiceError] = MoodleWebServiceError
    if errorcode == "competenciesarenotenabled":
        cls = CompetenciesDisabledError
    elif errorcode == "invalidparameter":
        cls = MoodleInvalidParameterError
    elif errorcode in _ACCESS_CODES or exception.endswith(
        ("webservice_access_exception", "required_capability_exception")
    ):
        cls = MoodleAccessError
    return cls(
        function=function,
        exception=exception,
        errorcode=errorcode,
        message=message,
        debuginfo=debuginfo,
        url=url,
    )


__all__ = [
    "CompetenciesDisabledError",
    "MoodleAccessError",
    "MoodleEncodingError",
    "MoodleError",
    "MoodleHTTPError",
    "MoodleInvalidParameterError",
    "MoodleResponseError",
    "MoodleSiteError",
    "MoodleTransportError",
    "MoodleWebServiceError",
    "web_service_error",
]
