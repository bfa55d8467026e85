"""``competency demo``: the end-to-end tour on the bundled examples and the embedded store.

The steps come from plugins (``register_demo_steps``): the CLI's own modules and each
adapter's ``demo`` module alike; they run by ascending order and the demo prints where
every output went.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from competency_core.hookspecs import hookimpl
from competency_core.i18n import N_

commands = typer.Typer()


def _default_examples() -> Path:
    here = Path.cwd() / "examples"
    if here.is_dir():
        return here
    repo = Path(__file__).resolve().parents[3] / "examples"
    return repo


@commands.command()
def demo(
    examples: Path = typer.Option(
        None, help=N_("Folder with the example models (default: ./examples).")
    ),
    out: Path = typer.Option(
        Path("demo-output"), help=N_("Folder the demo writes its outputs to.")
    ),
    only: list[str] = typer.Option(
        None, help=N_("Run only the steps whose title contains this text.")
    ),
) -> None:
    """Run the end-to-end demo on the bundled examples (embedded store, no server)."""
    from competency_core.console import console, simple_table
    from competency_core.demo import DemoContext, MissingService, demo_steps
    from competency_core.errors import CompetencyError

    ex = examples or _default_examples()
    if not (ex / "software-engineering.yaml").is_file():
        raise CompetencyError(
            f"no example models in {ex}: run the demo from the project folder or pass --examples DIR"
        )
    out.mkdir(parents=True, exist_ok=True)
    steps = demo_steps()
    if only:
        steps = [s for s in steps if any(o.lower() in s.title.lower() for o in only)]
    with DemoContext(examples=ex, out=out) as ctx:
        for n, step in enumerate(steps, 1):
            console.rule(f"[bold]{n}. {step.title}")
            started = time.perf_counter()
            try:
                step.run(ctx)
            except MissingService as exc:
                console.print(f"[yellow]skipped:[/yellow] {exc}", highlight=False)
            console.print(f"[dim]({time.perf_counter() - started:.2f} s)[/dim]")
    console.rule("[bold]Outputs")
    console.print(simple_table(None, ["what", "where"], [(label, p) for label, p in ctx.outputs]))
    console.print(f"[green]Demo finished:[/green] {len(steps)} steps, outputs in {out}/")


@hookimpl
def register_commands(app: typer.Typer) -> None:
    """``competency demo``."""
    app.add_typer(commands)


__all__ = ["demo", "register_commands"]
