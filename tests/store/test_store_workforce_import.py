"""Importing a workforce checks each assessment against the version it names, summed up.

On SQLite and PostgreSQL, through the store API and ``competency model import-workforce``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from competency_core.errors import ModelValidationError
from competency_core.io import load_model, load_workforce
from competency_core.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = "software-engineering"
GONE = "code-review"

Cli = Callable[..., Any]


def _two_versions(store: Store) -> None:
    """1.0.0 published; 2.0.0, without ``code-review``, in pilot (the working version)."""
    model = load_model(EXAMPLES / "software-engineering.yaml")
    store.add_model(model)
    store.start_pilot(KEY)
    store.approve(KEY, "hr", "J")
    store.approve(KEY, "engineering-leadership", "A")
    store.publish(KEY)
    draft = store.new_draft(KEY).model
    data = draft.model_dump(mode="python", round_trip=True)
    data["competencies"] = [
        c.model_copy(update={"related": tuple(r for r in c.related if r != GONE)})
        for c in draft.competencies
        if c.key != GONE
    ]
    data["roles"] = [
        r.model_copy(
            update={"requirements": tuple(q for q in r.requirements if q.competency != GONE)}
        )
        for r in draft.roles
    ]
    resources = [
        lr.model_copy(update={"develops": tuple(d for d in lr.develops if d.competency != GONE)})
        for lr in draft.learning_resources
    ]
    data["learning_resources"] = [lr for lr in resources if lr.develops]
    store.save_draft(type(draft).model_validate(data), revision=store.get(KEY).revision)
    assert store.start_pilot(KEY).version == "2.0.0"


def _people_data() -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / "people.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _broken(data: dict[str, Any]) -> dict[str, Any]:
    """Every assessment on 2.0.0 (which lacks code-review), plus a few other mistakes."""
    rows = data["assessments"]
    for a in rows:
        a["model_version"] = "2.0.0"
    rows[0]["model_version"] = "0.9.0"
    rows[1]["model_version"] = "0.9.0"
    rows[2]["person"] = "daniel-kin"
    rows[3]["level"] = 9
    data["people"][0]["role"] = "senior-engineering-manger"
    return data


def _write(tmp_path: Path, data: dict[str, Any], name: str = "wf.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _gone_rows(data: dict[str, Any]) -> int:
    return sum(1 for a in data["assessments"] if a["competency"] == GONE)


def test_assessments_on_an_older_version_keep_what_it_had(store: Store) -> None:
    _two_versions(store)
    wf = load_workforce(EXAMPLES / "people.yaml")  # every assessment names 1.0.0
    assert any(a.competency == GONE for a in wf.assessments)
    check = store.check_workforce(wf)
    assert check.ok, check.problems
    assert check.versions == {"1.0.0": len(wf.assessments)}
    assert store.import_workforce(wf) == len(wf.assessments)
    assert store.count_assessments(model=KEY, version="1.0.0") == len(wf.assessments)


def test_problems_are_summed_up_by_kind_and_version(store: Store, tmp_path: Path) -> None:
    _two_versions(store)
    data = _broken(_people_data())
    wf = load_workforce(_write(tmp_path, data))
    check = store.check_workforce(wf)
    by = {(s.code, s.version): s for s in check.summaries}
    gone = by[("unknown-competency", "2.0.0")]
    assert gone.count == _gone_rows(data) > 1
    assert gone.examples == {GONE: gone.count}
    assert gone.message == (
        f"{gone.count} assessments name competencies that version 2.0.0 does not have: "
        f"{GONE} ({gone.count}; in 1.0.0)"
    )
    unknown = by[("unknown-version", None)]
    assert unknown.count == 2
    assert "0.9.0 (2)" in unknown.message
    assert "the store does not hold" in unknown.message
    assert "1.0.0, 2.0.0" in unknown.message
    person = by[("unknown-person", None)]
    assert person.message == (
        "1 assessment names a person who is neither in the file nor in the store: "
        "daniel-kin (1; did you mean 'daniel-kim'?)"
    )
    role = by[("unknown-role", "2.0.0")]
    assert "did you mean 'senior-engineering-manager'?" in role.message
    level = by[("level-not-on-scale", "2.0.0")]
    assert level.count == 1
    assert level.first.path == "assessments[3].level"
    # one located problem per row, one summary per kind
    assert len(check.problems) == sum(s.count for s in check.summaries)
    assert len(check.summaries) == len(by) == 5

    with pytest.raises(ModelValidationError) as caught:
        store.import_workforce(wf)
    assert len(caught.value.problems) == 5  # the summaries, not one per row
    assert store.count_assessments() == 0  # all or nothing
    assert store.people() == []


def test_version_option_applies_to_assessments_that_name_none(store: Store, tmp_path: Path) -> None:
    _two_versions(store)
    data = _people_data()
    for a in data["assessments"]:
        del a["model_version"]
    wf = load_workforce(_write(tmp_path, data))
    assert store.check_workforce(wf).summaries[0].code == "unknown-competency"  # on 2.0.0
    assert store.check_workforce(wf, version="1.0.0").ok
    n = store.import_workforce(wf, version="1.0.0")
    assert store.count_assessments(version="1.0.0") == n == len(wf.assessments)


def test_people_already_in_the_store_count(store: Store, tmp_path: Path) -> None:
    _two_versions(store)
    data = _people_data()
    store.import_workforce(load_workforce(_write(tmp_path, data)))
    data["people"] = []  # the assessments name people stored earlier
    wf = load_workforce(_write(tmp_path, data, "later.yaml"))
    assert store.check_workforce(wf).ok


def test_cli_text_sums_up(cli: Cli, store_url: str, tmp_path: Path) -> None:
    with Store(store_url) as s:
        _two_versions(s)
    data = _broken(_people_data())
    path = _write(tmp_path, data)
    r = cli("model", "import-workforce", path, "--store", store_url)
    assert r.code == 2
    n = _gone_rows(data)
    assert (
        f"{n} assessments name competencies that version 2.0.0 does not have: {GONE} ({n};" in r.err
    )
    assert "2 assessments name a version of 'software-engineering' the store does not hold" in r.err
    assert "nothing was written" in r.err
    assert r.err.count(f"{GONE}'") == 0  # no row-by-row messages
    lines = [x for x in r.err.splitlines() if x.startswith(str(path))]
    assert len(lines) == 5  # one per kind, each located in the file
    assert all(":" in x.split(str(path))[1] for x in lines)

    ok = cli("model", "import-workforce", EXAMPLES / "people.yaml", "--store", store_url)
    assert ok.code == 0, ok.err
    assert "on 1.0.0" in ok.out


def test_cli_json(cli: Cli, store_url: str, tmp_path: Path) -> None:
    with Store(store_url) as s:
        _two_versions(s)
    data = _broken(_people_data())
    path = _write(tmp_path, data)
    r = cli("model", "import-workforce", path, "--store", store_url, "-f", "json")
    assert r.code == 2
    out = r.json()
    assert set(out) == {"errors", "summary"}
    assert len(out["errors"]) == sum(s["count"] for s in out["summary"])
    assert all(e["file"] == str(path) and e["line"] and e["path"] for e in out["errors"])
    assert {e["code"] for e in out["errors"]} == {s["code"] for s in out["summary"]}
    codes = {(s["code"], s["version"]) for s in out["summary"]}
    assert ("unknown-competency", "2.0.0") in codes
    assert ("unknown-version", None) in codes
    first = next(s for s in out["summary"] if s["code"] == "unknown-competency")
    assert first["first"]["line"]
    assert first["first"]["path"].endswith(".competency")

    ok = cli("model", "import-workforce", EXAMPLES / "people.yaml", "--store", store_url,
             "-f", "json")  # fmt: skip
    assert ok.code == 0, ok.err
    done = ok.json()
    assert done["model"] == KEY
    assert done["versions"] == {"1.0.0": done["assessments"]}

    missing = cli("model", "import-workforce", path, "--store", f"sqlite:///{tmp_path / 'e.db'}",
                  "-f", "json")  # fmt: skip
    assert missing.code == 2
    assert "unknown model" in missing.json()["errors"][0]["message"]
