"""Checking a workforce against the stored versions of its model, summed up by kind.

Each assessment, and each piece of evidence, is checked against the model version it names
(``model_version``; else the version given for the import; else the model's current
version): the version must be stored, the competency (and a piece's learning resource) must
be in it and assessable, the level on its scale there. People
must be in the file or already in the store, their roles and managers known. Every
problem is kept, located by path, and the problems of one kind (and one version) are
summed up in one message with counts and a few examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from competency_core.errors import CompetencyError, ModelValidationError, Problem
from competency_core.messages import did_you_mean
from competency_core.model import CompetencyModel
from competency_core.people import Evidence, Workforce

EXAMPLES_SHOWN = 5
"""How many examples a summary names before "and N more"."""


class ProblemSummary(BaseModel):
    """Every problem of one kind (for one model version): how many, and the commonest values."""

    model_config = ConfigDict(frozen=True)

    code: str
    """The kind: ``unknown-version``, ``unknown-competency``, ``not-assessable``,
    ``unknown-scale``, ``level-not-on-scale``, ``no-scale-mapping``, ``unknown-resource``,
    ``unknown-person``,
    ``duplicate-person``, ``unknown-role`` or ``unknown-manager``."""
    version: str | None
    """The model version the rows were checked against (None for people checks)."""
    count: int
    message: str
    examples: dict[str, int]
    """The commonest values with their counts, most frequent first (at most a few)."""
    first: Problem
    """The first row with this problem (its path, and file and line once located)."""

    def as_problem(self) -> Problem:
        """The summary as one located problem (at its first row), with its code."""
        return self.first.model_copy(update={"message": self.message, "code": self.code})


class WorkforceCheck(BaseModel):
    """The outcome of :func:`check_workforce`: every problem, and one summary per kind."""

    model_config = ConfigDict(frozen=True)

    model: str | None
    problems: tuple[Problem, ...] = ()
    """Every problem, one per row, located by path (``assessments[3].competency``)."""
    summaries: tuple[ProblemSummary, ...] = ()
    versions: dict[str, int] = {}
    """How many assessments were checked against each model version."""

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems

    def located(self, file: str | None, line_of: Callable[[str], int | None]) -> WorkforceCheck:
        """A copy with the file and each problem's line filled in."""

        def loc(p: Problem) -> Problem:
            return p.located(file, line_of(p.path))

        return self.model_copy(
            update={
                "problems": tuple(loc(p) for p in self.problems),
                "summaries": tuple(
                    s.model_copy(update={"first": loc(s.first)}) for s in self.summaries
                ),
            }
        )

    @property
    def headline(self) -> str:
        """One line: how many problems, for which model, and that nothing was written."""
        n = len(self.problems)
        of = f" for {self.model}" if self.model else ""
        return f"{n} problem{'s' if n != 1 else ''} in the workforce{of}: nothing was written"

    def error(self) -> ModelValidationError:
        """The summaries as a :class:`ModelValidationError` (one problem per summary)."""
        return ModelValidationError([s.as_problem() for s in self.summaries], self.headline)


@dataclass
class _Kind:
    code: str
    version: str | None
    section: str
    rows: list[Problem] = field(default_factory=list)
    values: Counter[str] = field(default_factory=Counter)
    notes: dict[str, str] = field(default_factory=dict)


# code -> (one row, several rows); {v} is the version, {m} the model
_TEMPLATES = {
    "unknown-version": (
        "assessment names a version of {m} the store does not hold",
        "assessments name a version of {m} the store does not hold",
    ),
    "unknown-competency": (
        "assessment names a competency that version {v} does not have",
        "assessments name competencies that version {v} does not have",
    ),
    "not-assessable": (
        "assessment rates a competency that version {v} marks as not assessable",
        "assessments rate competencies that version {v} marks as not assessable",
    ),
    "unknown-scale": (
        "assessment names a scale that version {v} does not have",
        "assessments name scales that version {v} does not have",
    ),
    "level-not-on-scale": (
        "assessment has a level that is not on the scale in version {v}",
        "assessments have levels that are not on the scale in version {v}",
    ),
    "no-scale-mapping": (
        "assessment is on a scale that version {v} cannot convert to the competency's own "
        "(add a scale mapping)",
        "assessments are on scales that version {v} cannot convert to the competency's own "
        "(add a scale mapping)",
    ),
    "unknown-resource": (
        "piece of evidence names a learning resource that version {v} does not have",
        "pieces of evidence name learning resources that version {v} does not have",
    ),
    "unknown-person": (
        "assessment names a person who is neither in the file nor in the store",
        "assessments name people who are neither in the file nor in the store",
    ),
    "duplicate-person": (
        "person repeats a key used earlier in the file",
        "people repeat a key used earlier in the file",
    ),
    "unknown-role": (
        "person holds a role that version {v} does not have",
        "people hold roles that version {v} does not have",
    ),
    "unknown-manager": (
        "person names a manager who is neither in the file nor in the store",
        "people name managers who are neither in the file nor in the store",
    ),
}


