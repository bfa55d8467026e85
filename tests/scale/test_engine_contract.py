"""The engine contract: every engine gives what ``readiness_matrix`` gives (issue 19).

Every engine (memory, DuckDB, PostgreSQL, Spark) scores generated cases (several scales,
essentials, weights, unassessed cells, both unassessed policies, twin people and twin roles
whose scores tie) from people's levels in memory and from a levels table, and must give the
reference's full matrix and top-k answers.

Exactness. The SQL engines sum a pair's requirements in the order the database chooses; the
in-memory engine sums them in column order. Floating-point addition is not associative, so
on arbitrary weights and levels a figure can differ in its last bits: there the figures must
agree within 1e-12, ready flags exactly, and the top-k lists must agree except where two
pairs' readiness differs by no more than 1e-12 (a tie up to summation order; then either
order is right and the test checks that the pair given has the reference's figures for its
rank). On *dyadic* cases (scales whose range is a power of two, weights multiples of 1/4)
every sum is exact whatever its order, and there the answers must be bit-identical: figures,
ready flags and the top-k orders, ties broken by the earlier index.

Engines: PostgreSQL is the throw-away server of ``competency_testing.postgres`` (or
``COMPETENCY_TEST_POSTGRES_URL``: an existing server whose user may create databases); Spark
runs in local mode in one session for the whole run (``COMPETENCY_SPARK_MASTER`` points it at
a cluster instead, e.g. ``spark://host:7077``). An engine that cannot run here is skipped
with the reason (and fails under ``CI=true``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core import CompetencyModel
from competency_core.errors import ScoringError
from competency_core.people import Assessment, Person, RaterType
from competency_core.scale import engines as E
from competency_core.scale.results import FIGURES, TopMatches
from competency_core.scoring import ScoringPolicy, readiness_matrix
from competency_core.scoring.bulk import PeopleLevels, ReadinessMatrix

ON = dt.date(2026, 1, 1)
TOL = 1e-12
_counter = itertools.count()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"engine required in CI but not available: {reason}", pytrace=False)
    pytest.skip(reason)


# -- engines ---------------------------------------------------------------------------------


class _Server:
    """A PostgreSQL server: the throw-away one, or an existing one given by URL."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.base = sa.engine.make_url(url).set(drivername="postgresql+psycopg")
        self.engine = sa.create_engine(self.base, isolation_level="AUTOCOMMIT")

    def create_database(self, name: str) -> str:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, name: str) -> None:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A PostgreSQL server for the session."""
    existing = os.environ.get("COMPETENCY_TEST_POSTGRES_URL")
    if existing:
        yield _Server(existing)
        return
    from competency_testing.postgres import PostgresUnavailable, postgres_server

    cm = postgres_server()
    try:
        server = cm.__enter__()
    except PostgresUnavailable as exc:
        _unavailable(f"PostgreSQL not available: {exc}")
        return
    try:
        yield server
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def pg_url(pg_server: Any) -> Iterator[str]:
    """One database for the contract cases (the engine's tables are temporary)."""
    name = f"cc_engines_{os.getpid()}"
    url = str(pg_server.create_database(name))
    yield url
    pg_server.drop_database(name)


@pytest.fixture(scope="session")
def spark() -> Any:
    """The one Spark session of the test run (local[2]; started once, ~15 s).

    Tuned for the tests' tiny tables, where planning and code generation cost more than
    the work: one shuffle partition, no adaptive execution, no whole-stage code generation.
    """
    try:
        session = E.spark_session()
    except E.EngineUnavailable as exc:
        _unavailable(str(exc))
    for key, value in (
        ("spark.sql.shuffle.partitions", "1"),
        ("spark.sql.adaptive.enabled", "false"),
        ("spark.sql.codegen.wholeStage", "false"),
    ):
        session.conf.set(key, value)
    return session


ENGINE_NAMES = ("memory", "duckdb", "postgres", "spark")


@pytest.fixture(params=ENGINE_NAMES)
def engine_factory(request: pytest.FixtureRequest) -> Any:
    """A function making the engine, with the engine's name as the parameter."""
    name = str(request.param)
    if name == "postgres":
        url = request.getfixturevalue("pg_url")
        return lambda **kw: E.engine("postgres", url=url, **kw)
    if name == "spark":
        session = request.getfixturevalue("spark")
        return lambda **kw: E.engine("spark", session=session, **kw)
    if name == "memory":  # in one piece: no ranges of people
        return lambda **kw: E.engine("memory")
    return lambda **kw: E.engine(name, **kw)


# -- generated cases -------------------------------------------------------------------------

DYADIC_SCALES = {"d4": [1, 2, 3, 4, 5], "d2": [0, 1, 2], "d8": [0, 2, 3, 5, 8]}
OTHER_SCALES = {"s3": [1, 2, 3, 4], "s6": [1, 3, 4, 7], "s5": [0, 1, 2, 3, 4, 5]}


@st.composite
def cases(draw: st.DrawFn, *, dyadic: bool) -> tuple[CompetencyModel, PeopleLevels, pa.Table]:
    """A model, people's levels and the same levels as a levels table."""
    scales = dict(DYADIC_SCALES) if dyadic else {**DYADIC_SCALES, **OTHER_SCALES}
    names = sorted(scales)
    n_comps = draw(st.integers(2, 6))
    comp_scale = [draw(st.sampled_from(names)) for _ in range(n_comps)]
    if dyadic:
        weight = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
    else:
        weight = st.floats(0.1, 5.0).map(lambda w: round(w, 3))
    roles = []
    for r in range(draw(st.integers(1, 5))):
        picked = draw(st.lists(st.integers(0, n_comps - 1), max_size=n_comps, unique=True))
        reqs = [
            {
                "competency": f"c{j}",
                "level": draw(st.sampled_from(scales[comp_scale[j]])),
                "weight": draw(weight),
                "essential": draw(st.booleans()),
            }
            for j in picked
        ]
        roles.append({"key": f"r{r}", "title": f"R{r}", "requirements": reqs})
        if draw(st.booleans()):  # a twin role: ties between roles
            roles.append({"key": f"r{r}t", "title": f"R{r}t", "requirements": reqs})
    model = CompetencyModel.model_validate(
        {
            "key": "contract",
            "name": "Contract",
            "scales": [
                {
                    "key": k,
                    "name": k,
                    "proficient": v[len(v) // 2],
                    "levels": [{"value": x, "label": str(x)} for x in v],
                }
                for k, v in scales.items()
            ],
            "competencies": [
                {"key": f"c{j}", "name": f"C{j}", "scale": comp_scale[j]} for j in range(n_comps)
            ],
            "roles": roles,
        }
    )
    rows: list[list[float]] = []
    for _ in range(draw(st.integers(1, 8))):
        row = []
        for j in range(n_comps):
            values = scales[comp_scale[j]]
            kind = draw(st.sampled_from(["level", "level", "none", "between"]))
            if kind == "none":
                row.append(float("nan"))
            elif kind == "between" and not dyadic:  # a blend, or a hair off a level (snaps)
                v = draw(st.sampled_from(values[:-1]))
                row.append(v + draw(st.sampled_from([1 / 3, 0.5, 1e-10])))
            else:
                row.append(float(draw(st.sampled_from(values))))
        rows.append(row)
        if draw(st.booleans()):  # a twin person: ties between people
            rows.append(list(row))
    people = [f"p{i}" for i in range(len(rows))]
    comps = [f"c{j}" for j in range(n_comps)]
    raw = np.array(rows, dtype=np.float64)
    levels = PeopleLevels.from_levels(model, people, comps, raw)
    table_rows = [
        (p, c, raw[i, j])
        for i, p in enumerate(people)
        for j, c in enumerate(comps)
        if not np.isnan(raw[i, j]) or j == 0  # keep everyone (a NaN row for the unassessed)
    ]
    table = pa.table(
        {
            "person": [t[0] for t in table_rows],
            "competency": [t[1] for t in table_rows],
            "level": [float(t[2]) for t in table_rows],
        }
    )
    return model, levels, table


POLICIES = st.builds(
    ScoringPolicy,
    unassessed=st.sampled_from(["minimum", "exclude"]),
    ready_threshold=st.sampled_from([0.0, 0.5, 0.8, 1.0]),
)


# -- the comparison --------------------------------------------------------------------------


def assert_same_matrix(got: ReadinessMatrix, ref: ReadinessMatrix, *, exact: bool) -> None:
    """Figures equal (bit for bit when exact, within TOL otherwise), ready flags equal."""
    assert got.people == ref.people
    assert got.roles == ref.roles
    for name in FIGURES:
        a, b = getattr(got, name), getattr(ref, name)
        if exact:
            np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=name)
    np.testing.assert_array_equal(got.ready, ref.ready)


def _assert_rows(
    got_index: Any, got: Any, ref: Any, full: ReadinessMatrix, *, by_person: bool, exact: bool
) -> None:
    k = got.k
    for row in range(got_index.shape[0]):
        for n in range(k):
            j, jr = int(got_index[row, n]), int(ref.index[row, n])
            assert (j < 0) == (jr < 0), (row, n)
            if j < 0:
                continue
            i_p, i_r = (row, j) if by_person else (j, row)
            for name in FIGURES:
                value = float(getattr(got, name)[row, n])
                assert abs(value - float(getattr(full, name)[i_p, i_r])) <= TOL, name
            assert bool(got.ready[row, n]) == bool(full.ready[i_p, i_r])
            if exact:
                assert j == jr, (row, n)
                continue
            # another pair only where it ties with the reference's (up to summation order)
            rp, rr = (row, jr) if by_person else (jr, row)
            assert full.ready[i_p, i_r] == full.ready[rp, rr]
            assert abs(full.readiness[i_p, i_r] - full.readiness[rp, rr]) <= TOL
        picked = [int(x) for x in got_index[row] if x >= 0]
        assert len(picked) == len(set(picked))


def assert_same_top(got: TopMatches, full: ReadinessMatrix, k: int, *, exact: bool) -> None:
    """Top-k lists as the reference's (see the module docs for ties)."""
    ref = TopMatches.from_matrix(full, k)
    assert got.people == ref.people
    assert got.roles == ref.roles
    assert got.k == k
    _assert_rows(
        got.roles_per_person.index,
        got.roles_per_person,
        ref.roles_per_person,
        full,
        by_person=True,
        exact=exact,
    )
    _assert_rows(
        got.candidates_per_role.index,
        got.candidates_per_role,
        ref.candidates_per_role,
        full,
        by_person=False,
        exact=exact,
    )


def _check(
    eng: E.Engine,
    case: tuple[CompetencyModel, PeopleLevels, pa.Table],
    policy: ScoringPolicy,
    k: int,
    *,
    exact: bool,
) -> None:
    model, levels, table = case
    ref = readiness_matrix(model, levels, policy=policy, on=ON)
    if eng.name == "spark":
        # each Spark query takes seconds: one query per case, the levels given one way or
        # the other, and k large enough that the lists hold every pair (so every figure
        # is checked too); the full matrix has a test of its own
        people = table if (len(levels.people) + k) % 2 else levels
        every = max(len(ref.people), len(ref.roles))
        top = eng.top_matches(model, people, policy=policy, on=ON, k=every)
        assert_same_top(top, ref, every, exact=exact)
        return
    for people in (levels, table):
        got = eng.matrix(model, people, policy=policy, on=ON)
        assert_same_matrix(got, ref, exact=exact)
        top = eng.top_matches(model, people, policy=policy, on=ON, k=k)
        assert_same_top(top, ref, k, exact=exact)


@pytest.fixture
def engine_pair(engine_factory: Any) -> Iterator[tuple[E.Engine, E.Engine]]:
    """The engine scoring all people at once, and in ranges of two people."""
    whole, ranged = engine_factory(), engine_factory(people_per_query=2)
    yield whole, ranged
    whole.close()
    ranged.close()


def _examples(request: pytest.FixtureRequest, fast: int, slow: int) -> int:
    return slow if request.node.callspec.params["engine_factory"] == "spark" else fast


# -- the contract ----------------------------------------------------------------------------


def test_dyadic_cases_give_bit_identical_answers(
    engine_pair: tuple[E.Engine, E.Engine], request: pytest.FixtureRequest
) -> None:
    """Exact sums: figures, ready flags and top-k orders identical, ties included."""

    @settings(
        max_examples=_examples(request, 15, 3),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        case=cases(dyadic=True),
        policy=POLICIES,
        k=st.integers(1, 4),
        ranged=st.booleans(),
    )
    def run(
        case: tuple[CompetencyModel, PeopleLevels, pa.Table],
        policy: ScoringPolicy,
        k: int,
        ranged: bool,
    ) -> None:
        _check(engine_pair[ranged], case, policy, k, exact=True)

    run()


def test_any_case_agrees_within_rounding(
    engine_pair: tuple[E.Engine, E.Engine], request: pytest.FixtureRequest
) -> None:
    """Any weights, scales and levels (blends, hairs off a level): within 1e-12, ties aside."""

    @settings(
        max_examples=_examples(request, 15, 3),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        case=cases(dyadic=False),
        policy=POLICIES,
        k=st.integers(1, 4),
        ranged=st.booleans(),
    )
    def run(
        case: tuple[CompetencyModel, PeopleLevels, pa.Table],
        policy: ScoringPolicy,
        k: int,
        ranged: bool,
    ) -> None:
        _check(engine_pair[ranged], case, policy, k, exact=False)

    run()


def test_the_comparison_catches_a_wrong_order() -> None:
    """The contract's check fails on a top-k list that is not the reference's."""
    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "proficient": 3,
                    "levels": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4, 5)],
                }
            ],
            "competencies": [{"key": "c", "name": "C", "scale": "s"}],
            "roles": [
                {"key": "a", "title": "A", "requirements": [{"competency": "c", "level": 5}]}
            ],
        }
    )
    levels = PeopleLevels.from_levels(model, ["p", "q"], ["c"], [[2.0], [4.0]])
    full = readiness_matrix(model, levels, on=ON)
    top = TopMatches.from_matrix(full, 2)
    swapped = top.candidates_per_role.index[:, ::-1].copy()
    wrong = TopMatches(
        people=top.people,
        roles=top.roles,
        k=2,
        roles_per_person=top.roles_per_person,
        candidates_per_role=type(top.candidates_per_role)(
            index=swapped,
            readiness=top.candidates_per_role.readiness[:, ::-1].copy(),
            gap=top.candidates_per_role.gap[:, ::-1].copy(),
            share_met=top.candidates_per_role.share_met[:, ::-1].copy(),
            coverage=top.candidates_per_role.coverage[:, ::-1].copy(),
            ready=top.candidates_per_role.ready[:, ::-1].copy(),
        ),
        policy=top.policy,
        on=top.on,
    )
    assert_same_top(top, full, 2, exact=False)
    with pytest.raises(AssertionError):
        assert_same_top(wrong, full, 2, exact=False)


