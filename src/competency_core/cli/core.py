"""Core commands: ``validate``, ``lint``, ``show`` and ``schema``."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    FormatOption,
    OutputFormat,
    console,
    emit_json,
    err_console,
    escape,
    fail,
    print_problems,
    problem_dict,
    simple_table,
)
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.errors import ModelValidationError

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.problems import Problem


from competency_core.hookspecs import hookimpl

commands = typer.Typer()
STEPS: list[DemoStep] = []


def load_model_or_fail(path: Path, fmt: OutputFormat) -> CompetencyModel:
    """Load a model for a command, or report every problem and exit 2."""
    from competency_core.io import load_model

    try:
        return load_model(path)
    except ModelValidationError as exc:
        fail(exc.problems, fmt, f"{path}: the model is invalid")


def _find_model_for(workforce_path: Path) -> Path | None:
    """The model file next to a workforce file whose key matches the workforce's ``model``."""
    from competency_core.io import parse_text, read_text, sniff_kind

    doc = parse_text(read_text(workforce_path), "yaml", str(workforce_path))
    key = doc.data.get("model") if isinstance(doc.data, dict) else None
    if not isinstance(key, str):
        return None
    for candidate in sorted(workforce_path.parent.glob("*.y*ml")) + sorted(
        workforce_path.parent.glob("*.json")
    ):
        if candidate == workforce_path or sniff_kind(candidate) != "model":
            continue
        cdoc = parse_text(read_text(candidate), "yaml" if candidate.suffix != ".json" else "json")
        if isinstance(cdoc.data, dict) and cdoc.data.get("key") == key:
            return candidate
    return None


def _evidence_rule_problems(model: CompetencyModel, path: Path) -> list[Problem]:
    """The model's evidence rules' problems (a rule's parameters), at their line in ``path``."""
    from competency_core.errors import CompetencyError
    from competency_core.io import detect_format, parse_text, read_text
    from competency_core.problems import Problem
    from competency_core.scoring.rules import evidence_rule_problems

    try:
        found = evidence_rule_problems(model)
    except CompetencyError as exc:  # a plugin's rule that cannot be checked
        found = [Problem(path="evidence", message=str(exc))]
    if not found:
        return []
    doc = parse_text(read_text(path), detect_format(path), str(path))
    return [p.located(str(path), doc.line_of(p.path)) for p in found]


@commands.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Model or workforce files (YAML or JSON)."),
    model: Path = typer.Option(
        None,
        "--model",
        "-m",
        help="Model to check workforce files against (default: found by key).",
    ),
    fmt: OutputFormat = FormatOption,
    strict: bool = typer.Option(
        False, help="Treat warnings (e.g. missing translations) as errors."
    ),
) -> None:
    """Validate files and report every problem at once, with file, path and line."""
    from competency_core.io import check_model_file, check_workforce_file, sniff_kind
    from competency_core.problems import Problem

    all_problems: list[Problem] = []
    results: list[dict[str, Any]] = []
    for path in files:
        try:
            kind = sniff_kind(path)
        except ModelValidationError as exc:
            all_problems += exc.problems
            results.append({"file": str(path), "kind": "unknown", "valid": False})
            continue
        summary: dict[str, Any] = {"file": str(path), "kind": kind}
        if kind == "workforce":
            model_path = model or _find_model_for(path)
            ref = None
            if model_path is not None:
                ref, mp = check_model_file(model_path)
                all_problems += [p for p in mp if p.severity == "error"]
            wf, problems = check_workforce_file(path, ref)
            if ref is None and model_path is None:
                problems.append(
                    Problem(
                        path="model",
                        message="no model found to check references against; pass --model FILE",
                        severity="warning",
                        file=str(path),
                    )
                )
            if wf is not None:
                summary.update(people=len(wf.people), assessments=len(wf.assessments))
        else:
            m, problems = check_model_file(path)
            if m is not None:
                problems += _evidence_rule_problems(m, path)
                summary.update(
                    key=m.key,
                    version=m.version,
                    competencies=len(m.competencies),
                    roles=len(m.roles),
                )
        if strict:
            problems = [
                p.model_copy(update={"severity": "error"}) if p.severity == "warning" else p
                for p in problems
            ]
        summary["valid"] = not any(p.severity == "error" for p in problems)
        summary["warnings"] = sum(p.severity == "warning" for p in problems)
        all_problems += problems
        results.append(summary)
    errors = [p for p in all_problems if p.severity == "error"]
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "files": results,
                "errors": [problem_dict(p) for p in errors],
                "warnings": [problem_dict(p) for p in all_problems if p.severity != "error"],
            }
        )
    else:
        print_problems(all_problems)
        for r in results:
            mark = "[green]valid[/green]" if r["valid"] else "[red]invalid[/red]"
            detail = ", ".join(
                f"{k} {v}" for k, v in r.items() if k not in {"file", "valid", "kind"}
            )
            console.print(f"{escape(r['file'])}: {r['kind']} {mark} ({escape(detail)})")
    if errors:
        raise typer.Exit(EXIT_USAGE)


