"""Demo steps 55-56 run against the Moodle emulator they start themselves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_the_moodle_demo_steps(cli: Any, tmp_path: Path, contract: Any) -> None:
    r = cli("demo", "--examples", EXAMPLES, "--out", tmp_path, "--only", "Moodle: ")
    assert r.code == 0, r.err
    assert "Moodle emulator (a local stand-in, not a real Moodle)" in r.out
    assert re.search(r"the re-plan made (\d+) calls \(\1 read, 0 write\)", r.out), r.out
    assert "No changes." in r.out
    back = yaml.safe_load((tmp_path / "moodle-ratings.yaml").read_text(encoding="utf-8"))
    assert back["model"] == "software-engineering"
    assert len(back["assessments"]) > 100
    # who rated and when come back as assessed (the grades' notes), not the sync user
    people = yaml.safe_load((EXAMPLES / "people.yaml").read_text(encoding="utf-8"))
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for a in people["assessments"]:
        k = (a["person"], a["competency"])
        if k not in latest or str(a["date"]) >= str(latest[k]["date"]):
            latest[k] = a

    def who(a: dict[str, Any]) -> tuple[Any, ...]:
        return (a.get("rater"), a.get("rater_type", "manager"), str(a["date"]))

    assert [who(a) for a in back["assessments"]] == [
        who(latest[a["person"], a["competency"]]) for a in back["assessments"]
    ]
