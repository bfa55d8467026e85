"""The settings-file schema of each adapter: what `--settings FILE` accepts, no secrets."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from competency_core.plugins import plugin_registry
from competency_core.schemas import json_schema


@pytest.mark.parametrize("adapter", ["csv", "moodle", "scim"])
def test_each_adapter_has_a_settings_schema_without_secrets(adapter: str) -> None:
    schema = json_schema("settings", adapter=adapter)
    assert schema["$id"].endswith(f"settings-{adapter}-1.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    model = plugin_registry().adapter(adapter).settings_model
    secrets = {n for n, f in model.model_fields.items() if "SecretStr" in str(f.annotation)}
    assert not secrets & set(schema["properties"])
    assert set(schema["properties"]) == set(model.model_fields) - secrets


def test_a_settings_file_the_adapter_accepts_validates_and_a_misspelt_one_does_not() -> None:
    schema = json_schema("settings", adapter="moodle")
    good: dict[str, Any] = {"url": "https://moodle.example.org", "scale_id": 12, "plans": "cohort"}
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "scale_fitt": "spread"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "token": "a secret in a shared file"}, schema)


def test_the_cli_prints_it_and_names_what_is_missing(cli: Any) -> None:
    ok = cli("schema", "settings", "--adapter", "csv")
    assert ok.code == 0, ok.err
    assert ok.json()["title"] == "competency-core csv adapter settings"
    missing = cli("schema", "settings")
    assert missing.code == 2
    assert "--adapter" in missing.err
    unknown = cli("schema", "settings", "--adapter", "nope")
    assert unknown.code == 2
