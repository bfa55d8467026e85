"""Loading and saving: located errors (file, path, line), YAML safety, exact round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import competency_core as cc
from competency_core.io import check_model_file, dumps, loads_model, save_model

FIVE_MISTAKES = (Path(__file__).parent / "samples" / "five_mistakes.yaml").read_text()


def test_five_mistakes_give_five_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(FIVE_MISTAKES)
    model, problems = check_model_file(path)
    assert model is None
    got = sorted((p.line, p.path) for p in problems)
    assert got == [
        (14, "competencies[0].scale"),
        (18, "competencies[1].parent"),
        (27, "roles[0].requirements[0].level"),
        (28, "roles[0].requirements[1].competency"),
        (29, "roles[0].requirements[2].level"),
    ]
    assert all(p.file == str(path) for p in problems)
    with pytest.raises(cc.ModelValidationError) as info:
        cc.load_model(path)
    assert len(info.value.errors) == 5
    assert "broken.yaml:14: competencies[0].scale" in str(info.value)


def test_duplicate_yaml_keys_are_reported_not_silently_dropped() -> None:
    text = "key: m\nname: A\nname: B\nscales: []\n"
    with pytest.raises(cc.ModelValidationError) as info:
        loads_model(text)
    dup = [p for p in info.value.problems if "duplicate key 'name'" in p.message]
    assert dup
    assert dup[0].line == 3
    assert "first at line 2" in dup[0].message


def test_yaml_syntax_error_has_a_line() -> None:
    with pytest.raises(cc.ModelValidationError) as info:
        loads_model("key: m\nname: [unclosed\nscales: x\n", file="m.yaml")
    (p,) = info.value.problems
    assert p.message.startswith("invalid YAML")
    assert p.line is not None
    assert p.file == "m.yaml"


def test_yaml_is_loaded_safely() -> None:
    with pytest.raises(cc.ModelValidationError, match="invalid YAML"):
        loads_model("key: !!python/object/apply:os.system ['echo hacked']\n")


def test_json_errors_are_located_by_path(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        '{"key": "m", "name": "M", "scales": [{"key": "s", "name": "S", "proficient": 5, "levels": []}]}'
    )
    _, problems = check_model_file(path)
    assert {p.path for p in problems} >= {"scales[0].levels"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"key": "m",\n "name": }')
    _, problems = check_model_file(bad)
    assert problems[0].line == 2
    assert "invalid JSON" in problems[0].message


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(cc.ModelValidationError, match="must contain a mapping"):
        loads_model("- a\n- b\n")


def test_missing_and_non_utf8_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(cc.ModelValidationError, match="no such file"):
        cc.load_model(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Överblick\n".encode("latin-1"))
    with pytest.raises(cc.ModelValidationError, match="not UTF-8"):
        cc.load_model(latin)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    src = FIVE_MISTAKES.replace("scale: fiv\n", "scale: five\n").split("roles:")[0]
    src = src.replace("parent: coding\n", "")
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + src.encode())
    assert cc.load_model(path).key == "broken"


@pytest.mark.parametrize("name", ["software-engineering", "customer-success"])
def test_examples_round_trip_exactly(examples: Path, name: str, tmp_path: Path) -> None:
    model = cc.load_model(examples / f"{name}.yaml")
    for suffix in ("yaml", "json"):
        out = tmp_path / f"copy.{suffix}"
        save_model(model, out)
        assert cc.load_model(out) == model
        assert dumps(cc.load_model(out), suffix) == out.read_text()  # type: ignore[arg-type]


def test_save_is_atomic_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = loads_model(
        "key: m\nname: M\nscales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: a}, {value: 2, label: b}]}]\n"
    )
    target = tmp_path / "m.yaml"
    target.write_text("original\n")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        save_model(model, target)
    assert target.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


def test_json_schema_describes_the_format() -> None:
    schema = cc.model_json_schema()
    assert schema["title"] == "competency-core model"
    assert {"key", "name", "scales", "competencies", "roles"} <= set(schema["properties"])
    assert "Requirement" in schema["$defs"]
