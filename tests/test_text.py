from __future__ import annotations

import pytest
from pydantic import ValidationError

from competency_core import LocalizedText, text


def test_lookup_falls_back_to_default_then_any() -> None:
    t = text({"en": "Teamwork", "sv": "Samarbete"})
    assert t.get("sv", default_language="en") == "Samarbete"
    assert t.get("sv-FI", default_language="en") == "Samarbete"
    assert t.get("de", default_language="en") == "Teamwork"
    assert text({"fi": "Tiimityö"}).get("de", default_language="en") == "Tiimityö"
    assert text("Plain").get("sv", default_language="en") == "Plain"


def test_languages_and_normalised_form() -> None:
    assert text("x").languages(default_language="sv") == {"sv"}
    assert text({"en": "x", "sv": "y"}).normalized(default_language="en") == {"en": "x", "sv": "y"}
    assert text("x").normalized(default_language="sv") == {"sv": "x"}


@pytest.mark.parametrize("bad", [{}, {"English": "x"}, {"en": 3}])
def test_bad_texts_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        LocalizedText.model_validate(bad)
