"""The sync engine under the adapter contract, with an in-memory remote system."""

from __future__ import annotations

from sync_fake import REMOTES, FakeAdapter, FakeSettings

from competency_core.sync import Adapter
from competency_core.testing import AdapterContract


class TestFakeAdapter(AdapterContract):
    def make_adapter(self) -> FakeAdapter:
        name = f"contract-{len(REMOTES)}"
        return FakeAdapter(FakeSettings(remote=name, token="tok-5ecret-value"))


def test_contract_is_reachable_from_the_testing_package() -> None:
    from competency_core.testing.contract import AdapterContract as Direct

    assert AdapterContract is Direct
    assert issubclass(FakeAdapter, Adapter)
