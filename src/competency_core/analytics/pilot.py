"""Pilot group selection: a stratified sample of people, reproducible with a seed.

People are grouped into strata by the values of some of their fields (by default their
role, department and job level). The requested number of people is shared out among the
strata in proportion to their size (largest remainders), with one person per stratum
first whenever the size allows, so that every stratum is represented; within each
stratum people are drawn at random with the seed. The same people, seed and size always
give the same group, whatever order the people are listed in.

>>> from competency_core.testing.samples import sample_workforce
>>> sel = select_pilot(sample_workforce(), 2, by=("role",), seed=1)
>>> sel.size, [s.selected for s in sel.strata]
(2, [1, 1])
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.ratings import AnalyticsError
from competency_core.people import Person, Workforce

DEFAULT_STRATA: tuple[str, ...] = ("role", "department", "job_level")
"""Stratify by role, department and job level unless told otherwise."""

PERSON_FIELDS: tuple[str, ...] = ("role", "department", "team", "job_level", "manager")
"""Fields of :class:`~competency_core.people.Person` to stratify by; ``attributes.NAME``
names one of a person's free-form attributes."""

NONE_VALUE = "(none)"
"""The stratum value of a person who has no value for a field."""


def stratum_value(person: Person, field: str) -> str:
    """A person's value of a stratification field (``(none)`` when empty)."""
    if field.startswith("attributes."):
        value: str | None = person.attributes.get(field.removeprefix("attributes."))
    elif field in PERSON_FIELDS:
        value = getattr(person, field)
    else:
        raise AnalyticsError(
            f"cannot stratify by {field!r}: use {', '.join(PERSON_FIELDS)} or attributes.NAME"
        )
    return value if value else NONE_VALUE


class StratumCoverage(BaseModel):
    """How one stratum is covered by the pilot group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    values: dict[str, str] = Field(description="Field -> value, e.g. {'role': 'engineer'}.")
    population: int = Field(description="People in the stratum.")
    selected: int = Field(description="People of the stratum in the pilot group.")
    expected: float = Field(description="Its proportional share: size x population / total.")
    share: float = Field(description="selected / population.")
    people: tuple[str, ...] = Field(description="The selected people, by key.")

    @property
    def label(self) -> str:
        """The stratum as text, e.g. ``role=engineer, department=Payments``."""
        return ", ".join(f"{k}={v}" for k, v in self.values.items())

    @property
    def represented(self) -> bool:
        """Whether at least one person of the stratum is in the group."""
        return self.selected > 0


class ValueCoverage(BaseModel):
    """How one value of one field (e.g. department=Payments) is covered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    value: str
    population: int
    selected: int
    share_of_population: float = Field(description="Its share of all people.")
    share_of_group: float = Field(description="Its share of the pilot group.")


