"""The interactive HTML page: which part of the graph it shows (:mod:`.selection`), where
nodes sit (:mod:`.layout`), the concept map (:mod:`.concepts`), and the self-contained page
itself (:mod:`.page`, ``templates/``).

``write_html`` is imported on first use, so choosing a selection does not load pyvis.
"""

from kg.export.html.selection import Selection, automatic_selection, automatic_top, select

__all__ = ["Selection", "automatic_selection", "automatic_top", "concept_map", "select", "write_html"]


def __getattr__(name: str):
    if name == "write_html":
        from kg.export.html.page import write_html

        return write_html
    if name == "concept_map":
        from kg.export.html.concepts import concept_map

        return concept_map
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