class FailOn(StrEnum):
    """The lowest finding severity that makes ``lint`` exit non-zero."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@commands.command()
def lint(
    path: Path = typer.Argument(..., help="The model file."),
    fmt: OutputFormat = FormatOption,
    fail_on: FailOn = typer.Option(
        FailOn.ERROR, help="Exit 1 on findings of this severity or worse."
    ),
) -> None:
    """Check a model against the architecture rules (configurable in its `lint` section)."""
    from competency_core.lint import lint_model

    model = load_model_or_fail(path, fmt)
    findings = [f.located(str(path)) for f in lint_model(model)]
    counts = Counter(f.severity for f in findings)
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "model": model.key,
                "findings": [{**problem_dict(f), "rule": f.code} for f in findings],
                "counts": dict(counts),
            }
        )
    else:
        colours = {"error": "red", "warning": "yellow", "info": "cyan"}
        for f in findings:
            c = colours[f.severity]
            console.print(
                f"[{c}]{f.severity:7}[/{c}] [bold]{f.code}[/bold] {escape(f.path)}: {escape(f.message)}"
            )
        console.print(
            f"{model.key}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        )
    worst = {"error": 0, "warning": 1}
    threshold = worst.get(fail_on.value)
    if threshold is not None and any(worst.get(f.severity, 9) <= threshold for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


def model_summary(model: CompetencyModel, language: str | None = None) -> dict[str, Any]:
    """A plain summary of a model (used by ``show`` and the demo)."""
    t = model.text
    return {
        "key": model.key,
        "name": t(model.name, language),
        "version": model.version,
        "status": model.status.value,
        "languages": list(model.all_languages()),
        "owner": model.metadata.owner,
        "review_date": model.metadata.review_date,
        "scales": [
            {
                "key": s.key,
                "name": t(s.name, language),
                "levels": [f"{lv.value} {t(lv.label, language)}" for lv in s.levels],
                "proficient": s.proficient,
            }
            for s in model.scales
        ],
        "domains": dict(Counter(c.domain for c in model.competencies)),
        "competencies": [
            {
                "key": c.key,
                "name": t(c.name, language),
                "domain": c.domain,
                "parent": c.parent,
                "indicators": sum(len(v) for v in c.indicators.values()),
            }
            for c in model.competencies
        ],
        "roles": [
            {
                "key": r.key,
                "title": t(r.title, language),
                "family": r.family,
                "grade": r.grade,
                "track": r.track,
                "requirements": len(r.requirements),
                "essential": sum(q.essential for q in r.requirements),
            }
            for r in model.roles
        ],
        "transitions": len(model.transitions),
        "learning_resources": len(model.learning_resources),
    }


def print_summary(model: CompetencyModel, language: str | None = None) -> None:
    """Print a readable summary of a model."""
    s = model_summary(model, language)
    console.print(
        f"[bold]{s['name']}[/bold] ({s['key']}) version {s['version']}, {s['status']}; "
        f"languages {', '.join(s['languages'])}"
    )
    for sc in s["scales"]:
        console.print(
            f"  scale {sc['key']}: {' | '.join(sc['levels'])} (proficient from {sc['proficient']})"
        )

    def tree(parent: str | None, depth: int) -> list[tuple[str, str, str, int]]:
        rows = []
        for c in model.children(parent):
            rows.append(
                (
                    "  " * depth + c.key,
                    model.text(c.name, language),
                    c.domain,
                    sum(len(v) for v in c.indicators.values()),
                )
            )
            rows += tree(c.key, depth + 1)
        return rows

    console.print(
        simple_table(
            f"{len(model.competencies)} competencies",
            ["key", "name", "domain", "indicators"],
            tree(None, 0),
        )
    )
    console.print(
        simple_table(
            f"{len(model.roles)} roles",
            ["key", "title", "family", "grade", "track", "requirements", "essential"],
            [
                (
                    r["key"],
                    r["title"],
                    r["family"],
                    r["grade"],
                    r["track"],
                    r["requirements"],
                    r["essential"],
                )
                for r in s["roles"]
            ],
        )
    )
    console.print(
        f"{s['transitions']} career transitions, {s['learning_resources']} learning resources"
    )


@commands.command()
def show(
    path: Path = typer.Argument(..., help="The model file."),
    language: str = typer.Option(None, "--language", "-l", help="Show texts in this language."),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Print a readable summary of a model: scales, competency tree, roles."""
    model = load_model_or_fail(path, fmt)
    if fmt == OutputFormat.JSON:
        emit_json(model_summary(model, language))
    else:
        print_summary(model, language)


