"""CASE 1.1 export and import: schema validity, exact round trips, stable ids, real packages."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import competency_core as cc
from competency_core.publish import (
    ACHIEVEMENT_SCALE,
    case_identifier,
    export_case,
    import_case,
    read_case,
    validate_case,
    write_case,
)
from competency_core.publish.case import reference_association
from competency_core.testing.strategies import competency_models

WHEN = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
OPENSALT = (
    "opensalt_MarkdownFramework.json",
    "opensalt_Ordering.json",
    "opensalt_SmartLevelFramework.json",
    "opensalt_sample_framework_20c5134f.json",
)


def strip_extensions(value: Any) -> Any:
    """The package as a tool that knows nothing of competency-core would keep it."""
    if isinstance(value, dict):
        return {k: strip_extensions(v) for k, v in value.items() if k != "extensions"}
    if isinstance(value, list):
        return [strip_extensions(v) for v in value]
    return value


def own_links(c: cc.Competency) -> list[tuple[str, str, int | None]]:
    """A competency's links as CASE writes them: (association type, destination, sequence)."""
    out: list[tuple[str, str, int | None]] = [
        ("isRelatedTo", k, i) for i, k in enumerate(c.related, 1)
    ]
    out += [(reference_association(r)[0], r.uri, i) for i, r in enumerate(c.references, 1)]
    return out + typed_links(c)


def typed_links(c: cc.Competency) -> list[tuple[str, str, int | None]]:
    """A competency's typed associations: (type, destination key or URI, sequence)."""
    return [
        (a.type, a.competency or (a.node.uri if a.node and a.node.uri else ""), a.sequence)
        for a in c.associations
    ]


LINKS = {"originNodeURI", "destinationNodeURI", "CFItemURI", "CFItemTypeURI", "licenseURI"}


def identifiers(package: Any) -> set[str]:
    """The identifiers of the package's own objects (not of the nodes its links point to)."""
    found: set[str] = set()
    if isinstance(package, dict):
        for k, v in package.items():
            if k == "identifier" and isinstance(v, str):
                found.add(v)
            elif k not in LINKS and k != "extensions":
                found |= identifiers(v)
    elif isinstance(package, list):
        for v in package:
            found |= identifiers(v)
    return found


# -- export -----------------------------------------------------------------------------------
def test_example_export_is_valid_case_1_1(se_model: cc.CompetencyModel, case_schema: Path) -> None:
    package = export_case(se_model, changed=WHEN, base_uri="https://case.example.com/ims/case/v1p1")
    assert validate_case(package, case_schema) == []
    doc = package["CFDocument"]
    assert doc["caseVersion"] == "1.1"
    assert doc["title"] == "Software engineering career ladder"
    assert len(package["CFItems"]) == len(se_model.competencies)
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "api-design")
    assert item["uri"] == f"https://case.example.com/ims/case/v1p1/CFItems/{item['identifier']}"
    parent = next(
        a
        for a in package["CFAssociations"]
        if a["associationType"] == "isChildOf"
        and a["originNodeURI"]["identifier"] == item["identifier"]
    )
    assert parent["destinationNodeURI"]["title"] == "software-design"
    (rubric,) = package["CFRubrics"]
    levels = rubric["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    assert [(lv["score"], lv["quality"]) for lv in levels][:2] == [
        (1, "Awareness"),
        (2, "Foundation"),
    ]
    esco = [
        a["destinationNodeURI"]
        for a in package["CFAssociations"]
        if a["associationType"] == "exactMatchOf"
        and a["destinationNodeURI"].get("targetType") == "ext:esco"
    ]
    assert esco
    assert all(d["uri"].startswith("http://data.europa.eu/esco/") for d in esco)


SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "case"
    / "case-v1p1-cfpackage-schema.json"
)


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"the CASE 1.1 schema {SCHEMA} is absent")
@settings(max_examples=10)
@given(model=competency_models())
def test_generated_exports_are_valid_case_1_1(model: cc.CompetencyModel) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert validate_case(export_case(model, changed=WHEN), schema) == []


