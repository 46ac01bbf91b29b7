"""A learned reranker over the fused candidates: a linear model on a few retrieval signals.

Reciprocal rank fusion weighs dense, BM25 and title evidence the same way for every question.
Which signal deserves trust depends on the question and the passage: an advice question wants
an ingredient, a date question a letter field; a passage reached only through thesaurus words
is weaker evidence than one that shares the asked words. A conditional-logit model (softmax
over one question's candidates, trained on the question sets, `python -m profiles.recipe.train`)
learns those weights. Its features are general signals, never words of a question.

>>> ranker = LinearRanker(FEATURES, [0.0] * len(FEATURES), [1.0] * len(FEATURES),
...                       [1.0] + [0.0] * (len(FEATURES) - 1))
>>> ranker.scores([[0.0] * 18, [-1.0] + [0.0] * 17]).tolist()
[0.0, -1.0]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recept.errors import ConfigError

# Section kinds of the recipe's parser; other documents' kinds simply score 0 on these.
KINDS = ("ingredient", "quote", "letter", "letter_meta", "intro", "outlook", "colophon")

FEATURES = (
    "dense_gap",  # cosine minus the best candidate's cosine (dense-ranked chunks only)
    "dense_rr",  # 1 / (20 + dense rank)
    "bm25_share",  # BM25 score / best BM25 score
    "bm25_rr",  # 1 / (20 + BM25 rank)
    "related_share",  # part of the BM25 score that only thesaurus words brought
    "title",  # the question names the section or quotes a phrase of it
    "field_named",  # a letter field whose title the question uses ("welk kenmerk heeft de brief")
    "not_dense",  # a chunk dense ranking does not judge (short letter fields)
    "rrf",  # the fused score / best fused score
    "apply_ingredient",  # an advice question and an ingredient
    "fact_ingredient",  # a factual question and an ingredient
    *(f"kind_{k}" for k in KINDS),
)


@dataclass(frozen=True)
class Signals:
    """What retrieval knows about one candidate chunk, before any weighting."""

    kind: str
    dense: float | None  # cosine, None when the chunk is not dense-ranked
    dense_rank: int | None
    bm25: float
    bm25_plain: float  # BM25 without thesaurus words
    bm25_rank: int | None
    title: bool
    fused: float
    field_named: bool = False  # a letter field whose title words the question all uses


def features(signals: Sequence[Signals], intent: str) -> list[list[float]]:
    """One feature row per candidate, in ``FEATURES`` order.

    >>> rows = features([Signals("ingredient", 0.9, 1, 2.0, 1.0, 1, False, 0.1),
    ...                  Signals("letter", None, None, 0.0, 0.0, None, True, 0.05)], "apply")
    >>> dict(zip(FEATURES, rows[0]))["related_share"], dict(zip(FEATURES, rows[1]))["dense_gap"]
    (0.5, -0.1)
    """
    dense_top = max((s.dense for s in signals if s.dense is not None), default=0.0)
    bm25_top = max((s.bm25 for s in signals), default=0.0) or 1.0
    fused_top = max((s.fused for s in signals), default=0.0) or 1.0
    rows = []
    for s in signals:
        ingredient = float(s.kind == "ingredient")
        rows.append(
            [
                s.dense - dense_top if s.dense is not None else -0.1,
                1 / (20 + s.dense_rank) if s.dense_rank else 0.0,
                s.bm25 / bm25_top,
                1 / (20 + s.bm25_rank) if s.bm25_rank else 0.0,
                (s.bm25 - s.bm25_plain) / bm25_top,
                float(s.title),
                float(s.field_named),
                float(s.dense is None),
                s.fused / fused_top,
                ingredient * (intent == "apply"),
                ingredient * (intent == "factual"),
                *(float(s.kind == k) for k in KINDS),
            ]
        )
    return rows


class LinearRanker:
    """Scores standardised feature rows with one weight vector."""

    def __init__(
        self,
        names: Sequence[str],
        mean: npt.ArrayLike,
        scale: npt.ArrayLike,
        weights: npt.ArrayLike,
        info: dict[str, Any] | None = None,
    ) -> None:
        if tuple(names) != FEATURES:
            raise ValueError(f"ranker features {tuple(names)} differ from {FEATURES}")
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.info = info or {}

    def scores(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """One score per candidate; only their order matters (softmax logits)."""
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return np.asarray(x @ self.weights)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "info": self.info,
        }

    @classmethod
    def load(cls, path: Path) -> LinearRanker:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["features"], data["mean"], data["scale"], data["weights"], data["info"])


def load_ranker(path: Path) -> LinearRanker:
    """A profile's ranker; a missing or unreadable file is a packaging error, said plainly."""
    try:
        return LinearRanker.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"Het rangschikkingsmodel {path} ontbreekt of is onleesbaar ({exc}). Zet "
            "RECEPT_RERANKER=rrf, of maak het opnieuw met `python -m profiles.recipe.train`."
        ) from exc


Group = tuple[Sequence[Sequence[float]], Sequence[float]]  # one question: feature rows, gold


def fit(groups: Sequence[Group], l2: float) -> LinearRanker:
    """Fit the conditional logit: per question, softmax over its candidates, gold as target.

    ``groups`` holds (feature rows, gold labels) per question; questions without a gold
    candidate teach nothing and are skipped. ``l2`` penalises the standardised weights.

    >>> one = [1.0] + [0.0] * 17
    >>> g = [([one, [0.0] * 18], [1.0, 0.0]), ([[0.0] * 18, one], [0.0, 1.0])]
    >>> bool(fit(g, 0.1).weights[0] > 0)
    True
    """
    from scipy.optimize import minimize  # training only

    usable = [(np.asarray(x, float), np.asarray(y, float)) for x, y in groups if sum(y) > 0]
    stacked = np.vstack([x for x, _ in usable])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale == 0] = 1.0
    xs = [(x - mean) / scale for x, _ in usable]
    targets = [y / y.sum() for _, y in usable]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w), 2 * l2 * w
        for x, t in zip(xs, targets, strict=True):
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            total -= float(t @ np.log(p + 1e-12))
            grad = grad - x.T @ (t - p)
        return total, grad

    w = minimize(loss, np.zeros(stacked.shape[1]), jac=True, method="L-BFGS-B").x
    return LinearRanker(FEATURES, mean, scale, w)
