"""Fit the learned reranker (assistant/ranker.json) on the question sets and measure it.

    python -m evals.train_ranker [--l2 1.0] [--out assistant/ranker.json]

Trained on golden, holdout, holdout2 and holdout3. ``holdout4`` is never trained on: it is the
validation, and the numbers it gets are written into the model file next to leave-one-set-out
cross-validation (fit on all training sets but one, measure on that one). Both are measured on
the retriever's own ranking, before the answer's reordering (follow-up boosts, "welk
ingrediënt" partitions), so they differ slightly from `recept eval`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.followup import resolve_followup
from assistant.language import question_intent, strip_frame
from assistant.rerank import DEFAULT_PATH, FEATURES, Group, LinearRanker, features, fit
from evals.cases import load_cases
from evals.metrics import contains_any
from recept.settings import Settings

EVALS = Path(__file__).resolve().parent
TRAIN = ("golden", "holdout", "holdout2", "holdout3")
VALIDATE = "holdout4"


def collect(assistant: Assistant, name: str) -> list[tuple[Group, list[float]]]:
    """Per answerable question of set ``name``: (feature rows and gold labels, fused scores)."""
    retriever = assistant.retriever
    out: list[tuple[Group, list[float]]] = []
    for case in load_cases(EVALS / f"{name}.jsonl"):
        if not case.answerable:
            continue
        query, _ = resolve_followup(case.question, case.history, retriever.chunks)
        query = strip_frame(query)
        found = retriever.signals(query, retriever.embedder.embed_query(query))
        rows = features(list(found.values()), question_intent(query))
        gold = [float(contains_any(retriever.by_id[cid].text, case.gold)) for cid in found]
        out.append(((rows, gold), [s.fused for s in found.values()]))
    return out


def hits(
    groups: Sequence[tuple[Group, list[float]]], ranker: LinearRanker | None
) -> dict[str, float]:
    """hit@1 and hit@3 of the ranker (or of fusion alone when ``ranker`` is None).

    >>> g = [(([[0.0] * 17, [1.0] * 17], [0.0, 1.0]), [0.2, 0.1])]
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


def train(assistant: Assistant, l2: float) -> LinearRanker:
    data = {name: collect(assistant, name) for name in (*TRAIN, VALIDATE)}
    train_groups = [g for name in TRAIN for g, _ in data[name]]
    ranker = fit(train_groups, l2)
    cv: dict[str, Any] = {}
    for held in TRAIN:
        others = [g for name in TRAIN if name != held for g, _ in data[name]]
        cv[held] = {"rrf": hits(data[held], None), "learned": hits(data[held], fit(others, l2))}
    info = {
        "trained_on": list(TRAIN),
        "questions": len(train_groups),
        "l2": l2,
        "leave_one_set_out": cv,
        VALIDATE: {"rrf": hits(data[VALIDATE], None), "learned": hits(data[VALIDATE], ranker)},
    }
    return LinearRanker(FEATURES, ranker.mean, ranker.scale, ranker.weights, info)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    settings = replace(Settings.load(), reranker="rrf")  # the signals, not the old model's order
    ranker = train(Assistant.from_settings(settings), args.l2)
    args.out.write_text(json.dumps(ranker.to_dict(), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(ranker.info, indent=1))


if __name__ == "__main__":
    main()
