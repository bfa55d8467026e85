"""The career-ladder importers, on the real published frameworks in ../shared/data/ladders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from competency_core import CompetencyModel, ModelValidationError, dumps, loads_model
from competency_core.importers import (
    check_ft_progression,
    check_snowflake,
    check_unidays,
    import_ft_progression,
    import_snowflake,
    import_unidays,
)

REPO = Path(__file__).resolve().parents[2]
LADDERS = REPO / ".." / "shared" / "data" / "ladders"
FT_DIR = LADDERS / "ft-engineering-progression"
FT_FILES = ["engineering.yml", "engineering-v1.yml", "operations.yml"]
UNIDAYS_DIR = LADDERS / "unidays-competency-framework"
SNOWFLAKE_FILE = LADDERS / "medium-snowflake" / "snowflake-tracks.json"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(
            f"{path.resolve()} is absent: the shared test data (../shared/data/ladders) sits "
            "beside the checkout in CI, not in a user's own clone"
        )
    return path


def strings(value: Any) -> Iterator[str]:
    """Every string value anywhere in plain data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


def model_texts(model: CompetencyModel) -> set[str]:
    return set(strings(model.model_dump(mode="json")))


def round_trips(model: CompetencyModel) -> None:
    for fmt in ("yaml", "json"):
        text = dumps(model, fmt)
        again = loads_model(text, fmt)
        assert again == model, fmt
        assert dumps(again, fmt) == text, fmt


# -- Financial Times engineering progression --------------------------------------------
@pytest.fixture(scope="module", params=FT_FILES)
def ft(request: pytest.FixtureRequest) -> tuple[dict[str, Any], CompetencyModel]:
    path = need(FT_DIR / request.param)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw, import_ft_progression(path)


def test_ft_counts_match_the_source(ft: tuple[dict[str, Any], CompetencyModel]) -> None:
    raw, model = ft
    assert model.name.get() == raw["name"]
    assert [r.key for r in model.roles] == [lv["id"] for lv in raw["levels"]]
    assert [r.title.get() for r in model.roles] == [lv["name"] for lv in raw["levels"]]
    assert [c.key for c in model.competencies] == [t["id"] for t in raw["themes"]]
    assert [c.name.get() for c in model.competencies] == [t["name"] for t in raw["themes"]]
    n_indicators = sum(len(i) for c in model.competencies for i in c.indicators.values())
    assert n_indicators == len(raw["competencies"])
    grades = {lv["id"].removesuffix("-ic").removesuffix("-pm") for lv in raw["levels"]}
    assert len(model.scales) == 1
    assert len(model.scales[0].levels) == len(grades)


def test_ft_every_text_is_kept_in_place(ft: tuple[dict[str, Any], CompetencyModel]) -> None:
    raw, model = ft
    by_key = {
        ind.key: (c.key, level, ind)
        for c in model.competencies
        for level, inds in c.indicators.items()
        for ind in inds
    }
    roles = {r.key: r for r in model.roles}
    for row in raw["competencies"]:
        theme, level, ind = by_key[row["id"]]
        assert theme == row["theme"]
        assert level == roles[row["level"]].level
        assert ind.text.get() == row["summary"].strip()
        assert [e.get() for e in ind.examples] == [e.strip() for e in row.get("examples", [])]
        links = [(u["url"], u.get("label")) for u in row.get("supportingUrls", [])]
        assert list(ind.urls) == [url for url, label in links if not label]
        assert [(k.url, k.label) for k in ind.links] == [(u, lb) for u, lb in links if lb]
        assert ind.attributes == {"proficiency": row["proficiency"]}
    for theme in raw["themes"]:
        definition = model.competency(theme["id"]).definition
        if "summary" in theme:
            assert definition is not None
            assert definition.get() == theme["summary"].strip()
        else:
            assert definition is None
    if "summary" in raw:
        assert model.description is not None
        assert model.description.get() == raw["summary"].strip()
    for field in ("googleSheetId", "isLegacy"):
        if field in raw:
            assert model.metadata.extra[field] == raw[field]


