"""What every publication of a model shares: reading order, level labels, page names.

The workbook, the handbook and the guides all walk a model the same way: competencies
depth-first in the order the model lists them (parents before children), roles in model
order, texts resolved in one language. :class:`ModelOutline` computes that once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from competency_core.competencies import BehaviouralIndicator, Competency
from competency_core.model import CompetencyModel
from competency_core.roles import Requirement, RoleProfile, Transition
from competency_core.scales import ProficiencyScale
from competency_core.text import LocalizedText

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")


def page_slug(key: str) -> str:
    """A file-name and anchor friendly form of a key, distinct for distinct keys.

    Keys may hold ``:`` and ``/``, which are escaped (``~c`` and ``~s``); ``~`` is not a
    key character, so the escaping is one to one.

    >>> page_slug("system-design"), page_slug("15-1252.00"), page_slug("esco:skill/1")
    ('system-design', '15-1252.00', 'esco~cskill~s1')
    """
    return _UNSAFE_IN_NAME.sub(
        lambda m: {":": "~c", "/": "~s"}.get(m.group(0), f"~{ord(m.group(0)):x}"), key
    )


@dataclass(frozen=True)
class OutlineEntry:
    """A competency in reading order, with its depth in the hierarchy (0 at the top)."""

    competency: Competency
    depth: int


@dataclass
class ModelOutline:
    """A model prepared for publishing in one language (see the module docs)."""

    model: CompetencyModel
    language: str | None = None

    # -- texts -----------------------------------------------------------------------
    def text(self, value: LocalizedText | None) -> str:
        """A text in the outline's language (with the model's fallback); '' for None."""
        return self.model.text(value, self.language)

    def name(self, competency: str) -> str:
        """The name of a competency."""
        return self.text(self.model.competency(competency).name)

    def title(self, role: str) -> str:
        """The title of a role."""
        return self.text(self.model.role(role).title)

    @property
    def lang(self) -> str:
        """The language code the outline writes in."""
        return self.language or self.model.default_language

    # -- order -----------------------------------------------------------------------
    @cached_property
    def entries(self) -> tuple[OutlineEntry, ...]:
        """Every competency depth-first (parents before children, siblings in model order)."""
        children: dict[str | None, list[Competency]] = defaultdict(list)
        for c in self.model.competencies:
            children[c.parent].append(c)
        out: list[OutlineEntry] = []
        stack: list[tuple[Competency, int]] = [(c, 0) for c in reversed(children[None])]
        while stack:
            comp, depth = stack.pop()
            out.append(OutlineEntry(comp, depth))
            stack += [(c, depth + 1) for c in reversed(children[comp.key])]
        return tuple(out)

    @cached_property
    def children(self) -> dict[str | None, tuple[Competency, ...]]:
        """Parent key (None for the top) -> its child competencies in model order."""
        groups: dict[str | None, list[Competency]] = defaultdict(list)
        for c in self.model.competencies:
            groups[c.parent].append(c)
        return {k: tuple(v) for k, v in groups.items()}

    def ancestors(self, competency: str) -> tuple[Competency, ...]:
        """The parent chain of a competency, from the top down."""
        chain: list[Competency] = []
        parent = self.model.competency(competency).parent
        while parent is not None:
            comp = self.model.competency(parent)
            chain.append(comp)
            parent = comp.parent
        return tuple(reversed(chain))

    @cached_property
    def level_values(self) -> tuple[int, ...]:
        """Every level value used by any scale, ascending (the dictionary's columns)."""
        return tuple(sorted({v for s in self.model.scales for v in s.values}))

    def scale(self, competency: str) -> ProficiencyScale:
        """The scale a competency is measured on."""
        return self.model.scale_of(competency)

    def level_label(self, competency: str, value: int) -> str:
        """The label of a level of a competency's scale, e.g. 'Practitioner'."""
        key = (competency, value)
        found = self._level_labels.get(key)
        if found is None:
            scale = self.scale(competency)
            found = self.text(scale.level(value).label) if scale.has_level(value) else str(value)
            self._level_labels[key] = found
        return found

    @cached_property
    def _level_labels(self) -> dict[tuple[str, int], str]:
        """(competency, level) -> its label, remembered (a big handbook asks 60,000 times)."""
        return {}

    def indicators(
        self, competency: Competency, level: int, track: str | None = None
    ) -> tuple[BehaviouralIndicator, ...]:
        """The indicators of a competency at a level (for ``track``: those of any track too)."""
        return competency.indicators_at(level, track)

    # -- page names ------------------------------------------------------------------
    @cached_property
    def _page_names(self) -> dict[tuple[str, str], str]:
        out: dict[tuple[str, str], str] = {}
        kinds = (
            ("competency", [c.key for c in self.model.competencies]),
            ("role", [r.key for r in self.model.roles]),
        )
        for kind, keys in kinds:
            taken: set[str] = set()  # case-insensitive file systems: 'A' and 'a' collide
            for key in keys:
                base = name = page_slug(key)
                n = 2
                while name.lower() in taken:
                    name, n = f"{base}~{n}", n + 1
                taken.add(name.lower())
                out[kind, key] = name
        return out

    def page_name(self, kind: str, key: str) -> str:
        """The file stem (and anchor) of a competency's or a role's page, unique per kind."""
        return self._page_names[kind, key]

    def track_name(self, key: str | None) -> str:
        """The name of a track ('' for None; the key when the model does not declare it)."""
        if key is None:
            return ""
        for t in self.model.tracks:
            if t.key == key:
                return self.text(t.name)
        return key

    # -- roles -----------------------------------------------------------------------
    @cached_property
    def requirements_by_competency(self) -> dict[str, dict[str, Requirement]]:
        """Competency key -> role key -> the role's requirement on it."""
        out: dict[str, dict[str, Requirement]] = defaultdict(dict)
        for r in self.model.roles:
            for q in r.requirements:
                out[q.competency][r.key] = q
        return dict(out)

    def roles_requiring(self, competency: str) -> list[tuple[RoleProfile, Requirement]]:
        """The roles that require a competency, in model order, with their requirement."""
        reqs = self.requirements_by_competency.get(competency, {})
        roles = self._roles_by_key
        # requirements_by_competency is filled role by role, so its order is the model's
        return [(roles[key], q) for key, q in reqs.items()]

    @cached_property
    def _roles_by_key(self) -> dict[str, RoleProfile]:
        return {r.key: r for r in self.model.roles}

    def sorted_requirements(self, role: RoleProfile) -> list[Requirement]:
        """A role's requirements: essential first, then by weight (heaviest first), then order."""
        indexed = list(enumerate(role.requirements))
        indexed.sort(key=lambda p: (not p[1].essential, -p[1].weight, p[0]))
        return [q for _, q in indexed]

    def scales_of(self, role: RoleProfile) -> tuple[str, ...]:
        """The keys of the scales a role's requirements are rated on, in requirement order."""
        return tuple(dict.fromkeys(self.scale(q.competency).key for q in role.requirements))

    def transitions_from(self, role: str) -> list[Transition]:
        """Declared moves out of a role."""
        return [t for t in self.model.transitions if t.source == role]

    def transitions_to(self, role: str) -> list[Transition]:
        """Declared moves into a role."""
        return [t for t in self.model.transitions if t.target == role]

    def role_families(self) -> Iterator[tuple[str, list[RoleProfile]]]:
        """Roles grouped by family (in order of first appearance; '' for no family)."""
        groups: dict[str, list[RoleProfile]] = {}
        for r in self.model.roles:
            groups.setdefault(r.family or "", []).append(r)
        yield from groups.items()


__all__ = ["ModelOutline", "OutlineEntry", "page_slug"]
