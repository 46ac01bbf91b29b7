"""The optional LLM answer engine: a chat model writes, ``llm_parse`` keeps only what it can check.

    model = make_chat_model(settings)                    # ChatOllama or ChatOpenAI
    engine = LLMEngine(model, name=settings.llm_model, timeout=settings.llm_timeout)
    draft = engine.answer(question, passages, history, "nl")   # or: for d in engine.stream(...)

Every failure (server down, stalled, too slow, empty or unverifiable reply) is an LLMError,
raised within ``timeout`` (+ a little), so the caller can fall back to the extractive engine.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.llm.parse import (
    NO_SOURCES,
    LLMDraft,
    parse_answer,
    stable_prefix,
    standalone_query,
    verified_draft,
)
from assistant.llm.prompts import (
    CONTEXT_CHARS,
    MAX_PASSAGES,
    PromptMessage,
    answer_messages,
    fit_passages,
    rewrite_messages,
)
from recept.errors import ConfigError, LLMError
from recept.schema import Message, Passage
from recept.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage

__all__ = ["LLMDraft", "LLMEngine", "make_chat_model"]

ANSWER_MAX_TOKENS = 512  # five sentences with quotes fit; bounds a runaway model


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model named by ``settings`` (engine "ollama" or "openai"), not contacted yet."""
    engine = settings.engine
    if engine not in ("ollama", "openai"):
        raise ConfigError(
            f"Antwoordmotor {engine!r} gebruikt geen LLM; kies 'ollama' of 'openai' "
            "(RECEPT_ENGINE)."
        )
    if not settings.llm_model:
        raise ConfigError("Geen LLM-model ingesteld: zet RECEPT_LLM_MODEL (bv. 'llama3.2').")
    if not settings.llm_base_url:
        example = "http://127.0.0.1:11434" if engine == "ollama" else "http://127.0.0.1:8080/v1"
        raise ConfigError(f"Geen LLM-server ingesteld: zet RECEPT_LLM_BASE_URL (bv. {example}).")
    if settings.llm_timeout <= 0:
        raise ConfigError("RECEPT_LLM_TIMEOUT moet groter dan 0 seconden zijn.")
    if engine == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ConfigError("langchain-ollama ontbreekt: voer `make install` uit.") from exc
        return ChatOllama(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            temperature=0,
            num_predict=ANSWER_MAX_TOKENS,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ConfigError("langchain-openai ontbreekt: voer `make install` uit.") from exc
    kwargs: dict[str, Any] = {
        "model": settings.llm_model,
        "base_url": settings.llm_base_url,
        "api_key": settings.llm_api_key or "not-needed",
        "timeout": settings.llm_timeout,
        "max_retries": 0,
        "temperature": 0,
        "max_tokens": ANSWER_MAX_TOKENS,
    }
    return ChatOpenAI(**kwargs)


def _to_langchain(messages: Sequence[PromptMessage]) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[role](content=content) for role, content in messages]


class LLMEngine:
    """Answers from a chat model, with every quote checked against the retrieved passages."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        name: str,
        timeout: float,
        max_passages: int = MAX_PASSAGES,
        context_chars: int = CONTEXT_CHARS,
    ) -> None:
        if timeout <= 0:
            raise ConfigError("De LLM-timeout moet groter dan 0 seconden zijn.")
        self.chat_model = chat_model
        self.name = name
        self.timeout = timeout
        self.max_passages = max_passages
        self.context_chars = context_chars  # passage text per prompt; small contexts overflow

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMEngine:
        return cls(make_chat_model(settings), name=settings.llm_model, timeout=settings.llm_timeout)

    @property
    def label(self) -> str:
        """The engine name for ``Answer.engine``."""
        return f"llm:{self.name}"

    # ------------------------------------------------------------------ public API

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Message] = (),
        language: str = "nl",
    ) -> LLMDraft:
        """The verified answer; LLMError on any failure or when no citation survives.

        The model sees (and may cite) the best passages that fit the prompt budget.
        """
        shown = self._fit(passages)
        raw = "".join(self._tokens(answer_messages(question, shown, history, language)))
        if not raw.strip():
            raise LLMError("LLM gaf een leeg antwoord")
        return verified_draft(raw, shown)

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Message] = (),
        language: str = "nl",
    ) -> Iterator[LLMDraft]:
        """Growing verified snapshots; the last one equals ``answer()``'s result.

        A snapshot covers only complete sentences, so a quote is shown once checked. Only
        snapshots with at least one citation are yielded. An LLMError can still come after
        some snapshots (timeout, broken connection); the caller should then fall back.
        """
        shown = self._fit(passages)
        raw = ""
        done = 0  # end of the stable prefix already turned into a snapshot
        last: LLMDraft | None = None
        for token in self._tokens(answer_messages(question, shown, history, language)):
            raw += token
            cut = stable_prefix(raw)
            if cut <= done:
                continue
            done = cut
            snapshot = parse_answer(raw[:cut], shown)
            if snapshot.citations and (last is None or snapshot.text != last.text):
                last = snapshot
                yield snapshot
        if not raw.strip():
            raise LLMError("LLM gaf een leeg antwoord")
        final = verified_draft(raw, shown)
        if final != last:
            yield final

    def rewrite_query(self, question: str, history: Sequence[Message]) -> str:
        """A standalone search query for a follow-up question; the question itself on failure."""
        if not any(m.get("content", "").strip() for m in history):
            return question
        try:
            reply = "".join(self._tokens(rewrite_messages(question, history)))
        except LLMError:
            return question
        return standalone_query(reply, question)

    # ------------------------------------------------------------------ internals

    def _fit(self, passages: Sequence[Passage]) -> list[Passage]:
        if not passages:
            raise LLMError(NO_SOURCES)
        return fit_passages(passages, self.max_passages, self.context_chars)

    def _tokens(self, messages: Sequence[PromptMessage]) -> Iterator[str]:
        """Stream the reply's text, with a deadline on the whole call.

        The model runs in a daemon thread: a stalled server cannot hang the caller, and an
        abandoned call ends by itself at the HTTP client's own timeout.
        """
        lc_messages = _to_langchain(messages)
        q: queue.Queue[tuple[str, Any]] = queue.Queue()
        cancel = threading.Event()

        def work() -> None:
            try:
                for chunk in self.chat_model.stream(lc_messages):
                    if cancel.is_set():
                        return
                    q.put(("token", str(chunk.text)))
                q.put(("end", None))
            except BaseException as exc:  # reported to the caller's thread
                q.put(("error", exc))

        deadline = time.monotonic() + self.timeout
        threading.Thread(target=work, name="recept-llm", daemon=True).start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise queue.Empty
                    kind, value = q.get(timeout=remaining)
                except queue.Empty:
                    raise LLMError(
                        f"LLM ({self.name}) antwoordde niet binnen {self.timeout:g} s"
                    ) from None
                if kind == "end":
                    return
                if kind == "error":
                    detail = " ".join(str(value).split())[:200]
                    raise LLMError(
                        f"LLM ({self.name}) gaf een fout: {type(value).__name__}: {detail}"
                    ) from value
                yield value
        finally:
            cancel.set()
