"""``competency readiness|fit --engine``: same answers as today, tables in and out, clean errors.

The examples (examples/software-engineering.yaml, examples/people.yaml) scored through the
CLI on the memory and DuckDB engines must give what the library's reference gives
(``TopMatches.from_matrix`` of ``readiness_matrix``), and ``fit --engine`` what ``fit``
gives without it. People's levels go in as Parquet, Arrow and CSV tables, results come out
as Parquet, Arrow, CSV and JSON, and each reads back to the same rows. Bad input ends with
one line on standard error and exit code 2. PostgreSQL and Spark run once each (marked).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.cli import scale_run
from competency_core.cli.workforce_source import LEVELS_TABLE_SUFFIXES
from competency_core.console import OutputFormat
from competency_core.io import load_model, load_workforce
from competency_core.scale import tables
from competency_core.scale.results import TopMatches
from competency_core.scoring import ScoringPolicy, readiness_matrix
from competency_core.scoring.bulk import PeopleLevels

ON = "2026-04-01"
DAY = dt.date(2026, 4, 1)
FAST_ENGINES = ("memory", "duckdb") + (
    ("streaming",) if importlib.util.find_spec("competency_core.scale.streaming") else ()
)
"""The engines fast enough for every test (streaming once its module is there)."""


@pytest.fixture(scope="module")
def files() -> tuple[Path, Path]:
    root = Path(__file__).resolve().parents[2] / "examples"
    return root / "software-engineering.yaml", root / "people.yaml"


@pytest.fixture(scope="module")
def loaded(files: tuple[Path, Path]) -> tuple[Any, Any]:
    m = load_model(files[0])
    return m, load_workforce(files[1], m)


def reference_rows(
    loaded: Any, k: int, policy: ScoringPolicy | None = None
) -> list[dict[str, Any]]:
    model, wf = loaded
    matrix = readiness_matrix(model, wf, policy=policy or ScoringPolicy(), on=DAY)
    return tables.table_rows(tables.top_matches_table(TopMatches.from_matrix(matrix, k)))


def same_rows(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert {c: g[c] for c in ("ranked_by", "person", "role", "rank", "ready")} == {
            c: w[c] for c in ("ranked_by", "person", "role", "rank", "ready")
        }
        for c in ("readiness", "gap", "share_met", "coverage"):
            assert g[c] == pytest.approx(w[c], abs=1e-12)


@pytest.fixture(scope="module")
def levels_files(loaded: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples' resolved levels as tables, one file per suffix."""
    model, wf = loaded
    levels = PeopleLevels.from_workforce(model, wf, on=DAY)
    table = tables.levels_table(levels, model)
    root = tmp_path_factory.mktemp("levels")
    out = {}
    for suffix in LEVELS_TABLE_SUFFIXES:
        path = root / f"levels{suffix}"
        tables.write_table(table, path)
        out[suffix] = path
    return out


# -- same answers -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_readiness_on_an_engine_gives_the_reference_top_k(
    cli: Any, files: Any, loaded: Any, engine: str
) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", engine, "-k", "3",
            "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    data = r.json()
    assert (data["engine"], data["k"], data["on"]) == (engine, 3, ON)
    assert (data["people"], data["roles"]) == (len(loaded[1].people), len(loaded[0].roles))
    same_rows(data["rows"], reference_rows(loaded, 3))


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_the_policy_options_reach_the_engine(
    cli: Any, files: Any, loaded: Any, engine: str
) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", engine, "-k", "2",
            "--unassessed", "exclude", "--threshold", "0.6", "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    policy = ScoringPolicy(unassessed="exclude", ready_threshold=0.6)
    want = reference_rows(loaded, 2, policy)
    assert want != reference_rows(loaded, 2)  # the options matter on the examples
    same_rows(r.json()["rows"], want)


def test_readiness_without_engine_is_unchanged(cli: Any, files: Any) -> None:
    """No --engine, --top or --out: organisation readiness as before (no engine keys)."""
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "-f", "json")
    assert r.code == 0, r.err
    data = r.json()
    assert "by_competency" in data
    assert "rows" not in data
    assert "engine" not in data


