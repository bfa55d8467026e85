"""A built-in plugin that logs sync events to the ``competency_core.sync`` logger.

Registered explicitly by :func:`competency_core.plugins.build_plugin_manager`. It logs the
summary of each plan and apply at INFO and each failed change at WARNING (plans and
outcomes never carry secrets).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from competency_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency_core.sync.adapter import Adapter
    from competency_core.sync.plan import ApplyReport, Plan

log = logging.getLogger("competency_core.sync")


@hookimpl
def plan_made(adapter: Adapter[Any], plan: Plan) -> None:
    """Log the plan's summary."""
    log.info("%s (%s) planned %s: %s", adapter.name, plan.target, plan.scope, plan.summary())


@hookimpl
def after_apply(adapter: Adapter[Any], plan: Plan, report: ApplyReport) -> None:
    """Log the apply's summary and every failure."""
    log.info("%s (%s) applied %s: %s", adapter.name, plan.target, plan.scope, report.summary())
    for o in report.failed:
        log.warning("%s %s/%s failed: %s", o.action.value, o.kind, o.key, o.message)