def _message(kind: _Kind, model: str | None, stored: Collection[str]) -> str:
    n = sum(kind.values.values())
    one, many = _TEMPLATES[kind.code]
    if kind.section == "evidence":  # the same checks, said of evidence
        one = one.replace("assessment", "piece of evidence")
        many = many.replace("assessments", "pieces of evidence")
    head = f"{n} " + (one if n == 1 else many).format(v=kind.version, m=repr(model))
    shown = kind.values.most_common(EXAMPLES_SHOWN)
    parts = []
    for value, count in shown:
        note = kind.notes.get(value, "")
        parts.append(f"{value} ({count}{'; ' + note if note else ''})")
    more = len(kind.values) - len(shown)
    text = f"{head}: {', '.join(parts)}"
    if more > 0:
        text += f" and {more} more"
    if kind.code == "unknown-version":
        text += f"; it holds {', '.join(stored) if stored else 'no version'}"
    return text


def _suggest(word: str, options: Collection[str]) -> str:
    hint = did_you_mean(word, options)  # " (did you mean 'x'?)"
    return hint.strip()[1:-1] if hint else ""


def check_workforce(
    workforce: Workforce,
    versions: Mapping[str, CompetencyModel],
    *,
    current: CompetencyModel | None,
    version: str | None = None,
    stored_people: Collection[str] = (),
    other_people: Collection[str] = (),
) -> WorkforceCheck:
    """Check a workforce against the stored ``versions`` of its model; nothing is raised.

    ``versions`` maps each stored version to its model (oldest first); ``current`` is the
    version people's roles are checked against and the one assessments that name no
    version (and are given no ``version``) are checked against; ``stored_people`` are
    the keys of people already in the store that the workforce refers to, and
    ``other_people`` further keys to suggest for misspelt ones. With no ``current`` (the model is not
    known) only the people are checked.
    """
    kinds: dict[tuple[str, str | None, str], _Kind] = {}

    def report(code: str, ver: str | None, path: str, value: str, msg: str, note: str) -> None:
        section = path.split("[", 1)[0]
        kind = kinds.setdefault((code, ver, section), _Kind(code, ver, section))
        kind.rows.append(Problem(path=path, message=msg, code=code))
        kind.values[value] += 1
        if note:
            kind.notes.setdefault(value, note)

    people: dict[str, int] = {}
    for i, p in enumerate(workforce.people):
        if p.key in people:
            report("duplicate-person", None, f"people[{i}].key", p.key,
                   f"duplicate person key {p.key!r} (first at people[{people[p.key]}])", "")  # fmt: skip
        people.setdefault(p.key, i)
    known = set(people) | set(stored_people)
    candidates = sorted(known | set(other_people))
    for i, p in enumerate(workforce.people):
        if p.manager is not None and p.manager not in known:
            report("unknown-manager", None, f"people[{i}].manager", p.manager,
                   f"unknown manager {p.manager!r}" + did_you_mean(p.manager, candidates),
                   _suggest(p.manager, candidates))  # fmt: skip
        if current is not None and p.role is not None and not current.has_role(p.role):
            roles = [r.key for r in current.roles]
            report("unknown-role", current.version, f"people[{i}].role", p.role,
                   f"unknown role {p.role!r} in version {current.version} of {current.key!r}"
                   + did_you_mean(p.role, roles), _suggest(p.role, roles))  # fmt: skip

    checked: Counter[str] = Counter()
    for i, a in enumerate(workforce.assessments):
        at = f"assessments[{i}]"
        if a.person not in known:
            report("unknown-person", None, f"{at}.person", a.person,
                   f"unknown person {a.person!r}" + did_you_mean(a.person, candidates),
                   _suggest(a.person, candidates))  # fmt: skip
        if current is None:
            continue
        ver = a.model_version or version or current.version
        model = versions.get(ver)
        if model is None:
            report("unknown-version", None, f"{at}.model_version", ver,
                   f"version {ver} of {current.key!r} is not in the store"
                   + did_you_mean(ver, versions), _suggest(ver, versions))  # fmt: skip
            continue
        checked[ver] += 1
        _check_assessment(model, a.competency, a.scale, a.level, at, report, versions)

    for i, e in enumerate(workforce.evidence):
        at = f"evidence[{i}]"
        if e.person not in known:
            report("unknown-person", None, f"{at}.person", e.person,
                   f"unknown person {e.person!r}" + did_you_mean(e.person, candidates),
                   _suggest(e.person, candidates))  # fmt: skip
        if current is None:
            continue
        ver = e.model_version or version or current.version
        model = versions.get(ver)
        if model is None:
            report("unknown-version", None, f"{at}.model_version", ver,
                   f"version {ver} of {current.key!r} is not in the store"
                   + did_you_mean(ver, versions), _suggest(ver, versions))  # fmt: skip
            continue
        _check_evidence(model, e, at, report, versions)

    found = sorted(kinds.values(), key=lambda k: not k.rows[0].path.startswith("people"))
    stored = list(versions)
    key = current.key if current is not None else workforce.model
    return WorkforceCheck(
        model=key,
        problems=tuple(p for k in found for p in k.rows),
        summaries=tuple(
            ProblemSummary(
                code=k.code,
                version=k.version,
                count=len(k.rows),
                message=_message(k, key, stored),
                examples=dict(k.values.most_common(EXAMPLES_SHOWN)),
                first=k.rows[0],
            )
            for k in found
        ),
        versions=dict(checked),
    )


