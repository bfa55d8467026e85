"""Model push: a model's competencies as the objects the ``jsonl`` adapter writes, one a line."""

from __future__ import annotations

from collections.abc import Iterator

from competency_core.model import CompetencyModel
from competency_core.sync import LocalObject, ObjectRef


def competency_objects(model: CompetencyModel) -> Iterator[LocalObject]:
    """One object per competency: its name (in the model's language) and parent."""
    for c in model.competencies:
        parent = (ObjectRef(kind="competency", key=c.parent),) if c.parent else ()
        yield LocalObject(
            kind="competency",
            key=c.key,
            data={"name": model.text(c.name), "parent": c.parent},
            depends_on=parent,
        )


__all__ = ["competency_objects"]
