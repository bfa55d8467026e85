"""Moodle competency framework CSV: files Moodle imports, and importing such files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from csv_moodle_reference import HEADER, moodle_reads

from competency_core import load_model
from competency_core.model import CompetencyModel
from competency_core.text import LocalizedText
from competency_csv import (
    MOODLE_HEADER,
    CsvDialect,
    CsvReadError,
    FrameworkOptions,
    export_framework,
    import_framework,
)

# The example of ../shared/moodle/lpimportcsv_format.md, byte for byte.
FORMAT_EXAMPLE = (
    ",".join(HEADER)
    + "\n"
    + ',FW-DIGI,Digital skills,Example framework,1,"Not yet competent,Competent",'
    '"[{""scaleid"":""0""},{""id"":1,""scaledefault"":1,""proficient"":0},'
    '{""id"":2,""scaledefault"":0,""proficient"":1}]",,,,,,1,"domain,competency"\n'
    ",DIGI-1,Information literacy,,1,,,core_competency\\competency_rule_all,1,null,,101,,\n"
    "DIGI-1,DIGI-1.1,Search the web,,1,,,,0,null,DIGI-1.2,102,,\n"
    'DIGI-1,DIGI-1.2,Evaluate sources,,1,,,,0,null,"DIGI-1.1",103,,\n'
)


def _levels(*labels: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": label} for v, label in enumerate(labels, 1)]


def sample_model() -> CompetencyModel:
    """Three levels deep, two scales (one with unusual values), related, translated."""
    return CompetencyModel.model_validate(
        {
            "key": "digi",
            "name": {"en": "Digital skills", "sv": "Digitala färdigheter"},
            "description": {"en": "For everyone.", "sv": "För alla."},
            "languages": ["en", "sv"],
            "scales": [
                {
                    "key": "four",
                    "name": "Four",
                    "proficient": 3,
                    "levels": _levels("Beginner", "Developing", "Proficient", "Expert"),
                },
                {
                    "key": "check",
                    "name": "Check",
                    "proficient": 10,
                    "levels": [
                        {"value": 0, "label": "Not yet"},
                        {"value": 10, "label": "Yes"},
                    ],
                },
            ],
            "competencies": [
                {"key": "info", "name": "Information literacy", "scale": "four"},
                {
                    "key": "info.search",
                    "name": {"en": "Search", "sv": "Söka"},
                    "definition": "Finds sources.\nChecks them.",
                    "parent": "info",
                    "scale": "four",
                    "related": ["info.eval"],
                },
                {
                    "key": "info.eval",
                    "name": "Evaluate sources",
                    "parent": "info",
                    "scale": "four",
                },
                {
                    "key": "info.eval.bias",
                    "name": "Spot bias",
                    "parent": "info.eval",
                    "scale": "check",
                },
                {"key": "safety", "name": "Online safety", "scale": "four"},
            ],
        }
    )


def with_competency(model: CompetencyModel, key: str, **update: Any) -> CompetencyModel:
    """``model`` with competency ``key`` changed (validated again)."""
    data = model.model_dump(mode="json", exclude_none=True)
    for c in data["competencies"]:
        if c["key"] == key:
            c.update(update)
    return CompetencyModel.model_validate(data)


# -- export ------------------------------------------------------------------------------


def test_export_is_a_file_moodle_imports(tmp_path: Path) -> None:
    path = tmp_path / "digi.csv"
    assert export_framework(sample_model(), path) == []
    fw = moodle_reads(path)
    assert (fw.idnumber, fw.shortname, fw.description) == (
        "digi",
        "Digital skills",
        "For everyone.",
    )
    # the most used scale is the framework's: its items, default and proficient items
    assert fw.scale.items == ["Beginner", "Developing", "Proficient", "Expert"]
    assert (fw.scale.default, fw.scale.proficient) == ([3], [3, 4])
    assert fw.taxonomies == ["competency"] * 3  # one term per level of the hierarchy
    # parents before children, sibling order kept
    assert fw.order == ["info", "info.search", "info.eval", "info.eval.bias", "safety"]
    c = fw.competencies
    assert c["info.search"].parent == "info"
    assert c["info.eval.bias"].parent == "info.eval"
    assert c["info.search"].related == ["info.eval"]
    assert c["info.search"].description == "Finds sources.\nChecks them."
    assert c["info"].scale is None  # inherits the framework's scale
    bias = c["info.eval.bias"].scale
    assert bias is not None
    assert (bias.items, bias.default, bias.proficient) == (["Not yet", "Yes"], [2], [2])


def test_export_writes_moodles_header_and_rule_columns(tmp_path: Path) -> None:
    path = tmp_path / "digi.csv"
    export_framework(sample_model(), path)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == ",".join(MOODLE_HEADER) == ",".join(HEADER)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    framework, first = lines[1], lines[2]
    assert framework.endswith(',,,,,,1,"competency,competency,competency"')
    # competency rows: no rule, outcome 0 (none), config null, as Moodle's exporter writes
    assert first == ",info,Information literacy,,2,,,,0,null,,,,"
    config = json.loads(framework.split(',"', 2)[2].split('",')[0].replace('""', '"'))
    assert config[0] == {"scaleid": "0"}


def test_export_in_another_language_and_as_multilanguage_spans(tmp_path: Path) -> None:
    sv, spans = tmp_path / "sv.csv", tmp_path / "spans.csv"
    export_framework(sample_model(), sv, options=FrameworkOptions(language="sv"))
    warnings = export_framework(sample_model(), spans, options=FrameworkOptions(multilang=True))
    assert moodle_reads(sv).shortname == "Digitala färdigheter"
    assert moodle_reads(sv).competencies["info.search"].shortname == "Söka"
    fw = moodle_reads(spans)
    # the framework's name with its spans is over Moodle's 100 characters: one language
    assert fw.shortname == "Digital skills"
    assert warnings == [
        "the model: the translated name is longer than Moodle's 100 characters; "
        "written in one language"
    ]
    assert fw.description == (
        '<span lang="en" class="multilang">For everyone.</span>'
        '<span lang="sv" class="multilang">För alla.</span>'
    )
    assert fw.competencies["info.search"].shortname == (
        '<span lang="en" class="multilang">Search</span><span lang="sv" class="multilang">Söka</span>'
    )
    assert fw.competencies["info"].shortname == "Information literacy"  # not translated
    back = import_framework(spans).model
    assert back.description is not None
    assert back.description.root == {"en": "For everyone.", "sv": "För alla."}
    assert back.competency("info.search").name.root == {"en": "Search", "sv": "Söka"}
    assert set(back.languages) == {"en", "sv"}


def test_multilanguage_descriptions_are_written_as_html(tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    model = with_competency(
        sample_model(), "info", definition={"en": "Use <b>and</b> & more", "sv": "Använd"}
    )
    export_framework(model, path, options=FrameworkOptions(multilang=True))
    fw = moodle_reads(path)
    # Moodle shows a plain-text description escaped, spans and all: spans need HTML
    info = fw.competencies["info"]
    assert info.descriptionformat == 1
    assert info.description.startswith('<span lang="en" class="multilang">Use &lt;b&gt;and')
    assert fw.competencies["safety"].descriptionformat == 2  # no spans: as configured
    back = import_framework(path).model
    assert back.competency("info").definition == model.competency("info").definition


def test_long_names_are_cut_to_moodles_limit_with_a_warning(tmp_path: Path) -> None:
    model = with_competency(sample_model(), "safety", name="x" * 150)
    path = tmp_path / "long.csv"
    expected = "competency 'safety': the name is longer than Moodle's 100 characters; shortened"
    assert export_framework(model, path) == [expected]
    assert len(moodle_reads(path).competencies["safety"].shortname) == 100
    # an untranslated long name gives one warning with multi-language spans too
    assert export_framework(model, path, options=FrameworkOptions(multilang=True))[1:] == [expected]


def test_a_comma_in_a_scale_label_does_not_split_the_item(tmp_path: Path) -> None:
    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": "M",
            "scales": [
                {"key": "s", "name": "S", "proficient": 2, "levels": _levels("No, not yet", "Yes")}
            ],
            "competencies": [{"key": "a", "name": "A", "scale": "s"}],
        }
    )
    path = tmp_path / "m.csv"
    (warning,) = export_framework(model, path)
    assert "has a comma" in warning
    assert len(moodle_reads(path).scale.items) == 2


def test_taxonomies_kept_in_the_model_metadata_are_written(tmp_path: Path) -> None:
    model = sample_model()
    meta = model.metadata.model_copy(update={"extra": {"moodle_taxonomies": "domain,skill,value"}})
    path = tmp_path / "t.csv"
    export_framework(model.model_copy(update={"metadata": meta}), path)
    assert moodle_reads(path).taxonomies == ["domain", "skill", "value"]
    bad = model.metadata.model_copy(update={"extra": {"moodle_taxonomies": "domain,nonsense"}})
    (warning,) = export_framework(model.model_copy(update={"metadata": bad}), path)
    assert "terms Moodle does not know" in warning
    assert moodle_reads(path).taxonomies == ["competency"] * 3


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_export_with_another_delimiter_and_encoding(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "digi.csv"
    dialect = CsvDialect(delimiter=delimiter, encoding="cp1252", bom=False)
    export_framework(sample_model(), path, dialect)
    fw = moodle_reads(path, delimiter=delimiter, encoding="cp1252")
    assert fw.scale.items[0] == "Beginner"
    assert import_framework(path, dialect).model.key == "digi"


def test_a_text_that_starts_like_a_formula_is_escaped_with_a_warning(tmp_path: Path) -> None:
    model = with_competency(sample_model(), "info", definition='=HYPERLINK("x")')
    first = model.competency("info")
    path = tmp_path / "f.csv"
    warnings = export_framework(model, path)
    assert any("apostrophe" in w and "escape_formulas" in w for w in warnings)
    assert moodle_reads(path).competencies["info"].description == '\'=HYPERLINK("x")'
    assert import_framework(path).model.competency("info").definition == first.definition
    # for a file only Moodle reads, the escape can be turned off
    plain = CsvDialect(escape_formulas=False)
    assert export_framework(model, path, plain) == []
    assert moodle_reads(path).competencies["info"].description == '=HYPERLINK("x")'


# -- import ------------------------------------------------------------------------------


def test_the_format_documents_example_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "digi.csv"
    path.write_text(FORMAT_EXAMPLE, encoding="utf-8")
    moodle_reads(path)  # the reference agrees it is a valid file
    result = import_framework(path)
    m = result.model
    assert (m.key, m.text(m.name), m.text(m.description)) == (
        "FW-DIGI",
        "Digital skills",
        "Example framework",
    )
    assert [(c.key, c.parent) for c in m.competencies] == [
        ("DIGI-1", None),
        ("DIGI-1.1", "DIGI-1"),
        ("DIGI-1.2", "DIGI-1"),
    ]
    assert m.competency("DIGI-1.1").related == ("DIGI-1.2",)
    (scale,) = m.scales
    assert [m.text(level.label) for level in scale.levels] == ["Not yet competent", "Competent"]
    assert scale.values == (1, 2)
    assert scale.proficient == 2
    assert m.metadata.extra["moodle_taxonomies"] == "domain,competency"
    (warning,) = result.warnings
    assert (warning.line, warning.message) == (3, "completion rules are not imported")


def test_import_reads_each_competencys_own_scale(tmp_path: Path) -> None:
    path = tmp_path / "digi.csv"
    export_framework(sample_model(), path)
    m = import_framework(path).model
    assert len(m.scales) == 2
    main, own = m.scale(m.competency("info").scale), m.scale(m.competency("info.eval.bias").scale)
    assert [m.text(level.label) for level in main.levels] == [
        "Beginner",
        "Developing",
        "Proficient",
        "Expert",
    ]
    assert main.proficient == 3
    assert [m.text(level.label) for level in own.levels] == ["Not yet", "Yes"]
    assert own.proficient == 2  # Moodle's item 2: the levels are renumbered 1..n


def test_columns_are_read_by_position_not_by_header_text(tmp_path: Path) -> None:
    translated = "Överordnat ID,ID,Kortnamn,Beskrivning,Format,Skala,Konfig,Regel,Utfall,Regelkonfig,Relaterade,Export-ID,Är ramverk,Taxonomi"
    path = tmp_path / "sv.csv"
    path.write_text(translated + "\n" + FORMAT_EXAMPLE.split("\n", 1)[1], encoding="utf-8")
    assert len(import_framework(path).model.competencies) == 3


def _file(tmp_path: Path, *rows: str) -> Path:
    head = FORMAT_EXAMPLE.split("\n")[:2]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([*head, *rows]) + "\n", encoding="utf-8")
    return path


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        ",A,Alpha,,1,,,,0,null,,,,",  # line 3: fine
        "NOPE,B,Beta,,1,,,,0,null,,,,",  # line 4: unknown parent
        ",,Gamma,,1,,,,0,null,,,,",  # line 5: empty idnumber
        ",A,Alpha again,,1,,,,0,null,,,,",  # line 6: repeated idnumber
        ",D,,,1,,,,0,null,,,,",  # line 7: empty short name
        ",E,Epsilon,,x,,,,0,null,,,,",  # line 8: bad description format
        ',F,Phi,,1,"One,Two",{broken,,0,null,,,,',  # line 9: bad scale configuration
        ",bad key!,Bad,,1,,,,0,null,,,,",  # line 10: not a valid key
        "A,A.1,Alpha one,,1,,,,0,null,,,,",  # line 11: fine
    )
    with pytest.raises(CsvReadError) as err:
        import_framework(path)
    by_line = {p.line: p for p in err.value.problems}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 9, 10]
    assert "no row has the parent ID number 'NOPE'" in by_line[4].message
    assert "ID number is empty" in by_line[5].message
    assert "used on line 3 too" in by_line[6].message
    assert "short name is empty" in by_line[7].message
    assert "description format" in by_line[8].message
    assert "not JSON" in by_line[9].message
    assert "not a valid key" in by_line[10].message
    assert all(p.file == str(path) for p in err.value.problems)
    assert "nothing was imported" in str(err.value)


def test_skipping_bad_rows_imports_the_rest_and_reports_them(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        ",A,Alpha,,1,,,,0,null,,,,",
        "NOPE,B,Beta,,1,,,,0,null,,,,",
        ",,Gamma,,1,,,,0,null,,,,",
        "A,A.1,Alpha one,,1,,,,0,null,,,,",
    )
    result = import_framework(path, skip_bad_rows=True)
    assert [c.key for c in result.model.competencies] == ["A", "A.1"]
    assert {(w.line, w.severity) for w in result.warnings} == {(4, "warning"), (5, "warning")}


def test_a_child_of_a_bad_row_is_reported_too(tmp_path: Path) -> None:
    path = _file(tmp_path, ",A,,,1,,,,0,null,,,,", "A,A.1,Alpha one,,1,,,,0,null,,,,")
    result = import_framework(path, skip_bad_rows=True)
    assert result.model.competencies == ()
    lines = {w.line: w.message for w in result.warnings}
    assert "short name is empty" in lines[3]
    assert "line 3" in lines[4]
    assert "has errors" in lines[4]


_CONFIG = '"[{""scaleid"":1},{""id"":%d,""scaledefault"":1,""proficient"":%d}]"'


@pytest.mark.parametrize(
    ("framework_row", "message", "fatal"),
    [
        (",FW,Name,,1,,,,,,,,1,", "needs scale values", True),
        (f',FW,Name,,1,"A,B",{_CONFIG % (1, 0)},,,,,,1,', "no item proficient", True),
        (f',FW,Name,,1,"A,B",{_CONFIG % (3, 1)},,,,,,1,', "outside 1..2", True),
        (',FW,Name,,1,"A,B",,,,,,,1,', "without a scale configuration", True),
        (f',FW,,,1,"A,B",{_CONFIG % (2, 1)},,,,,,1,', "short name is empty", True),
        # Moodle takes 'false' as true: an error, or with skip_bad_rows a warning
        (f',FW,Name,,1,"A,B",{_CONFIG % (2, 1)},,,,,,false,', "PHP truthiness", False),
    ],
)
def test_a_bad_framework_row_is_a_clear_error(
    tmp_path: Path, framework_row: str, message: str, fatal: bool
) -> None:
    path = tmp_path / "fw.csv"
    path.write_text(f"{','.join(HEADER)}\n{framework_row}\n", encoding="utf-8")
    with pytest.raises(CsvReadError) as err:
        import_framework(path)
    assert any(message in p.message and p.line == 2 for p in err.value.problems), err.value
    if fatal:
        with pytest.raises(CsvReadError):
            import_framework(path, skip_bad_rows=True)
    else:
        result = import_framework(path, skip_bad_rows=True)
        assert any(message in w.message for w in result.warnings)


def test_a_file_without_a_framework_row_or_with_the_wrong_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "fw.csv"
    path.write_text(f"{','.join(HEADER)}\n,A,Alpha,,1,,,,0,null,,,,\n", encoding="utf-8")
    with pytest.raises(CsvReadError, match="not a Moodle competency framework file") as err:
        import_framework(path)
    assert "no framework row" in str(err.value)
    with pytest.raises(CsvReadError, match="check the delimiter"):
        import_framework(path, CsvDialect(delimiter=";"))
    path.write_text("", encoding="utf-8")
    with pytest.raises(CsvReadError, match="has no rows"):
        import_framework(path)


def test_proficient_items_that_are_not_the_top_ones_give_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "fw.csv"
    config = '"[{""scaleid"":1},{""id"":1,""scaledefault"":1,""proficient"":0},{""id"":2,""scaledefault"":0,""proficient"":1},{""id"":3,""scaledefault"":0,""proficient"":0}]"'
    path.write_text(
        f'{",".join(HEADER)}\n,FW,Name,,1,"A,B,C",{config},,,,,,1,\n,X,Ex,,1,,,,0,null,,,,\n',
        encoding="utf-8",
    )
    result = import_framework(path)
    assert result.model.scales[0].proficient == 2
    assert "counts every level from 2 up" in result.warnings[0].message


# -- the example models -------------------------------------------------------------------


def example_models(examples: Path) -> list[Path]:
    found = [p for p in sorted(examples.glob("*.yaml")) if "people" not in p.name]
    assert len(found) >= 2
    return found


@pytest.mark.parametrize("name", ["software-engineering", "customer-success"])
@pytest.mark.parametrize("multilang", [False, True])
def test_the_example_models_round_trip(
    examples: Path, tmp_path: Path, name: str, multilang: bool
) -> None:
    model = load_model(examples / f"{name}.yaml")
    path = tmp_path / f"{name}.csv"
    warnings = export_framework(model, path, options=FrameworkOptions(multilang=multilang))
    fw = moodle_reads(path)
    assert len(fw.competencies) == len(model.competencies)
    back = import_framework(path).model
    assert back.key == model.key
    assert [(c.key, c.parent) for c in back.competencies] == [
        (k, model.competency(k).parent) for k in fw.order
    ]
    for c in model.competencies:
        b = back.competency(c.key)
        assert set(b.related) == set(c.related)
        if multilang:
            one_language = f"competency {c.key!r}: the translated name is longer" in " ".join(
                warnings
            )
            assert b.name == (LocalizedText(model.text(c.name)) if one_language else c.name)
            assert b.definition == c.definition
        else:
            assert back.text(b.name) == model.text(c.name)
            assert back.text(b.definition) == model.text(c.definition)
        own = model.scale(c.scale)
        assert [back.text(level.label) for level in back.scale(b.scale).levels] == [
            model.text(level.label) for level in own.levels
        ]
    # exporting the import again gives the same file
    again = tmp_path / "again.csv"
    export_framework(back, again, options=FrameworkOptions(multilang=multilang))
    assert again.read_bytes() == path.read_bytes()


def test_the_default_language_is_that_of_the_first_span(tmp_path: Path) -> None:
    """The model's name is too long for spans; the other texts still say the language."""
    long = {"sv": "S" * 40, "en": "E" * 40}
    model = CompetencyModel.model_validate(
        {
            "key": "m",
            "name": long,
            "default_language": "sv",
            "languages": ["sv", "en"],
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "proficient": 2,
                    "levels": [
                        {"value": 1, "label": {"sv": "Nej", "en": "No"}},
                        {"value": 2, "label": {"sv": "Ja", "en": "Yes"}},
                    ],
                }
            ],
            "competencies": [{"key": "c", "name": {"sv": "Ett", "en": "One"}, "scale": "s"}],
        }
    )
    path = tmp_path / "m.csv"
    (warning,) = export_framework(model, path, options=FrameworkOptions(multilang=True))
    assert warning.startswith("the model: the translated name is longer")
    back = import_framework(path).model
    assert back.default_language == "sv"
    assert back.text(back.name) == "S" * 40
    assert back.text(back.scales[0].levels[0].label) == "Nej"
    assert back.text(back.competency("c").name, "en") == "One"
    assert import_framework(path, language="en").model.default_language == "en"