# -- the store's own tables (PostgreSQL) -----------------------------------------------------

RATERS = [RaterType.SELF, RaterType.MANAGER, RaterType.PEER, RaterType.TEST]


@st.composite
def store_cases(draw: st.DrawFn) -> tuple[CompetencyModel, list[Assessment]]:
    """A dyadic model and raw assessments: several raters and dates, some expired."""
    model, _, _ = draw(cases(dyadic=True))
    out = []
    for p in range(draw(st.integers(1, 5))):
        for c in model.competencies:
            values = model.scale(c.scale).values
            for _ in range(draw(st.integers(0, 3))):
                day = ON - dt.timedelta(days=draw(st.integers(0, 3)))
                expired = day < ON and draw(st.integers(0, 4)) == 0
                out.append(
                    Assessment(
                        person=f"p{p}",
                        competency=c.key,
                        level=draw(st.sampled_from(values)),
                        rater_type=draw(st.sampled_from(RATERS)),
                        date=day,
                        expires=ON - dt.timedelta(days=1) if expired else None,
                    )
                )
    return model, out


@pytest.mark.postgres
def test_postgres_scores_the_stores_own_assessments(pg_server: Any) -> None:
    """Raw assessments resolved in SQL (latest, priority, blend) as the in-memory road does."""
    from competency_core.store import Store

    name = f"cc_engstore_{os.getpid()}_{next(_counter)}"
    url = str(pg_server.create_database(name))
    try:
        store = Store(url)

        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            derandomize=True,
        )
        @given(
            case=store_cases(),
            policy=st.builds(
                ScoringPolicy,
                unassessed=st.sampled_from(["minimum", "exclude"]),
                aggregation=st.sampled_from(["latest", "priority", "blend"]),
            ),
        )
        def run(case: tuple[CompetencyModel, list[Assessment]], policy: ScoringPolicy) -> None:
            model, assessments = case
            import sqlalchemy as sa

            with store.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM cc_assessment"))
                conn.execute(sa.text("DELETE FROM cc_person"))
            store.upsert_people(Person(key=f"p{p}", name=f"P{p}") for p in range(5))
            store.add_assessments(assessments, model=model.key)
            workforce = store.workforce(model, as_of=ON)
            ref = readiness_matrix(model, workforce, policy=policy, on=ON)
            # blend's and same-day means are averaged by the database (not math.fsum)
            exact = policy.aggregation.value != "blend"
            with E.engine("postgres", url=url) as eng:
                got = eng.matrix(model, url, policy=policy, on=ON)
                assert_same_matrix(got, ref, exact=False)
                top = eng.top_matches(model, url, policy=policy, on=ON, k=2)
                assert_same_top(top, ref, 2, exact=False)
                if exact:
                    assert_same_matrix(got, ref, exact=True)

        run()
        store.close()
    finally:
        pg_server.drop_database(name)


