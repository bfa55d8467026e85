"""Demo step 100: the ``jsonl`` adapter pushes the example model and people, then verifies.

The step goes through the sync engine with the demo's embedded store holding the sync
state, as ``competency sync jsonl apply`` does, checks the files as ``competency jsonl
verify`` does, and shows that an edited copy is caught. Plugins take orders 100 and up
(the built-in steps use 10-81).
"""

from __future__ import annotations

from pathlib import Path

from competency_core.console import console, print_plan, print_report
from competency_core.demo import DemoContext, DemoStep, demo_step

STEPS: list[DemoStep] = []

TITLE = "Plugin competency-jsonl: signed JSON-lines files, pushed and verified"
DEMO_KEY = "demo-signing-key"
"""The key the demo signs with when ``COMPETENCY_JSONL_SIGNING_KEY`` is not set."""


def _tamper(source: Path, copy: Path) -> None:
    """A copy of ``source`` where someone changed one person's email and added a person."""
    import json
    import shutil

    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    people = copy / "push-people.jsonl"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[0])
    record["object"]["data"]["email"] = "attacker@example.net"
    lines[0] = json.dumps(record) + "\n"
    intruder = {"kind": "person", "key": "intruder", "data": {"name": "I. Truder", "email": None}}
    lines.append(json.dumps({"object": intruder}) + "\n")
    people.write_text("".join(lines), encoding="utf-8")


@demo_step(100, TITLE, STEPS)
def _demo_jsonl(ctx: DemoContext) -> None:
    import os
    import shutil

    from competency_core.plugins import plugin_registry
    from competency_core.store import Store
    from competency_core.sync import StoreSyncState, SyncEngine
    from competency_jsonl.cli import print_verification
    from competency_jsonl.signing import SIGNING_KEY_ENV, verify

    folder = ctx.out / "sync-jsonl"
    shutil.rmtree(folder, ignore_errors=True)  # a file of an earlier run may have another key
    key = os.environ.get(SIGNING_KEY_ENV) or DEMO_KEY
    source = f"${SIGNING_KEY_ENV}" if os.environ.get(SIGNING_KEY_ENV) else "a demo key"
    adapter = (
        plugin_registry().adapter("jsonl").configure({"directory": str(folder), "signing_key": key})
    )
    console.print(
        f"The jsonl adapter (plugin competency-jsonl) writes to {folder}, signing with {source}"
    )
    with Store(ctx.store_path()) as store:
        engine = SyncEngine(adapter, StoreSyncState(store))
        for plan in (
            engine.plan_model(ctx.model()),
            engine.plan_people(ctx.workforce("people").people),
        ):
            print_plan(plan, limit=6)
            print_report(engine.apply(plan))
    console.print(f"`competency jsonl verify {folder}`:")
    print_verification(verify([folder], key))
    tampered = ctx.out / "sync-jsonl-tampered"
    _tamper(folder, tampered)
    console.print(f"A copy with one email changed by hand and one line added, {tampered}:")
    print_verification(verify([tampered], key))
    ctx.record("JSON-lines files, signed (plugin competency-jsonl)", folder)
    ctx.record("the same, edited without the key (for `competency jsonl verify`)", tampered)


__all__ = ["DEMO_KEY", "STEPS", "TITLE"]
