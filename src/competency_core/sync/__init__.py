"""Sync between competency-core and other systems: adapters, plans, the engine, sync state.

Writes go through a plan, as in Terraform::

    from competency_core.plugins import plugin_registry
    from competency_core.sync import SyncEngine, StoreSyncState
    from competency_core.store import Store

    adapter = plugin_registry().adapter("csv").configure({"directory": "out"})
    engine = SyncEngine(adapter, StoreSyncState(Store()))
    plan = engine.plan_model(model)          # reads the remote state; changes nothing
    print(plan.render())
    plan.save("plan.json")                   # ... review, then later:
    report = engine.apply(Plan.load("plan.json"))

See docs/sync.md.
"""

from competency_core.sync.adapter import Adapter, AdapterSettings, RemoteIds
from competency_core.sync.diff import FieldChange, changed_fields, data_hash
from competency_core.sync.engine import (
    Progress,
    ProgressFn,
    SyncEngine,
    dependency_order,
    plan_renames,
)
from competency_core.sync.errors import (
    AdapterSettingsError,
    ApplyVetoedError,
    CapabilityError,
    PlanMismatchError,
    StalePlanError,
)
from competency_core.sync.objects import Capability, LocalObject, ObjectRef, RemoteObject, Scope
from competency_core.sync.plan import (
    Action,
    ApplyReport,
    Change,
    Fingerprint,
    Outcome,
    OutcomeStatus,
    Plan,
)
from competency_core.sync.renames import Renames, model_renames
from competency_core.sync.state import (
    InMemorySyncState,
    StoreSyncState,
    SyncRecord,
    SyncStateStore,
)

__all__ = [
    "Action",
    "Adapter",
    "AdapterSettings",
    "AdapterSettingsError",
    "ApplyReport",
    "ApplyVetoedError",
    "Capability",
    "CapabilityError",
    "Change",
    "FieldChange",
    "Fingerprint",
    "InMemorySyncState",
    "LocalObject",
    "ObjectRef",
    "Outcome",
    "OutcomeStatus",
    "Plan",
    "PlanMismatchError",
    "Progress",
    "ProgressFn",
    "RemoteIds",
    "RemoteObject",
    "Renames",
    "Scope",
    "StalePlanError",
    "StoreSyncState",
    "SyncEngine",
    "SyncRecord",
    "SyncStateStore",
    "changed_fields",
    "data_hash",
    "dependency_order",
    "model_renames",
    "plan_renames",
]
