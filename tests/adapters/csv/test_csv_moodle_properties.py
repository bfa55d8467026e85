"""Property: any model exported to Moodle CSV and imported back keeps its hierarchy, keys
and texts (and Moodle's importer, as the format describes it, accepts the file)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from csv_moodle_reference import moodle_reads
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.model import CompetencyModel
from competency_core.testing.strategies import competency_models
from competency_csv import CsvDialect, FrameworkOptions, export_framework, import_framework

MODELS = competency_models(
    n_competencies=(1, 10),
    n_roles=0,
    n_scales=(1, 3),
    n_tracks=0,
    transitions=False,
    learning=False,
)
DIALECTS = st.sampled_from(
    [
        CsvDialect(),
        CsvDialect(delimiter=";", bom=True),
        CsvDialect(delimiter="\t", quoting="all", newline="lf"),
    ]
)


def _one_language(warnings: list[str], key: str) -> bool:
    return any(w.startswith(f"competency {key!r}: the translated name") for w in warnings)


@settings(max_examples=20)
@given(model=MODELS, dialect=DIALECTS, multilang=st.booleans())
def test_export_then_import_keeps_hierarchy_keys_and_texts(
    model: CompetencyModel, dialect: CsvDialect, multilang: bool
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fw.csv"
        warnings = export_framework(model, path, dialect, FrameworkOptions(multilang=multilang))
        fw = moodle_reads(
            path, delimiter=dialect.delimiter, encoding="utf-8-sig" if dialect.bom else "utf-8"
        )
        back = import_framework(path, dialect).model

    # keys and hierarchy, in the order Moodle creates them
    assert back.key == model.key
    assert [c.key for c in back.competencies] == fw.order
    assert {c.key: c.parent for c in back.competencies} == {
        c.key: c.parent for c in model.competencies
    }
    assert len(fw.competencies) == len(model.competencies)
    languages = model.all_languages() if multilang else (model.default_language,)
    assert back.text(back.name) == model.text(model.name)
    assert back.text(back.description) == model.text(model.description)
    for c in model.competencies:
        b = back.competency(c.key)
        assert b.related == c.related
        # texts: every language with spans, else the model's language
        name_languages = languages[:1] if _one_language(warnings, c.key) else languages
        for lang in name_languages:
            assert back.text(b.name, lang) == model.text(c.name, lang), lang
        for lang in languages:
            assert back.text(b.definition, lang) == model.text(c.definition, lang), lang
        # the scale: as many levels, the same labels, the proficient level at the same place
        mine, theirs = model.scale(c.scale), back.scale(b.scale)
        assert len(theirs.levels) == len(mine.levels)
        assert [back.text(lv.label) for lv in theirs.levels] == [
            model.text(lv.label).replace(",", "\u201a") for lv in mine.levels
        ]
        assert theirs.values.index(theirs.proficient) == mine.values.index(mine.proficient)
