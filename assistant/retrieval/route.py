"""Search a corpus of several documents: each document by its own pipeline, then one list.

Why per document: what was learned for one document (a query adapter, a reranker) pulls
questions towards that document's passages. Applied to a corpus with other documents it pulls
their questions away from them; switched off, the document it was made for loses what it
gained. So every document is searched on its own — its own BM25 statistics, its own dense
ranking, and the learned parts that belong to it — and the lists are merged afterwards.

How the lists are merged: a document-neutral search (plain question vector, BM25 over the whole
corpus, no learned parts) ranks every candidate on the same scale. Its order of *documents*
decides which document fills each place of the answer's list; each document's own pipeline
decides which of its passages fills it. So the best neutral candidate's document comes first
(the strongest single piece of evidence, not the document with the most passages on a broad
topic), and a question that needs two documents gets both, as often as the neutral search
puts them near the top. One exception: when the question has words that occur in one
document only (function words aside), that document is the one with the best evidence, and no
other document has words of the question to itself, the question is about that document and
it fills every place: a passage of another document that happens to rank third is no answer to
a question about this one.

>>> fill_slots(["b", "a", "a", "b"], {"a": ["a1", "a2", "a3"], "b": ["b1"]}, k=4)
['b1', 'a1', 'a2', 'a3']
>>> fill_slots(["a"], {"a": ["a1", "a2"], "b": ["b1", "b2"]}, k=3)
['a1', 'a2', 'b1']
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from assistant.retrieval.rerank import Signals
from assistant.retrieval.retrieve import FUNCTION_TERMS, Closeness, HybridRetriever
from ingest.embed.embedder import Embedder
from ingest.store import VectorStore
from recept.schema import Chunk, Passage


def fill_slots(sequence: Sequence[str], ranked: Mapping[str, Sequence[str]], k: int) -> list[str]:
    """The first ``k`` ids: place i goes to the document ``sequence[i]`` names, filled with
    that document's best id not yet taken; past the sequence, the documents take turns in
    the order they first appeared (then in ``ranked``'s order)."""
    queues = {d: list(ids) for d, ids in ranked.items()}
    out: list[str] = []
    for doc in sequence:
        if len(out) >= k:
            return out
        if queues.get(doc):
            out.append(queues[doc].pop(0))
    turn_order = list(dict.fromkeys([*sequence, *ranked]))
    while len(out) < k and any(queues.get(d) for d in turn_order):
        for doc in turn_order:
            if queues.get(doc) and len(out) < k:
                out.append(queues[doc].pop(0))
    return out


def field_of(found: Mapping[str, Signals], doc_of: Mapping[str, str], doc: str) -> bool:
    """Whether a letter field of ``doc`` that the question names by its label is among the
    candidates, and the best candidate of ``doc`` is such a field.

    >>> s = {"a:k": Signals("letter_meta", None, None, 1.0, 1.0, 1, False, 0.09, True),
    ...      "b:k": Signals("letter_meta", None, None, 1.0, 1.0, 2, False, 0.08, True)}
    >>> field_of(s, {"a:k": "a", "b:k": "b"}, "b"), field_of(s, {"a:k": "a", "b:k": "b"}, "c")
    (True, False)
    """
    mine = [s for cid, s in found.items() if doc_of.get(cid) == doc]
    return bool(mine) and max(mine, key=lambda s: s.fused).field_named


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
        # The words of every letter field's labels ("kenmerk", "verzonden", "brief").
        self.field_terms = frozenset().union(
            *(w for ls in neutral.field_labels.values() for w in ls)
        )

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
        neutral = self.neutral.signals(query, qvec)
        sequence = [
            doc
            for cid in sorted(neutral, key=lambda c: -neutral[c].fused)
            if (doc := self.doc_of.get(cid, "")) in docs
        ]
        lead = sequence[0] if sequence else docs[0]
        own = self.own_words(query, docs)
        # A field's own words ("verzonden", "kenmerk") are shared structure, whichever
        # document's parser wrote their synonyms out.
        naming = self.own_words(query, docs, skip=self.field_terms)
        named = next(iter(naming)) if len(naming) == 1 else lead
        if (
            named != lead
            and field_of(neutral, self.doc_of, lead)
            and field_of(neutral, self.doc_of, named)
        ):
            # A letter field both documents have ("het kenmerk van de brief van Duinwaarde"):
            # the field's words are shared, so the words only one document has say whose
            # field it is, however the two fields' scores compare.
            lead = named
        if set(own) == {lead}:
            # The best evidence is in the one document that has words of the question no
            # other document has: the question is about that document, and the others fill
            # no place of the answer. A question with words of its own in two documents
            # ("Gunnen" of one, "Jeugdregio" of the other) keeps both.
            docs, sequence = [lead], [lead]
        found: dict[str, tuple[list[Passage], Closeness]] = {}
        for doc in docs:
            sub: dict[str, float] = {}
            found[doc] = self.per_document[doc].search_detailed(query, k, sub, qvec)
        order = fill_slots(
            sequence, {d: [p.chunk.id for p in ps] for d, (ps, _) in found.items()}, k
        )
        by_id = {p.chunk.id: p for ps, _ in found.values() for p in ps}
        passages = [replace(by_id[cid], rank=r) for r, cid in enumerate(order, start=1)]
        if timings is not None:
            timings["route"] = (time.perf_counter() - t0) * 1000
        return passages, found[lead][1], lead

    def passage_with_all(self, terms: AbstractSet[str], doc_id: str) -> bool:
        """Whether one passage of ``doc_id`` uses every one of ``terms``."""
        return self.per_document[doc_id].passage_with_all(terms)

    def closeness(self, qvec: Sequence[float], doc_id: str) -> Closeness:
        """How close a question vector comes to the passages of ``doc_id``."""
        return self.per_document[doc_id].closeness(qvec)

    def own_words(
        self, query: str, documents: Collection[str], skip: AbstractSet[str] = frozenset()
    ) -> dict[str, set[str]]:
        """Per document of ``documents``, the question's terms that occur in it and in no
        other of them (words that occur nowhere, or in several, say nothing of where to look),
        leaving out ``skip``.
        """
        out: dict[str, set[str]] = {}
        # Function words ("heeft", "zegt", "hoeveel") say nothing of where to look.
        for term in self.neutral.asked_terms(query, skip=FUNCTION_TERMS | skip):
            has = [d for d in documents if term in self.per_document[d].vocabulary]
            if len(has) == 1:
                out.setdefault(has[0], set()).add(term)
        return out

    def names_elsewhere(self, words: Sequence[str], documents: Collection[str]) -> bool:
        """Whether one of ``words`` (stems) occurs in another document but in none of
        ``documents``: a turn that names it has moved to that other document."""
        here = set().union(
            *(self.per_document[d].vocabulary for d in documents if d in self.per_document)
        )
        others = [r.vocabulary for d, r in self.per_document.items() if d not in documents]
        return any(w not in here and any(w in v for v in others) for w in words)

    def lexical(self, query: str, k: int) -> list[Passage]:
        return self.neutral.lexical(query, k)
