"""The scenarios a user runs against their own staging Moodle before the first real push.

Skipped unless a site is named: ``pytest tests/adapters/moodle/test_moodle_staging.py
--moodle-url https://staging.example.org`` with the token in ``COMPETENCY_TEST_MOODLE_TOKEN``
and the id of a site scale of at least four items in ``COMPETENCY_TEST_MOODLE_SCALE_ID``
(the same three as environment variables: ``COMPETENCY_TEST_MOODLE_URL`` too). The token's
user needs the capabilities of docs/adapters/moodle.md. Each run works in a framework of
its own (``cc-staging-<random>``) and deletes it, and its templates, at the end; nothing
else on the site is touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from moodle_scenario import engine, make_model

from competency_core.model import CompetencyModel
from competency_core.versioning import diff_models
from competency_moodle import MoodleAdapter
from competency_moodle.site import SYSTEM_CONTEXT
from competency_moodle.texts import split_marker


@pytest.fixture(scope="module")
def staging(request: pytest.FixtureRequest) -> dict[str, Any]:
    url = request.config.getoption("--moodle-url")
    if not url:
        pytest.skip("no staging Moodle named (--moodle-url or COMPETENCY_TEST_MOODLE_URL)")
    token = os.environ.get("COMPETENCY_TEST_MOODLE_TOKEN")
    scale = os.environ.get("COMPETENCY_TEST_MOODLE_SCALE_ID")
    if not token or not scale:
        pytest.fail(
            "set COMPETENCY_TEST_MOODLE_TOKEN and COMPETENCY_TEST_MOODLE_SCALE_ID for the "
            "staging site",
            pytrace=False,
        )
    return {"url": url, "token": token, "scale_id": int(scale)}


@pytest.fixture
def model(staging: dict[str, Any]) -> Iterator[CompetencyModel]:
    """The scenario model under a key of its own; its framework and templates removed after."""
    key = f"cc-staging-{uuid.uuid4().hex[:10]}"
    m = make_model(key=key, name=f"competency-core staging test {key}")
    yield m
    a = _adapter(staging)
    client = a.client
    for tpl in client.call("core_competency_list_templates", {"context": SYSTEM_CONTEXT}) or ():
        if split_marker(tpl.get("description"))[1].get("model") == [key]:
            client.call(
                "core_competency_delete_template", {"id": int(tpl["id"]), "deleteplans": True}
            )
    fw = a.model_push.find_framework(key)
    if fw is not None:
        client.call("core_competency_delete_competency_framework", {"id": int(fw["id"])})


def _adapter(staging: dict[str, Any]) -> MoodleAdapter:
    return MoodleAdapter.configure(staging | {"scale_fit": "spread"}, env={})


def test_staging_first_push_re_plan_and_pull_back(
    staging: dict[str, Any], model: CompetencyModel
) -> None:
    a = _adapter(staging)
    e = engine(a)
    report = e.apply(e.plan_model(model))
    assert report.ok, report.failed
    assert e.plan_model(model).is_empty
    pulled = a.pull_model(model.key, base=model)
    assert diff_models(model, pulled).is_empty


def test_staging_a_change_is_one_update(staging: dict[str, Any], model: CompetencyModel) -> None:
    a = _adapter(staging)
    e = engine(a)
    assert e.apply(e.plan_model(model)).ok
    data = model.model_dump(mode="json")
    data["competencies"][-1]["definition"] = "Shapes systems, it's said."
    changed = CompetencyModel.model_validate(data)
    plan = e.plan_model(changed)
    assert [(c.action.value, c.key) for c in plan.pending] == [("update", "design")]
    assert e.apply(plan).ok
    assert e.plan_model(changed).is_empty
