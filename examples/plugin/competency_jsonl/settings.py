"""The ``jsonl`` adapter's settings: where the files go, the signing key, a safety limit.

Values come from a settings file, ``--set name=value`` and the environment
(``COMPETENCY_JSONL_<NAME>``; the signing key only from there or a file, never ``--set``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from competency_core.sync import AdapterSettings


class JsonlSettings(AdapterSettings):
    """Where the files go, the key lines are signed with, and a safety limit."""

    directory: Path
    signing_key: SecretStr = Field(default=SecretStr(""), description="HMAC key for the lines.")
    max_deletes: int = Field(default=10, ge=0, description="Refuse plans deleting more.")


__all__ = ["JsonlSettings"]
