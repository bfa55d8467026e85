"""SCIM test support: identity-provider simulators and a local SCIM service.

* :mod:`competency_testing.scim.idp`: :class:`EntraProvisioner` and
  :class:`OktaProvisioner` replay what Microsoft Entra ID and Okta send to a SCIM service
  (against the inbound service, or any other), with :func:`sample_employees` and the role
  mapping that goes with them (:data:`SAMPLE_MAPPING`);
* :mod:`competency_testing.scim.localserver`: :class:`LocalScimServer`, scim2-server
  served from a thread on 127.0.0.1 (a real third-party SCIM service to pull people from
  and push groups to).
"""

from competency_testing.scim.idp import (
    SAMPLE_MAPPING,
    Employee,
    EntraProvisioner,
    OktaProvisioner,
    Provisioner,
    sample_employees,
)
from competency_testing.scim.localserver import (
    STRICT_CONFIG,
    LocalScimServer,
    extension_schema,
    free_port,
)

__all__ = [
    "SAMPLE_MAPPING",
    "STRICT_CONFIG",
    "Employee",
    "EntraProvisioner",
    "LocalScimServer",
    "OktaProvisioner",
    "Provisioner",
    "extension_schema",
    "free_port",
    "sample_employees",
]
