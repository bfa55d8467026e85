"""The SCIM libraries the adapter needs, imported only when they are used.

The plugin module is loaded whenever the plugin registry is built (every ``competency``
command), so it must not import scim2-models or scim2-server at import time. They are
dependencies of competency-core; code that needs them may call :func:`require_scim`
first, which says what to install if an environment lacks them anyway.
"""

from __future__ import annotations

import importlib.util

from competency_core.errors import SyncError

INSTALL = "pip install 'scim2-models>=0.12.3,<0.13' 'scim2-server>=0.8.3,<0.9'"


class MissingDependencyError(SyncError):
    """A library the SCIM adapter needs is not installed."""


def require_scim(*, server: bool = False) -> None:
    """Raise :class:`MissingDependencyError` unless the SCIM libraries are installed.

    ``server`` also asks for scim2-server (the inbound service).
    """
    needed = ["scim2_models"] + (["scim2_server"] if server else [])
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        names = ", ".join(m.replace("_", "-") for m in missing)
        raise MissingDependencyError(
            f"the SCIM adapter needs {names}, which is not installed "
            f"(competency-core depends on it; reinstall it, or: {INSTALL})"
        )


__all__ = ["INSTALL", "MissingDependencyError", "require_scim"]
