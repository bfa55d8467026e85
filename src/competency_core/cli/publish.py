"""Publishing commands: ``publish`` (workbook, handbook, CASE package) and ``import-case``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer

from competency_core.cli.core import load_model_or_fail
from competency_core.cli.workforce_source import load_people, people_option, store_option
from competency_core.console import (
    EXIT_USAGE,
    FormatOption,
    OutputFormat,
    cli_tr,
    console,
    emit_json,
    err_console,
    escape,
    fail,
    problem_dict,
    severity_word,
    simple_table,
)
from competency_core.demo import DemoContext, DemoStep, demo_step
from competency_core.errors import ModelValidationError
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.problems import Problem
    from competency_core.publish import (
        HandbookFormat,
        UntranslatedText,
    )
    from competency_core.publish.xlsx_print import Paper


from competency_core.hookspecs import hookimpl

commands = typer.Typer()
STEPS: list[DemoStep] = []


def publish_model(
    model: CompetencyModel,
    *,
    xlsx: Path | None = None,
    html: Path | None = None,
    markdown: Path | None = None,
    case: Path | None = None,
    workforce: Workforce | None = None,
    previous: CompetencyModel | None = None,
    language: str | None = None,
    base_uri: str | None = None,
    on: dt.date | None = None,
    people_workbook: Path | None = None,
    one_workbook: bool = False,
    paper: Paper | None = None,
) -> list[dict[str, Any]]:
    """Write every asked-for output; one record (kind, path, details, notes) per output.

    With a workforce the people's gap sheets go to a separate, confidential workbook
    (``people_workbook``, default ``<stem>-people.xlsx``) unless ``one_workbook``.

    With a handbook too, the workbook is written by a forked process while this one writes
    the handbook (:func:`~competency_core.publish.background.in_background`; where forking
    is not safe, one after the other as before). Errors are raised as before: the
    workbook's first, then the handbook's (the handbook may then be written already).
    """
    from competency_core.publish import write_case, write_handbook, write_workbook
    from competency_core.publish.background import in_background

    done: list[dict[str, Any]] = []
    pending = None
    if xlsx is not None:
        pending = in_background(
            write_workbook,
            model,
            xlsx,
            name=str(xlsx),
            fork=html is not None or markdown is not None,
            collect=False,  # xlsxwriter's cells make next to no cyclic garbage
            workforce=workforce,
            language=language,
            previous=previous,
            on=on,
            people_path=people_workbook,
            people_in_model_workbook=one_workbook,
            paper=paper,
        )
    handbooks: tuple[tuple[HandbookFormat, Path | None], ...] = (
        ("html", html),
        ("markdown", markdown),
    )
    written: list[dict[str, Any]] = []
    try:
        for fmt, folder in handbooks:
            if folder is not None:
                hb = write_handbook(model, folder, format=fmt, language=language)
                written.append(
                    {"kind": fmt, "path": str(hb.index), "pages": len(hb.pages), "notes": hb.notes}
                )
    except BaseException:
        if pending is not None:
            pending.result()  # the workbook's error first, as when it was written first
        raise
    if pending is not None:
        wb = pending.result()
        record: dict[str, Any] = {
            "kind": "xlsx",
            "path": str(wb.path),
            "sheets": len(wb.sheets),
            "constant_memory": wb.constant_memory,
            "paper": wb.paper,
            "notes": wb.notes,
        }
        if wb.people_path is not None:
            record["people_workbook"] = str(wb.people_path)
            record["people_sheets"] = len(wb.people_sheets)
        done.append(record)
    done += written
    if case is not None:
        exported = write_case(model, case, base_uri=base_uri, language=language)
        package = exported.package
        done.append(
            {
                "kind": "case",
                "path": str(case),
                "items": len(package["CFItems"]),
                "associations": len(package["CFAssociations"]),
                "rubrics": len(package["CFRubrics"]),
                # never silent: what CASE has no field for, and texts in another language
                "notes": [exported.report.summary(), *exported.report.lines()],
                "report": exported.report.as_json(),
            }
        )
    return done


@commands.command()
def publish(
    path: Path = typer.Argument(..., help=N_("The model file.")),
    xlsx: Path = typer.Option(None, "--xlsx", help=N_("Write the workbook to this .xlsx file.")),
    html: Path = typer.Option(None, "--html", help=N_("Write the HTML handbook into this folder.")),
    markdown: Path = typer.Option(
        None, "--markdown", help=N_("Write the Markdown handbook into this folder.")
    ),
    case: Path = typer.Option(None, "--case", help=N_("Write the CASE 1.1 package (JSON) here.")),
    people: Path = people_option(
        "--people", help=N_("A workforce file: adds gap sheets to the workbook.")
    ),
    store: str = store_option(
        "--store",
        help=N_(
            "Read the people for the gap sheets from this store (a SQLite file or a "
            "database URL) instead of --people."
        ),
    ),
    previous: Path = typer.Option(
        None,
        "--previous",
        help=N_("The previous version of the model: its changelog goes on the cover."),
    ),
    language: str = typer.Option(
        None, "--language", "-l", help=N_("Publish texts in this language.")
    ),
    base_uri: str = typer.Option(
        None,
        "--base-uri",
        help=N_("Where the CASE package will be served (default: urn:uuid: URIs)."),
    ),
    on: str = typer.Option(
        None, "--on", help=N_("Score gaps as of this date (YYYY-MM-DD; default today).")
    ),
    people_workbook: Path = typer.Option(
        None,
        "--people-workbook",
        help=N_(
            "Write the people's gap sheets (confidential) to this .xlsx file "
            "(default: <xlsx stem>-people.xlsx beside --xlsx)."
        ),
    ),
    one_workbook: bool = typer.Option(
        False,
        "--one-workbook",
        help=N_("Keep the people's gap sheets in the model's workbook (then marked confidential)."),
    ),
    untranslated: Path = typer.Option(
        None,
        "--untranslated",
        help=N_(
            "With --language: write every text of the model that has no translation in "
            "that language to this file (tab-separated: path, language shown, text)."
        ),
    ),
    paper: str = typer.Option(
        None,
        "--paper",
        help=N_(
            "Print the workbook on a4 or letter (default: from --language; A4 unless the "
            "language names a Letter region such as en-US)."
        ),
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Publish a model as a workbook, an HTML/Markdown handbook and a CASE 1.1 package."""
    from competency_core.problems import Problem

    if not any((xlsx, html, markdown, case)):
        fail(
            [
                Problem(
                    path="",
                    message=cli_tr()._(
                        "nothing to publish: give --xlsx, --html, --markdown or --case"
                    ),
                )
            ],
            fmt,
        )
    if paper is not None and paper.lower() not in ("a4", "letter"):
        message = cli_tr()._("%(paper)s is not a paper: use a4 or letter", paper=repr(paper))
        fail([Problem(path="--paper", message=message)], fmt)
    if people_workbook is not None and one_workbook:
        fail(
            [
                Problem(
                    path="--people-workbook",
                    message=cli_tr()._("--people-workbook and --one-workbook exclude each other"),
                )
            ],
            fmt,
        )
    model = load_model_or_fail(path, fmt)
    day = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            message = cli_tr()._("%(value)s is not a date (YYYY-MM-DD)", value=repr(on))
            fail([Problem(path="--on", message=message)], fmt)
    workforce = load_people(model, people, store, fmt, on=day, required=False)
    before = load_model_or_fail(previous, fmt) if previous is not None else None
    done = publish_model(
        model,
        xlsx=xlsx,
        html=html,
        markdown=markdown,
        case=case,
        workforce=workforce,
        previous=before,
        language=language,
        base_uri=base_uri,
        on=day,
        people_workbook=people_workbook,
        one_workbook=one_workbook,
        paper=cast("Paper", paper.lower()) if paper is not None else None,
    )
    missing = _language_report(model, language, untranslated, fmt)
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "model": model.key,
                "version": model.version,
                "outputs": done,
                "language": language or model.default_language,
                "untranslated": [
                    {"path": t.path, "shown_in": t.shown_in, "text": t.text} for t in missing
                ],
            }
        )
        return
    t = cli_tr()
    console.print(
        simple_table(
            t._("%(key)s %(version)s published", key=model.key, version=model.version),
            [t._("output"), t._("where"), t._("contents")],
            [(d["kind"], d["path"], _contents(d)) for d in done],
        )
    )
    note_label = "[yellow]" + escape(t._("note:")) + "[/yellow]"
    for d in done:
        if "people_workbook" in d:
            console.print(
                escape(t._("people's workbook (confidential): %(path)s", path=d["people_workbook"]))
            )
        for note in d["notes"]:
            console.print(f"{note_label} {d['kind']}: {escape(str(note))}")
    _print_untranslated(model, language, missing, untranslated)


