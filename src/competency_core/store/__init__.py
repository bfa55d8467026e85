"""The store: one repository API for models, people, assessments, learning, feedback and sync.

It runs on SQLAlchemy 2. The embedded default is a SQLite file (no server); the same code runs on PostgreSQL::

    from competency_core.store import Store

    store = Store()  # ./competency.sqlite3, or $COMPETENCY_STORE_URL
    store = Store("postgresql://me:secret@db/competency")
    record = store.add_model(model)
    store.save_draft(edited, revision=record.revision)
    workforce = store.workforce(model, as_of=dt.date(2026, 4, 1))  # people, as a file gives

Opening a store upgrades its schema (Alembic scripts shipped in the package). See
docs/store.md.
"""

from competency_core.records import Feedback, ModelEvent, ModelVersionRecord, SyncRecord
from competency_core.store import directory as _directory  # noqa: F401  (declares its tables)
from competency_core.store.connect import DEFAULT_FILE, ENV_VAR, mask_url, resolve_url
from competency_core.store.feedback_sync import FeedbackAndSync
from competency_core.store.workforce_check import ProblemSummary, WorkforceCheck


class Store(FeedbackAndSync):
    """A competency-core store on SQLite (embedded default) or PostgreSQL.

    ``Store(url)`` takes a database URL, a SQLite file path, or None for
    ``$COMPETENCY_STORE_URL`` and then ``./competency.sqlite3``. ``upgrade=False`` skips the
    schema upgrade on opening. Every method is one transaction; use
    :meth:`transaction` to group several. Passwords never appear in its repr or errors.
    """

    def __enter__(self) -> "Store":
        return self


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open (and, unless told not to, upgrade) the store at ``url``."""
    return Store(url, upgrade=upgrade)


__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "Feedback",
    "ModelEvent",
    "ModelVersionRecord",
    "ProblemSummary",
    "Store",
    "SyncRecord",
    "WorkforceCheck",
    "mask_url",
    "open_store",
    "resolve_url",
]
