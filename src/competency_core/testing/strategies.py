"""Hypothesis strategies that generate valid, cross-referenced competency-core objects.

Every keyword argument takes either a plain value or a strategy, so callers pin what
matters to their test and let the rest vary::

    from hypothesis import given
    from competency_core.testing import strategies as cst

    @given(cst.competency_models(n_roles=3, languages=["en", "sv"]))
    def test_my_export(model): ...

Only valid objects come out: keys are unique, every reference resolves, levels are on
their scales, and hierarchies are acyclic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from competency_core.competencies import BehaviouralIndicator, Competency, ExternalReference
from competency_core.learning import Development, LearningResource
from competency_core.model import CompetencyModel, LifecycleStatus, ModelMetadata
from competency_core.roles import Requirement, RoleProfile, Track, Transition, TransitionKind
from competency_core.scales import ProficiencyLevel, ProficiencyScale, ScaleMapping
from competency_core.text import LocalizedText

T = TypeVar("T")

ValueOrStrategy: TypeAlias = T | SearchStrategy[T]


def _st(value: Any) -> SearchStrategy[Any]:
    """A strategy for ``value``: itself if it is a strategy, else ``just(value)``."""
    return value if isinstance(value, SearchStrategy) else st.just(value)


def _count(value: int | tuple[int, int] | SearchStrategy[int]) -> SearchStrategy[int]:
    if isinstance(value, tuple):
        return st.integers(value[0], value[1])
    return _st(value)


_WORD = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N"), exclude_characters="\x00"),
    min_size=1,
    max_size=12,
)
_PLAIN = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "Zs", "P"), exclude_characters="\x00"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


def keys(prefix: str = "k") -> SearchStrategy[str]:
    """Valid keys such as ``k-3f`` (letters, digits and ``- _ . : /``)."""
    return st.from_regex(r"[a-z0-9]{1,6}([-_.][a-z0-9]{1,6}){0,2}", fullmatch=True).map(
        lambda s: f"{prefix}-{s}"
    )


def localized_texts(
    languages: ValueOrStrategy[list[str] | tuple[str, ...]] = ("en",),
    *,
    plain_when_single: ValueOrStrategy[bool] = st.booleans(),
) -> SearchStrategy[LocalizedText]:
    """Texts in every one of ``languages`` (a plain string when only one and allowed)."""

    @st.composite
    def build(draw: st.DrawFn) -> LocalizedText:
        langs = list(draw(_st(languages)))
        if len(langs) == 1 and draw(_st(plain_when_single)):
            return LocalizedText(draw(_PLAIN))
        return LocalizedText({lang: draw(_PLAIN) for lang in langs})

    return build()


def scales(
    *,
    key: ValueOrStrategy[str] = keys("scale"),
    n_levels: int | tuple[int, int] | SearchStrategy[int] = (2, 7),
    start: ValueOrStrategy[int] = st.integers(-2, 3),
    step: ValueOrStrategy[int] = st.integers(1, 3),
    languages: ValueOrStrategy[list[str] | tuple[str, ...]] = ("en",),
) -> SearchStrategy[ProficiencyScale]:
    """Proficiency scales with ``n_levels`` ascending levels and a valid proficient level."""

    @st.composite
    def build(draw: st.DrawFn) -> ProficiencyScale:
        n = draw(_count(n_levels))
        first, inc = draw(_st(start)), draw(_st(step))
        values = [first + i * inc for i in range(n)]
        levels = tuple(
            ProficiencyLevel(
                value=v,
                label=draw(localized_texts(languages)),
                description=draw(st.none() | localized_texts(languages)),
                anchors=tuple(draw(st.lists(localized_texts(languages), max_size=2))),
            )
            for v in values
        )
        return ProficiencyScale(
            key=draw(_st(key)),
            name=draw(localized_texts(languages)),
            levels=levels,
            proficient=draw(st.sampled_from(values)),
        )

    return build()


def _unique_keys(draw: st.DrawFn, prefix: str, n: int) -> list[str]:
    return draw(st.lists(keys(prefix), min_size=n, max_size=n, unique=True))


@st.composite
def _model(
    draw: st.DrawFn,
    *,
    key: Any,
    n_scales: Any,
    n_competencies: Any,
    n_roles: Any,
    n_tracks: Any,
    requirements_per_role: Any,
    languages: Any,
    hierarchy: Any,
    transitions: Any,
    learning: Any,
    status: Any,
    version: Any,
) -> CompetencyModel:
    langs = list(draw(_st(languages)))
    texts = localized_texts(langs)
    maybe_text = st.none() | texts
    scale_keys = _unique_keys(draw, "scale", draw(_count(n_scales)))
    model_scales = [draw(scales(key=k, languages=langs)) for k in scale_keys]
    by_key = {s.key: s for s in model_scales}

    track_keys = _unique_keys(draw, "track", draw(_count(n_tracks)))
    model_tracks = [Track(key=k, name=draw(texts)) for k in track_keys]

    comp_keys = _unique_keys(draw, "comp", draw(_count(n_competencies)))
    comp_scale = {k: draw(st.sampled_from(scale_keys)) for k in comp_keys}
    use_hierarchy = draw(_st(hierarchy))
    comps: list[Competency] = []
    for i, ck in enumerate(comp_keys):
        sc = by_key[comp_scale[ck]]
        # a parent is always an earlier competency: the hierarchy is acyclic by construction
        parent = draw(st.none() | st.sampled_from(comp_keys[:i])) if use_hierarchy and i else None
        indicator_levels = draw(st.lists(st.sampled_from(sc.values), unique=True))
        indicators = {
            lv: tuple(
                BehaviouralIndicator(
                    text=draw(texts),
                    track=draw(st.none() | st.sampled_from(track_keys)) if track_keys else None,
                    examples=tuple(draw(st.lists(texts, max_size=1))),
                )
                for _ in range(draw(st.integers(1, 2)))
            )
            for lv in sorted(indicator_levels)
        }
        described = draw(st.lists(st.sampled_from(sc.values), unique=True, max_size=2))
        level_descriptions = {lv: draw(texts) for lv in sorted(described)}
        others = [k for k in comp_keys if k != ck]
        related = (
            tuple(draw(st.lists(st.sampled_from(others), unique=True, max_size=2)))
            if others
            else ()
        )
        comps.append(
            Competency(
                key=ck,
                name=draw(texts),
                definition=draw(maybe_text),
                domain=draw(st.sampled_from(["technical", "behavioural", "leadership"])),
                parent=parent,
                scale=sc.key,
                indicators=indicators,
                level_descriptions=level_descriptions,
                related=related,
                references=tuple(
                    draw(
                        st.lists(
                            st.builds(
                                ExternalReference,
                                scheme=st.sampled_from(["esco", "onet", "case"]),
                                uri=_WORD.map(lambda w: f"urn:x:{w}"),
                            ),
                            max_size=1,
                        )
                    )
                ),
            )
        )

    role_keys = _unique_keys(draw, "role", draw(_count(n_roles)))
    roles: list[RoleProfile] = []
    for i, rk in enumerate(role_keys):
        n_req = min(draw(_count(requirements_per_role)), len(comp_keys))
        req_comps = (
            draw(st.lists(st.sampled_from(comp_keys), min_size=n_req, max_size=n_req, unique=True))
            if n_req
            else []
        )
        reqs = tuple(
            Requirement(
                competency=c,
                level=draw(st.sampled_from(by_key[comp_scale[c]].values)),
                weight=draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])),
                essential=draw(st.booleans()),
            )
            for c in req_comps
        )
        roles.append(
            RoleProfile(
                key=rk,
                title=draw(texts),
                family=draw(st.sampled_from(["engineering", "sales", "operations"])),
                grade=f"L{i + 1}",
                level=i + 1,
                track=draw(st.none() | st.sampled_from(track_keys)) if track_keys else None,
                summary=draw(maybe_text),
                requirements=reqs,
            )
        )

    model_transitions: list[Transition] = []
    if draw(_st(transitions)) and len(role_keys) > 1:
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(role_keys), st.sampled_from(role_keys)).filter(
                    lambda p: p[0] != p[1]
                ),
                unique=True,
                max_size=2 * len(role_keys),
            )
        )
        model_transitions = [
            Transition(
                source=a,
                target=b,
                kind=draw(st.sampled_from(list(TransitionKind))),
                typical_months=draw(st.none() | st.integers(6, 48)),
            )
            for a, b in pairs
        ]

    mappings: list[ScaleMapping] = []
    if len(model_scales) > 1:
        src, tgt = model_scales[0], model_scales[1]
        # a monotone mapping: spread source levels over target levels in order
        mapped = {
            v: tgt.values[round(j * (len(tgt.values) - 1) / max(1, len(src.values) - 1))]
            for j, v in enumerate(src.values)
        }
        mappings.append(ScaleMapping(source=src.key, target=tgt.key, levels=mapped))

    resources: list[LearningResource] = []
    if draw(_st(learning)) and comp_keys:
        for rk in _unique_keys(draw, "res", draw(st.integers(0, 4))):
            devs = draw(st.lists(st.sampled_from(comp_keys), min_size=1, max_size=3, unique=True))
            resources.append(
                LearningResource(
                    key=rk,
                    title=draw(texts),
                    develops=tuple(
                        Development(
                            competency=c,
                            to_level=draw(st.sampled_from(by_key[comp_scale[c]].values)),
                        )
                        for c in devs
                    ),
                    hours=draw(
                        st.none() | st.floats(0.5, 80, allow_nan=False).map(lambda h: round(h, 1))
                    ),
                    cost=draw(st.none() | st.integers(0, 5000).map(float)),
                )
            )

    return CompetencyModel(
        key=draw(_st(key)),
        name=draw(texts),
        description=draw(maybe_text),
        version=draw(_st(version)),
        status=draw(_st(status)),
        default_language=langs[0],
        languages=tuple(langs) if len(langs) > 1 else (),
        metadata=ModelMetadata(
            owner=draw(st.none() | _PLAIN),
            required_approvers=tuple(
                draw(
                    st.lists(
                        st.sampled_from(["hr", "leadership", "legal"]), unique=True, max_size=2
                    )
                )
            ),
            review_date=draw(st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31))),
        ),
        scales=tuple(model_scales),
        scale_mappings=tuple(mappings),
        tracks=tuple(model_tracks),
        competencies=tuple(comps),
        roles=tuple(roles),
        transitions=tuple(model_transitions),
        learning_resources=tuple(resources),
    )


def competency_models(
    *,
    key: ValueOrStrategy[str] = keys("model"),
    n_scales: int | tuple[int, int] | SearchStrategy[int] = (1, 3),
    n_competencies: int | tuple[int, int] | SearchStrategy[int] = (1, 8),
    n_roles: int | tuple[int, int] | SearchStrategy[int] = (0, 5),
    n_tracks: int | tuple[int, int] | SearchStrategy[int] = (0, 2),
    requirements_per_role: int | tuple[int, int] | SearchStrategy[int] = (1, 6),
    languages: ValueOrStrategy[list[str] | tuple[str, ...]] = st.sampled_from(
        [("en",), ("en", "sv"), ("sv", "en", "de")]
    ),
    hierarchy: ValueOrStrategy[bool] = st.booleans(),
    transitions: ValueOrStrategy[bool] = st.booleans(),
    learning: ValueOrStrategy[bool] = st.booleans(),
    status: ValueOrStrategy[LifecycleStatus] = LifecycleStatus.DRAFT,
    version: ValueOrStrategy[str] = st.builds(
        lambda a, b, c: f"{a}.{b}.{c}", st.integers(0, 5), st.integers(0, 20), st.integers(0, 20)
    ),
) -> SearchStrategy[CompetencyModel]:
    """Whole, valid competency models (every reference resolves, hierarchy acyclic)."""
    return _model(
        key=key,
        n_scales=n_scales,
        n_competencies=n_competencies,
        n_roles=n_roles,
        n_tracks=n_tracks,
        requirements_per_role=requirements_per_role,
        languages=languages,
        hierarchy=hierarchy,
        transitions=transitions,
        learning=learning,
        status=status,
        version=version,
    )


def register_type_strategies() -> None:
    """Register strategies so that ``st.from_type(CompetencyModel)`` etc. give valid objects."""
    st.register_type_strategy(ProficiencyScale, scales())
    st.register_type_strategy(CompetencyModel, competency_models())


__all__ = ["competency_models", "keys", "localized_texts", "register_type_strategies", "scales"]
