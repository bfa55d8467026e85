"""``competency scim serve|roles``: competency-core as a SCIM 2.0 service for identity providers.

``serve`` runs the inbound SCIM service (Okta, Microsoft Entra ID and other identity
providers push users and groups into it; they become people and teams in the store, with
a role mapped from their title or any attribute). ``roles`` shows how the people received
map to role profiles and lists those whose role could not be mapped.

The bearer token comes from an environment variable (``--token-env``, default
``COMPETENCY_SCIM_SERVICE_TOKEN``) or a file (``--token-file``); it is never printed.
The outbound direction (pulling from and pushing to a SCIM service) is
``competency sync scim ...``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.console import (
    EXIT_FINDINGS,
    FormatOption,
    OutputFormat,
    console,
    emit_json,
    err_console,
    simple_table,
)
from competency_core.errors import CompetencyError

if TYPE_CHECKING:
    from competency_core.problems import Problem


if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_scim.mapping import MappingReport, RoleMapping

commands = typer.Typer()
scim_app = typer.Typer(
    name="scim",
    help="Receive people from an identity provider over SCIM 2.0 (Okta, Entra ID).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(scim_app, name="scim")

StoreOption = typer.Option(
    None,
    "--store",
    help="The store people are written to: a SQLite file or database URL (default: "
    "$COMPETENCY_STORE_URL, else ./competency.sqlite3).",
    show_default=False,
)
ModelOption = typer.Option(
    None,
    "--model",
    help="A model file: a title equal to one of its role titles maps to that role, and "
    "the mapping's roles are checked against it.",
    show_default=False,
)
MappingOption = typer.Option(
    None, "--mapping", help="A role mapping file (YAML or JSON).", show_default=False
)


def _mapping(
    mapping: Path | None, model: CompetencyModel | None
) -> tuple[RoleMapping, list[Problem]]:
    from competency_scim.mapping import RoleMapping

    rules = RoleMapping.load(mapping) if mapping is not None else RoleMapping()
    problems = rules.check(model) if model is not None else []
    return rules, [p.model_copy(update={"file": str(mapping)}) for p in problems]


def _warn(problems: list[Problem]) -> None:
    for p in problems:
        err_console.print(f"{p.file}: [bold]{p.path}[/bold]: [yellow]warning[/yellow]: {p.message}")


@scim_app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on."),
    port: int = typer.Option(8080, "--port", help="The port to listen on (0: a free one)."),
    token_env: str = typer.Option(
        "COMPETENCY_SCIM_SERVICE_TOKEN",
        "--token-env",
        help="The environment variable holding the bearer token the identity provider sends.",
    ),
    token_file: Path = typer.Option(
        None,
        "--token-file",
        help="A file whose first line is the bearer token (instead of --token-env).",
        show_default=False,
    ),
    model: Path = ModelOption,
    mapping: Path = MappingOption,
    store: str = StoreOption,
    max_page_size: int = typer.Option(
        1000, "--max-page-size", min=1, help="The most resources one page returns."
    ),
    max_body_size: int = typer.Option(
        1 << 20,
        "--max-body-size",
        min=1,
        help="The largest request body accepted outside /Bulk, in bytes (larger: 413).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every request."),
) -> None:
    """Run the SCIM 2.0 service identity providers push users and groups to (Ctrl-C stops it)."""
    from competency_core.io import load_model
    from competency_scim._deps import require_scim

    require_scim(server=True)
    from competency_core.store import Store
    from competency_scim.projection import directory_counts
    from competency_scim.service import create_app, read_token, serve, service_provider_config

    secret = read_token(env=token_env, file=token_file)
    loaded = load_model(model) if model is not None else None
    rules, problems = _mapping(mapping, loaded)
    _warn(problems)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    handler.set_name("competency-scim-serve")
    for name in ("competency_scim", "scim2_server"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO if verbose else logging.WARNING)
        for old in [h for h in logger.handlers if h.get_name() == handler.get_name()]:
            logger.removeHandler(old)  # served before in this process
        logger.addHandler(handler)
    with Store(store) as db:
        config = service_provider_config(
            max_page_size=max_page_size, default_page_size=min(100, max_page_size)
        )
        application = create_app(
            db,
            token=secret,
            mapping=rules,
            model=loaded,
            config=config,
            max_body_size=max_body_size,
        )
        source = f"file {token_file}" if token_file is not None else f"${token_env}"

        def ready(url: str) -> None:
            console.print(f"[green]SCIM service ready[/green] at [bold]{url}[/bold]")
            console.print(f"  store: {db.display_url}; bearer token from {source}")
            console.print(
                f"  role mapping: {len(rules.rules)} rule(s)"
                + (f", role titles of {loaded.key}" if loaded and rules.match_role_titles else "")
            )
            console.print("  Ctrl-C stops it.")

        try:
            serve(application, host, port, ready=[ready])
        except OSError as exc:
            raise CompetencyError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(is another service using the port? try --port)"
            ) from None
        counts = directory_counts(db)
        console.print(
            f"Stopped. The directory holds {counts.get('User', 0)} user(s) and "
            f"{counts.get('Group', 0)} group(s)."
        )


def _report_dict(report: MappingReport) -> dict[str, Any]:
    return {**report.model_dump(mode="json"), "mapped": report.mapped}


@scim_app.command("roles")
def roles_cmd(
    store: str = StoreOption,
    model: Path = ModelOption,
    mapping: Path = MappingOption,
    remap: bool = typer.Option(
        False, "--remap", help="Apply the mapping again to every user received (after editing it)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Exit with code 1 when someone's role cannot be mapped."
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Show how the people received over SCIM map to role profiles, and who is unmapped."""
    from competency_core.io import load_model
    from competency_core.store import Store
    from competency_scim.mapping import RoleMapper, mapping_report
    from competency_scim.projection import Projection

    loaded = load_model(model) if model is not None else None
    rules, problems = _mapping(mapping, loaded)
    if fmt == OutputFormat.TEXT:
        _warn(problems)
    with Store(store) as db:
        remapped = None
        if remap:
            remapped = Projection(db, RoleMapper(rules, loaded)).reproject_all()
        report = mapping_report(db.people(), loaded)
    if fmt == OutputFormat.JSON:
        emit_json({**_report_dict(report), "remapped": remapped})
    else:
        if remapped is not None:
            console.print(f"Mapped {remapped} user(s) again.")
        console.print(report.summary())
        if report.by_role:
            console.print(
                simple_table("People by role", ["role", "people"], report.by_role.items())
            )
        if report.unknown_roles:
            console.print(
                simple_table(
                    "Mapped to roles the model does not have",
                    ["role", "people"],
                    report.unknown_roles.items(),
                )
            )
        if report.unmapped:
            console.print(
                simple_table(
                    "People whose role cannot be mapped",
                    ["person", "userName", "title", "department", "why"],
                    [
                        (u.key, u.user_name, u.title, u.department, u.reason)
                        for u in report.unmapped
                    ],
                )
            )
    if check and (report.unmapped or report.unknown_roles):
        raise typer.Exit(EXIT_FINDINGS)


__all__ = ["commands", "roles_cmd", "scim_app", "serve_cmd"]
