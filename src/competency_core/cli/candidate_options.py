"""Who is considered for a role: the options ``fit --role`` and ``path succession`` share.

They build a :class:`~competency_core.scoring.candidates.CandidateFilter` (see that module
for what each filter keeps); both commands print, under ``filters`` in JSON, the settings
and how many people each filter left out.

Only typer and the :class:`~competency_core.scoring.candidates.Moves` enum (standard
library only) are imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from competency_core.i18n import N_
from competency_core.scoring.candidates import Moves

if TYPE_CHECKING:
    from competency_core.scoring.candidates import CandidateFilter, CandidatePool

IncludeIncumbentsOption = typer.Option(
    False,
    "--include-incumbents",
    help=N_("Also consider the people who hold the role now (left out by default)."),
)
MovesOption = typer.Option(
    Moves.ANY,
    "--moves",
    help=(
        N_(
            "up: only people whose current role is junior to the role; across: as senior "
            "(by the roles' level, else their grade); any: no condition. People without a "
            "current role are kept only for any."
        )
    ),
)
AlongTransitionsOption = typer.Option(
    False,
    "--along-transitions",
    help=(
        N_(
            "Only people whose current role has a declared career transition straight to the "
            "role (one step; suggested transitions do not count)."
        )
    ),
)
TeamOption = typer.Option(
    None, "--team", help=N_("Only people of this team (repeat for several)."), show_default=False
)
ManagerOption = typer.Option(
    None,
    "--manager",
    help=N_("Only the direct reports of this person (a person key)."),
    show_default=False,
)
AllReportsOption = typer.Option(
    False, "--all-reports", help=N_("With --manager: the whole reporting line, not only direct.")
)


def candidate_filter(
    include_incumbents: bool,
    moves: Moves,
    along_transitions: bool,
    teams: list[str] | None,
    manager: str | None,
    all_reports: bool,
) -> CandidateFilter:
    """The filter the options ask for (a usage error when ``--all-reports`` has no manager)."""
    from competency_core.scoring.candidates import CandidateFilter

    return CandidateFilter(
        include_incumbents=include_incumbents,
        moves=moves,
        along_transitions=along_transitions,
        teams=tuple(teams or ()),
        manager=manager,
        all_reports=all_reports,
    )


FILTERS = {
    "incumbents": N_("incumbents"),
    "no current role": N_("no current role"),
    "moves": N_("moves"),
    "transitions": N_("transitions"),
    "team": N_("team"),
    "manager": N_("manager"),
}
"""The candidate filters' names, as the note under a shortlist names them."""


def filter_note(pool: CandidatePool) -> str:
    """One line for text output: who was left out, filter by filter."""
    from competency_core.console import cli_tr

    t = cli_tr()
    parts = [
        t._(
            "%(n)s by %(filter)s (%(value)s)",
            n=s.left_out,
            filter=t._(FILTERS[s.filter]) if s.filter in FILTERS else s.filter,
            value=s.value,
        )
        for s in pool.applied
        if s.left_out
    ]
    left = pool.considered - len(pool.kept)
    head = t.n_(
        "%(kept)s of %(n)s person considered",
        "%(kept)s of %(n)s people considered",
        pool.considered,
        kept=len(pool.kept),
    )
    if not left:
        return head
    return head + "; " + t._("left out %(n)s: %(parts)s", n=left, parts=", ".join(parts))


__all__ = [
    "AllReportsOption",
    "AlongTransitionsOption",
    "IncludeIncumbentsOption",
    "ManagerOption",
    "MovesOption",
    "TeamOption",
    "candidate_filter",
    "filter_note",
]
