"""competency-core-testing as a plugin: stand-ins for remote systems, for the demo.

Registered by the entry point ``testing = "competency_testing.plugin"`` of the
``competency_core`` group. The adapters' demo steps ask for services by name
(``ctx.service("moodle")``); this plugin provides local stand-ins, seeded from the
demo's examples, and stops them when the demo ends:

* ``moodle``: the Moodle emulator (:mod:`competency_testing.moodle`), with a token, the
  example model's first scale, its courses and the example people
  (:class:`competency_moodle.demo.DemoMoodle`);
* ``scim-identity-providers``: the Entra ID- and Okta-style provisioning simulators
  (:mod:`competency_testing.scim.idp`);
* ``scim-service``: a SCIM 2.0 service (scim2-server, strict: small pages, no ETags) with
  a random bearer token (:class:`competency_testing.scim.localserver.LocalScimServer`).

The module imports nothing heavy: each service imports what it starts.
"""

from __future__ import annotations

import contextlib
import secrets
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency_core.demo import DemoContext, DemoService
    from competency_testing.moodle import MoodleEmulator


class EmulatedMoodle:
    """The ``moodle`` demo service: a seeded emulator, as the Moodle demo steps use it."""

    title = "Moodle emulator"

    def __init__(self, emulator: MoodleEmulator, token: str, scale_id: int) -> None:
        self.emulator = emulator
        self._token = token
        self.scale_id = scale_id

    def __repr__(self) -> str:  # the token stays out of reprs
        return f"EmulatedMoodle({self.url!r}, scale_id={self.scale_id})"

    @property
    def url(self) -> str:
        """The emulator's URL."""
        return self.emulator.url

    @property
    def settings(self) -> dict[str, Any]:
        """The ``moodle`` adapter's settings for the emulator."""
        return {"url": self.url, "token": self._token, "scale_id": self.scale_id}

    def calls(self) -> Counter[str]:
        """The calls since the last reset, by type (read, write)."""
        return Counter(c.type for c in self.emulator.calls)

    def reset_calls(self) -> None:
        """Start counting calls again."""
        self.emulator.reset_calls()

    def snapshot(self) -> dict[str, Any]:
        """The emulated site's competency data."""
        return self.emulator.site.snapshot()


@contextlib.contextmanager
def moodle_site(ctx: DemoContext) -> Iterator[EmulatedMoodle]:
    """The Moodle emulator, seeded from the demo's examples, stopped at the end."""
    from competency_core.console import console
    from competency_moodle.directory import course_ref
    from competency_testing.moodle import MoodleEmulator, find_contract

    contract = find_contract()
    if contract is None:  # $COMPETENCY_MOODLE_CONTRACT names a missing file
        raise FileNotFoundError(
            "the Moodle web-service contract named by $COMPETENCY_MOODLE_CONTRACT"
        )
    emulator = MoodleEmulator(contract).start()
    try:
        token = secrets.token_hex(16)
        emulator.add_token(token)
        model, wf = ctx.model("software-engineering"), ctx.workforce("people")
        scale = model.scales[0]
        sid = emulator.site.add_scale(scale.key, [model.text(lv.label) for lv in scale.levels])
        for res in model.learning_resources:
            ref = course_ref(res.external_ids)
            if ref:
                emulator.site.add_course(model.text(res.title), idnumber=ref)
        for person in wf.people:
            emulator.site.add_user(person.key, email=person.email)
        console.print(
            f"[bold]Moodle emulator[/bold] (a local stand-in, not a real Moodle) at "
            f"{emulator.url}: scale {sid} {scale.key!r}, {len(emulator.site.courses)} courses, "
            f"{len(wf.people)} users; every call is checked against {contract.name}"
        )
        yield EmulatedMoodle(emulator, token, sid)
    finally:
        emulator.stop()


@contextlib.contextmanager
def identity_providers(ctx: DemoContext) -> Iterator[Any]:
    """The identity-provider simulators (the module: provisioners, sample data)."""
    from competency_testing.scim import idp

    yield idp


@contextlib.contextmanager
def scim_service(ctx: DemoContext) -> Iterator[Any]:
    """A strict local SCIM service with a random bearer token, stopped at the end."""
    from competency_testing.scim.localserver import STRICT_CONFIG, LocalScimServer

    with LocalScimServer(STRICT_CONFIG, token=secrets.token_urlsafe(24)) as server:
        yield server


@hookimpl
def register_demo_services() -> dict[str, DemoService]:
    """``moodle``, ``scim-identity-providers`` and ``scim-service``."""
    return {
        "moodle": moodle_site,
        "scim-identity-providers": identity_providers,
        "scim-service": scim_service,
    }


__all__ = [
    "EmulatedMoodle",
    "identity_providers",
    "moodle_site",
    "register_demo_services",
    "scim_service",
]
