"""``competency sync moodle pull ratings --into-store``: ratings from Moodle land in the store.

Pulled twice, they are stored once; the store then answers ``competency gap --store``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from moodle_backends import Backend, EmulatorBackend, Seeded

from competency_core.io import load_model, load_workforce
from competency_core.store import Store

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FIVE = ["Awareness", "Foundation", "Practitioner", "Advanced", "Expert"]
RATED = ("priya-raman", "daniel-kim", "aisha-bello")


def test_ratings_pulled_into_the_store_once(
    backend: Backend, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded: Seeded = backend.seed(items=FIVE)
    if isinstance(backend, EmulatorBackend):
        for person in RATED:
            backend.emulator.site.add_user(person)
    monkeypatch.setenv("MOODLE_TOKEN", seeded.token)
    model_file, people = EXAMPLES / "software-engineering.yaml", EXAMPLES / "people.yaml"
    remote = ["--url", seeded.url, "--token-env", "MOODLE_TOKEN", "--scale-id", str(seeded.scale)]
    state = ["--store", str(tmp_path / "state.sqlite3")]
    steps = [("model", model_file)]
    steps += [(what, people, "--model", model_file) for what in ("assignments", "ratings")]
    for args in steps:  # Moodle shows ratings through the people's learning plans
        applied = cli("sync", "moodle", "apply", *args, *remote, *state)
        assert applied.code == 0, applied.err
    model = load_model(model_file)
    wf = load_workforce(people, model)
    url = f"sqlite:///{tmp_path / 'people.sqlite3'}"
    with Store(url) as store:
        store.upsert_people(wf.people)  # as the SCIM service would have
    pull = ("sync", "moodle", "pull", "ratings", "--model", model_file, "--people", people)
    into = ("--into-store", "--store", url, "--format", "json")
    first = cli(*pull, *remote, *into)
    assert first.code == 0, first.err
    added = first.json()["ratings_added"]
    assert added > 0
    again = cli(*pull, *remote, *into)
    assert again.code == 0, again.err
    assert again.json()["ratings_added"] == 0
    assert again.json()["ratings_already_stored"] == added
    with Store(url) as store:
        stored = store.workforce(model, as_of=dt.date(2100, 1, 1)).assessments
    assert len(stored) == added
    # The emulator knows only the three rated people; the real site holds the whole example
    # workforce: either way every stored rating is someone's in the file, and the rated are in.
    rated_in_store = {a.person for a in stored}
    assert set(RATED) <= rated_in_store <= {p.key for p in wf.people}
    gap = cli("gap", model_file, "--store", url, "--person", "daniel-kim", "--format", "json")
    assert gap.code == 0, gap.err
