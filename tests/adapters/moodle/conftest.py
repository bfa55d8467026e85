"""Fixtures for the Moodle adapter's tests: the shared contract and a running emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from competency_moodle.client import MoodleClient
from competency_moodle.emulator import Contract, MoodleEmulator, find_contract

REPO = Path(__file__).resolve().parents[3]
TOKEN = "wstok-7f3c9a2e51d84b6f-secret"


def contract_path() -> Path | None:
    """The shared contract beside the checkout (../shared/moodle/ws_contract.json)."""
    return find_contract(REPO)


@pytest.fixture(scope="session")
def contract() -> Contract:
    path = contract_path()
    if path is None:
        pytest.skip("the shared Moodle contract ../shared/moodle/ws_contract.json is absent")
    return Contract.load(path)


@pytest.fixture
def moodle(contract: Contract) -> Iterator[MoodleEmulator]:
    with MoodleEmulator(contract) as emulator:
        emulator.add_token(TOKEN)
        yield emulator


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(moodle: MoodleEmulator, sleeps: list[float]) -> Iterator[MoodleClient]:
    with MoodleClient(moodle.url, TOKEN, sleep=sleeps.append, backoff=0.01) as c:
        yield c
