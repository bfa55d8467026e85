"""Pushing a model to Moodle: reading what is there, and the writes.

The objects compared are built by :mod:`competency_moodle.model.objects` (framework,
competencies, rules, course links, templates). :class:`ModelPush` reads the same objects
from Moodle (the framework by its exact idnumber, the whole tree in one
``search_competencies`` call, the course links of the courses the model names, the
templates carrying the model's marker line) and carries out each change with the fewest
calls: ``set_parent_competency`` only when the parent really changed, moves only when the
sibling order differs, ``update_competency`` only for fields that differ.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import JsonValue

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.sync import (
    Capability,
    Change,
    LocalObject,
    ObjectRef,
    Plan,
    RemoteIds,
    RemoteObject,
    Renames,
)
from competency_moodle.client import MoodleClient
from competency_moodle.directory import Directory
from competency_moodle.errors import MoodleAccessError, MoodleWebServiceError
from competency_moodle.model.objects import (
    COMPETENCY,
    COURSE_LINK,
    FRAMEWORK,
    RULE,
    TEMPLATE,
    json_names,
    link_key,
    model_objects,
    obj_ref,
)
from competency_moodle.scales import ScaleMap, ScaleMismatchError, map_scale
from competency_moodle.settings import (
    COMPETENCY_RULE_OUTCOME,
    COURSE_RULE_OUTCOME,
    MoodleSettings,
)
from competency_moodle.site import SYSTEM_CONTEXT
from competency_moodle.texts import read_name, split_marker, with_marker

RULE_ALL = "core_competency\\competency_rule_all"
HTML = 1

_COMPETENCY_OUTCOME_NAME = {v: k for k, v in COMPETENCY_RULE_OUTCOME.items()}
_COURSE_OUTCOME_NAME = {v: k for k, v in COURSE_RULE_OUTCOME.items()}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _true(value: Any) -> bool:
    """Whether Moodle's answer (a bool, 1/0 or a sync result) says 'done'."""
    return value is None or value is True or value == 1