def test_ft_ic_and_pm_tracks_are_preserved(ft: tuple[dict[str, Any], CompetencyModel]) -> None:
    raw, model = ft
    level_track = {}
    for lv in raw["levels"]:
        track = {"-ic": "ic", "-pm": "management"}.get(lv["id"][-3:])
        level_track[lv["id"]] = track
        assert model.role(lv["id"]).track == track
    assert {t.key for t in model.tracks} == {t for t in level_track.values() if t}
    by_key = {i.key: i for c in model.competencies for inds in c.indicators.values() for i in inds}
    for row in raw["competencies"]:
        assert by_key[row["id"]].track == level_track[row["level"]]


def test_ft_roles_require_every_theme_at_their_rank(
    ft: tuple[dict[str, Any], CompetencyModel],
) -> None:
    raw, model = ft
    themes = [t["id"] for t in raw["themes"]]
    for role in model.roles:
        assert [r.competency for r in role.requirements] == themes
        assert all(r.level == role.level and r.essential for r in role.requirements)
        assert model.scale("ft-levels").has_level(role.level or 0)


def test_ft_round_trips(ft: tuple[dict[str, Any], CompetencyModel]) -> None:
    round_trips(ft[1])


def test_ft_engineering_ranks_and_promotions() -> None:
    model = import_ft_progression(need(FT_DIR / "engineering.yml"))
    ranks = {r.key: r.level for r in model.roles}
    assert ranks == {
        "junior": 1,
        "engineer": 2,
        "senior-1": 3,
        "senior-2-ic": 4,
        "senior-2-pm": 4,
        "principal-ic": 5,
        "principal-pm": 5,
        "tech-director": 6,
    }
    assert model.scale("ft-levels").level(4).label.get() == "Senior Engineer 2"
    edges = {(t.source, t.target) for t in model.transitions}
    assert ("senior-2-ic", "principal-ic") in edges
    assert ("senior-2-ic", "principal-pm") not in edges
    assert ("senior-1", "senior-2-pm") in edges
    # both variants at rank 4 carry their own text for the same theme
    tech = model.competency("technical")
    assert {i.track for i in tech.indicators[4]} == {"ic", "management"}
    assert len(tech.indicators_at(4, track="ic")) == 1


def test_ft_malformed_rows_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: Bad\n"
        "levels:\n"
        "  - id: junior\n"
        "    name: Junior\n"
        "  - id: engineer\n"
        "    name: Engineer\n"
        "themes:\n"
        "  - id: tech\n"
        "    name: Technical\n"
        "competencies:\n"
        "  - id: a\n"
        "    level: wizard\n"
        "    theme: tech\n"
        "    summary: Casts spells.\n"
        "  - id: b\n"
        "    level: junior\n"
        "    theme: nope\n"
        "    summary: Does things.\n",
        encoding="utf-8",
    )
    with pytest.raises(ModelValidationError) as info:
        import_ft_progression(bad)
    found = {(p.path, p.line) for p in info.value.errors}
    assert found == {("competencies[0].level", 12), ("competencies[1].theme", 17)}
    assert all(p.file == str(bad) for p in info.value.errors)
    assert "wizard" in str(info.value)


def test_ft_unknown_level_ids_are_ranked_in_file_order(tmp_path: Path) -> None:
    other = tmp_path / "other.yml"
    other.write_text(
        "name: Other\n"
        "levels: [{id: apprentice, name: Apprentice}, {id: lead-ic, name: Lead (IC)},\n"
        "         {id: lead-pm, name: Lead (PM)}]\n"
        "themes: [{id: craft, name: Craft}]\n"
        "competencies:\n"
        "  - {id: r1, level: lead-pm, theme: craft, summary: Leads people., proficiency: Expert}\n",
        encoding="utf-8",
    )
    model = import_ft_progression(other)
    assert {r.key: (r.level, r.track) for r in model.roles} == {
        "apprentice": (1, None),
        "lead-ic": (2, "ic"),
        "lead-pm": (2, "management"),
    }
    assert model.scale("ft-levels").level(2).label.get() == "Lead"
    assert model.competency("craft").indicators[2][0].track == "management"


