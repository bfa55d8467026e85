"""Import ESCO occupations and their essential / optional skills as a career model.

ESCO (the European Skills, Competences, Qualifications and Occupations classification)
says which skills an occupation needs, *essential* or *optional*, but gives neither
proficiency levels nor links between occupations. :func:`import_esco` reads a folder with
``ict_occupation_skill_relations_en.csv`` (columns ``occupationUri``, ``occupationLabel``,
``iscoGroup``, ``relationType``, ``skillLabel``) and, when present, ``ISCOGroups_en.csv``
(ISCO group codes and labels) into a :class:`~competency_core.CompetencyModel`:

- each skill becomes a competency keyed from its label (``computer-programming``), on the
  two-level scale the importer declares, ``esco-held``: 0 "not shown", 1 "held";
- each occupation becomes a role keyed from its label; its ISCO sub-major group (the
  group code's first two digits, e.g. ``25`` "Information and communications technology
  professionals") gives the family, its ESCO URI goes into the role's tags (``esco:<id>``)
  and ``EscoImport.uris``;
- each relation becomes a requirement at level 1: ``essential`` ones essential with
  weight 2, ``optional`` ones desirable with weight 1.

Without declared transitions, the career graph comes from requirement overlap:
:meth:`EscoImport.career_graph` adds suggested transitions (see
:class:`~competency_core.careers.SuggestionSettings`).
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from competency_core.errors import ModelValidationError, Problem
from competency_core.model import CompetencyModel

if TYPE_CHECKING:
    from competency_core.careers.graph import CareerGraph, SuggestionSettings

MODEL_KEY = "esco-ict"
RELATIONS = "ict_occupation_skill_relations_en.csv"
ISCO_GROUPS = "ISCOGroups_en.csv"
ESCO_ATTRIBUTION = (
    "Contains ESCO classification data, (c) European Union, https://esco.ec.europa.eu, "
    "reused under the Commission's reuse policy (Decision 2011/833/EU)."
)
SCALE_KEY = "esco-held"
ESSENTIAL_WEIGHT = 2.0
OPTIONAL_WEIGHT = 1.0
_COLUMNS = ("occupationUri", "occupationLabel", "iscoGroup", "relationType", "skillLabel")


def esco_key(label: str) -> str:
    """A readable key for an ESCO label.

    >>> esco_key("ICT security engineer"), esco_key("C++"), esco_key("C#")
    ('ict-security-engineer', 'c-plus-plus', 'c-sharp')
    """
    spelled = label.lower().replace("+", " plus ").replace("#", " sharp ")
    return re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")


def _unique_keys(labels: list[str]) -> dict[str, str]:
    """A distinct key per label (a suffix ``-2``, ``-3`` ... where two labels share one)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for label in sorted(set(labels)):
        base = key = esco_key(label) or "skill"
        n = 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        taken.add(key)
        out[label] = key
    return out


@dataclass(frozen=True)
class EscoImport:
    """What :func:`import_esco` read: the model, each role's ESCO URI, located problems."""

    model: CompetencyModel
    uris: dict[str, str]
    """Role key -> the occupation's ESCO URI."""
    problems: tuple[Problem, ...]
    source: Path

    def career_graph(self, settings: SuggestionSettings | None = None) -> CareerGraph:
        """The career graph of the import: suggested transitions from skill overlap.

        ESCO declares no transitions, so every edge is suggested (default threshold 0.3,
        three per role: ESCO profiles are binary and overlap less than rated ones).
        """
        from competency_core.careers.graph import CareerGraph, SuggestionSettings

        chosen = settings or SuggestionSettings(threshold=0.3, per_role=3)
        return CareerGraph.from_model(self.model, suggest=chosen)


def _isco_labels(path: Path, problems: list[Problem]) -> dict[str, str]:
    if not path.is_file():
        return {}
    labels: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), 2):
            code, label = row.get("code"), row.get("preferredLabel")
            if code is None or label is None:
                problems.append(
                    Problem(
                        path="",
                        message="missing column 'code' or 'preferredLabel'",
                        file=str(path),
                        line=line,
                        severity="warning",
                    )
                )
                return labels
            labels[code] = label
    return labels


