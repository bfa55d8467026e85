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
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from competency_core.competencies import (
    ASSOCIATION_TYPES,
    Association,
    BehaviouralIndicator,
    CaseLink,
    Competency,
    ExternalReference,
    Link,
)
from competency_core.evidence import CompetencyRule, EvidenceRules, HalfLife, RuleSpec
from competency_core.learning import Development, LearningResource
from competency_core.model import CompetencyModel, LifecycleStatus, ModelMetadata
from competency_core.people import (
    Assessment,
    Evidence,
    EvidenceKind,
    Person,
    RaterType,
    Workforce,
)
from competency_core.roles import Requirement, RoleProfile, Track, Transition, TransitionKind
from competency_core.scales import ProficiencyLevel, ProficiencyScale, ScaleMapping
from competency_core.scoring.policy import (
    DEFAULT_RATER_WEIGHTS,
    Aggregation,
    ScoringPolicy,
    UnassessedPolicy,
)
from competency_core.testing.properties import ScoringCase
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
    indicator_details: Any = False,
    associations: Any = False,
) -> CompetencyModel:
    langs = list(draw(_st(languages)))
    details = draw(_st(indicator_details))
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
                    **(draw(_indicator_details()) if details else {}),
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

    if draw(_st(associations)):
        comps = [
            c.model_copy(update={"associations": tuple(draw(_associations(comp_keys)))})
            for c in comps
        ]

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
    indicator_details: ValueOrStrategy[bool] = False,
    associations: ValueOrStrategy[bool] = False,
) -> SearchStrategy[CompetencyModel]:
    """Whole, valid competency models (every reference resolves, hierarchy acyclic).

    ``indicator_details=True`` also gives indicators source keys, URLs, labelled links and
    attributes (off by default: formats such as CASE or Moodle's CSV do not carry them).
    ``associations=True`` gives competencies typed associations (every CASE 1.1 type and
    an ``ext:`` one, to a competency of the model or an outside node, some with a sequence
    number).
    """
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
        indicator_details=indicator_details,
        associations=associations,
    )


def _associations(comp_keys: list[str]) -> SearchStrategy[list[Association]]:
    """Up to two typed associations, to a competency of the model or an outside node."""
    kinds = st.sampled_from([*ASSOCIATION_TYPES, "ext:dependsOn"])
    to_competency = st.builds(
        Association,
        type=kinds,
        competency=st.sampled_from(comp_keys),
        sequence=st.none() | st.integers(0, 20),
    )
    to_node = st.builds(
        Association,
        type=kinds,
        node=st.builds(
            CaseLink,
            uri=_WORDS.map(lambda w: f"https://example.org/node/{w}"),
            title=st.none() | _WORDS,
        ),
        sequence=st.none() | st.integers(0, 20),
    )
    return st.lists(to_competency | to_node, max_size=2)


_URLS = st.sampled_from(
    ["https://example.com/guide", "https://example.org/talk?id=7", "https://intra.example/x y"]
)
_WORDS = st.text(alphabet="abcdefghij KLM-é:#", min_size=1, max_size=12).filter(str.strip)


