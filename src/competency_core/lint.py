"""Architecture rules ("lint") that keep role profiles clear.

A rule looks at a whole model and yields findings (:class:`~competency_core.errors.Problem`
records with a ``code``, a severity and a path). Rules are configured per model in its
``lint`` section::

    lint:
      rules:
        role-requirement-count: {min: 4, max: 12}
        near-duplicate-names: {threshold: 0.85, severity: error}
        competency-unused: {enabled: false}

Plugins add rules (see docs/plugins.md); :func:`lint_model` runs built-in and extra rules.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from competency_core.errors import Problem, Severity
from competency_core.model import CompetencyModel

if TYPE_CHECKING:
    from competency_core.plugins import PluginRegistry

Finding = Problem
"""A lint finding is a :class:`Problem` whose ``code`` names the rule."""

CheckFn = Callable[[CompetencyModel, Mapping[str, Any]], Iterable[tuple[str, str]]]
"""A rule's check: yields ``(path, message)`` pairs for the model, given its options."""


@dataclass(frozen=True)
class LintRule:
    """A named architecture rule with its default severity and options."""

    code: str
    description: str
    check: CheckFn
    severity: Severity = "warning"
    options: Mapping[str, Any] = field(default_factory=dict)

    def run(self, model: CompetencyModel, config: Mapping[str, Any] | None = None) -> list[Finding]:
        """Run the rule with its options merged with ``config``; [] when disabled."""
        cfg = dict(config or {})
        if cfg.pop("enabled", True) is False:
            return []
        severity: Severity = cfg.pop("severity", self.severity)
        unknown = set(cfg) - set(self.options)
        if unknown:
            return [
                Problem(
                    path=f"lint.rules.{self.code}",
                    message=f"unknown option(s) {sorted(unknown)} for rule {self.code!r}; "
                    f"it takes {sorted(self.options) or 'no options'}",
                    severity="error",
                    code="lint-config",
                )
            ]
        opts = {**self.options, **cfg}
        return [
            Problem(path=path, message=message, severity=severity, code=self.code)
            for path, message in self.check(model, opts)
        ]


# -- built-in rules --------------------------------------------------------------------