@pytest.mark.parametrize("engine", FAST_ENGINES)
@pytest.mark.parametrize(
    "who",
    [
        ("--person", "daniel-kim", "-k", "3"),
        ("--role", "staff-engineer", "-k", "5"),
        ("--role", "engineer", "--include-incumbents"),
        ("--role", "senior-engineering-manager", "--moves", "up", "-k", "2"),
    ],
)
def test_fit_on_an_engine_answers_as_fit_does(
    cli: Any, files: Any, engine: str, who: tuple[str, ...]
) -> None:
    model, people = files
    base = ("fit", model, "-p", people, "--on", ON, *who, "-f", "json")
    today, on_engine = cli(*base), cli(*base, "--engine", engine)
    assert today.code == on_engine.code == 0, on_engine.err
    want, got = today.json(), on_engine.json()
    assert [m["person"] for m in got["matches"]] == [m["person"] for m in want["matches"]]
    assert [m["role"] for m in got["matches"]] == [m["role"] for m in want["matches"]]
    assert got.get("filters") == want.get("filters")
    for g, w in zip(got["matches"], want["matches"], strict=True):
        assert g["readiness"] == pytest.approx(w["readiness"], abs=1e-12)
        assert g["ready"] is w["ready"]


def test_fit_text_on_an_engine_prints_the_same_table(cli: Any, files: Any) -> None:
    model, people = files
    base = ("fit", model, "-p", people, "--on", ON, "--role", "staff-engineer", "-k", "4")
    today, on_engine = cli(*base), cli(*base, "--engine", "memory")
    assert today.code == on_engine.code == 0
    assert on_engine.out == today.out


def test_fit_for_everyone_writes_what_readiness_writes(
    cli: Any, files: Any, tmp_path: Path
) -> None:
    model, people = files
    a, b = tmp_path / "fit.csv", tmp_path / "readiness.csv"
    r1 = cli("fit", model, "-p", people, "--on", ON, "--engine", "duckdb", "-k", "4", "--out", a)
    r2 = cli("readiness", model, "-p", people, "--on", ON, "-k", "4", "--out", b)
    assert r1.code == r2.code == 0, r1.err + r2.err
    # the same rows, keys and flags; figures within the engines' contract (1e-12: DuckDB
    # sums the had part, the memory engine the required mass less the gap mass)
    got, want = (list(csv.reader(io.StringIO(f.read_text()))) for f in (a, b))
    assert got[0] == want[0]
    assert len(got) == len(want)
    for g, w in zip(got[1:], want[1:], strict=True):
        assert len(g) == len(w), (g, w)
        for x, y in zip(g, w, strict=True):
            if _is_float(y) and "." in y:
                assert float(x) == pytest.approx(float(y), abs=1e-12), (g, w)
            else:
                assert x == y, (g, w)
    assert "wrote" in r1.out


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_readiness_text_lists_each_roles_best_candidates(cli: Any, files: Any, loaded: Any) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", "memory", "-k", "1")
    assert r.code == 0, r.err
    top = TopMatches.from_matrix(readiness_matrix(*loaded, on=DAY), 1)
    for role in top.roles:
        assert top.top_candidates(role)[0].person[:8] in r.out
    assert "11 ready for at least one role" in r.out