def _check_evidence(
    model: CompetencyModel,
    e: Evidence,
    at: str,
    report: Callable[[str, str | None, str, str, str, str], None],
    versions: Mapping[str, CompetencyModel],
) -> None:
    """A piece's learning resource, competency, scale and level in its model version."""
    resources = [r.key for r in model.learning_resources]
    if e.resource is not None and e.resource not in resources:
        report("unknown-resource", model.version, f"{at}.resource", e.resource,
               f"unknown learning resource {e.resource!r} in version {model.version} of "
               f"{model.key!r}" + did_you_mean(e.resource, resources),
               _suggest(e.resource, resources))  # fmt: skip
    if e.competency is None:
        return
    if e.level is not None:
        _check_assessment(model, e.competency, e.scale, e.level, at, report, versions)
    elif not model.has_competency(e.competency):  # attests no level: only its competency
        keys = [c.key for c in model.competencies]
        report("unknown-competency", model.version, f"{at}.competency", e.competency,
               f"unknown competency {e.competency!r} in version {model.version} of "
               f"{model.key!r}" + did_you_mean(e.competency, keys),
               _suggest(e.competency, keys))  # fmt: skip


def _check_assessment(
    model: CompetencyModel,
    ck: str,
    sk: str | None,
    level: int,
    at: str,
    report: Callable[[str, str | None, str, str, str, str], None],
    versions: Mapping[str, CompetencyModel],
) -> None:
    v, where = model.version, f"in version {model.version} of {model.key!r}"
    if not model.has_competency(ck):
        keys = [c.key for c in model.competencies]
        hint = did_you_mean(ck, keys)
        if not hint:  # the row may name the wrong version: say which ones have it
            having = [k for k, m in versions.items() if m.has_competency(ck)]
            hint = f" (in {', '.join(having)})" if having else ""
        report("unknown-competency", v, f"{at}.competency", ck,
               f"unknown competency {ck!r} {where}{hint}", hint.strip()[1:-1])  # fmt: skip
        return
    competency = model.competency(ck)
    if not competency.assessable:
        report("not-assessable", v, f"{at}.competency", ck,
               f"{ck!r} is not assessable {where}", "")  # fmt: skip
        return
    own = competency.scale
    scale_key = sk or own
    try:
        scale = model.scale(scale_key)
    except CompetencyError:
        keys = [s.key for s in model.scales]
        report("unknown-scale", v, f"{at}.scale", scale_key,
               f"unknown scale {scale_key!r} {where}" + did_you_mean(scale_key, keys),
               _suggest(scale_key, keys))  # fmt: skip
        return
    if not scale.has_level(level):
        levels = ", ".join(str(x) for x in scale.values)
        report("level-not-on-scale", v, f"{at}.level", f"{ck} at {level}",
               f"{level} is not a level of scale {scale_key!r} {where} (levels: {levels})",
               f"{scale_key}: {levels}")  # fmt: skip
        return
    if scale_key != own and model.scale_mapping(scale_key, own) is None:
        report("no-scale-mapping", v, f"{at}.scale", f"{ck} on {scale_key}",
               f"the {'piece' if at.startswith('evidence') else 'assessment'} is on scale "
               f"{scale_key!r} but {ck!r} is measured on {own!r} "
               f"and version {v} has no mapping between them",
               f"measured on {own}")  # fmt: skip


__all__ = ["EXAMPLES_SHOWN", "ProblemSummary", "WorkforceCheck", "check_workforce"]
