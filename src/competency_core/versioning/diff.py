"""Structured differences between two versions of a model, with the suggested version bump.

>>> from competency_core.io import loads_model
>>> old = loads_model('''
... key: m
... name: M
... version: 1.0.0
... scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
... competencies: [{key: c, name: Coding, scale: s}]
... roles: [{key: dev, title: Dev, requirements: [{competency: c, level: 1}]}]
... ''')
>>> new = old.model_copy(update={"roles": (old.roles[0].model_copy(update={
...     "requirements": (old.roles[0].requirements[0].model_copy(update={"level": 2}),)}),)})
>>> d = diff_models(old, new)
>>> [c.summary for c in d.changes]
['Role `dev`: requirement `c` raised from level 1 to 2']
>>> d.bump, d.suggested_version
('major', '2.0.0')

**Renames.** A key that disappears while another appears is a rename, not a removal and
an addition, when (1) the two items have the same content apart from the key (references
to other renamed items are translated first), or else (2) they have the same name (title
for roles and resources; compared ignoring case and spacing) and at least half of their
other fields are equal, or else (3) only the name differs and the item has substance
(a definition or indicators, requirements, levels, what a resource develops). Candidates are paired greedily, exact matches first, then by
similarity. References to a renamed item (requirements, parents, transitions...) are
compared through the rename, so a renamed competency does not show as every role losing
and gaining a requirement.
"""

from __future__ import annotations

from collections.abc import Iterable

from competency_core.model import CompetencyModel
from competency_core.versioning._engine import (
    Data,
    Recorder,
    _same_content,
    _same_key,
    _short,
    _text,
)
from competency_core.versioning.changes import Change, ChangeKind, Entity, ModelDiff
from competency_core.versioning.rules import BUMP_ORDER


