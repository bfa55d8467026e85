"""Core commands: ``validate``, ``lint``, ``show`` and ``schema``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core import wording
from competency_core.console import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    escape,
    fail,
    print_error,
    print_problems,
    problem_dict,
    severity_word,
    simple_table,
)
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.errors import ModelValidationError
from competency_core.i18n import N_

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
        fail(exc.problems, fmt, cli_tr()._("%(path)s: the model is invalid", path=path))


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
    files: list[Path] = typer.Argument(..., help=N_("Model or workforce files (YAML or JSON).")),
    model: Path = typer.Option(
        None,
        "--model",
        "-m",
        help=N_("Model to check workforce files against (default: found by key)."),
    ),
    fmt: OutputFormat = FormatOption,
    strict: bool = typer.Option(
        False, help=N_("Treat warnings (e.g. missing translations) as errors.")
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
                        message=cli_tr()._(
                            "no model found to check references against; pass --model FILE"
                        ),
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
        t = cli_tr()
        for r in results:
            mark = (
                ("[green]" + t._("valid") + "[/green]")
                if r["valid"]
                else ("[red]" + t._("invalid") + "[/red]")
            )
            detail = ", ".join(
                f"{t._(SUMMARY_WORDS[k]) if k in SUMMARY_WORDS else k} {v}"
                for k, v in r.items()
                if k not in {"file", "valid", "kind"}
            )
            kind_word = t._(FILE_KINDS[r["kind"]]) if r["kind"] in FILE_KINDS else r["kind"]
            console.print(f"{escape(r['file'])}: {kind_word} {mark} ({escape(detail)})")
    if errors:
        raise typer.Exit(EXIT_USAGE)


FILE_KINDS = {"model": N_("model"), "workforce": N_("workforce"), "unknown": N_("unknown")}
"""The kinds of file ``validate`` names (translated where used)."""

SUMMARY_WORDS = {
    "key": N_("key"),
    "version": N_("version"),
    "competencies": N_("competencies"),
    "roles": N_("roles"),
    "people": N_("people"),
    "assessments": N_("assessments"),
    "warnings": N_("warnings"),
}
"""The words of ``validate``'s one-line summaries (translated where used)."""


class FailOn(StrEnum):
    """The lowest finding severity that makes ``lint`` exit non-zero."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@commands.command()
def lint(
    path: Path = typer.Argument(..., help=N_("The model file.")),
    fmt: OutputFormat = FormatOption,
    fail_on: FailOn = typer.Option(
        FailOn.ERROR, help=N_("Exit 1 on findings of this severity or worse.")
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
                f"[{c}]{severity_word(f.severity):7}[/{c}] [bold]{f.code}[/bold] "
                f"{escape(f.path)}: {escape(f.message)}"
            )
        console.print(f"{model.key}: {finding_counts(counts)}")
    worst = {"error": 0, "warning": 1}
    threshold = worst.get(fail_on.value)
    if threshold is not None and any(worst.get(f.severity, 9) <= threshold for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


def finding_counts(counts: Mapping[Any, int]) -> str:
    """``2 errors, 1 warning, 0 info`` in the CLI's language."""
    t = cli_tr()
    return ", ".join(
        [
            t.n_("%(n)s error", "%(n)s errors", counts.get("error", 0)),
            t.n_("%(n)s warning", "%(n)s warnings", counts.get("warning", 0)),
            t.n_("%(n)s info", "%(n)s info", counts.get("info", 0)),
        ]
    )


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
    t = cli_tr()
    console.print(
        f"[bold]{escape(s['name'])}[/bold] "
        + escape(
            t._(
                "(%(key)s) version %(version)s, %(status)s; languages %(languages)s",
                key=s["key"],
                version=s["version"],
                status=wording.status(t, s["status"]),
                languages=", ".join(s["languages"]),
            )
        )
    )
    for sc in s["scales"]:
        console.print(
            escape(
                "  "
                + t._(
                    "scale %(key)s: %(levels)s (proficient from %(proficient)s)",
                    key=sc["key"],
                    levels=" | ".join(sc["levels"]),
                    proficient=sc["proficient"],
                )
            )
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
            t.n_("%(n)s competency", "%(n)s competencies", len(model.competencies)),
            [t._("key"), t._("name"), t._("domain"), t._("indicators")],
            tree(None, 0),
        )
    )
    console.print(
        simple_table(
            t.n_("%(n)s role", "%(n)s roles", len(model.roles)),
            [
                t._("key"),
                t._("title"),
                t._("family"),
                t._("grade"),
                t._("track"),
                t._("requirements"),
                t._("essential"),
            ],
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
        t.n_("%(n)s career transition", "%(n)s career transitions", s["transitions"])
        + ", "
        + t.n_("%(n)s learning resource", "%(n)s learning resources", s["learning_resources"])
    )


@commands.command()
def show(
    path: Path = typer.Argument(..., help=N_("The model file.")),
    language: str = typer.Option(None, "--language", "-l", help=N_("Show texts in this language.")),
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
        SchemaKind.MODEL, help=N_("model, workforce, pilot, feedback, migration or settings")
    ),
    adapter: str = typer.Option(
        None, "--adapter", help=N_("The adapter whose settings file the schema describes.")
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help=N_("Write to this file instead of printing.")
    ),
) -> None:
    """Print (or write) the JSON Schema of a file format (model, workforce, pilot, ...)."""
    import json

    from competency_core.io import write_atomic
    from competency_core.plugins import UnknownAdapterError
    from competency_core.schemas import json_schema

    if kind is SchemaKind.SETTINGS and not adapter:
        print_error(cli_tr()._("name the adapter: competency schema settings --adapter NAME"))
        raise typer.Exit(EXIT_USAGE)
    try:
        data = json_schema(kind.value, adapter=adapter)
    except UnknownAdapterError as exc:
        print_error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if out is not None:
        write_atomic(out, json.dumps(data, indent=2) + "\n")
        console.print(escape(cli_tr()._("schema written to %(path)s", path=out)))
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
