"""The Moodle adapter under the adapter contract: a fresh emulated site per adapter."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import strategies as st

from competency_core.model import CompetencyModel
from competency_core.testing import AdapterContract
from competency_core.testing.contract import MODES, Mode
from competency_core.testing.strategies import competency_models
from competency_moodle import MoodleAdapter
from competency_testing.moodle import Contract, MoodleEmulator, find_contract

TOKEN = "contract-token-5b1e0c"

ITEMS = ["Not yet", "Beginning", "Developing", "Capable", "Strong", "Expert", "Master"]


@pytest.fixture(autouse=True, scope="module")
def _emulator() -> Iterator[MoodleEmulator]:
    path = find_contract()
    if path is None:
        pytest.skip("$COMPETENCY_MOODLE_CONTRACT names no file")
    with MoodleEmulator(Contract.load(path)) as moodle:
        moodle.add_token(TOKEN)
        TestMoodleAdapter.emulator = moodle
        yield moodle
        TestMoodleAdapter.emulator = None


class TestMoodleAdapter(AdapterContract):
    """Every contract property, against the emulator (7-item scale, levels spread)."""

    emulator: ClassVar[MoodleEmulator | None] = None
    _names = itertools.count(1)

    def models(self) -> st.SearchStrategy[CompetencyModel]:
        """Smaller models than the default: every call here is an HTTP round trip."""
        return competency_models(
            key=self.model_key, n_competencies=(1, 4), n_roles=(0, 1), n_scales=(1, 2)
        )

    def make_adapter(self) -> MoodleAdapter:
        moodle = TestMoodleAdapter.emulator
        assert moodle is not None
        name = f"site{next(self._names)}"
        site = moodle.add_site(name)
        scale = site.add_scale("Contract scale", ITEMS)
        return MoodleAdapter.configure(
            {
                "url": moodle.site_url(name),
                "token": TOKEN,
                "scale_id": scale,
                "scale_fit": "spread",
                "parent_rule": "complete",
            },
            env={},
        )


@pytest.mark.moodle
class TestMoodleAdapterOnRealMoodle(AdapterContract):
    """Every contract property on a real Moodle 5.1: a fresh site (template clone) per adapter.

    Fewer examples than on the emulator (each is a site reset and HTTP round trips to PHP),
    and one failure mode per write rather than all four.
    """

    site: ClassVar[Any] = None
    examples: ClassVar[int] = 2
    failure_examples: ClassVar[int] = 1

    @pytest.fixture(autouse=True)
    def _real(self, real_moodle_site: Any) -> None:
        TestMoodleAdapterOnRealMoodle.site = real_moodle_site

    def models(self) -> st.SearchStrategy[CompetencyModel]:
        return competency_models(
            key=self.model_key, n_competencies=(1, 3), n_roles=(0, 1), n_scales=(1, 2)
        )

    def failure_points(self, calls: int) -> Iterator[tuple[int, Mode]]:
        for at in range(1, calls + 1):
            yield at, MODES[(at - 1) % len(MODES)]

    def make_adapter(self) -> MoodleAdapter:
        site = TestMoodleAdapterOnRealMoodle.site
        assert site is not None
        site.reset()
        rows = site.sql(
            "SELECT id FROM mdl_scale WHERE courseid = 0 AND scale = %(s)s", {"s": ",".join(ITEMS)}
        )
        return MoodleAdapter.configure(
            {
                "url": site.url,
                "token": site.token,
                "scale_id": int(rows[0]["id"]),
                "scale_fit": "spread",
                "parent_rule": "complete",
                "backoff": 0,
            },
            env={},
        )