# -- round trips --------------------------------------------------------------------------------
@settings(max_examples=20)
@given(model=competency_models())
def test_export_then_import_is_the_same_model(model: cc.CompetencyModel) -> None:
    package = json.loads(json.dumps(export_case(model, changed=WHEN)))
    assert import_case(package).model == model


def test_example_round_trips_through_a_file(se_model: cc.CompetencyModel, tmp_path: Path) -> None:
    write_case(se_model, tmp_path / "m.json", changed=WHEN)
    result = read_case(tmp_path / "m.json")
    assert result.model == se_model
    assert result.notes == []


@settings(max_examples=12)
@given(model=competency_models())
def test_without_extensions_the_standard_fields_keep_the_structure(
    model: cc.CompetencyModel,
) -> None:
    """What another CASE tool keeps is enough for keys, names, hierarchy, relations, levels."""
    bare = strip_extensions(export_case(model, changed=WHEN))
    back = import_case(bare).model
    lang = model.default_language
    # order: depth-first in CASE (parents first), siblings in the model's order
    assert sorted(c.key for c in back.competencies) == sorted(c.key for c in model.competencies)
    for parent in [None, *(c.key for c in model.competencies)]:
        assert [c.key for c in back.children(parent)] == [c.key for c in model.children(parent)]
    for old in model.competencies:
        new = back.competency(old.key)
        assert new.name.get(lang, default_language=lang) == model.text(old.name)
        assert new.parent == old.parent
        assert typed_links(new) == own_links(old)  # related, references, associations
        # scale keys travel in the extension only: without it the rubrics keep their order
        old_index = [s.key for s in model.scales].index(old.scale)
        assert [s.key for s in back.scales].index(new.scale) == old_index
        assert {lv: [model.text(i.text) for i in inds] for lv, inds in old.indicators.items()} == {
            lv: [i.text.get(lang, default_language=lang) for i in inds]
            for lv, inds in new.indicators.items()
        }
        assert {lv: model.text(d) for lv, d in old.level_descriptions.items()} == {
            lv: d.get(lang, default_language=lang) for lv, d in new.level_descriptions.items()
        }
    assert len(back.scales) == len(model.scales)
    for old_s, new_s in zip(model.scales, back.scales, strict=True):
        assert new_s.values == old_s.values
        assert [model.text(lv.label) for lv in old_s.levels] == [
            lv.label.get(lang, default_language=lang) for lv in new_s.levels
        ]


# -- identifiers --------------------------------------------------------------------------------
@settings(max_examples=8)
@given(model=competency_models(), other_time=st.datetimes(timezones=st.just(dt.UTC)))
def test_identifiers_are_stable_and_depend_only_on_keys(
    model: cc.CompetencyModel, other_time: dt.datetime
) -> None:
    first = export_case(model, changed=WHEN)
    assert export_case(model, changed=WHEN) == first  # deterministic
    renamed = model.model_copy(
        update={
            "name": cc.text("Another name"),
            "version": "9.9.9",
            "competencies": tuple(
                c.model_copy(update={"name": cc.text(f"Renamed {i}"), "definition": None})
                for i, c in enumerate(model.competencies)
            ),
        }
    )
    assert identifiers(export_case(renamed, changed=other_time)) == identifiers(first)
    ids = identifiers(first)
    assert all(uuid.UUID(i).version == 5 for i in ids)
    item_ids = {i["identifier"] for i in first["CFItems"]}
    assert item_ids == {case_identifier(model.key, "competency", c.key) for c in model.competencies}


def test_identifiers_change_with_the_model_key(se_model: cc.CompetencyModel) -> None:
    other = se_model.model_copy(update={"key": "another-ladder"})
    assert identifiers(export_case(other, changed=WHEN)).isdisjoint(
        identifiers(export_case(se_model, changed=WHEN))
    )


# -- real packages --------------------------------------------------------------------------------
@pytest.fixture
def opensalt(shared_data: Path) -> dict[str, Any]:
    folder = shared_data / "case"
    missing = [n for n in OPENSALT if not (folder / n).is_file()]
    if missing:
        pytest.skip(f"OpenSALT packages missing from {folder}: {missing}")
    return {n: json.loads((folder / n).read_text(encoding="utf-8")) for n in OPENSALT}


