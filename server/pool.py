"""Where answers are computed: a bounded pool off the event loop, in processes or threads.

Answering is CPU-bound Python (BM25, reranking, composing) around onnxruntime. In threads the
GIL serialises it and starves the server's event loop (connections reset, timeouts at the
door); in worker processes with one onnx thread each, the cores answer in parallel and the
event loop only moves bytes. Measured on 2 cores, 120 warm questions: two processes 106
answers/s (p50 18 ms), two threads 50/s (p50 36 ms), one thread 25/s; at load 10 from other
work, 200 questions: 34 vs 16–23 (``bench.serve.processes_or_threads``). The processes are in
:mod:`server.processes`; :class:`ThreadPool` serves the tests and that comparison.

A job is a name and keyword arguments (:func:`run_job`); it yields one or more results
(``ask`` yields the growing snapshots of ``Assistant.ask_stream``). At most
``workers + queue_size`` jobs are admitted; the next one gets :class:`BusyError` with a
retry hint, so load makes the server slower, never broken.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import math
import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from assistant import Assistant
from recept import errors
from recept.errors import BusyError, ReceptError
from recept.schema import Answer, Chunk, Message, Motion
from recept.settings import Settings

log = logging.getLogger(__name__)

UNEXPECTED = "Er ging iets mis bij het beantwoorden. Probeer het nog eens of stel de vraag anders."
WORKER_DIED = "Een werkproces stopte onverwacht. Probeer het opnieuw."

# A sink receives ("item", result), then ("done", None) or ("error", exception).
Sink = Callable[[str, Any], None]


def worker_count(setting: int) -> int:
    """``RECEPT_WORKERS``: 0 means one per CPU core.

    >>> worker_count(3)
    3
    >>> worker_count(0) >= 1
    True
    """
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


def describe(assistant: Assistant) -> dict[str, Any]:
    """What /api/health reports about a loaded assistant."""
    manifest = assistant.manifest
    return {
        "documents": len(assistant.documents),
        "chunks": len(assistant.corpus_chunks()),
        "model": str(manifest.get("model", "")),
        "engine": assistant.settings.engine,
    }


def run_job(assistant: Assistant, kind: str, kw: dict[str, Any]) -> Iterator[Any]:
    """One job on an assistant; the same code runs in a thread or in a worker process."""
    if kind == "ask":
        documents = kw.get("documents")
        yield from assistant.ask_stream(kw["question"], kw.get("history", []), documents)
    elif kind == "motion":
        yield assistant.draft_motion(
            kw["request"],
            gemeente=kw.get("gemeente"),
            vergaderdatum=kw.get("vergaderdatum"),
            indieners=kw.get("indieners", ()),
            history=kw.get("history", ()),
        )
    elif kind == "corpus":
        yield assistant.corpus_chunks()
    elif kind == "titles":
        yield assistant.document_titles()
    elif kind == "examples":
        yield assistant.example_questions()
    else:
        raise ValueError(f"unknown job {kind!r}")


def pack_error(exc: BaseException) -> tuple[str, str]:
    """A worker's exception as (class name, Dutch message): picklable whatever its __init__.

    >>> pack_error(errors.InputError("Stel een vraag."))
    ('InputError', 'Stel een vraag.')
    >>> pack_error(KeyError("x"))[0]
    'ReceptError'
    """
    if isinstance(exc, ReceptError):
        return type(exc).__name__, exc.message
    return "ReceptError", UNEXPECTED


def unpack_error(packed: tuple[str, str]) -> ReceptError:
    """The inverse of :func:`pack_error` (the class only when it takes one message).

    >>> e = unpack_error(("InputError", "Stel een vraag."))
    >>> type(e).__name__, e.message
    ('InputError', 'Stel een vraag.')
    >>> type(unpack_error(("DocumentError", "kapot"))).__name__
    'ReceptError'
    """
    name, message = packed
    cls = getattr(errors, name, ReceptError)
    simple: tuple[type[ReceptError], ...] = (
        errors.InputError, errors.IndexMissingError, errors.IndexStaleError,
        errors.ConfigError, errors.ModelError, errors.StoreError, errors.LLMError,
    )  # fmt: skip
    if isinstance(cls, type) and issubclass(cls, simple):
        return cls(message)
    return ReceptError(message)


@dataclass
class _Job:
    sink: Sink
    started: float = field(default_factory=time.perf_counter)
    emitted: bool = False  # a result reached the caller: the job can no longer be re-run
    retried: bool = False


class Pool:
    """Admission (the bound), bookkeeping and the ways to consume a job's results."""

    def __init__(self, workers: int, queue_size: int) -> None:
        self.workers = max(1, workers)
        self.queue_size = max(0, queue_size)
        self.info: dict[str, Any] = {}  # from a loaded assistant: documents, chunks, model
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._latency_s = 0.05  # running mean from admission to the last result

    # --- admission ----------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return len(self._jobs)

    def retry_after(self) -> int:
        """Seconds to wait before trying again: what a request admitted now would take.

        >>> Pool(workers=2, queue_size=0).retry_after()
        1
        """
        return max(1, math.ceil(self._latency_s))

    def submit(self, kind: str, kw: dict[str, Any], sink: Sink) -> None:
        """Start a job, or raise BusyError when ``workers + queue_size`` are already admitted."""
        with self._lock:
            if len(self._jobs) >= self.workers + self.queue_size:
                raise BusyError(self.retry_after())
            tid = next(self._ids)
            self._jobs[tid] = _Job(sink)
        try:
            self._start(tid, kind, kw)
        except BaseException:
            self._jobs.pop(tid, None)
            raise

    def _start(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        raise NotImplementedError

    def _emit(self, tid: int, item: Any) -> None:
        job = self._jobs.get(tid)
        if job is not None:
            job.emitted = True
            job.sink("item", item)

    def _end(self, tid: int, error: BaseException | None = None) -> None:
        with self._lock:
            job = self._jobs.pop(tid, None)
            if job is None:
                return
            took = time.perf_counter() - job.started
            self._latency_s = 0.9 * self._latency_s + 0.1 * took
        job.sink("done", None) if error is None else job.sink("error", error)

    def close(self) -> None:
        pass

    def alive(self) -> int:
        """Workers ready to answer."""
        return self.workers

    # --- consuming ----------------------------------------------------------------------

    def open(self, kind: str, **kw: Any) -> AsyncIterator[Any]:
        """Submit now (BusyError before any response starts), iterate the results async."""
        loop = asyncio.get_running_loop()
        results: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def sink(tag: str, value: Any) -> None:
            # RuntimeError: the loop is gone (server stopping), nobody is listening.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(results.put_nowait, (tag, value))

        self.submit(kind, kw, sink)

        async def iterate() -> AsyncIterator[Any]:
            while True:
                tag, value = await results.get()
                if tag == "item":
                    yield value
                elif tag == "error":
                    raise value
                else:
                    return

        return iterate()

    async def call(self, kind: str, **kw: Any) -> Any:
        """The job's last result."""
        last: Any = None
        async for item in self.open(kind, **kw):
            last = item
        return last

    def iterate(self, kind: str, **kw: Any) -> Iterator[Any]:
        """The results in a blocking thread (the Gradio UI's handlers run in threads)."""
        results: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self.submit(kind, kw, lambda tag, value: results.put((tag, value)))
        while True:
            tag, value = results.get()
            if tag == "item":
                yield value
            elif tag == "error":
                raise value
            else:
                return


class ThreadPool(Pool):
    """Jobs on one in-process Assistant in threads (tests; the bench compares it with processes)."""

    def __init__(self, assistant: Assistant, workers: int = 2, queue_size: int = 128) -> None:
        super().__init__(workers, queue_size)
        self.assistant = assistant
        self.info = describe(assistant)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="antwoord")

    def _start(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        self._executor.submit(self._run, tid, kind, kw)

    def _run(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        try:
            for item in run_job(self.assistant, kind, kw):
                self._emit(tid, item)
        except ReceptError as exc:
            self._end(tid, exc)
        except Exception:
            log.exception("job %s failed", kind)
            self._end(tid, ReceptError(UNEXPECTED))
        else:
            self._end(tid)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def last(results: Iterator[Any]) -> Any:
    """A job's final result (a job that yields nothing is a failure).

    >>> last(iter([1, 2, 3]))
    3
    """
    tail = collections.deque(results, maxlen=1)
    if not tail:
        raise ReceptError(UNEXPECTED)
    return tail[0]


class PooledAssistant:
    """The part of ``Assistant`` the Gradio UI uses, answered by the pool (blocking calls)."""

    def __init__(self, pool: Pool, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Iterator[Answer]:
        docs = sorted(documents) if documents is not None else None
        yield from self.pool.iterate(
            "ask", question=question, history=list(history), documents=docs
        )

    def ask(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Answer:
        answer: Answer = last(self.ask_stream(question, history, documents))
        return answer

    def draft_motion(
        self,
        request: str,
        gemeente: str | None = None,
        vergaderdatum: str | None = None,
        indieners: Sequence[str] = (),
        history: Sequence[Message] = (),
    ) -> Motion:
        kw = {"gemeente": gemeente, "vergaderdatum": vergaderdatum, "indieners": list(indieners)}
        jobs = self.pool.iterate("motion", request=request, history=list(history), **kw)
        motion: Motion = last(jobs)
        return motion

    def corpus_chunks(self) -> list[Chunk]:
        chunks: list[Chunk] = last(self.pool.iterate("corpus"))
        return chunks

    def document_titles(self) -> dict[str, str]:
        titles: dict[str, str] = last(self.pool.iterate("titles"))
        return titles

    def example_questions(self) -> list[str]:
        examples: list[str] = last(self.pool.iterate("examples"))
        return examples
