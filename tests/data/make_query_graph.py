"""Writes tests/data/query_graph.json: the small graph every named query is tested on.

Hand-made papers, concepts and relations, assembled by ``kg.assemble.build_graph`` (no extractor
involved, so rule changes never move it). The committed JSON is what the tests read; run this
only to change the fixture on purpose:  python tests/data/make_query_graph.py

It covers what the queries need: ties, aliases, a concept linked twice by one paper (USES and
MENTIONS), a paper with no date, an isolated paper, and strings that break naive Cypher
(quotes, backslashes, ``$``, ``}``, keywords).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kg.assemble import LinkSettings, build_graph
from kg.export.node_link import write_node_link
from kg.records import Concept, Mention, Paper

HERE = Path(__file__).resolve().parent
TRICKY = 'Quotes "MATCH (n) DETACH DELETE n" \\ backslash, $param and } RETURN 1; //'

PAPERS = [
    # id, title, published, url
    ("2401.00001", "Speculative decoding for fast machine translation", "2024-01-15", True),
    ("2401.00002", "TinyFormer: small models that translate", "2024-01-20", True),
    ("2402.00003", "Distilling BERT for image classification", "2024-02-03", True),
    ("2402.00004", "ResNet-50 revisited on ImageNet", "2024-02", True),
    ("2403.00005", "Speculative decoding meets beam search", "2024-03-10", True),
    ("2403.00006", TRICKY, "2024-03-11", False),
    ("kg-0123456789abcdef", "A paper about nothing in particular", None, False),
    ("2404.00008", "Beam search baselines for text generation", "2024-04-01", True),
]

CONCEPTS = [
    # key, name, type, benchmark, aliases
    ("machine translation", "machine translation", "task", False, ("MT", "Machine Translation")),
    ("image classification", "image classification", "task", False, ("Image Classification",)),
    ("text generation", "text generation", "task", False, ("Text Generation",)),
    ("speculative decoding", "speculative decoding", "method", False, ("Speculative Decoding", "spec decoding")),
    ("knowledge distillation", "knowledge distillation", "method", False, ("KD", "Knowledge Distillation")),
    ("beam search", "beam search", "method", False, ("Beam Search",)),
    ("dropout", "dropout", "method", False, ()),
    ("bert", "BERT", "model", False, ("BERT",)),
    ("resnet 50", "ResNet-50", "model", False, ("ResNet50",)),
    ("tinyformer", "TinyFormer", "model", False, ()),
    ("gpt 4", "GPT-4", "model", False, ("GPT4",)),
    ("imagenet", "ImageNet", "dataset", True, ("ImageNet-1k",)),
    ("wmt14", "WMT14", "dataset", True, ("WMT'14",)),
    ("cifar 10", "CIFAR-10", "dataset", False, ("CIFAR10",)),
    ("odd concept", 'Odd "quoted" $concept}', "method", False, ("odd\\alias", "MATCH (n) RETURN n")),
]

RELATIONS = {
    # paper id: [(relation, concept key, mentions)]
    "2401.00001": [("ADDRESSES", "machine translation", 1), ("USES", "speculative decoding", 2),
                   ("EVALUATES_ON", "wmt14", 1), ("COMPARES_WITH", "beam search", 1), ("USES", "gpt 4", 1)],
    "2401.00002": [("ADDRESSES", "machine translation", 1), ("PROPOSES", "tinyformer", 1),
                   ("USES", "knowledge distillation", 1), ("EVALUATES_ON", "wmt14", 1),
                   ("COMPARES_WITH", "bert", 1), ("MENTIONS", "speculative decoding", 1)],
    "2402.00003": [("ADDRESSES", "image classification", 1), ("USES", "knowledge distillation", 1),
                   ("USES", "bert", 2), ("EVALUATES_ON", "imagenet", 1), ("EVALUATES_ON", "cifar 10", 1),
                   ("COMPARES_WITH", "resnet 50", 1), ("USES", "dropout", 1)],
    "2402.00004": [("ADDRESSES", "image classification", 1), ("USES", "resnet 50", 1),
                   ("EVALUATES_ON", "imagenet", 1), ("USES", "dropout", 1), ("COMPARES_WITH", "bert", 1)],
    "2403.00005": [("ADDRESSES", "text generation", 1), ("ADDRESSES", "machine translation", 1),
                   ("USES", "speculative decoding", 1), ("USES", "beam search", 1),
                   ("COMPARES_WITH", "gpt 4", 1), ("EVALUATES_ON", "wmt14", 1)],
    "2403.00006": [("ADDRESSES", "text generation", 1), ("USES", "beam search", 1),
                   ("MENTIONS", "beam search", 1), ("PROPOSES", "tinyformer", 1)],
    "kg-0123456789abcdef": [("MENTIONS", "odd concept", 1)],
    "2404.00008": [("ADDRESSES", "text generation", 1), ("COMPARES_WITH", "beam search", 1),
                   ("COMPARES_WITH", "gpt 4", 1), ("USES", "speculative decoding", 1),
                   ("EVALUATES_ON", "imagenet", 1)],
}

TRIGGERS = {"ADDRESSES": "for", "USES": "use", "EVALUATES_ON": "evaluate on", "COMPARES_WITH": "compare",
            "PROPOSES": "propose", "MENTIONS": ""}


def papers_and_mentions() -> tuple[list[Paper], list[Mention]]:
    """Each relation becomes sentences of the abstract; offsets point at the concept's name."""
    names = {key: name for key, name, *_ in CONCEPTS}
    labels = {key: ("benchmark" if bench else kind) for key, _, kind, bench, _ in CONCEPTS}
    papers, mentions = [], []
    for paper_id, title, published, has_url in PAPERS:
        abstract, paper_mentions = "", []
        for relation, key, count in RELATIONS[paper_id]:
            for _ in range(count):
                sentence = f"We {TRIGGERS[relation] or 'mention'} {names[key]}."
                start = len(abstract) + sentence.index(names[key])
                paper_mentions.append(Mention(paper_id, "abstract", start, start + len(names[key]), names[key],
                                              labels[key], "fixture", sentence, key, relation, TRIGGERS[relation]))
                abstract += sentence + " "
        arxiv = None if paper_id.startswith("kg-") else paper_id
        papers.append(Paper(
            id=paper_id, title=title, abstract=abstract.strip(), source="tests/data/make_query_graph.py",
            arxiv_id=arxiv, url=f"https://arxiv.org/abs/{arxiv}" if has_url else None, published=published,
            authors=("Ada Lovelace", "Alan Turing") if arxiv else (), categories=("cs.CL", "cs.LG") if arxiv else (),
            code_links=(f"https://github.com/example/{paper_id}",) if paper_id.endswith("1") else (),
        ))
        mentions += paper_mentions
    return papers, mentions


def concepts(mentions: list[Mention]) -> dict[str, Concept]:
    papers, counts = defaultdict(set), defaultdict(int)
    for mention in mentions:
        papers[mention.concept].add(mention.paper_id)
        counts[mention.concept] += 1
    return {key: Concept(key, name, kind, bench, tuple(sorted(aliases)), len(papers[key]), counts[key])
            for key, name, kind, bench, aliases in CONCEPTS}


def main() -> None:
    papers, mentions = papers_and_mentions()
    graph = build_graph(papers, concepts(mentions), mentions, LinkSettings(top_k=3, max_share=0.5))
    print(write_node_link(graph, HERE / "query_graph.json"))


if __name__ == "__main__":
    main()