@pytest.mark.parametrize("name", OPENSALT)
def test_real_opensalt_packages_import_into_valid_models(
    opensalt: dict[str, Any], name: str, tmp_path: Path
) -> None:
    package = opensalt[name]
    result = import_case(package)
    model = result.model
    assert len(model.competencies) == len(package["CFItems"])
    assert [s.key for s in model.scales] == [ACHIEVEMENT_SCALE.key]
    assert not [n for n in result.notes if n.severity == "error"]
    # the model is valid as a file too, and re-imports identically through our own CASE
    cc.save_model(model, tmp_path / "m.yaml")
    assert cc.load_model(tmp_path / "m.yaml") == model
    assert import_case(export_case(model, changed=WHEN)).model == model
    # every item keeps its CASE identity, and the document its own
    kept = {(c.case.identifier, c.case.uri) for c in model.competencies if c.case is not None}
    assert kept == {(i["identifier"], i["uri"]) for i in package["CFItems"]}
    assert model.case is not None
    assert model.case.identifier == package["CFDocument"]["identifier"]


def test_smartlevel_hierarchy(opensalt: dict[str, Any]) -> None:
    model = import_case(opensalt["opensalt_SmartLevelFramework.json"]).model
    names = {c.key: model.text(c.name) for c in model.competencies}
    tops = [names[c.key] for c in model.children(None)]
    assert tops == ["Item 1", "Item 2"]
    item1 = model.children(None)[0].key
    assert [names[c.key] for c in model.children(item1)] == [f"Item 1.{i}" for i in range(1, 11)]
    assert model.key == "smartlevel-test"


def test_ordering_follows_natural_code_order(opensalt: dict[str, Any]) -> None:
    model = import_case(opensalt["opensalt_Ordering.json"]).model
    level1 = model.competency("H.A.MATH.GM.PF.2DFP.L1")
    codes = [c.key for c in model.children(level1.key)]
    assert codes == [f"H.A.MATH.GM.PF.2DFP.L1.{i}" for i in range(1, 25)]
    assert model.text(model.competency("H.A.MATH.GM").name) == "Geometry and Measurement"
    assert model.metadata.owner == "ACT, Inc."


def test_sample_framework_maps_all_five_association_types(opensalt: dict[str, Any]) -> None:
    package = opensalt["opensalt_sample_framework_20c5134f.json"]
    kinds = {a["associationType"] for a in package["CFAssociations"]}
    assert kinds == {"isChildOf", "exactMatchOf", "precedes", "exemplar", "isRelatedTo"}
    model = import_case(package).model
    base = "http://opensalt-staging.opened.com/uri/"
    ratio = model.competency("CCSS.Math.Content.6.RP.A.3")
    assert ratio.parent == "CCSS.Math.Content.6.RP.A"  # isChildOf
    # precedes between two items: kept with its type (it used to become a bare relation)
    assert ("precedes", "CCSS.Math.Content.7.RP.A.3", None) in typed_links(ratio)
    cluster = model.competency("CCSS.Math.Content.6.RP.A")
    links = typed_links(cluster)
    assert ("exactMatchOf", base + "5b6c487e-04f1-5ba9-9722-d099849b9167", None) in links
    # exemplar: OpenSALT's wrapped URL is kept as written, so a re-export writes it back
    (exemplar,) = [u for k, u, _ in links if k == "exemplar"]
    assert exemplar.startswith(base + "https://www.illustrativemathematics.org/")
    a2 = model.competency("CCSS.Math.Content.6.RP.A.2")
    assert any(k == "precedes" for k, _, _ in typed_links(a2))  # precedes an outside node
    related = [(c.key, t) for c in model.competencies for t, _, _ in typed_links(c)]
    assert sum(t == "isRelatedTo" for _, t in related) == 2
    assert model.status == cc.LifecycleStatus.DRAFT  # adoptionStatus "Draft"
    note = model.competency("CCSS.Math.Content.7.RP.A.1")
    assert note.case is not None
    assert note.case.notes is not None
    assert note.case.notes.startswith("For example")
    assert note.case.education_level == ("07",)
    assert note.case.item_type == note.category == "Standard"
    assert model.case is not None
    assert [t.title for t in model.case.item_types] == ["Cluster", "Standard", "Component"]


