"""Fit the query adapter (assistant/adapter.npz) and the reranker (assistant/ranker.json).

    python -m profiles.recipe.train [--l2 1.0] [--no-cv]

Both learn from the sets in ``TRAIN``. The sets in ``VALIDATE`` are never trained on, and
their misses are not read while building: the numbers they get are written into the model
files, next to leave-one-set-out cross-validation (fit on all training sets but one, measure
on that one).

The reranker reads dense signals of the adapted question vector. On its own training questions
the adapter is better than it will ever be on a new question, so the reranker would learn to
trust it too much: each set's signals come from an adapter fitted without that set
(cross-fitting). Numbers are measured on the retriever's own ranking, before the answer's
reordering (follow-up boosts, "welk ingrediënt" partitions), so they differ slightly from
`recept eval`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.api import Assistant
from assistant.conversation.references import resolve
from assistant.query.language import question_intent, strip_frame
from assistant.retrieval import adapter as adapt
from assistant.retrieval.rerank import SIGNALS, Group, LinearRanker, features, fit
from assistant.retrieval.retrieve import HybridRetriever
from evals.cases import load_cases
from evals.metrics import contains_any
from profiles.recipe import ADAPTER, RANKER
from recept.settings import Settings

EVALS = Path(__file__).resolve().parents[2] / "evals" / "sets"
TRAIN = (
    "golden",
    "holdout",
    "holdout2",
    "holdout3",
    "holdout5",
    "holdout6",
    "holdout7",
    "holdout9",
    "holdout10",
    "holdout11",
    "holdout13",
    "holdout14",
    "holdout15",
    "holdout16",
    "holdout17",
    "holdout18",
    "holdout19",
    "holdout20",
)
VALIDATE = ("holdout4", "holdout8", "holdout12")
# The reranker's features: the general signals, and the recipe's own section kinds.
KINDS = ("ingredient", "quote", "letter", "letter_meta", "intro", "outlook", "colophon")
FEATURES = (
    *SIGNALS,
    "apply_ingredient",  # an advice question and an ingredient
    "fact_ingredient",  # a factual question and an ingredient
    *(f"kind_{k}" for k in KINDS),
)
TEMPERATURE = 0.02  # the softmax of the adapter; 0.005–0.02 were alike in cross-validation


@dataclass(frozen=True)
class Question:
    query: str  # the search query, as the assistant makes it
    vector: list[float]  # its plain e5 vector
    gold: tuple[str, ...]  # phrases found in the answering passage; () when out of scope


Fitted = tuple[Group, list[float]]  # one question's ranker data and its fused scores


def single_document(assistant: Assistant) -> HybridRetriever:
    """The retriever of the one document the models are trained for (an index of it alone)."""
    per_document = assistant.retriever.per_document
    if len(per_document) != 1:
        raise SystemExit("Train on an index of the recipe alone (`recept ingest` of corpus/).")
    return next(iter(per_document.values()))


def questions(assistant: Assistant, name: str) -> list[Question]:
    """The questions of set ``name``, with their search query and vector."""
    retriever = single_document(assistant)
    out = []
    for case in load_cases(EVALS / f"{name}.jsonl"):
        query = resolve(case.question, case.history, retriever.chunks).query
        query = strip_frame(query)
        out.append(Question(query, retriever.embedder.embed_query(query), case.gold))
    return out


def answerable(qs: Sequence[Question]) -> list[Question]:
    return [q for q in qs if q.gold]


class Corpus:
    """What the adapter maps towards: the dense passages, for a question the recipe answers,
    and the refusal's off-topic descriptions, for one it does not. So the adapted vector also
    tells the two apart (``Features.adapted_lead``)."""

    def __init__(self, assistant: Assistant) -> None:
        retriever = single_document(assistant)
        self.ids = [c.id for c in retriever.chunks if c.id not in retriever.dense_excluded]
        vectors = retriever.store.vectors(self.ids)
        self.passages = _unit([vectors[cid] for cid in self.ids])
        self.texts = [retriever.by_id[cid].text for cid in self.ids]
        [self.off_topic] = [_unit(v) for v in assistant.off_topic_vectors.values()]

    def fit(self, sets: Sequence[list[Question]], l2: float) -> adapt.Matrix:
        qs = [q for s in sets for q in s]
        gold = [self._targets(q) for q in qs]
        targets = np.vstack([self.passages, self.off_topic])
        return adapt.fit(
            _unit([q.vector for q in qs]), gold, targets, temperature=TEMPERATURE, l2=l2
        )

    def _targets(self, q: Question) -> list[float]:
        """The gold passages; any passage when the answer is a letter field dense search does
        not hold (a phone number: in scope, though no passage is its answer); the off-topic
        descriptions when the corpus does not answer."""
        if not q.gold:
            return [0.0] * len(self.texts) + [1.0] * len(self.off_topic)
        gold = [float(contains_any(t, q.gold)) for t in self.texts]
        return (gold if any(gold) else [1.0] * len(gold)) + [0.0] * len(self.off_topic)


def _unit(vectors: Sequence[Sequence[float]]) -> adapt.Matrix:
    m = np.asarray(vectors, dtype=np.float64)
    out: adapt.Matrix = m / np.linalg.norm(m, axis=1, keepdims=True)
    return out


def collect(
    retriever: HybridRetriever, qs: Sequence[Question], matrix: adapt.Matrix | None
) -> list[Fitted]:
    """Per question: (feature rows and gold labels, fused scores), dense adapted by ``matrix``."""
    out: list[Fitted] = []
    adapter = None if matrix is None else adapt.QueryAdapter(matrix, {})
    for q in answerable(qs):
        vector = q.vector if adapter is None else adapter.apply(q.vector)
        found = retriever.signals(q.query, vector)
        rows = features(list(found.values()), question_intent(q.query), FEATURES)
        gold = [float(contains_any(retriever.by_id[cid].text, q.gold)) for cid in found]
        out.append(((rows, gold), [s.fused for s in found.values()]))
    return out


def hits(groups: Sequence[Fitted], ranker: LinearRanker | None) -> dict[str, float]:
    """hit@1 and hit@3 of the ranker (or of fusion alone when ``ranker`` is None).

    >>> g = [(([[0.0] * 18, [1.0] * 18], [0.0, 1.0]), [0.2, 0.1])]
    >>> hits(g, None)
    {'hit@1': 0.0, 'hit@3': 1.0, 'n': 1}
    """
    h1 = h3 = 0
    for (rows, gold), fused in groups:
        scores = ranker.scores(rows).tolist() if ranker else fused
        order = sorted(range(len(gold)), key=lambda i: -scores[i])
        pos = next((r for r, i in enumerate(order, start=1) if gold[i]), None)
        h1 += pos == 1
        h3 += pos is not None and pos <= 3
    n = len(groups)
    return {"hit@1": round(h1 / n, 3), "hit@3": round(h3 / n, 3), "n": n}


def _cross_fitted(
    retriever: HybridRetriever,
    corpus: Corpus,
    data: dict[str, list[Question]],
    names: Sequence[str],
    l2: float,
    only: str | None = None,
) -> list[Fitted]:
    """Every question of ``names`` (or of the set ``only``) with signals from an adapter fitted
    on the other sets."""
    out: list[Fitted] = []
    for name in names if only is None else [only]:
        matrix = corpus.fit([data[n] for n in names if n != name], l2)
        out += collect(retriever, data[name], matrix)
    return out


def train(
    assistant: Assistant, l2: float, cross_validate: bool = True
) -> tuple[adapt.QueryAdapter, LinearRanker]:
    """The adapter (fitted on all training sets) and the reranker (on cross-fitted signals)."""
    retriever = single_document(assistant)
    corpus = Corpus(assistant)
    data = {name: questions(assistant, name) for name in (*TRAIN, *VALIDATE)}
    matrix = corpus.fit([data[n] for n in TRAIN], l2)
    # Each set's signals from an adapter fitted on the other sets (cross-fitting).
    outer = {name: _cross_fitted(retriever, corpus, data, TRAIN, l2, only=name) for name in TRAIN}
    ranker = fit([g for name in TRAIN for g, _ in outer[name]], l2, FEATURES)
    report: dict[str, Any] = {}
    if cross_validate:
        # Leave one set out: the held-out set is scored with an adapter and a ranker that never
        # saw its questions. Single level: the other sets' signals, which the ranker learns
        # from, come from adapters that did see the held-out set's questions (a nested fit,
        # 343 adapters, took over 40 minutes on 2 cores; this one reuses the 18 above).
        cv: dict[str, Any] = {}
        for held in TRAIN:
            inner = fit([g for n in TRAIN if n != held for g, _ in outer[n]], l2, FEATURES)
            cv[held] = {
                "rrf": hits(collect(retriever, data[held], None), None),
                "adapter+rrf": hits(outer[held], None),
                "adapter+learned": hits(outer[held], inner),
            }
        report["leave_one_set_out"] = cv
        report["cross_validation"] = "single-level leave-one-set-out"
    for name in VALIDATE:
        validation = collect(retriever, data[name], matrix)
        report[name] = {
            "rrf": hits(collect(retriever, data[name], None), None),
            "adapter+rrf": hits(validation, None),
            "adapter+learned": hits(validation, ranker),
        }
    manifest = assistant.manifest
    common = {
        "trained_on": list(TRAIN),
        "validated_on": list(VALIDATE),
        "questions": sum(len(answerable(data[n])) for n in TRAIN),
        "out_of_scope": sum(len(data[n]) - len(answerable(data[n])) for n in TRAIN),
        "l2": l2,
    }
    adapter = adapt.QueryAdapter(
        matrix,
        {
            **common,
            "temperature": TEMPERATURE,
            "documents": sorted(d["sha256"] for d in manifest["documents"].values()),
            "model": manifest["model"],
            **report,
        },
    )
    info = {**common, "signals": "cross-fitted adapter", **report}
    return adapter, LinearRanker(FEATURES, ranker.mean, ranker.scale, ranker.weights, info)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--no-cv", action="store_true", help="skip leave-one-set-out")
    parser.add_argument("--out", type=Path, default=RANKER, help="the ranker file")
    parser.add_argument("--adapter-out", type=Path, default=ADAPTER)
    args = parser.parse_args(argv)
    # The plain signals: neither the old adapter nor the old ranker may shape what is learned.
    settings = replace(Settings.load(), reranker="rrf", query_adapter="off")
    adapter, ranker = train(Assistant.from_settings(settings), args.l2, not args.no_cv)
    adapter.save(args.adapter_out)
    args.out.write_text(json.dumps(ranker.to_dict(), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(ranker.info, indent=1))


if __name__ == "__main__":
    main()
