"""Search a corpus of several documents: each document by its own pipeline, then one list.

Why per document: what was learned for one document (a query adapter, a reranker) pulls
questions towards that document's passages. Applied to a corpus with other documents it pulls
their questions away from them; switched off, the document it was made for loses what it
gained. So every document is searched on its own — its own BM25 statistics, its own dense
ranking, and the learned parts that belong to it — and the lists are merged afterwards.

How the lists are merged: a document-neutral search (plain question vector, BM25 over the whole
corpus, no learned parts) says how much of the evidence each document holds, its *share* of the
fused score of the top candidates. Each passage then scores ``share / (k + rank in its
document)``, the same reciprocal-rank form and ``k`` that fuse dense and lexical rankings. A
question about one document puts that document's passages first; a question that needs two
keeps the second document's best passages near the top, in proportion to the evidence.

>>> merge_ranked({"a": ["a1", "a2"], "b": ["b1"]}, {"a": 0.8, "b": 0.2}, k=20)
['a1', 'a2', 'b1']
>>> merge_ranked({"a": ["a1", "a2", "a3"], "b": ["b1"]}, {"a": 0.5, "b": 0.5}, k=20)
['a1', 'b1', 'a2', 'a3']
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from assistant.retrieval.retrieve import Closeness, HybridRetriever
from ingest.embed.embedder import Embedder
from ingest.store import VectorStore
from recept.schema import Chunk, Passage

SHARE_DEPTH = 10  # candidates of the neutral search that vote on the documents' shares


def merge_ranked(
    ranked: Mapping[str, Sequence[str]], shares: Mapping[str, float], k: int
) -> list[str]:
    """Ids of several documents' ranked lists in one order, by ``share / (k + rank)``."""
    scored = [
        (shares.get(doc, 0.0) / (k + r), doc, r, cid)
        for doc, ids in ranked.items()
        for r, cid in enumerate(ids, start=1)
    ]
    return [cid for *_, cid in sorted(scored, key=lambda s: (-s[0], s[2], s[1]))]


def shares_of(
    fused: Mapping[str, float], doc_of: Mapping[str, str], depth: int
) -> dict[str, float]:
    """Each document's part of the fused score of the ``depth`` best candidates.

    >>> shares_of({"x": 3.0, "y": 1.0, "z": 0.5}, {"x": "a", "y": "b", "z": "b"}, depth=2)
    {'a': 0.75, 'b': 0.25}
    """
    top = sorted(fused.items(), key=lambda kv: -kv[1])[:depth]
    total = sum(s for _, s in top) or 1.0
    out: dict[str, float] = {}
    for cid, s in top:
        doc = doc_of[cid]
        out[doc] = out.get(doc, 0.0) + s / total
    return out


class DocumentView:
    """One document of a vector store, behind the store's own interface."""

    def __init__(self, store: VectorStore, doc_id: str, size: int) -> None:
        self.store = store
        self.doc_id = doc_id
        self.name = store.name
        self._size = size

    def query(
        self, vector: Sequence[float], k: int, doc_id: str | None = None
    ) -> list[tuple[Chunk, float]]:
        return self.store.query(vector, k, doc_id=self.doc_id)

    def count(self) -> int:
        return self._size

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        raise TypeError("a document view is read-only")

    def all_chunks(self) -> list[Chunk]:
        return [c for c in self.store.all_chunks() if c.doc_id == self.doc_id]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return self.store.vectors(ids)


class RoutedRetriever:
    """The retriever the assistant uses: one :class:`HybridRetriever` per document.

    With one document it is that document's retriever and nothing else, so a corpus of one
    document is searched exactly as before.
    """

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        per_document: Mapping[str, HybridRetriever],
        neutral: HybridRetriever,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.per_document = dict(per_document)
        self.neutral = neutral  # no learned parts: what each document holds, comparably
        self.chunks = neutral.chunks
        self.by_id = neutral.by_id
        self.vocabulary = neutral.vocabulary
        self.doc_of = {c.id: c.doc_id for c in self.chunks}

    @property
    def documents(self) -> list[str]:
        return list(self.per_document)

    def search_detailed(
        self,
        query: str,
        k: int,
        timings: dict[str, float] | None = None,
        qvec: Sequence[float] | None = None,
        documents: Collection[str] | None = None,
    ) -> tuple[list[Passage], Closeness, str]:
        """(the ``k`` best passages, closeness in the leading document, that document's id)."""
        docs = [d for d in self.per_document if documents is None or d in documents]
        if qvec is None:
            qvec = self.embedder.embed_query(query)
        if len(docs) == 1:
            passages, near = self.per_document[docs[0]].search_detailed(query, k, timings, qvec)
            return passages, near, docs[0]
        t0 = time.perf_counter()
        fused = {
            cid: s.fused
            for cid, s in self.neutral.signals(query, qvec).items()
            if self.doc_of.get(cid) in docs
        }
        shares = shares_of(fused, self.doc_of, SHARE_DEPTH)
        lead = max(docs, key=lambda d: shares.get(d, 0.0))
        found: dict[str, tuple[list[Passage], Closeness]] = {}
        for doc in docs:
            sub: dict[str, float] = {}
            found[doc] = self.per_document[doc].search_detailed(query, k, sub, qvec)
        order = merge_ranked(
            {d: [p.chunk.id for p in ps] for d, (ps, _) in found.items()},
            shares,
            k=self.neutral.weights.rrf_k,
        )[:k]
        by_id = {p.chunk.id: p for ps, _ in found.values() for p in ps}
        passages = [replace(by_id[cid], rank=r) for r, cid in enumerate(order, start=1)]
        if timings is not None:
            timings["route"] = (time.perf_counter() - t0) * 1000
        return passages, found[lead][1], lead

    def lexical(self, query: str, k: int) -> list[Passage]:
        return self.neutral.lexical(query, k)
