"""Shared test setup. Tests never reach a model hub and never touch a user's index."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from conftest_model import e5_embedder, e5_model_dir  # noqa: E402  (session fixtures)

from ingest.embed.st import SentenceTransformerEmbedder  # noqa: E402
from recept.settings import Settings  # noqa: E402

__all__ = ["e5_embedder", "e5_model_dir"]

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
CORPUS_FILE = CORPUS / "recept-voor-de-toekomst.md"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every RECEPT_ setting that holds state at the test's temp dir."""
    for key in list(os.environ):
        if key.startswith("RECEPT_") and key != "RECEPT_TEST_MODELS_DIR":
            monkeypatch.delenv(key)
    monkeypatch.setenv("RECEPT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RECEPT_CORPUS_DIR", str(CORPUS))


def link_models(data_dir: Path, model_dir: Path) -> None:
    """Give a fresh data dir the already-built e5 model (a symlink, no rebuild)."""
    target = data_dir / "models" / model_dir.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.symlink_to(model_dir, target_is_directory=True)


def index_documents(
    data: Path,
    model_dir: Path,
    embedder: SentenceTransformerEmbedder,
    sources: Sequence[Path],
    **overrides: str,
) -> Settings:
    """Settings whose fresh data dir ``data`` holds an index of ``sources`` (the real model)."""
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaCatalog

    link_models(data, model_dir)
    settings = Settings.load(env={}, overrides={"data_dir": str(data), **overrides})
    ingestor = Ingestor(
        ChromaCatalog.from_settings(settings),
        embedder,
        lock_path=data / "ingest.lock",
        max_bytes=10 * 1024 * 1024,
    )
    ingestor.run(list(sources), sync=True)
    return settings


@pytest.fixture(scope="session")
def indexed_settings(
    tmp_path_factory: pytest.TempPathFactory,
    e5_model_dir: Path,
    e5_embedder: SentenceTransformerEmbedder,
) -> Settings:
    """Settings whose data dir holds an index of the corpus (built once per session)."""
    data = tmp_path_factory.mktemp("indexed") / "data"
    return index_documents(data, e5_model_dir, e5_embedder, [CORPUS], corpus_dir=str(CORPUS))


@pytest.fixture(scope="session")
def assistant(
    indexed_settings: Settings, e5_embedder: SentenceTransformerEmbedder
) -> Iterator[object]:
    """One Assistant over the real index with the real model, shared by the session."""
    from assistant.api import Assistant

    yield Assistant.from_settings(indexed_settings, embedder=e5_embedder)