class _Differ(Recorder):
    """Walks two models part by part and collects changes."""

    # -- the parts of a model ---------------------------------------------------
    def run(self) -> list[Change]:
        o, n = self.old, self.new
        self.fields(
            "model",
            "Model",
            "model",
            n["key"],
            o,
            n,
            ("key", "name", "description", "default_language", "languages", "lint", "evidence"),
        )
        om, nm = o["metadata"], n["metadata"]
        for name in sorted(set(om) | set(nm)):
            if name != "approvals" and om.get(name) != nm.get(name):
                self.add(
                    "changed",
                    "model",
                    f"metadata.{name}",
                    n["key"],
                    f"Metadata: {name.replace('_', ' ')} changed",
                    what="metadata",
                    field=f"metadata.{name}",
                    old=om.get(name),
                    new=nm.get(name),
                )
        self.keyed("scale", "scale", "scales", lambda d: d, "name", self.scale)
        self.scale_mappings()
        self.keyed("track", "track", "tracks", lambda d: d, "name", self.track)
        for _ in range(3):  # parents and relations may point at renamed competencies
            before = dict(self.maps.get("competency", {}))
            self.match(
                "competency", o["competencies"], n["competencies"], self.tr_competency, "name"
            )
            if self.maps["competency"] == before:
                break
        self.keyed(
            "competency", "competency", "competencies", self.tr_competency, "name", self.competency
        )
        self.keyed("role", "role", "roles", self.tr_role, "title", self.role)
        self.transitions()
        self.keyed(
            "learning-resource",
            "learning resource",
            "learning_resources",
            self.tr_resource,
            "title",
            self.resource,
        )
        return self.changes

    def tr_competency(self, d: Data) -> Data:
        out = dict(d)
        out["scale"] = self.tr("scale", d["scale"])
        out["parent"] = self.tr("competency", d.get("parent"))
        out["related"] = [self.tr("competency", r) for r in d.get("related", [])]
        out["indicators"] = {
            lv: [{**i, "track": self.tr("track", i.get("track"))} for i in items]
            for lv, items in d.get("indicators", {}).items()
        }
        return out

    def tr_role(self, d: Data) -> Data:
        out = dict(d)
        out["track"] = self.tr("track", d.get("track"))
        out["requirements"] = [
            {**r, "competency": self.tr("competency", r["competency"])}
            for r in d.get("requirements", [])
        ]
        return out

    def tr_resource(self, d: Data) -> Data:
        out = dict(d)
        out["develops"] = [
            {**x, "competency": self.tr("competency", x["competency"])} for x in d["develops"]
        ]
        return out

    def scale(self, o: Data, n: Data, path: str, label: str) -> None:
        self.fields("scale", label, path, n["key"], o, n, ("name", "description", "proficient"))
        olv = {lv["value"]: lv for lv in o["levels"]}
        nlv = {lv["value"]: lv for lv in n["levels"]}
        lo, hi = min(olv), max(olv)
        for v in sorted(set(olv) | set(nlv)):
            lp, ll = f"{path}.levels[{v}]", f"{label} level {v}"
            if v not in nlv:
                self.add("removed", "level", lp, n["key"], f"{label}: removed level {v}")
            elif v not in olv:
                what = "added" if lo < v < hi else "added-outside"
                label_text = _text(nlv[v]["label"], self.lang)
                self.add(
                    "added",
                    "level",
                    lp,
                    n["key"],
                    f"{label}: added level {v} ({label_text})",
                    what=what,
                )
            else:
                self.fields(
                    "level", ll, lp, n["key"], olv[v], nlv[v], ("label", "description", "anchors")
                )

    def scale_mappings(self) -> None:
        def mk(d: Data, tr: bool) -> str:
            s, t = (
                (self.tr("scale", d["source"]), self.tr("scale", d["target"]))
                if tr
                else (
                    d["source"],
                    d["target"],
                )
            )
            return f"{s}->{t}"

        olds = {mk(d, True): d for d in self.old["scale_mappings"]}
        news = {mk(d, False): d for d in self.new["scale_mappings"]}
        for k in sorted(set(olds) | set(news)):
            p = f"scale_mappings[{k}]"
            if k not in news:
                self.add("removed", "scale-mapping", p, k, f"Removed scale mapping `{k}`")
            elif k not in olds:
                self.add("added", "scale-mapping", p, k, f"Added scale mapping `{k}`")
            else:
                self.fields(
                    "scale-mapping", f"Scale mapping `{k}`", p, k, olds[k], news[k], ("levels",)
                )

    def track(self, o: Data, n: Data, path: str, label: str) -> None:
        self.fields("track", label, path, n["key"], o, n, ("name", "kind", "description"))

    def competency(self, o: Data, n: Data, path: str, label: str) -> None:
        k = n["key"]
        names = ("name", "definition", "domain", "category", "parent", "scale", "assessable")
        self.fields("competency", label, path, k, o, n, names)
        for name in ("related", "references", "associations", "tags"):
            a, b = o.get(name, []), n.get(name, [])
            if sorted(map(str, a)) != sorted(map(str, b)):
                self.field("competency", label, path, k, name, a, b)
        oi, ni = o.get("indicators", {}), n.get("indicators", {})
        for lv in sorted(set(oi) | set(ni), key=int):
            self.indicators(
                oi.get(lv, []), ni.get(lv, []), f"{path}.indicators[{lv}]", label, k, lv
            )

    def indicators(
        self, olds: list[Data], news: list[Data], path: str, label: str, key: str, lv: str
    ) -> None:
        olds, news = list(olds), list(news)
        pairs: list[tuple[Data, Data]] = []
        for same in (_same_key, _same_content):
            for a in list(olds):
                for b in news:
                    if same(a, b):
                        pairs.append((a, b))
                        olds.remove(a)
                        news.remove(b)
                        break
        while olds and news:  # left-overs in order: edits of the same indicator
            pairs.append((olds.pop(0), news.pop(0)))
        where = f"{label}, level {lv}"
        for a, b in pairs:
            self.fields(
                "indicator",
                f"{where} indicator",
                path,
                key,
                a,
                b,
                ("text", "track", "examples", "urls", "key"),
            )
        for a in olds:
            self.add(
                "removed",
                "indicator",
                path,
                key,
                f"{where}: removed indicator {_short(a['text'], self.lang)}",
            )
        for b in news:
            self.add(
                "added",
                "indicator",
                path,
                key,
                f"{where}: added indicator {_short(b['text'], self.lang)}",
            )

    def role(self, o: Data, n: Data, path: str, label: str) -> None:
        k = n["key"]
        names = ("title", "summary", "family", "grade", "level", "track")
        self.fields("role", label, path, k, o, n, names)
        if sorted(o.get("tags", [])) != sorted(n.get("tags", [])):
            self.field("role", label, path, k, "tags", o.get("tags"), n.get("tags"))
        oreq = {r["competency"]: r for r in o["requirements"]}
        nreq = {r["competency"]: r for r in n["requirements"]}
        for c in [*oreq, *(c for c in nreq if c not in oreq)]:
            rp = f"{path}.requirements[{c}]"
            if c not in nreq:
                self.add(
                    "removed",
                    "requirement",
                    rp,
                    k,
                    f"{label}: removed requirement `{c}` (was level {oreq[c]['level']})",
                )
            elif c not in oreq:
                r = nreq[c]
                kind = "essential" if r["essential"] else "desirable"
                self.add(
                    "added",
                    "requirement",
                    rp,
                    k,
                    f"{label}: added {kind} requirement `{c}` at level {r['level']}",
                    what="added-essential" if r["essential"] else "added",
                )
            else:
                a, b = oreq[c], nreq[c]
                if a["level"] != b["level"]:
                    verb = "raised" if b["level"] > a["level"] else "lowered"
                    self.add(
                        "changed",
                        "requirement",
                        f"{rp}.level",
                        k,
                        f"{label}: requirement `{c}` {verb} from level {a['level']} to {b['level']}",
                        what=f"level{'+' if verb == 'raised' else '-'}",
                        field="level",
                        old=a["level"],
                        new=b["level"],
                    )
                self.fields(
                    "requirement",
                    f"{label}: requirement `{c}`",
                    rp,
                    k,
                    a,
                    b,
                    ("weight", "essential", "note"),
                )

    def transitions(self) -> None:
        def mk(d: Data, tr: bool) -> str:
            s, t = d["source"], d["target"]
            if tr:
                s, t = self.tr("role", s), self.tr("role", t)
            return f"{s}->{t}"

        olds = {mk(d, True): d for d in self.old["transitions"]}
        news = {mk(d, False): d for d in self.new["transitions"]}
        for k in [*olds, *(x for x in news if x not in olds)]:
            p = f"transitions[{k}]"
            if k not in news:
                self.add("removed", "transition", p, k, f"Removed career transition `{k}`")
            elif k not in olds:
                kind = news[k]["kind"]
                self.add("added", "transition", p, k, f"Added career transition `{k}` ({kind})")
            else:
                self.fields(
                    "transition",
                    f"Transition `{k}`",
                    p,
                    k,
                    olds[k],
                    news[k],
                    ("kind", "typical_months", "note"),
                )

    def resource(self, o: Data, n: Data, path: str, label: str) -> None:
        names = ("title", "kind", "hours", "cost", "url", "external_ids")
        self.fields("learning-resource", label, path, n["key"], o, n, names)

        def dev(d: Data) -> tuple[str, int]:
            return d["competency"], d["to_level"]

        if sorted(map(dev, o["develops"])) != sorted(map(dev, n["develops"])):
            self.field(
                "learning-resource", label, path, n["key"], "develops", o["develops"], n["develops"]
            )


def diff_models(old: CompetencyModel, new: CompetencyModel) -> ModelDiff:
    """The structured changes from ``old`` to ``new``; status, version and approvals aside."""
    changes = _Differ(old, new).run()
    return ModelDiff(
        model=new.key, old_version=old.version, new_version=new.version, changes=tuple(changes)
    )


def order_changes(changes: Iterable[Change]) -> list[Change]:
    """Changes sorted by bump (major first), keeping model order within a bump."""
    return sorted(changes, key=lambda c: -BUMP_ORDER[c.bump])


__all__ = ["Change", "ChangeKind", "Entity", "ModelDiff", "diff_models", "order_changes"]