@st.composite
def _indicator_details(draw: st.DrawFn) -> dict[str, Any]:
    """Optional indicator fields from source frameworks: key, urls, links, attributes."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["key"] = draw(_WORDS)
    if draw(st.booleans()):
        out["urls"] = tuple(draw(st.lists(_URLS, max_size=2)))
    if draw(st.booleans()):
        out["links"] = tuple(
            Link(url=u, label=lb) for u, lb in draw(st.lists(st.tuples(_URLS, _WORDS), max_size=2))
        )
    if draw(st.booleans()):
        out["attributes"] = draw(st.dictionaries(_WORDS, _WORDS, max_size=2))
    return out


# -- lean models for scoring ----------------------------------------------------------------


@st.composite
def _scoring_model(
    draw: st.DrawFn,
    *,
    n_scales: Any,
    n_competencies: Any,
    n_roles: Any,
    requirements_per_role: Any,
    weights: Any,
    learning: Any,
    hierarchy: Any = False,
) -> CompetencyModel:
    scale_list = []
    for i in range(draw(_count(n_scales))):
        n, first, inc = draw(st.integers(2, 8)), draw(st.integers(-3, 5)), draw(st.integers(1, 4))
        values = [first + j * inc for j in range(n)]
        scale_list.append(
            ProficiencyScale(
                key=f"s{i}",
                name=LocalizedText(f"Scale {i}"),
                levels=tuple(
                    ProficiencyLevel(value=v, label=LocalizedText(f"L{v}")) for v in values
                ),
                proficient=draw(st.sampled_from(values)),
            )
        )
    mappings = []
    for src in scale_list:
        for tgt in scale_list:
            if src.key != tgt.key and draw(st.booleans()):
                ends = sorted(
                    draw(
                        st.lists(
                            st.sampled_from(tgt.values),
                            min_size=len(src.values),
                            max_size=len(src.values),
                        )
                    )
                )
                mappings.append(
                    ScaleMapping(
                        source=src.key,
                        target=tgt.key,
                        levels=dict(zip(src.values, ends, strict=True)),
                    )
                )
    comp_scale = [draw(st.sampled_from(scale_list)) for _ in range(draw(_count(n_competencies)))]
    # a parent is always an earlier competency: the hierarchy is acyclic by construction
    parents = [
        draw(st.none() | st.sampled_from([f"c{j}" for j in range(i)]))
        if i and draw(_st(hierarchy))
        else None
        for i in range(len(comp_scale))
    ]
    comps = [
        Competency(
            key=f"c{i}",
            name=LocalizedText(f"Competency {i}"),
            domain=draw(st.sampled_from(["technical", "behavioural", "leadership"])),
            parent=parents[i],
            scale=sc.key,
            indicators={
                v: (BehaviouralIndicator(text=LocalizedText(f"Shows c{i} at level {v}")),)
                for v in draw(st.lists(st.sampled_from(sc.values), unique=True, max_size=3))
            },
        )
        for i, sc in enumerate(comp_scale)
    ]
    roles = []
    for i in range(draw(_count(n_roles))):
        n_req = min(draw(_count(requirements_per_role)), len(comps))
        picked = draw(
            st.lists(
                st.sampled_from(range(len(comps))), min_size=n_req, max_size=n_req, unique=True
            )
        )
        roles.append(
            RoleProfile(
                key=f"r{i}",
                title=LocalizedText(f"Role {i}"),
                requirements=tuple(
                    Requirement(
                        competency=f"c{j}",
                        level=draw(st.sampled_from(comp_scale[j].values)),
                        weight=draw(_st(weights)),
                        essential=draw(st.booleans()),
                    )
                    for j in picked
                ),
            )
        )
    resources = []
    if comps and draw(_st(learning)):
        for i in range(draw(st.integers(0, 5))):
            devs = draw(
                st.lists(st.sampled_from(range(len(comps))), min_size=1, max_size=3, unique=True)
            )
            resources.append(
                LearningResource(
                    key=f"res{i}",
                    title=LocalizedText(f"Resource {i}"),
                    develops=tuple(
                        Development(
                            competency=f"c{j}", to_level=draw(st.sampled_from(comp_scale[j].values))
                        )
                        for j in devs
                    ),
                    hours=draw(st.none() | st.sampled_from([0.0, 1.0, 2.5, 8.0, 40.0])),
                    cost=draw(st.none() | st.sampled_from([0.0, 100.0, 750.0])),
                )
            )
    return CompetencyModel(
        key="scoring-model",
        name=LocalizedText("Scoring model"),
        scales=tuple(scale_list),
        scale_mappings=tuple(mappings),
        competencies=tuple(comps),
        roles=tuple(roles),
        learning_resources=tuple(resources),
    )


def scoring_models(
    *,
    n_scales: int | tuple[int, int] | SearchStrategy[int] = (1, 3),
    n_competencies: int | tuple[int, int] | SearchStrategy[int] = (1, 8),
    n_roles: int | tuple[int, int] | SearchStrategy[int] = (1, 4),
    requirements_per_role: int | tuple[int, int] | SearchStrategy[int] = (0, 6),
    weights: ValueOrStrategy[float] = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0]),
    learning: ValueOrStrategy[bool] = st.booleans(),
    hierarchy: ValueOrStrategy[bool] = False,
) -> SearchStrategy[CompetencyModel]:
    """Lean, valid models for scoring tests: fast to generate, quick to shrink.

    Scales of 2-8 levels with varied numbering (any start, any step), random monotone
    mappings between them, competencies (``c0``, ``c1``...) with a few indicators, roles
    (``r0``...) with weighted essential and desirable requirements, and optionally learning
    resources. Texts are placeholders; use :func:`competency_models` for rich ones.
    ``hierarchy`` gives competencies parents (earlier competencies, so never a cycle), for
    roll-up rules (:func:`evidence_rules`).
    """
    return _scoring_model(
        n_scales=n_scales,
        n_competencies=n_competencies,
        n_roles=n_roles,
        requirements_per_role=requirements_per_role,
        weights=weights,
        learning=learning,
        hierarchy=hierarchy,
    )


# -- people, assessments, workforces and scoring cases --------------------------------------

_DEPARTMENTS = ("platform", "apps", "data", "sales")
_TEAMS = ("core", "mobile", "web", "ml", "emea")


def people(
    *,
    key: ValueOrStrategy[str] = keys("person"),
    name: ValueOrStrategy[str] = _PLAIN,
    role: ValueOrStrategy[str | None] = None,
    department: ValueOrStrategy[str | None] = st.none() | st.sampled_from(_DEPARTMENTS),
    team: ValueOrStrategy[str | None] = st.none() | st.sampled_from(_TEAMS),
    manager: ValueOrStrategy[str | None] = None,
) -> SearchStrategy[Person]:
    """People (``role`` and ``manager`` must be keys that exist where the person is used)."""
    return st.builds(
        Person,
        key=_st(key),
        name=_st(name),
        email=st.none() | _WORD.map(lambda w: f"{w}@example.com"),
        role=_st(role),
        department=_st(department),
        team=_st(team),
        manager=_st(manager),
    )


_DATES = st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))


@st.composite
def _assessment(
    draw: st.DrawFn,
    model: Any,
    person: Any,
    competency: Any,
    rater_type: Any,
    date: Any,
    expires_after: Any,
    other_scale: Any,
) -> Assessment:
    m: CompetencyModel = draw(_st(model))
    if not m.competencies:
        raise ValueError("assessments need a model with at least one competency")
    ck = (
        draw(_st(competency))
        if competency is not None
        else draw(st.sampled_from([c.key for c in m.competencies]))
    )
    target = m.competency(ck).scale
    sources = [s for s in m.scale_mappings if s.target == target]
    day = draw(_st(date))
    days = draw(_st(expires_after))
    fields: dict[str, Any] = {
        "person": draw(_st(person)),
        "competency": ck,
        "rater_type": draw(_st(rater_type)),
        "date": day,
        "expires": None if days is None else day + dt.timedelta(days=days),
    }
    if sources and draw(_st(other_scale)):
        mapping = draw(st.sampled_from(sources))
        fields |= {"scale": mapping.source, "level": draw(st.sampled_from(sorted(mapping.levels)))}
    else:
        fields["level"] = draw(st.sampled_from(m.scale(target).values))
    return Assessment(**fields)


def assessments(
    model: ValueOrStrategy[CompetencyModel] = competency_models(),
    *,
    person: ValueOrStrategy[str] = keys("person"),
    competency: ValueOrStrategy[str] | None = None,
    rater_type: ValueOrStrategy[RaterType] = st.sampled_from(list(RaterType)),
    date: ValueOrStrategy[dt.date] = _DATES,
    expires_after: ValueOrStrategy[int | None] = st.none() | st.integers(0, 1000),
    other_scale: ValueOrStrategy[bool] = st.booleans(),
) -> SearchStrategy[Assessment]:
    """One valid assessment of a competency of ``model``.

    Its level is on the competency's scale, or (``other_scale``) on a scale the model maps
    onto it. ``expires_after`` is the number of days the rating stays valid (None: it does
    not expire).
    """
    return _assessment(model, person, competency, rater_type, date, expires_after, other_scale)


def person_assessments(
    model: ValueOrStrategy[CompetencyModel],
    *,
    person: ValueOrStrategy[str] = keys("person"),
    size: int | tuple[int, int] | SearchStrategy[int] = (0, 12),
    **options: Any,
) -> SearchStrategy[tuple[Assessment, ...]]:
    """Several assessments of one person (a competency may be rated several times).

    ``options`` are those of :func:`assessments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Assessment, ...]:
        m = draw(_st(model))
        who = draw(_st(person))
        n = draw(_count(size))
        if not m.competencies:
            return ()
        return tuple(draw(assessments(m, person=who, **options)) for _ in range(n))

    return build()


def workforces(
    model: ValueOrStrategy[CompetencyModel] = competency_models(),
    *,
    n_people: int | tuple[int, int] | SearchStrategy[int] = (0, 6),
    assessments_per_person: int | tuple[int, int] | SearchStrategy[int] = (0, 8),
    with_roles: ValueOrStrategy[bool] = st.booleans(),
    evidence_per_person: int | tuple[int, int] | SearchStrategy[int] = 0,
) -> SearchStrategy[Workforce]:
    """Workforces for ``model``, with valid assessments (and other evidence, if asked).

    People have unique keys, roles of the model (or none), and managers among the others.
    ``evidence_per_person`` (default 0) adds that many pieces of :func:`evidence` of mixed
    kinds per person to ``workforce.evidence``.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Workforce:
        m = draw(_st(model))
        person_keys = [f"person-{i}" for i in range(draw(_count(n_people)))]
        role_keys = [r.key for r in m.roles]
        members: list[Person] = []
        rated: list[Assessment] = []
        pieces: list[Evidence] = []
        for i, pk in enumerate(person_keys):
            role = (
                draw(st.none() | st.sampled_from(role_keys))
                if role_keys and draw(_st(with_roles))
                else None
            )
            manager = draw(st.none() | st.sampled_from(person_keys[:i])) if i else None
            members.append(draw(people(key=pk, name=f"Person {i}", role=role, manager=manager)))
            rated += draw(person_assessments(m, person=pk, size=assessments_per_person))
            pieces += draw(person_evidence(m, person=pk, size=evidence_per_person))
        return Workforce(
            model=m.key, people=tuple(members), assessments=tuple(rated), evidence=tuple(pieces)
        )

    return build()


# -- evidence and the rules that turn it into levels ---------------------------------------

ISSUERS = ("Amazon Web Services", "Linux Foundation", "Acme Academy")
"""The issuers generated credentials name (few, so that ``any-of`` conditions match)."""
CREDENTIALS = ("Cloud Architect", "Kubernetes Administrator", "Safety Basics")
"""The names generated certifications and badges carry."""
RATERS = ("ana-lopez", "ben-okafor")
"""Who generated ratings name as their rater (few, so that raters recur)."""
LRS = "https://lrs.example.com"
"""The authority of generated xAPI statements."""


def _level_on(draw: st.DrawFn, m: CompetencyModel, ck: str, other_scale: Any) -> dict[str, Any]:
    """A level of competency ``ck``: on its scale, or on a scale the model maps onto it."""
    target = m.competency(ck).scale
    sources = [s for s in m.scale_mappings if s.target == target]
    if sources and draw(_st(other_scale)):
        mapping = draw(st.sampled_from(sources))
        return {"scale": mapping.source, "level": draw(st.sampled_from(sorted(mapping.levels)))}
    return {"level": draw(st.sampled_from(m.scale(target).values))}


@st.composite
def _evidence(
    draw: st.DrawFn,
    model: Any,
    person: Any,
    kind: Any,
    competency: Any,
    date: Any,
    valid_for: Any,
    rater_type: Any,
    with_level: Any,
    other_scale: Any,
) -> Evidence:
    m: CompetencyModel = draw(_st(model))
    if not m.competencies:
        raise ValueError("evidence needs a model with at least one competency")
    what: EvidenceKind = EvidenceKind(draw(_st(kind)))
    if what is EvidenceKind.COURSE and not m.learning_resources:
        if not isinstance(kind, SearchStrategy):
            raise ValueError("a completed course needs a model with learning resources")
        what = draw(st.sampled_from([k for k in EvidenceKind if k is not EvidenceKind.COURSE]))
    day: dt.date = draw(_st(date))
    days = draw(_st(valid_for))
    fields: dict[str, Any] = {
        "kind": what,
        "person": draw(_st(person)),
        "date": day,
        "valid_until": None if days is None else day + dt.timedelta(days=days),
        "model_version": draw(st.none() | st.just(m.version)),
    }
    if what is EvidenceKind.COURSE:
        res = draw(st.sampled_from(m.learning_resources))
        fields |= {"resource": res.key, "name": draw(st.none() | st.just(f"{res.key} course"))}
        fields["source"] = draw(st.none() | st.just(f"lms: completion of {res.key}"))
        return Evidence(**fields)
    ck = (
        draw(_st(competency))
        if competency is not None
        else draw(st.sampled_from([c.key for c in m.competencies]))
    )
    fields["competency"] = ck
    if what is EvidenceKind.RATING:
        fields |= _level_on(draw, m, ck, other_scale)
        fields["rater_type"] = draw(_st(rater_type))
        fields["asserted_by"] = draw(st.none() | st.sampled_from(RATERS))
    elif what in (EvidenceKind.CERTIFICATION, EvidenceKind.BADGE):
        fields["name"] = draw(st.sampled_from(CREDENTIALS))
        fields["asserted_by"] = draw(st.sampled_from(ISSUERS))
        if draw(_st(with_level)):
            fields |= _level_on(draw, m, ck, other_scale)
        fields["identifier"] = draw(st.none() | st.uuids().map(lambda u: f"urn:uuid:{u}"))
    else:  # xapi: a statement, with a scaled score (a level) or without
        fields["asserted_by"] = LRS
        if draw(_st(with_level)):
            fields |= _level_on(draw, m, ck, other_scale)
        fields["identifier"] = draw(st.uuids().map(str))
        fields["details"] = {"verb": draw(st.sampled_from(["passed", "completed", "attempted"]))}
    return Evidence(**fields)


def evidence(
    model: ValueOrStrategy[CompetencyModel] = competency_models(),
    *,
    person: ValueOrStrategy[str] = keys("person"),
    kind: ValueOrStrategy[EvidenceKind] = st.sampled_from(list(EvidenceKind)),
    competency: ValueOrStrategy[str] | None = None,
    date: ValueOrStrategy[dt.date] = _DATES,
    valid_for: ValueOrStrategy[int | None] = st.none() | st.integers(0, 1500),
    rater_type: ValueOrStrategy[RaterType] = st.sampled_from(list(RaterType)),
    with_level: ValueOrStrategy[bool] = st.booleans(),
    other_scale: ValueOrStrategy[bool] = st.booleans(),
) -> SearchStrategy[Evidence]:
    """One valid piece of evidence about ``person`` for ``model``, of any kind.

    - ``rating``: a level (on the competency's scale or a mapped one) and a ``rater_type``;
    - ``certification`` and ``badge``: a name of :data:`CREDENTIALS`, an issuer of
      :data:`ISSUERS` (``asserted_by``) and, when ``with_level``, a level;
    - ``course``: the completion of one of the model's learning resources (drawn from the
      other kinds when the model has none, unless ``kind`` is pinned to ``course``);
    - ``xapi``: a statement from :data:`LRS`, with a level (a scaled score) when
      ``with_level``.

    ``valid_for`` is the number of days it stays valid after ``date`` (None: no end).
    """
    return _evidence(
        model, person, kind, competency, date, valid_for, rater_type, with_level, other_scale
    )


def person_evidence(
    model: ValueOrStrategy[CompetencyModel],
    *,
    person: ValueOrStrategy[str] = keys("person"),
    size: int | tuple[int, int] | SearchStrategy[int] = (0, 12),
    **options: Any,
) -> SearchStrategy[tuple[Evidence, ...]]:
    """Several pieces of evidence of one person, of mixed kinds (``options``: :func:`evidence`)."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Evidence, ...]:
        m = draw(_st(model))
        who = draw(_st(person))
        n = draw(_count(size))
        if not m.competencies:
            return ()
        return tuple(draw(evidence(m, person=who, **options)) for _ in range(n))

    return build()


@st.composite
def _condition(draw: st.DrawFn, m: CompetencyModel, ck: str) -> dict[str, Any]:
    """An any-of condition on ``ck`` that evidence of :func:`evidence` can meet."""
    resources = [r.key for r in m.learning_resources if ck in {d.competency for d in r.develops}]
    values = m.scale_of(ck).values
    choices = ["kind", "rater", "credential", "min_level"] + (["course"] if resources else [])
    pick = draw(st.sampled_from(choices))
    if pick == "kind":
        out: dict[str, Any] = {"kind": str(draw(st.sampled_from(list(EvidenceKind))))}
    elif pick == "rater":
        out = {"kind": "rating", "rater_type": str(draw(st.sampled_from(list(RaterType))))}
    elif pick == "credential":
        out = {"kind": str(draw(st.sampled_from([EvidenceKind.CERTIFICATION, EvidenceKind.BADGE])))}
        out[draw(st.sampled_from(["asserted_by", "name"]))] = draw(
            st.sampled_from(ISSUERS if "asserted_by" in out else CREDENTIALS)
        )
    elif pick == "course":
        out = {"kind": "course", "resource": draw(st.sampled_from(resources))}
    else:
        out = {"min_level": draw(st.sampled_from(values))}
    if pick != "min_level" and pick != "course" and draw(st.booleans()):
        out["min_level"] = draw(st.sampled_from(values))
    return out


@st.composite
def _evidence_rules(
    draw: st.DrawFn, model: Any, any_of: Any, roll_up: Any, half_life: Any, lowers: Any
) -> EvidenceRules:
    m: CompetencyModel = draw(_st(model))
    rules: list[CompetencyRule] = []
    for c in m.competencies:
        kids = [k.key for k in m.competencies if k.parent == c.key]
        if kids and draw(_st(roll_up)):
            mode = draw(st.sampled_from(["all", "n-of", "weighted"]))
            params: dict[str, Any] = {"mode": mode}
            if mode == "n-of":
                params["n"] = draw(st.integers(1, len(kids)))
            elif mode == "weighted":
                chosen = draw(st.lists(st.sampled_from(kids), unique=True))
                params["weights"] = {
                    k: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])) for k in chosen
                }
            rules.append(
                CompetencyRule.model_validate({"competency": c.key, "rule": "roll-up", **params})
            )
        elif draw(_st(any_of)):
            values = m.scale_of(c.key).values
            paths = [
                {
                    "name": f"path {i + 1}",
                    "all": draw(st.lists(_condition(m, c.key), min_size=1, max_size=2)),
                    "level": draw(st.sampled_from(["lowest", "highest"]) | st.sampled_from(values)),
                }
                for i in range(draw(st.integers(1, 3)))
            ]
            rules.append(
                CompetencyRule.model_validate(
                    {"competency": c.key, "rule": "any-of", "paths": paths}
                )
            )
    lives: list[HalfLife] = []
    if draw(_st(half_life)):
        targets = draw(
            st.lists(st.sampled_from(["*", *(c.key for c in m.competencies)]), unique=True)
        )
        lives = [
            HalfLife(competency=t, days=draw(st.integers(30, 3000)), lowers=draw(_st(lowers)))
            for t in targets
        ]
    return EvidenceRules(default=RuleSpec(), rules=tuple(rules), half_life=tuple(lives))


def evidence_rules(
    model: ValueOrStrategy[CompetencyModel],
    *,
    any_of: ValueOrStrategy[bool] = st.booleans(),
    roll_up: ValueOrStrategy[bool] = st.booleans(),
    half_life: ValueOrStrategy[bool] = st.booleans(),
    lowers: ValueOrStrategy[str] = st.sampled_from(["confidence", "level"]),
) -> SearchStrategy[EvidenceRules]:
    """Valid ``evidence`` sections for ``model`` (attach with ``model_copy(update=...)``).

    Per competency, drawn independently: a ``roll-up`` of its children (``all``, ``n-of``
    with an ``n`` it has children for, or ``weighted`` over some of them) when it has
    children and ``roll_up`` says so; else, when ``any_of`` says so, an ``any-of`` of one to
    three paths whose conditions name kinds, rater types, the issuers and credentials of
    :func:`evidence`, learning resources that develop the competency, and levels of its
    scale. With ``half_life``, half-lives for ``"*"`` and some competencies, lowering
    ``lowers`` (``confidence`` or ``level``). The default rule stays ``precedence``.
    """
    return _evidence_rules(model, any_of, roll_up, half_life, lowers)


def scoring_policies(
    *,
    unassessed: ValueOrStrategy[UnassessedPolicy] = st.sampled_from(list(UnassessedPolicy)),
    aggregation: ValueOrStrategy[Aggregation] = st.sampled_from(list(Aggregation)),
    ready_threshold: ValueOrStrategy[float] = st.sampled_from([0.0, 0.5, 0.8, 0.9, 1.0]),
    rater_weights: ValueOrStrategy[dict[RaterType, float]] | None = None,
) -> SearchStrategy[ScoringPolicy]:
    """Scoring policies; by default the rater weights are the defaults or random (some 0)."""
    weights: SearchStrategy[dict[RaterType, float]] = (
        _st(rater_weights)
        if rater_weights is not None
        else st.just(dict(DEFAULT_RATER_WEIGHTS))
        | st.dictionaries(
            st.sampled_from(list(RaterType)), st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
        )
    )
    return st.builds(
        ScoringPolicy,
        unassessed=_st(unassessed),
        aggregation=_st(aggregation),
        ready_threshold=_st(ready_threshold),
        rater_weights=weights,
        rater_priority=st.permutations(list(RaterType)).map(tuple),
    )


def scoring_cases(
    model: ValueOrStrategy[CompetencyModel] = scoring_models(),
    *,
    policy: ValueOrStrategy[ScoringPolicy] = scoring_policies(),
    on: ValueOrStrategy[dt.date] = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
    size: int | tuple[int, int] | SearchStrategy[int] = (0, 12),
    person: ValueOrStrategy[str] = "p1",
) -> SearchStrategy[ScoringCase]:
    """Inputs of the contract's checks (:mod:`competency_core.testing.properties`).

    One person's assessments, a role of the model, a policy and a scoring date.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ScoringCase:
        m = draw(_st(model))
        if not m.roles:
            raise ValueError("scoring cases need a model with at least one role")
        who = draw(_st(person))
        return ScoringCase(
            model=m,
            role=draw(st.sampled_from(m.roles)),
            assessments=draw(person_assessments(m, person=who, size=size)),
            on=draw(_st(on)),
            policy=draw(_st(policy)),
            person=who,
        )

    return build()


def _role_profiles() -> SearchStrategy[RoleProfile]:
    return competency_models(n_roles=(1, 4)).flatmap(lambda m: st.sampled_from(m.roles))


TYPE_STRATEGIES: dict[type[Any], Callable[[], SearchStrategy[Any]]] = {
    ProficiencyScale: scales,
    CompetencyModel: competency_models,
    RoleProfile: _role_profiles,
    Person: people,
    Assessment: assessments,
    Evidence: evidence,
    Workforce: workforces,
    ScoringPolicy: scoring_policies,
}
"""What ``st.from_type`` gives for each type: roles, assessments and evidence of a generated
model."""


def type_strategy(cls: type[T]) -> SearchStrategy[T]:
    """The strategy registered for ``cls`` (a key of :data:`TYPE_STRATEGIES`)."""
    return TYPE_STRATEGIES[cls]()


def register_type_strategies() -> None:
    """Register strategies so that ``st.from_type(RoleProfile)`` etc. give valid objects.

    Not needed where hypothesis loads its plugins: competency-core's entry point
    (:mod:`competency_core.testing._hypothesis`) registers each type as soon as the module
    defining it has been imported. This registers all of :data:`TYPE_STRATEGIES` at once,
    e.g. with ``HYPOTHESIS_NO_PLUGINS`` set: scales, models, roles (of a generated model),
    people, assessments and evidence (of a generated model), workforces and scoring policies.
    """
    for cls, strategy in TYPE_STRATEGIES.items():
        st.register_type_strategy(cls, strategy())


__all__ = [
    "CREDENTIALS",
    "ISSUERS",
    "LRS",
    "RATERS",
    "TYPE_STRATEGIES",
    "assessments",
    "competency_models",
    "evidence",
    "evidence_rules",
    "keys",
    "localized_texts",
    "people",
    "person_assessments",
    "person_evidence",
    "register_type_strategies",
    "scales",
    "scoring_cases",
    "scoring_models",
    "scoring_policies",
    "type_strategy",
    "workforces",
]
