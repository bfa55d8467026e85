"""The pilot and monitoring reports in Swedish: no English wording left, numbers in Swedish.

The customer-success example has Swedish texts, so a Swedish report shows the model's
Swedish names; every phrase that reads the same in the English report must be the
model's or the people's own text, a key or a name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from competency_core.analytics.monitoring import monitor
from competency_core.analytics.periods import Period
from competency_core.analytics.report import (
    build_pilot_report,
    write_monitoring_report,
    write_pilot_report,
)
from competency_core.analytics.simulate import SimulationSettings, simulate_pilot
from competency_core.io import load_model, load_workforce

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODEL = EXAMPLES / "customer-success.yaml"
PEOPLE = EXAMPLES / "customer-success-people.yaml"


def _texts(html: str) -> str:
    """The text of an HTML page (and its alt texts), one node a line."""
    out: list[str] = []

    class Texts(HTMLParser):
        def handle_data(self, data: str) -> None:
            out.append(data)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            out.extend(v for k, v in attrs if k in ("alt", "title") and v)

    Texts().feed(re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    return "\n".join(out)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The pilot and monitoring reports of the example, in English and in Swedish."""
    model = load_model(MODEL)
    wf = load_workforce(PEOPLE, model)
    sim = simulate_pilot(
        model, wf, size=5, seed=1, settings=SimulationSettings(too_broad="discovery")
    )
    usage = monitor(model, wf, on=dt.date(2026, 6, 30), period=Period.QUARTER, periods=3)
    out: dict[str, dict[str, Any]] = {
        # the participants' own words (simulated comments) are data, not wording
        "feedback": {"texts": [json.dumps([f.model_dump(mode="json") for f in sim.feedback])]}
    }
    for lang in ("en", "sv"):
        folder = tmp_path_factory.mktemp(lang)
        report = build_pilot_report(
            model,
            sim.data,
            selection=sim.selection,
            feedback=sim.feedback,
            on=sim.settings.date,
            language=lang,
        )
        pilot = write_pilot_report(report, folder / "pilot")
        mon = write_monitoring_report(
            usage, folder / "monitor", model_name=model.text(model.name, lang), language=lang
        )
        out[lang] = {
            "pilot.html": _texts(pilot.html.read_text(encoding="utf-8")),
            "pilot.md": pilot.markdown.read_text(encoding="utf-8"),
            "monitor.html": _texts(mon.html.read_text(encoding="utf-8")),
            "monitor.md": mon.markdown.read_text(encoding="utf-8"),
            "raw": pilot.html.read_text(encoding="utf-8"),
        }
    return out


def test_swedish_reports_have_no_english_wording(rendered: dict[str, dict[str, Any]]) -> None:
    from test_cli_language import english_left, own_texts

    allowed = own_texts(MODEL, PEOPLE) + rendered["feedback"]["texts"]
    left = {
        name: found
        for name in ("pilot.html", "pilot.md", "monitor.html", "monitor.md")
        if (found := english_left(rendered["sv"][name], rendered["en"][name], allowed))
    }
    assert left == {}, left


def test_swedish_reports_read_swedish(rendered: dict[str, dict[str, Any]]) -> None:
    sv, en = rendered["sv"], rendered["en"]
    assert sv["raw"].startswith('<!DOCTYPE html>\n<html lang="sv">')
    model = load_model(MODEL)
    assert f"# Pilotrapport: {model.text(model.name, 'sv')}" in sv["pilot.md"]
    assert f"# Pilot report: {model.text(model.name, 'en')}" in en["pilot.md"]
    assert "## Iakttagelser" in sv["pilot.md"]
    assert "## Findings" in en["pilot.md"]
    assert "Uppföljningsrapport" in sv["monitor.md"]
    assert "per kvartal" in sv["monitor.md"]
    # dates and shares as a Swedish reader writes them
    assert re.search(r"\d+ (januari|februari|mars|april|maj|juni|juli|augusti)", sv["pilot.md"])
    assert re.search(r"\d+\xa0%", sv["monitor.md"])
    assert re.search(r"\d+%", en["monitor.md"])


def test_swedish_report_uses_the_models_swedish_names(
    rendered: dict[str, dict[str, Any]],
) -> None:
    model = load_model(MODEL)
    names_sv = [model.text(c.name, "sv") for c in model.competencies]
    names_en = [model.text(c.name, "en") for c in model.competencies]
    assert names_sv != names_en
    assert sum(n in rendered["sv"]["pilot.html"] for n in names_sv if n not in names_en) >= 5