class ModelPush:
    """The model-push side of the adapter: local objects, the remote read and the writes."""

    def __init__(
        self,
        client: MoodleClient,
        settings: MoodleSettings,
        directory: Directory,
        warn: Callable[[str], None],
    ) -> None:
        self.client = client
        self.settings = settings
        self.directory = directory
        self.warn = warn
        self.course_hints: set[str] = set()
        self.local: set[ObjectRef] | None = None
        # what the last read found (the engine reads right before it applies)
        self.framework: dict[str, Any] | None = None
        self.by_idnumber: dict[str, dict[str, Any]] = {}
        self.by_id: dict[int, dict[str, Any]] = {}
        self.links: dict[str, dict[str, Any]] = {}
        self.templates: dict[str, dict[str, Any]] = {}
        self.template_members: dict[str, set[int]] = {}
        self.wanted_pairs: set[frozenset[str]] = set()
        self._scale_items: list[str] | None = None
        # renamed competencies and roles (old key -> new key) of the plan being made or run
        self.renaming: dict[str, str] = {}
        self.role_renaming: dict[str, str] = {}

    # -- the scale ---------------------------------------------------------------------
    def scale_id(self) -> int:
        """The Moodle scale named in the settings (an error saying what to do if none)."""
        if self.settings.scale_id is None:
            raise SyncError(
                "name the Moodle scale the framework uses: --scale-id N (or the scale_id "
                "setting); Moodle's web services cannot create a scale, so pick or create "
                "one in Moodle under Grades > Scales"
            )
        return self.settings.scale_id

    def scale_items(self) -> list[str]:
        """The Moodle scale's item names (items are numbered from 1)."""
        if self._scale_items is None:
            sid = self.scale_id()
            try:
                rows = self.client.call("core_competency_get_scale_values", {"scaleid": sid})
            except MoodleWebServiceError as exc:
                raise SyncError(
                    f"cannot read the Moodle scale {sid}: {exc.moodle_message} (check --scale-id)"
                ) from None
            self._scale_items = [read_name(r.get("name")) for r in rows or ()]
            if len(self._scale_items) < 2:
                raise SyncError(f"the Moodle scale {sid} has fewer than two items")
        return self._scale_items

    def scale_maps(self, model: CompetencyModel) -> dict[str, ScaleMap]:
        """Every model scale mapped onto the Moodle scale; all mismatches at once."""
        items = self.scale_items()
        maps: dict[str, ScaleMap] = {}
        problems: list[str] = []
        used = {c.scale for c in model.competencies}
        for scale in model.scales:
            if scale.key not in used and model.competencies:
                continue
            try:
                maps[scale.key] = map_scale(
                    scale.key,
                    [lv.value for lv in scale.levels],
                    [model.text(lv.label) for lv in scale.levels],
                    scale.proficient,
                    items,
                    explicit=self.settings.level_map.get(scale.key),
                    fit=self.settings.scale_fit,
                )
            except ScaleMismatchError as exc:
                problems.append(str(exc))
        if problems:
            raise ScaleMismatchError(
                f"the model {model.key!r} cannot use the Moodle scale {self.scale_id()}:\n  - "
                + "\n  - ".join(problems)
            )
        return maps

    # -- local objects -----------------------------------------------------------------
    def objects(self, model: CompetencyModel) -> list[LocalObject]:
        """The objects the model becomes in Moodle, parents before children."""
        maps = self.scale_maps(model)
        counts = Counter(c.scale for c in model.competencies)
        primary = counts.most_common(1)[0][0] if counts else model.scales[0].key
        if primary not in maps:  # a model without competencies: its first scale
            maps[primary] = self.scale_maps(model.model_copy(update={"competencies": ()}))[primary]
        out, courses, self.wanted_pairs = model_objects(
            model,
            scale_id=self.scale_id(),
            maps=maps,
            settings=self.settings,
            directory=self.directory,
            warn=self.warn,
        )
        self.course_hints |= courses
        self.local = {o.ref for o in out}
        return out

    # -- renames -----------------------------------------------------------------------
    def note_renames(self, renames: Renames) -> dict[ObjectRef, str]:
        """Note the renames of a plan being made; the competencies and templates renamed."""
        self.renaming = dict(renames.competencies)
        self.role_renaming = dict(renames.roles)
        out = {obj_ref(COMPETENCY, old): new for old, new in self.renaming.items()}
        out |= {obj_ref(TEMPLATE, old): new for old, new in self.role_renaming.items()}
        return out

    def rekeyed(self, obj: RemoteObject, renames: Mapping[ObjectRef, str]) -> RemoteObject:
        """``obj`` with competency keys read from ids as they read once renamed.

        Moodle answers parents, siblings, rule children, course links and template members
        by id; the adapter reads them back as keys, which follow a rename by themselves.
        Related competencies are kept as read: they are text in the marker line, which the
        owner's update rewrites.
        """
        comps = {o.key: n for o, n in renames.items() if o.kind == COMPETENCY}
        if not comps:
            return obj

        def tr(value: Any) -> Any:
            return comps.get(value, value) if isinstance(value, str) else value

        data = dict(obj.data)
        key = obj.key
        if obj.kind == COMPETENCY:
            data["parent"], data["after"] = tr(data.get("parent")), tr(data.get("after"))
        elif obj.kind == RULE:
            key = tr(key)
            data["children"] = json_names(tr(k) for k in _strs(data.get("children")))
        elif obj.kind == COURSE_LINK:
            course, _, comp = key.rpartition("|")
            key, data["competency"] = link_key(course, tr(comp)), tr(data.get("competency"))
        elif obj.kind == TEMPLATE:
            data["competencies"] = json_names(tr(k) for k in _strs(data.get("competencies")))
        if key == obj.key and data == obj.data:
            return obj
        return RemoteObject(
            kind=obj.kind,
            key=key,
            remote_id=obj.remote_id,
            data=data,
            depends_on=tuple(
                obj_ref(d.kind, comps.get(d.key, d.key)) if d.kind == COMPETENCY else d
                for d in obj.depends_on
            ),
        )

    def _follow_renames(self, plan: Plan) -> None:
        """Learn a plan's renames; what was read under an old key moves to the new one."""
        for change in plan.changes:
            if not change.renames or change.old_key is None:
                continue
            if change.kind == COMPETENCY:
                self.renaming[change.old_key] = change.key
            elif change.kind == TEMPLATE:
                self.role_renaming[change.old_key] = change.key
        for old, new in self.role_renaming.items():
            if old in self.templates and new not in self.templates:
                self.templates[new] = self.templates.pop(old)
                self.template_members[new] = self.template_members.pop(old, set())
        for lk in list(self.links):
            course, _, comp = lk.rpartition("|")
            if comp in self.renaming and link_key(course, self.renaming[comp]) not in self.links:
                self.links[link_key(course, self.renaming[comp])] = self.links.pop(lk)

    # -- reading Moodle ----------------------------------------------------------------
    def find_framework(self, key: str) -> dict[str, Any] | None:
        """The framework whose idnumber is ``key`` (the list's query is a substring match)."""
        rows = self.client.call(
            "core_competency_list_competency_frameworks",
            {"context": SYSTEM_CONTEXT, "query": key, "sort": "id"},
        )
        exact = [r for r in rows or () if str(r.get("idnumber")) == key]
        return exact[0] if exact else None

    def read(self, key: str) -> Iterator[RemoteObject]:
        """Every object of the model ``key`` in Moodle, in the shape of the local objects."""
        self.by_idnumber, self.by_id, self.links = {}, {}, {}
        self.templates, self.template_members = {}, {}
        fw = self.framework = self.find_framework(key)
        if fw is not None:
            yield from self._read_framework(key, fw)
        yield from self._read_templates(key)

    def _read_framework(self, key: str, fw: dict[str, Any]) -> Iterator[RemoteObject]:
        fw_ref = obj_ref(FRAMEWORK, key)
        body, marks = split_marker(fw.get("description"))
        fw_scale = _int(fw.get("scaleid"))
        fw_config = _parse_config(fw.get("scaleconfiguration"))
        courses = sorted(marks.get("courses", []))
        yield RemoteObject(
            kind=FRAMEWORK,
            key=key,
            remote_id=str(fw["id"]),
            data={
                "shortname": read_name(fw.get("shortname")),
                "description": body,
                "visible": bool(fw.get("visible")),
                "scaleid": fw_scale,
                "scaleconfiguration": fw_config,
                "courses": list(courses),
                "scale": json_names(marks.get("scale", [])),
            },
        )
        if not fw.get("visible"):
            self.warn(
                f"the framework {key!r} is hidden in Moodle, which refuses course and template "
                "links to its competencies: this plan makes it visible first"
            )
        if self.settings.scale_id is not None and fw_scale != self.settings.scale_id:
            self.warn(
                f"the framework {key!r} uses the Moodle scale {fw_scale}, not "
                f"{self.settings.scale_id}: Moodle refuses to change it once people have "
                "ratings in the framework"
            )
        rows = self.client.call(
            "core_competency_search_competencies",
            {"searchtext": "", "competencyframeworkid": int(fw["id"])},
        )
        comps = [r for r in rows or () if _int(r.get("competencyframeworkid")) == int(fw["id"])]
        self.by_id = {int(c["id"]): c for c in comps}
        self.by_idnumber = {str(c["idnumber"]): c for c in comps}
        children: dict[str, list[str]] = {}
        rules: dict[str, str] = {}
        known = self._local_competencies()
        previous = self._previous_all(comps, known)
        for c in comps:
            body, marks = split_marker(c.get("description"))
            parent = self.by_id.get(_int(c.get("parentid")))
            parent_key = str(parent["idnumber"]) if parent else None
            if parent_key:
                children.setdefault(parent_key, []).append(str(c["idnumber"]))
            rules[str(c["idnumber"])] = (
                _COMPETENCY_OUTCOME_NAME.get(_int(c.get("ruleoutcome")), "none")
                if c.get("ruletype")
                else "none"
            )
            own = c.get("scaleid")
            deps = [fw_ref] + ([obj_ref(COMPETENCY, parent_key)] if parent_key else [])
            yield RemoteObject(
                kind=COMPETENCY,
                key=str(c["idnumber"]),
                remote_id=str(c["id"]),
                data={
                    "shortname": read_name(c.get("shortname")),
                    "description": body,
                    "parent": parent_key,
                    "after": previous[int(c["id"])]
                    if int(c["id"]) in previous
                    else self._previous(c, known),
                    "scaleid": _int(own) if own else fw_scale,
                    "scaleconfiguration": _parse_config(c.get("scaleconfiguration"))
                    if own
                    else fw_config,
                    "related": json_names(marks.get("related", [])),
                },
                depends_on=tuple(deps),
            )
        self._warn_in_use(comps)
        # a rule exists once it is set (an apply cut short before the rules leaves Moodle
        # as the plan found it: no rule)
        for p, kids in sorted(children.items()):
            if rules.get(p, "none") == "none":
                continue
            mine = [k for k in kids if known is None or k in known]
            yield RemoteObject(
                kind=RULE,
                key=p,
                remote_id=str(self.by_idnumber[p]["id"]),
                data={"outcome": rules[p], "children": json_names(mine)},
                depends_on=(fw_ref, obj_ref(COMPETENCY, p)),
            )
        for ref in sorted(set(courses) | self.course_hints):
            course = self.directory.course(ref)
            if course is None:
                continue
            rows = self.client.call(
                "core_competency_list_course_competencies", {"id": int(course["id"])}
            )
            for row in rows or ():
                comp, link = row.get("competency") or {}, row.get("coursecompetency") or {}
                if _int(comp.get("id")) not in self.by_id:
                    continue
                idn = str(comp["idnumber"])
                lk = link_key(ref, idn)
                self.links[lk] = link
                yield RemoteObject(
                    kind=COURSE_LINK,
                    key=lk,
                    remote_id=str(link.get("id")),
                    data={
                        "course": ref,
                        "competency": idn,
                        "rule": _COURSE_OUTCOME_NAME.get(_int(link.get("ruleoutcome")), "none"),
                    },
                    depends_on=(fw_ref, obj_ref(COMPETENCY, idn)),
                )

    def _warn_in_use(self, comps: list[dict[str, Any]]) -> None:
        """Warn about remote-only competencies Moodle would refuse to delete."""
        if self.local is None:
            return
        for c in comps:
            ref = obj_ref(COMPETENCY, str(c["idnumber"]))
            if ref in self.local or ref.key in self.renaming:
                continue
            try:
                n_courses = self.client.call(
                    "core_competency_count_courses_using_competency", {"id": int(c["id"])}
                )
                n_templates = self.client.call(
                    "core_competency_count_templates_using_competency", {"id": int(c["id"])}
                )
            except MoodleAccessError:
                return  # the token may not count (it needs to only for pruning)
            if _int(n_courses) or _int(n_templates):
                self.warn(
                    f"the competency {c['idnumber']!r} is only in Moodle and used by "
                    f"{_int(n_courses)} course(s) and {_int(n_templates)} template(s): Moodle "
                    "refuses to delete it (pruning would fail for it; unlink it first)"
                )

    def _read_templates(self, key: str) -> Iterator[RemoteObject]:
        rows = self.client.call(
            "core_competency_list_templates", {"context": SYSTEM_CONTEXT, "sort": "id"}
        )
        fw_ref = obj_ref(FRAMEWORK, key)
        for tpl in rows or ():
            body, marks = split_marker(tpl.get("description"))
            if marks.get("model") != [key] or len(marks.get("role", [])) != 1:
                continue
            role = marks["role"][0]
            if role in self.templates:
                self.warn(
                    f"two Moodle templates are marked as the role {role!r} "
                    f"(ids {self.templates[role]['id']} and {tpl['id']}): the first is used"
                )
                continue
            members = self.client.call(
                "core_competency_list_competencies_in_template", {"id": int(tpl["id"])}
            )
            ids = {_int(m.get("id")) for m in members or ()}
            self.templates[role] = tpl
            self.template_members[role] = ids
            comps = sorted(str(self.by_id[i]["idnumber"]) for i in ids if i in self.by_id)
            yield RemoteObject(
                kind=TEMPLATE,
                key=role,
                remote_id=str(tpl["id"]),
                data={
                    "shortname": read_name(tpl.get("shortname")),
                    "description": body,
                    "visible": bool(tpl.get("visible")),
                    "competencies": list(comps),
                },
                depends_on=(fw_ref, *(obj_ref(COMPETENCY, c) for c in comps)),
            )

    # -- writes ------------------------------------------------------------------------
    def create(self, change: Change, ids: RemoteIds, model_key: str) -> str:
        """Create the object of a ``create`` change; its Moodle id."""
        data = change.data or {}
        if change.kind == FRAMEWORK:
            answer = self.client.call(
                "core_competency_create_competency_framework",
                {
                    "competencyframework": {
                        "shortname": data["shortname"],
                        "idnumber": change.key,
                        "description": with_marker(str(data["description"]), _fw_marks(data)),
                        "descriptionformat": HTML,
                        "visible": bool(data["visible"]),
                        "scaleid": data["scaleid"],
                        "scaleconfiguration": _dump_config(data["scaleconfiguration"]),
                        "contextlevel": "system",
                        "instanceid": 0,
                    }
                },
            )
            fw = dict(answer)
            self.framework = fw
            return str(fw["id"])
        if change.kind == COMPETENCY:
            fw_id = self._id(ids, FRAMEWORK, model_key)
            fields: dict[str, Any] = {
                "shortname": data["shortname"],
                "idnumber": change.key,
                "description": str(data["description"]),  # the marker once related are added
                "descriptionformat": HTML,
                "competencyframeworkid": fw_id,
            }
            if data.get("parent"):
                fields["parentid"] = self._id(ids, COMPETENCY, str(data["parent"]))
            fw_config = self._framework_config(ids, model_key)
            if data["scaleconfiguration"] != fw_config:
                fields["scaleid"] = data["scaleid"]
                fields["scaleconfiguration"] = _dump_config(data["scaleconfiguration"])
            rec = dict(
                self.client.call("core_competency_create_competency", {"competency": fields})
            )
            self.by_id[int(rec["id"])] = rec
            self.by_idnumber[change.key] = rec
            self._order(rec, _opt(data.get("after")))
            related = _strs(data.get("related"))
            if related:
                self._relate(int(rec["id"]), related, [], ids)
                self.client.call(
                    "core_competency_update_competency",
                    {
                        "competency": {
                            "id": int(rec["id"]),
                            "description": with_marker(
                                str(data["description"]), {"related": related}
                            ),
                        }
                    },
                )
            return str(rec["id"])
        if change.kind == RULE:
            return str(self._set_rule(change.key, str(data["outcome"]), ids))
        if change.kind == COURSE_LINK:
            return self._link(change, ids)
        if change.kind == TEMPLATE:
            answer = self.client.call(
                "core_competency_create_template",
                {
                    "template": {
                        "shortname": data["shortname"],
                        "description": self._template_description(change, model_key),
                        "descriptionformat": HTML,
                        "visible": bool(data["visible"]),
                        "contextlevel": "system",
                        "instanceid": 0,
                    }
                },
            )
            tid = int(answer["id"])
            self._template_competencies(change, tid, set(), ids)
            return str(tid)
        raise SyncError(f"the moodle adapter does not know the object kind {change.kind!r}")

    def update(self, change: Change, remote_id: str, ids: RemoteIds, model_key: str) -> None:
        """Make the Moodle object ``remote_id`` hold ``change.data`` (only what differs)."""
        data = change.data or {}
        if change.kind == FRAMEWORK:
            fw = self.framework or {}
            self.client.call(
                "core_competency_update_competency_framework",
                {
                    "competencyframework": {
                        "id": int(remote_id),
                        "shortname": data["shortname"],
                        "description": with_marker(str(data["description"]), _fw_marks(data)),
                        "descriptionformat": HTML,
                        "visible": bool(data["visible"]),
                        "scaleid": data["scaleid"],
                        "scaleconfiguration": _dump_config(data["scaleconfiguration"]),
                    }
                },
            )
            self.framework = {
                **fw,
                "id": int(remote_id),
                "scaleid": data["scaleid"],
                "scaleconfiguration": _dump_config(data["scaleconfiguration"]),
            }
            return
        if change.kind == COMPETENCY:
            self._update_competency(change, int(remote_id), ids, model_key)
            return
        if change.kind == RULE:
            self._set_rule(change.key, str(data["outcome"]), ids)
            return
        if change.kind == COURSE_LINK:
            self._link(change, ids)
            return
        if change.kind == TEMPLATE:
            self.client.call(
                "core_competency_update_template",
                {
                    "template": {
                        "id": int(remote_id),
                        "shortname": data["shortname"],
                        "description": self._template_description(change, model_key),
                        "visible": bool(data["visible"]),
                    }
                },
            )
            members = self.template_members.get(change.key, set())
            self._template_competencies(change, int(remote_id), members, ids)
            return
        raise SyncError(f"the moodle adapter does not know the object kind {change.kind!r}")

    def delete(self, change: Change, remote_id: str) -> None:
        """Delete a Moodle object (only with pruning); refusals become errors."""
        rid = int(remote_id)
        if change.kind == FRAMEWORK:
            ok = self.client.call("core_competency_delete_competency_framework", {"id": rid})
            what = "the framework (a competency of it is in use)"
        elif change.kind == COMPETENCY:
            ok = self.client.call("core_competency_delete_competency", {"id": rid})
            what = "the competency (it or a child is used by a course, template, plan or rating)"
        elif change.kind == RULE:
            self.client.call(  # no rule wanted any more
                "core_competency_update_competency",
                {"competency": {"id": rid, "ruletype": "", "ruleoutcome": 0}},
            )
            return
        elif change.kind == COURSE_LINK:
            link = self.links.get(change.key) or {}
            comp = self.by_idnumber.get(change.key.rsplit("|", 1)[1]) or {}
            # false only means the link was gone already
            self.client.call(
                "core_competency_remove_competency_from_course",
                {"courseid": _int(link.get("courseid")), "competencyid": _int(comp.get("id"))},
            )
            return
        elif change.kind == TEMPLATE:
            ok = self.client.call(
                "core_competency_delete_template", {"id": rid, "deleteplans": False}
            )
            what = "the template"
        else:
            raise SyncError(f"the moodle adapter does not know the object kind {change.kind!r}")
        if not _true(ok):
            raise SyncError(f"Moodle refused to delete {what}: {change.kind} {change.key}")

    # -- write helpers -----------------------------------------------------------------
    def _id(self, ids: RemoteIds, kind: str, key: str) -> int:
        rid = ids.get(obj_ref(kind, key))
        if rid is None:
            raise SyncError(f"{kind} {key} does not exist in Moodle yet (it failed earlier)")
        return int(rid)

    def _framework_config(self, ids: RemoteIds, model_key: str) -> JsonValue:
        fw = self.framework
        if fw is None or str(fw.get("id")) != str(ids.get(obj_ref(FRAMEWORK, model_key))):
            fw = self.find_framework(model_key) or {}
            self.framework = fw
        return _parse_config(fw.get("scaleconfiguration"))

    def learn(self, plan: Plan) -> None:
        """Note what a saved plan pushes: its competencies and the related pairs it wants.

        A new process applying a saved plan then reads Moodle as the planning one did,
        and a related pair changing owner is not removed.
        """
        if plan.scope.operation is not Capability.PUSH_MODEL:
            return
        self._follow_renames(plan)
        if self.local is not None:
            return
        self.local = {c.ref for c in plan.changes if c.data is not None}
        for change in plan.changes:
            if change.kind == COMPETENCY and change.data:
                for other in _strs(change.data.get("related")):
                    self.wanted_pairs.add(frozenset((change.key, other)))

    def _siblings(self, rec: dict[str, Any], known: set[str] | None) -> list[dict[str, Any]]:
        """The competency's siblings (itself included) in Moodle's order, ours only."""
        parent = _int(rec.get("parentid"))
        sibs = [
            c
            for c in self.by_id.values()
            if _int(c.get("parentid")) == parent
            and (known is None or str(c["idnumber"]) in known or c is rec)
        ]
        return sorted(sibs, key=lambda c: (_int(c.get("sortorder")), _int(c.get("id"))))

    @staticmethod
    def _previous_all(comps: list[dict[str, Any]], known: set[str] | None) -> dict[int, str | None]:
        """Each of our competencies' previous sibling among ours (one pass over the tree)."""
        groups: dict[int, list[dict[str, Any]]] = {}
        for c in comps:
            if known is None or str(c["idnumber"]) in known:
                groups.setdefault(_int(c.get("parentid")), []).append(c)
        out: dict[int, str | None] = {}
        for sibs in groups.values():
            sibs.sort(key=lambda c: (_int(c.get("sortorder")), _int(c.get("id"))))
            for i, c in enumerate(sibs):
                out[int(c["id"])] = str(sibs[i - 1]["idnumber"]) if i else None
        return out

    def _previous(self, rec: dict[str, Any], known: set[str] | None) -> str | None:
        sibs = self._siblings(rec, known)
        i = next(i for i, c in enumerate(sibs) if c is rec)
        return str(sibs[i - 1]["idnumber"]) if i else None

    def _order(self, rec: dict[str, Any], after: str | None) -> None:
        """Move the competency among its siblings until it follows ``after`` (None: first).

        Moodle makes a new competency the last sibling and has no call that sets a place,
        only ``move_up_competency`` / ``move_down_competency`` (one step each).
        """
        known = self._local_competencies()
        for _ in range(2 * len(self.by_id) + 2):
            mine = self._siblings(rec, known)
            i = next(i for i, c in enumerate(mine) if c is rec)
            prev = str(mine[i - 1]["idnumber"]) if i else None
            if prev == after:
                return
            above = after is None or after in {str(c["idnumber"]) for c in mine[:i]}
            everyone = self._siblings(rec, None)
            j = next(j for j, c in enumerate(everyone) if c is rec)
            k = j - 1 if above else j + 1
            if not 0 <= k < len(everyone):
                break
            function = "up" if above else "down"
            self.client.call(f"core_competency_move_{function}_competency", {"id": int(rec["id"])})
            for n, c in enumerate(everyone):  # as Moodle: renumber, then swap with the neighbour
                c["sortorder"] = n
            rec["sortorder"], everyone[k]["sortorder"] = k, j
        raise SyncError(f"cannot put the competency {rec['idnumber']} after {after}")

    def _local_competencies(self) -> set[str] | None:
        if self.local is None:
            return None
        # ours: the local competencies, and those still under the key they are renamed from
        return {ref.key for ref in self.local if ref.kind == COMPETENCY} | set(self.renaming)

    def _relate(
        self, cid: int, add: list[str], remove: list[str], ids: RemoteIds, key: str = ""
    ) -> None:
        for other in add:
            self.client.call(
                "core_competency_add_related_competency",
                {"competencyid": cid, "relatedcompetencyid": self._id(ids, COMPETENCY, other)},
            )
        for other in remove:
            oid = ids.get(obj_ref(COMPETENCY, other))
            if oid is not None and frozenset((key, other)) not in self.wanted_pairs:
                self.client.call(
                    "core_competency_remove_related_competency",
                    {"competencyid": cid, "relatedcompetencyid": int(oid)},
                )

    def _update_competency(self, change: Change, cid: int, ids: RemoteIds, model_key: str) -> None:
        data = change.data or {}
        rec = self.by_id.get(cid)
        if rec is None:
            raise SyncError(f"the competency {change.key} was not read from Moodle before")
        marks = split_marker(rec.get("description"))[1]
        if str(rec.get("idnumber")) != change.key:
            # a rename (the idnumber is unique in the framework; the id stays, and with it
            # ratings, plans, course and template links): with the other fields, first, so
            # that the moves below see the competency under its new key
            old = str(rec.get("idnumber"))
            fields = {"idnumber": change.key} | self._competency_fields(change, rec, ids, model_key)
            self.client.call(
                "core_competency_update_competency", {"competency": {"id": cid, **fields}}
            )
            rec.update(fields)
            if self.by_idnumber.get(old) is rec:
                del self.by_idnumber[old]
            self.by_idnumber[change.key] = rec
            self.renaming[old] = change.key
            marks = split_marker(rec.get("description"))[1]
        # the parent: set_parent only when it really changed (it throws otherwise)
        want_parent = self._id(ids, COMPETENCY, str(data["parent"])) if data.get("parent") else 0
        if _int(rec.get("parentid")) != want_parent:
            self.client.call(
                "core_competency_set_parent_competency",
                {"competencyid": cid, "parentid": want_parent},
            )
            rec["parentid"], rec["sortorder"] = want_parent, len(self.by_id)  # the last child
        self._order(rec, _opt(data.get("after")))
        # the marker names related competencies by key: renamed ones are the same pairs
        have = sorted(self.renaming.get(r, r) for r in marks.get("related", []))
        want = _strs(data.get("related"))
        self._relate(
            cid, [r for r in want if r not in have], [r for r in have if r not in want], ids
        )
        fields = self._competency_fields(change, rec, ids, model_key)
        if fields:
            self.client.call(
                "core_competency_update_competency", {"competency": {"id": cid, **fields}}
            )
            rec.update(fields)

    def _competency_fields(
        self, change: Change, rec: dict[str, Any], ids: RemoteIds, model_key: str
    ) -> dict[str, Any]:
        """The fields of ``update_competency`` that differ from what Moodle holds."""
        data = change.data or {}
        body, marks = split_marker(rec.get("description"))
        want = _strs(data.get("related"))
        fields: dict[str, Any] = {}
        if read_name(rec.get("shortname")) != data["shortname"]:
            fields["shortname"] = data["shortname"]
        description = with_marker(str(data["description"]), {"related": want})
        if body != data["description"] or sorted(marks.get("related", [])) != want:
            fields["description"] = description
            fields["descriptionformat"] = HTML
        own = rec.get("scaleid")
        effective = (
            _parse_config(rec.get("scaleconfiguration"))
            if own
            else self._framework_config(ids, model_key)
        )
        if effective != data["scaleconfiguration"] or (own and _int(own) != data["scaleid"]):
            fields["scaleid"] = data["scaleid"]
            fields["scaleconfiguration"] = _dump_config(data["scaleconfiguration"])
        return fields

    def _set_rule(self, parent: str, outcome: str, ids: RemoteIds) -> int:
        """Give a parent the rule 'all children completed' with ``outcome``; its id."""
        cid = self._id(ids, COMPETENCY, parent)
        number = COMPETENCY_RULE_OUTCOME[outcome]
        self.client.call(
            "core_competency_update_competency",
            {
                "competency": {
                    "id": cid,
                    "ruletype": RULE_ALL if number else "",
                    "ruleoutcome": number,
                }
            },
        )
        return cid

    def _link(self, change: Change, ids: RemoteIds) -> str:
        data = change.data or {}
        ref, comp = str(data["course"]), str(data["competency"])
        course = self.directory.course(ref)
        if course is None:
            raise SyncError(f"the Moodle course {ref!r} was not found")
        cid = self._id(ids, COMPETENCY, comp)
        link = self.links.get(change.key)
        if link is None:
            # false means 'linked already' (e.g. an earlier run's answer was lost)
            self.client.call(
                "core_competency_add_competency_to_course",
                {"courseid": int(course["id"]), "competencyid": cid},
            )
            rows = self.client.call(
                "core_competency_list_course_competencies", {"id": int(course["id"])}
            )
            for row in rows or ():
                if _int((row.get("competency") or {}).get("id")) == cid:
                    link = row.get("coursecompetency")
            if link is None:
                raise SyncError(f"the link of {comp} to the course {ref!r} did not appear")
            self.links[change.key] = link
        want = COURSE_RULE_OUTCOME[str(data["rule"])]
        if _int(link.get("ruleoutcome")) != want:
            # takes the course-competency record's id, not the competency's
            self.client.call(
                "core_competency_set_course_competency_ruleoutcome",
                {"coursecompetencyid": int(link["id"]), "ruleoutcome": want},
            )
            link["ruleoutcome"] = want
        return str(link["id"])

    def _template_description(self, change: Change, model_key: str) -> str:
        body = str((change.data or {}).get("description") or "")
        return with_marker(body, {"model": [model_key], "role": [change.key]})

    def _template_competencies(
        self, change: Change, tid: int, members: set[int], ids: RemoteIds
    ) -> None:
        want = {self._id(ids, COMPETENCY, c) for c in _strs((change.data or {})["competencies"])}
        for cid in sorted(want - members):
            # false means 'there already'
            self.client.call(
                "core_competency_add_competency_to_template",
                {"templateid": tid, "competencyid": cid},
            )
        ours = set(self.by_id)
        for cid in sorted((members - want) & ours):
            self.client.call(
                "core_competency_remove_competency_from_template",
                {"templateid": tid, "competencyid": cid},
            )
        self.template_members[change.key] = want | (members - ours)


def _parse_config(text: Any) -> JsonValue:
    """A scale configuration as plain JSON with the values as integers (None if unreadable)."""
    try:
        items = json.loads(str(text or ""))
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    out: list[JsonValue] = []
    for item in items:
        if not isinstance(item, dict):
            return None
        out.append({str(k): _int(v) for k, v in item.items()})
    return out


def _dump_config(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _fw_marks(data: dict[str, Any]) -> dict[str, list[str]]:
    """The framework's marker: the courses the model links, the model's key of its scale."""
    return {"courses": _strs(data.get("courses")), "scale": _strs(data.get("scale"))}


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value or ()]


__all__ = ["RULE_ALL", "ModelPush"]
