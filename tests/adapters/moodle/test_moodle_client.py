"""The REST client: PHP form encoding, typed errors, retries of reads only, no token leaks."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import requests

from competency_core.errors import SyncError
from competency_moodle.client import MoodleClient, encode_params
from competency_moodle.errors import (
    CompetenciesDisabledError,
    MoodleAccessError,
    MoodleEncodingError,
    MoodleHTTPError,
    MoodleInvalidParameterError,
    MoodleResponseError,
    MoodleSiteError,
    MoodleTransportError,
    MoodleWebServiceError,
)
from competency_moodle.functions import needed_functions
from competency_moodle.site import check_site
from competency_testing.moodle import MoodleEmulator
from conftest import TOKEN

CREATE = "core_competency_create_competency_framework"
LIST = "core_competency_list_competency_frameworks"
SYSTEM = {"contextlevel": "system", "instanceid": 0}


def test_encoding_is_php_form_notation() -> None:
    assert encode_params(
        {
            "competencyframework": {"shortname": "Eng", "visible": False, "scaleid": 3},
            "filters": [{"column": "idnumber", "value": "C1"}, {"column": "id", "value": 4}],
            "flag": True,
        }
    ) == [
        ("competencyframework[shortname]", "Eng"),
        ("competencyframework[visible]", "0"),
        ("competencyframework[scaleid]", "3"),
        ("filters[0][column]", "idnumber"),
        ("filters[0][value]", "C1"),
        ("filters[1][column]", "id"),
        ("filters[1][value]", "4"),
        ("flag", "1"),
    ]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"values": []}, "values is an empty list"),
        ({"a": {"b": []}}, "a[b] is an empty list"),
        ({"a": {}}, "a is empty"),
        ({"plan": {"templateid": None}}, "plan[templateid] is None"),
        ({"x": object()}, "x has a value of type object"),
    ],
)
def test_what_moodle_cannot_receive_is_refused_before_sending(
    params: dict[str, Any], words: str
) -> None:
    with pytest.raises(MoodleEncodingError, match=words.replace("[", r"\[").replace("]", r"\]")):
        encode_params(params)


def _framework(scaleid: int, idnumber: str = "f1") -> dict[str, Any]:
    config = [{"scaleid": scaleid}, {"id": 1, "scaledefault": 1, "proficient": 0}]
    config.append({"id": 2, "scaledefault": 0, "proficient": 1})
    return {
        "competencyframework": {
            "shortname": "F",
            "idnumber": idnumber,
            "scaleid": scaleid,
            "scaleconfiguration": json.dumps(config),
            **SYSTEM,
        }
    }


def test_calls_return_decoded_json(moodle: MoodleEmulator, client: MoodleClient) -> None:
    sid = moodle.site.add_scale("Two", ["No", "Yes"])
    fw = client.call(CREATE, _framework(sid))
    assert fw["idnumber"] == "f1"
    assert fw["visible"] is True
    assert client.call(LIST, {"context": SYSTEM, "query": "f"})[0]["id"] == fw["id"]
    assert (
        client.call("enrol_manual_unenrol_users", {"enrolments": [{"userid": 2, "courseid": 1}]})
        is None
    )


def test_refusals_become_typed_errors_with_function_code_and_message(
    moodle: MoodleEmulator, client: MoodleClient
) -> None:
    sid = moodle.site.add_scale("Two", ["No", "Yes"])
    client.call(CREATE, _framework(sid))
    with pytest.raises(MoodleWebServiceError) as dup:
        client.call(CREATE, _framework(sid))
    assert dup.value.function == CREATE
    assert dup.value.exception == "core\\invalid_persistent_exception"
    assert dup.value.errorcode == "invalidpersistenterror"
    assert "already in use" in dup.value.moodle_message
    assert isinstance(dup.value, SyncError)

    bad = _framework(sid, "f2")
    bad["competencyframework"]["unknown"] = "x"
    with pytest.raises(MoodleInvalidParameterError) as inv:
        client.call(CREATE, bad)
    assert inv.value.errorcode == "invalidparameter"
    assert "Unexpected keys (unknown)" in str(inv.value)

    with pytest.raises(MoodleWebServiceError, match="external_functions") as unknown:
        client.call("core_competency_no_such_function")
    assert unknown.value.errorcode == "invalidrecord"


def test_access_errors_and_disabled_competencies(
    moodle: MoodleEmulator, client: MoodleClient
) -> None:
    moodle.add_token("limited-token", ["core_webservice_get_site_info"])
    with MoodleClient(moodle.url, "limited-token") as limited:
        with pytest.raises(MoodleAccessError) as denied:
            limited.call(LIST, {"context": SYSTEM})
        assert denied.value.errorcode == "accessexception"
    with MoodleClient(moodle.url, "wrong-token") as wrong, pytest.raises(MoodleAccessError) as bad:
        wrong.call(LIST, {"context": SYSTEM})
    assert bad.value.errorcode == "invalidtoken"
    moodle.site.competencies_enabled = False
    with pytest.raises(CompetenciesDisabledError):
        client.call(LIST, {"context": SYSTEM})


@pytest.mark.parametrize(
    "failure",
    [{"status": 503}, {"status": 429}, {"status": 500}, {"drop": True}],
    ids=["503", "429", "500", "dropped"],
)
def test_reads_are_retried_with_backoff(
    moodle: MoodleEmulator, client: MoodleClient, sleeps: list[float], failure: dict[str, Any]
) -> None:
    moodle.fail(function=LIST, times=2, **failure)
    assert client.call(LIST, {"context": SYSTEM}) == []
    assert [c.outcome for c in moodle.calls][-1] == "ok"
    assert len(moodle.calls) == 3
    assert sleeps == [0.01, 0.02]


def test_reads_give_up_after_the_retries(moodle: MoodleEmulator, sleeps: list[float]) -> None:
    moodle.fail(function=LIST, status=502, times=10)
    with (
        MoodleClient(moodle.url, TOKEN, retries=2, backoff=0.5, sleep=sleeps.append) as c,
        pytest.raises(MoodleHTTPError) as err,
    ):
        c.call(LIST, {"context": SYSTEM})
    assert err.value.status == 502
    assert len(moodle.calls) == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("failure", [{"status": 503}, {"drop": True}], ids=["503", "dropped"])
def test_writes_are_never_retried(
    moodle: MoodleEmulator, client: MoodleClient, sleeps: list[float], failure: dict[str, Any]
) -> None:
    sid = moodle.site.add_scale("Two", ["No", "Yes"])
    moodle.fail(function=CREATE, when="after", **failure)
    with pytest.raises((MoodleHTTPError, MoodleTransportError)):
        client.call(CREATE, _framework(sid))
    assert [c.function for c in moodle.calls] == [CREATE]
    assert sleeps == []
    assert len(moodle.site.frameworks) == 1  # the change was made; only the answer was lost


def test_unreachable_site_is_a_transport_error() -> None:
    with (
        MoodleClient("http://127.0.0.1:9", TOKEN, retries=1, sleep=lambda s: None) as c,
        pytest.raises(MoodleTransportError) as err,
    ):
        c.call(LIST, {"context": SYSTEM})
    assert "cannot reach http://127.0.0.1:9" in str(err.value)
    assert TOKEN not in str(err.value)


class _FakeResponse:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None):
        self.status_code = status
        self._body = body
        self.headers = headers or {}
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self) -> Any:
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


class _FakeSession:
    """A stand-in session: records what the client sends, answers from a list."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.sent: list[dict[str, Any]] = []

    def post(self, url: str, **kwargs: Any) -> Any:
        self.sent.append({"url": url, **kwargs})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        raise AssertionError("the caller's session must not be closed by the client")


