"""Retrieval baselines (evals/baselines.py): BM25 and Chroma wiring without a model, then the
textbook LangChain recipe with the real all-MiniLM-L6-v2."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.baselines import (
    CHUNK_SIZE,
    as_langchain_embeddings,
    bm25_rankings,
    langchain_rankings,
    run_baselines,
    split_documents,
)
from evals.cases import EvalCase
from ingest.embed.embedder import HashEmbedder

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md"

CASES = [
    EvalCase(
        "anna",
        "Wat betekent het ezelsbruggetje ANNA?",
        "nl",
        "factual",
        True,
        gold=("altijd nagaan, nooit aannemen",),
    ),
    EvalCase(
        "calimero",
        "Welk effect moeten we vermijden volgens het recept?",
        "nl",
        "paraphrase",
        True,
        gold=("Vermijd het Calimero-effect",),
    ),
    EvalCase(
        "crisis",
        "What should we do after a crisis?",
        "en",
        "apply",
        True,
        gold=("Evalueer en trek de lessen uit zo'n situatie",),
    ),
    EvalCase("weer", "Wat voor weer wordt het morgen?", "nl", "out_of_scope", False),
]


def test_split_is_the_textbook_1000_200() -> None:
    chunks = split_documents([CORPUS.read_text(encoding="utf-8")])
    assert len(chunks) > 5
    assert all(len(c) <= CHUNK_SIZE for c in chunks)


def test_bm25_baseline_without_a_model() -> None:
    out = run_baselines([CORPUS.read_text(encoding="utf-8")], CASES, include=["bm25"])
    bm = out["bm25"]
    assert set(bm["rankings"]) == {"anna", "calimero", "crisis"}  # answerable with gold only
    assert bm["retrieval"]["n"] == 3
    assert bm["retrieval"]["hit@1"] is not None and bm["retrieval"]["hit@5"] >= 2 / 3
    assert "ANNA" in bm["rankings"]["anna"][0]


def test_bm25_ranking_prefers_matching_words() -> None:
    chunks = ["over geld en financiën", "ken jezelf en je capaciteit", "doen"]
    assert bm25_rankings(chunks, ["Wat is je capaciteit?"], k=1) == [[chunks[1]]]


def test_langchain_chroma_wiring_with_a_fake_embedder() -> None:
    chunks = ["Altijd nagaan, nooit aannemen.", "Zet geen hek om de gemeente.", "Doen."]
    emb = as_langchain_embeddings(HashEmbedder())
    [top] = langchain_rankings(chunks, ["nooit aannemen"], emb, k=2)
    assert len(top) == 2 and top[0] == chunks[0]


@pytest.mark.model
def test_textbook_langchain_recipe_with_minilm() -> None:
    out = run_baselines([CORPUS.read_text(encoding="utf-8")], CASES)
    lc = out["langchain"]
    assert lc["label"].startswith("LangChain-recept")
    assert all(len(r) == 4 for r in lc["rankings"].values())  # k=4
    assert lc["retrieval"]["n"] == 3
    for name in ("langchain", "bm25"):
        r = out[name]["retrieval"]
        assert set(r) == {"n", "hit@1", "hit@3", "hit@5", "mrr"}
        assert 0.0 <= r["mrr"] <= 1.0
    # BM25 finds the one chunk holding the rare word "ANNA" first.
    assert "ANNA" in out["bm25"]["rankings"]["anna"][0]
