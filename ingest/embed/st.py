"""The torch runtime of a local sentence-transformers folder (the ONNX runtime is in
:mod:`ingest.embed.onnx`; both share :class:`ingest.embed.prompted.PromptedModel`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.embed.prompted import PromptedModel
from recept.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class SentenceTransformerEmbedder(PromptedModel):
    """A local sentence-transformers folder on CPU, loaded on first use.

    >>> e = SentenceTransformerEmbedder(Path("data/models/multilingual-e5-small"), "e5-small",
    ...                                 query_prompt="query: ", passage_prompt="passage: ")
    >>> e.dim  # doctest: +SKIP
    384
    """

    def __init__(
        self,
        path: Path | str,
        name: str,
        query_prompt: str = "",
        passage_prompt: str = "",
        batch_size: int = 32,
        threads: int = 0,
    ) -> None:
        super().__init__(path, name, query_prompt, passage_prompt, batch_size, threads)
        self._model: SentenceTransformer | None = None
        # The web app calls from several threads. A fast tokenizer shared across threads fails
        # with "Already borrowed" (transformers#47085), and torch already uses every core, so
        # one call at a time costs nothing.
        self._lock = threading.RLock()

    @property
    def dim(self) -> int:
        dim = self.load().get_embedding_dimension()
        if dim is None:
            raise ModelError(f"Het model in {self.path} meldt geen vectorlengte.")
        return int(dim)

    def load(self) -> SentenceTransformer:
        """Load the model now (otherwise the first embed call does)."""
        with self._lock:
            if self._model is None:
                if self.threads > 0:
                    import torch

                    # One thread per query beats two fighting over 2 busy cores (bench/).
                    torch.set_num_threads(self.threads)
                self._model = _load_sentence_transformer(self.path)
            return self._model

    def _encode(self, texts: Sequence[str], prompt: str) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self.load().encode(
                list(texts),
                prompt=prompt or None,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        if not isinstance(vectors, np.ndarray):  # convert_to_numpy guarantees it; mypy can't see
            raise ModelError(f"Onverwachte uitvoer van het model in {self.path}.")
        out: list[list[float]] = vectors.tolist()
        return out


def _load_sentence_transformer(path: Path) -> SentenceTransformer:
    # Belt and braces next to local_files_only: no library may reach for a model hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if not (path / "modules.json").is_file():
        raise ModelError(f"Geen sentence-transformers-model in {path}. Er wordt niets gedownload.")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError(
            "sentence-transformers is niet geïnstalleerd. Voer `make install` uit."
        ) from exc
    # transformers draws a "Loading weights" bar on stderr; users should not see it.
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelError(f"Het embeddingmodel in {path} kan niet worden geladen: {exc}") from exc
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