def test_markdown_framework_keeps_statements(opensalt: dict[str, Any]) -> None:
    model = import_case(opensalt["opensalt_MarkdownFramework.json"]).model
    table = model.competency("MD.Table")
    assert "| Column 1 | Column 2 |" in model.text(table.definition)
    assert "\n" not in model.text(table.name)


def test_case_1_0_packages_do_not_pass_the_1_1_schema(
    opensalt: dict[str, Any], case_schema: Path
) -> None:
    """The validator is real: a CASE 1.0 package has fields 1.1 does not allow."""
    problems = validate_case(opensalt["opensalt_sample_framework_20c5134f.json"], case_schema)
    assert problems
    assert any("CFItems" in p.path for p in problems)


# -- mistakes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("package", "where"),
    [
        ([], ""),
        ({"CFItems": []}, "CFDocument"),
        (
            {"CFDocument": {"title": "x"}, "CFItems": [{"fullStatement": "no id"}]},
            "CFItems[0].identifier",
        ),
        ({"CFDocument": {"title": "x"}, "CFItems": "not a list"}, "CFItems"),
    ],
)
def test_malformed_packages_are_reported_with_paths(package: Any, where: str) -> None:
    with pytest.raises(cc.ModelValidationError) as info:
        import_case(package)
    assert where in [p.path for p in info.value.problems]


def test_broken_json_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(cc.ModelValidationError, match="not a CASE package"):
        read_case(bad)


def test_second_parents_and_cycles_become_child_of_associations() -> None:
    def item(i: str) -> dict[str, Any]:
        return {
            "identifier": i,
            "uri": f"urn:x:{i}",
            "fullStatement": f"Item {i}",
            "lastChangeDateTime": "2020-01-01T00:00:00Z",
        }

    def child(a: str, b: str, n: int) -> dict[str, Any]:
        return {
            "identifier": f"as{n}",
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": a, "uri": f"urn:x:{a}", "title": a},
            "destinationNodeURI": f"urn:x:{b}",  # a plain string, as some publishers write
            "sequenceNumber": n,
        }

    package = {
        "CFDocument": {"identifier": "doc", "uri": "urn:x:doc", "title": "Loops", "creator": "t"},
        "CFItems": [item("a"), item("b"), item("c")],
        "CFAssociations": [
            child("a", "b", 1),
            child("b", "a", 2),
            child("c", "a", 3),
            child("c", "b", 4),
        ],
    }
    result = import_case(copy.deepcopy(package))
    m = result.model
    assert m.competency("a").parent == "b"
    assert m.competency("b").parent is None
    assert typed_links(m.competency("b")) == [("isChildOf", "a", 2)]
    assert m.competency("c").parent == "a"
    assert typed_links(m.competency("c")) == [("isChildOf", "b", 4)]
    kept = [e for e in result.report if "outside the hierarchy" in e.reason]
    assert [(e.path, e.action) for e in kept] == [
        ("CFAssociations[1]", "reinterpreted"),
        ("CFAssociations[3]", "reinterpreted"),
    ]
    # and a re-export writes both as isChildOf associations again
    again = export_case(m, changed=WHEN)
    key = {i["identifier"]: i["extensions"]["competencyCore"]["key"] for i in again["CFItems"]}
    child_of = sorted(
        (key[a["originNodeURI"]["identifier"]], key[a["destinationNodeURI"]["identifier"]])
        for a in again["CFAssociations"]
        if a["associationType"] == "isChildOf" and a["destinationNodeURI"]["identifier"] in key
    )
    assert child_of == [
        ("a", "b"),
        ("b", "a"),
        ("c", "a"),
        ("c", "b"),
    ]
