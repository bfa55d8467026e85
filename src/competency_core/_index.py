"""Key lookups on frozen models that never go stale.

A frozen pydantic model is changed by ``model_copy(update=...)``, which copies the
instance dictionary as it is: an index cached there (``functools.cached_property``) would
keep answering with the old items. :func:`keyed_index` caches the index next to the very
tuple it was built from and rebuilds it whenever the field holds another object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=_Keyed)


def keyed_index(owner: object, field: str, items: Iterable[T]) -> dict[str, T]:
    """``{item.key: item}`` for ``items`` (the value of ``owner.<field>``), cached on ``owner``.

    The cache entry holds ``items`` itself and is used only while the field still is that
    object, so a copy with new items (``model_copy(update=...)``) gets a new index.
    """
    slot = f"__index_{field}"
    cache = owner.__dict__
    hit = cache.get(slot)
    if hit is not None and hit[0] is items:
        index: dict[str, T] = hit[1]
        return index
    index = {x.key: x for x in items}
    cache[slot] = (items, index)
    return index
