"""What the two runtimes of a local embedding model share: where it lives, its name, and
the query/passage prompts put in front of texts. Each runtime only says how to encode."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PromptedModel:
    """A local model folder behind the ``Embedder`` interface; subclasses define ``_encode``.

    >>> class Echo(PromptedModel):
    ...     def _encode(self, texts, prompt):
    ...         return [[float(len(prompt + t))] for t in texts]
    >>> e = Echo("m", "echo", query_prompt="query: ")
    >>> e.name, e.embed_query("ab"), e.embed_documents(["ab"])
    ('echo', [9.0], [[2.0]])
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
        self.path = Path(path)
        self._name = name
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        self.threads = threads  # CPU threads of the runtime; 0 = its default (all cores)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        raise NotImplementedError

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode(texts, self.passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode(texts, self.query_prompt)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, texts: Sequence[str], prompt: str) -> list[list[float]]:
        raise NotImplementedError
