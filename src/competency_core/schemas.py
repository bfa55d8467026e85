"""The JSON Schemas of every file format competency-core reads: ``competency schema KIND``.

Each kind's model lives with its owner (the model and workforce in the domain, the pilot
and feedback files in analytics, migration mappings in versioning, an adapter's settings
in its plugin), so this module sits above them all; :mod:`competency_core.formats` (the
header every file carries, used by the loader) stays below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from competency_core.formats import FORMAT_VERSION, SCHEMA_BASE, SchemaKind, document_schema


def settings_schema(adapter: str) -> dict[str, Any]:
    """The JSON Schema of an adapter's settings file (``--settings FILE``).

    Secret settings (tokens, passwords) are left out: they come from the environment or a
    file of their own, never from a settings file that may be shared.
    """
    from competency_core.plugins import plugin_registry

    model = plugin_registry().adapter(adapter).settings_model
    schema = model.model_json_schema()
    secret = [n for n, f in model.model_fields.items() if "SecretStr" in str(f.annotation)]
    props = schema.get("properties", {})
    for name in secret:
        props.pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in secret]
    schema["additionalProperties"] = False
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/settings-{adapter}-{FORMAT_VERSION}.json",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": f"competency-core {adapter} adapter settings",
    }


def json_schema(kind: SchemaKind = "model", *, adapter: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file format, with ``$id`` and the header keys.

    ``kind="settings"`` needs the ``adapter`` whose settings file it describes.
    """
    if kind == "settings":
        if not adapter:
            raise ValueError("the settings schema is an adapter's: name the adapter")
        return settings_schema(adapter)
    from competency_core.analytics.feedback import FeedbackFile
    from competency_core.analytics.ratings import PilotData
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.versioning.migrate import MigrationMapping

    classes: dict[str, type[BaseModel]] = {
        "model": CompetencyModel,
        "workforce": Workforce,
        "pilot": PilotData,
        "feedback": FeedbackFile,
        "migration": MigrationMapping,
    }
    return document_schema(kind, classes[kind])


__all__ = ["json_schema", "settings_schema"]
