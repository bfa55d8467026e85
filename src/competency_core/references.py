"""Cross-reference checks of a model, on its plain (dict) form.

These checks run on raw data as well as on built models, so that a file with broken
fields still gets its reference problems reported in the same run: every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from competency_core.errors import Problem
from competency_core.keys import did_you_mean

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.text import LocalizedText

PathPart = str | int
_LEVEL_KEYED = ("indicators", "level_descriptions")


def format_path(parts: Sequence[PathPart]) -> str:
    """Render ``("roles", 3, "requirements", 1, "level")`` as ``roles[3].requirements[1].level``.

    >>> format_path(("roles", 3, "requirements", 1, "level"))
    'roles[3].requirements[1].level'
    >>> format_path(("competencies", 0, "indicators", 2))
    'competencies[0].indicators.2'
    """
    out = ""
    for i, part in enumerate(parts):
        if isinstance(part, int) and not (i > 0 and parts[i - 1] in _LEVEL_KEYED):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _items(data: Mapping[str, Any], name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    seq = data.get(name)
    if isinstance(seq, list | tuple):
        for i, item in enumerate(seq):
            if isinstance(item, Mapping):
                yield i, item


def _key(item: Mapping[str, Any], field: str = "key") -> str | None:
    v = item.get(field)
    return v if isinstance(v, str) else None


def _level_values(scale: Mapping[str, Any]) -> set[int]:
    out: set[int] = set()
    for _, lv in _items(scale, "levels"):
        v = lv.get("value")
        if isinstance(v, int) and not isinstance(v, bool):
            out.add(v)
    return out


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
        return int(value)
    return None


def reference_problems(data: Any) -> list[Problem]:
    """Every cross-reference problem in a model's plain form (tolerant of malformed parts)."""
    if not isinstance(data, Mapping):
        return []
    problems: list[Problem] = []

    def err(path: Sequence[PathPart], message: str) -> None:
        problems.append(Problem(path=format_path(path), message=message))

    def unique(collection: str, what: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, item in _items(data, collection):
            k = _key(item)
            if k is None:
                continue
            if k in seen:
                err(
                    (collection, i, "key"),
                    f"duplicate {what} key {k!r} (first used at {collection}[{seen[k]}])",
                )
            else:
                seen[k] = i
        return seen

    scales = unique("scales", "scale")
    comps = unique("competencies", "competency")
    roles = unique("roles", "role")
    tracks = unique("tracks", "track")
    unique("learning_resources", "learning resource")

    scale_levels: dict[str, set[int]] = {}
    for _, s in _items(data, "scales"):
        k = _key(s)
        if k is not None and k not in scale_levels:
            scale_levels[k] = _level_values(s)

    comp_scale: dict[str, str] = {}
    parents: dict[str, str] = {}
    for i, c in _items(data, "competencies"):
        ck = _key(c)
        sk = _key(c, "scale")
        if sk is not None:
            if sk not in scales:
                err(
                    ("competencies", i, "scale"),
                    f"unknown scale {sk!r}{did_you_mean(sk, scales)}; declared scales: "
                    f"{sorted(scales) or 'none'}",
                )
            elif ck is not None:
                comp_scale.setdefault(ck, sk)
        pk = _key(c, "parent")
        if pk is not None:
            if pk == ck:
                err(("competencies", i, "parent"), f"competency {ck!r} cannot be its own parent")
            elif pk not in comps:
                err(
                    ("competencies", i, "parent"),
                    f"unknown parent competency {pk!r}{did_you_mean(pk, comps)}",
                )
            elif ck is not None:
                parents.setdefault(ck, pk)
        indicators = c.get("indicators")
        if isinstance(indicators, Mapping) and sk in scale_levels:
            for lvl, inds in indicators.items():
                v = _as_int(lvl)
                if v is None or v not in scale_levels[sk]:
                    err(
                        ("competencies", i, "indicators", str(lvl)),
                        f"indicators given for level {lvl!r}, which is not a level of scale "
                        f"{sk!r} {sorted(scale_levels[sk])}",
                    )
                if isinstance(inds, list | tuple):
                    for j, ind in enumerate(inds):
                        if isinstance(ind, Mapping):
                            tk = _key(ind, "track")
                            if tk is not None and tk not in tracks:
                                err(
                                    ("competencies", i, "indicators", str(lvl), j, "track"),
                                    f"unknown track {tk!r}{did_you_mean(tk, tracks)}",
                                )
        descriptions = c.get("level_descriptions")
        if isinstance(descriptions, Mapping) and sk in scale_levels:
            for lvl in descriptions:
                v = _as_int(lvl)
                if v is None or v not in scale_levels[sk]:
                    err(
                        ("competencies", i, "level_descriptions", str(lvl)),
                        f"a description given for level {lvl!r}, which is not a level of scale "
                        f"{sk!r} {sorted(scale_levels[sk])}",
                    )
        related = c.get("related")
        if isinstance(related, list | tuple):
            for j, rk in enumerate(related):
                if isinstance(rk, str) and rk not in comps:
                    err(
                        ("competencies", i, "related", j),
                        f"unknown related competency {rk!r}{did_you_mean(rk, comps)}",
                    )
                elif isinstance(rk, str) and rk == ck:
                    err(("competencies", i, "related", j), "a competency cannot relate to itself")
        for j, assoc in _items(c, "associations"):
            ak = _key(assoc, "competency")
            if ak is not None and ak not in comps:
                err(
                    ("competencies", i, "associations", j, "competency"),
                    f"unknown associated competency {ak!r}{did_you_mean(ak, comps)}",
                )

    # cycles in the hierarchy: report each cycle once, at its first member in file order
    reported: set[str] = set()
    for i, c in _items(data, "competencies"):
        start = _key(c)
        if start is None or start in reported:
            continue
        chain = [start]
        node = parents.get(start)
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        if node == start:
            reported.update(chain)
            cycle = " -> ".join([*chain, start])
            err(("competencies", i, "parent"), f"the hierarchy has a cycle: {cycle}")

    def check_level(path: Sequence[PathPart], comp: str, level: Any, what: str) -> None:
        sk = comp_scale.get(comp)
        v = _as_int(level)
        if sk is None or sk not in scale_levels or v is None:
            return
        if v not in scale_levels[sk]:
            err(
                path,
                f"{what} {v} is not a level of scale {sk!r} of competency {comp!r} "
                f"(levels: {sorted(scale_levels[sk])})",
            )

    for i, r in _items(data, "roles"):
        tk = _key(r, "track")
        if tk is not None and tk not in tracks:
            err(
                ("roles", i, "track"),
                f"unknown track {tk!r}{did_you_mean(tk, tracks)}; declared tracks: {sorted(tracks)}",
            )
        seen_req: dict[str, int] = {}
        for j, req in _items(r, "requirements"):
            ck = _key(req, "competency")
            if ck is None:
                continue
            if ck not in comps:
                err(
                    ("roles", i, "requirements", j, "competency"),
                    f"unknown competency {ck!r}{did_you_mean(ck, comps)}",
                )
                continue
            if ck in seen_req:
                err(
                    ("roles", i, "requirements", j, "competency"),
                    f"competency {ck!r} is required twice (also requirements[{seen_req[ck]}])",
                )
            seen_req.setdefault(ck, j)
            check_level(("roles", i, "requirements", j, "level"), ck, req.get("level"), "level")

    for i, t in _items(data, "transitions"):
        for field in ("source", "target"):
            rk = _key(t, field)
            if rk is not None and rk not in roles:
                err(("transitions", i, field), f"unknown role {rk!r}{did_you_mean(rk, roles)}")
        if _key(t, "source") is not None and _key(t, "source") == _key(t, "target"):
            err(("transitions", i, "target"), "a transition must lead to another role")

    for i, m in _items(data, "scale_mappings"):
        ends: dict[str, str | None] = {}
        for field in ("source", "target"):
            sk = _key(m, field)
            ends[field] = sk
            if sk is not None and sk not in scales:
                err(("scale_mappings", i, field), f"unknown scale {sk!r}{did_you_mean(sk, scales)}")
        levels = m.get("levels")
        src, tgt = ends.get("source"), ends.get("target")
        if isinstance(levels, Mapping) and src in scale_levels and tgt in scale_levels:
            for s, t in levels.items():
                sv, tv = _as_int(s), _as_int(t)
                if sv is not None and sv not in scale_levels[src]:
                    err(("scale_mappings", i, "levels", str(s)), f"{s} is not a level of {src!r}")
                if tv is not None and tv not in scale_levels[tgt]:
                    err(("scale_mappings", i, "levels", str(s)), f"{t} is not a level of {tgt!r}")

    ev = data.get("evidence")
    if isinstance(ev, Mapping):
        ruled: dict[str, int] = {}
        for i, r in _items(ev, "rules"):
            ck = _key(r, "competency")
            if ck is None:
                continue
            if ck not in comps:
                err(
                    ("evidence", "rules", i, "competency"),
                    f"unknown competency {ck!r}{did_you_mean(ck, comps)}",
                )
            elif ck in ruled:
                err(
                    ("evidence", "rules", i, "competency"),
                    f"competency {ck!r} has two rules (also evidence.rules[{ruled[ck]}])",
                )
            ruled.setdefault(ck, i)
        lived: dict[str, int] = {}
        for i, h in _items(ev, "half_life"):
            ck = _key(h, "competency")
            if ck is None:
                continue
            if ck != "*" and ck not in comps:
                err(
                    ("evidence", "half_life", i, "competency"),
                    f"unknown competency {ck!r}{did_you_mean(ck, comps)} (or '*' for all)",
                )
            elif ck in lived:
                err(
                    ("evidence", "half_life", i, "competency"),
                    f"{ck!r} has two half-lives (also evidence.half_life[{lived[ck]}])",
                )
            lived.setdefault(ck, i)

    for i, res in _items(data, "learning_resources"):
        for j, d in _items(res, "develops"):
            ck = _key(d, "competency")
            if ck is None:
                continue
            if ck not in comps:
                err(
                    ("learning_resources", i, "develops", j, "competency"),
                    f"unknown competency {ck!r}{did_you_mean(ck, comps)}",
                )
            else:
                check_level(
                    ("learning_resources", i, "develops", j, "to_level"),
                    ck,
                    d.get("to_level"),
                    "to_level",
                )
    return problems


def _texts(model: CompetencyModel) -> Iterator[tuple[tuple[PathPart, ...], LocalizedText]]:
    """Every human text of a model with its path (optional ones only when present)."""

    def opt(
        path: tuple[PathPart, ...], value: LocalizedText | None
    ) -> Iterator[tuple[tuple[PathPart, ...], LocalizedText]]:
        if value is not None:
            yield path, value

    yield ("name",), model.name
    yield from opt(("description",), model.description)
    for i, s in enumerate(model.scales):
        yield ("scales", i, "name"), s.name
        yield from opt(("scales", i, "description"), s.description)
        for j, lv in enumerate(s.levels):
            yield ("scales", i, "levels", j, "label"), lv.label
            yield from opt(("scales", i, "levels", j, "description"), lv.description)
            for k, anchor in enumerate(lv.anchors):
                yield ("scales", i, "levels", j, "anchors", k), anchor
    for i, t in enumerate(model.tracks):
        yield ("tracks", i, "name"), t.name
        yield from opt(("tracks", i, "description"), t.description)
    for i, c in enumerate(model.competencies):
        yield ("competencies", i, "name"), c.name
        yield from opt(("competencies", i, "definition"), c.definition)
        for lvl, desc in c.level_descriptions.items():
            yield ("competencies", i, "level_descriptions", str(lvl)), desc
        for lvl, inds in c.indicators.items():
            for j, ind in enumerate(inds):
                yield ("competencies", i, "indicators", str(lvl), j, "text"), ind.text
                for k, ex in enumerate(ind.examples):
                    yield ("competencies", i, "indicators", str(lvl), j, "examples", k), ex
    for i, r in enumerate(model.roles):
        yield ("roles", i, "title"), r.title
        yield from opt(("roles", i, "summary"), r.summary)
        for j, req in enumerate(r.requirements):
            yield from opt(("roles", i, "requirements", j, "note"), req.note)
    for i, tr in enumerate(model.transitions):
        yield from opt(("transitions", i, "note"), tr.note)
    for i, res in enumerate(model.learning_resources):
        yield ("learning_resources", i, "title"), res.title
    yield from _release_texts(model)


def _release_texts(model: CompetencyModel) -> Iterator[tuple[tuple[PathPart, ...], LocalizedText]]:
    """The organisation's own texts of ``metadata.release`` (the release kit shows them)."""
    plan = model.metadata.release
    if plan is None:
        return
    base: tuple[PathPart, ...] = ("metadata", "release")
    if plan.contact is not None:
        yield (*base, "contact", "name"), plan.contact.name
    for i, ch in enumerate(plan.channels):
        if ch.name is not None:
            yield (*base, "channels", i, "name"), ch.name
    for i, faq in enumerate(plan.faqs):
        yield (*base, "faqs", i, "question"), faq.question
        yield (*base, "faqs", i, "answer"), faq.answer
    for i, km in enumerate(plan.key_messages):
        yield (*base, "key_messages", i, "text"), km.text
    for i, session in enumerate(plan.training):
        if session.place is not None:
            yield (*base, "training", i, "place"), session.place


def translation_problems(model: CompetencyModel) -> list[Problem]:
    """Warnings for every text that lacks one of the model's declared languages."""
    wanted = set(model.all_languages())
    if len(wanted) < 2:
        return []
    out: list[Problem] = []
    for path, value in _texts(model):
        have = value.languages(default_language=model.default_language)
        missing = sorted(wanted - have)
        if missing:
            out.append(
                Problem(
                    path=format_path(path),
                    message=f"missing translation{'s' if len(missing) > 1 else ''}: "
                    + ", ".join(missing),
                    severity="warning",
                    code="missing-translation",
                )
            )
    return out


__all__ = ["format_path", "reference_problems", "translation_problems"]