def _role_requirement_count(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    lo, hi = int(opts["min"]), int(opts["max"])
    for i, role in enumerate(model.roles):
        n = len(role.requirements)
        if n < lo:
            yield (
                f"roles[{i}].requirements",
                (f"role {role.key!r} has {n} requirement(s); at least {lo} make a usable profile"),
            )
        elif n > hi:
            yield (
                f"roles[{i}].requirements",
                (
                    f"role {role.key!r} has {n} requirements; more than {hi} blur what matters: "
                    "keep the defining ones"
                ),
            )


def _indicators_complete(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    skip_min = bool(opts["skip_minimum"])
    for i, comp in enumerate(model.competencies):
        if not comp.assessable:
            continue
        scale = model.scale(comp.scale)
        wanted = [v for v in scale.values if not (skip_min and v == scale.min_value)]
        missing = [v for v in wanted if not comp.indicators.get(v)]
        if missing:
            yield (
                f"competencies[{i}].indicators",
                (
                    f"competency {comp.key!r} has no behavioural indicator for level(s) {missing} "
                    f"of scale {scale.key!r}: say what good looks like at every level"
                ),
            )


def _near_duplicate_names(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    threshold = float(opts["threshold"])
    names = [
        (i, c.key, " ".join(eval_words(model.text(c.name))))
        for i, c in enumerate(model.competencies)
    ]
    for a in range(len(names)):
        ia, ka, na = names[a]
        matcher = difflib.SequenceMatcher(None, "", na, autojunk=False)
        for b in range(a + 1, len(names)):
            ib, kb, nb = names[b]
            if na == nb:
                ratio = 1.0
            else:
                matcher.set_seq1(nb)
                if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
            if ratio >= threshold:
                yield (
                    f"competencies[{ib}].name",
                    (
                        f"competency {kb!r} has a name nearly identical to {ka!r} "
                        f"(competencies[{ia}], similarity {ratio:.2f}): merge them or make the "
                        "difference clear"
                    ),
                )


def eval_words(name: str) -> list[str]:
    """Words of a name for comparison: accents folded, lower case, filler words dropped.

    >>> eval_words("Planning & Organising Skills")
    ['planning', 'organising']
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return [w for w in words if w not in {"and", "the", "of", "skill", "skills", "a", "an"}]


def _not_all_essential(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    min_reqs = int(opts["min_requirements"])
    for i, role in enumerate(model.roles):
        reqs = role.requirements
        if len(reqs) >= min_reqs and all(r.essential for r in reqs):
            yield (
                f"roles[{i}].requirements",
                (
                    f"every requirement of role {role.key!r} is essential: mark the nice-to-haves "
                    "as desirable (essential: false) so readiness can tell them apart"
                ),
            )


def _has_essential(model: CompetencyModel, opts: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for i, role in enumerate(model.roles):
        if role.requirements and not any(r.essential for r in role.requirements):
            yield (
                f"roles[{i}].requirements",
                (
                    f"role {role.key!r} has no essential requirement: nobody can be 'not ready' for it"
                ),
            )


def _definition_present(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    lo, hi = int(opts["min_length"]), int(opts["max_length"])
    for i, comp in enumerate(model.competencies):
        if comp.definition is None:
            yield f"competencies[{i}].definition", f"competency {comp.key!r} has no definition"
            continue
        n = len(model.text(comp.definition).strip())
        if n < lo:
            yield (
                f"competencies[{i}].definition",
                (f"the definition of {comp.key!r} is {n} characters; write at least {lo}"),
            )
        elif n > hi:
            yield (
                f"competencies[{i}].definition",
                (
                    f"the definition of {comp.key!r} is {n} characters; keep it under {hi} and move "
                    "detail into the indicators"
                ),
            )


def _competency_unused(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    if not model.roles:
        return
    used = {r.competency for role in model.roles for r in role.requirements}
    parents = {c.parent for c in model.competencies if c.parent}
    for i, comp in enumerate(model.competencies):
        if comp.key not in used and comp.key not in parents and comp.assessable:
            yield (
                f"competencies[{i}]",
                (
                    f"competency {comp.key!r} is required by no role: remove it or add it to a profile"
                ),
            )


def _requirement_above_minimum(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    for i, role in enumerate(model.roles):
        for j, req in enumerate(role.requirements):
            scale = model.scale_of(req.competency)
            if req.level == scale.min_value:
                yield (
                    f"roles[{i}].requirements[{j}].level",
                    (
                        f"role {role.key!r} requires {req.competency!r} at the scale's minimum "
                        f"({req.level}): everyone meets it, so it says nothing"
                    ),
                )


def _weight_concentration(
    model: CompetencyModel, opts: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    share = float(opts["max_share"])
    for i, role in enumerate(model.roles):
        total = sum(r.weight for r in role.requirements)
        if len(role.requirements) < 3 or total <= 0:
            continue
        for j, req in enumerate(role.requirements):
            if req.weight / total > share:
                yield (
                    f"roles[{i}].requirements[{j}].weight",
                    (
                        f"{req.competency!r} carries {req.weight / total:.0%} of role {role.key!r}'s "
                        f"weight (more than {share:.0%}): the profile rests on one competency"
                    ),
                )


BUILTIN_RULES: tuple[LintRule, ...] = (
    LintRule(
        "role-requirement-count",
        "Each role has between min and max requirements.",
        _role_requirement_count,
        options={"min": 3, "max": 15},
    ),
    LintRule(
        "indicators-complete",
        "Every competency has a behavioural indicator for every level of its scale.",
        _indicators_complete,
        options={"skip_minimum": False},
    ),
    LintRule(
        "near-duplicate-names",
        "No two competencies have near-identical names.",
        _near_duplicate_names,
        options={"threshold": 0.9},
    ),
    LintRule(
        "not-all-essential",
        "Essential requirements are not all of a role's requirements.",
        _not_all_essential,
        options={"min_requirements": 3},
    ),
    LintRule(
        "role-has-essential",
        "A role with requirements has at least one essential requirement.",
        _has_essential,
    ),
    LintRule(
        "definition-present",
        "Every competency has a definition of reasonable length.",
        _definition_present,
        options={"min_length": 20, "max_length": 800},
    ),
    LintRule(
        "competency-unused",
        "Every assessable competency is required by at least one role.",
        _competency_unused,
        severity="info",
    ),
    LintRule(
        "requirement-above-minimum",
        "No requirement asks for the scale's minimum level.",
        _requirement_above_minimum,
    ),
    LintRule(
        "weight-concentration",
        "No single requirement carries more than max_share of a role's weight.",
        _weight_concentration,
        severity="info",
        options={"max_share": 0.5},
    ),
)


def plugin_rules(registry: PluginRegistry) -> list[LintRule]:
    """The lint rules the plugins in ``registry`` provide, checked.

    A rule must be a :class:`LintRule`, and its code may clash neither with a built-in
    rule's nor with another plugin's (:class:`~competency_core.plugins.PluginError`).
    """
    from competency_core.plugins import PluginError

    seen = {r.code: "competency-core" for r in BUILTIN_RULES}
    out: list[LintRule] = []
    for info, rule in registry.provided("register_lint_rules"):
        if not isinstance(rule, LintRule):
            raise PluginError(f"the plugin {info.name} registered {rule!r} as a lint rule")
        if rule.code in seen:
            raise PluginError(
                f"the plugin {info.name}'s lint rule {rule.code!r} clashes with "
                f"{seen[rule.code]}'s: rename it"
            )
        seen[rule.code] = info.name
        out.append(rule)
    return out


def available_rules(extra: Sequence[LintRule] = (), *, plugins: bool = True) -> dict[str, LintRule]:
    """The built-in rules, the installed plugins' rules (unless ``plugins=False``) and ``extra``."""
    rules = {r.code: r for r in BUILTIN_RULES}
    if plugins:
        from competency_core.plugins import plugin_registry

        rules |= {r.code: r for r in plugin_rules(plugin_registry())}
    for rule in extra:
        rules[rule.code] = rule
    return rules


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def lint_model(
    model: CompetencyModel,
    *,
    extra_rules: Sequence[LintRule] = (),
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Finding]:
    """Run every rule on the model; ``config`` overrides the model's own ``lint.rules``.

    Findings come sorted by severity (errors first), then by path.
    """
    rules = available_rules(extra_rules)
    merged: dict[str, dict[str, Any]] = {k: dict(v) for k, v in model.lint.rules.items()}
    for code, opts in (config or {}).items():
        merged.setdefault(code, {}).update(opts)
    findings: list[Finding] = []
    for code in merged:
        if code not in rules:
            findings.append(
                Problem(
                    path=f"lint.rules.{code}",
                    message=f"unknown lint rule {code!r}; known rules: {sorted(rules)}",
                    severity="error",
                    code="lint-config",
                )
            )
    for code, rule in rules.items():
        findings.extend(rule.run(model, merged.get(code)))
    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.path))
    return findings


__all__ = [
    "BUILTIN_RULES",
    "Finding",
    "LintRule",
    "available_rules",
    "eval_words",
    "lint_model",
    "plugin_rules",
]