# -- tables in and out ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", LEVELS_TABLE_SUFFIXES)
@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_levels_tables_score_as_the_workforce_does(
    cli: Any, files: Any, loaded: Any, levels_files: dict[str, Path], suffix: str, engine: str
) -> None:
    model, _ = files
    r = cli("readiness", model, "-p", levels_files[suffix], "--on", ON, "--engine", engine,
            "-k", "3", "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    same_rows(r.json()["rows"], reference_rows(loaded, 3))


@pytest.fixture(scope="module")
def evidence_files(loaded: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples' assessments and evidence as tables (the columnar road's input)."""
    from competency_core.scale.columnar import EvidenceColumns

    table = EvidenceColumns.from_workforce(loaded[1]).to_arrow()
    # grouped by person (the streaming engine reads Parquet a person at a time), people
    # kept in the order they first appear
    persons = table.column("person").to_pylist()
    first = {p: i for i, p in reversed(list(enumerate(persons)))}
    order = sorted(range(len(persons)), key=lambda i: (first[persons[i]], i))
    table = table.take(order)
    root = tmp_path_factory.mktemp("evidence")
    out = {}
    for suffix in (".parquet", ".arrow", ".csv"):
        path = root / f"evidence{suffix}"
        tables.write_table(table, path)
        out[suffix] = path
    return out


@pytest.mark.parametrize("suffix", [".parquet", ".arrow", ".csv"])
@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_assessment_tables_are_resolved_by_the_policy(
    cli: Any, files: Any, loaded: Any, evidence_files: dict[str, Path], suffix: str, engine: str
) -> None:
    """A table with dates and rater types is evidence: resolved as the workforce file is."""
    model, _ = files
    for policy in (ScoringPolicy(), ScoringPolicy(aggregation="blend", unassessed="exclude")):
        r = cli("readiness", model, "-p", evidence_files[suffix], "--on", ON, "--engine", engine,
                "-k", "3", "--aggregate", policy.aggregation.value,
                "--unassessed", policy.unassessed.value, "-f", "json")  # fmt: skip
        assert r.code == 0, r.err
        same_rows(r.json()["rows"], reference_rows(loaded, 3, policy))


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_an_empty_levels_table_scores_nobody(
    cli: Any, model_file: Path, tmp_path: Path, engine: str
) -> None:
    path = tmp_path / "levels.csv"
    path.write_text("person,competency,level\n")  # no rows: pyarrow types the columns null
    r = cli("readiness", model_file, "-p", path, "--engine", engine, "-f", "json")
    assert r.code == 0, r.out + r.err
    assert r.json()["people"] == 0
    assert r.json()["rows"] == []


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_a_stores_people_are_read_into_columns(
    cli: Any, files: Any, loaded: Any, tmp_path: Path, engine: str
) -> None:
    """--store without --people: the store's assessments, as Store.workforce reads them."""
    from competency_core.store import Store

    model, wf = loaded
    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        store.add_model(model)
        store.import_workforce(wf, model=model.key)
        as_stored = store.workforce(model, as_of=DAY)
    r = cli("readiness", files[0], "--store", path, "--on", ON, "--engine", engine, "-k", "3",
            "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    same_rows(r.json()["rows"], reference_rows((model, as_stored), 3))


@pytest.mark.parametrize("suffix", [".parquet", ".arrow", ".feather", ".csv", ".json"])
def test_results_read_back_as_written(
    cli: Any, files: Any, loaded: Any, tmp_path: Path, suffix: str
) -> None:
    model, people = files
    out = tmp_path / f"top{suffix}"
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", "memory", "-k", "3",
            "--out", out, "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    want = reference_rows(loaded, 3)
    assert r.json()["rows_written"] == len(want)
    assert "rows" not in r.json()
    if suffix == ".json":
        doc = json.loads(out.read_text())
        assert doc["k"] == 3
        assert doc["engine"] == "memory"
        same_rows(doc["rows"], want)
        return
    table = tables.read_table(out)
    same_rows(table.to_pylist(), want)
    if suffix != ".csv":  # CSV keeps no types or metadata
        assert table.schema.remove_metadata() == tables.result_schema()
        meta = tables.table_metadata(table)
        assert (meta["k"], meta["on"], meta["engine"]) == (3, ON, "memory")


def test_the_documented_columns_are_the_tables(loaded: Any) -> None:
    matrix = readiness_matrix(*loaded, on=DAY)
    got = tables.top_matches_table(TopMatches.from_matrix(matrix, 2))
    assert got.column_names == [name for name, _, _ in tables.RESULT_COLUMNS]
    assert list(tables.result_json_schema()["properties"]) == got.column_names
    doc = (Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text()
    for name, kind, _ in tables.RESULT_COLUMNS:
        assert f"| `{name}` | {kind} |" in doc


def test_the_full_matrix_ranks_every_pair(loaded: Any) -> None:
    matrix = readiness_matrix(*loaded, on=DAY)
    got = tables.matrix_table(matrix)
    n_p, n_r = len(matrix.people), len(matrix.roles)
    assert got.num_rows == n_p * n_r
    rows = got.to_pylist()
    first = rows[:n_r]
    assert [x["rank"] for x in first] == list(range(1, n_r + 1))
    assert [x["role"] for x in first[:3]] == [m.role for m in matrix.top_roles(matrix.people[0], 3)]
    for x in rows[:: n_r + 1]:
        m = matrix.match(x["person"], x["role"])
        assert (x["readiness"], x["ready"]) == (m.readiness, m.ready)


@settings(max_examples=30, deadline=None)
@given(
    levels=st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3),
        min_size=0,
        max_size=6,
    ),
    shuffle=st.randoms(use_true_random=False),
)
def test_levels_tables_round_trip(levels: list[list[int | None]], shuffle: Any) -> None:
    """Levels -> table -> levels is exact, whatever the rows' order; people keep their order."""
    from competency_core.testing.samples import sample_model

    model = sample_model()
    comps = [c.key for c in model.competencies][:3]
    people = [f"p{i}" for i in range(len(levels))]
    lo = [model.scale_of(c).min_value for c in comps]
    hi = [model.scale_of(c).max_value for c in comps]
    raw = np.array(
        [
            [
                np.nan if v is None else lo[j] + (v - 1) * (hi[j] - lo[j]) / 4
                for j, v in enumerate(row)
            ]
            for row in levels
        ],
        dtype=np.float64,
    ).reshape(len(levels), 3)
    full = np.full((len(people), len(model.competencies)), np.nan)
    full[:, :3] = raw
    keys = [c.key for c in model.competencies]
    before = PeopleLevels.from_levels(model, people, keys, full)
    table = tables.levels_table(before, model)
    order = list(range(table.num_rows))
    shuffle.shuffle(order)
    import pyarrow as pa

    after = tables.levels_from_table(model, table.take(pa.array(order, pa.int64())))
    seen = [p for p in people if not np.isnan(before.normalised[people.index(p)]).all()]
    assert set(after.people) == set(seen)
    for p in after.people:
        np.testing.assert_array_equal(
            after.normalised[after.people.index(p)], before.normalised[people.index(p)]
        )


# -- errors ---------------------------------------------------------------------------------


def one_line_error(r: Any) -> str:
    assert r.code == 2, (r.out, r.err)
    lines = [x for x in r.err.strip().splitlines() if x.strip()]
    assert len(lines) == 1, r.err
    return lines[0]


@pytest.fixture
def model_file(files: Any) -> Path:
    return Path(files[0])


def test_unknown_engine(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--engine", "oracle")
    assert r.code == 2
    assert "oracle" in r.err
    assert "duckdb" in r.err


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_unreadable_parquet(cli: Any, model_file: Path, tmp_path: Path, engine: str) -> None:
    bad = tmp_path / "people.parquet"
    bad.write_text("not parquet at all\n")
    line = one_line_error(cli("readiness", model_file, "-p", bad, "--engine", engine))
    assert "people.parquet" in line


@pytest.mark.parametrize("engine", FAST_ENGINES)
def test_wrong_columns(cli: Any, model_file: Path, tmp_path: Path, engine: str) -> None:
    import pyarrow as pa

    path = tmp_path / "levels.parquet"
    tables.write_table(pa.table({"who": ["a"], "competency": ["x"], "level": [1.0]}), path)
    line = one_line_error(cli("readiness", model_file, "-p", path, "--engine", engine))
    assert "person" in line


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ("person,competency,level\na,no-such-thing,1\n", "no-such-thing"),
        ("person,competency,level\na,python,1\na,python,2\n", "more than one level"),
        ("person,competency,level\na,python,99\n", "outside"),
        ("person,competency,level\na,python,high\n", "numbers"),
    ],
)
def test_bad_levels(
    cli: Any, model_file: Path, tmp_path: Path, rows: str, words: str, loaded: Any
) -> None:
    comp = loaded[0].competencies[0].key
    path = tmp_path / "levels.csv"
    path.write_text(rows.replace("python", comp))
    line = one_line_error(cli("readiness", model_file, "-p", path, "--engine", "memory"))
    assert words in line


