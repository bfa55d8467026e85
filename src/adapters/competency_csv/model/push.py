"""Model push: what a competency-core model becomes in a Moodle competency framework file.

* the model's key, name and description make the framework (idnumber, short name,
  description); its most used scale is the framework's scale, written as Moodle's scale
  items (the level labels, comma-separated) and configuration (the proficient level is the
  default, it and every level above are proficient);
* each competency becomes a row (idnumber = key, short name = name, description =
  definition), parents before children; a competency on another scale carries its own;
  related competencies are the cross-referenced idnumbers;
* texts are written in one language (``language``, default the model's), or with
  ``multilang`` as Moodle multi-language spans (``<span lang="sv" class="multilang">``),
  which the multi-language filter shows in the reader's language (a description with
  spans is written as HTML, since Moodle shows plain text escaped, tags and all). Short
  names are cut to Moodle's 100 characters (with a warning). Roles, indicators and level
  values are not part of the format.

The file's columns, reading and writing are :mod:`competency_csv.model.framework_file`;
importing a file back into a model is :mod:`competency_csv.model.pull`.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Callable, Iterable

from pydantic import JsonValue

from competency_core.model import CompetencyModel
from competency_core.scales import ProficiencyScale
from competency_core.sync.objects import LocalObject, ObjectRef
from competency_core.text import LocalizedText
from competency_csv.client import escape_formula
from competency_csv.model.framework_file import (
    COMPETENCY,
    FRAMEWORK,
    HTML_FORMAT,
    MULTILANG_SPAN,
    PLAIN_FORMAT,
    SHORTNAME_MAX,
    TAXONOMY_TERMS,
    ordered_rows,
    row_cells,
    write_framework_file,
)
from competency_csv.settings import CsvDialect, FrameworkOptions

# -- texts -----------------------------------------------------------------------------


def render_text(
    model: CompetencyModel, value: LocalizedText | None, options: FrameworkOptions
) -> str:
    """A text as one string: one language, or multi-language spans when asked and translated."""
    if value is None:
        return ""
    root = value.root
    if options.multilang and isinstance(root, dict) and len(root) > 1:
        order = [lang for lang in model.all_languages() if lang in root]
        order += [lang for lang in root if lang not in order]
        return "".join(
            f'<span lang="{lang.replace("-", "_").lower()}" class="multilang">'
            f"{html.escape(root[lang], quote=False)}</span>"
            for lang in order
        )
    return model.text(value, options.language)


# -- model -> objects ------------------------------------------------------------------


def _scale_cells(
    scale: ProficiencyScale,
    model: CompetencyModel,
    options: FrameworkOptions,
    warn: Callable[[str], None],
) -> tuple[str, list[JsonValue]]:
    labels = []
    for level in scale.levels:
        label = render_text(model, level.label, options).strip()
        if "," in label:
            warn(
                f"scale {scale.key!r}: the label {label!r} has a comma, which Moodle reads as "
                "a separator between scale items; written with '‚' (U+201A) instead"
            )
            label = label.replace(",", "\u201a")
        labels.append(label)
    config: list[JsonValue] = [
        {
            "id": i,
            "scaledefault": int(level.value == scale.proficient),
            "proficient": int(level.value >= scale.proficient),
        }
        for i, level in enumerate(scale.levels, 1)
    ]
    return ",".join(labels), config


def _shortname(
    model: CompetencyModel,
    value: LocalizedText,
    options: FrameworkOptions,
    what: str,
    warn: Callable[[str], None],
) -> str:
    text = render_text(model, value, options).strip()
    single = model.text(value, options.language).strip()
    if len(text) > SHORTNAME_MAX and text != single:
        text = single
        warn(
            f"{what}: the translated name is longer than Moodle's {SHORTNAME_MAX} characters; "
            "written in one language"
        )
    if len(text) > SHORTNAME_MAX:
        warn(f"{what}: the name is longer than Moodle's {SHORTNAME_MAX} characters; shortened")
        text = text[: SHORTNAME_MAX - 1].rstrip() + "…"
    return text


def framework_scale(model: CompetencyModel) -> ProficiencyScale:
    """The scale a framework is given: the one most competencies use (else the first)."""
    used = Counter(c.scale for c in model.competencies)
    if not used:
        return model.scales[0]
    order = {s.key: i for i, s in enumerate(model.scales)}
    best = min(used, key=lambda k: (-used[k], order.get(k, 0)))
    return model.scale(best)


def depth_first(model: CompetencyModel) -> list[str]:
    """Competency keys with every parent before its children, siblings in model order."""
    out: list[str] = []

    def walk(parent: str | None) -> None:
        for c in model.children(parent):
            out.append(c.key)
            walk(c.key)

    walk(None)
    return out


def _taxonomies(model: CompetencyModel, warn: Callable[[str], None]) -> str:
    given = model.metadata.extra.get("moodle_taxonomies")
    if isinstance(given, str) and given:
        terms = [t.strip() for t in given.split(",")]
        if all(t in TAXONOMY_TERMS for t in terms):
            return ",".join(terms)
        warn(
            f"metadata.extra.moodle_taxonomies {given!r} has terms Moodle does not know; "
            "written as 'competency' for every level"
        )
    depth = 1
    parents = {c.key: c.parent for c in model.competencies}
    for key in parents:
        d, p = 1, parents[key]
        while p is not None and d <= len(parents):
            d, p = d + 1, parents.get(p)
        depth = max(depth, d)
    return ",".join(["competency"] * depth)


def _description(
    model: CompetencyModel, value: LocalizedText | None, options: FrameworkOptions
) -> tuple[str, int]:
    """A description and its Moodle format: spans need HTML (Moodle escapes plain text)."""
    text = render_text(model, value, options)
    fmt = options.description_format
    if (
        fmt == PLAIN_FORMAT
        and MULTILANG_SPAN.search(text)
        and text != model.text(value, options.language)
    ):
        fmt = HTML_FORMAT
    return text, fmt


def formula_warnings(objects: Iterable[LocalObject]) -> list[str]:
    """Warnings for texts that a spreadsheet-safe file writes with a leading apostrophe.

    Moodle's importer keeps the apostrophe, so such a text would show it in Moodle.
    """
    out = []
    for o in objects:
        for name, value in o.data.items():
            if isinstance(value, str) and escape_formula(value) != value:
                out.append(
                    f"{o.kind} {o.key!r}: the {name} starts with {value[:1]!r}, written with a "
                    "leading apostrophe so that spreadsheets do not run it as a formula; "
                    "Moodle keeps the apostrophe (set escape_formulas=false for a file "
                    "only Moodle reads)"
                )
    return out


def framework_objects(
    model: CompetencyModel, options: FrameworkOptions, warn: Callable[[str], None]
) -> list[LocalObject]:
    """The framework and its competencies as sync objects, parents first."""
    fw_scale = framework_scale(model)
    values, config = _scale_cells(fw_scale, model, options, warn)
    description, fmt = _description(model, model.description, options)
    objects = [
        LocalObject(
            kind=FRAMEWORK,
            key=model.key,
            data={
                "shortname": _shortname(model, model.name, options, "the model", warn),
                "description": description,
                "descriptionformat": fmt,
                "scalevalues": values,
                "scaleconfiguration": config,
                "taxonomies": _taxonomies(model, warn),
            },
        )
    ]
    fw_ref = ObjectRef(kind=FRAMEWORK, key=model.key)
    own_scales: dict[str, tuple[str, list[JsonValue]]] = {}
    for key in depth_first(model):
        c = model.competency(key)
        if c.scale == fw_scale.key:
            scale_values, scale_config = "", None
        else:
            if c.scale not in own_scales:
                own_scales[c.scale] = _scale_cells(model.scale(c.scale), model, options, warn)
            scale_values, scale_config = own_scales[c.scale]
        deps = [fw_ref] + ([ObjectRef(kind=COMPETENCY, key=c.parent)] if c.parent else [])
        description, fmt = _description(model, c.definition, options)
        objects.append(
            LocalObject(
                kind=COMPETENCY,
                key=c.key,
                data={
                    "parent": c.parent,
                    "shortname": _shortname(model, c.name, options, f"competency {c.key!r}", warn),
                    "description": description,
                    "descriptionformat": fmt,
                    "scalevalues": scale_values,
                    "scaleconfiguration": scale_config,
                    "related": list(c.related),
                },
                depends_on=tuple(deps),
            )
        )
    return objects


def export_framework(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    dialect: CsvDialect | None = None,
    options: FrameworkOptions | None = None,
) -> list[str]:
    """Write a model as a framework file that Moodle imports; returns the warnings."""
    warnings: list[str] = []
    dialect = dialect or CsvDialect()
    objects = framework_objects(model, options or FrameworkOptions(), warnings.append)
    if dialect.escape_formulas:
        warnings += formula_warnings(objects)
    rows = [(o.kind, o.key, row_cells(o.kind, o.key, o.data, None)) for o in objects]
    write_framework_file(path, ordered_rows(rows), dialect)
    return warnings


__all__ = [
    "depth_first",
    "export_framework",
    "formula_warnings",
    "framework_objects",
    "framework_scale",
    "render_text",
]
