"""Pulling a model from Moodle: a framework, its scale, competencies and templates.

The framework becomes a model (key = idnumber, name = short name), its Moodle scale a
proficiency scale (levels 1..n named after the items, proficient from the first
proficient item), each competency a competency (key = idnumber, name = short name,
definition and indicators read back from the description the push writes, any other
description as the definition), with its parent and the related competencies of the
marker line; templates the push made become role profiles requiring their competencies
at the proficient level. What cannot be a model (an idnumber that is not a valid key, an
indicator level the scale lacks) is skipped and reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from competency_core.errors import Problem, SyncError
from competency_core.keys import KEY_PATTERN
from competency_core.model import CompetencyModel
from competency_moodle.model.push import ModelPush
from competency_moodle.site import SYSTEM_CONTEXT
from competency_moodle.texts import (
    competency_description,
    parse_description,
    plain,
    read_name,
    shortname,
    split_marker,
)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _sibling_order(c: dict[str, Any]) -> tuple[int, int]:
    return _int(c.get("sortorder")), _int(c.get("id"))


def _proficient(config: Any, items: int) -> int:
    """The first proficient item of a scale configuration (the last item if none is)."""
    try:
        rows = json.loads(str(config or ""))[1:]
    except (ValueError, TypeError):
        return items
    flagged = sorted(_int(r.get("id")) for r in rows if isinstance(r, dict) and r.get("proficient"))
    return flagged[0] if flagged else items


class ModelPull:
    """Reads a framework and what belongs to it into a :class:`CompetencyModel`."""

    def __init__(self, push: ModelPush, skip: Callable[[Problem], None]) -> None:
        self.push = push
        self.client = push.client
        self.skip = skip

    def framework_key(self, key: str | None) -> str:
        """``key``, or the idnumber of the only framework on the site."""
        if key is not None:
            return key
        rows = self.client.call(
            "core_competency_list_competency_frameworks", {"context": SYSTEM_CONTEXT}
        )
        keys = sorted(str(r.get("idnumber")) for r in rows or ())
        if len(keys) != 1:
            raise SyncError(
                f"{len(keys)} competency frameworks in Moodle ({', '.join(keys[:20]) or 'none'}):"
                " name the model's key (the framework's idnumber)"
            )
        return keys[0]

    def pull(self, key: str | None, base: CompetencyModel | None = None) -> CompetencyModel:
        """The model of the framework ``key`` (or of the only framework).

        With ``base`` (the model that was pushed, e.g. ``--model FILE``), what Moodle
        cannot store comes from ``base`` and what Moodle holds overlays it, so the pull
        differs from ``base`` only where Moodle was changed (see :func:`merge_into`).
        Without it, what Moodle cannot store is missing and said once as a warning.
        """
        key = self.framework_key(key)
        fw = self.push.find_framework(key)
        if fw is None:
            raise SyncError(f"Moodle has no competency framework with the idnumber {key!r}")
        scales: dict[tuple[int, int], dict[str, Any]] = {}

        def scale_of(scaleid: int, config: Any) -> str:
            rows = self.client.call("core_competency_get_scale_values", {"scaleid": scaleid})
            names = [read_name(r.get("name")) for r in rows or ()]
            proficient = _proficient(config, len(names))
            skey = f"moodle-scale-{scaleid}" + (f"-{proficient}" if scales else "")
            if (scaleid, proficient) not in scales:
                scales[(scaleid, proficient)] = {
                    "key": skey,
                    "name": f"Moodle scale {scaleid}",
                    "proficient": proficient,
                    "levels": [
                        {"value": i, "label": n or f"Item {i}"} for i, n in enumerate(names, 1)
                    ],
                }
            return str(scales[(scaleid, proficient)]["key"])

        fw_scale = scale_of(_int(fw.get("scaleid")), fw.get("scaleconfiguration"))
        rows = self.client.call(
            "core_competency_search_competencies",
            {"searchtext": "", "competencyframeworkid": int(fw["id"])},
        )
        comps = [r for r in rows or () if _int(r.get("competencyframeworkid")) == int(fw["id"])]
        by_id = {int(c["id"]): c for c in comps}
        good = {
            str(c["idnumber"])
            for c in comps
            if KEY_PATTERN.fullmatch(str(c["idnumber"])) and len(str(c["idnumber"])) <= 100
        }
        for c in comps:
            if str(c["idnumber"]) not in good:
                self.skip(
                    Problem(
                        path=f"competency {c['idnumber']!r}",
                        message="the idnumber is not a valid key: left out (with its children)",
                        severity="warning",
                    )
                )
        kids: dict[int, list[dict[str, Any]]] = {}
        for c in comps:
            kids.setdefault(_int(c.get("parentid")), []).append(c)
        ordered: list[dict[str, Any]] = []  # depth first, siblings in Moodle's order
        stack = sorted(kids.get(0, []), key=_sibling_order, reverse=True)
        while stack:
            c = stack.pop()
            ordered.append(c)
            stack += sorted(kids.get(int(c["id"]), []), key=_sibling_order, reverse=True)
        out: list[dict[str, Any]] = []
        for c in ordered:
            idn = str(c["idnumber"])
            parent = by_id.get(_int(c.get("parentid")))
            parent_key = str(parent["idnumber"]) if parent else None
            if idn not in good or (parent_key is not None and parent_key not in good):
                good.discard(idn)
                continue
            scale = (
                scale_of(_int(c["scaleid"]), c.get("scaleconfiguration"))
                if c.get("scaleid")
                else fw_scale
            )
            body, marks = split_marker(c.get("description"))
            definition, levels = parse_description(body)
            labels = {
                str(lv["label"]).casefold(): lv["value"]
                for s in scales.values()
                if s["key"] == scale
                for lv in s["levels"]
            }
            indicators: dict[int, list[dict[str, str]]] = {}
            for label, texts in levels:
                value = labels.get(label.casefold())
                if value is None:
                    self.skip(
                        Problem(
                            path=f"competency {idn}",
                            message=f"indicators of the level {label!r}, which the Moodle "
                            "scale lacks: left out",
                            severity="warning",
                        )
                    )
                    continue
                indicators[value] = [{"text": t} for t in texts if t.strip()]
            out.append(
                {
                    "key": idn,
                    "name": read_name(c.get("shortname")) or idn,
                    "definition": definition or None,
                    "parent": parent_key,
                    "scale": scale,
                    "indicators": {k: v for k, v in indicators.items() if v},
                    "related": [r for r in marks.get("related", []) if r != idn],
                    "_body": body,
                }
            )
        kept = {c["key"] for c in out}
        for c in out:
            c["related"] = [r for r in c["related"] if r in kept]
        roles = self._roles(key, by_id, {c["key"]: c["scale"] for c in out}, scales)
        body, fw_marks = split_marker(fw.get("description"))
        named = fw_marks.get("scale", [])
        if len(named) == 1 and KEY_PATTERN.fullmatch(named[0]):  # the model's key of the scale
            rename_scale(fw_scale, named[0], scales, out)
        data: dict[str, Any] = {
            "key": key,
            "name": read_name(fw.get("shortname")) or key,
            "description": plain(body).strip() or None,
            "scales": list(scales.values()),
            "competencies": out,
            "roles": roles,
            "metadata": {"source": f"moodle: {self.client.url} framework {fw['id']}"},
        }
        if base is not None and base.key == key:
            data = merge_into(base, data)
        else:
            for c in out:
                c.pop("_body", None)
            self.skip(
                Problem(
                    path=f"model {key}",
                    message="Moodle does not store " + ", ".join(NOT_IN_MOODLE) + ": they are "
                    "missing from the pulled model (give the pushed model, e.g. --model FILE, "
                    "to keep them)",
                    severity="warning",
                )
            )
        try:
            return CompetencyModel.model_validate(data)
        except ValidationError as exc:
            raise SyncError(
                f"the Moodle framework {key!r} does not make a valid model: "
                + "; ".join(
                    ".".join(map(str, e["loc"])) + ": " + str(e["msg"])
                    for e in exc.errors(include_url=False)[:5]
                )
            ) from None

    def _roles(
        self,
        key: str,
        by_id: dict[int, dict[str, Any]],
        kept: dict[str, str],
        scales: dict[tuple[int, int], dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Templates the push made (its marker names the model) as role profiles."""
        proficient = {s["key"]: s["proficient"] for s in scales.values()}
        rows = self.client.call("core_competency_list_templates", {"context": SYSTEM_CONTEXT})
        roles: list[dict[str, Any]] = []
        for tpl in rows or ():
            _, marks = split_marker(tpl.get("description"))
            if marks.get("model") != [key] or len(marks.get("role", [])) != 1:
                continue
            members = self.client.call(
                "core_competency_list_competencies_in_template", {"id": int(tpl["id"])}
            )
            comps = [
                by_id[_int(m.get("id"))]
                for m in members or ()
                if _int(m.get("id")) in by_id and str(by_id[_int(m.get("id"))]["idnumber"]) in kept
            ]
            roles.append(
                {
                    "key": marks["role"][0],
                    "title": read_name(tpl.get("shortname")),
                    "requirements": [
                        {
                            "competency": str(c["idnumber"]),
                            "level": proficient[kept[str(c["idnumber"])]],
                        }
                        for c in comps
                    ],
                }
            )
        return roles


