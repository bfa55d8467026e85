"""competency explain, and --explain on gap, plan and readiness, on the examples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from competency_core.io import load_model, load_workforce
from competency_core.scoring import DEFAULT_POLICY, explain, score_person

ON = "2026-04-01"
DAY = dt.date(2026, 4, 1)


@pytest.fixture
def files(examples: Path) -> tuple[Path, Path]:
    return examples / "software-engineering.yaml", examples / "people.yaml"


def _ids(exp: dict[str, Any]) -> list[str]:
    ids = [w["id"] for w in exp["used"] + exp["ignored"]]
    for child in exp["children"]:
        ids += _ids(child)
    return ids


def _known_by(data: Any) -> Any:
    """``data`` without the pieces an explanation ignores as not yet known."""
    if isinstance(data, list):
        return [_known_by(x) for x in data]
    if not isinstance(data, dict):
        return data
    out = {k: _known_by(v) for k, v in data.items()}
    if "ignored" in out:
        out["ignored"] = [w for w in out["ignored"] if not w["why"].startswith("not yet")]
    return out


def _input_ids(model: Any, wf: Any) -> set[str]:
    from competency_core.people import as_evidence

    return {as_evidence(i).id for i in wf.all_evidence}


# -- one explanation ------------------------------------------------------------------------


def test_an_any_of_path_decides_and_the_manager_rating_is_not_needed(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, "--person", "hannah-schmidt", "-c",
            "secure-development", "--on", ON, "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    data = r.json()
    # the CSSLP (level 4, valid until 2026-08-31) meets "certified"; the manager's 3 is
    # the "rated" path's, a lower level
    assert (data["level"], data["label"], data["rule"], data["detail"]) == (
        4, "Advanced", "any-of", "certified")  # fmt: skip
    [used] = data["used"]
    assert (used["kind"], used["asserted_by"], used["valid_until"]) == (
        "certification", "ISC2", "2026-08-31")  # fmt: skip
    [ignored] = data["ignored"]
    assert (ignored["kind"], ignored["rater_type"], ignored["level"]) == ("rating", "manager", 3)
    assert ignored["why"] == "not needed by certified"
    assert (
        data["notes"][0] == "rated and trained: not met, missing a course of secure-coding-course"
    )
    # a half-life of 1095 days: the certificate is 943 days old on the day
    assert data["confidence"] == pytest.approx(0.5 ** (943 / 1095), abs=1e-4)


def test_after_the_certificate_lapses_the_rating_decides(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, "--person", "hannah-schmidt", "-c",
            "secure-development", "--on", "2026-09-01", "-f", "json")  # fmt: skip
    data = r.json()
    assert (data["level"], data["detail"]) == (3, "rated")
    why = {w["kind"]: w["why"] for w in data["ignored"]}
    assert why["certification"] == "expired on 2026-08-31"


def test_a_roll_up_shows_its_children_and_ignores_the_parents_ratings(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, "--person", "daniel-kim", "-c",
            "people-management", "--on", ON, "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    data = r.json()
    assert (data["level"], data["rule"]) == (3, "roll-up")
    assert data["used"] == []
    assert [(c["competency"], c["level"]) for c in data["children"]] == [
        ("hiring", 4),
        ("performance-coaching", 3),
    ]
    whys = sorted(w["why"] for w in data["ignored"])
    # the manager's 4 rolls up away; the 360 of 2026-04-15 is not yet known on the day
    assert whys == ["not yet: dated 2026-04-15, after 2026-04-01",
                    "the level rolls up from the children"]  # fmt: skip


def test_text_names_rule_evidence_reasons_and_children(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, "--person", "daniel-kim", "-c",
            "people-management", "--on", ON)  # fmt: skip
    assert r.code == 0, r.err
    out = r.out
    assert "level 3 (Practitioner)" in out
    assert "rule roll-up: all 2 children: the lowest" in out
    assert "ignored:" in out
    assert "the level rolls up from the children" in out
    assert "children:" in out
    # the children are indented under the parent, with their own rule and evidence
    child = next(line for line in out.splitlines() if line.strip().startswith("hiring:"))
    assert child.startswith("    ")
    assert "manager rating 3 by priya-raman on 2026-03-16: decided the level" in out


def test_the_cli_agrees_with_the_library(files: Any) -> None:
    model, people = files
    m = load_model(model)
    wf = load_workforce(people, m)
    e = explain(m, wf.evidence_of("ravi-patel"), "ravi-patel", "delivery-automation",
                policy=DEFAULT_POLICY, on=DAY)  # fmt: skip
    assert (e.level, e.rule, e.used[0].evidence.name) == (
        3.0, "precedence", "Certified Kubernetes Administrator (CKA)")  # fmt: skip
    # and gap scores that level
    s = score_person(m, wf, "ravi-patel", on=DAY)
    assert s.requirement("delivery-automation").actual == 3.0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--person", "hanah-schmidt", "-c", "testing"), "did you mean 'hannah-schmidt'"),
        (
            ("--person", "hannah-schmidt", "-c", "secure-developement"),
            "did you mean 'secure-development'",
        ),
        (("--person", "hannah-schmidt"), "--competency"),
        (("-c", "testing"), "--person"),
    ],
)
def test_user_mistakes_are_clear_errors(
    cli: Any, files: Any, args: tuple[str, ...], needle: str
) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, *args, "--on", ON)
    assert r.code == 2
    assert needle in r.err
    assert "Traceback" not in r.err + r.out
    j = cli("explain", model, "-p", people, *args, "--on", ON, "-f", "json")
    assert j.code == 2
    assert needle in j.json()["errors"][0]["message"]


# -- every person and competency of both examples ------------------------------------------


@pytest.mark.parametrize(
    ("model_file", "people_file"),
    [
        ("software-engineering.yaml", "people.yaml"),
        ("customer-success.yaml", "customer-success-people.yaml"),
    ],
)
def test_explain_answers_for_everyone_on_every_competency(
    cli: Any, examples: Path, model_file: str, people_file: str
) -> None:
    model, people = examples / model_file, examples / people_file
    m = load_model(model)
    wf = load_workforce(people, m)
    known = _input_ids(m, wf)
    r = cli("explain", model, "-p", people, "--all", "--on", ON, "-f", "json")
    assert r.code == 0, r.err
    data = r.json()
    pairs = {(e["person"], e["competency"]) for e in data["explanations"]}
    assert pairs == {(p.key, c.key) for p in wf.people for c in m.competencies}
    for e in data["explanations"]:
        assert set(_ids(e)) <= known, (e["person"], e["competency"])
    # one call per pair (of one person) says the same as --all
    for person in [wf.people[-1].key]:
        for c in m.competencies:
            one = cli("explain", model, "-p", people, "--person", person, "-c", c.key,
                      "--on", ON, "-f", "json")  # fmt: skip
            assert one.code == 0, one.err
            assert set(_ids(one.json())) <= known
            want = next(
                e for e in data["explanations"] if (e["person"], e["competency"]) == (person, c.key)
            )
            assert one.json() == want


def test_all_for_one_person_and_the_text_table(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("explain", model, "-p", people, "--all", "--person", "tomas-novak", "--on", ON,
            "-f", "json")  # fmt: skip
    data = r.json()
    assert {e["person"] for e in data["explanations"]} == {"tomas-novak"}
    t = cli("explain", model, "-p", people, "--all", "--person", "tomas-novak", "--on", ON)
    assert t.code == 0, t.err
    assert "Why each level, on 2026-04-01" in t.out
    assert "without any evidence are left out" in t.out


# -- --explain on gap, plan and readiness ---------------------------------------------------


def test_gap_explain_json_has_each_requirements_explanation(cli: Any, files: Any) -> None:
    model, people = files
    base = ("gap", model, "-p", people, "--person", "daniel-kim", "-r",
            "senior-engineering-manager", "--on", ON, "-f", "json")  # fmt: skip
    plain = cli(*base).json()
    explained = cli(*base, "--explain").json()
    for req, more in zip(plain["requirements"], explained["requirements"], strict=True):
        exp = more.pop("explanation")
        assert more == req  # the rest is unchanged
        assert exp["competency"] == req["competency"]
        if req["assessed"]:
            assert exp["level"] == req["actual"]
        else:
            assert exp["level"] is None
    assert "explanation" not in plain["requirements"][0]


def test_gap_explain_text_gives_a_short_why(cli: Any, files: Any) -> None:
    model, people = files
    base = ("gap", model, "-p", people, "--person", "hannah-schmidt", "--on", ON)
    plain = cli(*base).out
    r = cli(*base, "--explain")
    assert r.code == 0, r.err
    assert r.out.startswith(plain)  # without the flag the output is what it was
    assert "why (competency explain shows one in full):" in r.out
    line = next(x for x in r.out.splitlines() if x.strip().startswith("secure-development:"))
    assert "any-of, path certified: certification" in line
    assert "ISC2" in line


def test_plan_explain(cli: Any, files: Any) -> None:
    model, people = files
    base = ("plan", model, "-p", people, "--person", "daniel-kim", "-r",
            "senior-engineering-manager", "--on", ON)  # fmt: skip
    data = cli(*base, "-f", "json", "--explain").json()
    pm = next(i for i in data["items"] if i["competency"] == "people-management")
    assert pm["explanation"]["rule"] == "roll-up"
    assert "explanation" not in cli(*base, "-f", "json").json()["items"][0]
    text = cli(*base, "--explain").out
    assert "why 3: roll-up, all 2 children: the lowest (hiring 4, performance-coaching 3)" in text


def test_readiness_explain(cli: Any, files: Any) -> None:
    model, people = files
    base = ("readiness", model, "-p", people, "--on", ON)
    plain = cli(*base, "-f", "json").json()
    data = cli(*base, "-f", "json", "--explain").json()
    explained = data.pop("explanations")
    assert data == plain
    assert len(explained) == plain["people"]  # everyone scored against their role
    noor = next(p for p in explained if p["person"] == "noor-alvi")
    sd = next(r for r in noor["requirements"] if r["competency"] == "secure-development")
    assert sd["explanation"]["detail"] == "certified"
    assert sd["why"].startswith("any-of, path certified: certification rating 3")
    text = cli(*base, "--explain").out
    assert "Why each level (competency explain shows one in full)" in text


def test_explain_from_the_store_says_what_the_file_says(
    cli: Any, files: Any, tmp_path: Path
) -> None:
    from competency_core.store import Store

    model, people = files
    m = load_model(model)
    url = str(tmp_path / "store.sqlite3")
    with Store(url) as store:
        store.add_model(m)
        store.import_workforce(load_workforce(people, m))
    for args in [
        ("--person", "hannah-schmidt", "-c", "secure-development"),
        ("--all", "--person", "daniel-kim"),
    ]:
        from_file = cli("explain", model, "-p", people, *args, "--on", ON, "-f", "json")
        from_store = cli("explain", model, "--store", url, *args, "--on", ON, "-f", "json")
        assert from_store.code == 0, from_store.err
        # the store is read as of --on: what is dated later is not in it (the file's
        # explanation lists it as "not yet")
        assert from_store.json() == _known_by(from_file.json())
