"""The emulator: the contract enforced generically, Moodle's semantics and traps, the call log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from competency_moodle.client import MoodleClient
from competency_moodle.errors import (
    MoodleHTTPError,
    MoodleInvalidParameterError,
    MoodleWebServiceError,
)
from competency_moodle.functions import FUNCTION_TYPES
from competency_testing.moodle import Contract, MoodleEmulator, decode_form
from competency_testing.moodle.site import HANDLERS, RULE_ALL
from conftest import TOKEN

SYSTEM = {"contextlevel": "system", "instanceid": 0}


def test_php_form_decoding() -> None:
    assert decode_form(
        [("a[b][0][c]", "x"), ("a[b][1][c]", "y"), ("l[]", "1"), ("l[]", "2"), ("k", "v")]
    ) == {"a": {"b": {"0": {"c": "x"}, "1": {"c": "y"}}}, "l": {"0": "1", "1": "2"}, "k": "v"}


def test_function_table_agrees_with_the_contract(contract: Contract) -> None:
    for name, kind in FUNCTION_TYPES.items():
        assert name in contract, name
        assert contract.type_of(name) == kind, name
    assert set(HANDLERS) <= set(contract.functions)
    assert len(contract) == 104  # the shared contract's 103, and course completion


def _scale(moodle: MoodleEmulator, n: int = 3) -> int:
    return moodle.site.add_scale(f"Scale {n}", [f"Item {i}" for i in range(1, n + 1)])


def _config(sid: int, default: int = 1, proficient: int = 2) -> str:
    items = [{"scaleid": sid}, {"id": default, "scaledefault": 1, "proficient": 0}]
    items.append({"id": proficient, "scaledefault": 0, "proficient": 1})
    return json.dumps(items)


def _framework(client: MoodleClient, sid: int, idnumber: str = "fw", **extra: Any) -> int:
    data = {"shortname": "FW", "idnumber": idnumber, "scaleid": sid, **SYSTEM, **extra}
    data.setdefault("scaleconfiguration", _config(sid))
    fw = client.call("core_competency_create_competency_framework", {"competencyframework": data})
    return int(fw["id"])


def _competency(client: MoodleClient, fid: int, idnumber: str, parentid: int = 0) -> int:
    comp = client.call(
        "core_competency_create_competency",
        {
            "competency": {
                "shortname": idnumber.upper(),
                "idnumber": idnumber,
                "competencyframeworkid": fid,
                "parentid": parentid,
            }
        },
    )
    return int(comp["id"])


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({}, "Missing required key in single structure: competencyframework"),
        ({"competencyframework": {"idnumber": "x"}}, "Missing required key in single structure"),
        ({"competencyframework": "text"}, "Only arrays accepted"),
        ({"id": "1", "extra": "1"}, "Unexpected keys (extra)"),
    ],
)
def test_parameters_are_checked_as_moodle_does(
    client: MoodleClient, params: dict[str, Any], detail: str
) -> None:
    function = "core_competency_create_competency_framework"
    if "id" in params:
        function = "core_competency_read_competency"
    with pytest.raises(MoodleInvalidParameterError) as err:
        client.call(function, params)
    assert err.value.exception == "invalid_parameter_exception"
    assert err.value.moodle_message == "Invalid parameter value detected"
    assert detail in (err.value.debuginfo or "")


@pytest.mark.parametrize(
    ("function", "params", "expected"),
    [
        ("core_competency_read_competency", {"id": "abc"}, 'expecting "int" type'),
        ("core_competency_read_competency", {"id": "007"}, 'the value is "007"'),
        ("core_competency_list_templates", {"context": SYSTEM, "onlyvisible": "yes"}, "bool"),
        (
            "core_competency_list_competency_frameworks",
            {"context": {"contextlevel": "sys1"}},
            "alpha",
        ),
        ("core_competency_list_competencies", {"filters": {"0": {"column": "id"}}}, "value"),
        ("core_competency_read_competency", {"id": {"0": "1"}}, "Scalar type expected"),
    ],
)
def test_param_types(client: MoodleClient, function: str, params: Any, expected: str) -> None:
    with pytest.raises(MoodleInvalidParameterError) as err:
        client.call(function, params)
    assert expected in (err.value.debuginfo or "")


def test_unknown_function_and_not_emulated(moodle: MoodleEmulator, client: MoodleClient) -> None:
    with pytest.raises(MoodleWebServiceError) as err:
        client.call("core_competency_make_coffee")
    assert (err.value.exception, err.value.errorcode) == (
        "dml_missing_record_exception",
        "invalidrecord",
    )
    with pytest.raises(MoodleWebServiceError, match="does not implement"):
        client.call("core_competency_template_viewed", {"id": 1})


def test_framework_rules(moodle: MoodleEmulator, client: MoodleClient) -> None:
    sid = _scale(moodle)
    _framework(client, sid, "fw")
    with pytest.raises(MoodleWebServiceError, match="ID number is already in use"):
        _framework(client, sid, "fw")
    for bad in ("[]", "not json", json.dumps([{"scaleid": sid}, {"id": 1, "scaledefault": 1}])):
        with pytest.raises(MoodleWebServiceError, match="default and proficient") as err:
            _framework(client, sid, "other", scaleconfiguration=bad)
        assert err.value.errorcode == "invalidpersistenterror"
    with pytest.raises(MoodleWebServiceError, match="default and proficient"):
        _framework(client, sid, "other", scaleconfiguration=_config(sid, 1, 9))
    with pytest.raises(MoodleInvalidParameterError, match="either context level"):
        client.call(
            "core_competency_create_competency_framework",
            {
                "competencyframework": {
                    "shortname": "X",
                    "idnumber": "x",
                    "scaleid": sid,
                    "scaleconfiguration": _config(sid),
                }
            },
        )
    found = client.call(
        "core_competency_list_competency_frameworks", {"context": SYSTEM, "query": "F"}
    )
    assert [f["idnumber"] for f in found] == ["fw"]  # substring match, case-insensitive


def test_tree_semantics_and_traps(moodle: MoodleEmulator, client: MoodleClient) -> None:
    site = moodle.site
    fid = _framework(client, _scale(moodle))
    a = _competency(client, fid, "a")
    b = _competency(client, fid, "b")
    a1 = _competency(client, fid, "a1", a)
    assert site.competency(a1)["path"] == f"/0/{a}/"
    assert [site.competency(c)["sortorder"] for c in (a, b, a1)] == [0, 1, 0]
    with pytest.raises(MoodleWebServiceError, match="already in use"):
        _competency(client, fid, "a")

    client.call(
        "core_competency_update_competency",
        {"competency": {"id": a, "ruletype": RULE_ALL, "ruleoutcome": 2}},
    )
    assert site.competency(a)["ruleoutcome"] == 2
    _competency(client, fid, "a2", a)  # a new child resets the parent's rule
    assert (site.competency(a)["ruletype"], site.competency(a)["ruleoutcome"]) == (None, 0)

    client.call("core_competency_update_competency", {"competency": {"id": a1, "parentid": b}})
    assert site.competency(a1)["parentid"] == a  # update_competency ignores parentid
    with pytest.raises(MoodleWebServiceError, match="current parent") as err:
        client.call("core_competency_set_parent_competency", {"competencyid": a1, "parentid": a})
    assert err.value.exception == "coding_exception"
    assert client.call("core_competency_set_parent_competency", {"competencyid": a1, "parentid": b})
    assert site.competency(a1)["path"] == f"/0/{b}/"

    hits = client.call(
        "core_competency_search_competencies", {"searchtext": "A1", "competencyframeworkid": fid}
    )
    assert [c["idnumber"] for c in hits] == ["b", "a1"]  # the hit and its ancestors

    # moving a competency below its own descendant promotes its children
    b1 = _competency(client, fid, "b1", b)
    client.call("core_competency_set_parent_competency", {"competencyid": b, "parentid": b1})
    assert site.competency(b1)["parentid"] == 0
    assert site.competency(a1)["parentid"] == 0
    assert site.competency(b)["parentid"] == b1
    assert site.competency(b)["path"] == f"/0/{b1}/"
    tree = client.call(
        "core_competency_search_competencies", {"searchtext": "", "competencyframeworkid": fid}
    )
    assert {c["idnumber"] for c in tree} == {"a", "a1", "a2", "b", "b1"}


def test_links_hidden_frameworks_and_deletes_in_use(
    moodle: MoodleEmulator, client: MoodleClient
) -> None:
    site = moodle.site
    fid = _framework(client, _scale(moodle))
    a = _competency(client, fid, "a")
    course = site.add_course("C1", idnumber="c-1")
    add = {"courseid": course, "competencyid": a}
    assert client.call("core_competency_add_competency_to_course", add) is True
    assert client.call("core_competency_add_competency_to_course", add) is False
    (link,) = client.call("core_competency_list_course_competencies", {"id": course})
    assert link["coursecompetency"]["ruleoutcome"] == 1
    client.call(
        "core_competency_set_course_competency_ruleoutcome",
        {"coursecompetencyid": link["coursecompetency"]["id"], "ruleoutcome": 3},
    )
    assert client.call("core_competency_delete_competency", {"id": a}) is False
    assert client.call("core_competency_delete_competency_framework", {"id": fid}) is False

    client.call(
        "core_competency_update_competency_framework",
        {"competencyframework": {"id": fid, "visible": False}},
    )
    b = _competency(client, fid, "b")
    with pytest.raises(MoodleWebServiceError, match="hidden framework") as err:
        client.call(
            "core_competency_add_competency_to_course", {"courseid": course, "competencyid": b}
        )
    assert err.value.exception == "coding_exception"
    assert client.call("core_competency_delete_competency", {"id": b}) is True


def test_plans_and_templates(moodle: MoodleEmulator, client: MoodleClient) -> None:
    site = moodle.site
    fid = _framework(client, _scale(moodle))
    a = _competency(client, fid, "a")
    user = site.add_user("ana")
    tpl = client.call("core_competency_create_template", {"template": {"shortname": "T", **SYSTEM}})
    assert client.call(
        "core_competency_add_competency_to_template", {"templateid": tpl["id"], "competencyid": a}
    )
    with pytest.raises(MoodleWebServiceError, match="create_plan_from_template") as err:
        client.call(
            "core_competency_create_plan",
            {"plan": {"name": "P", "userid": user, "templateid": tpl["id"]}},
        )
    assert err.value.exception == "coding_exception"
    plan = client.call(
        "core_competency_create_plan", {"plan": {"name": "P", "userid": user, "status": 1}}
    )
    assert plan["isactive"] is True
    assert "commentarea" in plan
    for _ in range(2):  # adding twice is a no-op
        client.call(
            "core_competency_add_competency_to_plan", {"planid": plan["id"], "competencyid": a}
        )
    (row,) = client.call("core_competency_list_plan_competencies", {"id": plan["id"]})
    assert row["usercompetency"]["grade"] is None
    client.call("core_competency_grade_competency", {"userid": user, "competencyid": a, "grade": 2})
    (row,) = client.call("core_competency_list_plan_competencies", {"id": plan["id"]})
    assert (row["usercompetency"]["grade"], row["usercompetency"]["proficiency"]) == (2, True)
    assert row["usercompetency"]["gradename"] == "Item 2"

    cohort = site.add_cohort("Engineers", "eng")
    site.link_template_cohort(tpl["id"], cohort)
    answer = client.call(
        "core_cohort_add_cohort_members",
        {
            "members": [
                {
                    "cohorttype": {"type": "idnumber", "value": "eng"},
                    "usertype": {"type": "id", "value": user},
                }
            ]
        },
    )
    assert answer == {"warnings": []}
    assert site.sync_template_cohorts() == 1
    assert site.sync_template_cohorts() == 0
    plans = client.call("core_competency_list_user_plans", {"userid": user})
    based = [p for p in plans if p["templateid"] == tpl["id"]]
    assert len(based) == 1
    assert based[0]["template"]["cohortscount"] == 1
    with pytest.raises(MoodleWebServiceError, match="based on a template"):
        client.call(
            "core_competency_add_competency_to_plan", {"planid": based[0]["id"], "competencyid": a}
        )


def test_enrolment_is_all_or_nothing(moodle: MoodleEmulator, client: MoodleClient) -> None:
    site = moodle.site
    ok, closed = site.add_course("OK"), site.add_course("Closed", manual_enrol=False)
    user = site.add_user("bo")
    enrol = [
        {"roleid": 5, "userid": user, "courseid": ok},
        {"roleid": 5, "userid": user, "courseid": closed},
    ]
    with pytest.raises(MoodleWebServiceError) as err:
        client.call("enrol_manual_enrol_users", {"enrolments": enrol})
    assert err.value.errorcode == "wsnoinstance"
    assert site.enrolments == {}
    assert client.call("enrol_manual_enrol_users", {"enrolments": enrol[:1]}) is None
    assert client.call("enrol_manual_enrol_users", {"enrolments": enrol[:1]}) is None
    assert site.enrolments == {(ok, user): 5}
    with pytest.raises(MoodleWebServiceError, match="cannot manually enrol"):
        client.call("enrol_manual_enrol_users", {"enrolments": [{**enrol[0], "roleid": 1}]})


def test_call_log_and_failure_injection(moodle: MoodleEmulator, client: MoodleClient) -> None:
    sid = _scale(moodle)
    moodle.fail(2, exception=("moodle_exception", "generalexceptionmessage", "boom"))
    fid = _framework(client, sid, "one")
    with pytest.raises(MoodleWebServiceError, match="boom"):
        _competency(client, fid, "a")
    moodle.fail(function="core_competency_create_competency", status=500, when="after")
    with pytest.raises(MoodleHTTPError):
        _competency(client, fid, "a")  # HTTP 500 ... but the competency was created
    assert [c["idnumber"] for c in moodle.site.competencies.values()] == ["a"]
    assert [(c.number, c.type, c.outcome) for c in moodle.calls] == [
        (1, "write", "ok"),
        (2, "write", "exception:generalexceptionmessage"),
        (3, "write", "http 500"),
    ]
    assert len(moodle.write_calls()) == 3
    moodle.reset_calls()
    assert moodle.calls == []


def test_hosted_sites_are_independent(moodle: MoodleEmulator) -> None:
    other = moodle.add_site("second")
    sid = other.add_scale("S", ["a", "b"])
    with MoodleClient(moodle.site_url("second"), TOKEN) as c:
        _framework(c, sid, "x")
    assert len(other.frameworks) == 1
    assert moodle.site.frameworks == {}
    assert moodle.calls[-1].site == "second"
    with pytest.raises(ValueError, match="taken"):
        moodle.add_site("second")


def test_move_up_and_down_swap_siblings(moodle: MoodleEmulator, client: MoodleClient) -> None:
    fid = _framework(client, _scale(moodle))
    a, b, c = (_competency(client, fid, k) for k in ("a", "b", "c"))

    def order() -> list[str]:
        comps = sorted(moodle.site.competencies.values(), key=lambda x: x["sortorder"])
        return [x["idnumber"] for x in comps]

    assert client.call("core_competency_move_up_competency", {"id": c}) is True
    assert order() == ["a", "c", "b"]
    assert client.call("core_competency_move_up_competency", {"id": a}) is False
    assert client.call("core_competency_move_down_competency", {"id": a}) is True
    assert order() == ["c", "a", "b"]
    assert client.call("core_competency_move_down_competency", {"id": b}) is False