def test_the_callers_session_is_used_with_timeouts_and_kept_open() -> None:
    session = _FakeSession([_FakeResponse(200, {"sitename": "S"})])
    with MoodleClient("https://moodle.example.org/", TOKEN, session=session, timeout=(3, 7)) as c:
        assert c.call("core_webservice_get_site_info") == {"sitename": "S"}
    (sent,) = session.sent
    assert sent["url"] == "https://moodle.example.org/webservice/rest/server.php"
    assert sent["timeout"] == (3, 7)
    assert ("wsfunction", "core_webservice_get_site_info") in sent["data"]
    assert ("moodlewsrestformat", "json") in sent["data"]


def test_retry_after_is_honoured_and_timeouts_retried() -> None:
    waits: list[float] = []
    session = _FakeSession(
        [
            _FakeResponse(429, "slow down", {"Retry-After": "4"}),
            requests.exceptions.ReadTimeout("read timed out"),
            _FakeResponse(200, []),
        ]
    )
    c = MoodleClient("https://m.example", TOKEN, session=session, backoff=1, sleep=waits.append)
    assert c.call(LIST, {"context": SYSTEM}) == []
    assert waits == [4.0, 2.0]


def test_non_json_answers_are_reported() -> None:
    session = _FakeSession([_FakeResponse(200, "<html>Maintenance</html>")])
    c = MoodleClient("https://m.example", TOKEN, session=session)
    with pytest.raises(MoodleResponseError, match="REST protocol"):
        c.call(LIST, {"context": SYSTEM})


def test_the_token_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {
        "exception": "moodle_exception",
        "errorcode": "invalidtoken",
        "message": f"Invalid token {TOKEN}",
        "debuginfo": f"token={TOKEN}",
    }
    session = _FakeSession(
        [
            _FakeResponse(200, echo),
            requests.exceptions.ConnectionError(f"failed for wstoken={TOKEN}"),
            _FakeResponse(200, f"<p>{TOKEN}</p>"),
        ]
    )
    c = MoodleClient("https://m.example", TOKEN, session=session, retries=0)
    shown = [repr(c)]
    for _ in range(3):
        with pytest.raises(SyncError) as err:
            c.call("core_webservice_get_site_info")
        shown += [str(err.value), repr(err.value), str(err.value.args)]
    shown += [r.getMessage() for r in caplog.records]
    assert shown
    assert not any(TOKEN in s for s in shown)
    with pytest.raises(MoodleTransportError, match="no Moodle token"):
        MoodleClient("https://m.example", "")


def test_site_check_lists_every_missing_function_at_once(moodle: MoodleEmulator) -> None:
    needed = needed_functions("push-model")
    allowed = [f for f in needed if f not in (CREATE, "core_competency_set_parent_competency")]
    moodle.add_token("partial-token", allowed)
    with MoodleClient(moodle.url, "partial-token") as c:
        with pytest.raises(MoodleSiteError) as err:
            check_site(c, needed)
        info = check_site(c, needed, strict=False)
    assert info.missing == (CREATE, "core_competency_set_parent_competency")
    assert CREATE in str(err.value)
    assert "core_competency_set_parent_competency" in str(err.value)
    assert info.username == "admin"


def test_site_check_reports_disabled_competencies_and_bad_tokens(
    moodle: MoodleEmulator, client: MoodleClient
) -> None:
    assert check_site(client, needed_functions("assign-learning")).ok
    moodle.site.competencies_enabled = False
    with pytest.raises(MoodleSiteError, match="competency subsystem is disabled"):
        check_site(client, needed_functions("push-model"))
    with MoodleClient(moodle.url, "nope") as c, pytest.raises(MoodleSiteError, match="refused"):
        check_site(c, [])