# -- bad input and missing engines -----------------------------------------------------------


def _small() -> tuple[CompetencyModel, pa.Table]:
    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "proficient": 3,
                    "levels": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4, 5)],
                }
            ],
            "competencies": [{"key": "c", "name": "C", "scale": "s"}],
            "roles": [
                {"key": "a", "title": "A", "requirements": [{"competency": "c", "level": 4}]}
            ],
        }
    )
    return model, pa.table({"person": ["p"], "competency": ["c"], "level": [3.0]})


@pytest.mark.parametrize("name", ["memory", "duckdb"])
@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"person": ["p"], "competency": ["x"], "level": [3.0]}, "'x' .*not in"),
        ({"person": ["p"], "competency": ["c"], "level": [9.0]}, "outside"),
        ({"person": ["p", "p"], "competency": ["c", "c"], "level": [3.0, 2.0]}, "two levels"),
        ({"person": ["p"], "level": [3.0]}, "competency"),
    ],
)
def test_bad_levels_tables_get_clear_errors(
    name: str, table: dict[str, list[Any]], message: str
) -> None:
    model, _ = _small()
    with E.engine(name) as eng, pytest.raises(ScoringError, match=message):
        eng.top_matches(model, pa.table(table), on=ON)


def test_unknown_engine_bad_k_and_missing_url() -> None:
    model, table = _small()
    with pytest.raises(ScoringError, match=r"unknown engine 'oracle'.*duckdb, memory"):
        E.engine("oracle")
    with pytest.raises(ScoringError, match="needs a database URL"):
        E.engine("postgres")
    with E.engine("duckdb") as eng, pytest.raises(ScoringError, match="k must be at least 1"):
        eng.top_matches(model, table, k=0)
    with E.engine("memory") as eng, pytest.raises(ScoringError, match="store URL"):
        eng.top_matches(model, "postgresql://x/y")


