"""Session fixtures around the real embedding models (import them from tests/conftest.py).

The e5 build (≈470 MB, a few seconds) and its ONNX export (≈470 MB, ≈20 s) go to a cache
under the project's ``data/`` folder (gitignored), so they happen once per machine, not once
per test run. Override the place with ``RECEPT_TEST_MODELS_DIR``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.embed.e5build import MODEL_NAME, PASSAGE_PROMPT, QUERY_PROMPT, build_e5_small
from ingest.embed.onnx import OnnxEmbedder, export_onnx
from ingest.embed.st import SentenceTransformerEmbedder

PROJECT = Path(__file__).resolve().parents[1]


def models_cache_dir() -> Path:
    return Path(os.environ.get("RECEPT_TEST_MODELS_DIR") or PROJECT / "data" / "models")


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    """The converted multilingual-e5-small folder, built once and reused across runs."""
    return build_e5_small(models_cache_dir() / MODEL_NAME)


@pytest.fixture(scope="session")
def e5_embedder(e5_model_dir: Path) -> Iterator[SentenceTransformerEmbedder]:
    """One loaded e5 embedder for the whole session (loading takes seconds)."""
    embedder = SentenceTransformerEmbedder(
        e5_model_dir, "e5-small", query_prompt=QUERY_PROMPT, passage_prompt=PASSAGE_PROMPT
    )
    embedder.load()
    yield embedder


@pytest.fixture(scope="session", name="e5_onnx_embedder")
def e5_onnx_embedder_fixture(e5_model_dir: Path) -> Iterator[OnnxEmbedder]:
    """The same model on onnxruntime (exported once into the cached folder), loaded once.

    Registered as ``e5_onnx_embedder``; a module imports ``e5_onnx_embedder_fixture`` to use it
    (the other name keeps the import from shadowing the test parameters).
    """
    export_onnx(e5_model_dir)
    embedder = OnnxEmbedder(
        e5_model_dir,
        "e5-small",
        query_prompt=QUERY_PROMPT,
        passage_prompt=PASSAGE_PROMPT,
        threads=1,
    )
    embedder.load()
    yield embedder
