"""The optional LLM answer engine: the model cites sentence ids, code inserts the sentences.

    model = make_chat_model(settings)                    # ChatOllama or ChatOpenAI
    engine = LLMEngine(model, name="openai:m", timeout=30, corpus=chunks)
    draft = engine.answer(question, passages, history, "nl")   # or: for d in engine.stream(...)

The model writes only its own connecting words; every quote is a sentence of the corpus
inserted by code with its offsets (:mod:`assistant.llm.sentences`), so it is verbatim by
construction. The reply's form is a JSON schema the server enforces where it can
(:mod:`assistant.llm.shapes`), read tolerantly (:mod:`assistant.llm.reply`).

Every failure (server down, stalled, too slow, empty reply, no sentence cited) is an LLMError,
raised within ``timeout`` (+ a little), so the caller can fall back to the extractive engine.
A reply the deadline cuts off after finished, cited parts keeps those parts (with a note), as
a reply cut at its token budget does.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from assistant.llm.motion import MotionClauses, read_motion, render_motion
from assistant.llm.parse import NO_SOURCES, LLMDraft, parse_answer, standalone_query
from assistant.llm.prompts import (
    CONTEXT_CHARS,
    FORM_JSON,
    FORM_MOTION,
    FORM_TEXT,
    MAX_PASSAGES,
    PromptMessage,
    estimate_tokens,
    fit_passages,
    language_name,
    reference_messages,
    rewrite_messages,
)
from assistant.llm.reply import read_reply, render_reply
from assistant.llm.sentences import (
    Sentence,
    corpus_order,
    id_ranges,
    number_sentences,
    quotes_to_ids,
    render_sentences,
    sentences_of,
)
from assistant.llm.shapes import (
    detect_shape,
    example_for,
    previous_answer,
    schema_for,
    task_text,
)
from recept.errors import ConfigError, LLMError
from recept.schema import Chunk, Message, Passage
from recept.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage

__all__ = ["LLMDraft", "LLMEngine", "make_chat_model"]

ANSWER_MAX_TOKENS = 512  # five parts of own words with ids fit; bounds a runaway model
# Postal blocks and address lines say nothing a question could want quoted; a small model
# cited them for anything.
NOT_CITABLE = frozenset({"address"})
# Warm-up requests at start-up, each within the timeout: together they wait for a prefix
# evaluation of several minutes (≈140 s for the recipe on a busy 2-core machine).
WARM_ATTEMPTS = 20
CONTEXT_TOKENS = 6000  # default budget for sending the whole corpus (RECEPT_LLM_CONTEXT_TOKENS)


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


FORMATS = ("json_schema", "json_object", "none")  # tried in this order; see structured_kwargs
_REJECTED = (400, 404, 415, 422)  # a server that does not take a request form says so at once


def structured_kwargs(chat_model: Any, schema: dict[str, Any], form: str) -> dict[str, Any]:
    """Call arguments that make the server enforce ``schema``, per client kind and form.

    Ollama takes the schema as ``format``. An OpenAI-compatible server takes it as
    ``response_format``: OpenAI, vLLM, LM Studio and llama.cpp's own server as type
    ``json_schema``; llama-cpp-python's server only as type ``json_object`` with a
    ``schema`` member (form ``json_object``). Sent in the request body as-is, not through
    the SDK's parsing helper. Form ``none`` and other chat models get nothing.

    >>> class M:
    ...     _llm_type = "openai-chat"
    >>> structured_kwargs(M(), {"type": "object"}, "json_object")
    {'extra_body': {'response_format': {'type': 'json_object', 'schema': {'type': 'object'}}}}
    >>> M._llm_type = "chat-ollama"
    >>> structured_kwargs(M(), {"type": "object"}, "json_schema")
    {'format': {'type': 'object'}}
    """
    kind = getattr(chat_model, "_llm_type", "")
    if form == "none" or not schema:
        return {}
    if kind == "chat-ollama":
        return {"format": schema}
    if kind == "openai-chat":
        if form == "json_object":
            fmt: dict[str, Any] = {"type": "json_object", "schema": schema}
        else:
            fmt = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        return {"extra_body": {"response_format": fmt}}
    return {}


def _rejected(exc: BaseException | None) -> bool:
    """True for an HTTP error that refuses the request's form, not a failure of the model:
    a 4xx status, or any error that names the structured-output field (llama-cpp-python
    answers a ``json_schema`` it does not know with a 500 that says ``response_format``).

    >>> class E(Exception):
    ...     status_code = 500
    >>> _rejected(E("body.response_format.type: Input should be 'text'")), _rejected(E("oom"))
    (True, False)
    """
    status = getattr(exc, "status_code", None)
    if status in _REJECTED:
        return True
    return status is not None and re.search(r"response_format|\bformat\b", str(exc)) is not None


_CLOSERS = frozenset("}]\n")


def _part_closed(token: str) -> bool:
    """True when a token may finish a part (a JSON object or a line), worth a new snapshot.

    >>> _part_closed('"}'), _part_closed(" woord")
    (True, False)
    """
    return any(ch in _CLOSERS for ch in token)


def _timed_out(exc: LLMError) -> bool:
    """True for our own deadline or the HTTP client's timeout, not for a refusal or an error.

    >>> class APITimeoutError(Exception): ...
    >>> e = LLMError("x")
    >>> e.__cause__ = APITimeoutError()
    >>> _timed_out(LLMError("antwoordde niet binnen 3 s")), _timed_out(e)
    (True, True)
    >>> e.__cause__ = ConnectionError()
    >>> _timed_out(e)
    False
    """
    cause = exc.__cause__
    return cause is None or isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__


def cut_short(exc: LLMError) -> str:
    """The note for a reply that ended early (deadline, broken connection) but whose finished
    parts are used.

    >>> cut_short(LLMError("LLM (m) antwoordde niet binnen 30 s"))
    'antwoord afgebroken (LLM (m) antwoordde niet binnen 30 s); de afgeronde delen zijn gebruikt'
    """
    return f"antwoord afgebroken ({exc.message}); de afgeronde delen zijn gebruikt"


def _to_langchain(messages: Sequence[PromptMessage]) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[role](content=content) for role, content in messages]


@dataclass(frozen=True)
class Request:
    """What one answer sends: messages, the citable sentences, the shape and its schema."""

    messages: list[PromptMessage]
    table: dict[str, Sentence]
    shape: str
    schema: dict[str, Any]
    notes: list[str]
    passages: list[Passage]  # for the last-resort reading of copied quotes


class LLMEngine:
    """Answers from a chat model that cites sentence ids; code inserts the sentences.

    ``corpus``: every chunk of the index. Its sentences are numbered once in document order,
    so an id is stable; when they fit ``context_tokens`` they are all sent, as one identical
    prefix on every request, else only the retrieved passages' sentences are.
    ``structured``: ask the server to enforce the reply's JSON schema (else plain text).
    """

    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        name: str,
        timeout: float,
        corpus: Sequence[Chunk] = (),
        context_tokens: int = CONTEXT_TOKENS,
        structured: bool = True,
        max_passages: int = MAX_PASSAGES,
        context_chars: int = CONTEXT_CHARS,
        warm: bool = False,
    ) -> None:
        if timeout <= 0:
            raise ConfigError("De LLM-timeout moet groter dan 0 seconden zijn.")
        self.chat_model = chat_model
        self.name = name
        self.timeout = timeout
        self.structured = structured
        # Structured-output forms still worth trying on this server; the first that the
        # server accepts is kept for later calls.
        self.forms = list(FORMATS) if structured else ["none"]
        self.max_passages = max_passages
        self.context_chars = context_chars  # passage text per prompt; small contexts overflow
        self.table = number_sentences(corpus_order(c for c in corpus if c.kind not in NOT_CITABLE))
        whole = render_sentences(self.table)
        fits = bool(self.table) and estimate_tokens(whole) <= context_tokens
        self.whole_text = whole if fits else ""
        self.last_timing: dict[str, float] = {}  # ttft_ms and total_ms of the last call
        self.warmed = threading.Event()  # set once the warm-up (if any) has ended
        if warm and self.whole_text:
            threading.Thread(target=self._warm_up, name="recept-llm-warm", daemon=True).start()
        else:
            self.warmed.set()

    @classmethod
    def from_settings(cls, settings: Settings, corpus: Sequence[Chunk] = ()) -> LLMEngine:
        return cls(
            make_chat_model(settings),
            name=f"{settings.engine}:{settings.llm_model}",
            timeout=settings.llm_timeout,
            corpus=corpus,
            context_tokens=settings.llm_context_tokens,
            structured=settings.llm_output == "json",
            warm=True,
        )

    @property
    def label(self) -> str:
        """The engine name for ``Answer.engine``."""
        return f"llm:{self.name}"

    @property
    def whole_document(self) -> bool:
        """True when every request carries the whole corpus."""
        return bool(self.whole_text)

    # ------------------------------------------------------------------ public API

    def _warm_up(self, attempts: int = WARM_ATTEMPTS) -> None:
        """Warm until the server holds the prefix. On a slow machine its evaluation outlasts
        one request's timeout, but the server finishes it anyway, so a later attempt finds it
        cached; a server that is down or refuses is not asked again."""
        messages = self.prepare("?", [], [], "nl").messages
        try:
            for _ in range(attempts):
                try:
                    for _ in self._tokens(messages):
                        return  # the prefix is evaluated once a first token comes
                    return
                except LLMError as exc:
                    if not _timed_out(exc):
                        return
        finally:
            self.warmed.set()

    def wait_warm(self, timeout: float) -> bool:
        """Wait until the start-up warm-up has ended (a request sent meanwhile queues behind
        the prefix evaluation and may run out of time). True when it has."""
        return self.warmed.wait(timeout)

    def warm(self) -> bool:
        """Send the whole-document prefix once, so a server with a prompt cache has it
        ready before the first question (only the question is then new to it). True when
        the server answered; never raises."""
        if not self.whole_text:
            return False
        messages = self.prepare("?", [], [], "nl").messages
        try:
            for _ in self._tokens(messages):
                return True  # the prefix is evaluated once a first token comes
        except LLMError:
            return False
        return True

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Message] = (),
        language: str = "nl",
        *,
        op: str = "",
    ) -> LLMDraft:
        """The answer; LLMError on any failure or when it cites no sentence. ``op`` (a
        conversation transform: "language", "shorter") makes it a rewrite of the previous
        answer in ``history``."""
        drafts = list(self.stream(question, passages, history, language, op=op))
        if not drafts:  # pragma: no cover - stream raises instead
            raise LLMError(NO_SOURCES)
        return drafts[-1]

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Message] = (),
        language: str = "nl",
        *,
        op: str = "",
    ) -> Iterator[LLMDraft]:
        """Growing snapshots; the last one is the final answer.

        A snapshot holds only finished parts (a JSON part closed, a text line ended), and
        only snapshots with at least one citation are yielded. A reply cut off by the
        deadline or a broken connection after such a snapshot ends with it (its finished
        parts, as for a reply cut at its token budget, and a note); before any, the LLMError
        reaches the caller, who should then fall back.
        """
        req = self.prepare(question, passages, history, language, op=op)
        raw = ""
        last: LLMDraft | None = None
        try:
            for token in self._reply_tokens(req):
                raw += token
                if not _part_closed(token):
                    continue
                snapshot = self._draft(raw, req, language, final=False)
                if snapshot.citations and (last is None or snapshot.text != last.text):
                    last = snapshot
                    yield snapshot
        except LLMError as exc:
            if last is None:
                raise
            yield replace(last, dropped=[*last.dropped, cut_short(exc)])
            return
        if not raw.strip():
            raise LLMError("LLM gaf een leeg antwoord")
        final = self._draft(raw, req, language, final=True)
        if not final.citations:
            raise LLMError(NO_SOURCES)
        if last is None or final != last:
            yield final

    def prepare(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[Message] = (),
        language: str = "nl",
        *,
        op: str = "",
    ) -> Request:
        """The request for a question: shape, citable sentences, messages and schema."""
        if not passages and not self.whole_text:
            raise LLMError(NO_SOURCES)
        from assistant.query.language import question_intent

        if op and previous_answer(history):
            shape = "rewrite"  # a transform the conversation recognised, whatever its words
        else:
            shape = detect_shape(question, question_intent(question), history)
        shown = fit_passages(passages, self.max_passages, self.context_chars) if passages else []
        if self.whole_text:
            sentences = self.table
            notes = [f"LLM-context: het hele document ({len(self.table)} zinnen)"]
        else:
            sentences = sentences_of([p.chunk for p in shown], self.table)
            notes = [f"LLM-context: {len(shown)} gevonden passages ({len(sentences)} zinnen)"]
        previous = ""
        if shape == "rewrite":
            previous, earlier = quotes_to_ids(previous_answer(history), self.table or sentences)
            sentences = sentences + [s for s in earlier if s not in sentences]
            history = [m for m in history if m.get("content", "") != previous_answer(history)]
        table = {s.sid: s for s in sentences}
        form = FORM_JSON.format(example=example_for(shape)) if self.structured else FORM_TEXT
        messages = reference_messages(
            question, self.whole_text or render_sentences(sentences), history, language,
            whole=bool(self.whole_text), task=task_text(shape, op, language_name(language)),
            form=form, previous=previous,
        )  # fmt: skip
        schema = schema_for(shape, list(table)) if self.structured else {}
        notes.append(f"antwoordvorm: {shape}")
        return Request(messages, table, shape, schema, notes, shown)

    def motion(
        self, request: str, passages: Sequence[Passage], language: str = "nl"
    ) -> MotionClauses:
        """Motion clauses in the model's words, each citing sentences of ``passages`` (their
        quotes inserted by code); LLMError on any failure or when a section has no cited
        clause."""
        req = self.prepare_motion(request, passages, language)
        raw = ""
        cut: LLMError | None = None
        try:
            for token in self._reply_tokens(req):
                raw += token
        except LLMError as exc:
            if not raw.strip():
                raise
            cut = exc  # the clauses finished in time may still make a motion
        if not raw.strip():
            raise LLMError("LLM gaf een leeg antwoord")
        reply = read_motion(raw)
        if cut is not None and not reply.structured:
            raise cut  # a plain-text line cut off mid-way cannot be told from a finished one
        try:
            clauses = render_motion(reply, req.table)  # LLMError when a section has no clause
        except LLMError:
            if cut is not None:
                raise cut from None  # the deadline is why the motion is incomplete
            raise
        if cut is not None:
            clauses.dropped.append(cut_short(cut))
        elif reply.structured and not reply.complete:
            clauses.dropped.append("JSON-antwoord onvolledig; de afgeronde clausules zijn gebruikt")
        clauses.notes = [*req.notes, f"gelezen als {'JSON' if reply.structured else 'tekst'}"]
        return clauses

    def prepare_motion(
        self, request: str, passages: Sequence[Passage], language: str = "nl"
    ) -> Request:
        """The request for a motion: only the passages' sentences may be cited (the schema's
        enum), so every clause rests on a passage the motion carries. With the whole document
        in context the system prefix stays the same (cached) and the task names the ids."""
        chunks = [p.chunk for p in passages if p.chunk.kind not in NOT_CITABLE]
        sentences = sentences_of(chunks, self.table)
        if not sentences:
            raise LLMError(NO_SOURCES)
        ids = [s.sid for s in sentences]
        task = task_text("motion")
        if self.whole_text:
            known = {s.sid for s in self.table}
            extra = [s for s in sentences if s.sid not in known]
            task += f" Cite only these sentences: {id_ranges(ids)}."
            if extra:  # chunks indexed after the table was made: shown here
                task += "\n\nMore sentences:\n" + render_sentences(extra)
            shown = self.whole_text
        else:
            shown = render_sentences(sentences)
        form = FORM_JSON.format(example=example_for("motion")) if self.structured else FORM_MOTION
        messages = reference_messages(
            request, shown, [], language, whole=bool(self.whole_text), task=task, form=form
        )
        schema = schema_for("motion", ids) if self.structured else {}
        notes = [f"LLM-motie: {len(passages)} passages ({len(ids)} citeerbare zinnen)"]
        return Request(messages, {s.sid: s for s in sentences}, "motion", schema, notes, [])

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

    def _draft(self, raw: str, req: Request, language: str, *, final: bool) -> LLMDraft:
        """The answer read from the reply so far: by sentence id, else by copied quotes."""
        reply = read_reply(raw)
        draft = render_reply(reply, req.table, language)
        how = "JSON" if reply.structured else "tekst"
        if final and reply.structured and not reply.complete:
            draft.dropped.append("JSON-antwoord onvolledig; de afgeronde delen zijn gebruikt")
        if not draft.citations and not reply.structured and req.passages:
            # A model that ignores the ids may still copy quotes: keep those it copied exactly.
            copied = parse_answer(raw, req.passages)
            if copied.citations:
                draft, how = copied, "gekopieerde citaten, gecontroleerd"
        draft.notes = [*req.notes, f"gelezen als {how}"]
        return draft

    def _reply_tokens(self, req: Request) -> Iterator[str]:
        """The reply in the first structured form the server accepts (remembered)."""
        while True:
            form = self.forms[0]
            got = False
            try:
                for token in self._tokens(
                    req.messages, structured_kwargs(self.chat_model, req.schema, form)
                ):
                    got = True
                    yield token
                return
            except LLMError as exc:
                if got or len(self.forms) == 1 or not _rejected(exc.__cause__):
                    raise
                self.forms.pop(0)
                req.notes.append(f"server weigerde structured output '{form}'")

    def _tokens(
        self, messages: Sequence[PromptMessage], kwargs: dict[str, Any] | None = None
    ) -> Iterator[str]:
        """Stream the reply's text, with a deadline on the whole call.

        The model runs in a daemon thread: a stalled server cannot hang the caller, and an
        abandoned call ends by itself at the HTTP client's own timeout.
        """
        lc_messages = _to_langchain(messages)
        kwargs = kwargs or {}
        q: queue.Queue[tuple[str, Any]] = queue.Queue()
        cancel = threading.Event()

        def work() -> None:
            try:
                for chunk in self.chat_model.stream(lc_messages, **kwargs):
                    if cancel.is_set():
                        return
                    q.put(("token", str(chunk.text)))
                q.put(("end", None))
            except BaseException as exc:  # reported to the caller's thread
                q.put(("error", exc))

        started = time.monotonic()
        deadline = started + self.timeout
        self.last_timing = {}
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
                    self.last_timing["total_ms"] = (time.monotonic() - started) * 1000
                    return
                if kind == "error":
                    detail = " ".join(str(value).split())[:200]
                    raise LLMError(
                        f"LLM ({self.name}) gaf een fout: {type(value).__name__}: {detail}"
                    ) from value
                if value and "ttft_ms" not in self.last_timing:
                    self.last_timing["ttft_ms"] = (time.monotonic() - started) * 1000
                yield value
        finally:
            cancel.set()
