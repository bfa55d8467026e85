"""The fast graph build gives exactly the graph networkx's own calls give; lazy gap lists."""

from __future__ import annotations

import pickle

import networkx as nx
from careers_helpers import DAY, ladder_model, ladder_workforce
from hypothesis import given
from hypothesis import strategies as st

from competency_core.careers import CareerGraph, Gaps, PersonProfile, next_steps
from competency_core.careers.graph import _digraph, _EdgeArrays
from competency_core.roles import TransitionKind

NODES = [f"n{i}" for i in range(6)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(NODES),
            st.sampled_from(NODES),
            st.sampled_from(list(TransitionKind)),
            st.one_of(st.none(), st.integers(0, 60)),
        ),
        max_size=40,
    )
)
def test_fast_build_equals_networkx(
    edges: list[tuple[str, str, TransitionKind, int | None]],
) -> None:
    nodes = [(n, {"title": n.upper()}) for n in NODES]
    triples = [(u, v, {"kind": k, "typical_months": m, "suggested": False}) for u, v, k, m in edges]
    index = {n: i for i, n in enumerate(NODES)}
    fast = _digraph(nodes, triples, _EdgeArrays.from_triples(triples, index))
    plain = nx.DiGraph()
    plain.add_nodes_from(nodes)
    plain.add_edges_from(triples)  # a pair listed twice keeps the last attributes
    assert dict(fast.nodes(data=True)) == dict(plain.nodes(data=True))
    assert {(u, v): d for u, v, d in fast.edges(data=True)} == {
        (u, v): d for u, v, d in plain.edges(data=True)
    }
    assert fast._pred == plain._pred
    for u, v in fast.edges:
        assert fast._succ[u][v] is fast._pred[v][u]  # one attribute dict per edge


def test_edge_arrays_read_kinds_months_and_suggestions() -> None:
    triples = [
        ("a", "b", {"kind": "lateral", "typical_months": 12}),
        ("b", "a", {"suggested": True, "similarity": 0.8}),
    ]
    arrays = _EdgeArrays.from_triples(triples, {"a": 0, "b": 1})
    assert arrays.src.tolist() == [0, 1]
    assert arrays.kind.tolist() == [1, 0]  # lateral, then the default: promotion
    assert arrays.months[0] == 12
    assert arrays.months[1] != arrays.months[1]  # NaN: unknown
    assert arrays.suggested.tolist() == [False, True]


def test_gaps_are_made_when_first_read() -> None:
    cg = CareerGraph.from_model(ladder_model())
    quinn = PersonProfile.from_workforce(cg, ladder_workforce(), "quinn", on=DAY)
    senior = next(s for s in next_steps(cg, quinn).steps if s.role == "senior")
    assert isinstance(senior.gaps, Gaps)
    assert len(senior.gaps) == 2
    assert senior.gaps._items is None  # not made yet
    assert [g.competency for g in senior.gaps] == ["a", "c"]
    assert senior.gaps[0].required == 4
    assert senior.gaps[:1] == (senior.gaps[0],)
    assert senior.gaps == tuple(senior.gaps)
    assert senior.gaps == list(senior.gaps)
    assert senior.gaps == Gaps.of(senior.gaps)
    assert senior.gaps != ()
    assert hash(senior.gaps) == hash(tuple(senior.gaps))
    assert repr(senior.gaps).startswith("(Gap(competency='a'")
    assert senior.to_dict()["gaps"][1]["competency"] == "c"
    # pickled as the records alone (not the graph the query ran on)
    copied = pickle.loads(pickle.dumps(senior))
    assert copied == senior
    assert len(pickle.dumps(senior.gaps)) < 1_000
