"""The LangChain recipe we compare against: RecursiveCharacterTextSplitter(1000/200),
all-MiniLM-L6-v2 and langchain_chroma, k=4, on the same texts and questions."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.budget import BudgetEmbedder
from bench.stats import Rankings, stats_ms


def langchain_run(
    texts: Sequence[str], cases: Sequence[Any], minilm: Any, budget_s: float, workdir: Path
) -> tuple[dict[str, Any], Rankings]:
    """Ingest ``texts`` with an embedding budget, then time a search per case."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    from evals.baselines import LANGCHAIN_K, as_langchain_embeddings, split_documents

    t0 = time.perf_counter()
    chunks = split_documents(texts)
    split_s = time.perf_counter() - t0
    budget = BudgetEmbedder(minilm, budget_s, seed=1)
    client = chromadb.PersistentClient(
        path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = Chroma(
        collection_name="langchain-bench",
        embedding_function=as_langchain_embeddings(budget),
        client=client,
    )
    t0 = time.perf_counter()
    for i in range(0, len(chunks), 1000):  # below Chroma's maximum batch size
        store.add_texts(chunks[i : i + 1000])
    ingest_report = budget.report(len(chunks), split_s + time.perf_counter() - t0)
    for case in cases[:3]:
        store.similarity_search(case.question, k=LANGCHAIN_K)
    search: list[float] = []
    ranked = Rankings()
    for case in cases:
        t0 = time.perf_counter()
        docs = store.similarity_search(case.question, k=LANGCHAIN_K)
        search.append(time.perf_counter() - t0)
        ranked.add(case, [d.page_content for d in docs])
    store.delete_collection()
    return {"ingest": ingest_report, "retrieval_ms": stats_ms(search)}, ranked
