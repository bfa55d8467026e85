"""competency-core's hypothesis and pytest entry points, as a user's process meets them.

Each test runs a fresh interpreter (or a fresh pytest) so that what is imported, and in
which order, is the user's: ``st.from_type`` gives valid objects whichever of hypothesis
and competency-core comes first; the pytest fixtures are there without a conftest.
How little the two plugins load is checked in tests/test_light_imports.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from competency_core.testing._hypothesis import REGISTERED

DOMAIN = tuple(REGISTERED)
"""The modules that define the registered types."""

CHECKS = """
import importlib, inspect, sys
from hypothesis import HealthCheck, given, settings, strategies as st

def finder_installed():
    return any(type(f).__name__ == "RegisterOnImport" for f in sys.meta_path)

def strategies_loaded():
    return "competency_core.testing.strategies" in sys.modules

def check_from_type():
    from competency_core.model import CompetencyModel
    from competency_core.people import Assessment, Person, Workforce
    from competency_core.roles import RoleProfile
    from competency_core.scales import ProficiencyScale
    from competency_core.scoring.policy import ScoringPolicy

    @settings(
        max_examples=3, database=None, derandomize=True, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.from_type(CompetencyModel), st.from_type(RoleProfile), st.from_type(ProficiencyScale),
        st.from_type(Person), st.from_type(Assessment), st.from_type(Workforce),
        st.from_type(ScoringPolicy),
    )
    def check(model, role, scale, person, assessment, workforce, policy):
        # valid: each goes through its type's validation again unchanged
        for value in (model, role, scale, person, assessment, workforce, policy):
            assert type(value).model_validate(value.model_dump()) == value
        assert model.roles or model.competencies
        assert {a.person for a in workforce.assessments} <= {p.key for p in workforce.people}

    check()
"""


def run_python(script: str) -> str:
    """Run ``CHECKS`` + ``script`` in a fresh interpreter with hypothesis' plugins on."""
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-P", "-c", CHECKS + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_hypothesis_first_then_the_domain() -> None:
    out = run_python(
        """
        import hypothesis
        assert not [m for m in sys.modules if m.startswith("competency_core.") and
                    not m.startswith(("competency_core._lazy", "competency_core.testing"))]
        assert finder_installed()

        import competency_core.model, competency_core.people, competency_core.roles
        assert finder_installed()  # competency_core.scoring.policy is still to come
        assert not strategies_loaded()
        import competency_core.scoring.policy
        assert not finder_installed()  # every module has run: the finder is gone
        assert not strategies_loaded()  # nothing of the strategies until they are used
        check_from_type()
        assert strategies_loaded()
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_the_domain_first_then_hypothesis() -> None:
    out = run_python(
        f"""
        for name in {DOMAIN!r}:
            importlib.import_module(name)
        import hypothesis
        assert not finder_installed()  # registered at once
        assert not strategies_loaded()
        check_from_type()
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_the_loaders_are_left_as_they_were() -> None:
    out = run_python(
        """
        import hypothesis
        import competency_core.scales as scales
        spec, loader = scales.__spec__, scales.__loader__
        assert spec.loader is loader and type(loader).__name__ == "SourceFileLoader"
        assert "exec_module" not in vars(loader)  # the one-run wrapper removed itself
        assert "competency_core.model" not in sys.modules
        assert "class ProficiencyScale" in inspect.getsource(scales)
        assert finder_installed()  # the other modules are still to come
        import competency_core.model, competency_core.scoring.policy
        assert not finder_installed()
        check_from_type()
        # found and run again as usual (its classes are new ones then, which the
        # strategies, made with the old ones, do not generate: no reloads in tests)
        assert importlib.reload(scales) is scales
        print("ok")
        """
    )
    assert out.strip() == "ok"


def test_explicit_registration_without_plugins() -> None:
    env = {**os.environ, "HYPOTHESIS_NO_PLUGINS": "1"}
    script = """
    import sys
    from hypothesis import strategies as st
    assert "competency_core.testing._hypothesis" not in sys.modules
    from competency_core.testing.strategies import register_type_strategies
    from competency_core.model import CompetencyModel
    register_type_strategies()
    assert isinstance(st.from_type(CompetencyModel).example(), CompetencyModel)
    """
    result = subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_registered_types_match_the_strategies() -> None:
    # the hook names the modules and types as strings: they must match the strategies
    from competency_core.testing.strategies import TYPE_STRATEGIES

    by_module: dict[str, set[str]] = {}
    for cls in TYPE_STRATEGIES:
        by_module.setdefault(cls.__module__, set()).add(cls.__name__)
    assert {m: set(names) for m, names in REGISTERED.items()} == by_module


def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a fresh process on ``tmp_path`` (no conftest, no ini file of ours)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )


FIXTURE_TESTS = """
from competency_core.model import CompetencyModel
from competency_core.people import Workforce


def test_the_sample(competency_model, competency_workforce):
    assert isinstance(competency_model, CompetencyModel)
    assert competency_model.roles
    assert isinstance(competency_workforce, Workforce)
    assert {a.person for a in competency_workforce.assessments} <= {
        p.key for p in competency_workforce.people
    }


def test_the_contract(scoring_contract):
    from competency_core.testing.properties import library_score

    scoring_contract(library_score, max_examples=3)
"""


def test_fixtures_without_a_conftest(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(FIXTURE_TESTS)
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_an_old_pytest_plugins_line_still_works(tmp_path: Path) -> None:
    # the entry point loads another module than the documented line names: no
    # "Plugin already registered" error for apps that followed the old docs
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["competency_core.testing.fixtures"]\n')
    (tmp_path / "test_app.py").write_text(FIXTURE_TESTS)
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_the_plugin_can_be_turned_off(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(FIXTURE_TESTS)
    result = run_pytest(tmp_path, "-p", "no:competency_core")
    assert result.returncode != 0
    assert "fixture 'competency_model' not found" in result.stdout


def test_from_type_through_pytests_assertion_rewriter(tmp_path: Path) -> None:
    # Installed from a wheel, competency_core is marked for assertion rewriting (pytest
    # does so for the packages of every pytest11 distribution): its modules are then
    # loaded by the rewriter, one loader shared by many modules.
    (tmp_path / "conftest.py").write_text(
        'import pytest\npytest.register_assert_rewrite("competency_core")\n'
    )
    (tmp_path / "test_app.py").write_text(
        CHECKS
        + textwrap.dedent(
            """
            def test_rewritten_and_registered():
                import competency_core.model as model
                assert type(model.__loader__).__name__ == "AssertionRewritingHook"
                assert "exec_module" not in vars(model.__loader__)
                check_from_type()
            """
        )
    )
    result = run_pytest(tmp_path, "-p", "no:competency_testing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
