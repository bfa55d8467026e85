"""The road end to end, with no file in between (issue 17).

People are provisioned through the inbound SCIM service by the Entra ID and Okta
simulators into the store; their ratings are pushed to Moodle and pulled back into the
store; a readiness report is computed from the store's workforce; the development plans
are pushed back to Moodle as learning plans and enrolments, and Moodle is checked. It runs
on SQLite and PostgreSQL, and on the Moodle emulator and (``-m moodle``) a real Moodle 5.1.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from moodle_backends import Backend
from moodle_scenario import adapter, engine, model_data, workforce

from competency_core.model import CompetencyModel
from competency_core.scoring import learning_assignments, score_person, workforce_plans
from competency_core.scoring.organisation import organisation_readiness
from competency_core.store import Store
from competency_core.sync import StoreSyncState
from competency_scim.mapping import RoleMapping
from competency_scim.service import create_app, running
from competency_testing.scim import idp

ON = dt.date(2026, 4, 1)


def _store_fixtures() -> Any:
    """tests/store/conftest.py, whose PostgreSQL fixtures this test reuses."""
    path = Path(__file__).resolve().parents[2] / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_store_conftest_for_road", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store = _store_fixtures()
postgres = _store.postgres
postgres_url = _store.postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store: an SQLite file, or a fresh database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'road.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def road_model() -> CompetencyModel:
    """The scenario's model; its course also develops testing, which no role requires."""
    data = model_data()
    clean_code, ghost = data["learning_resources"]
    clean_code = clean_code | {
        "develops": [
            {"competency": "coding", "to_level": 3},
            {"competency": "coding.tests", "to_level": 3},
        ]
    }
    return CompetencyModel.model_validate(data | {"learning_resources": [clean_code, ghost]})


@pytest.fixture
def provisioned(store_url: str) -> Iterator[Store]:
    """The store, with Ada sent by Entra ID and Bob by Okta over SCIM."""
    token = secrets.token_urlsafe(16)
    mapping = RoleMapping.model_validate({"person_key": "employeeNumber"})
    with (
        Store(store_url) as db,
        running(create_app(db, token=token, mapping=mapping, model=road_model())) as srv,
        requests.Session() as session,
    ):
        session.headers["Authorization"] = f"Bearer {token}"
        entra = idp.EntraProvisioner(session, srv.url)
        entra.provision(
            [idp.Employee("ada@example.org", "Ada", "L", "Engineer", employee_number="ada")]
        )
        okta = idp.OktaProvisioner(session, srv.url)
        okta.provision(
            [idp.Employee("bob@example.org", "Bob", "M", "Engineer", employee_number="bob")]
        )
        yield db


def test_scim_to_moodle_and_back_with_no_file_in_between(
    backend: Backend, provisioned: Store
) -> None:
    db = provisioned
    model = road_model()
    people = db.people()
    assert [(p.key, p.role, p.email) for p in people] == [
        ("ada", "engineer", "ada@example.org"),
        ("bob", "engineer", "bob@example.org"),
    ]

    # the model, the people's plans and their ratings go to Moodle (sync state in the store)
    seeded = backend.seed()
    a = adapter(seeded)
    e = engine(a, StoreSyncState(db))
    assert e.apply(e.plan_model(model)).ok
    a.use_workforce(people, model)
    assert e.apply(e.plan_assignments(())).ok  # Moodle shows ratings through plans
    ratings = [r for r in workforce().assessments if r.person in {"ada", "bob"}]
    assert e.apply(e.plan_ratings(ratings)).ok

    # ... and come back into the store
    pulled = list(a.pull_ratings())
    assert {(r.person, r.competency, r.level) for r in pulled} == {
        ("ada", "coding", 4),
        ("ada", "design", 2),
        ("bob", "coding", 1),
    }
    assert db.add_assessments(pulled, model=model.key) == 3

    # readiness from the store's workforce
    wf = db.workforce(model, as_of=ON)
    report = organisation_readiness(model, wf, on=ON)
    assert report.people == 2
    assert report.overall.people == 2
    ready = {p.key: score_person(model, wf, p.key, on=ON).ready for p in wf.people}
    assert ready == {"ada": True, "bob": False}

    # development plans go back to Moodle as learning plans and enrolments
    plans = workforce_plans(model, wf, on=ON)
    gaps = {p.person for p in plans if p.items}
    assert gaps == {"bob"}
    assignments = learning_assignments(plans, existing=wf.assignments)
    assert [(x.person, x.resource, x.assigned) for x in assignments] == [
        ("bob", "clean-code", ON),
        ("bob", "ghost-course", ON),
    ]
    a.use_workforce(wf.people, model)
    push = e.plan_assignments(assignments)
    assert any("NOPE-404" in w for w in push.warnings)  # a course Moodle does not have
    assert e.apply(push).ok

    snap = seeded.site.snapshot()
    plans_in_moodle = {p[0]: p for p in snap["plans"]}
    for person in gaps:
        _, name, status, competencies = plans_in_moodle[person]
        assert (name, status) == ("Engineer", 1)
        planned = next(p for p in plans if p.person == person)
        for chosen in planned.resources:
            develops = next(r for r in model.learning_resources if r.key == chosen.resource)
            assert {d.competency for d in develops.develops} <= set(competencies)
    assert plans_in_moodle["bob"][3] == ("coding", "coding.tests", "design")
    assert plans_in_moodle["ada"][3] == ("coding", "design")  # no gaps: the role's only
    assert snap["enrolments"] == [("Clean code", "bob", 5)]
    # pushing again changes no plan (enrolments cannot be listed, so they are planned again)
    assert {c.kind for c in e.plan_assignments(assignments).pending} <= {"enrolment"}
