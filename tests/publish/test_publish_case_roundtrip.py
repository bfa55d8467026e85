"""CASE: nothing lost silently.

The four real OpenSALT packages go through import -> export -> import: every field of every
object is either written back (same identifier, same value) or named in the import's
report; every association keeps its type, ends and sequence number; the exports are valid
CASE 1.1. Generated models with typed associations round-trip exactly. The export honours
the language and reports the texts it had to take from another one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.competencies import ASSOCIATION_TYPES, Association, CaseLink
from competency_core.publish import build_case, export_case, import_case, validate_case
from competency_core.publish.case import CaseReport
from competency_core.testing.strategies import competency_models

WHEN = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
OPENSALT = (
    "opensalt_MarkdownFramework.json",
    "opensalt_Ordering.json",
    "opensalt_SmartLevelFramework.json",
    "opensalt_sample_framework_20c5134f.json",
)
SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "case"
    / "case-v1p1-cfpackage-schema.json"
)
# the lists whose objects are matched by identifier between a package and its re-export
KEYED = ("CFItems", "CFAssociations", "CFItemTypes", "CFLicenses", "CFSubjects", "CFConcepts")


def strip_extensions(value: Any) -> Any:
    """The package as a tool that knows nothing of competency-core would keep it."""
    if isinstance(value, dict):
        return {k: strip_extensions(v) for k, v in value.items() if k != "extensions"}
    if isinstance(value, list):
        return [strip_extensions(v) for v in value]
    return value


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every field of a package as (path, value); empty objects and lists are leaves too."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def counterpart(original: Any, export: Any) -> Iterator[tuple[str, Any, Any]]:
    """(path in the original, original value, the export's value or a sentinel) per field.

    Objects of the keyed lists are matched by identifier (the export orders them its own
    way); a link written as a plain URI string matches the export's link object by its uri.
    """
    missing = object()

    def walk(o: Any, e: Any, path: str, name: str) -> Iterator[tuple[str, Any, Any]]:
        if isinstance(o, dict) and o:
            for k, v in o.items():
                yield from walk(
                    v, e.get(k, missing) if isinstance(e, dict) else missing, f"{path}.{k}", k
                )
        elif isinstance(o, list) and o:
            by_id = (
                {x.get("identifier"): x for x in e if isinstance(x, dict)}
                if name in KEYED and isinstance(e, list)
                else None
            )
            for i, v in enumerate(o):
                if by_id is not None:
                    other = by_id.get(v.get("identifier"), missing) if isinstance(v, dict) else None
                else:
                    other = e[i] if isinstance(e, list) and i < len(e) else missing
                yield from walk(v, other, f"{path}[{i}]", name)
        elif isinstance(o, str) and isinstance(e, dict) and "uri" in e:
            yield path, o, e["uri"]
        else:
            yield path, o, e

    for k, v in original.items():
        yield from walk(v, export.get(k, missing), k, k)


def unexplained(original: dict[str, Any], export: dict[str, Any], report: CaseReport) -> list[str]:
    """The original's fields neither written back with the same value nor in the report."""
    out = []
    for path, value, again in counterpart(original, export):
        if value == again or report.covers(path):
            continue
        if value in ([], {}):
            continue  # an empty list carries nothing: nothing to lose
        out.append(f"{path}: {value!r} -> {again!r}")
    return out


def association_ends(package: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every association as (identifier, type, origin id, destination id and uri, sequence)."""
    out = set()
    for a in package.get("CFAssociations", []):
        dest = a["destinationNodeURI"]
        dest_uri = dest if isinstance(dest, str) else dest.get("uri")
        seq = a.get("sequenceNumber")
        out.add(
            (
                a["identifier"],
                a["associationType"],
                a["originNodeURI"]["identifier"],
                None if isinstance(dest, str) else dest.get("identifier"),
                dest_uri,
                int(seq) if seq is not None else None,
            )
        )
    return out


@pytest.fixture
def opensalt(shared_data: Path) -> dict[str, Any]:
    folder = shared_data / "case"
    missing = [n for n in OPENSALT if not (folder / n).is_file()]
    if missing:
        pytest.skip(f"OpenSALT packages missing from {folder}: {missing}")
    return {n: json.loads((folder / n).read_text(encoding="utf-8")) for n in OPENSALT}


# -- the four real packages -------------------------------------------------------------------
@pytest.mark.parametrize("name", OPENSALT)
def test_every_field_is_written_back_or_reported(
    opensalt: dict[str, Any], name: str, case_schema: Path
) -> None:
    package = opensalt[name]
    first = import_case(package)
    exported = build_case(first.model, changed=WHEN)
    again = json.loads(json.dumps(exported.package))
    assert unexplained(package, again, first.report) == []
    assert validate_case(again, case_schema) == []
    assert import_case(again).model == first.model
    # nothing the OpenSALT package has is lost on the way out either
    assert [e for e in exported.report if e.action in ("dropped", "fallback")] == []


@pytest.mark.parametrize("name", OPENSALT)
def test_every_association_survives_the_round_trip(opensalt: dict[str, Any], name: str) -> None:
    package = opensalt[name]
    exported = export_case(import_case(package).model, changed=WHEN)
    assert association_ends(package) <= association_ends(exported)
    # and a tool that ignores our extension reads the same model from the standard fields
    bare = import_case(strip_extensions(exported)).model
    assert bare == import_case(package).model


def test_the_sample_keeps_five_association_types_and_its_identities(
    opensalt: dict[str, Any],
) -> None:
    package = opensalt["opensalt_sample_framework_20c5134f.json"]
    model = import_case(package).model
    again = export_case(model, changed=WHEN)
    kinds = [a["associationType"] for a in again["CFAssociations"]]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "isChildOf": 16,
        "exactMatchOf": 16,
        "precedes": 3,
        "exemplar": 2,
        "isRelatedTo": 2,
    }
    doc = again["CFDocument"]
    assert doc["identifier"] == package["CFDocument"]["identifier"]
    assert doc["uri"] == package["CFDocument"]["uri"]
    assert doc["creator"] == "Brandon Dorman"
    assert doc["adoptionStatus"] == "Draft"
    assert doc["caseVersion"] == "1.1"
    items = {i["identifier"]: i for i in again["CFItems"]}
    for item in package["CFItems"]:
        out = items[item["identifier"]]
        assert out["uri"] == item["uri"]
        assert out["CFItemType"] == item["CFItemType"]
        assert out["CFItemTypeURI"] == item["CFItemTypeURI"]
        assert out["educationLevel"] == [item["educationalLevel"]]
        assert out.get("listEnumeration") == item.get("listEnumeration")
        assert out.get("notes") == item.get("notes")
        assert out["humanCodingScheme"] == item["humanCodingScheme"]
    sequenced = [
        a
        for a in again["CFAssociations"]
        if a["identifier"]
        in {x["identifier"] for x in package["CFAssociations"] if "sequenceNumber" in x}
    ]
    assert sorted(a["sequenceNumber"] for a in sequenced) == [1, 2]


def test_the_report_names_what_case_1_1_has_no_field_for(opensalt: dict[str, Any]) -> None:
    report = import_case(opensalt["opensalt_sample_framework_20c5134f.json"]).report
    by_path = {e.path: e for e in report}
    assert by_path["CFDocument.CFPackageURI"].action == "dropped"
    assert by_path["CFItems[0].CFItemAssociationURI"].action == "dropped"
    assert by_path["CFItems[0].educationalLevel"].action == "reinterpreted"
    assert by_path["CFAssociations[0].lastChangeDateTime"].action == "reinterpreted"
    assert report.summary() == "CASE: 75 dropped, 77 reinterpreted"
    lines = report.lines()
    assert "CFItems[*].CFDocumentURI: dropped: " in "\n".join(lines)
    assert len(lines) < 20  # grouped: one line per kind of change
    sv = import_case(opensalt["opensalt_sample_framework_20c5134f.json"], language="sv").report
    assert sv.summary().startswith("CASE: 75 ")
    assert sv.summary() != report.summary()


def test_plain_uri_links_and_unknown_types_are_reported() -> None:
    package = {
        "CFDocument": {"identifier": "3c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f", "title": "T"},
        "CFItems": [
            {"identifier": "1c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f", "fullStatement": "A"},
            {"identifier": "2c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f", "fullStatement": "B"},
        ],
        "CFAssociations": [
            {
                "identifier": "4c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f",
                "associationType": "dependsOn",
                "originNodeURI": {"identifier": "1c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f"},
                "destinationNodeURI": {"identifier": "2c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f"},
                "sequenceNumber": 7,
            },
            {
                "identifier": "5c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f",
                "associationType": "isPeerOf",
                "originNodeURI": "urn:somewhere:else",
                "destinationNodeURI": "urn:x",
            },
        ],
        "CFDefinitions": {"CFConcepts": [{"identifier": "x", "title": "c"}]},
        "somethingElse": 1,
    }
    result = import_case(package)
    by_path = {e.path: e for e in result.report}
    assert by_path["CFAssociations[0].associationType"].action == "reinterpreted"
    assert by_path["CFAssociations[1]"].action == "dropped"  # from outside the items
    assert by_path["CFDefinitions.CFConcepts[0]"].action == "dropped"
    assert by_path["somethingElse"].action == "dropped"
    (a,) = result.model.competencies[0].associations or result.model.competencies[1].associations
    assert (a.type, a.sequence) == ("ext:dependsOn", 7)


# -- generated models with associations ----------------------------------------------------------
@st.composite
def models_with_associations(
    draw: st.DrawFn, *, hierarchy_types: bool = True
) -> cc.CompetencyModel:
    model = draw(competency_models(n_competencies=(1, 5), n_roles=(0, 2)))
    keys = [c.key for c in model.competencies]
    types = [t for t in ASSOCIATION_TYPES if hierarchy_types or t != "isChildOf"]
    kinds = st.sampled_from([*types, "ext:dependsOn", "ext:x.y-z_1"])
    comps = []
    for c in model.competencies:
        n = draw(st.integers(0, 3))
        links = []
        for j in range(n):
            kind = draw(kinds)
            seq = draw(st.none() | st.integers(-3, 50))
            if draw(st.booleans()):
                links.append(
                    Association(type=kind, competency=draw(st.sampled_from(keys)), sequence=seq)
                )
            else:
                title = draw(st.none() | st.text(min_size=1, max_size=8))
                target = draw(st.none() | st.sampled_from(["CASE", "ext:esco"]))
                node = CaseLink(
                    uri=f"https://example.org/node/{c.key}/{j}", title=title, target_type=target
                )
                links.append(Association(type=kind, node=node, sequence=seq))
        comps.append(c.model_copy(update={"associations": tuple(links)}))
    return cc.CompetencyModel.model_validate(
        {**model.model_dump(mode="python", round_trip=True), "competencies": comps}
    )


@settings(max_examples=25, deadline=None)
@given(model=models_with_associations())
def test_export_then_import_of_models_with_associations_is_the_identity(
    model: cc.CompetencyModel,
) -> None:
    package = json.loads(json.dumps(export_case(model, changed=WHEN)))
    assert import_case(package).model == model
    if SCHEMA.is_file():
        assert validate_case(package, json.loads(SCHEMA.read_text(encoding="utf-8"))) == []


@settings(max_examples=25, deadline=None)
@given(model=models_with_associations(hierarchy_types=False))
def test_without_extensions_every_association_keeps_type_ends_and_sequence(
    model: cc.CompetencyModel,
) -> None:
    back = import_case(strip_extensions(export_case(model, changed=WHEN))).model
    for old in model.competencies:
        new = back.competency(old.key)
        want = [
            (a.type, a.competency or (a.node.uri if a.node else None), a.sequence)
            for a in old.associations
        ]
        got = [
            (a.type, a.competency or (a.node.uri if a.node else None), a.sequence)
            for a in new.associations
        ]
        assert got[len(got) - len(want) :] == want  # after the related and references ones


def test_an_association_needs_one_end_and_a_case_type() -> None:
    with pytest.raises(ValueError, match="destination"):
        Association(type="precedes")
    with pytest.raises(ValueError, match="one destination"):
        Association(type="precedes", competency="a", node=CaseLink(uri="urn:x"))
    with pytest.raises(ValueError, match="unknown association type"):
        Association(type="dependsOn", competency="a")
    with pytest.raises(ValueError, match="not a UUID"):
        Association(type="precedes", competency="a", identifier="nope")


def test_an_association_to_an_unknown_competency_is_a_model_error(
    se_model: cc.CompetencyModel,
) -> None:
    first = se_model.competencies[0]
    data = se_model.model_dump(mode="json")
    data["competencies"][0]["associations"] = [{"type": "precedes", "competency": "no-such"}]
    with pytest.raises(cc.ModelValidationError) as info:
        cc.CompetencyModel.model_validate(data)
    assert "competencies[0].associations[0].competency" in [p.path for p in info.value.problems]
    assert first.key


# -- language -------------------------------------------------------------------------------------
def test_case_in_swedish_writes_swedish_texts_and_reports_fallbacks(
    se_model: cc.CompetencyModel, case_schema: Path
) -> None:
    result = build_case(se_model, changed=WHEN, language="sv")
    package = result.package
    assert validate_case(package, case_schema) == []
    assert package["CFDocument"]["language"] == "sv"
    assert {i["language"] for i in package["CFItems"]} == {"sv"}
    types = {t["typeCode"]: t for t in package["CFDefinitions"]["CFItemTypes"]}
    assert types["Competency"]["title"] == "Kompetens"
    assert "bedöm" in types["Competency"]["description"]
    fallbacks = [e for e in result.report if e.action == "fallback"]
    for e in fallbacks:
        assert "svenska" in e.reason
    # every text the model has in Swedish is written in Swedish; the others are reported
    for i, c in enumerate(se_model.competencies):
        item = next(x for x in package["CFItems"] if x["humanCodingScheme"] == c.key)
        if "sv" in c.name.languages(default_language=se_model.default_language):
            assert item["abbreviatedStatement"] == c.name.get("sv")
        else:
            assert f"competencies[{i}].name" in [e.path for e in fallbacks]
    english = build_case(se_model, changed=WHEN)
    assert [e for e in english.report if e.action == "fallback"] == []
    assert english.report.summary().startswith("CASE: ")


def test_a_translated_model_exports_each_language(case_schema: Path) -> None:
    model = cc.CompetencyModel.model_validate(
        {
            "key": "m",
            "name": {"en": "Model", "sv": "Modell"},
            "languages": ["en", "sv"],
            "scales": [
                {
                    "key": "s",
                    "name": {"en": "Scale", "sv": "Skala"},
                    "levels": [
                        {"value": 1, "label": {"en": "Low", "sv": "Låg"}},
                        {"value": 2, "label": {"en": "High", "sv": "Hög"}},
                    ],
                    "proficient": 2,
                }
            ],
            "competencies": [
                {"key": "a", "name": {"en": "Listening", "sv": "Lyssna"}, "scale": "s"},
                {"key": "b", "name": "Only English", "scale": "s"},
            ],
        }
    )
    sv = build_case(model, changed=WHEN, language="sv")
    assert validate_case(sv.package, case_schema) == []
    names = {i["humanCodingScheme"]: i["abbreviatedStatement"] for i in sv.package["CFItems"]}
    assert names == {"a": "Lyssna", "b": "Only English"}
    assert sv.package["CFDocument"]["title"] == "Modell"
    assert [e.path for e in sv.report if e.action == "fallback"] == ["competencies[1].name"]
    assert import_case(sv.package).model == model  # the extension keeps every language


# -- the CLI ---------------------------------------------------------------------------------------
def test_import_case_prints_the_report(cli: Any, shared_data: Path, tmp_path: Path) -> None:
    package = shared_data / "case" / "opensalt_sample_framework_20c5134f.json"
    if not package.is_file():
        pytest.skip(f"{package} is absent")
    r = cli("import-case", package, "--out", tmp_path / "m.yaml")
    assert r.code == 0, r.err
    assert "CASE: 75 dropped, 77 reinterpreted" in r.err
    assert "CFItems[*].educationalLevel: reinterpreted:" in r.err
    js = cli("import-case", package, "--out", tmp_path / "m.yaml", "--format", "json").json()
    assert len(js["report"]) == 152
    assert {"path", "action", "reason"} == set(js["report"][0])


def test_publish_case_prints_the_report(cli: Any, examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.case.json"
    r = cli("publish", examples / "software-engineering.yaml", "--case", out, "--language", "sv")
    assert r.code == 0, r.err
    assert "CASE: " in r.out
    package = json.loads(out.read_text(encoding="utf-8"))
    assert package["CFDocument"]["language"] == "sv"
    js = cli(
        "publish", examples / "software-engineering.yaml", "--case", out, "--format", "json"
    ).json()
    (case,) = [o for o in js["outputs"] if o["kind"] == "case"]
    assert case["notes"][0].startswith("CASE: ")
    assert all({"path", "action", "reason"} == set(e) for e in case["report"])


def test_every_case_1_1_association_type_survives_from_a_foreign_package(
    case_schema: Path,
) -> None:
    """All ten CASE 1.1 types and an ext: one, to an item and to an outside node."""

    def uid(n: int) -> str:
        return f"{n:08x}-0000-4000-8000-000000000000"

    doc = {"identifier": uid(1), "uri": "https://x.test/doc", "title": "All", "creator": "t"}
    items = [
        {"identifier": uid(10 + i), "uri": f"https://x.test/i/{i}", "fullStatement": f"Item {i}"}
        for i in range(3)
    ]

    def link(i: int) -> dict[str, str]:
        return {"title": f"Item {i}", "identifier": uid(10 + i), "uri": f"https://x.test/i/{i}"}

    assocs: list[dict[str, Any]] = [
        {
            "identifier": uid(100 + i),
            "uri": f"https://x.test/a/{i}",
            "associationType": "isChildOf",
            "originNodeURI": link(i),
            "destinationNodeURI": {"title": "All", "identifier": uid(1), "uri": doc["uri"]},
            "sequenceNumber": 3 - i,
        }
        for i in range(3)
    ]
    n = 200
    for kind in [*ASSOCIATION_TYPES, "ext:dependsOn"]:
        for outside in (False, True):
            n += 1
            dest = (
                {"title": "Far", "identifier": uid(n + 500), "uri": f"https://far.test/{n}"}
                if outside
                else link(n % 3)
            )
            if outside:
                dest["targetType"] = "ext:far"
            assocs.append(
                {
                    "identifier": uid(n),
                    "uri": f"https://x.test/a/{n}",
                    "associationType": kind,
                    "originNodeURI": link((n + 1) % 3),
                    "destinationNodeURI": dest,
                    "sequenceNumber": n,
                    "notes": f"note {n}",
                }
            )
    package = {"CFDocument": doc, "CFItems": items, "CFAssociations": assocs}
    first = import_case(package)
    again = json.loads(json.dumps(export_case(first.model, changed=WHEN)))
    assert association_ends(package) <= association_ends(again)
    assert unexplained(package, again, first.report) == []
    assert validate_case(again, case_schema) == []
    assert import_case(again).model == first.model
    assert import_case(strip_extensions(again)).model == first.model
    # the items keep their file order through the sequence numbers 3, 2, 1
    assert [c.case.identifier for c in first.model.competencies if c.case] == [
        uid(12),
        uid(11),
        uid(10),
    ]


# -- generated foreign packages --------------------------------------------------------------------
WORDS = st.text(alphabet="abcdefghij ÅÄÖåäö.-", min_size=1, max_size=16).filter(str.strip)


@st.composite
def foreign_packages(draw: st.DrawFn) -> dict[str, Any]:
    """CASE packages as another tool writes them: optional fields, any association type."""
    ids = iter(draw(st.lists(st.uuids(version=4), min_size=40, max_size=40, unique=True)))

    def uid() -> str:
        return str(next(ids))

    def optional(target: dict[str, Any], name: str, strategy: st.SearchStrategy[Any]) -> None:
        if draw(st.booleans()):
            target[name] = draw(strategy)

    doc: dict[str, Any] = {"identifier": uid(), "title": draw(WORDS), "creator": draw(WORDS)}
    doc["uri"] = f"https://x.test/doc/{doc['identifier']}"
    optional(doc, "publisher", WORDS)
    optional(doc, "officialSourceURL", st.just("https://x.test/source"))
    optional(doc, "subject", st.lists(WORDS, min_size=1, max_size=2))
    optional(doc, "frameworkType", WORDS)
    optional(doc, "notes", WORDS)
    optional(doc, "description", WORDS)
    optional(doc, "version", st.sampled_from(["1.0.0", "2024", "v3"]))
    optional(doc, "adoptionStatus", st.sampled_from(["Draft", "Adopted", "Private Draft", "?"]))
    optional(doc, "statusStartDate", st.sampled_from(["2024-01-31", "someday"]))
    optional(doc, "language", st.sampled_from(["en", "sv", "not a language"]))
    optional(doc, "lastChangeDateTime", st.just("2020-01-01T00:00:00Z"))
    types = [
        {
            "identifier": uid(),
            "uri": "https://x.test/t/1",
            "title": "Standard",
            "hierarchyCode": "1",
        }
    ]
    n_items = draw(st.integers(1, 6))
    items: list[dict[str, Any]] = []
    for _ in range(n_items):
        item: dict[str, Any] = {"identifier": uid(), "fullStatement": draw(WORDS)}
        item["uri"] = f"https://x.test/i/{item['identifier']}"
        optional(item, "humanCodingScheme", st.sampled_from(["A.1", "A.2", "A.1", "B 1"]))
        optional(item, "listEnumeration", st.sampled_from(["1", "2", "a"]))
        optional(item, "abbreviatedStatement", WORDS)
        optional(item, "notes", WORDS)
        optional(item, "alternativeLabel", WORDS)
        optional(item, "educationLevel", st.lists(st.sampled_from(["06", "07", "KG"]), max_size=2))
        optional(item, "conceptKeywords", st.lists(WORDS, min_size=1, max_size=2))
        optional(item, "language", st.sampled_from(["en", "sv"]))
        optional(item, "statusEndDate", st.just("2030-06-30"))
        optional(item, "CFDocumentURI", st.just(doc["uri"]))
        if draw(st.booleans()):
            item["CFItemType"] = "Standard"
            item["CFItemTypeURI"] = {k: types[0][k] for k in ("title", "identifier", "uri")}
        items.append(item)

    def link(i: int) -> dict[str, str]:
        return {"title": f"t{i}", "identifier": items[i]["identifier"], "uri": items[i]["uri"]}

    assocs: list[dict[str, Any]] = []
    for i in range(n_items):
        parent = draw(st.integers(-1, i - 1))
        dest = link(parent) if parent >= 0 else {k: doc[k] for k in ("title", "identifier", "uri")}
        a: dict[str, Any] = {
            "identifier": uid(),
            "associationType": "isChildOf",
            "originNodeURI": link(i),
            "destinationNodeURI": dest,
        }
        optional(a, "sequenceNumber", st.integers(0, 9) | st.sampled_from(["3"]))
        assocs.append(a)
    for _ in range(draw(st.integers(0, 6))):
        a = {
            "identifier": uid(),
            "associationType": draw(st.sampled_from([*ASSOCIATION_TYPES, "ext:x", "oddType"])),
            "originNodeURI": link(draw(st.integers(0, n_items - 1))),
        }
        if draw(st.booleans()):
            a["destinationNodeURI"] = link(draw(st.integers(0, n_items - 1)))
        else:
            a["destinationNodeURI"] = draw(
                st.sampled_from(["https://far.test/plain", "https://far.test/x"])
            )
        optional(a, "sequenceNumber", st.integers(-5, 99))
        optional(a, "notes", WORDS)
        assocs.append(a)
    for a in assocs:
        a["uri"] = f"https://x.test/a/{a['identifier']}"
    package: dict[str, Any] = {"CFDocument": doc, "CFItems": items, "CFAssociations": assocs}
    if draw(st.booleans()):
        package["CFDefinitions"] = {"CFItemTypes": types, "CFConcepts": []}
    return package


@settings(max_examples=60, deadline=None)
@given(package=foreign_packages())
def test_generated_foreign_packages_lose_nothing_silently(package: dict[str, Any]) -> None:
    first = import_case(package)
    again = json.loads(json.dumps(export_case(first.model, changed=WHEN)))
    assert unexplained(package, again, first.report) == []
    assert import_case(again).model == first.model
    if SCHEMA.is_file():
        assert validate_case(again, json.loads(SCHEMA.read_text(encoding="utf-8"))) == []


@settings(max_examples=15, deadline=None)
@given(model=competency_models(associations=True, n_competencies=(1, 4), n_roles=(0, 1)))
def test_the_public_strategy_with_associations_round_trips(model: cc.CompetencyModel) -> None:
    package = json.loads(json.dumps(export_case(model, changed=WHEN)))
    assert import_case(package).model == model
    kinds = {a.type for c in model.competencies for a in c.associations}
    assert kinds <= {*ASSOCIATION_TYPES, "ext:dependsOn"}


def test_two_items_with_one_identifier_get_two_on_export() -> None:
    same = "1c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f"
    package = {
        "CFDocument": {"identifier": "3c9f0b4e-9b1a-4d4e-8c55-0a1b2c3d4e5f", "title": "T"},
        "CFItems": [
            {"identifier": same, "fullStatement": "A"},
            {"identifier": same, "fullStatement": "B"},
        ],
    }
    result = import_case(package)
    assert [(e.path, e.action) for e in result.report] == [
        ("CFItems[1].identifier", "reinterpreted")
    ]
    ids = [i["identifier"] for i in export_case(result.model, changed=WHEN)["CFItems"]]
    assert ids[0] == same
    assert len(set(ids)) == 2
