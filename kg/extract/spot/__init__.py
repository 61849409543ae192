"""Stage 1 of extraction, per paper: spot candidate mentions with spaCy rules.

The pipeline (:mod:`.pipeline`) is a blank English tokenizer, a sentencizer and two rule
components; its rules and word lists are the data files in ``data/`` (:mod:`.rules`), and
:func:`spot_papers` (:mod:`.spotter`) turns papers into :class:`~kg.records.SpottedPaper`
records.
"""

from kg.extract.spot.pipeline import blank_pipeline, build_pipeline, pipeline_fingerprint
from kg.extract.spot.rules import SPOT_DATA
from kg.extract.spot.spotter import spot_papers

__all__ = ["SPOT_DATA", "blank_pipeline", "build_pipeline", "pipeline_fingerprint", "spot_papers"]