SHOWN_UNTRANSLATED = 5
"""How many of the model's untranslated texts ``publish`` prints (all go to --untranslated)."""


def _language_report(
    model: CompetencyModel, language: str | None, out: Path | None, fmt: OutputFormat
) -> list[UntranslatedText]:
    """Warn when the language has no catalogue; list (and write) the untranslated texts."""
    from competency_core.i18n import translator
    from competency_core.publish import untranslated_texts

    if language is None:
        return []
    tr = cli_tr()
    if not translator(language).complete:
        err_console.print(
            tr._(
                "warning: there is no catalogue for the language %(language)s, so the wording "
                "(headings, labels, guides) stays in English; the model's own %(language)s "
                "texts are used where it has them. To add the language see docs/i18n.md "
                "(python -m competency_core.catalogues init %(language)s --into my-locale).",
                language=language,
            )
        )
    missing = untranslated_texts(model, language)
    if out is not None:
        from competency_core.io import write_atomic

        lines = ["path\tshown_in\ttext"]
        lines += [f"{t.path}\t{t.shown_in}\t{' '.join(t.text.split())}" for t in missing]
        write_atomic(out, "\n".join(lines) + "\n")
    return missing


def _print_untranslated(
    model: CompetencyModel,
    language: str | None,
    missing: list[UntranslatedText],
    out: Path | None,
) -> None:
    """Say how many of the model's texts have no translation, with the first few."""
    if language is None:
        return
    tr = cli_tr()
    if not missing:
        console.print(
            tr._(
                "Every text of the model has a %(language)s translation.",
                language=language,
            )
        )
        return
    console.print(
        tr.n_(
            "%(n)s text of the model has no %(language)s translation and is shown in "
            "another language:",
            "%(n)s texts of the model have no %(language)s translation and are shown in "
            "another language:",
            len(missing),
            language=language,
        )
    )
    for t in missing[:SHOWN_UNTRANSLATED]:
        console.print(f"  {t.path} ({t.shown_in}): {escape(t.text[:80])}")
    if out is not None:
        console.print(tr._("All of them are listed in %(file)s.", file=str(out)))
    elif len(missing) > SHOWN_UNTRANSLATED:
        console.print(
            tr._(
                "... and %(n)s more: write them all with --untranslated FILE.",
                n=len(missing) - SHOWN_UNTRANSLATED,
            )
        )


