"""Start-up benchmark: the CPU a command costs before it does its work.

Each figure is the median CPU time (user + system, of the child process) over the
repeats, with the number of modules it loaded, and its ratio to the interpreter's own
start (``python -c pass``) measured in the same run:

* ``competency --help``;
* ``competency validate examples/software-engineering.yaml``;
* ``import competency_core``;
* ``import hypothesis`` with competency-core installed, beside the same import with the
  plugins of every package switched off (``HYPOTHESIS_NO_PLUGINS=1``): the difference is
  what the library's hypothesis entry point costs every hypothesis user;
* two floors: ``import typer, pydantic, rich.console, yaml`` (what the CLI cannot avoid
  loading to validate a file), and the least a typer + pydantic + rich + PyYAML program
  does to validate the same file (:data:`MINIMAL_CLI`: one command, one model, one line
  printed), so the figures can be read against the stack they are built on.

``--before DIR`` measures the same commands in another checkout's virtual environment
(``DIR/.venv``, e.g. a ``git worktree`` of an older commit) in the same run, and prints
the ratios after/before::

    .venv/bin/python benchmarks/bench_startup.py                 # 15 repeats
    git worktree add /tmp/before 7423c54 && (cd /tmp/before && make venv)
    .venv/bin/python benchmarks/bench_startup.py --before /tmp/before

Python writes no bytecode cache under ``PYTHONDONTWRITEBYTECODE``: every module would be
compiled at every start. The benchmark removes that variable for its children and runs
each command once before timing it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNT = "import sys; print(len(sys.modules), file=sys.stderr)"

MINIMAL_CLI = """
import sys
from pathlib import Path

import typer
from pydantic import BaseModel, ConfigDict


class Doc(BaseModel):
    model_config = ConfigDict(extra="allow")
    key: str


app = typer.Typer(add_completion=False, rich_markup_mode=None)


@app.callback()
def main() -> None:
    \"\"\"A CLI.\"\"\"


@app.command()
def validate(files: list[Path] = typer.Argument(...), strict: bool = typer.Option(False)) -> None:
    \"\"\"Validate.\"\"\"
    import yaml
    from rich.console import Console

    for f in files:
        doc = Doc.model_validate(yaml.load(f.read_text(), Loader=yaml.CSafeLoader))
        Console().print(f"{f}: [green]valid[/green] {doc.key}")


app(["validate", sys.argv[1]], prog_name="minimal", standalone_mode=False)
"""
"""The floor of the stack: a typer + pydantic + rich + PyYAML program validating one file."""


@dataclass(frozen=True)
class Case:
    """A command to time, in a checkout's virtual environment."""

    label: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


def cases(venv: Path, example: Path) -> list[Case]:
    """The commands this benchmark times, with ``venv``'s interpreter and ``competency``."""
    python = str(venv / "bin" / "python")
    competency = str(venv / "bin" / "competency")
    return [
        Case("python -c pass", (python, "-c", "pass")),
        Case(
            "floor: typer, pydantic, rich, yaml",
            (python, "-c", "import typer.main, pydantic, rich.console, yaml"),
        ),
        Case("floor: a minimal typer CLI validating", (python, "-c", MINIMAL_CLI, str(example))),
        Case("competency --help", (competency, "--help")),
        Case("competency validate", (competency, "validate", str(example))),
        Case("import competency_core", (python, "-c", "import competency_core")),
        Case("import hypothesis", (python, "-c", "import hypothesis")),
        Case(
            "import hypothesis, no plugins",
            (python, "-c", "import hypothesis"),
            (("HYPOTHESIS_NO_PLUGINS", "1"),),
        ),
    ]


def cpu_of(case: Case, env: dict[str, str]) -> float:
    """The CPU seconds (user + system) one run of ``case`` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        case.argv,
        env=env | dict(case.env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        cwd=ROOT,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def modules_of(case: Case, env: dict[str, str]) -> int | None:
    """How many modules ``case`` leaves loaded (None for the ``competency`` commands)."""
    if case.argv[1:2] != ("-c",) or len(case.argv) > 3:
        return None
    code = f"{case.argv[2]}\n{COUNT}"
    out = subprocess.run(
        [case.argv[0], "-c", code],
        env=env | dict(case.env),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(out.stderr.strip().splitlines()[-1])


def cli_modules(venv: Path, args: list[str], env: dict[str, str]) -> int:
    """How many modules a ``competency`` command leaves loaded."""
    code = (
        "import sys\nfrom competency_core.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n{COUNT}"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(out.stderr.strip().splitlines()[-1])


def measure(venv: Path, repeats: int) -> dict[str, tuple[float, int | None]]:
    """Median CPU seconds and modules loaded of every case, in ``venv``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    example = ROOT / "examples" / "software-engineering.yaml"
    out: dict[str, tuple[float, int | None]] = {}
    for case in cases(venv, example):
        cpu_of(case, env)  # warm: bytecode written, files in the page cache
        times = [cpu_of(case, env) for _ in range(repeats)]
        modules = modules_of(case, env)
        if case.label == "competency --help":
            modules = cli_modules(venv, ["--help"], env)
        elif case.label == "competency validate":
            modules = cli_modules(venv, ["validate", str(example)], env)
        out[case.label] = (statistics.median(times), modules)
    return out


def report(title: str, figures: dict[str, tuple[float, int | None]]) -> None:
    """Print the figures and their ratio to the interpreter's own start."""
    base = figures["python -c pass"][0]
    print(f"\n{title} (median CPU of the child, user + system)")
    print(f"  {'':38} {'CPU s':>7} {'x python':>9} {'modules':>8}")
    for label, (cpu, modules) in figures.items():
        shown = "" if modules is None else f"{modules:,}"
        print(f"  {label:38} {cpu:7.3f} {cpu / base:9.1f} {shown:>8}")
    extra = figures["import hypothesis"][0] - figures["import hypothesis, no plugins"][0]
    print(f"  what competency-core adds to `import hypothesis`: {extra:+.3f} s")


def main() -> None:
    """Run the benchmark (see the module's doc)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--before", type=Path, help="another checkout whose .venv to measure in the same run"
    )
    args = parser.parse_args()
    venv = Path(sys.prefix)
    load = os.getloadavg()[0]
    print(f"start-up, {args.repeats} repeats, load average {load:.2f} on {os.cpu_count()} CPUs")
    after = measure(venv, args.repeats)
    report(f"this checkout ({venv})", after)
    if args.before is not None:
        before = measure(args.before.resolve() / ".venv", args.repeats)
        report(f"before ({args.before}/.venv)", before)
        print("\nafter / before")
        print(
            "  (the stack's floor, a minimal typer CLI validating the same file: "
            f"{after['floor: a minimal typer CLI validating'][0]:.3f} s)"
        )
        for label in ("competency --help", "competency validate", "import competency_core"):
            ratio = after[label][0] / before[label][0]
            print(
                f"  {label:38} {ratio:6.2f}  ({before[label][0]:.3f} s -> {after[label][0]:.3f} s)"
            )
        a = after["import hypothesis"][0] - after["import hypothesis, no plugins"][0]
        b = before["import hypothesis"][0] - before["import hypothesis, no plugins"][0]
        print(f"  {'added to import hypothesis':38} {b:+.3f} s -> {a:+.3f} s")


if __name__ == "__main__":
    main()