def test_ft_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    model, problems = check_ft_progression(bad)
    assert model is None
    assert problems
    assert problems[0].file == str(bad)
    with pytest.raises(ModelValidationError):
        import_ft_progression(tmp_path / "absent.yml")


# -- UNiDAYS -----------------------------------------------------------------------------
def walk_roles(node: dict[str, Any], dept: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(family, role) for every role under a department, depth first as in the files."""
    for sub in node.get("departments", []) or []:
        yield from walk_roles(sub, f"{dept}/{sub['path']}")
    for role in node.get("roles", []) or []:
        yield f"{dept}/{role['path']}", role


def walk_departments(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for sub in node.get("departments", []) or []:
        yield sub
        yield from walk_departments(sub)


@pytest.fixture(scope="module")
def unidays_raw() -> dict[str, list[dict[str, Any]]]:
    root = need(UNIDAYS_DIR)
    return {
        folder: [
            json.loads(f.read_text(encoding="utf-8"))
            for f in sorted((root / folder).glob("*.json"))
        ]
        for folder in ("competencies", "roles")
    }


@pytest.fixture(scope="module")
def unidays() -> CompetencyModel:
    return import_unidays(need(UNIDAYS_DIR))


def test_unidays_counts_match_the_source(
    unidays_raw: dict[str, list[dict[str, Any]]], unidays: CompetencyModel
) -> None:
    groups = unidays_raw["competencies"]
    parents = [c for c in unidays.competencies if c.parent is None]
    assert [c.key for c in parents] == [g["path"] for g in groups]
    assert not any(c.assessable for c in parents)
    topics = [c for c in unidays.competencies if c.parent is not None]
    assert len(topics) == sum(len(g["topics"]) for g in groups)
    assert all(c.assessable for c in topics)
    assert len(unidays.scales) == len(groups)
    for g in groups:
        paths = list(dict.fromkeys(lv["path"] for t in g["topics"] for lv in t["levels"]))
        scale = unidays.scale(f"{g['path']}/levels")
        real = [lv for lv in scale.levels if lv.value != 0]
        assert len(real) == len(paths)
        assert unidays.metadata.extra["level_paths"][scale.key] == {
            p: i + 1 for i, p in enumerate(paths)
        }
    raw_roles = [(fam, r) for f in unidays_raw["roles"] for fam, r in walk_roles(f, f["path"])]
    assert len(unidays.roles) == sum(len(r["levels"]) for _, r in raw_roles)
    assert {r.family for r in unidays.roles} == {fam for fam, _ in raw_roles}
    for fam, role in raw_roles:
        mine = [r for r in unidays.roles if r.family == fam]
        assert [r.grade for r in mine] == [lv["path"] for lv in role["levels"]]
        assert [r.level for r in mine] == list(range(1, len(role["levels"]) + 1))
        for r, lv in zip(mine, role["levels"], strict=True):
            comps = lv["competencies"]
            assert sum(q.essential for q in r.requirements) == len(comps.get("required", []))
            assert sum(not q.essential for q in r.requirements) == len(comps.get("optional", []))


def test_unidays_every_text_is_kept(
    unidays_raw: dict[str, list[dict[str, Any]]], unidays: CompetencyModel
) -> None:
    texts = model_texts(unidays)
    expected: list[str] = []
    for g in unidays_raw["competencies"]:
        expected += [g["title"], g.get("summary", "")]
        for t in g["topics"]:
            comp = unidays.competency(f"{g['path']}/{t['path']}")
            assert comp.name.get() == t["title"]
            if t.get("summary", "").strip():
                assert comp.definition is not None
                assert comp.definition.get() == t["summary"].strip()
            else:
                assert comp.definition is None
            scale = unidays.scale(comp.scale)
            for lv in t["levels"]:
                value = unidays.metadata.extra["level_paths"][scale.key][lv["path"]]
                assert scale.level(value).label.get() == lv["title"]
                assert scale.level(value).key == lv["path"]
                got = [i.text.get() for i in comp.indicators.get(value, ())]
                assert got == [c.strip() for c in lv["criteria"]]
                summary = lv.get("summary", "").strip()
                description = comp.level_descriptions.get(value)
                assert (description.get() if description else "") == summary
    for f in unidays_raw["roles"]:
        expected.append(f["title"])
        expected += [d["title"] for d in walk_departments(f)]
        for _, role in walk_roles(f, f["path"]):
            expected += [role["title"], role.get("summary", "")]
            for lv in role["levels"]:
                expected += [lv["title"], lv.get("summary", "")]
    missing = [t for t in expected if t.strip() and t.strip() not in texts]
    assert missing == []


def test_unidays_software_engineer_by_hand(unidays: CompetencyModel) -> None:
    role = unidays.role(
        "product-and-engineering/engineering/software-engineer/junior-software-engineer"
    )
    assert role.title.get() == "👷 Junior Software Engineer"
    assert role.family == "product-and-engineering/engineering/software-engineer"
    assert role.level == 1
    assert role.tags == ("department:product-and-engineering/engineering",)
    essential = {(r.competency, r.level) for r in role.requirements if r.essential}
    desirable = {(r.competency, r.level) for r in role.requirements if not r.essential}
    assert essential == {
        ("core-competencies/delivering-value", 1),
        ("core-competencies/client-focus", 1),
        ("core-competencies/planning-and-organisation", 1),
        ("core-competencies/problem-solving", 1),
        ("core-competencies/communication", 1),
        ("core-competencies/striving-for-success", 2),
        ("core-competencies/team-orientation", 2),
    }
    # "engineering-competencies/software-engineering/n00b": n00b is the group's first level
    assert desirable == {("engineering-competencies/software-engineering", 1)}
    assert unidays.scale("engineering-competencies/levels").level(1).label.get() == "👩‍🎓 n00b"
    lead = unidays.role(
        "product-and-engineering/engineering/software-engineer/lead-software-engineer"
    )
    assert lead.level == 4
    edges = {(t.source, t.target) for t in unidays.transitions}
    assert (role.key, role.key.replace("junior", "mid-level")) in edges


def test_unidays_single_level_groups_and_stray_fields(unidays: CompetencyModel) -> None:
    values = unidays.scale("core-values/levels")
    assert [(lv.value, lv.label.get()) for lv in values.levels] == [
        (0, "Not demonstrated"),
        (1, "Participant"),
    ]
    assert values.proficient == 1
    # the published data puts an "optional" list beside "competencies" on one level (and
    # names a topic that does not exist): kept verbatim, reported as a warning
    unmapped = unidays.metadata.extra["unmapped"]
    assert unmapped == [
        {
            "file": "product-and-engineering.json",
            "path": "departments[0].roles[2].levels[3].optional",
            "value": ["engineering-competencies/test/1337"],
        }
    ]
    _, problems = check_unidays(UNIDAYS_DIR)
    assert [(p.severity, p.path) for p in problems] == [
        ("warning", "departments[0].roles[2].levels[3].optional")
    ]


def test_unidays_round_trips(unidays: CompetencyModel) -> None:
    round_trips(unidays)


def write_unidays(root: Path, refs: list[str]) -> None:
    (root / "competencies").mkdir(parents=True)
    (root / "roles").mkdir()
    group = {
        "title": "Core",
        "path": "core",
        "topics": [
            {
                "title": "Attitude",
                "path": "attitude",
                "levels": [
                    {"title": "One", "path": "1", "criteria": ["Keen"]},
                    {"title": "Two", "path": "2", "criteria": ["Keener"]},
                ],
            }
        ],
    }
    roles = {
        "title": "Team",
        "path": "team",
        "roles": [
            {
                "title": "Dev",
                "path": "dev",
                "levels": [{"title": "Dev 1", "path": "dev-1", "competencies": {"required": refs}}],
            }
        ],
    }
    (root / "competencies" / "core.json").write_text(json.dumps(group), encoding="utf-8")
    (root / "roles" / "team.json").write_text(json.dumps(roles), encoding="utf-8")


def test_unidays_unknown_references_are_located(tmp_path: Path) -> None:
    write_unidays(
        tmp_path, ["core/attitude/2", "core/attitude/9", "core/grit/1", "ops/x/1", "core"]
    )
    with pytest.raises(ModelValidationError) as info:
        import_unidays(tmp_path)
    errors = info.value.errors
    assert [p.path for p in errors] == [
        f"roles[0].levels[0].competencies.required[{i}]" for i in (1, 2, 3, 4)
    ]
    assert all(p.file == str(tmp_path / "roles" / "team.json") for p in errors)
    messages = " | ".join(p.message for p in errors)
    for part in (
        "no level '9'",
        "no topic 'grit'",
        "unknown competency group 'ops'",
        "group/topic/level",
    ):
        assert part in messages


def test_unidays_small_valid_folder(tmp_path: Path) -> None:
    write_unidays(tmp_path, ["core/attitude/2"])
    model = import_unidays(tmp_path)
    assert model.role("team/dev/dev-1").requirements[0].level == 2
    assert model.competency("core/attitude").indicators[1][0].text.get() == "Keen"


def test_unidays_missing_folders(tmp_path: Path) -> None:
    model, problems = check_unidays(tmp_path)
    assert model is None
    assert {Path(p.file or "").name for p in problems} == {"competencies", "roles"}


def test_unidays_malformed_json(tmp_path: Path) -> None:
    write_unidays(tmp_path, [])
    (tmp_path / "competencies" / "core.json").write_text('{"title": "Core", "topics": [1]}')
    model, problems = check_unidays(tmp_path)
    assert model is None
    assert any(p.path == "topics[0]" and "mapping" in p.message for p in problems)


# -- Medium snowflake ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def snowflake() -> tuple[dict[str, Any], CompetencyModel]:
    path = need(SNOWFLAKE_FILE)
    return json.loads(path.read_text(encoding="utf-8")), import_snowflake(path)


def test_snowflake_counts_and_texts(snowflake: tuple[dict[str, Any], CompetencyModel]) -> None:
    raw, model = snowflake
    assert [c.key for c in model.competencies] == list(raw["tracks"])
    assert [lv.value for lv in model.scales[0].levels] == raw["milestones"]
    for tid, track in raw["tracks"].items():
        comp = model.competency(tid)
        assert comp.name.get() == track["displayName"]
        assert comp.definition is not None
        assert comp.definition.get() == track["description"]
        assert comp.category == track["category"]
        assert len(comp.indicators) == len(track["milestones"])
        for value, step in zip(raw["milestones"][1:], track["milestones"], strict=True):
            first, *signals = comp.indicators[value]
            assert first.text.get() == step["summary"]
            assert [e.get() for e in first.examples] == step["examples"]
            assert [s.text.get() for s in signals] == step["signals"]
    assert [r.title.get() for r in model.roles] == [t["label"] for t in raw["titles"]]
    for field in ("milestoneToPoints", "pointsToLevels", "maxLevel", "titles", "_note"):
        assert model.metadata.extra[field] == raw[field]


def test_snowflake_tracks(snowflake: tuple[dict[str, Any], CompetencyModel]) -> None:
    _, model = snowflake
    tracks = {r.key: r.track for r in model.roles}
    assert tracks["engineer-i"] is None
    assert tracks["senior-engineer"] == "ic"
    assert tracks["group-lead"] == "management"
    assert tracks["director-of-engineering"] == "management"
    assert model.role("staff-engineer").level == model.role("senior-group-lead").level == 4


def test_snowflake_round_trips(snowflake: tuple[dict[str, Any], CompetencyModel]) -> None:
    round_trips(snowflake[1])


def test_snowflake_wrong_milestone_count(tmp_path: Path) -> None:
    bad = tmp_path / "tracks.json"
    step = {"summary": "s", "signals": [], "examples": []}
    bad.write_text(
        json.dumps(
            {
                "milestones": [0, 1, 2],
                "tracks": {"MOBILE": {"displayName": "Mobile", "milestones": [step]}},
                "titles": [],
            }
        )
    )
    model, problems = check_snowflake(bad)
    assert model is None
    assert [(p.path, p.file) for p in problems] == [("tracks.MOBILE.milestones", str(bad))]