@pytest.mark.skipif("streaming" not in FAST_ENGINES, reason="no scale.streaming yet")
def test_streaming_needs_parquet_grouped_by_person(
    cli: Any, model_file: Path, tmp_path: Path
) -> None:
    import pyarrow as pa

    path = tmp_path / "levels.parquet"
    table = pa.table({"person": ["a", "b", "a"], "competency": ["x", "x", "y"], "level": [1, 2, 3]})
    tables.write_table(table, path)
    line = one_line_error(cli("readiness", model_file, "-p", path, "--engine", "streaming"))
    assert "group" in line


def test_bad_levels_in_json(cli: Any, model_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "levels.csv"
    path.write_text("person,competency,level\na,nope,1\n")
    r = cli("readiness", model_file, "-p", path, "--engine", "memory", "-f", "json")
    assert r.code == 2
    assert "nope" in r.json()["errors"][0]["message"]


def test_unknown_output_format(cli: Any, files: Any, tmp_path: Path) -> None:
    model, people = files
    out = tmp_path / "top.xlsx"
    line = one_line_error(cli("readiness", model, "-p", people, "--out", out))
    assert ".parquet" in line
    assert not out.exists()


@pytest.mark.parametrize(
    "extra",
    [("--by", "team"), ("--explain",), ("--language", "sv")],
)
def test_organisation_options_do_not_mix_with_engines(
    cli: Any, files: Any, extra: tuple[str, ...]
) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--engine", "memory", *extra)
    assert r.code == 2
    assert "--engine" in r.err


def test_a_table_is_not_a_workforce_file(
    cli: Any, model_file: Path, levels_files: dict[str, Path]
) -> None:
    line = one_line_error(cli("gap", model_file, "-p", levels_files[".parquet"], "--person", "p"))
    assert "--engine" in line


def test_fit_filters_need_a_workforce(
    cli: Any, model_file: Path, levels_files: dict[str, Path]
) -> None:
    line = one_line_error(
        cli(
            "fit",
            model_file,
            "-p",
            levels_files[".parquet"],
            "--role",
            "engineer",
            "--engine",
            "memory",
            "--team",
            "platform",
        )
    )
    assert "workforce" in line


def test_spark_without_java(cli: Any, files: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    model, people = files
    monkeypatch.setattr(scale_run.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    line = one_line_error(cli("readiness", model, "-p", people, "--engine", "spark"))
    assert "Java" in line


def test_spark_without_pyspark(cli: Any, files: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    model, people = files
    real = scale_run.importlib.util.find_spec
    monkeypatch.setattr(
        scale_run.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pyspark" else real(name, *a),
    )
    line = one_line_error(cli("readiness", model, "-p", people, "--engine", "spark"))
    assert "pyspark" in line


def test_postgres_needs_a_postgres_store(cli: Any, files: Any, tmp_path: Path) -> None:
    model, people = files
    line = one_line_error(
        cli(
            "readiness",
            model,
            "-p",
            people,
            "--engine",
            "postgres",
            "--store",
            tmp_path / "x.sqlite3",
        )
    )
    assert "postgresql://" in line


# -- progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "switch", "pairs", "shown"),
    [
        (OutputFormat.TEXT, None, scale_run.LONG_RUN_PAIRS, True),
        (OutputFormat.TEXT, None, scale_run.LONG_RUN_PAIRS - 1, False),
        (OutputFormat.TEXT, True, 10, True),
        (OutputFormat.TEXT, False, 10**9, False),
        (OutputFormat.JSON, True, 10**9, False),
    ],
)
def test_the_progress_bar_shows_only_on_long_text_runs_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, fmt: OutputFormat, switch: bool | None, pairs: int, shown: bool
) -> None:
    from rich.console import Console

    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, width=80)
    monkeypatch.setattr(scale_run, "err_console", terminal)
    with scale_run.progress_bar(fmt, switch, pairs, "scoring") as tell:
        assert (tell is not None) is shown
        if tell is not None:
            tell(5, 10)
    assert ("scoring" in buffer.getvalue()) is shown


def test_the_progress_bar_runs_on_the_lazy_error_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich's Live enters its console (``with console:``): the CLI's lazy one must allow it."""
    from competency_core.console import _LazyConsole

    buffer = io.StringIO()
    lazy = _LazyConsole(file=buffer, force_terminal=True, width=80)
    monkeypatch.setattr(scale_run, "err_console", lazy)
    with scale_run.progress_bar(OutputFormat.TEXT, True, 10, "scoring") as tell:
        assert tell is not None
        tell(10, 10)
    assert "10/10" in buffer.getvalue()


def test_no_progress_bar_when_piped(cli: Any, files: Any) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", "memory", "--progress")
    assert r.code == 0
    assert r.err == ""


def test_the_memory_engine_tells_its_progress(loaded: Any) -> None:
    model, wf = loaded
    levels = PeopleLevels.from_workforce(model, wf, on=DAY)
    told: list[tuple[int, int]] = []
    old = scale_run.CHUNK_PEOPLE
    try:
        scale_run.CHUNK_PEOPLE = 5
        got = scale_run.memory_top_matches(
            model, levels, roles=None, policy=ScoringPolicy(), on=DAY, k=2,
            progress=lambda d, t: told.append((d, t)),
        )  # fmt: skip
    finally:
        scale_run.CHUNK_PEOPLE = old
    n = len(levels.people)
    assert told == [(min(n, s + 5), n) for s in range(0, n, 5)]
    want = TopMatches.from_matrix(readiness_matrix(model, levels, on=DAY), 2)
    assert tables.table_rows(tables.top_matches_table(got)) == tables.table_rows(
        tables.top_matches_table(want)
    )


# -- PostgreSQL and Spark through the CLI (one each) -----------------------------------------


@pytest.fixture(scope="module")
def pg_database() -> Any:
    """A fresh database on the throw-away PostgreSQL server (skipped where there is none)."""
    try:
        from competency_testing.postgres import PostgresUnavailable, postgres_server
    except ImportError as exc:  # pragma: no cover - the testing package ships with the repo
        pytest.skip(f"competency_testing.postgres: {exc}")
    import sqlalchemy as sa

    existing = os.environ.get("COMPETENCY_TEST_POSTGRES_URL")
    try:
        cm = None
        if existing:
            base = sa.engine.make_url(existing)
        else:
            cm = postgres_server()
            server = cm.__enter__()
            base = sa.engine.make_url(server.url())
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL required in CI: {exc}", pytrace=False)
        pytest.skip(str(exc))
    base = base.set(drivername="postgresql+psycopg")
    name = f"cc_cli_scale_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
        if cm is not None:
            cm.__exit__(None, None, None)


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_through_the_cli(cli: Any, files: Any, loaded: Any, pg_database: str) -> None:
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", "postgres",
            "--store", pg_database, "-k", "3", "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    same_rows(r.json()["rows"], reference_rows(loaded, 3))


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_scores_the_stores_own_data(cli: Any, pg_database: str, tmp_path: Path) -> None:
    """No --people: the store's people and assessments, scored inside its database."""
    from competency_core.io import save_model
    from competency_core.store import Store
    from competency_core.testing.samples import sample_model, sample_workforce

    model = sample_model()
    path = tmp_path / "sample.yaml"
    save_model(model, path)
    wf = sample_workforce()
    # assessments on another scale need the model's scale mapping, not compiled to SQL
    own = [a for a in wf.assessments if a.scale in (None, model.scale_of(a.competency).key)]
    assert own
    wf = wf.model_copy(update={"assessments": own})
    with Store(pg_database) as store:
        store.add_model(model)
        store.import_workforce(wf, model=model.key)
    base = ("readiness", path, "--store", pg_database, "--on", ON, "-k", "2", "-f", "json")
    in_db, in_memory = cli(*base, "--engine", "postgres"), cli(*base, "--engine", "memory")
    assert in_db.code == in_memory.code == 0, in_db.err + in_memory.err
    assert in_db.json()["people"] == len(wf.people)
    same_rows(in_db.json()["rows"], in_memory.json()["rows"])
    # a model with evidence rules is not compiled to SQL: one line, exit 2
    examples = Path(__file__).resolve().parents[2] / "examples" / "software-engineering.yaml"
    line = one_line_error(
        cli("readiness", examples, "--store", pg_database, "--engine", "postgres")
    )
    assert "evidence rules" in line


@pytest.mark.slow
def test_spark_through_the_cli(cli: Any, files: Any, loaded: Any) -> None:
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("Spark needs Java in CI", pytrace=False)
        pytest.skip("no Java runtime")
    model, people = files
    r = cli("readiness", model, "-p", people, "--on", ON, "--engine", "spark", "-k", "3",
            "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    same_rows(r.json()["rows"], reference_rows(loaded, 3))
