"""Proficiency scales and mappings between them."""

from __future__ import annotations

import itertools
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator

from competency_core.errors import ScaleMappingError
from competency_core.keys import Key
from competency_core.text import LocalizedText


class ProficiencyLevel(BaseModel):
    """One level of a scale: an integer value, a label, a description and anchors."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    value: int = Field(description="The level's integer value; higher means more proficient.")
    key: str | None = Field(
        default=None, description="An optional name for the level used by a source framework."
    )
    label: LocalizedText = Field(description="Short name of the level, e.g. 'Practitioner'.")
    description: LocalizedText | None = Field(
        default=None, description="What the level means in general terms."
    )
    anchors: tuple[LocalizedText, ...] = Field(
        default=(),
        description="Behavioural anchors: observable examples that place someone at this level.",
    )


class ProficiencyScale(BaseModel):
    """An ordered set of levels, and the level from which someone counts as proficient.

    >>> s = ProficiencyScale(key="five", name="Five-point", proficient=3,
    ...     levels=[{"value": v, "label": str(v)} for v in range(1, 6)])
    >>> s.normalise(3)
    0.5
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    name: LocalizedText
    description: LocalizedText | None = None
    levels: tuple[ProficiencyLevel, ...] = Field(
        min_length=2, description="The levels in ascending order of value (at least two)."
    )
    proficient: int = Field(description="The value of the first level that counts as proficient.")

    @model_validator(mode="after")
    def _check_levels(self) -> ProficiencyScale:
        values = [lv.value for lv in self.levels]
        if len(set(values)) != len(values):
            dup = sorted({v for v in values if values.count(v) > 1})
            raise ValueError(f"level values must be unique; repeated: {dup}")
        if values != sorted(values):
            raise ValueError(f"levels must be listed in ascending order of value; got {values}")
        if self.proficient not in values:
            raise ValueError(f"proficient={self.proficient} is not one of the levels {values}")
        return self

    @cached_property
    def values(self) -> tuple[int, ...]:
        """The level values in ascending order."""
        return tuple(lv.value for lv in self.levels)

    @property
    def min_value(self) -> int:
        """The lowest level value."""
        return self.levels[0].value

    @property
    def max_value(self) -> int:
        """The highest level value."""
        return self.levels[-1].value

    def has_level(self, value: int) -> bool:
        """Whether ``value`` is a level of this scale."""
        return value in self.values

    def level(self, value: int) -> ProficiencyLevel:
        """The level with this value; :class:`ScaleMappingError` if there is none."""
        for lv in self.levels:
            if lv.value == value:
                return lv
        raise ScaleMappingError(f"{value} is not a level of scale {self.key!r} {list(self.values)}")

    def normalise(self, value: float) -> float:
        """Map a level value to [0, 1]: ``(value - min) / (max - min)``."""
        lo, hi = self.min_value, self.max_value
        return (value - lo) / (hi - lo)

    def next_level(self, value: int) -> ProficiencyLevel | None:
        """The level above ``value`` (or None at the top)."""
        for lv in self.levels:
            if lv.value > value:
                return lv
        return None


class ScaleMapping(BaseModel):
    """Converts levels of one scale to levels of another (e.g. a 1-5 scale to SFIA's 1-7).

    ``levels`` maps each source value to a target value; the mapping must not reverse the
    order of levels (a higher source level never maps to a lower target level).
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    source: Key = Field(description="Key of the scale that levels are converted from.")
    target: Key = Field(description="Key of the scale that levels are converted to.")
    levels: dict[int, int] = Field(description="Source level value -> target level value.")

    @model_validator(mode="after")
    def _check_monotone(self) -> ScaleMapping:
        if not self.levels:
            raise ValueError("a scale mapping needs at least one pair of levels")
        pairs = sorted(self.levels.items())
        for (s1, t1), (s2, t2) in itertools.pairwise(pairs):
            if t2 < t1:
                raise ValueError(
                    f"the mapping reverses the order of levels: {s1}->{t1} but {s2}->{t2}"
                )
        return self

    def convert(self, value: int) -> int:
        """The target level for a source level; :class:`ScaleMappingError` when unmapped."""
        try:
            return self.levels[value]
        except KeyError:
            raise ScaleMappingError(
                f"level {value} of scale {self.source!r} has no counterpart on "
                f"scale {self.target!r} (mapped levels: {sorted(self.levels)})"
            ) from None


__all__ = ["ProficiencyLevel", "ProficiencyScale", "ScaleMapping"]
