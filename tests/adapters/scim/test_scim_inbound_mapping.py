"""The role mapping (attribute -> role profile), its file, its report, and the CLI.

``competency scim roles`` shows the mapping result and the unmapped people;
``competency scim serve`` runs the service (started here as a real process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from scim_inbound_support import Inbound

from competency_core.errors import ModelValidationError
from competency_core.model import CompetencyModel
from competency_scim.mapping import (
    ENTERPRISE_USER,
    RoleMapper,
    RoleMapping,
    ScimUser,
    attribute_values,
    mapping_report,
)
from competency_testing.scim.idp import EntraProvisioner, sample_employees

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _user(**data: Any) -> ScimUser:
    groups = tuple(data.pop("groups", ()))
    return ScimUser({"userName": "u@example.com", **data}, groups=groups)


# -- rules -----------------------------------------------------------------------------------


def test_rules_are_tried_in_order_then_role_titles(scim_model: CompetencyModel) -> None:
    mapping = RoleMapping.model_validate(
        {
            "rules": [
                {"group": "Engineering Managers", "role": "engineering-manager"},
                {"attribute": "costCenter", "one_of": ["CC-4100", "cc-4200"], "role": "engineer"},
                {"attribute": "title", "matches": "sr\\.? .*engineer", "role": "senior-engineer"},
            ]
        }
    )
    mapper = RoleMapper(mapping, scim_model)
    member = _user(title="Sr. Software Engineer", groups=["engineering managers"])
    assert mapper.role_for(member).role == "engineering-manager"
    assert mapper.role_for(member).source == "rule 1: member of 'Engineering Managers'"
    by_cost = _user(title="Sr. Software Engineer", **{ENTERPRISE_USER: {"costCenter": "CC-4200"}})
    assert mapper.role_for(by_cost).role == "engineer"
    assert mapper.role_for(_user(title="SR. Platform Engineer")).role == "senior-engineer"
    titled = mapper.role_for(_user(title="  staff   SOFTWARE engineer "))
    assert (titled.role, titled.source) == ("staff-engineer", "title equals the role's title")
    nothing = mapper.role_for(_user(title="Office Manager"))
    assert (nothing.role, nothing.source) == (None, "unmapped: title 'Office Manager'")
    assert mapper.role_for(_user()).source == "unmapped: no title"
    off = RoleMapper(mapping.model_copy(update={"match_role_titles": False}), scim_model)
    assert off.role_for(_user(title="Staff Software Engineer")).role is None


def test_any_attribute_can_drive_the_role_key_and_team() -> None:
    mapping = RoleMapping.model_validate(
        {
            "person_key": "employeeNumber",
            "rules": [
                {
                    "attribute": f"{ENTERPRISE_USER}:department",
                    "equals": "site reliability",
                    "role": "senior-sre",
                },
                {"attribute": "userType", "equals": "Contractor", "role": "engineer"},
            ],
            "team_attribute": "division",
            "job_level_attribute": "userType",
        }
    )
    mapper = RoleMapper(mapping)
    user = _user(
        userType="Employee",
        **{ENTERPRISE_USER: {"department": "Site  Reliability", "employeeNumber": "E-0042",
                             "division": "Infrastructure"}},
    )  # fmt: skip
    person = mapper.person(user, key=mapper.key_for(user))
    assert (person.key, person.role, person.team, person.job_level) == (
        "e-0042",
        "senior-sre",
        "Infrastructure",
        "Employee",
    )
    assert mapper.key_for(_user()) == "u-example.com"  # no employeeNumber: userName


def test_attribute_values_reads_scim_paths() -> None:
    data = {
        "name": {"givenName": "Ann"},
        "emails": [{"value": "a@x.example", "type": "work"}, {"value": "b@x.example"}],
        ENTERPRISE_USER: {"manager": {"value": "42"}, "costCenter": "CC-1"},
    }
    assert attribute_values(data, "NAME.givenname") == ["Ann"]
    assert attribute_values(data, "emails") == ["a@x.example", "b@x.example"]
    assert attribute_values(data, "costCenter") == ["CC-1"]
    assert attribute_values(data, f"{ENTERPRISE_USER}:manager") == ["42"]
    assert attribute_values(data, "title") == []


# -- the mapping file ------------------------------------------------------------------------


def test_a_mapping_file_loads_from_yaml_or_json(tmp_path: Path) -> None:
    yml = tmp_path / "mapping.yaml"
    yml.write_text(
        "rules:\n  - attribute: title\n    equals: Lead\n    role: staff-engineer\n"
        "team_groups: ['Team *']\n",
        encoding="utf-8",
    )
    js = tmp_path / "mapping.json"
    js.write_text(json.dumps({"rules": [{"equals": "Lead", "role": "staff-engineer"}],
                              "team_groups": ["Team *"]}), encoding="utf-8")  # fmt: skip
    assert RoleMapping.load(yml) == RoleMapping.load(js)


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("rules:\n  - role: engineer\n", "rules.0", "give exactly one of"),
        ("rules:\n  - equals: a\n    one_of: [b]\n    role: x\n", "rules.0", "exactly one"),
        ("rules:\n  - matches: '(unclosed'\n    role: x\n", "rules.0", "not a regular expression"),
        ("rules:\n  - equals: a\n    role: 'Not A Key!'\n", "rules.0.role", ""),
        ("person_key: mail\n", "person_key", ""),
        ("rulez: []\n", "rulez", "Extra inputs"),
        ("rules: [\n", "", "while parsing"),
    ],
)
def test_a_bad_mapping_file_says_where(tmp_path: Path, text: str, path: str, message: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ModelValidationError) as info:
        RoleMapping.load(file)
    problem = info.value.problems[0]
    assert problem.file == str(file)
    assert problem.path == path
    assert message in problem.message


def test_mapping_rules_are_checked_against_the_model(scim_model: CompetencyModel) -> None:
    mapping = RoleMapping.model_validate(
        {"rules": [{"equals": "a", "role": "engineer"}, {"equals": "b", "role": "astronaut"}]}
    )
    problems = mapping.check(scim_model)
    assert [(p.path, p.message) for p in problems] == [
        ("rules[1].role", "the model has no role 'astronaut'")
    ]


# -- the report ------------------------------------------------------------------------------


def test_an_unmappable_new_title_keeps_the_old_role_and_is_reported(
    inbound_sqlite: Inbound, scim_model: CompetencyModel
) -> None:
    entra = EntraProvisioner(inbound_sqlite.session, inbound_sqlite.url)
    entra.provision(sample_employees()[:3])
    entra.change_title("amara.okafor@example.com", "Chief Vibes Officer")
    amara = inbound_sqlite.store.person("amara.okafor-example.com")
    assert amara.role == "senior-engineer"  # kept meanwhile
    report = mapping_report(inbound_sqlite.store.people(), scim_model)
    assert [(u.key, u.kept_role) for u in report.unmapped] == [
        ("amara.okafor-example.com", "senior-engineer")
    ]
    assert "unmapped: title 'Chief Vibes Officer'" in report.unmapped[0].reason
    assert report.summary() == "3 people from SCIM: 2 mapped to 2 role(s), 1 unmapped"


# -- the CLI ---------------------------------------------------------------------------------


def _provisioned_store(tmp_path: Path, model: CompetencyModel) -> Path:
    from competency_core.store import Store
    from competency_scim.service import create_app, running

    path = tmp_path / "people.sqlite3"
    with (
        Store(path) as store,
        running(create_app(store, token="t", model=model)) as srv,
        requests.Session() as session,
    ):
        session.headers["Authorization"] = "Bearer t"
        EntraProvisioner(session, srv.url).provision(sample_employees())
    return path


def test_cli_roles_shows_the_mapping_and_the_unmapped(
    cli: Callable[..., Any], tmp_path: Path, scim_model: CompetencyModel
) -> None:
    db = _provisioned_store(tmp_path, scim_model)  # no mapping: only role titles matched
    model = EXAMPLES / "software-engineering.yaml"
    shown = cli("scim", "roles", "--store", db, "--model", model)
    assert shown.code == 0, shown.err
    assert "7 people from SCIM: 4 mapped to 4 role(s), 3 unmapped" in shown.out
    assert "People whose role cannot be mapped" in shown.out
    listed = cli("scim", "roles", "--store", db, "--model", model, "--format", "json").json()
    assert sorted(u["title"] for u in listed["unmapped"]) == [
        "Office Manager",
        "SRE II",
        "Sr. Software Engineer",
    ]
    assert cli("scim", "roles", "--store", db, "--model", model, "--check").code == 1

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "rules:\n"
        "  - {attribute: title, matches: '(sr\\.?|senior) software engineer', role: senior-engineer}\n"
        "  - {attribute: title, equals: SRE II, role: senior-sre}\n"
        "  - {attribute: department, equals: Operations, role: office-lead}\n",
        encoding="utf-8",
    )
    remapped = cli(
        "scim", "roles", "--store", db, "--model", model, "--mapping", mapping, "--remap",
        "--format", "json",
    )  # fmt: skip
    assert remapped.code == 0, remapped.err
    data = remapped.json()
    assert data["remapped"] == 7
    assert data["mapped"] == 6
    assert data["unknown_roles"] == {"office-lead": 1}  # mapped, but not a role of the model
    assert data["unmapped"] == []
    warned = cli("scim", "roles", "--store", db, "--model", model, "--mapping", mapping)
    assert "rules[2].role: warning: the model has no role 'office-lead'" in warned.err


def test_cli_errors_are_clear(cli: Callable[..., Any], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_SUCH_TOKEN_VAR"}
    assert "NO_SUCH_TOKEN_VAR" not in env
    missing = cli("scim", "serve", "--token-env", "NO_SUCH_TOKEN_VAR", "--store", tmp_path / "s.db")
    assert missing.code == 2
    assert "set NO_SUCH_TOKEN_VAR to the bearer token" in missing.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{role: x}]\n", encoding="utf-8")
    token = tmp_path / "token"
    token.write_text("secret-value\n", encoding="utf-8")
    wrong = cli(
        "scim", "serve", "--token-file", token, "--mapping", bad, "--store", tmp_path / "s.db"
    )
    assert wrong.code == 2
    assert str(bad) in wrong.err
    assert "secret-value" not in wrong.err + wrong.out


def test_cli_serve_runs_the_service_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "MY_TOKEN": "serve-secret", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "competency_core", "scim", "serve", "--port", "0",
         "--token-env", "MY_TOKEN", "--store", str(tmp_path / "s.db"),
         "--model", str(EXAMPLES / "software-engineering.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "SCIM service ready at http://127.0.0.1:" in first, first + proc.stderr.read()
        url = first.split(" at ")[1].split()[0]
        user = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "a@b.example",
        }
        auth = {"Authorization": "Bearer serve-secret"}
        assert requests.post(f"{url}/Users", json=user, headers=auth, timeout=10).status_code == 201
        assert requests.get(f"{url}/Users", timeout=10).status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "The directory holds 1 user(s) and 0 group(s)" in out
    assert "serve-secret" not in out + err
    assert "Traceback" not in err


def test_the_docstring_examples_hold() -> None:
    import doctest

    import competency_scim.mapping

    result = doctest.testmod(competency_scim.mapping)
    assert result.attempted >= 3
    assert result.failed == 0


def test_the_demo_step_provisions_and_shows_the_mapping(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    r = cli("demo", "--examples", EXAMPLES, "--out", tmp_path, "--only", "Entra ID and Okta")
    assert r.code == 0, r.err
    assert "Demo finished: 1 steps" in r.out
    assert "a wrong token: HTTP 401" in r.out
    assert "10 people from SCIM: 8 mapped to 6 role(s), 2 unmapped, 2 inactive" in r.out
    assert "unmapped sara.nilsson-example.com: unmapped: title 'Office Manager'" in r.out
    assert (tmp_path / "scim-inbound.sqlite3").is_file()
