"""Test support for competency-core: servers and simulators to test a sync against.

A distribution of its own (``pip install competency-core-testing``), so that the shipped
adapters carry no test support:

* :mod:`competency_testing.moodle`: a contract-checking emulator of Moodle's REST web
  services (Moodle's web-service contract ships with it);
* :mod:`competency_testing.moodle.realsite`: a real Moodle 5.x installed from its source
  archive, a recording proxy with failure injection, snapshots of a site's competency data;
* :mod:`competency_testing.scim`: Entra ID- and Okta-style provisioning simulators and a
  local SCIM service (scim2-server in a thread);
* :mod:`competency_testing.postgres`: a throw-away PostgreSQL server from the OS binaries;
* :mod:`competency_testing.fixtures`: pytest fixtures on top of them (a pytest plugin,
  loaded when this distribution is installed; the fixtures run only when a test asks);
* :mod:`competency_testing.plugin`: a plugin of competency-core that provides the demo's
  services (``moodle``, ``scim-identity-providers``, ``scim-service``) as local stand-ins.

The library's own testing API (hypothesis strategies, the gap scoring contract,
``AdapterContract``) is :mod:`competency_core.testing`, in competency-core itself.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
