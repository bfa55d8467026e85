"""People: a person as the object the ``jsonl`` adapter writes, and a line's object back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from competency_core.people import Person
from competency_core.sync import LocalObject


def person_objects(people: Iterable[Person]) -> Iterator[LocalObject]:
    """One object per person: name and e-mail."""
    for p in people:
        yield LocalObject(kind="person", key=p.key, data={"name": p.name, "email": p.email})


def person(obj: dict[str, Any]) -> Person:
    """The person of a line's object (as :func:`person_objects` made it)."""
    return Person(key=obj["key"], name=obj["data"]["name"], email=obj["data"]["email"])


__all__ = ["person", "person_objects"]
