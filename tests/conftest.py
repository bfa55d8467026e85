"""Shared fixtures: paths to the examples and the shared data, and a CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED_DATA = REPO.parent / "shared" / "data"

# CI runs a fixed, bounded number of examples so the suite stays fast and repeatable.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks English in tests whatever the machine's locale (tests of the language
    rules set or remove ``COMPETENCY_LANGUAGE`` themselves)."""
    monkeypatch.setenv("COMPETENCY_LANGUAGE", "en")


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"the shared data folder {SHARED_DATA} is absent (it sits beside the checkout in CI)"
        )
    return SHARED_DATA


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the ``competency`` CLI in-process; returns exit code, stdout and stderr."""
    from competency_core.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return CliResult(code, out, err)

    return run


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--moodle-url``: also run the staging scenarios on your own Moodle site."""
    group = parser.getgroup("competency-core")
    group.addoption(
        "--moodle-url",
        default=os.environ.get("COMPETENCY_TEST_MOODLE_URL"),
        help="a staging Moodle site for tests/adapters/moodle/test_moodle_staging.py (its "
        "token in COMPETENCY_TEST_MOODLE_TOKEN, its scale in COMPETENCY_TEST_MOODLE_SCALE_ID)",
    )
