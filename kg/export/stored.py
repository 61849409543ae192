"""How the file sinks store the schema's properties, read back: renamed properties get their
schema names again, JSON-string lists become lists, sink-only attributes (``labels``, ``name``,
``interaction``) are dropped. The readers of :mod:`kg.export.graphml` and
:mod:`kg.export.node_link` share it.

>>> restored_node("Paper", {"paper_id": "1", "labels": ["Paper"], "authors": '["A"]'}, lists_as_json=True)
{'kind': 'Paper', 'id': '1', 'authors': ['A']}
"""

from __future__ import annotations

import json

from kg.schema import KIND, NODE_KINDS, RELATIONS, SINK_RENAMED


def restored_node(kind: str, attrs: dict, lists_as_json: bool) -> dict:
    """A node's canonical attributes from what a file sink stored for it."""
    out = {KIND: kind}
    for prop in NODE_KINDS[kind].properties:
        stored = SINK_RENAMED.get(prop.name, prop.name)
        if stored in attrs and attrs[stored] is not None:
            value = attrs[stored]
            out[prop.name] = json.loads(value) if prop.is_list and lists_as_json else value
    return out


def restored_edge(relation: str, attrs: dict, lists_as_json: bool) -> dict:
    """An edge's canonical attributes from what a file sink stored for it."""
    out = {}
    for prop in RELATIONS[relation].properties:
        if prop.name in attrs:  # a lean file has no evidence lists
            value = attrs[prop.name]
            out[prop.name] = json.loads(value) if prop.is_list and lists_as_json else value
    return out
