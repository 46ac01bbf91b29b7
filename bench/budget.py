"""An embedder with a time budget, so a 1000× ingest finishes in minutes and stays honest.

Embedding ≈10 MB with e5 on 2 CPU cores takes far longer than a benchmark should. The model
embeds chunks until the budget is spent; the rest get stand-in vectors, so the index still
has its full size for the query measurements, and :meth:`BudgetEmbedder.report` projects
the time a complete ingest would take from the measured throughput.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np


class BudgetEmbedder:
    """Embeds with ``inner`` until ``budget_s`` of embedding time is spent, then returns
    stand-ins: a real vector from earlier plus a little noise, normalised. Queries are always
    real. Counts what was real, so throughput and projections stay honest."""

    def __init__(self, inner: Any, budget_s: float, seed: int = 0) -> None:
        self.inner = inner
        self.budget_s = budget_s
        self.real_chunks = 0
        self.real_s = 0.0
        self.standin_chunks = 0
        self.standin_s = 0.0
        self._pool: list[list[float]] = []
        self._rng = np.random.default_rng(seed)

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        t0 = time.perf_counter()
        if self.real_s < self.budget_s or not self._pool:
            vectors: list[list[float]] = self.inner.embed_documents(list(texts))
            self.real_s += time.perf_counter() - t0
            self.real_chunks += len(texts)
            if len(self._pool) < 1024:
                self._pool.extend(vectors[:16])
            return vectors
        base = np.array([self._pool[i] for i in self._rng.integers(0, len(self._pool), len(texts))])
        noisy = base + self._rng.normal(0.0, 0.02, base.shape)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        self.standin_chunks += len(texts)
        self.standin_s += time.perf_counter() - t0
        out: list[list[float]] = noisy.tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self.inner.embed_query(text)
        return vector

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.inner.embed_queries(list(texts))
        return vectors

    def report(self, total_chunks: int, wall_s: float) -> dict[str, Any]:
        rate = self.real_chunks / self.real_s if self.real_s else 0.0
        overhead = max(wall_s - self.real_s - self.standin_s, 0.0)
        projected = total_chunks / rate + overhead if rate else float("nan")
        return {
            "chunks": total_chunks,
            "embedded_real": self.real_chunks,
            "embedded_standin": self.standin_chunks,
            "complete": self.standin_chunks == 0,
            "embed_s": round(self.real_s, 2),
            "embed_chunks_per_s": round(rate, 1),
            "other_s": round(overhead, 2),
            "wall_s": round(wall_s, 2),
            "projected_full_s": round(projected, 1),
            "projected_chunks_per_s": round(total_chunks / projected, 1) if rate else 0.0,
        }