def test_spark_without_java_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(E, "_SPARK", None)
    monkeypatch.setattr(E.shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(E.EngineUnavailable, match="openjdk-17-jre-headless"):
        E.spark_session()


def test_a_missing_module_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    with pytest.raises(E.EngineUnavailable, match="pip install duckdb"):
        E.engine("duckdb")


def test_parquet_levels_read_by_duckdb_where_they_lie(tmp_path: Any) -> None:
    """A Parquet levels file gives what the same table in memory gives."""
    import pyarrow.parquet as pq

    model, table = _small()
    table = pa.table(
        {"person": ["q", "p", "q"], "competency": ["c", "c", "c"], "level": [5.0, 3.0, 5.0]}
    ).slice(0, 2)
    path = tmp_path / "levels.parquet"
    pq.write_table(table, path)
    with E.engine("duckdb") as eng:
        got = eng.matrix(model, path, on=ON)
    ref = readiness_matrix(
        model, PeopleLevels.from_levels(model, ["q", "p"], ["c"], [[5.0], [3.0]]), on=ON
    )
    assert_same_matrix(got, ref, exact=True)
    assert got.people == ("q", "p")
    with E.engine("duckdb") as eng, pytest.raises(ScoringError, match="no such levels file"):
        eng.top_matches(model, tmp_path / "missing.parquet")


def test_every_engine_gives_the_full_matrix(engine_factory: Any) -> None:
    """The full matrix (the ``k=None`` query), once per engine on a case with ties."""
    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "proficient": 2,
                    "levels": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)],
                }
            ],
            "competencies": [{"key": f"c{j}", "name": f"C{j}", "scale": "s"} for j in range(3)],
            "roles": [
                {
                    "key": f"r{r}",
                    "title": f"R{r}",
                    "requirements": [
                        {
                            "competency": f"c{j}",
                            "level": 1 + (r + j) % 4,
                            "weight": 0.7 + j,
                            "essential": j == r,
                        }
                        for j in range(3)
                        if j != r or r == 2
                    ],
                }
                for r in range(4)
            ],
        }
    )
    nan = float("nan")
    raw = [[1, 2, 3], [4, nan, 2], [4, nan, 2], [nan, nan, nan], [2, 3, 4]]
    people = [f"p{i}" for i in range(len(raw))]
    levels = PeopleLevels.from_levels(model, people, ["c0", "c1", "c2"], raw)
    for policy in (ScoringPolicy(), ScoringPolicy(unassessed="exclude", ready_threshold=0.5)):
        ref = readiness_matrix(model, levels, policy=policy, on=ON)
        with engine_factory() as eng:
            got = eng.matrix(model, levels, policy=policy, on=ON)
        assert_same_matrix(got, ref, exact=False)


@pytest.mark.parametrize("name", ["memory", "duckdb"])
def test_progress_is_reported_after_each_range_of_people(name: str) -> None:
    model, _ = _small()
    table = pa.table(
        {"person": [f"p{i}" for i in range(5)], "competency": ["c"] * 5, "level": [3.0] * 5}
    )
    seen: list[tuple[int, int]] = []
    options = {} if name == "memory" else {"people_per_query": 2}
    with E.engine(name, **options) as eng:
        eng.top_matches(model, table, on=ON, k=1, progress=lambda d, n: seen.append((d, n)))
    assert seen == ([(5, 5)] if name == "memory" else [(2, 5), (4, 5), (5, 5)])
