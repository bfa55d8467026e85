"""Open Badges 3.0 credentials: the samples in data/badges, and each rule on its own."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from competency_core.importers.evidence import EvidenceSourceError, read_badges
from competency_core.importers.evidence.badges import read_credentials
from competency_core.importers.evidence.matching import ModelTargets, PeopleIndex
from competency_core.model import CompetencyModel
from competency_core.people import EvidenceKind, Workforce
from competency_core.publish.case import case_identifier


def _good(data: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (data / "badges" / "priya-incident-commander.json").read_text()
    )
    return loaded


def _read(cred: Any, model: CompetencyModel, workforce: Workforce):  # type: ignore[no-untyped-def]
    return read_credentials(cred, "mem.json", ModelTargets(model), PeopleIndex(workforce.people))


def test_the_samples(data: Path, model: CompetencyModel, workforce: Workforce) -> None:
    result = read_badges([data / "badges"], model, workforce.people)
    got = {(e.person, e.competency): e for e in result.evidence}
    assert set(got) == {
        ("priya-raman", "incident-response"),
        ("daniel-kim", "debugging"),
        ("sofia-lindqvist", "coding"),
    }
    priya = got["priya-raman", "incident-response"]
    assert priya.kind is EvidenceKind.BADGE
    assert priya.level == 4  # achievedLevel "Advanced" is level 4 of the five-point scale
    assert (priya.date, priya.valid_until) == (dt.date(2026, 2, 10), dt.date(2028, 2, 10))
    assert priya.asserted_by == "Example Corp SRE Academy"
    assert priya.name == "Incident Commander"
    assert priya.identifier == "urn:uuid:4f0a0c52-7d3e-4b8e-9f0e-2c1d7a9b6e11#incident-response"
    assert priya.details["credential"] == "urn:uuid:4f0a0c52-7d3e-4b8e-9f0e-2c1d7a9b6e11"
    assert priya.source is not None
    assert priya.source.endswith("priya-incident-commander.json")
    assert priya.model_version == model.version
    # VC 1.1 dates, a hashed email, an ESCO URI written in capitals with a trailing slash
    daniel = got["daniel-kim", "debugging"]
    assert (daniel.date, daniel.valid_until, daniel.level) == (
        dt.date(2025, 11, 3),
        dt.date(2027, 11, 3),
        None,
    )
    # awardedDate dates it; "Grade 9" is no level of the scale: no level, and why
    sofia = got["sofia-lindqvist", "coding"]
    assert (sofia.date, sofia.level) == (dt.date(2026, 1, 15), None)
    assert "Grade 9" in sofia.details["level_note"]

    skipped = {(Path(s.source).name, s.path): s.reason for s in result.skipped}
    assert len(result.skipped) == 9
    assert skipped["array.json", "[1].@context"].startswith("an Open Badges 2.0 assertion")
    assert skipped["wrong-type.json", "type"].startswith("type ['VerifiableCredential']")
    assert skipped["issuer-without-name.json", "issuer.name"] == "the issuer has no name"
    assert "before validFrom" in skipped["valid-until-before-valid-from.json", "validUntil"]
    assert (
        "someone.else@example.org" in skipped["unknown-earner.json", "credentialSubject.identifier"]
    )
    assert ("no-alignment.json", "credentialSubject.achievement.alignment") in skipped
    assert ("no-criteria.json", "credentialSubject.achievement.criteria") in skipped
    assert skipped["not-json.json", ""].startswith("not JSON")
    unmatched = skipped["daniel-debugging-vc11.json", "credentialSubject.achievement.alignment[1]"]
    assert "debugger-use" in unmatched
    assert next(s for s in result.skipped if s.source.endswith("not-json.json")).line == 3


def test_a_missing_source_is_an_error(model: CompetencyModel, workforce: Workforce) -> None:
    with pytest.raises(EvidenceSourceError, match="no such file"):
        read_badges(["does/not/exist.json"], model, workforce.people)


def test_a_hashed_email_with_its_salt(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    cred = _good(data)
    digest = hashlib.md5(b"lucas.moreau@example.comNaCl").hexdigest()
    cred["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
         "salt": "NaCl", "identityHash": f"md5${digest}"}
    ]  # fmt: skip
    assert [e.person for e in _read(cred, model, workforce).evidence] == ["lucas-moreau"]
    cred["credentialSubject"]["identifier"][0]["salt"] = "other"
    result = _read(cred, model, workforce)
    assert not result.evidence
    assert "a hashed email" in result.skipped[0].reason


def test_the_subject_by_mailto_id_or_key(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    cred = _good(data)
    del cred["credentialSubject"]["identifier"]
    cred["credentialSubject"]["id"] = "mailto:Hannah.Schmidt@example.com"
    assert _read(cred, model, workforce).evidence[0].person == "hannah-schmidt"
    cred["credentialSubject"]["id"] = "tomas-novak"
    assert _read(cred, model, workforce).evidence[0].person == "tomas-novak"
    cred["credentialSubject"]["id"] = "did:example:123"
    result = _read(cred, model, workforce)
    assert result.skipped[0].path == "credentialSubject.id"
    del cred["credentialSubject"]["id"]
    assert "names no one" in _read(cred, model, workforce).skipped[0].reason


def test_alignments_by_reference_case_item_and_code(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    cred = _good(data)
    ach = cred["credentialSubject"]["achievement"]
    case_id = case_identifier(model.key, "competency", "testing")
    ach["alignment"] = [
        {"targetUrl": "http://data.europa.eu/esco/skill/a8c3186b-c791-4d57-8f4f-4d12c7a5c6a7"},
        {"targetUrl": f"https://case.example.com/ims/case/v1p0/CFItems/{case_id}"},
        {"targetCode": "2.B.4.g", "targetFramework": "O*NET"},
        {"targetCode": "observability"},
        {"targetCode": "observability", "targetName": "the same again"},
    ]
    cred["credentialSubject"]["result"] = []
    result = _read(cred, model, workforce)
    assert [e.competency for e in result.evidence] == [
        "coding", "testing", "system-architecture", "observability",
    ]  # fmt: skip
    assert not result.skipped
    assert len({e.id for e in result.evidence}) == 4


def test_levels_by_label_key_or_value(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    cred = _good(data)
    rubric = cred["credentialSubject"]["achievement"]["resultDescription"][0]
    level = rubric["rubricCriterionLevel"][2]
    for name, expected in [("Expert", 5), ("level 2", 2), ("3", 3), ("expert ", 5), ("Guru", None)]:
        level["name"] = name
        e = _read(cred, model, workforce).evidence[0]
        assert e.level == expected, name
    cred["credentialSubject"]["result"][0]["achievedLevel"] = "urn:uuid:nowhere"
    e = _read(cred, model, workforce).evidence[0]
    assert e.level is None
    assert "not described" in e.details["level_note"]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda c: c.update({"@context": ["https://www.w3.org/ns/credentials/v2"]}), "@context", "Open Badges 3.0"),
        (lambda c: c.update({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}), "@context", "Verifiable Credential"),
        (lambda c: c.pop("id"), "id", "no id"),
        (lambda c: c.update({"issuer": "https://issuer.example.com"}), "issuer", "bare URI"),
        (lambda c: c.pop("validFrom"), "validFrom", "no validFrom"),
        (lambda c: c.update({"validFrom": "last tuesday"}), "validFrom", "ISO 8601"),
        (lambda c: c.update({"credentialSubject": [c["credentialSubject"]]}), "credentialSubject", "one AchievementSubject"),
        (lambda c: c["credentialSubject"]["achievement"].pop("name"), "credentialSubject.achievement.name", "no name"),
        (lambda c: c.update({"awardedDate": "2029-01-01T00:00:00Z"}), "awardedDate", "after validUntil"),
    ],
)  # fmt: skip
def test_structural_checks(
    data: Path,
    model: CompetencyModel,
    workforce: Workforce,
    change: Any,
    path: str,
    words: str,
) -> None:
    cred = copy.deepcopy(_good(data))
    change(cred)
    result = _read(cred, model, workforce)
    assert not result.evidence
    [skip] = result.skipped
    assert skip.path == path
    assert words in skip.reason


def test_an_array_locates_each_credential(
    data: Path, model: CompetencyModel, workforce: Workforce
) -> None:
    bad = _good(data)
    bad["type"] = ["VerifiableCredential"]
    result = _read([_good(data), "not an object", bad], model, workforce)
    assert len(result.evidence) == 1
    assert [(s.path, s.source) for s in result.skipped] == [
        ("[1]", "mem.json"),
        ("[2].type", "mem.json"),
    ]
