"""The ``scim`` adapter's settings: the service, paging, filters, role mapping and groups.

The token is a :class:`~pydantic.SecretStr`: give it through the settings file,
``--token-env VAR``, ``--token-file FILE`` or ``COMPETENCY_SCIM_TOKEN``, never on the
command line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from competency_core.sync import AdapterSettings
from competency_scim.ratings import EXTENSION


class ScimSettings(AdapterSettings):
    """Settings of the ``scim`` adapter: the service, paging, filters, mapping and groups."""

    url: str = Field(description="The SCIM service's base URL, e.g. https://host/scim/v2.")
    token: SecretStr | None = Field(default=None, description="The bearer token (a secret).")
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for an answer.")
    retries: int = Field(default=3, ge=0, description="How often a read is tried again.")
    page_size: int = Field(default=100, ge=1, description="Resources asked for per page.")
    paging: Literal["auto", "index", "cursor"] = Field(
        default="auto", description="index, cursor, or auto (cursors when announced)."
    )
    active_only: bool = Field(default=True, description="Pull only active users.")
    modified_since: dt.datetime | None = Field(
        default=None, description="Pull only users changed after this time (incremental)."
    )
    mapping_file: Path | None = Field(
        default=None, description="A role mapping file (YAML/JSON, see docs/adapters/scim.md)."
    )
    role_titles: dict[str, str] = Field(
        default_factory=dict, description="Without a mapping file: job title -> role key."
    )
    model_file: Path | None = Field(
        default=None, description="A model whose role titles also map titles to roles."
    )
    prefix: str = Field(
        default="competency-core",
        min_length=1,
        description="The externalId prefix of the groups and users the adapter manages.",
    )
    role_group_name: str = Field(
        default="Role: {key}",
        description="Display name of a role's group: {key}, and {title} with a model.",
    )
    learning_group_name: str = Field(
        default="Learning: {key}", description="Display name of a learning group ({key})."
    )
    provision_users: bool = Field(
        default=False, description="push-people also creates and updates the users."
    )
    write_attributes: bool = Field(
        default=False, description="Write role and competencies to users (extension schema)."
    )
    extension_schema: str = Field(
        default=EXTENSION, description="The URN of the extension schema for attributes."
    )

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("give the service's http(s) URL, e.g. https://host/scim/v2")
        if "@" in value.split("//", 1)[1].split("/", 1)[0]:
            raise ValueError("put credentials in the token setting, not in the URL")
        return value.rstrip("/")

    @field_validator("role_group_name", "learning_group_name")
    @classmethod
    def _has_key(cls, value: str) -> str:
        if "{key}" not in value and "{title}" not in value:
            raise ValueError("the name must contain {key} or {title}, e.g. 'Role: {key}'")
        try:
            value.format(key="k", title="t")
        except (KeyError, IndexError, ValueError):
            raise ValueError(
                "use only {key} and {title} in braces (double other braces: {{ }})"
            ) from None
        return value


__all__ = ["ScimSettings"]