def _contents(record: dict[str, Any]) -> str:
    skip = {"kind", "path", "notes", "report", "people_workbook"}
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in record.items() if k not in skip)


@commands.command("import-case")
def import_case_command(
    path: Path = typer.Argument(..., help=N_("A CASE package (CFPackage JSON, CASE 1.0 or 1.1).")),
    out: Path = typer.Option(..., "--out", "-o", help=N_("Write the model here (YAML or .json).")),
    schema: Path = typer.Option(
        None,
        "--schema",
        help=N_("Also check the package against this CASE JSON schema (reported)."),
    ),
    language: str = typer.Option(
        None, "--language", "-l", help=N_("Write the report of what changed in this language.")
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Import a CASE package into a model file; say what was dropped or reinterpreted."""
    from competency_core.io import save_model
    from competency_core.publish import read_case, validate_case

    try:
        result = read_case(path, language=language)
    except ModelValidationError as exc:
        fail(exc.problems, fmt, cli_tr()._("%(path)s: cannot import", path=path))
    schema_problems: list[Problem] = []
    if schema is not None:
        from competency_core.io import read_text
        from competency_core.parsing import parse_json

        schema_problems = [
            p.model_copy(update={"severity": "warning", "file": str(path)})
            for p in validate_case(parse_json(read_text(path))[0], schema)
        ]
    save_model(result.model, out)
    m = result.model
    if fmt == OutputFormat.JSON:
        emit_json(
            {
                "model": m.key,
                "out": str(out),
                "competencies": len(m.competencies),
                "scales": [s.key for s in m.scales],
                "notes": [problem_dict(p) for p in result.notes],
                "report": result.report.as_json(),
                "summary": result.report.summary(),
                "schema_problems": [problem_dict(p) for p in schema_problems],
            }
        )
        return
    # never silent: a summary line, then each kind of change once with how many fields
    err_console.print(f"{path}: {result.report.summary()}", markup=False, highlight=False)
    for line in result.report.lines():
        err_console.print(f"  {line}", markup=False, highlight=False)
    for p in schema_problems:
        where = f"{p.file or path}: {p.path}"
        err_console.print(f"{where}: {severity_word(p.severity)}: {p.message}", markup=False)
    t = cli_tr()
    line = t.n_(
        "%(path)s -> %(out)s: model %(key)s, %(n)s competency, scales %(scales)s",
        "%(path)s -> %(out)s: model %(key)s, %(n)s competencies, scales %(scales)s",
        len(m.competencies),
        path=path,
        out=out,
        key=repr(m.key),
        scales=", ".join(s.key for s in m.scales),
    )
    if schema is not None:
        line += "; " + t.n_("%(n)s schema problem", "%(n)s schema problems", len(schema_problems))
    console.print(escape(line))


@demo_step(60, "Publish the example: workbook, handbook, CASE 1.1 package", STEPS)
def _demo_publish(ctx: DemoContext) -> None:
    from competency_core.publish import import_case

    model = ctx.model("software-engineering")
    people = ctx.workforce("people")
    out = ctx.out / "publish"
    done = publish_model(
        model,
        xlsx=out / "software-engineering.xlsx",
        html=out / "handbook",
        markdown=out / "handbook-md",
        case=out / "software-engineering.case.json",
        workforce=people,
    )
    labels = {
        "xlsx": "Workbook (people's gaps in a separate confidential workbook)",
        "html": "Handbook (HTML)",
        "markdown": "Handbook (Markdown)",
        "case": "CASE 1.1 package",
    }
    for d in done:
        ctx.record(labels[d["kind"]], Path(d["path"]))
        if "people_workbook" in d:
            ctx.record("People's gaps (confidential workbook)", Path(d["people_workbook"]))
        console.print(f"{labels[d['kind']]}: {d['path']} ({_contents(d)})")
        for note in d["notes"]:
            console.print(f"  note: {note}")
    import json

    package = json.loads((out / "software-engineering.case.json").read_text(encoding="utf-8"))
    same = import_case(package).model == model
    console.print(f"CASE package imported back: {'the same model' if same else 'DIFFERENT'}")
    if not same:  # pragma: no cover - a bug, not a user mistake
        raise typer.Exit(EXIT_USAGE)


@demo_step(61, "Publish the customer-success model in Swedish, with its release kit", STEPS)
def _demo_publish_swedish(ctx: DemoContext) -> None:
    """The bilingual example published as a Swedish organisation would put it on its intranet."""
    from competency_core.publish import release_kit, untranslated_texts

    model = ctx.model("customer-success")
    people = ctx.workforce("customer-success-people", model="customer-success")
    out = ctx.out / "publish-sv"
    done = publish_model(
        model,
        xlsx=out / "kundframgang.xlsx",
        html=out / "handbok",
        case=out / "kundframgang.case.json",
        workforce=people,
        language="sv",
    )
    labels = {
        "xlsx": "Workbook in Swedish",
        "html": "Handbook in Swedish (HTML, with the release kit)",
        "case": "CASE 1.1 package in Swedish",
    }
    for d in done:
        ctx.record(labels[d["kind"]], Path(d["path"]))
        if "people_workbook" in d:
            ctx.record(
                "People's gaps in Swedish (confidential workbook)", Path(d["people_workbook"])
            )
        console.print(f"{labels[d['kind']]}: {d['path']} ({_contents(d)})")
    missing = untranslated_texts(model, "sv")
    console.print(f"Model texts without a Swedish translation: {len(missing)}")
    kit = release_kit(model, language="sv")
    first = kit.plan.steps[0]
    console.print(
        f"Release kit: {len(kit.faqs)} FAQs, {len(kit.plan.steps)} steps in the "
        f"communication plan, the first: {first.date_text}: {first.activity}"
    )


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """Add the commands declared above."""
    app.add_typer(commands)


@hookimpl
def register_demo_steps() -> list[DemoStep]:
    """The demo steps declared above."""
    return STEPS


__all__ = ["publish_model"]
