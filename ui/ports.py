"""What the UI needs of the assistant: the in-process ``Assistant`` or a pooled stand-in.

``recept serve`` answers in worker processes (``server.pool.PooledAssistant``); tests and
embedding callers pass an ``Assistant``. Both fit this protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Protocol

from recept.schema import Answer, Chunk, Message, Motion
from recept.settings import Settings


class AnswerService(Protocol):
    settings: Settings

    def ask(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Answer: ...

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Iterator[Answer]: ...

    def draft_motion(
        self,
        request: str,
        gemeente: str | None = None,
        vergaderdatum: str | None = None,
        indieners: Sequence[str] = (),
        history: Sequence[Message] = (),
    ) -> Motion: ...

    def corpus_chunks(self) -> list[Chunk]: ...

    def document_titles(self) -> dict[str, str]: ...

    def example_questions(self) -> list[str]: ...


GetAssistant = Callable[[], AnswerService]
