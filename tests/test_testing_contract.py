"""The Moodle web-service contract shipped with competency-core-testing is the reference one.

The emulator checks every call against the copy packaged in competency_testing (so it runs
from an installed wheel); the reference, read from Moodle 5.1's own source, is
``../shared/moodle/ws_contract.json`` beside the checkout. The packaged copy is the
reference plus functions competency-core read from Moodle 5.1's source itself (marked
``added``, each citing the files it was read from): the rest must not drift apart, and each
addition must be where it says in Moodle's source (checked against
``../shared/moodle/moodle-5.1.tar.xz`` when it is there).
"""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest

from competency_testing.moodle import find_contract

SHARED = Path(__file__).resolve().parents[2] / "shared" / "moodle"
REFERENCE = SHARED / "ws_contract.json"
ARCHIVE = SHARED / "moodle-5.1.tar.xz"


def _packaged(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv("COMPETENCY_MOODLE_CONTRACT", raising=False)
    packaged = find_contract()
    assert packaged is not None
    assert packaged.resolve() != REFERENCE.resolve()
    data: dict[str, Any] = json.loads(packaged.read_text(encoding="utf-8"))
    return data


def _additions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data["functions"] if f.get("added")]


def test_the_packaged_contract_is_the_reference_plus_additions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not REFERENCE.is_file():
        pytest.skip(
            f"the reference contract {REFERENCE} is absent (it sits beside the checkout in CI)"
        )
    packaged = _packaged(monkeypatch)
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    added = _additions(packaged)
    meta = dict(packaged["_meta"])
    listed = meta.pop("additions", {}).get("functions", [])
    assert meta == reference["_meta"]
    assert [f for f in packaged["functions"] if not f.get("added")] == reference["functions"], (
        "the packaged contract differs from the reference beyond its additions: copy the "
        "reference into competency_testing/moodle/ and add the additions again"
    )
    assert sorted(listed) == sorted(f["name"] for f in added)
    known = {f["name"] for f in reference["functions"]}
    for f in added:
        assert f["name"] not in known, f"{f['name']} is in the reference already: drop the copy"
        source = f.get("source") or {}
        for cited in ("impl_file", "registry_file", "method"):
            assert source.get(cited), f"{f['name']}: an addition cites its source ({cited})"
        assert f.get("parameters"), f"{f['name']}: read in full (parameters)"
        assert f.get("returns"), f"{f['name']}: read in full (returns)"


def test_the_additions_are_where_they_say_in_moodles_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not ARCHIVE.is_file():
        pytest.skip(f"the Moodle source archive {ARCHIVE} is absent")
    added = _additions(_packaged(monkeypatch))
    assert added
    wanted = {f["source"][k] for f in added for k in ("impl_file", "registry_file")}
    texts: dict[str, str] = {}
    with tarfile.open(ARCHIVE, "r:xz") as tar:
        for member in tar:  # the files may sit under a top folder
            for candidate in (member.name, member.name.partition("/")[2]):
                if candidate in wanted and member.isfile():
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    texts[candidate] = extracted.read().decode("utf-8", "replace")
    for f in added:
        name, source = f["name"], f["source"]
        registry = texts.get(source["registry_file"])
        impl = texts.get(source["impl_file"])
        assert registry is not None, f"{name}: {source['registry_file']} is not in the archive"
        assert impl is not None, f"{name}: {source['impl_file']} is not in the archive"
        entry = re.search(
            rf"'{re.escape(name)}'\s*=>\s*(?:array\(|\[)(.*?)\n    [)\]],", registry, re.S
        )
        assert entry is not None, f"{name} is not registered in {source['registry_file']}"
        assert f"'methodname' => '{source['method']}'" in entry.group(1)
        assert f"'type' => '{f['type']}'" in entry.group(1)
        params = re.search(rf"function {source['method']}_parameters\(\).*?\n    }}", impl, re.S)
        assert params is not None, f"{name}: no {source['method']}_parameters in the source"
        for p in f["parameters"]:
            assert re.search(
                rf"'{p['name']}'\s*=>\s*new external_value\({p['type']}\b", params.group(0)
            ), f"{name}: parameter {p['name']} ({p['type']}) is not what Moodle declares"
        returns = re.search(rf"function {source['method']}_returns\(\).*?\n    }}", impl, re.S)
        assert returns is not None
        for leaf in _leaves(f["returns"]):
            assert re.search(
                rf"'{leaf['name']}'\s*=>\s*new external_value\({leaf['type']}\b", returns.group(0)
            ) or leaf["name"] in ("item", "itemid", "warningcode", "message"), (
                f"{name}: returned {leaf['name']} ({leaf['type']}) is not what Moodle declares"
            )


def _leaves(desc: dict[str, Any]) -> list[dict[str, Any]]:
    if desc.get("kind") == "value":
        return [desc]
    out: list[dict[str, Any]] = []
    for sub in desc.get("fields") or ():
        out += _leaves(sub)
    if desc.get("items"):
        out += _leaves(desc["items"])
    return out
