"""Fixtures for the Moodle adapter's tests: the contract, the emulator, and a real Moodle.

``backend`` runs a scenario twice: on the emulator and on a real Moodle 5.1 (installed
from ``../shared/moodle/moodle-5.1.tar.xz`` once per test run, see
:mod:`competency_testing.moodle.realsite`). Without PHP or the archive the real runs fail under CI
(``CI=true``) and are skipped with the reason elsewhere; ``COMPETENCY_TEST_REAL_MOODLE=0``
skips them on purpose.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend, EmulatorBackend, RealBackend

from competency_moodle.client import MoodleClient
from competency_testing.moodle import Contract, MoodleEmulator, find_contract
from competency_testing.moodle.realsite.proxy import RecordingProxy
from competency_testing.moodle.realsite.server import (
    MoodleUnavailable,
    RealMoodle,
    attach,
    default_setup,
    real_moodle,
)

REPO = Path(__file__).resolve().parents[3]
TOKEN = "wstok-7f3c9a2e51d84b6f-secret"


def contract_path() -> Path | None:
    """Moodle's web-service contract: the copy in competency_testing (or the environment's)."""
    return find_contract()


@pytest.fixture(scope="session")
def contract() -> Contract:
    path = contract_path()
    if path is None:
        pytest.skip("$COMPETENCY_MOODLE_CONTRACT names no file")
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


EXAMPLES = REPO / "examples"
EXAMPLE_PEOPLE = {
    "software-engineering.yaml": "people.yaml",
    "customer-success.yaml": "customer-success-people.yaml",
}


def site_setup() -> dict[str, Any]:
    """The real site's setup: the scenarios' accounts and data, plus what the examples name.

    Each example model's scales become site scales (items = level labels), each Moodle
    course its learning resources name a course (idnumber), each person of its people
    file a user (username = key).
    """
    from competency_core.io import load_model, load_workforce
    from competency_moodle.directory import course_ref

    setup = default_setup()
    setup["scales"].append(  # test_moodle_contract.py's scale (levels spread over it)
        {
            "name": "Contract scale",
            "items": [
                "Not yet",
                "Beginning",
                "Developing",
                "Capable",
                "Strong",
                "Expert",
                "Master",
            ],
        }
    )
    for model_file, people_file in EXAMPLE_PEOPLE.items():
        model = load_model(EXAMPLES / model_file)
        for scale in model.scales:
            items = [model.text(lv.label) for lv in scale.levels]
            if all(s["items"] != items for s in setup["scales"]):
                setup["scales"].append({"name": model.text(scale.name), "items": items})
        for res in model.learning_resources:
            ref = course_ref(dict(res.external_ids))
            if ref and all(c.get("idnumber") != ref for c in setup["courses"]):
                setup["courses"].append({"shortname": model.text(res.title)[:200], "idnumber": ref})
        for person in load_workforce(EXAMPLES / people_file, model).people:
            setup["users"].append(
                {"username": person.key, "email": person.email or f"{person.key}@example.com"}
            )
    return setup


def _unavailable(reason: str) -> None:
    if os.environ.get("COMPETENCY_TEST_REAL_MOODLE", "") == "0":
        pytest.skip("the real Moodle is switched off (COMPETENCY_TEST_REAL_MOODLE=0)")
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"a real Moodle is required in CI but cannot run: {reason}", pytrace=False)
    pytest.skip(f"a real Moodle cannot run here: {reason}")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def real_moodle_site() -> Iterator[RealMoodle]:
    """A real Moodle 5.1, installed once for the test run and stopped at its end."""
    if os.environ.get("COMPETENCY_TEST_REAL_MOODLE", "") == "0":
        _unavailable("switched off")
    attached = os.environ.get("COMPETENCY_TEST_MOODLE_ATTACH")
    if attached:  # a site kept up by `python -m competency_testing.moodle.realsite FILE`
        yield attach(json.loads(Path(attached).read_text()))
        return
    # a SIGTERM (a CI time-out, a kill) ends the run as Ctrl-C does, so that the server,
    # its workers and the database are stopped by the teardown below
    previous = signal.signal(signal.SIGTERM, _interrupt)
    cm = real_moodle(setup=site_setup())
    try:
        site = cm.__enter__()
    except MoodleUnavailable as exc:
        signal.signal(signal.SIGTERM, previous)
        _unavailable(str(exc))
        return
    try:
        yield site
    finally:
        cm.__exit__(None, None, None)
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def real_proxy(real_moodle_site: RealMoodle) -> Iterator[RecordingProxy]:
    with RecordingProxy(real_moodle_site.url) as proxy:
        yield proxy


@pytest.fixture(params=["emulator", pytest.param("real", marks=pytest.mark.moodle)])
def backend(request: pytest.FixtureRequest, contract: Contract) -> Iterator[Backend]:
    """The scenario's Moodle: the emulator, or the real Moodle behind a recording proxy."""
    if request.param == "emulator":
        with MoodleEmulator(contract) as emulator:
            yield EmulatorBackend(emulator)
        return
    proxy = request.getfixturevalue("real_proxy")
    site = request.getfixturevalue("real_moodle_site")
    backend = RealBackend(site, proxy)
    yield backend
    proxy.clear_failures()
