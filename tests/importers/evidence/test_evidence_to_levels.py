"""Imported evidence decides levels, and the explanation names where it came from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from competency_core.importers.evidence import read_badges, read_xapi_files
from competency_core.model import CompetencyModel
from competency_core.people import RaterType, Workforce
from competency_core.scoring.policy import ScoringPolicy
from competency_core.scoring.rules import explain_levels

ON = dt.date(2026, 4, 1)


def test_a_badge_and_a_scored_statement_set_levels(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    badges = read_badges([data / "badges"], model, workforce.people).evidence
    statements = read_xapi_files([data / "xapi"], model, workforce.people).evidence
    mine = [e for e in badges + statements if e.person == "priya-raman"]
    why = explain_levels(model, mine, policy=ScoringPolicy(), on=ON, person="priya-raman")
    incident = why["incident-response"]
    assert incident.level == 4
    [used] = incident.used
    assert used.evidence.ranks_as is RaterType.CERTIFICATION
    assert used.evidence.source is not None
    assert used.evidence.source.endswith("priya-incident-commander.json")
    coding = why["coding"]  # the ESCO-aligned assessment, scaled 0.8
    assert coding.level == 4
    assert coding.used[0].evidence.ranks_as is RaterType.TEST
    assert coding.used[0].evidence.identifier == "6f1c2a3b-0000-4000-8000-000000000001"


def test_an_expired_badge_is_ignored_with_the_reason(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    badge = read_badges(
        [data / "badges" / "priya-incident-commander.json"], model, workforce.people
    ).evidence
    before = explain_levels(model, badge, policy=ScoringPolicy(), on=dt.date(2028, 2, 10))
    assert before["incident-response"].level == 4  # valid through its last day
    after = explain_levels(model, badge, policy=ScoringPolicy(), on=dt.date(2028, 2, 11))
    assert after["incident-response"].level is None
    [ignored] = after["incident-response"].ignored
    assert ignored.evidence == badge[0]
    assert ignored.note == "expired on 2028-02-10"
