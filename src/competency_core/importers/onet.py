"""Import the O*NET database (its published tab-delimited text layout) as a career model.

O*NET describes about a thousand US occupations. :func:`import_onet` reads a release
folder (``Occupation Data.txt``, ``Skills.txt``, ``Knowledge.txt``, ``Related
Occupations.txt`` and, when present, ``Job Zones.txt``, ``Level Scale Anchors.txt`` and
``Content Model Reference.txt``) into a :class:`~competency_core.CompetencyModel`:

- each skill and knowledge element becomes a competency, keyed like the scoring loader
  :func:`load_onet_skill_profiles` keys skills (``critical-thinking``; a knowledge area
  whose name a skill already uses gets ``-knowledge``: ``mathematics-knowledge``), with
  the element id as an ``onet`` reference and the level anchors as indicators;
- each occupation that has ratings or related-occupation links becomes a role keyed by
  its O*NET-SOC code; the SOC major group (the code's first two digits) gives the family
  (``Computer and Mathematical``, tag ``soc-15``) and the job zone gives the level;
- each rating becomes a requirement: the level comes from O*NET's 0-7 Level scale (LV)
  onto the scale the importer declares (0 to 7 in steps of ``1/resolution``), the weight
  is the 1-5 Importance (IM), and it is essential when IM >= ``essential_importance``;
- each related-occupation link becomes a ``related`` transition; its tier and rank are
  kept in :attr:`OnetImport.related` (and in the transition's note) and become edge
  attributes of :meth:`OnetImport.career_graph`.

Real data has holes: occupations that are linked but have no ratings become roles
without requirements (tag ``not-rated``), listed in :attr:`OnetImport.unrated`; the career
queries say "not rated" for them rather than guess.
"""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from competency_core.errors import ModelValidationError, Problem
from competency_core.model import CompetencyModel
from competency_core.scoring.onet import (
    ONET_ATTRIBUTION,
    ONET_LEVEL_SCALE,
    ONET_LICENSE,
    load_onet_skill_profiles,
    read_onet_table,
    skill_key,
)

if TYPE_CHECKING:
    from competency_core.careers.graph import CareerGraph

MODEL_KEY = "onet"

SOC_MAJOR_GROUPS: dict[str, str] = {
    "11": "Management",
    "13": "Business and Financial Operations",
    "15": "Computer and Mathematical",
    "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science",
    "21": "Community and Social Service",
    "23": "Legal",
    "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical",
    "31": "Healthcare Support",
    "33": "Protective Service",
    "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service",
    "41": "Sales and Related",
    "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry",
    "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair",
    "51": "Production",
    "53": "Transportation and Material Moving",
    "55": "Military Specific",
}
"""SOC 2018 major groups: the first two digits of an O*NET-SOC code -> the group's title."""

_OCCUPATIONS = "Occupation Data.txt"
_SKILLS = "Skills.txt"
_KNOWLEDGE = "Knowledge.txt"
_RELATED = "Related Occupations.txt"
_JOB_ZONES = "Job Zones.txt"
_ANCHORS = "Level Scale Anchors.txt"
_CONTENT = "Content Model Reference.txt"
_CODE = "O*NET-SOC Code"


@dataclass(frozen=True, slots=True)
class RelatedOccupation:
    """One related-occupation link: O*NET's tier (``Primary-Short``...) and rank (1 = closest)."""

    source: str
    target: str
    tier: str
    rank: int


@dataclass(frozen=True, slots=True)
class UnratedOccupation:
    """A linked occupation without skill or knowledge ratings (imported without requirements)."""

    code: str
    title: str
    links_in: int
    links_out: int


