"""What a Moodle site and a web-service token allow the sync, before a sync finds out.

:func:`check_token` asks the site who the token is (``core_webservice_get_site_info``),
probes whether the competency subsystem answers (:func:`~competency_moodle.site.check_site`),
compares the functions the token's service allows with the ones each operation of the
adapter calls (:func:`~competency_moodle.functions.needed_functions`), and tries the
capabilities that a read-only call reveals (:data:`CAPABILITY_PROBES`). Moodle has no web
service listing a user's capabilities, so the others the sync needs
(:data:`~competency_moodle.capabilities.SYNC_CAPABILITIES`) are listed, not checked: a
refusal during a sync names the one missing. Nothing is written to the site, and the
token is never part of the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from competency_moodle.capabilities import SYNC_CAPABILITIES
from competency_moodle.client import MoodleClient
from competency_moodle.errors import (
    CompetenciesDisabledError,
    MoodleSiteError,
    MoodleWebServiceError,
)
from competency_moodle.functions import Operation, needed_functions
from competency_moodle.site import SYSTEM_CONTEXT, SiteInfo, check_site

OPERATIONS: tuple[Operation, ...] = (
    "push-model",
    "pull-model",
    "assign-learning",
    "push-ratings",
    "pull-ratings",
    "pull-completions",
)
"""Every operation of the ``moodle`` adapter."""

CAPABILITY_PROBES: dict[str, tuple[str, dict[str, Any]]] = {
    "moodle/competency:competencyview": (
        "core_competency_list_competency_frameworks",
        {"context": SYSTEM_CONTEXT, "limit": 1},
    ),
    "moodle/competency:templateview": (
        "core_competency_list_templates",
        {"context": SYSTEM_CONTEXT, "limit": 1},
    ),
}
"""Capabilities a cheap read-only call tells about: capability -> (function, parameters)."""

REST_CAPABILITY = "webservice/rest:use"
"""Allowed when the site answers at all: the check itself is a REST call."""

FUNCTIONS_HINT = (
    "add them to the token's service under Site administration > Server > Web services > "
    "External services > Functions"
)
COMPETENCIES_HINT = "enable 'Competencies' under Site administration > Advanced features"
CAPABILITY_HINT = (
    "allow it to the sync user's role in the system context (Site administration > Users > "
    "Permissions > Define roles)"
)

CapabilityStatus = Literal["allowed", "refused", "not checked"]


@dataclass(frozen=True)
class CapabilityCheck:
    """A capability the sync needs, Moodle's name for it, and what the check learnt."""

    capability: str
    name: str
    status: CapabilityStatus


@dataclass(frozen=True)
class TokenCheck:
    """What a site and a token allow: ``ok`` when nothing the operations need is missing."""

    url: str
    operations: tuple[Operation, ...]
    site: SiteInfo | None = None
    """None when the token was refused (``refused`` says why)."""
    refused: str | None = None
    missing: dict[Operation, tuple[str, ...]] = field(default_factory=dict)
    """The functions each operation needs that the token's service lacks."""
    capabilities: tuple[CapabilityCheck, ...] = ()

    @property
    def competencies_enabled(self) -> bool:
        """Whether the competency subsystem is on (False when the token was refused)."""
        return self.site is not None and self.site.competencies_enabled

    @property
    def problems(self) -> list[str]:
        """Each thing missing, with what to do about it."""
        if self.refused is not None:
            return [self.refused]
        out = []
        if not self.competencies_enabled:
            out.append(f"the competency subsystem is disabled: {COMPETENCIES_HINT}")
        lacking = sorted({f for names in self.missing.values() for f in names})
        if lacking:
            out.append(
                f"the token's service lacks {len(lacking)} function(s) the sync needs: "
                f"{', '.join(lacking)} ({FUNCTIONS_HINT})"
            )
        for c in self.capabilities:
            if c.status == "refused":
                out.append(
                    f"the sync user lacks the capability {c.capability} ({c.name}): "
                    f"{CAPABILITY_HINT}"
                )
        return out

    @property
    def ok(self) -> bool:
        """Whether the operations can run as far as the check can tell."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON (never the token)."""
        site = self.site
        return {
            "url": self.url,
            "ok": self.ok,
            "token_refused": self.refused,
            "site": None
            if site is None
            else {
                "name": site.sitename,
                "url": site.siteurl,
                "release": site.release,
                "version": site.version,
                "user": site.username,
                "userid": site.userid,
                "functions_allowed": len(site.functions),
            },
            "competencies_enabled": self.competencies_enabled,
            "operations": {
                op: {"ok": not self.missing.get(op), "missing": list(self.missing.get(op, ()))}
                for op in self.operations
            },
            "capabilities": [
                {"capability": c.capability, "name": c.name, "status": c.status}
                for c in self.capabilities
            ],
            "problems": self.problems,
        }


def _probe(client: MoodleClient, function: str, params: dict[str, Any]) -> CapabilityStatus:
    try:
        client.call(function, params)
    except CompetenciesDisabledError:
        return "not checked"
    except MoodleWebServiceError as exc:
        return "refused" if exc.errorcode == "nopermissions" else "not checked"
    return "allowed"


def check_token(
    client: MoodleClient, operations: tuple[Operation, ...] = OPERATIONS, *, prune: bool = False
) -> TokenCheck:
    """What the site behind ``client`` and its token allow ``operations`` (with ``prune``).

    Only reads: the site's information, one competency call, and the capability probes of
    functions the service allows. A transport or HTTP error (the site cannot be reached)
    is raised as it is: it says nothing about the token.
    """
    needed = {op: needed_functions(op, prune=prune) for op in operations}
    try:
        site = check_site(client, [f for names in needed.values() for f in names], strict=False)
    except MoodleSiteError as exc:  # the token was refused
        return TokenCheck(
            url=client.url,
            operations=operations,
            refused="; ".join(exc.problems) + " (check the token, and that web services and "
            "the REST protocol are enabled: Site administration > Server > Web services)",
        )
    missing = {
        op: tuple(f for f in names if f not in site.functions) for op, names in needed.items()
    }
    capabilities = []
    for capability, name in SYNC_CAPABILITIES.items():
        status: CapabilityStatus = "not checked"
        probe = CAPABILITY_PROBES.get(capability)
        if capability == REST_CAPABILITY:
            status = "allowed"  # the site answered this REST call for the token's user
        elif probe is not None and probe[0] in site.functions and site.competencies_enabled:
            status = _probe(client, *probe)
        capabilities.append(CapabilityCheck(capability, name, status))
    return TokenCheck(
        url=client.url,
        operations=operations,
        site=site,
        missing={op: names for op, names in missing.items() if names},
        capabilities=tuple(capabilities),
    )


__all__ = [
    "CAPABILITY_PROBES",
    "OPERATIONS",
    "REST_CAPABILITY",
    "CapabilityCheck",
    "CapabilityStatus",
    "TokenCheck",
    "check_token",
]