class SchemaKind(StrEnum):
    """Which file format's schema to print."""

    MODEL = "model"
    WORKFORCE = "workforce"
    PILOT = "pilot"
    FEEDBACK = "feedback"
    MIGRATION = "migration"
    SETTINGS = "settings"


@commands.command()
def schema(
    kind: SchemaKind = typer.Argument(
        SchemaKind.MODEL, help="model, workforce, pilot, feedback, migration or settings"
    ),
    adapter: str = typer.Option(
        None, "--adapter", help="The adapter whose settings file the schema describes."
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Write to this file instead of printing."),
) -> None:
    """Print (or write) the JSON Schema of a file format (model, workforce, pilot, ...)."""
    import json

    from competency_core.io import write_atomic
    from competency_core.plugins import UnknownAdapterError
    from competency_core.schemas import json_schema

    if kind is SchemaKind.SETTINGS and not adapter:
        err_console.print("error: name the adapter: competency schema settings --adapter NAME")
        raise typer.Exit(EXIT_USAGE)
    try:
        data = json_schema(kind.value, adapter=adapter)
    except UnknownAdapterError as exc:
        err_console.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    if out is not None:
        write_atomic(out, json.dumps(data, indent=2) + "\n")
        console.print(f"schema written to {out}")
    else:
        emit_json(data)


# -- demo steps ------------------------------------------------------------------------


@demo_step(10, "Validate the example models and people", STEPS)
def _demo_validate(ctx: DemoContext) -> None:
    from competency_core.io import check_model_file, check_workforce_file, load_model, sniff_kind

    rows = []
    for path in sorted(ctx.examples.glob("*.yaml")):
        kind = sniff_kind(path)
        if kind == "model":
            m, problems = check_model_file(path)
            detail = f"{len(m.competencies)} competencies, {len(m.roles)} roles" if m else ""
        elif kind == "workforce":
            ref = _find_model_for(path)
            wf, problems = check_workforce_file(path, load_model(ref) if ref else None)
            detail = f"{len(wf.people)} people, {len(wf.assessments)} assessments" if wf else ""
        else:
            continue
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            print_problems(errors)
            raise ModelValidationError(errors, f"example {path} is invalid")
        rows.append((path.name, kind, "valid", detail))
    console.print(simple_table(None, ["file", "kind", "result", "contents"], rows))


@demo_step(11, "Lint the example models against the architecture rules", STEPS)
def _demo_lint(ctx: DemoContext) -> None:
    from competency_core.io import load_model, sniff_kind
    from competency_core.lint import lint_model

    for path in sorted(ctx.examples.glob("*.yaml")):
        if sniff_kind(path) != "model":
            continue
        findings = lint_model(load_model(path))
        counts = Counter(f.severity for f in findings)
        console.print(
            f"{path.name}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        )
        for f in findings[:5]:
            console.print(f"  {f.severity:7} {f.code}: {f.message}")


@demo_step(12, "Summaries of the example models", STEPS)
def _demo_show(ctx: DemoContext) -> None:
    print_summary(ctx.model("software-engineering"))
    if (ctx.examples / "customer-success.yaml").is_file():
        console.print()
        print_summary(ctx.model("customer-success"), "sv")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS
