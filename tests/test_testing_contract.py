"""The Moodle web-service contract shipped with competency-core-testing is the reference one.

The emulator checks every call against the copy packaged in competency_testing (so it runs
from an installed wheel); the reference, read from Moodle 5.1's own source, is
``../shared/moodle/ws_contract.json`` beside the checkout. They must not drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from competency_testing.moodle import find_contract

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "moodle" / "ws_contract.json"


def test_the_packaged_contract_is_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    if not REFERENCE.is_file():
        pytest.skip(
            f"the reference contract {REFERENCE} is absent (it sits beside the checkout in CI)"
        )
    monkeypatch.delenv("COMPETENCY_MOODLE_CONTRACT", raising=False)
    packaged = find_contract()
    assert packaged is not None
    assert packaged.resolve() != REFERENCE.resolve()
    assert json.loads(packaged.read_text(encoding="utf-8")) == json.loads(
        REFERENCE.read_text(encoding="utf-8")
    ), f"{packaged} differs from {REFERENCE}: copy the reference into competency_testing/moodle/"
