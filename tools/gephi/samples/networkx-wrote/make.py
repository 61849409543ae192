"""Writes the files in this folder with NetworkX's own writers, from one small MultiDiGraph shaped
like kg's: python tools/gephi/samples/networkx-wrote/make.py (the outputs are committed)."""

from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent


def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("paper:1", label="Attention Is All You Need", kind="paper", benchmark=False, published="2017-06-12",
               viz={"color": {"r": 31, "g": 119, "b": 180, "a": 1.0}, "position": {"x": -1000.0, "y": 500.0, "z": 0.0},
                    "size": 4.0})
    g.add_node("model:transformer", label="Transformer", kind="model", benchmark=False, paper_count=2,
               viz={"color": {"r": 255, "g": 127, "b": 14, "a": 1.0}, "position": {"x": 1000.0, "y": -500.0, "z": 0.0},
                    "size": 100.0})
    g.add_node("dataset:wmt14", label="WMT 2014", kind="dataset", benchmark=True, paper_count=1,
               viz={"color": {"r": 44, "g": 160, "b": 44, "a": 1.0}, "position": {"x": 0.0, "y": 0.0, "z": 0.0},
                    "size": 52.0})
    g.add_edge("paper:1", "model:transformer", key="PROPOSES", relation="PROPOSES", label="PROPOSES", weight=2.5)
    g.add_edge("paper:1", "model:transformer", key="USES", relation="USES", label="USES", weight=1.0)
    g.add_edge("paper:1", "dataset:wmt14", key="USES", relation="USES", label="USES", weight=1.0)
    return g


def flat(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML has no viz: the same graph with Gephi's GraphML names (r, g, b, x, y, size)."""
    out = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        viz = data["viz"]
        out.add_node(node, **{k: v for k, v in data.items() if k != "viz"}, **{k: viz["color"][k] for k in "rgb"},
                     x=viz["position"]["x"], y=viz["position"]["y"], size=viz["size"])
    out.add_edges_from(g.edges(keys=True, data=True))
    return out


if __name__ == "__main__":
    g = graph()
    nx.write_gexf(g, HERE / "networkx-1.2draft.gexf")  # NetworkX's default version
    nx.write_graphml(flat(g), HERE / "networkx-numbered-keys.graphml")
    nx.write_graphml(flat(g), HERE / "networkx-named-keys.graphml", named_key_ids=True)