def import_esco(directory: str | os.PathLike[str]) -> EscoImport:
    """Import ESCO occupation-skill relations (see the module docs) as a model.

    Raises :class:`ModelValidationError` listing every problem (file and line) when the
    relations file is missing or malformed.
    """
    root = Path(directory)
    path = root / RELATIONS
    if not path.is_file():
        problem = Problem(
            path="", message=f"no {RELATIONS!r} here: not an ESCO folder", file=str(root)
        )
        raise ModelValidationError([problem], f"{root}: not an ESCO folder")
    problems: list[Problem] = []
    isco = _isco_labels(root / ISCO_GROUPS, problems)
    occupations: dict[str, tuple[str, str]] = {}
    needs: dict[str, dict[str, bool]] = defaultdict(dict)
    both_ways = 0
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            problems.append(
                Problem(path="", message=f"missing columns {missing}", file=str(path), line=1)
            )
        else:
            for line, row in enumerate(reader, 2):
                kind = row["relationType"].strip()
                if kind not in ("essential", "optional"):
                    problems.append(
                        Problem(
                            path="relationType",
                            message=f"{kind!r} is not 'essential' or 'optional'",
                            file=str(path),
                            line=line,
                        )
                    )
                    continue
                uri, label = row["occupationUri"].strip(), row["occupationLabel"].strip()
                skill = row["skillLabel"].strip()
                if not (uri and label and skill):
                    problems.append(
                        Problem(
                            path="",
                            message="an occupation URI, occupation label and skill label are needed",
                            file=str(path),
                            line=line,
                        )
                    )
                    continue
                occupations.setdefault(uri, (label, row["iscoGroup"].strip()))
                before = needs[uri].get(skill)
                both_ways += before is not None and before != (kind == "essential")
                # a skill listed both ways counts as essential
                needs[uri][skill] = bool(before) or kind == "essential"
    if any(p.severity == "error" for p in problems):
        raise ModelValidationError(problems, f"{path}: the ESCO relations are malformed")
    if both_ways:
        problems.append(
            Problem(
                path="",
                message=f"{both_ways} occupation-skill relations are listed both essential and "
                "optional; they are imported as essential",
                file=str(path),
                severity="info",
                code="esco-both-ways",
            )
        )
    skills = _unique_keys([skill for need in needs.values() for skill in need])

    keys: dict[str, str] = {}
    taken: set[str] = set()
    for uri, (label, _) in sorted(occupations.items(), key=lambda o: (o[1][0], o[0])):
        key = esco_key(label)
        if key in taken:
            key = f"{key}-{uri.rsplit('/', 1)[-1][:8]}"
        taken.add(key)
        keys[uri] = key
    roles: list[dict[str, Any]] = []
    for uri, (label, group) in sorted(occupations.items(), key=lambda o: keys[o[0]]):
        major = group[:2]
        roles.append(
            {
                "key": keys[uri],
                "title": label,
                "family": isco.get(major, f"ISCO {major}" if major else None),
                "grade": f"ISCO {group}" if group else None,
                "tags": ["esco", f"esco:{uri.rsplit('/', 1)[-1]}"]
                + ([f"isco-{group}"] if group else []),
                "requirements": [
                    {
                        "competency": skills[skill],
                        "level": 1,
                        "weight": ESSENTIAL_WEIGHT if essential else OPTIONAL_WEIGHT,
                        "essential": essential,
                    }
                    for skill, essential in sorted(needs[uri].items(), key=lambda n: skills[n[0]])
                ],
            }
        )
    model = CompetencyModel.model_validate(
        {
            "key": MODEL_KEY,
            "name": "ESCO ICT occupations",
            "description": f"Occupations and skills from the ESCO files in {root.name}. "
            + ESCO_ATTRIBUTION,
            "metadata": {"source": str(root), "extra": {"attribution": ESCO_ATTRIBUTION}},
            "scales": [
                {
                    "key": SCALE_KEY,
                    "name": "ESCO skill held",
                    "description": "ESCO gives no proficiency levels: a skill is held or not.",
                    "proficient": 1,
                    "levels": [
                        {"value": 0, "label": "not shown"},
                        {"value": 1, "label": "held"},
                    ],
                }
            ],
            "competencies": [
                {"key": key, "name": name, "scale": SCALE_KEY, "domain": "skill"}
                for name, key in sorted(skills.items(), key=lambda s: s[1])
            ],
            "roles": roles,
        }
    )
    uris = {keys[u]: u for u in occupations}
    return EscoImport(model, uris, tuple(problems), root)


def is_esco_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding ESCO occupation-skill relations."""
    return (Path(path) / RELATIONS).is_file()


__all__ = [
    "ESCO_ATTRIBUTION",
    "MODEL_KEY",
    "RELATIONS",
    "EscoImport",
    "esco_key",
    "import_esco",
    "is_esco_folder",
]
