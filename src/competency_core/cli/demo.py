"""``competency demo``: the end-to-end tour on the bundled examples and the embedded store.

Each capability adds its steps with :func:`demo_step`; the demo runs them in order and
prints where every output went.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from competency_core.cli.app import app
from competency_core.cli.output import console, simple_table
from competency_core.errors import CompetencyError
from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import Workforce


@dataclass
class DemoContext:
    """What demo steps share: the examples, the output folder, and what was written where."""

    examples: Path
    out: Path
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    _models: dict[str, CompetencyModel] = field(default_factory=dict)
    _workforces: dict[str, Workforce] = field(default_factory=dict)

    def model(self, name: str = "software-engineering") -> CompetencyModel:
        """An example model by file stem (loaded once)."""
        if name not in self._models:
            self._models[name] = load_model(self.examples / f"{name}.yaml")
        return self._models[name]

    def workforce(self, name: str = "people", model: str = "software-engineering") -> Workforce:
        """An example workforce file by stem, checked against its model."""
        if name not in self._workforces:
            self._workforces[name] = load_workforce(
                self.examples / f"{name}.yaml", self.model(model)
            )
        return self._workforces[name]

    def record(self, label: str, path: Path) -> None:
        """Note an output the demo wrote."""
        self.outputs.append((label, path))


DemoStep = Callable[[DemoContext], None]
_STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(order: int, title: str) -> Callable[[DemoStep], DemoStep]:
    """Register a demo step; steps run by ascending ``order``."""

    def register(fn: DemoStep) -> DemoStep:
        _STEPS.append((order, title, fn))
        return fn

    return register


def _default_examples() -> Path:
    here = Path.cwd() / "examples"
    if here.is_dir():
        return here
    repo = Path(__file__).resolve().parents[3] / "examples"
    return repo


@app.command()
def demo(
    examples: Path = typer.Option(
        None, help="Folder with the example models (default: ./examples)."
    ),
    out: Path = typer.Option(Path("demo-output"), help="Folder the demo writes its outputs to."),
    only: list[str] = typer.Option(None, help="Run only the steps whose title contains this text."),
) -> None:
    """Run the end-to-end demo on the bundled examples (embedded store, no server)."""
    import competency_core.cli  # noqa: F401  (makes sure every command module registered its steps)

    ex = examples or _default_examples()
    if not (ex / "software-engineering.yaml").is_file():
        raise CompetencyError(
            f"no example models in {ex}: run the demo from the project folder or pass --examples DIR"
        )
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(examples=ex, out=out)
    steps = sorted(_STEPS, key=lambda s: s[0])
    if only:
        steps = [s for s in steps if any(o.lower() in s[1].lower() for o in only)]
    for n, (_, title, fn) in enumerate(steps, 1):
        console.rule(f"[bold]{n}. {title}")
        started = time.perf_counter()
        fn(ctx)
        console.print(f"[dim]({time.perf_counter() - started:.2f} s)[/dim]")
    console.rule("[bold]Outputs")
    console.print(simple_table(None, ["what", "where"], [(label, p) for label, p in ctx.outputs]))
    console.print(f"[green]Demo finished:[/green] {len(steps)} steps, outputs in {out}/")
