"""Checking a Moodle site before a sync: who the token is, what it may call, what is on.

:func:`check_site` asks ``core_webservice_get_site_info`` which functions the token's
service allows, and makes one cheap competency call to learn whether the competency
subsystem answers. Every problem is reported at once, in one
:class:`~competency_moodle.errors.MoodleSiteError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from competency_moodle.client import MoodleClient
from competency_moodle.errors import (
    CompetenciesDisabledError,
    MoodleAccessError,
    MoodleSiteError,
    MoodleWebServiceError,
)

SYSTEM_CONTEXT: dict[str, Any] = {"contextlevel": "system", "instanceid": 0}
"""The system context, as competency functions take it."""


@dataclass(frozen=True)
class SiteInfo:
    """What ``core_webservice_get_site_info`` says about a site and the token's user."""

    sitename: str
    siteurl: str
    release: str
    userid: int
    username: str
    functions: frozenset[str]
    competencies_enabled: bool = True
    missing: tuple[str, ...] = field(default=())
    version: str = ""
    """Moodle's version number, e.g. ``2025100600.13`` (``release`` is its name)."""

    @property
    def ok(self) -> bool:
        """Whether the site can be used (competencies on, no needed function missing)."""
        return self.competencies_enabled and not self.missing


def site_info(client: MoodleClient) -> SiteInfo:
    """The site and the functions the token may call (no check of what is needed)."""
    data = client.call("core_webservice_get_site_info")
    if not isinstance(data, dict):
        data = {}
    functions = frozenset(
        str(f.get("name"))
        for f in data.get("functions") or ()
        if isinstance(f, dict) and f.get("name")
    )
    features = {
        str(f.get("name")): f.get("value")
        for f in data.get("advancedfeatures") or ()
        if isinstance(f, dict) and f.get("name")
    }
    return SiteInfo(
        sitename=str(data.get("sitename", "")),
        siteurl=str(data.get("siteurl", client.url)),
        release=str(data.get("release", "")),
        userid=int(data.get("userid") or 0),
        username=str(data.get("username", "")),
        functions=functions,
        competencies_enabled=str(features.get("enablecompetencies", 1)) not in ("0", ""),
        version=str(data.get("version", "")),
    )


def check_site(
    client: MoodleClient,
    needed: Iterable[str],
    *,
    strict: bool = True,
    competencies: bool = True,
) -> SiteInfo:
    """Check the token may call every ``needed`` function and competencies are enabled.

    With ``strict`` (the default) raises :class:`MoodleSiteError` listing every missing
    function and whether the competency subsystem is off; otherwise returns the
    :class:`SiteInfo` with ``missing`` and ``competencies_enabled`` filled in. Without
    ``competencies`` (an operation that does not touch them, such as reading course
    completion) a disabled competency subsystem is not a problem.
    """
    try:
        info = site_info(client)
    except MoodleAccessError as exc:
        raise MoodleSiteError(
            [f"the token was refused ({exc.errorcode}): {exc.moodle_message}"], url=client.url
        ) from None
    missing = tuple(f for f in dict.fromkeys(needed) if f not in info.functions)
    enabled = info.competencies_enabled  # as the site says, unless a call tells otherwise
    probe = "core_competency_count_competency_frameworks"
    if probe not in info.functions:
        probe = "core_competency_list_competency_frameworks"
    if probe in info.functions:
        params: dict[str, Any] = {"context": SYSTEM_CONTEXT}
        if probe.startswith("core_competency_list"):
            params["limit"] = 1
        try:
            client.call(probe, params)
            enabled = True
        except CompetenciesDisabledError:
            enabled = False
        except MoodleWebServiceError:
            pass  # another refusal (a capability, say) shows up on the real calls
    info = replace(info, competencies_enabled=enabled, missing=missing)
    if strict and (missing or (competencies and not enabled)):
        problems: list[str] = []
        if competencies and not enabled:
            problems.append(
                "the competency subsystem is disabled: enable 'Competencies' under "
                "Site administration > Advanced features"
            )
        if missing:
            problems.append(
                f"the token's service lacks {len(missing)} function(s) the sync needs: "
                + ", ".join(missing)
                + " (add them under Site administration > Server > Web services > "
                "External services > Functions)"
            )
        raise MoodleSiteError(problems, url=client.url)
    return info


__all__ = ["SYSTEM_CONTEXT", "SiteInfo", "check_site", "site_info"]
