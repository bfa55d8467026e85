"""Units of the Moodle adapter: scale maps, description texts and their marker line, doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

from competency_moodle.scales import ScaleMismatchError, map_scale
from competency_moodle.texts import shortname, split_marker, with_marker

ITEMS = ["No", "Basic", "Good", "Great"]


@pytest.mark.parametrize(
    "name", ["competency_moodle.client", "competency_moodle.scales", "competency_moodle.texts"]
)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_levels_map_by_name_before_position() -> None:
    with pytest.raises(ScaleMismatchError, match="2 levels"):  # names out of order: unused
        map_scale("s", [1, 2], ["great", "basic"], 1, ITEMS)
    same = map_scale("s", [10, 20, 30, 40], ["a", "b", "c", "d"], 30, ITEMS)
    assert (same.how, same.items, same.proficient_item) == (
        "by position",
        {10: 1, 20: 2, 30: 3, 40: 4},
        3,
    )
    named = map_scale("s", [1, 2, 3], ["No", "good", "GREAT"], 2, ITEMS)
    assert (named.how, named.items) == ("by name", {1: 1, 2: 3, 3: 4})
    assert named.levels == {1: 1, 3: 2, 4: 3}  # item 2 maps back to no level


def test_spread_keeps_order_and_ends() -> None:
    m = map_scale("s", [1, 2, 3], ["x", "y", "z"], 2, [*ITEMS, "Superb"], fit="spread")
    assert m.items == {1: 1, 2: 3, 3: 5}
    cfg = m.configuration(9)
    assert cfg[0] == {"scaleid": 9}
    assert [i["proficient"] for i in cfg[1:]] == [0, 0, 1, 1, 1]
    assert [i["scaledefault"] for i in cfg[1:]] == [0, 0, 1, 0, 0]


def test_more_levels_than_items_is_refused_even_when_spreading() -> None:
    with pytest.raises(ScaleMismatchError, match="6 levels") as caught:
        map_scale("big", list(range(6)), list("abcdef"), 3, ITEMS, fit="spread")
    assert "scale_fit=spread" not in str(caught.value)  # spreading cannot help here
    with pytest.raises(ScaleMismatchError, match="items out of range"):
        map_scale("s", [1, 2], ["a", "b"], 2, ITEMS, explicit={1: 1, 2: 7})
    with pytest.raises(ScaleMismatchError, match=r"levels \[2\] have no item"):
        map_scale("s", [1, 2], ["a", "b"], 2, ITEMS, explicit={1: 1})


def test_marker_round_trip_and_shortnames() -> None:
    body = "<p>About <b>this</b></p>"
    text = with_marker(body, {"related": ["a.b", "c:d/e"], "model": ["m"]})
    assert split_marker(text) == (body, {"model": ["m"], "related": ["a.b", "c:d/e"]})
    assert with_marker(body, {"related": []}) == body
    assert split_marker("<p>[competency-core] is mentioned</p> in the middle") == (
        "<p>[competency-core] is mentioned</p> in the middle",
        {},
    )
    assert shortname("  <b>Bold</b>   name ") == "Bold   name"  # as Moodle keeps it
    assert shortname("two\nlines") == "two lines"
    assert len(shortname("x" * 300)) == 100
    assert shortname("<i></i>") == "-"


def test_descriptions_read_back() -> None:
    from competency_core.model import CompetencyModel
    from competency_moodle.texts import competency_description, parse_description

    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "proficient": 2,
                    "levels": [{"value": 1, "label": "Low"}, {"value": 2, "label": "High & Co"}],
                }
            ],
            "competencies": [
                {
                    "key": "c",
                    "name": "C",
                    "scale": "s",
                    "definition": "Line one <b>\nline 'two' & more",
                    "indicators": {2: [{"text": "Does <it>"}, {"text": "And this"}]},
                }
            ],
        }
    )
    html = competency_description(model, model.competencies[0])
    assert parse_description(html) == (
        "Line one <b>\nline 'two' & more",
        [("High & Co", ["Does <it>", "And this"])],
    )
    assert parse_description("<div>Written in <em>Moodle</em></div>") == (
        "Written in Moodle",
        [],
    )