NOT_IN_MOODLE = (
    "requirement levels, weights and essential flags",
    "tracks",
    "career transitions",
    "learning resources",
    "scale keys other than the framework's, level values and scale mappings",
    "domains, categories, tags and references of competencies",
    "role families, grades and levels",
    "translations",
    "metadata",
)
"""What a model holds that a Moodle framework cannot (docs/adapters/moodle.md)."""


def rename_scale(
    old: str,
    new: str,
    scales: dict[tuple[int, int], dict[str, Any]],
    comps: list[dict[str, Any]],
) -> None:
    """Give the pulled scale ``old`` the model's key ``new`` (from the framework's marker)."""
    if any(s["key"] == new for s in scales.values()):
        return
    for s in scales.values():
        if s["key"] == old:
            s["key"] = new
    for c in comps:
        if c["scale"] == old:
            c["scale"] = new


def _same_in_moodle(base_text: str, pulled: Any, *, name: bool) -> bool:
    """Whether Moodle's value is what pushing ``base_text`` writes (no change in Moodle)."""
    if name:
        return shortname(base_text) == str(pulled or "")
    return " ".join(base_text.split()) == " ".join(str(pulled or "").split())


def merge_into(base: CompetencyModel, pulled: dict[str, Any]) -> dict[str, Any]:
    """``base`` with what Moodle holds laid over it: the model's data of the pull.

    Moodle's competencies (their set, hierarchy, order, related pairs, and names,
    definitions and indicators where Moodle's differ from what ``base`` would write) and
    templates (which competencies a role requires) win; everything Moodle cannot store
    (:data:`NOT_IN_MOODLE`) comes from ``base``. A text is taken from Moodle only when it
    differs from ``base``'s as Moodle would keep it, so a push then a pull is no change.
    """
    data: dict[str, Any] = base.model_dump(mode="json", exclude_defaults=True)
    text = base.text
    if not _same_in_moodle(text(base.name), pulled.get("name"), name=True):
        data["name"] = pulled["name"]
    if (base.description is not None or pulled.get("description")) and not _same_in_moodle(
        text(base.description) if base.description else "",
        pulled.get("description"),
        name=False,
    ):
        data["description"] = pulled.get("description")
    old = {c["key"]: c for c in data.get("competencies", [])}
    base_comps = {c.key: c for c in base.competencies}
    primary = pulled["scales"][0]["key"] if pulled.get("scales") else None
    base_keys = {s.key for s in base.scales}
    comps: list[dict[str, Any]] = []
    for p in pulled.get("competencies", []):
        c = dict(old.get(p["key"], {}))
        b = base_comps.get(p["key"])
        if b is None:  # made in Moodle
            c = {k: v for k, v in p.items() if k != "_body"}
            if c.get("scale") not in base_keys:
                c["scale"] = primary if primary in base_keys else base.scales[0].key
            comps.append(c)
            continue
        c["parent"] = p.get("parent")
        if not _same_in_moodle(text(b.name), p.get("name"), name=True):
            c["name"] = p["name"]
        if " ".join(competency_description(base, b).split()) != " ".join(p["_body"].split()):
            # changed in Moodle: its definition, and its indicators where their levels read
            c["definition"] = p.get("definition")
            if p["indicators"] or not b.indicators:
                c["indicators"] = {
                    str(lv): [{"text": t["text"]} for t in items]
                    for lv, items in p["indicators"].items()
                }
        comps.append(c)
    # a related pair is written on one side in Moodle: keep each pair on the side base had it
    pulled_pairs = {
        frozenset((c["key"], r)) for c in pulled.get("competencies", []) for r in c["related"]
    }
    base_pairs = {frozenset((c.key, r)) for c in base.competencies for r in c.related}
    owner = {
        pair: c["key"]
        for c in pulled.get("competencies", [])
        for pair in (frozenset((c["key"], r)) for r in c["related"])
    }
    for c in comps:
        b = base_comps.get(c["key"])
        kept_pairs = [
            r for r in (b.related if b else ()) if frozenset((c["key"], r)) in pulled_pairs
        ]
        new = [
            r
            for pair, who in owner.items()
            if who == c["key"] and pair not in base_pairs
            for r in pair
            if r != c["key"]
        ]
        c["related"] = kept_pairs + sorted(new)
    data["competencies"] = comps
    kept = {c["key"] for c in comps}
    roles: list[dict[str, Any]] = []
    pulled_roles = {r["key"]: r for r in pulled.get("roles", [])}
    for role in data.get("roles", []):
        p = pulled_roles.get(role["key"])
        if p is None:
            continue  # its template was deleted in Moodle
        have = {r["competency"] for r in p["requirements"]}
        reqs = [r for r in role.get("requirements", []) if r["competency"] in have]
        reqs += [
            r for r in p["requirements"] if r["competency"] not in {x["competency"] for x in reqs}
        ]
        role = {**role, "requirements": reqs}
        if not _same_in_moodle(text(base.role(role["key"]).title), p.get("title"), name=True):
            role["title"] = p["title"]
        roles.append(role)
    data["roles"] = roles
    for path in ("learning_resources",):
        for res in data.get(path, []):
            res["develops"] = [d for d in res.get("develops", []) if d["competency"] in kept]
    transitions = [
        t
        for t in data.get("transitions", [])
        if t["source"] in pulled_roles and t["target"] in pulled_roles
    ]
    data.pop("transitions", None)
    if transitions:
        data["transitions"] = transitions
    return data


__all__ = ["NOT_IN_MOODLE", "ModelPull", "merge_into"]
