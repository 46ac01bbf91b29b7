"""When the recipe does not answer: features of the retrieval result and a calibrated policy.

Raw e5 cosines sit high for any Dutch text (0.78–0.90), so the policy combines the dense
score with how much of the question's content vocabulary the corpus contains at all and
whether the question names a section. Thresholds are calibrated on the golden set
(`recept eval` reports refusal and false-refusal rates) and can be overridden by a setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.bm25 import tokenize
from assistant.retrieve import title_matches
from recept.schema import Passage


@dataclass(frozen=True)
class Features:
    dense_top: float  # best cosine among the top passages
    coverage: float  # share of the question's content words that occur in the corpus
    title_hit: bool  # the question names a section title or speaker

    def __str__(self) -> str:
        return f"dense={self.dense_top:.3f} coverage={self.coverage:.2f} title={self.title_hit}"


def refusal_features(question: str, passages: Sequence[Passage], corpus_folded: str) -> Features:
    dense = max((p.dense for p in passages[:5] if p.dense is not None), default=0.0)
    toks = [t for t in tokenize(question) if len(t) > 2]
    vocab_hits = sum(1 for t in toks if t in corpus_folded)
    coverage = vocab_hits / len(toks) if toks else 0.0
    titles = bool(title_matches(question, [p.chunk for p in passages]))
    return Features(dense, coverage, titles)


@dataclass(frozen=True)
class RefusalPolicy:
    """Refuse when the combined score falls below ``threshold`` (and no section is named)."""

    threshold: float
    coverage_weight: float = 0.1

    @classmethod
    def default(cls, override: float = 0.0) -> RefusalPolicy:
        return cls(override or 0.86)

    def score(self, f: Features) -> float:
        return f.dense_top + self.coverage_weight * f.coverage

    def refuse(self, f: Features) -> bool:
        return not f.title_hit and self.score(f) < self.threshold
