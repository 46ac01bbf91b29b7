"""A learned reranker over the fused candidates: a linear model on a few retrieval signals.

Reciprocal rank fusion weighs dense, BM25 and title evidence the same way for every question.
Which signal deserves trust depends on the question and the passage: an advice question wants
a body passage, a date question a letter field; a passage reached only through thesaurus words
is weaker evidence than one that shares the asked words. A conditional-logit model (softmax
over one question's candidates, trained on question sets) learns those weights. Its features
are general signals, never words of a question.

A model names its features: the retrieval signals in ``SIGNALS`` and, for the section kinds of
the documents it was trained on, ``kind_X`` (the candidate is of kind X), ``apply_X`` and
``fact_X`` (of kind X, for an advice or a factual question). So the kinds of one profile's
documents live in that profile's model file, not here.

>>> ranker = LinearRanker(SIGNALS, [0.0] * 9, [1.0] * 9, [1.0] + [0.0] * 8)
>>> rows = features([Signals("section", 0.9, 1, 1.0, 1.0, 1, False, 0.1),
...                  Signals("table", 0.8, 2, 1.0, 1.0, 2, False, 0.1)], "general", SIGNALS)
>>> [round(x, 2) for x in ranker.scores(rows).tolist()]
[0.0, -0.1]
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

SIGNALS = (
    "dense_gap",  # cosine minus the best candidate's cosine (dense-ranked chunks only)
    "dense_rr",  # 1 / (20 + dense rank)
    "bm25_share",  # BM25 score / best BM25 score
    "bm25_rr",  # 1 / (20 + BM25 rank)
    "related_share",  # part of the BM25 score that only thesaurus words brought
    "title",  # the question names the section or quotes a phrase of it
    "field_named",  # a letter field whose title the question uses ("welk kenmerk heeft de brief")
    "not_dense",  # a chunk dense ranking does not judge (short letter fields)
    "rrf",  # the fused score / best fused score
)
# Per section kind X: is of kind X; of kind X and the question asks advice; … asks a fact.
KIND_PREFIXES = {"kind_": "", "apply_": "apply", "fact_": "factual"}


def check_names(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` when every one is a signal or a kind feature, else a ValueError.

    >>> check_names(["rrf", "kind_table", "fact_letter_meta"])
    ('rrf', 'kind_table', 'fact_letter_meta')
    >>> check_names(["colour"])
    Traceback (most recent call last):
    ValueError: unknown ranker features: colour
    """
    unknown = [
        n
        for n in names
        if n not in SIGNALS and not any(n.startswith(p) and n != p for p in KIND_PREFIXES)
    ]
    if unknown:
        raise ValueError(f"unknown ranker features: {', '.join(unknown)}")
    return tuple(names)


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


def features(signals: Sequence[Signals], intent: str, names: Sequence[str]) -> list[list[float]]:
    """One feature row per candidate, in the order of ``names``.

    >>> rows = features([Signals("ingredient", 0.9, 1, 2.0, 1.0, 1, False, 0.1),
    ...                  Signals("letter", None, None, 0.0, 0.0, None, True, 0.05)], "apply",
    ...                 ["related_share", "dense_gap", "apply_ingredient", "kind_letter"])
    >>> rows
    [[0.5, 0.0, 1.0, 0.0], [0.0, -0.1, 0.0, 1.0]]
    """
    dense_top = max((s.dense for s in signals if s.dense is not None), default=0.0)
    bm25_top = max((s.bm25 for s in signals), default=0.0) or 1.0
    fused_top = max((s.fused for s in signals), default=0.0) or 1.0
    rows = []
    for s in signals:
        values = {
            "dense_gap": s.dense - dense_top if s.dense is not None else -0.1,
            "dense_rr": 1 / (20 + s.dense_rank) if s.dense_rank else 0.0,
            "bm25_share": s.bm25 / bm25_top,
            "bm25_rr": 1 / (20 + s.bm25_rank) if s.bm25_rank else 0.0,
            "related_share": (s.bm25 - s.bm25_plain) / bm25_top,
            "title": float(s.title),
            "field_named": float(s.field_named),
            "not_dense": float(s.dense is None),
            "rrf": s.fused / fused_top,
        }
        rows.append([values[n] if n in values else _kind_feature(n, s.kind, intent) for n in names])
    return rows


def _kind_feature(name: str, kind: str, intent: str) -> float:
    for prefix, wanted in KIND_PREFIXES.items():
        if name.startswith(prefix):
            return float(name[len(prefix) :] == kind and (not wanted or intent == wanted))
    raise ValueError(f"unknown ranker feature: {name}")


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
        self.names = check_names(names)
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
            "features": list(self.names),
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


def fit(groups: Sequence[Group], l2: float, names: Sequence[str]) -> LinearRanker:
    """Fit the conditional logit: per question, softmax over its candidates, gold as target.

    ``groups`` holds (feature rows, gold labels) per question, rows in the order of ``names``;
    questions without a gold candidate teach nothing and are skipped. ``l2`` penalises the
    standardised weights.

    >>> one = [1.0] + [0.0] * 8
    >>> g = [([one, [0.0] * 9], [1.0, 0.0]), ([[0.0] * 9, one], [0.0, 1.0])]
    >>> bool(fit(g, 0.1, SIGNALS).weights[0] > 0)
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
    return LinearRanker(names, mean, scale, w)
