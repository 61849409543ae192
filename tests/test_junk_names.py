"""Junk the issue found in a 5,000-abstract build (issue 13) stays out of concepts: evaluative
phrases, LaTeX in keys, scores glued onto names, British/American spelling twins. The sample
is made-up text shaped like the corpus sentences that produced them."""

from __future__ import annotations

from kg.extract import extract
from kg.records import Paper

SAMPLE = [
    Paper(id="j1", title="A study", source="sample",
          abstract=r"We propose $\textbf{c}$hain-of-thought Distillation (CoTD) for language modelling. "
                   r"Our model beats the State-of-the-Art and strong baselines; ViT 86.54 and ViT 96.36 on ImageNet."),
    Paper(id="j2", title="Another study", source="sample",
          abstract="We study language modeling and compare with state-of-the-art models. CoTD is used."),
]


def test_junk_from_the_5k_build_is_not_a_concept():
    resolution = extract(SAMPLE).resolution
    keys = set(resolution.concepts)
    texts = {m.text for m in resolution.mentions}
    assert not any(k.startswith("state") for k in keys), keys
    assert "strong baselines" not in keys
    assert not any("\\" in k or "$" in k or "{" in k for k in keys), keys
    assert not any(t[-1].isdigit() and " " in t and t.split()[0] == "ViT" for t in texts), texts
    assert "language modeling" in keys and "language modelling" not in keys
