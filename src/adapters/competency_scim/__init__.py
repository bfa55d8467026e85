"""competency-core's SCIM 2.0 adapter: identity providers push people in, SCIM services are read and written.

Two directions (RFC 7643 / 7644, with the Enterprise User extension):

- **Inbound**: competency-core as a SCIM 2.0 *service provider*. Identity providers (Okta,
  Microsoft Entra ID) provision Users and Groups into a WSGI application built on
  scim2-server's core, whose storage backend writes People and teams to competency-core's
  store; a configurable role mapping turns job titles (or any attribute) into role
  profiles. ``competency scim serve`` runs it (:mod:`competency_scim.service`).
- **Outbound**: a client that pulls Users and Groups from any SCIM service, and pushes one
  group per role profile and per learning assignment (plan, then apply).

It is a plugin of the ``competency_core`` entry-point group (``scim = "competency_scim.plugin"``),
registered exactly as a third-party adapter would be. Its names are imported on first
use, and neither the plugin module nor the client imports scim2-models or scim2-server,
so building the plugin registry stays cheap.

Its modules: ``plugin`` (the hooks), ``settings``, ``adapter``, ``client``, ``people``
(users, role groups), ``learning`` (learning groups), ``ratings`` (the attribute
extension), on ``managed`` (what they share), ``cli`` and ``demo``; the inbound service:
``service``, ``storage``, ``mapping``, ``projection``, ``filters``. See
docs/adapters/scim.md.
"""

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_scim.adapter import ScimAdapter as ScimAdapter
    from competency_scim.client import ScimClient as ScimClient
    from competency_scim.errors import ScimError as ScimError
    from competency_scim.mapping import MappingReport as MappingReport
    from competency_scim.mapping import RoleMapping as RoleMapping
    from competency_scim.mapping import mapping_report as mapping_report
    from competency_scim.settings import ScimSettings as ScimSettings

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
