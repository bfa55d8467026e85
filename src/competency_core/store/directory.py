"""The directory an identity provider keeps in the store: SCIM users and groups as received.

Identity providers (Okta, Microsoft Entra ID) push users and groups into applications over
SCIM 2.0. The SCIM service of the ``competency_scim`` adapter keeps each resource here as
it was received (``data``, plain JSON), with the columns it is looked up by, and projects
users onto :class:`~competency_core.people.Person` records (``person_key``) and group
memberships onto teams. The store knows nothing of SCIM itself: these are two tables and
a few queries.

* ``cc_directory_entry``: one row per resource (``User``, ``Group``, ...), keyed by its
  service-assigned ``id``, with its version counter (the ETag), creation and modification
  times, the comparison form of its ``userName`` (unique per resource type), its
  ``externalId``, the comparison form of its ``displayName``, its manager's id and the key
  of the person it became;
* ``cc_directory_member``: group memberships (group id, member id), so that a user's
  groups are found without reading every group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competency_core.store.schema import Base, Json, KeyStr, Timestamp

DirectoryId = String(64)
LookupStr = String(400)


class DirectoryEntryRow(Base):
    """One directory resource (a SCIM user or group) as received, with its lookup columns."""

    __tablename__ = "cc_directory_entry"
    __table_args__ = (
        UniqueConstraint("resource_type", "user_name_key"),
        Index("ix_cc_directory_entry_external_id", "resource_type", "external_id"),
        Index("ix_cc_directory_entry_display_key", "resource_type", "display_key"),
        Index("ix_cc_directory_entry_modified", "resource_type", "last_modified"),
    )

    id: Mapped[str] = mapped_column(DirectoryId, primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(50))
    user_name_key: Mapped[str | None] = mapped_column(LookupStr)
    external_id: Mapped[str | None] = mapped_column(LookupStr)
    display_key: Mapped[str | None] = mapped_column(LookupStr)
    person_key: Mapped[str | None] = mapped_column(KeyStr, index=True)
    manager_id: Mapped[str | None] = mapped_column(DirectoryId, index=True)
    version: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(Timestamp)
    last_modified: Mapped[dt.datetime] = mapped_column(Timestamp)
    data: Mapped[dict[str, Any]] = mapped_column(Json)


class DirectoryMemberRow(Base):
    """A member (user or group id) of a directory group."""

    __tablename__ = "cc_directory_member"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("cc_directory_entry.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(DirectoryId, primary_key=True, index=True)


__all__ = ["DirectoryEntryRow", "DirectoryMemberRow"]
