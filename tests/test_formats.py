"""File formats: the JSON Schemas accept what the loader accepts; the format header (issue 15)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from competency_core.cli import app
from competency_core.errors import ModelValidationError
from competency_core.formats import FORMAT, SCHEMA_KINDS
from competency_core.io import check_workforce_file, load_model, loads_model
from competency_core.schemas import json_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TINY = """\
key: tiny
name: Tiny
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
competencies: [{key: c, name: C, scale: s, indicators: {2: Does it}}]
"""


def _as_json(value: Any) -> Any:
    """YAML data as a JSON Schema validator (an editor's YAML support) sees it."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _kind(path: Path) -> str:
    return "workforce" if "people" in path.name else "model"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_validates_against_its_schema(path: Path) -> None:
    schema = json_schema(_kind(path))  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [
        f"{list(e.path)}: {e.message[:120]}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(data)
    ]
    assert errors == []


# the settings schema is per adapter: tests/test_settings_schema.py
@pytest.mark.parametrize("kind", [k for k in SCHEMA_KINDS if k != "settings"])
def test_every_schema_is_valid_and_has_an_id(kind: str) -> None:
    schema = json_schema(kind)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith("https://")
    assert schema["$id"].endswith(f"/{kind}-1.json")
    result = CliRunner().invoke(app, ["schema", kind])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["$id"] == schema["$id"]


def test_the_header_keys_are_accepted_by_the_loader_and_the_schema(tmp_path: Path) -> None:
    text = f"$schema: https://example.org/model.json\nformat: {FORMAT}\n" + TINY
    model = loads_model(text)
    assert model.key == "tiny"
    data = yaml.safe_load(text)
    jsonschema.validate(_as_json(data), json_schema("model"))
    people = tmp_path / "people.yaml"
    people.write_text(f"$schema: x\nformat: {FORMAT}\npeople: [{{key: p, name: P}}]\n")
    wf, problems = check_workforce_file(people)
    assert wf is not None, problems
    jsonschema.validate(_as_json(yaml.safe_load(people.read_text())), json_schema("workforce"))


def test_a_newer_format_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("format: competency-core/2\n" + TINY)
    with pytest.raises(ModelValidationError) as err:
        load_model(path)
    (problem,) = err.value.problems
    assert problem.path == "format"
    assert "newer than this version of competency-core reads" in problem.message
    assert "competency-core/1" in problem.message
    assert problem.file == str(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "upgrade competency-core" in result.output


@pytest.mark.parametrize("value", ["'1'", "other/1", "competency-core/0", "[1]"])
def test_a_malformed_format_is_refused(value: str) -> None:
    with pytest.raises(ModelValidationError, match="format"):
        loads_model(f"format: {value}\n" + TINY)


def test_a_schema_key_that_is_not_text_is_refused() -> None:
    with pytest.raises(ModelValidationError, match=r"\$schema"):
        loads_model("$schema: 3\n" + TINY)


def test_the_schema_accepts_the_indicator_shorthands() -> None:
    data = yaml.safe_load(TINY)
    data["competencies"][0]["indicators"] = {
        "1": "text",
        "2": {"en": "text", "sv": "text"},
        "3": [{"text": "full", "track": "ic"}, "short"],
    }
    jsonschema.validate(data, json_schema("model"))
