"""Fuzz the loader: thousands of mutated example files, counted by outcome.

Every input must be either accepted or rejected with located problems
(:class:`ModelValidationError` / a :class:`CompetencyError` whose problems say where);
anything else (a traceback, a hang) is counted as *uncaught* and printed.

    .venv/bin/python benchmarks/fuzz_loader.py              # 10,000 models, 2,000 workforce, 2,000 CSV
    .venv/bin/python benchmarks/fuzz_loader.py --models 500 --seed 7

Mutations are structure-aware (the parsed YAML tree: values replaced by other types, huge
integers, impossible dates, non-ASCII digits, deep nesting, misspelt fields, keys with a
newline, lists as keys) and byte-level (bytes flipped, inserted, deleted, control
characters, alias bombs), on every file in ``examples/``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from competency_core.errors import CompetencyError, ModelValidationError  # noqa: E402
from competency_core.io import check_workforce_file, load_model, loads_model  # noqa: E402

EXAMPLES = ROOT / "examples"

ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    True,
    3.5,
    float("inf"),
    "__BIGINT__",
    "",
    "³",
    "④",
    "٣",
    "x\n",
    "key\n",
    "1.0.0\n",
    "en\n",
    [],
    {},
    [[[]]],
    {"a": {"b": {"c": 1}}},
    "2026-02-31",
    "[/bold]",
    "\u0000",
    "a" * 300,
    {"en": 3},
    {"EN": "x"},
    [1, 2, 3],
    "proficent",
]

RAW_SNIPPETS = [
    "\x07",
    "\x00",
    "&a [*a]",
    "*undefined",
    "1" * 5000,
    "2026-13-45",
    "2026-02-30T25:61:00Z",
    "? [a, b]\n: 1\n",
    "[" * 200,
    "{" * 200,
    "!!python/object:os.system",
    "!!binary ###",
    "\t",
    "\ufeff",
    "---\n",
    "'",
    '"',
    "%YAML 1.1\n",
    "<<: *x\n",
    "\udcff",
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def mutate_tree(data: Any, rng: random.Random) -> Any:
    """A structure-aware mutation of parsed data (a copy)."""
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 4)):
        paths = _paths(data)
        path = rng.choice(paths)
        if not path:
            continue
        parent = _get(data, path[:-1])
        last = path[-1]
        choice = rng.random()
        if choice < 0.45:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif choice < 0.6 and isinstance(parent, dict):
            value = parent.pop(last)
            if isinstance(last, str) and len(last) > 2 and rng.random() < 0.7:
                i = rng.randrange(len(last))
                parent[last[:i] + last[i + 1 :]] = value  # a misspelt field
        elif choice < 0.7 and isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[last]))
        elif choice < 0.8:
            deep: Any = parent[last]
            for _ in range(rng.choice([3, 30, 100])):
                deep = [deep]
            parent[last] = deep
        elif choice < 0.9 and isinstance(parent, dict):
            parent[rng.choice([1, "3", "③", "key\n", "extra"])] = parent[last]
        else:
            where = rng.choice(paths)
            other = _get(data, where)
            ancestor = path[: len(where)] == where  # sharing it would make a cycle
            # a shared (not copied) value is written with a YAML anchor and alias
            parent[last] = copy.deepcopy(other) if ancestor else other
    return data


BIGINT = "9" * 5000


def _dump(data: Any, rng: random.Random) -> str:
    """YAML text of mutated data (the marker ``__BIGINT__`` becomes a 5,000-digit integer)."""
    try:
        text = yaml.dump(
            data, Dumper=yaml.CSafeDumper, allow_unicode=rng.random() < 0.5, sort_keys=False
        )
    except (yaml.YAMLError, ValueError, RecursionError):
        text = _dump_json(data)
    return text.replace("__BIGINT__", BIGINT)


def _dump_json(data: Any) -> str:
    try:
        return json.dumps(data, default=str).replace('"__BIGINT__"', BIGINT)
    except (ValueError, RecursionError):  # a mutation made a cycle: YAML can write it
        return yaml.dump(data, Dumper=yaml.CSafeDumper).replace("__BIGINT__", BIGINT)


def mutate_bytes(text: str, rng: random.Random) -> str:
    """A byte-level mutation: snippets inserted, characters flipped, lines cut or doubled."""
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        if not chars:
            chars = list(rng.choice(RAW_SNIPPETS))
            continue
        pos = rng.randrange(len(chars))
        r = rng.random()
        if r < 0.35:
            chars[pos:pos] = list(rng.choice(RAW_SNIPPETS))
        elif r < 0.55:
            chars[pos] = chr(rng.choice([rng.randrange(32), rng.randrange(32, 0x3000)]))
        elif r < 0.7:
            del chars[pos : pos + rng.randint(1, 40)]
        elif r < 0.85:
            end = min(len(chars), pos + rng.randint(1, 200))
            chars[pos:pos] = chars[pos:end]
        else:
            chars[pos:pos] = list(rng.choice([":", "-", " ", "\n", "  ", "&a ", "*a", "[", "{"]))
    return "".join(chars)


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.uncaught: list[str] = []
        self.slowest = 0.0

    def run(self, what: str, fn: Any) -> None:
        start = time.perf_counter()
        try:
            fn()
            self.counts[f"{what}: accepted"] += 1
        except ModelValidationError as exc:
            located = bool(exc.problems) and all(p.file or p.path or p.line for p in exc.problems)
            self.counts[f"{what}: rejected, located" if located else f"{what}: UNLOCATED"] += 1
            if not located:
                self.uncaught.append(f"{what}: unlocated {exc}")
        except CompetencyError as exc:
            self.counts[f"{what}: rejected ({type(exc).__name__})"] += 1
        except BaseException as exc:  # the count this script exists for
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.counts[f"{what}: UNCAUGHT"] += 1
            self.uncaught.append(f"{what}: " + "".join(traceback.format_exception(exc))[-1500:])
        self.slowest = max(self.slowest, time.perf_counter() - start)


def fuzz_models(n: int, rng: random.Random, tally: Tally) -> None:
    sources = [p for p in sorted(EXAMPLES.glob("*.yaml")) if "competencies" in p.read_text("utf-8")]
    trees = [yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader) for p in sources]
    texts = [p.read_text("utf-8") for p in sources]
    for i in range(n):
        k = rng.randrange(len(sources))
        r = rng.random()
        if r < 0.5:
            text, fmt = _dump(mutate_tree(trees[k], rng), rng), "yaml"
        elif r < 0.6:
            text, fmt = _dump_json(mutate_tree(trees[k], rng)), "json"
        elif r < 0.62:
            text, fmt = billion_laughs(rng.randint(3, 10)), "yaml"
        else:
            text, fmt = mutate_bytes(texts[k], rng), "yaml"
        if fmt == "json" and rng.random() < 0.3:
            text = mutate_bytes(text, rng)
        tally.run("model", lambda t=text, f=fmt, j=i: loads_model(t, f, file=f"mutant-{j}.{f}"))


def fuzz_workforce(n: int, rng: random.Random, tally: Tally, folder: Path) -> None:
    source = EXAMPLES / "people.yaml"
    model = load_model(EXAMPLES / "software-engineering.yaml")
    tree = yaml.safe_load(source.read_text("utf-8"))
    text0 = source.read_text("utf-8")
    for i in range(n):
        r = rng.random()
        path = folder / f"people-{i}.yaml"
        text = _dump(mutate_tree(tree, rng), rng) if r < 0.6 else mutate_bytes(text0, rng)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")

        def check(p: Path = path) -> None:
            wf, problems = check_workforce_file(p, model)
            if wf is None:
                raise ModelValidationError(problems)

        tally.run("workforce", check)


def _csv_mutants(rng: random.Random) -> tuple[str, str]:
    """A mutated Moodle framework CSV, or a mutated people CSV."""
    if rng.random() < 0.5:
        rows = [
            [
                "parentidnumber",
                "idnumber",
                "shortname",
                "description",
                "descriptionformat",
                "scalevalues",
                "scaleconfiguration",
                "ruletype",
                "ruleoutcome",
                "ruleconfig",
                "relatedidnumbers",
                "exportid",
                "isframework",
                "taxonomy",
            ],
            [
                "",
                "fw",
                "Framework",
                "",
                "1",
                "Novice,Expert",
                json.dumps(
                    [
                        {"scaleid": "1"},
                        {"id": 1, "scaledefault": 1, "proficient": 0},
                        {"id": 2, "scaledefault": 0, "proficient": 1},
                    ]
                ),
                "",
                "",
                "",
                "",
                "",
                "1",
                "competency",
            ],
            ["fw", "c1", "C one", "", "1", "", "", "", "", "", "", "", "", ""],
        ]
        junk = rng.choice(
            [
                "[" * 5000 + "]" * 5000,
                "[" + "9" * 5000 + "]",
                '[{"scaleid": ' + "1" * 5000 + "}]",
                '{"a": NaN}',
                "[1e999]",
                "\x00",
                "",
                '[{"scaleid": "1"}, {"id": "x"}]',
            ]
        )
        rows[1][6] = junk if rng.random() < 0.6 else rows[1][6]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return "framework", mutate_bytes(
            out.getvalue(), rng
        ) if rng.random() < 0.4 else out.getvalue()
    text = "key,name,email,role,manager\nann,Ann,ann@example.com,senior-engineer,\n"
    return "people", mutate_bytes(text, rng)


def fuzz_csv(n: int, rng: random.Random, tally: Tally, folder: Path) -> None:
    from competency_csv.adapter import CsvAdapter
    from competency_csv.settings import CsvSettings

    for i in range(n):
        kind, text = _csv_mutants(rng)
        sub = folder / f"csv-{i}"
        sub.mkdir()
        adapter = CsvAdapter(CsvSettings(directory=sub))
        if kind == "framework":
            (sub / "fw.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
            adapter = CsvAdapter(CsvSettings(directory=sub, framework_file="fw.csv"))
            tally.run("csv framework", lambda a=adapter: a.pull_model())
        else:
            (sub / "people.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
            tally.run("csv people", lambda a=adapter: list(a.pull_people()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--workforce", type=int, default=2_000)
    parser.add_argument("--csv", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20260515)
    parser.add_argument("--show", type=int, default=5, help="Print this many uncaught cases.")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    tally = Tally()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        fuzz_models(args.models, rng, tally)
        fuzz_workforce(args.workforce, rng, tally, Path(tmp))
        fuzz_csv(args.csv, rng, tally, Path(tmp))
    took = time.perf_counter() - start
    for name, count in sorted(tally.counts.items()):
        print(f"{name:40} {count:7,}")
    uncaught = sum(
        c for name, c in tally.counts.items() if "UNCAUGHT" in name or "UNLOCATED" in name
    )
    total = sum(tally.counts.values())
    print(f"{'total':40} {total:7,}")
    print(
        f"uncaught or unlocated: {uncaught} of {total}; slowest input {tally.slowest:.3f} s; "
        f"{took:.1f} s in all (seed {args.seed})"
    )
    for case in tally.uncaught[: args.show]:
        print("-" * 70)
        print(case)
    return 1 if uncaught else 0


if __name__ == "__main__":
    raise SystemExit(main())
