"""An independent reading of a framework file the way Moodle's tool_lpimportcsv reads it.

Written from ../shared/moodle/lpimportcsv_format.md, with the standard csv module only (not
the adapter's reader), so the tests check the adapter's files against the format rather than
against the adapter's own understanding of it. Anything Moodle would refuse raises
``AssertionError``; anything Moodle would silently drop is an ``AssertionError`` too,
because an export that loses rows in Moodle is a broken export.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]
TAXONOMIES = {
    "behaviour",
    "competency",
    "concept",
    "domain",
    "indicator",
    "level",
    "outcome",
    "practice",
    "proficiency",
    "skill",
    "value",
}
RULE_TYPES = {"", "core_competency\\competency_rule_all", "core_competency\\competency_rule_points"}


@dataclass
class MoodleScale:
    """A scale as Moodle's importer resolves it: its items and its configuration."""

    items: list[str]
    default: list[int]
    proficient: list[int]


@dataclass
class MoodleCompetency:
    """A competency Moodle would create."""

    idnumber: str
    shortname: str
    description: str
    descriptionformat: int
    parent: str | None
    scale: MoodleScale | None
    related: list[str]
    children: list[str] = field(default_factory=list)


@dataclass
class MoodleFramework:
    """What Moodle's importer would create from a file."""

    idnumber: str
    shortname: str
    description: str
    scale: MoodleScale
    taxonomies: list[str]
    competencies: dict[str, MoodleCompetency]
    order: list[str]
    """The depth-first creation order."""


def _php_truthy(value: str) -> bool:
    return value not in ("", "0")


def _scale(values: str, config: str, where: str) -> MoodleScale:
    items = values.split(",")
    assert all(items), f"{where}: empty scale item in {values!r}"
    parsed: Any = json.loads(config)
    assert isinstance(parsed, list), f"{where}: the scale configuration is not a JSON array"
    assert parsed, f"{where}: the scale configuration is empty"
    assert "scaleid" in parsed[0], f"{where}: element 0 must hold the scaleid"
    default, proficient = [], []
    for item in parsed[1:]:
        assert set(item) == {"id", "scaledefault", "proficient"}, f"{where}: {item}"
        assert 1 <= int(item["id"]) <= len(items), f"{where}: item id out of range: {item}"
        assert item["scaledefault"] in (0, 1), item
        assert item["proficient"] in (0, 1), item
        if item["scaledefault"]:
            default.append(int(item["id"]))
        if item["proficient"]:
            proficient.append(int(item["id"]))
    assert default, f"{where}: errorscaleconfiguration (no default item)"
    assert proficient, f"{where}: errorscaleconfiguration (no proficient item)"
    return MoodleScale(items=items, default=default, proficient=proficient)


def moodle_reads(
    path: Path, *, delimiter: str = ",", encoding: str = "utf-8-sig"
) -> MoodleFramework:
    """Read ``path`` as Moodle would, checking every rule of the format on the way."""
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    header, body = rows[0], [r for r in rows[1:] if r]
    assert header == HEADER, header
    for n, row in enumerate(body, 2):
        assert len(row) == 14, f"row {n} has {len(row)} cells"
    frameworks = [r for r in body if _php_truthy(r[12])]
    assert len(frameworks) == 1, "exactly one framework row"
    fw = frameworks[0]
    assert fw[12] != "false"
    assert fw[0] == ""
    assert fw[1]
    assert fw[2]
    assert len(fw[1]) <= 100
    assert len(fw[2]) <= 100
    assert fw[5], "the framework row needs scale values"
    fw_scale = _scale(fw[5], fw[6], "framework")
    taxonomies = fw[13].split(",") if fw[13] else []
    assert set(taxonomies) <= TAXONOMIES, taxonomies
    assert int(fw[4]) in (0, 1, 2, 4)

    rows_by_id: dict[str, list[str]] = {}
    for row in body:
        if row is fw:
            continue
        assert row[1] not in rows_by_id, f"duplicate idnumber {row[1]!r} (Moodle overwrites)"
        rows_by_id[row[1]] = row
    comps: dict[str, MoodleCompetency] = {}
    for idnumber, row in rows_by_id.items():
        where = f"competency {idnumber!r}"
        assert idnumber, f"{where}: Moodle skips an empty idnumber"
        assert row[2], f"{where}: Moodle skips an empty short name"
        assert len(idnumber) <= 100, where
        assert len(row[2]) <= 100, where
        assert row[0] == "" or row[0] in rows_by_id, f"{where}: unknown parent, silently dropped"
        assert int(row[4]) in (0, 1, 2, 4), where
        assert row[7] in RULE_TYPES, where
        if row[8]:
            assert int(row[8]) in (0, 1, 2, 3), where
        if row[9] and row[9] != "null":
            json.loads(row[9])
        if row[5]:
            scale: MoodleScale | None = _scale(row[5], row[6], where)
        else:
            assert not row[6], f"{where}: a configuration without scale values"
            scale = None
        related = [r.replace("%2C", ",") for r in row[10].split(",") if r]
        comps[idnumber] = MoodleCompetency(
            idnumber=idnumber,
            shortname=row[2],
            description=row[3],
            descriptionformat=int(row[4]),
            parent=row[0] or None,
            scale=scale,
            related=[r for r in related if r in rows_by_id],
        )
    for c in comps.values():
        if c.parent:
            comps[c.parent].children.append(c.idnumber)
    order: list[str] = []

    def walk(keys: list[str]) -> None:
        for k in keys:
            order.append(k)
            walk(comps[k].children)

    walk([k for k, c in comps.items() if c.parent is None])
    assert sorted(order) == sorted(comps), "a cycle: Moodle never reaches some rows"
    return MoodleFramework(
        idnumber=fw[1],
        shortname=fw[2],
        description=fw[3],
        scale=fw_scale,
        taxonomies=taxonomies,
        competencies=comps,
        order=order,
    )