class PilotSelection(BaseModel):
    """A pilot group with the report of how well it covers the strata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: tuple[str, ...] = Field(description="The fields people were stratified by.")
    seed: int
    size: int
    population: int
    people: tuple[str, ...] = Field(description="The pilot group, by key, in stratum order.")
    strata: tuple[StratumCoverage, ...] = Field(description="Biggest stratum first.")
    values: tuple[ValueCoverage, ...] = Field(description="Coverage of each field's values.")

    @property
    def represented(self) -> int:
        """How many strata have someone in the group."""
        return sum(s.represented for s in self.strata)

    @property
    def coverage(self) -> float:
        """The share of strata represented in the group."""
        return self.represented / len(self.strata) if self.strata else 1.0

    @property
    def missing_strata(self) -> tuple[StratumCoverage, ...]:
        """Strata with nobody in the group (only when the size is below the strata count)."""
        return tuple(s for s in self.strata if not s.represented)


def allocate(populations: Sequence[int], size: int) -> list[int]:
    """Share ``size`` among strata of the given sizes: one each first, then proportionally.

    When ``size`` is at least the number of strata, every stratum gets at least one;
    otherwise the biggest strata get one each. Shares never exceed a stratum's size and
    always add up to ``size`` (largest remainders; ties go to the bigger, then earlier,
    stratum).

    >>> allocate([6, 3, 1], 5)
    [3, 1, 1]
    >>> allocate([6, 3, 1], 2)
    [1, 1, 0]
    """
    total = sum(populations)
    if not 0 <= size <= total:
        raise AnalyticsError(f"cannot select {size} of {total} people")
    order = sorted(range(len(populations)), key=lambda i: (-populations[i], i))
    if size < len(populations):
        out = [0] * len(populations)
        for i in order[:size]:
            out[i] = 1
        return out
    target = [size * p / total for p in populations]
    out = [max(1, min(p, math.floor(t))) for p, t in zip(populations, target, strict=True)]
    while sum(out) < size:
        open_ = [i for i in order if out[i] < populations[i]]
        best = max(open_, key=lambda i: (target[i] - out[i], -order.index(i)))
        out[best] += 1
    while sum(out) > size:
        spare = [i for i in order if out[i] > 1]
        worst = min(spare, key=lambda i: (target[i] - out[i], order.index(i)))
        out[worst] -= 1
    return out


def select_pilot(
    people: Workforce | Iterable[Person],
    size: int,
    *,
    by: Sequence[str] = DEFAULT_STRATA,
    seed: int = 0,
    exclude: Iterable[str] = (),
) -> PilotSelection:
    """Choose a pilot group of ``size`` people, stratified ``by`` some fields (see the module).

    ``exclude`` lists people who must not be chosen (e.g. on leave). Raises
    :class:`AnalyticsError` for a size below 1 or above the number of people, or an
    unknown field.
    """
    fields = tuple(dict.fromkeys(by))
    if not fields:
        raise AnalyticsError("name at least one field to stratify by")
    skip = set(exclude)
    pool = people.people if isinstance(people, Workforce) else tuple(people)
    persons = sorted((p for p in pool if p.key not in skip), key=lambda p: p.key)
    if size < 1:
        raise AnalyticsError(f"a pilot group needs at least one person (size {size})")
    if size > len(persons):
        raise AnalyticsError(
            f"cannot select {size} people: only {len(persons)} are available to choose from"
        )
    groups: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for p in persons:
        groups[tuple(stratum_value(p, f) for f in fields)].append(p)
    keys = sorted(groups, key=lambda k: (-len(groups[k]), k))
    pops = [len(groups[k]) for k in keys]
    shares = allocate(pops, size)
    rng = np.random.default_rng(seed)
    strata: list[StratumCoverage] = []
    chosen: list[str] = []
    for k, pop, n in zip(keys, pops, shares, strict=True):
        members = groups[k]
        picks = sorted(int(i) for i in rng.choice(pop, size=n, replace=False)) if n else []
        picked = tuple(members[i].key for i in picks)
        chosen += picked
        strata.append(
            StratumCoverage(
                values=dict(zip(fields, k, strict=True)),
                population=pop,
                selected=n,
                expected=size * pop / len(persons),
                share=n / pop,
                people=picked,
            )
        )
    return PilotSelection(
        by=fields,
        seed=seed,
        size=size,
        population=len(persons),
        people=tuple(chosen),
        strata=tuple(strata),
        values=_value_coverage(persons, set(chosen), fields),
    )


def _value_coverage(
    persons: Sequence[Person], chosen: set[str], fields: Sequence[str]
) -> tuple[ValueCoverage, ...]:
    out: list[ValueCoverage] = []
    n_chosen = max(1, len(chosen))
    for f in fields:
        pop: dict[str, int] = defaultdict(int)
        sel: dict[str, int] = defaultdict(int)
        for p in persons:
            v = stratum_value(p, f)
            pop[v] += 1
            sel[v] += p.key in chosen
        for v in sorted(pop, key=lambda v: (-pop[v], v)):
            out.append(
                ValueCoverage(
                    field=f,
                    value=v,
                    population=pop[v],
                    selected=sel[v],
                    share_of_population=pop[v] / len(persons),
                    share_of_group=sel[v] / n_chosen,
                )
            )
    return tuple(out)


__all__ = [
    "DEFAULT_STRATA",
    "NONE_VALUE",
    "PERSON_FIELDS",
    "PilotSelection",
    "StratumCoverage",
    "ValueCoverage",
    "allocate",
    "select_pilot",
    "stratum_value",
]
