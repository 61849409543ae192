"""Stage 2 of extraction, over the corpus: label, key, type and relate the mentions.

:class:`Resolver` (:mod:`.resolver`) reads the data files in ``data/`` — lexicons
(:mod:`.lexicon`), ``corpus.yaml``, ``relations.yaml`` — and the user's curation file
(:mod:`.curation`); none of them forces re-extracting a paper.
"""

from kg.extract.resolve.curation import Curation
from kg.extract.resolve.resolver import RESOLVE_DATA, CorpusSettings, Resolution, Resolver, rule_weights

__all__ = ["RESOLVE_DATA", "CorpusSettings", "Curation", "Resolution", "Resolver", "rule_weights"]
