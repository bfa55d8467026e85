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

from typing import TYPE_CHECKING

from competency_core._lazy import lazy_exports

if TYPE_CHECKING:
    from competency_core.sync.adapter import (
        Adapter as Adapter,
    )
    from competency_core.sync.adapter import (
        AdapterSettings as AdapterSettings,
    )
    from competency_core.sync.adapter import (
        RemoteIds as RemoteIds,
    )
    from competency_core.sync.diff import (
        FieldChange as FieldChange,
    )
    from competency_core.sync.diff import (
        changed_fields as changed_fields,
    )
    from competency_core.sync.diff import (
        data_hash as data_hash,
    )
    from competency_core.sync.engine import (
        Progress as Progress,
    )
    from competency_core.sync.engine import (
        ProgressFn as ProgressFn,
    )
    from competency_core.sync.engine import (
        SyncEngine as SyncEngine,
    )
    from competency_core.sync.engine import (
        dependency_order as dependency_order,
    )
    from competency_core.sync.engine import (
        plan_renames as plan_renames,
    )
    from competency_core.sync.errors import (
        AdapterSettingsError as AdapterSettingsError,
    )
    from competency_core.sync.errors import (
        ApplyVetoedError as ApplyVetoedError,
    )
    from competency_core.sync.errors import (
        CapabilityError as CapabilityError,
    )
    from competency_core.sync.errors import (
        PlanMismatchError as PlanMismatchError,
    )
    from competency_core.sync.errors import (
        StalePlanError as StalePlanError,
    )
    from competency_core.sync.objects import (
        Capability as Capability,
    )
    from competency_core.sync.objects import (
        LocalObject as LocalObject,
    )
    from competency_core.sync.objects import (
        ObjectRef as ObjectRef,
    )
    from competency_core.sync.objects import (
        RemoteObject as RemoteObject,
    )
    from competency_core.sync.objects import (
        Scope as Scope,
    )
    from competency_core.sync.plan import (
        Action as Action,
    )
    from competency_core.sync.plan import (
        ApplyReport as ApplyReport,
    )
    from competency_core.sync.plan import (
        Change as Change,
    )
    from competency_core.sync.plan import (
        Fingerprint as Fingerprint,
    )
    from competency_core.sync.plan import (
        Outcome as Outcome,
    )
    from competency_core.sync.plan import (
        OutcomeStatus as OutcomeStatus,
    )
    from competency_core.sync.plan import (
        Plan as Plan,
    )
    from competency_core.sync.renames import (
        Renames as Renames,
    )
    from competency_core.sync.renames import (
        model_renames as model_renames,
    )
    from competency_core.sync.state import (
        InMemorySyncState as InMemorySyncState,
    )
    from competency_core.sync.state import (
        StoreSyncState as StoreSyncState,
    )
    from competency_core.sync.state import (
        SyncRecord as SyncRecord,
    )
    from competency_core.sync.state import (
        SyncStateStore as SyncStateStore,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
