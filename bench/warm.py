"""Our pipeline, warm: ingest with a loaded model, open the assistant, time retrieval and
full answers question by question, and see how torch's thread count affects embedding."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.stats import Rankings, stats_ms


def tier_settings(data_dir: Path, corpus_dir: Path, user: Any, spec: Any) -> Any:
    """Settings for one benchmark index: its own data dir, the user's embedding model."""
    from recept.settings import Settings

    if spec.buildable:  # e5 lives in a data dir: share the built one, never rebuild
        target = data_dir / "models" / spec.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(spec.path.resolve(), target_is_directory=True)
    return Settings.load(
        env={},
        overrides={
            "data_dir": str(data_dir),
            "corpus_dir": str(corpus_dir),
            "embedding_model": user.embedding_model,
        },
    )


def ingest(settings: Any, embedder: Any, paths: Sequence[Path]) -> tuple[Any, float]:
    """The ingest summary and its wall time in seconds."""
    from ingest.loaders import MB
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaCatalog

    ingestor = Ingestor(
        ChromaCatalog.from_settings(settings),
        embedder,
        lock_path=settings.data_path / "ingest.lock",
        max_bytes=settings.max_file_mb * MB,
    )
    t0 = time.perf_counter()
    summary = ingestor.run(list(paths), sync=True)
    return summary, time.perf_counter() - t0


def open_assistant(settings: Any, embedder: Any) -> tuple[Any, float]:
    """The assistant on ``settings``'s index and the seconds opening it took."""
    from assistant import Assistant

    t0 = time.perf_counter()
    assistant = Assistant.from_settings(settings, embedder=embedder)
    return assistant, time.perf_counter() - t0


def measure_assistant(
    assistant: Any, cases: Sequence[Any], warmup: int = 3
) -> tuple[dict[str, Any], Rankings]:
    """Warm retrieval and full extractive answers over ``cases``; citations are verified."""
    from recept.errors import ReceptError

    for case in cases[:warmup]:
        assistant.ask(case.question, list(case.history))
    retrieval: list[float] = []
    answer: list[float] = []
    embed: list[float] = []  # the query embedding alone: constant in corpus size
    stages: dict[str, list[float]] = {}
    unverified = refused = errors = 0
    ranked = Rankings()
    for case in cases:
        try:
            t0 = time.perf_counter()
            assistant.retriever.embedder.embed_query(case.question)
            embed.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _, passages = assistant.retrieve(case.question, list(case.history))
            retrieval.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = assistant.ask(case.question, list(case.history))
            answer.append(time.perf_counter() - t0)
        except ReceptError:
            errors += 1
            continue
        ranked.add(case, [p.chunk.text for p in passages])
        refused += int(result.refused)
        unverified += sum(1 for c in result.citations if not assistant.verify(c))
        for stage, ms in result.timings.items():
            stages.setdefault(stage, []).append(ms)
    section = {
        "questions": len(cases),
        "retrieval_ms": stats_ms(retrieval),
        "answer_ms": stats_ms(answer),
        "embed_query_ms": stats_ms(embed),
        "stage_mean_ms": {k: round(sum(v) / len(v), 1) for k, v in sorted(stages.items())},
        "refused": refused,
        "errors": errors,
        "unverified_citations": unverified,
    }
    return section, ranked


def encoder_runtimes(model_dir: Path, passage: str, reps: int = 15) -> dict[str, Any]:
    """Query and batch embedding of e5 on onnxruntime and on torch, with one thread and with
    all cores: the numbers behind the defaults (onnx, one thread per question)."""
    import torch

    from ingest.embed.e5build import PASSAGE_PROMPT, QUERY_PROMPT
    from ingest.embed.onnx import OnnxEmbedder
    from ingest.embed.st import SentenceTransformerEmbedder

    default = torch.get_num_threads()
    query = "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?"
    out: dict[str, Any] = {"cpu_count": os.cpu_count()}
    try:
        for n in sorted({1, os.cpu_count() or 1}):
            onnx = OnnxEmbedder(model_dir, "e5-small", QUERY_PROMPT, PASSAGE_PROMPT, threads=n)
            torch.set_num_threads(n)
            st = SentenceTransformerEmbedder(model_dir, "e5-small", QUERY_PROMPT, PASSAGE_PROMPT)
            for runtime, embedder in (("onnx", onnx), ("torch", st)):
                embedder.embed_query(query)
                times = []
                for _ in range(reps):
                    t0 = time.perf_counter()
                    embedder.embed_query(query)
                    times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                embedder.embed_documents([passage] * 32)
                out[f"{runtime}_threads_{n}"] = {
                    "query_ms": stats_ms(times),
                    "passages_per_s": round(32 / (time.perf_counter() - t0), 1),
                }
    finally:
        torch.set_num_threads(default)
    return out