@dataclass(frozen=True)
class OnetImport:
    """What :func:`import_onet` read: the model, the links with tier and rank, and the holes."""

    model: CompetencyModel
    related: tuple[RelatedOccupation, ...]
    unrated: tuple[UnratedOccupation, ...]
    problems: tuple[Problem, ...]
    source: Path

    def transition_data(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Extra edge attributes per ``(source, target)``: ``tier`` and ``rank``."""
        return {(r.source, r.target): {"tier": r.tier, "rank": r.rank} for r in self.related}

    def career_graph(self, **options: Any) -> CareerGraph:
        """The career graph of the import, with ``tier`` and ``rank`` on every edge.

        ``options`` go to :meth:`CareerGraph.from_model
        <competency_core.careers.CareerGraph.from_model>` (e.g. ``suggest=True``).
        """
        from competency_core.careers.graph import CareerGraph

        return CareerGraph.from_model(self.model, edge_data=self.transition_data(), **options)


class _Files:
    """Reads O*NET's tab-delimited files with line numbers, collecting located problems."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []

    def add(self, name: str, message: str, line: int | None = None, **kw: Any) -> None:
        file = str(self.directory / name)
        self.problems.append(Problem(path="", message=message, file=file, line=line, **kw))

    def rows(
        self, name: str, columns: tuple[str, ...], required: bool = True
    ) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.directory / name
        if not path.is_file():
            if required:
                self.add(name, f"missing: {name} is one of the O*NET files this importer reads")
            return
        for line, row in enumerate(read_onet_table(path), 2):
            missing = [c for c in columns if row.get(c) is None]
            if missing:
                self.add(name, f"missing columns {missing}", line=line)
                return
            yield line, row

    def number(self, name: str, line: int, text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.add(name, f"{text!r} is not a number", line=line)
            return None
        return value


def _flag(row: dict[str, str], column: str) -> bool:
    return row.get(column, "").strip().upper() == "Y"


@dataclass
class _Rating:
    level: float | None = None
    importance: float | None = None


def _read_ratings(
    files: _Files,
    name: str,
    domain: str,
    ratings: dict[str, dict[str, _Rating]],
    elements: dict[str, tuple[str, str]],
) -> None:
    cols = (_CODE, "Element ID", "Element Name", "Scale ID", "Data Value")
    for line, row in files.rows(name, cols):
        scale = row["Scale ID"]
        elements.setdefault(row["Element ID"], (row["Element Name"], domain))
        if scale not in ("IM", "LV") or _flag(row, "Recommend Suppress"):
            continue
        if scale == "LV" and _flag(row, "Not Relevant"):
            continue
        value = files.number(name, line, row["Data Value"])
        if value is None:
            continue
        rating = ratings[row[_CODE]].setdefault(row["Element ID"], _Rating())
        if scale == "LV":
            rating.level = value
        else:
            rating.importance = value


def level_scale(resolution: int = 10) -> dict[str, Any]:
    """The scale the importer declares: O*NET's 0-7 Level in steps of ``1/resolution``.

    >>> s = level_scale(10)
    >>> s["key"], len(s["levels"]), s["levels"][35]["label"]
    ('onet-level-x10', 71, '3.5')
    >>> level_scale(1)["key"]
    'onet-level'
    """
    digits = len(str(resolution)) - 1

    def label(v: int) -> str:
        return f"{v / resolution:.{digits}f}"

    return {
        "key": ONET_LEVEL_SCALE if resolution == 1 else f"{ONET_LEVEL_SCALE}-x{resolution}",
        "name": "O*NET level (0-7)",
        "description": f"O*NET's Level scale (LV, 0-7) in steps of {label(1)}; what a level "
        "means is given per element by its anchors (2, 4 and 6).",
        "proficient": 4 * resolution,
        "levels": [{"value": v, "label": label(v)} for v in range(7 * resolution + 1)],
    }


def _element_keys(elements: dict[str, tuple[str, str]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for element, (name, domain) in sorted(elements.items(), key=lambda e: (e[1][1] != "skill", e)):
        key = skill_key(name)
        if key in taken:
            key = f"{key}-{domain}"
        taken.add(key)
        keys[element] = key
    return keys


def _competencies(
    files: _Files, elements: dict[str, tuple[str, str]], keys: dict[str, str], scale: dict[str, Any]
) -> list[dict[str, Any]]:
    resolution = (len(scale["levels"]) - 1) // 7
    anchors: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    cols = ("Element ID", "Scale ID", "Anchor Value", "Anchor Description")
    for line, row in files.rows(_ANCHORS, cols, required=False):
        if row["Scale ID"] == "LV" and row["Element ID"] in elements:
            value = files.number(_ANCHORS, line, row["Anchor Value"])
            if value is not None and 0 <= value <= 7:
                level = round(value * resolution)
                anchors[row["Element ID"]][level].append(row["Anchor Description"])
    content = {
        row["Element ID"]: row
        for _, row in files.rows(_CONTENT, ("Element ID", "Element Name"), required=False)
    }
    out = []
    for element, (name, domain) in sorted(elements.items()):
        group = content.get(".".join(element.split(".")[:3]))
        description = content.get(element, {}).get("Description")
        comp: dict[str, Any] = {
            "key": keys[element],
            "name": name,
            "domain": domain,
            "scale": scale["key"],
            "references": [{"scheme": "onet", "uri": element, "label": name}],
        }
        if description:
            comp["definition"] = description
        if group and group["Element ID"] != element:
            comp["category"] = group["Element Name"]
        if element in anchors:
            comp["indicators"] = dict(sorted(anchors[element].items()))
        out.append(comp)
    return out


def _requirements(
    ratings: dict[str, _Rating], keys: dict[str, str], resolution: int, essential: float
) -> list[dict[str, Any]]:
    out = []
    for element, r in sorted(ratings.items()):
        if r.level is None or r.importance is None:
            continue
        level = min(7 * resolution, max(0, math.floor(r.level * resolution + 0.5)))
        if level == 0:
            continue  # a requirement at the scale's minimum asks for nothing
        out.append(
            {
                "competency": keys[element],
                "level": level,
                "weight": max(r.importance, 1.0),
                "essential": r.importance >= essential,
            }
        )
    return out


def _related(files: _Files) -> list[RelatedOccupation]:
    out = []
    cols = (_CODE, "Related O*NET-SOC Code", "Relatedness Tier", "Index")
    for line, row in files.rows(_RELATED, cols):
        rank = files.number(_RELATED, line, row["Index"])
        if rank is not None:
            out.append(
                RelatedOccupation(
                    row[_CODE], row["Related O*NET-SOC Code"], row["Relatedness Tier"], int(rank)
                )
            )
    return out


def _report_holes(
    files: _Files, unrated: tuple[UnratedOccupation, ...], unused: int, unknown: list[str]
) -> None:
    for code in unknown:
        files.add(
            _OCCUPATIONS,
            f"occupation {code} is rated or linked but not listed; its code is its title",
            severity="warning",
        )
    if unrated:
        files.add(
            _RELATED,
            f"{len(unrated)} linked occupations have no skill or knowledge ratings; they are "
            "imported as roles without requirements and the career queries report them as "
            f"not rated: {', '.join(u.code for u in unrated)}",
            severity="warning",
            code="onet-unrated",
        )
    if unused:
        files.add(
            _OCCUPATIONS,
            f"{unused} listed occupations have neither ratings nor links and were not imported",
            severity="info",
            code="onet-unused",
        )


def import_onet(
    directory: str | os.PathLike[str],
    *,
    resolution: int = 10,
    essential_importance: float = 3.0,
    knowledge: bool = True,
    transitions: bool = True,
) -> OnetImport:
    """Import an O*NET release folder (text layout) as a model with its career links.

    ``resolution`` is the number of scale steps per O*NET level point: 10 (the default)
    gives levels 0.0 to 7.0 in tenths on scale ``onet-level-x10``; 1 gives whole levels on
    ``onet-level``, the scale of :func:`load_onet_skill_profiles`. Ratings flagged
    "Recommend Suppress" and levels flagged "Not Relevant" are skipped, as the scoring
    loader does. ``knowledge=False`` leaves out the knowledge areas; ``transitions=False``
    leaves out the related occupations (and so the linked occupations without ratings).

    Raises :class:`ModelValidationError` listing every problem when a file is missing or
    malformed; holes in the data are warnings in :attr:`OnetImport.problems`.
    """
    if resolution < 1:
        raise ValueError("resolution must be at least 1")
    root = Path(directory)
    if not (root / _OCCUPATIONS).is_file():
        problem = Problem(
            path="", message=f"no {_OCCUPATIONS!r} here: not an O*NET folder", file=str(root)
        )
        raise ModelValidationError([problem], f"{root}: not an O*NET folder")
    files = _Files(root)
    occupations = {
        row[_CODE]: (row["Title"], row["Description"])
        for _, row in files.rows(_OCCUPATIONS, (_CODE, "Title", "Description"))
    }
    ratings: dict[str, dict[str, _Rating]] = defaultdict(dict)
    elements: dict[str, tuple[str, str]] = {}
    _read_ratings(files, _SKILLS, "skill", ratings, elements)
    if knowledge:
        _read_ratings(files, _KNOWLEDGE, "knowledge", ratings, elements)
    related = _related(files) if transitions else []
    zones: dict[str, int] = {}
    for line, row in files.rows(_JOB_ZONES, (_CODE, "Job Zone"), required=False):
        zone = files.number(_JOB_ZONES, line, row["Job Zone"])
        if zone is not None:
            zones[row[_CODE]] = int(zone)
    if any(p.severity == "error" for p in files.problems):
        raise ModelValidationError(files.problems, f"{root}: the O*NET files are malformed")

    keys = _element_keys(elements)
    scale = level_scale(resolution)
    rated = {code for code, r in ratings.items() if r}
    codes = sorted(rated | {r.source for r in related} | {r.target for r in related})
    roles = []
    for code in codes:
        title, description = occupations.get(code, (code, ""))
        group = code[:2]
        role: dict[str, Any] = {
            "key": code,
            "title": title,
            "family": SOC_MAJOR_GROUPS.get(group, f"SOC {group}"),
            "tags": [f"soc-{group}", "onet"] + ([] if code in rated else ["not-rated"]),
            "requirements": _requirements(
                ratings.get(code, {}), keys, resolution, essential_importance
            ),
        }
        if description:
            role["summary"] = description
        if code in zones:
            role["level"] = zones[code]
            role["grade"] = f"Job Zone {zones[code]}"
        roles.append(role)

    links_in = Counter(r.target for r in related)
    links_out = Counter(r.source for r in related)
    unrated = tuple(
        UnratedOccupation(c, occupations.get(c, (c, ""))[0], links_in[c], links_out[c])
        for c in codes
        if c not in rated
    )
    unknown = [c for c in codes if c not in occupations]
    _report_holes(files, unrated, len(set(occupations) - set(codes)), unknown)
    model = CompetencyModel.model_validate(
        {
            "key": MODEL_KEY,
            "name": "O*NET occupations",
            "description": f"Occupations, skills and knowledge from the O*NET files in {root.name}. "
            + ONET_ATTRIBUTION,
            "metadata": {
                "source": str(root),
                "license": ONET_LICENSE,
                "extra": {"attribution": ONET_ATTRIBUTION, "resolution": resolution},
            },
            "scales": [scale],
            "competencies": _competencies(files, elements, keys, scale),
            "roles": roles,
            "transitions": [
                {
                    "source": r.source,
                    "target": r.target,
                    "kind": "related",
                    "note": f"O*NET related occupation: {r.tier}, rank {r.rank}",
                }
                for r in related
            ],
        }
    )
    return OnetImport(model, tuple(related), unrated, tuple(files.problems), root)


def is_onet_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding O*NET's text files (``Occupation Data.txt``)."""
    return (Path(path) / _OCCUPATIONS).is_file()


__all__ = [
    "MODEL_KEY",
    "SOC_MAJOR_GROUPS",
    "OnetImport",
    "RelatedOccupation",
    "UnratedOccupation",
    "import_onet",
    "is_onet_folder",
    "level_scale",
    "load_onet_skill_profiles",
]
