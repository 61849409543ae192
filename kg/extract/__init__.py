"""Extract: papers → mentions and concepts, in two stages.

1. :mod:`kg.extract.spot` — per paper, a pure function of its text and the data files in
   ``spot/data/`` (an edit there re-extracts), cached (:mod:`kg.extract.cache`);
2. :mod:`kg.extract.resolve` — over the corpus, lexicons, acronyms, curation, types and
   relations, from the data files in ``resolve/data/`` (an edit there never re-extracts).

:func:`extract` (:mod:`kg.extract.run`) runs both, on this process, local workers or a Dask
cluster (:mod:`kg.parallel`).
"""

from kg.extract.run import Extraction, extract

__all__ = ["Extraction", "extract"]
