"""Graph health: where the declared career graph leaves people stuck or goes in circles.

Only declared transitions count (suggested ones are hints, not policy). The checks:

- **no way in** / **no way out**: roles no transition leads to / from. Entry roles (the
  lowest level of their family) naturally have no way in, and top roles no way out; the
  findings that matter are listed apart:
- **unreachable**: no way in, though the role is above its family's entry level;
- **dead ends**: no way out, though the role is below its family's top level;
- **isolated**: neither way in nor way out;
- **dead-end tracks**: from the roles of a track, no chain of transitions reaches the top
  level of their family;
- **promotion cycles**: promotions that lead back to where they started (a lateral loop is
  fine, a promotion loop is not); also **promotions that do not go up** a level;
- **disconnected families**: a family whose roles fall apart into several groups with no
  transition between them;
- **not rated**: roles without requirements (queries cannot score them).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict

import networkx as nx

from competency_core.careers.graph import CareerGraph
from competency_core.careers.results import _Result
from competency_core.roles import TransitionKind

MAX_CYCLES = 100
"""Promotion cycles listed at most (a badly broken graph can have very many)."""


@dataclasses.dataclass(frozen=True, slots=True)
class DeadEndTrack(_Result):
    """A track whose roles cannot lead to the top level of their family."""

    track: str
    roles: tuple[str, ...]
    highest_reachable: int
    """The highest level any chain of transitions from the track reaches."""
    family_top: int


@dataclasses.dataclass(frozen=True, slots=True)
class FamilySplit(_Result):
    """A family whose roles form several groups without transitions between them."""

    family: str
    groups: tuple[tuple[str, ...], ...]
    """The groups, largest first."""


@dataclasses.dataclass(frozen=True, slots=True)
class GraphHealth(_Result):
    """The answer of :func:`graph_health`."""

    roles: int
    transitions: int
    no_way_in: tuple[str, ...]
    no_way_out: tuple[str, ...]
    isolated: tuple[str, ...]
    unreachable: tuple[str, ...]
    dead_ends: tuple[str, ...]
    dead_end_tracks: tuple[DeadEndTrack, ...]
    promotion_cycles: tuple[tuple[str, ...], ...]
    promotions_not_up: tuple[tuple[str, str], ...]
    disconnected_families: tuple[FamilySplit, ...]
    not_rated: tuple[str, ...]

    @property
    def problems(self) -> int:
        """How many findings need attention (entry and top roles excepted)."""
        return (
            len(self.isolated)
            + len(self.unreachable)
            + len(self.dead_ends)
            + len(self.dead_end_tracks)
            + len(self.promotion_cycles)
            + len(self.promotions_not_up)
            + len(self.disconnected_families)
        )


def _levels_by_family(cg: CareerGraph) -> dict[str | None, list[int]]:
    levels: dict[str | None, list[int]] = defaultdict(list)
    for _, data in cg.graph.nodes(data=True):
        if data.get("level") is not None:
            levels[data.get("family")].append(int(data["level"]))
    return levels


def graph_health(cg: CareerGraph) -> GraphHealth:
    """Check the declared career graph (see the module docs for what each finding means).

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> h = graph_health(CareerGraph.from_model(sample_model()))
        >>> h.no_way_in, h.no_way_out, h.problems
        (('engineer',), ('senior-engineer',), 0)
    """
    cg.check_unchanged()
    g = cg.declared()
    nodes = cg.graph.nodes
    family_levels = _levels_by_family(cg)

    def level(n: str) -> int | None:
        value = nodes[n].get("level")
        return None if value is None else int(value)

    def family_bounds(n: str) -> tuple[int, int] | None:
        found = family_levels.get(nodes[n].get("family"))
        return (min(found), max(found)) if found else None

    no_in = tuple(n for n in g if g.in_degree(n) == 0 and g.out_degree(n) > 0)
    no_out = tuple(n for n in g if g.out_degree(n) == 0 and g.in_degree(n) > 0)
    isolated = tuple(n for n in g if g.degree(n) == 0)
    unreachable = []
    for n in no_in:
        bounds, lv = family_bounds(n), level(n)
        if bounds is not None and lv is not None and lv > bounds[0]:
            unreachable.append(n)
    dead_ends = []
    for n in no_out:
        bounds, lv = family_bounds(n), level(n)
        if bounds is not None and lv is not None and lv < bounds[1]:
            dead_ends.append(n)

    promotions = nx.subgraph_view(
        g, filter_edge=lambda u, v: g.edges[u, v].get("kind") == TransitionKind.PROMOTION
    )
    cycles = sorted(
        tuple(_rotate(c)) for c in itertools.islice(nx.simple_cycles(promotions), MAX_CYCLES)
    )
    not_up = tuple(
        (u, v)
        for u, v in promotions.edges
        if level(u) is not None and level(v) is not None and level(v) <= level(u)  # type: ignore[operator]
    )
    return GraphHealth(
        roles=cg.graph.number_of_nodes(),
        transitions=g.number_of_edges(),
        no_way_in=no_in,
        no_way_out=no_out,
        isolated=isolated,
        unreachable=tuple(unreachable),
        dead_ends=tuple(dead_ends),
        dead_end_tracks=_dead_end_tracks(cg, g, family_levels),
        promotion_cycles=tuple(cycles),
        promotions_not_up=not_up,
        disconnected_families=_split_families(cg, g),
        not_rated=tuple(n for n in cg.roles if not cg.is_rated(n)),
    )


def _rotate(cycle: list[str]) -> list[str]:
    """A cycle starting at its smallest key, closed (first key repeated at the end)."""
    i = cycle.index(min(cycle))
    out = cycle[i:] + cycle[:i]
    return [*out, out[0]]


def _dead_end_tracks(
    cg: CareerGraph, g: nx.DiGraph, family_levels: dict[str | None, list[int]]
) -> tuple[DeadEndTrack, ...]:
    nodes = cg.graph.nodes
    tracks: dict[str, list[str]] = defaultdict(list)
    for n, data in nodes(data=True):
        if data.get("track") is not None:
            tracks[str(data["track"])].append(n)
    out = []
    for track, members in sorted(tracks.items()):
        families = {nodes[n].get("family") for n in members}
        tops = [max(family_levels[f]) for f in families if family_levels.get(f)]
        if not tops:
            continue
        reach = set(members)
        for n in members:
            reach |= nx.descendants(g, n)
        levels = [int(nodes[n]["level"]) for n in reach if nodes[n].get("level") is not None]
        if levels and max(levels) < max(tops):
            out.append(DeadEndTrack(track, tuple(sorted(members)), max(levels), max(tops)))
    return tuple(out)


def _split_families(cg: CareerGraph, g: nx.DiGraph) -> tuple[FamilySplit, ...]:
    families: dict[str, list[str]] = defaultdict(list)
    for n, data in cg.graph.nodes(data=True):
        if data.get("family") is not None:
            families[str(data["family"])].append(n)
    out = []
    for family, members in sorted(families.items()):
        if len(members) < 2:
            continue
        parts = list(nx.weakly_connected_components(g.subgraph(members)))
        if len(parts) > 1:
            groups = sorted((tuple(sorted(p)) for p in parts), key=lambda p: (-len(p), p))
            out.append(FamilySplit(family, tuple(groups)))
    return tuple(out)


__all__ = ["MAX_CYCLES", "DeadEndTrack", "FamilySplit", "GraphHealth", "graph_health"]
