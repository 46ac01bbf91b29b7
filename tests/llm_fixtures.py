"""Passages cut from the real corpus, shared by the LLM tests (parse, fake model, real server)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.llm.sentences import number_sentences
from recept.schema import Chunk, Passage

SOURCE = (Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md").read_text(
    encoding="utf-8"
)


def corpus_passage(n: int, title: str, needle: str) -> Passage:
    """The corpus paragraph holding ``needle`` as a chunk with its real offsets."""
    pos = SOURCE.index(needle)
    start = SOURCE.rfind("\n\n", 0, pos) + 2
    end = SOURCE.find("\n\n", pos)
    text = SOURCE[start:end]
    chunk = Chunk(f"c{n}", "recept", "ingredient", title, start, end, text, text, f"h{n}")
    return Passage(chunk, 1.0 - n / 10, rank=n)


def three_passages() -> tuple[list[Passage], list[Chunk], list[Any]]:
    """(passages, their chunks, the chunks' numbered sentences): Doen, Investeer in onderlinge
    relaties and Gunnen, as the LLM unit tests use them."""
    passages = [
        corpus_passage(1, "Doen", "Blijf vervolgens niet hangen"),
        corpus_passage(2, "Investeer in onderlinge relaties", "Bouw aan onderlinge relaties"),
        corpus_passage(3, "Gunnen", "Durf ergens belangeloos"),
    ]
    chunks = [p.chunk for p in passages]
    return passages, chunks, number_sentences(sorted(chunks, key=lambda c: c.start))


class TextChatModel(BaseChatModel):
    """A chat model whose reply text comes from ``_next``; streamed word by word (after
    ``delay`` seconds per token). Subclasses say where the text comes from."""

    delay: float = 0.0

    def _next(self, messages: list[BaseMessage]) -> str:
        raise NotImplementedError

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = self._next(messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for token in re.split(r"(\s+)", self._next(messages)):
            if self.delay:
                time.sleep(self.delay)
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))
