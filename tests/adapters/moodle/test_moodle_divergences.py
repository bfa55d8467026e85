"""What a real Moodle 5.1 did that the emulator did not, now learnt by the emulator.

Each test makes the same web-service call on the emulator and on a real Moodle 5.1 and
compares the answers (refused with the same error code, or accepted with the same values
where the values are comparable). A divergence found later gets a test here first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moodle_backends import EmulatorBackend, RealBackend, Seeded

from competency_moodle.client import MoodleClient
from competency_moodle.errors import MoodleWebServiceError
from competency_testing.moodle import Contract, MoodleEmulator

pytestmark = pytest.mark.moodle

SYSTEM = {"contextlevel": "system", "instanceid": 0}


@pytest.fixture
def sites(contract: Contract, real_moodle_site: Any, real_proxy: Any) -> Iterator[list[Seeded]]:
    """A fresh emulated site and a fresh real site, seeded alike."""
    with MoodleEmulator(contract) as emulator:
        yield [EmulatorBackend(emulator).seed(), RealBackend(real_moodle_site, real_proxy).seed()]


def answer(seeded: Seeded, function: str, params: dict[str, Any]) -> tuple[str, Any]:
    """('ok', the answer) or ('error', Moodle's error code)."""
    with MoodleClient(seeded.url, seeded.token, retries=0) as client:
        try:
            return "ok", client.call(function, params)
        except MoodleWebServiceError as exc:
            return "error", exc.errorcode


def _framework(seeded: Seeded, **fields: Any) -> dict[str, Any]:
    config = (
        f'[{{"scaleid":"{seeded.scale}"}},{{"id":1,"scaledefault":1,"proficient":0}},'
        '{"id":2,"scaledefault":0,"proficient":1},{"id":3,"scaledefault":0,"proficient":1},'
        '{"id":4,"scaledefault":0,"proficient":1}]'
    )
    return {
        "competencyframework": {
            "shortname": "Framework",
            "idnumber": "fw",
            "descriptionformat": 1,
            "scaleid": seeded.scale,
            "scaleconfiguration": config,
            "contextlevel": "system",
            "instanceid": 0,
        }
        | fields
    }


@pytest.mark.parametrize(
    "description",
    [
        "<p>It&#x27;s the team&#x27;s call</p>",  # html.escape's apostrophe: the first refusal
        "<p>Says &quot;done&quot;</p>",
        "<p>one<br>two</p>",  # HTML Purifier writes <br />
        "<p>R&D</p>",  # a bare ampersand becomes &amp;
        "<p>p95 < 200 ms</p>",  # a bare < becomes &lt;
        "<p>x</p>\n",  # trimmed
        "<p>Unknown <core>tag</core></p>",  # unknown tags dropped
    ],
)
def test_a_description_moodle_would_clean_is_refused_by_both(
    sites: list[Seeded], description: str
) -> None:
    emulated, real = (
        answer(
            s, "core_competency_create_competency_framework", _framework(s, description=description)
        )
        for s in sites  # each with its own site's scale
    )
    assert real == ("error", "invalidparameter")
    assert emulated == real


@pytest.mark.parametrize(
    "description",
    [
        "<p>It's the team's call, \"done\" &amp; dusted, 5 &lt; 6 &gt; 4</p>",
        "<p>one<br />two</p>\n<ul><li>a</li><li>b</li></ul>",
        "<p>Ships 🚀 · Återkoppling · עבודת צוות · العمل الجماعي</p>",
        "<p><strong>Skilled</strong></p>",
    ],
)
def test_a_description_in_moodle_form_is_kept_as_sent_by_both(
    sites: list[Seeded], description: str
) -> None:
    got = []
    for seeded in sites:
        status, created = answer(
            seeded,
            "core_competency_create_competency_framework",
            _framework(seeded, description=description),
        )
        assert status == "ok", created
        got.append(created["description"])
    assert got == [description, description]


@pytest.mark.parametrize(
    ("shortname", "accepted"),
    [
        ('Coding & "craft"', True),
        ("It's 5 < 6 > 4", True),
        ("Coding <core>", False),  # PARAM_TEXT strips the tag: refused
        ("<b>Bold</b>", False),
    ],
)
def test_short_names_are_cleaned_as_text_and_answered_through_format_string(
    sites: list[Seeded], shortname: str, accepted: bool
) -> None:
    answers = []
    for seeded in sites:
        status, created = answer(
            seeded,
            "core_competency_create_competency_framework",
            _framework(seeded, shortname=shortname, description="<p>x</p>"),
        )
        answers.append((status, created["shortname"] if status == "ok" else created))
    if accepted:
        expected = shortname.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert answers == [("ok", expected)] * 2
    else:
        assert answers == [("error", "invalidparameter")] * 2


def test_a_course_is_answered_without_its_idnumber_to_the_sync_user(
    sites: list[Seeded],
) -> None:
    found = []
    for seeded in sites:
        status, got = answer(
            seeded, "core_course_get_courses_by_field", {"field": "idnumber", "value": "CC-101"}
        )
        assert status == "ok"
        [course] = got["courses"]
        found.append((course["shortname"], "idnumber" in course))
    assert found == [("Clean code", False)] * 2
