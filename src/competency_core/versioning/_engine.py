"""The machinery of a diff: recording changes, and pairing items by key or as renames.

See :mod:`competency_core.versioning.diff` for the rename heuristic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from competency_core.model import CompetencyModel
from competency_core.versioning.changes import Change, ChangeKind, Entity
from competency_core.versioning.rules import rule

Data = dict[str, Any]

# Fields whose equality, when non-empty, makes a re-titled item a rename (rule 3).
_SUBSTANCE: dict[str, tuple[str, ...]] = {
    "scale": ("levels",),
    "track": ("description",),
    "competency": ("definition", "indicators"),
    "role": ("requirements", "summary"),
    "learning-resource": ("develops",),
}


def _text(value: Any, lang: str = "en") -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _short(value: Any, lang: str) -> str:
    if isinstance(value, str | Mapping):
        s = _text(value, lang).replace("\n", " ")
        return f'"{s}"' if len(s) <= 60 else f'"{s[:57]}..."'
    if value is None or value == [] or value == {}:
        return "none"
    return str(value)


def _same_key(a: Data, b: Data) -> bool:
    return a.get("key") is not None and a.get("key") == b.get("key")


def _same_content(a: Data, b: Data) -> bool:
    return a == b


def _norm(value: Any, lang: str) -> str:
    return " ".join(_text(value, lang).casefold().split())


class Recorder:
    """Collects the changes between two models; subclasses walk the parts."""

    def __init__(self, old: CompetencyModel, new: CompetencyModel) -> None:
        self.old = old.model_dump(mode="json")
        self.new = new.model_dump(mode="json")
        self.lang = new.default_language
        self.changes: list[Change] = []
        self.maps: dict[str, dict[str, str]] = {}

    # -- recording -------------------------------------------------------------
    def add(
        self,
        kind: ChangeKind,
        entity: Entity,
        path: str,
        key: str,
        summary: str,
        *,
        what: str | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        old_key: str | None = None,
    ) -> None:
        bump, reason = rule(entity, what or field or kind)
        self.changes.append(
            Change(
                kind=kind,
                entity=entity,
                path=path,
                key=key,
                old_key=old_key,
                field=field,
                old=old,
                new=new,
                bump=bump,
                reason=reason,
                summary=summary,
            )
        )

    def field(
        self, entity: Entity, label: str, path: str, key: str, name: str, a: Any, b: Any
    ) -> None:
        """Record a changed field (``what`` is the field, with +/- for direction rules)."""
        if a == b:
            return
        what = name
        if isinstance(a, bool) and isinstance(b, bool):
            what = f"{name}{'+' if b else '-'}"
        self.add(
            "changed",
            entity,
            f"{path}.{name}",
            key,
            f"{label}: {name.replace('_', ' ')} changed from {_short(a, self.lang)} "
            f"to {_short(b, self.lang)}",
            what=what,
            field=name,
            old=a,
            new=b,
        )

    def fields(
        self,
        entity: Entity,
        label: str,
        path: str,
        key: str,
        a: Data,
        b: Data,
        names: Iterable[str],
    ) -> None:
        for name in names:
            self.field(entity, label, path, key, name, a.get(name), b.get(name))

    # -- matching with rename detection -----------------------------------------
    def match(
        self,
        entity: Entity,
        olds: Sequence[Data],
        news: Sequence[Data],
        translate: Callable[[Data], Data],
        name_field: str,
    ) -> tuple[list[tuple[Data, Data]], list[Data], list[Data]]:
        """Pairs (old, new) by key, then renames; returns pairs, removed, added."""
        new_by_key = {n["key"]: n for n in news}
        old_keys = {o["key"] for o in olds}
        pairs = [(o, new_by_key[o["key"]]) for o in olds if o["key"] in new_by_key]
        gone = [o for o in olds if o["key"] not in new_by_key]
        fresh = [n for n in news if n["key"] not in old_keys]

        def body(d: Data) -> Data:
            return {k: v for k, v in d.items() if k != "key"}

        renamed: list[tuple[Data, Data]] = []
        for exact in (True, False):
            scored: list[tuple[float, int, int]] = []
            for i, o in enumerate(gone):
                ob = body(translate(o))
                for j, n in enumerate(fresh):
                    nb = body(n)
                    if exact:
                        if ob == nb:
                            scored.append((1.0, i, j))
                        continue
                    others = [k for k in nb if k != name_field]
                    same = sum(1 for k in others if ob.get(k) == nb[k])
                    score = same / len(others) if others else 1.0
                    same_name = _norm(o.get(name_field), self.lang) == _norm(
                        n.get(name_field), self.lang
                    )
                    substance = [nb.get(k) for k in _SUBSTANCE[entity]]
                    retitled = score == 1.0 and any(substance)
                    if (same_name and score >= 0.5) or retitled:
                        scored.append((score, i, j))
            used_o: set[int] = set()
            used_n: set[int] = set()
            for _, i, j in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
                if i not in used_o and j not in used_n:
                    used_o.add(i)
                    used_n.add(j)
                    renamed.append((gone[i], fresh[j]))
            gone = [o for i, o in enumerate(gone) if i not in used_o]
            fresh = [n for j, n in enumerate(fresh) if j not in used_n]
        mapping = self.maps.setdefault(entity, {})
        for o, n in renamed:
            mapping[o["key"]] = n["key"]
        return pairs + renamed, gone, fresh

    def tr(self, entity: str, key: Any) -> Any:
        """An old key as it is called in the new version."""
        return self.maps.get(entity, {}).get(key, key) if isinstance(key, str) else key

    def keyed(
        self,
        entity: Entity,
        label: str,
        section: str,
        translate: Callable[[Data], Data],
        name_field: str,
        compare: Callable[[Data, Data, str, str], None],
    ) -> None:
        pairs, gone, fresh = self.match(
            entity, self.old[section], self.new[section], translate, name_field
        )
        for o in gone:
            k = o["key"]
            self.add(
                "removed",
                entity,
                f"{section}[{k}]",
                k,
                f"Removed {label} `{k}` ({_text(o.get(name_field), self.lang)})",
            )
        for o, n in pairs:
            k = n["key"]
            if o["key"] != k:
                self.add(
                    "renamed",
                    entity,
                    f"{section}[{k}]",
                    k,
                    f"Renamed {label} `{o['key']}` to `{k}`",
                    old_key=o["key"],
                )
            compare(translate(o), n, f"{section}[{k}]", f"{label.capitalize()} `{k}`")
        for n in fresh:
            k = n["key"]
            self.add(
                "added",
                entity,
                f"{section}[{k}]",
                k,
                f"Added {label} `{k}` ({_text(n.get(name_field), self.lang)})",
            )


__all__ = ["Data", "Recorder"]
