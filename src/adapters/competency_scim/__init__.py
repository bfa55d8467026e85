"""competency-core's SCIM 2.0 adapter: identity providers push people in, SCIM services are read and written.

Two directions (RFC 7643 / 7644, with the Enterprise User extension):

- **Inbound**: competency-core as a SCIM 2.0 *service provider*. Identity providers (Okta,
  Microsoft Entra ID) provision Users and Groups into a WSGI application built on
  scim2-server's core, whose storage backend writes People and teams to competency-core's
  store; a configurable role mapping turns job titles (or any attribute) into role
  profiles. ``competency scim serve`` runs it (:mod:`competency_scim.service`).
- **Outbound**: a client that pulls Users and Groups from any SCIM service, and pushes one
  group per role profile and per learning assignment (plan, then apply).

It is a plugin of the ``competency_core`` entry-point group (``scim = "competency_scim"``),
registered exactly as a third-party adapter would be. The plugin module imports nothing
from scim2-models or scim2-server, so building the plugin registry stays cheap; the
modules that need them import them when they are used.

See docs/adapters/scim.md.
"""

from __future__ import annotations

from typing import Any

from competency_core.hookspecs import hookimpl
from competency_core.sync import Adapter


@hookimpl
def register_adapters() -> list[type[Adapter[Any]]]:
    """The ``scim`` adapter (the outbound client: :mod:`competency_scim.adapter`)."""
    from competency_scim.adapter import ScimAdapter

    return [ScimAdapter]


__all__ = ["register_adapters"]
