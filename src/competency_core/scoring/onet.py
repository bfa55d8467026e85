"""O*NET skill ratings as role profiles: occupations become roles, skills requirements.

O*NET (https://www.onetcenter.org, CC BY 4.0) rates every occupation on 35 skills with an
Importance (``IM``, 1-5) and a Level (``LV``, 0-7). :func:`load_onet_skill_profiles` reads
the database's tab-delimited text files (``Skills.txt``, and when present ``Occupation
Data.txt``, ``Content Model Reference.txt`` and ``Level Scale Anchors.txt``) into a
:class:`~competency_core.CompetencyModel`. It is small on purpose: the careers importer
builds on it (related occupations as transitions, knowledge areas...).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from competency_core.errors import CompetencyError
from competency_core.model import CompetencyModel

ONET_LEVEL_SCALE = "onet-level"
"""Key of the 0-7 level scale the loader declares."""

ONET_LICENSE = "CC-BY-4.0"
ONET_ATTRIBUTION = (
    "Includes information from the O*NET Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license. "
    "O*NET is a trademark of USDOL/ETA."
)


def read_onet_table(path: str | os.PathLike[str]) -> Iterator[dict[str, str]]:
    """Rows of an O*NET tab-delimited text file, as dicts keyed by its header."""
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def skill_key(name: str) -> str:
    """A readable key for an O*NET element name.

    >>> skill_key("Operations Analysis"), skill_key("Mathematics")
    ('operations-analysis', 'mathematics')
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _flag(row: dict[str, str], column: str) -> bool:
    return row.get(column, "").strip().upper() == "Y"


def _round_level(value: float) -> int:
    return min(7, max(0, math.floor(value + 0.5)))


def _optional(directory: Path, name: str) -> list[dict[str, str]]:
    path = directory / name
    return list(read_onet_table(path)) if path.is_file() else []


def load_onet_skill_profiles(
    directory: str | os.PathLike[str],
    *,
    occupations: Collection[str] | None = None,
    essential_importance: float = 3.0,
    key: str = "onet-skills",
) -> CompetencyModel:
    """A model with one role per rated occupation and one competency per skill.

    - Roles are keyed by O*NET-SOC code (``15-1252.00``), titled from ``Occupation
      Data.txt``; ``family`` is the SOC major group (``soc-15``).
    - Competencies are keyed by the skill's name (``critical-thinking``), with an ``onet``
      reference to the element id, the definition and the level anchors as indicators
      when the files are there; ``domain`` is ``basic`` (2.A) or ``cross-functional``
      (2.B), ``category`` the element group (e.g. "Social Skills").
    - A requirement's level is the LV rating rounded (half up) onto the declared 0-7 scale
      :data:`ONET_LEVEL_SCALE`, its weight the IM rating (1-5), and it is essential when
      IM >= ``essential_importance`` (3.0 is O*NET's own cut-off of 50 on its 0-100
      importance scale).
    - Ratings flagged "Recommend Suppress" = Y (too imprecise) are skipped, and so are LV
      ratings flagged "Not Relevant" = Y (the skill does not apply to the occupation); a
      skill needs both a usable LV and a usable IM rating to become a requirement.

    ``occupations`` limits the roles to those SOC codes. Raises
    :class:`~competency_core.errors.CompetencyError` when ``Skills.txt`` is missing.
    """
    folder = Path(directory)
    skills_file = folder / "Skills.txt"
    if not skills_file.is_file():
        raise CompetencyError(f"{skills_file} not found: point at an O*NET text-format folder")
    wanted = set(occupations) if occupations is not None else None
    ratings: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[str, str] = {}
    for row in read_onet_table(skills_file):
        soc, element, scale = row["O*NET-SOC Code"], row["Element ID"], row["Scale ID"]
        if wanted is not None and soc not in wanted:
            continue
        names[element] = row["Element Name"]
        if scale not in ("IM", "LV") or _flag(row, "Recommend Suppress"):
            continue
        if scale == "LV" and _flag(row, "Not Relevant"):
            continue
        ratings[soc][element][scale] = float(row["Data Value"])

    titles = {r["O*NET-SOC Code"]: r["Title"] for r in _optional(folder, "Occupation Data.txt")}
    content = {r["Element ID"]: r for r in _optional(folder, "Content Model Reference.txt")}
    anchors: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in _optional(folder, "Level Scale Anchors.txt"):
        if r["Element ID"] in names and r["Scale ID"] == "LV":
            anchors[r["Element ID"]][int(float(r["Anchor Value"]))].append(r["Anchor Description"])

    elements = sorted(names)
    keys = {e: skill_key(names[e]) for e in elements}
    competencies: list[dict[str, Any]] = []
    for e in elements:
        group = content.get(".".join(e.split(".")[:3]))
        competencies.append(
            {
                "key": keys[e],
                "name": names[e],
                "definition": content[e]["Description"] if e in content else None,
                "domain": "basic" if e.startswith("2.A") else "cross-functional",
                "category": group["Element Name"] if group else None,
                "scale": ONET_LEVEL_SCALE,
                "indicators": dict(sorted(anchors[e].items())),
                "references": [{"scheme": "onet", "uri": e, "label": names[e]}],
            }
        )
    roles: list[dict[str, Any]] = []
    for soc in sorted(ratings):
        reqs = [
            {
                "competency": keys[e],
                "level": _round_level(r["LV"]),
                "weight": r["IM"],
                "essential": r["IM"] >= essential_importance,
            }
            for e, r in sorted(ratings[soc].items())
            if "LV" in r and "IM" in r
        ]
        if reqs:
            roles.append(
                {
                    "key": soc,
                    "title": titles.get(soc, soc),
                    "family": f"soc-{soc[:2]}",
                    "requirements": reqs,
                    "tags": ["onet"],
                }
            )
    return CompetencyModel.model_validate(
        {
            "key": key,
            "name": "O*NET skill profiles",
            "description": ONET_ATTRIBUTION,
            "metadata": {"source": str(folder), "license": ONET_LICENSE},
            "scales": [
                {
                    "key": ONET_LEVEL_SCALE,
                    "name": "O*NET level (0-7)",
                    "proficient": 4,
                    "levels": [{"value": v, "label": f"Level {v}"} for v in range(8)],
                }
            ],
            "competencies": competencies,
            "roles": roles,
        }
    )


__all__ = [
    "ONET_ATTRIBUTION",
    "ONET_LEVEL_SCALE",
    "ONET_LICENSE",
    "load_onet_skill_profiles",
    "read_onet_table",
    "skill_key",
]
