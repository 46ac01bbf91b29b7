"""Where answers are computed: a bounded pool off the event loop, in processes or threads.

Answering is CPU-bound Python (BM25, reranking, composing) around onnxruntime. In threads the
GIL serialises it and starves the server's event loop (connections reset, timeouts at the
door); in worker processes with one onnx thread each, the cores answer in parallel and the
event loop only moves bytes. Measured on 2 cores, 120 warm questions: two processes 106
answers/s (p50 18 ms), two threads 50/s (p50 36 ms), one thread 25/s.

A job is a name and keyword arguments (:func:`run_job`); it yields one or more results
(``ask`` yields the growing snapshots of ``Assistant.ask_stream``). At most
``workers + queue_size`` jobs are admitted; the next one gets :class:`BusyError` with a
retry hint, so load makes the server slower, never broken.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import itertools
import logging
import math
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from assistant import Assistant
from recept import errors
from recept.errors import BusyError, ReceptError
from recept.schema import Answer, Chunk, Message, Motion
from recept.settings import Settings

log = logging.getLogger(__name__)

UNEXPECTED = "Er ging iets mis bij het beantwoorden. Probeer het nog eens of stel de vraag anders."
WORKER_DIED = "Een werkproces stopte onverwacht. Probeer het opnieuw."

# Workers yield the CPU to the server process: answering slows down under load, the door
# (accepting, queueing, 503s, health) stays quick.
WORKER_NICE = 5
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


def accepts(fn: Callable[..., Any], name: str) -> bool:
    """True when ``fn`` takes a keyword argument ``name`` (new API features are optional).

    >>> accepts(lambda question, documents=None: 0, "documents"), accepts(print, "documents")
    (True, False)
    """
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


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
        extra = {"documents": documents} if documents is not None else {}
        if extra and not accepts(assistant.ask_stream, "documents"):
            extra = {}  # this Assistant cannot limit the search yet: answer over all documents
        yield from assistant.ask_stream(kw["question"], kw.get("history", []), **extra)
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


class Pool:
    """Admission (the bound), bookkeeping and the ways to consume a job's results."""

    def __init__(self, workers: int, queue_size: int) -> None:
        self.workers = max(1, workers)
        self.queue_size = max(0, queue_size)
        self.info: dict[str, Any] = {}  # from a loaded assistant: documents, chunks, model
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._service_s = 0.05  # running mean of a job's duration, for Retry-After

    # --- admission ----------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return len(self._jobs)

    def retry_after(self) -> int:
        """Seconds until the queue has likely drained (at least 1)."""
        return max(1, math.ceil(self.in_flight / self.workers * self._service_s))

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
            job.sink("item", item)

    def _end(self, tid: int, error: BaseException | None = None) -> None:
        with self._lock:
            job = self._jobs.pop(tid, None)
            if job is None:
                return
            took = time.perf_counter() - job.started
            self._service_s = 0.9 * self._service_s + 0.1 * took
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


def worker_settings(settings: Settings) -> Settings:
    """Each worker computes with one thread unless threads were set: the workers fill the cores.

    >>> worker_settings(Settings.load(env={})).torch_threads
    1
    >>> worker_settings(Settings.load(env={"RECEPT_TORCH_THREADS": "2"})).torch_threads
    2
    """
    return settings if settings.torch_threads > 0 else replace(settings, torch_threads=1)


def worker_main(settings: Settings, tasks: Any, results: Any) -> None:
    """A worker process: load the assistant, then answer jobs until a None arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    pid = os.getpid()
    try:
        assistant = Assistant.from_settings(settings)
        assistant.retrieve("opwarmen")  # the first query pays for lazy model set-up
    except BaseException as exc:
        if not isinstance(exc, ReceptError):
            log.exception("worker %s could not load the assistant", pid)
        results.put(("init_error", pid, pack_error(exc)))
        return
    results.put(("ready", pid, describe(assistant)))
    while True:
        task = tasks.get()
        if task is None:
            return
        tid, kind, kw = task
        results.put(("start", tid, pid))
        try:
            for item in run_job(assistant, kind, kw):
                results.put(("item", tid, item))
        except BaseException as exc:
            if not isinstance(exc, ReceptError):
                log.exception("job %s failed", kind)
            results.put(("error", tid, pack_error(exc)))
        else:
            results.put(("done", tid, None))


class ProcessPool(Pool):
    """Worker processes, each with its own Assistant; one task queue they all take from."""

    def __init__(
        self, settings: Settings, workers: int, queue_size: int, ready_s: float = 300.0
    ) -> None:
        super().__init__(workers, queue_size)
        self._settings = worker_settings(settings)
        self._ctx = mp.get_context("spawn")  # never fork a process with threads and a model
        self._tasks: Any = self._ctx.Queue()
        self._results: Any = self._ctx.Queue()
        self._procs: dict[int, Any] = {}
        self._ready: set[int] = set()
        self._owner: dict[int, int] = {}  # job id -> pid of the worker that took it
        self._stopping = threading.Event()
        for _ in range(self.workers):
            self._spawn()
        try:
            self._await_ready(ready_s)
        except BaseException:
            self.close()
            raise
        self._reader = threading.Thread(target=self._read, name="pool-reader", daemon=True)
        self._reader.start()

    def _spawn(self) -> None:
        proc = self._ctx.Process(
            target=worker_main, args=(self._settings, self._tasks, self._results), daemon=True
        )
        proc.start()
        assert proc.pid is not None
        self._procs[proc.pid] = proc

    def _await_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self._ready) < self.workers:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReceptError("De werkprocessen kwamen niet op tijd klaar met laden.")
            try:
                tag, pid, value = self._results.get(timeout=min(left, 1.0))
            except queue.Empty:
                if not any(p.is_alive() for p in self._procs.values()):
                    raise ReceptError("De werkprocessen stopten tijdens het laden.") from None
                continue
            if tag == "init_error":
                raise unpack_error(value)
            if tag == "ready":
                self._ready.add(pid)
                self.info = value

    def pids(self) -> list[int]:
        return [pid for pid, p in self._procs.items() if p.is_alive()]

    def alive(self) -> int:
        return sum(1 for pid in self._ready if pid in self._procs and self._procs[pid].is_alive())

    def _start(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        self._tasks.put((tid, kind, kw))

    def _read(self) -> None:
        while not self._stopping.is_set():
            try:
                tag, key, value = self._results.get(timeout=1.0)
            except queue.Empty:
                self._check_workers()
                continue
            except (EOFError, OSError):
                return
            if tag == "start":
                self._owner[key] = value
            elif tag == "item":
                self._emit(key, value)
            elif tag in ("done", "error"):
                self._owner.pop(key, None)
                self._end(key, unpack_error(value) if tag == "error" else None)
            elif tag == "ready":
                self._ready.add(key)
            elif tag == "init_error":
                log.error("a replacement worker could not load: %s", value[1])

    def _check_workers(self) -> None:
        """A worker that died fails its job (never a hanging request) and is replaced."""
        for pid, proc in list(self._procs.items()):
            if proc.is_alive() or self._stopping.is_set():
                continue
            log.error("worker %s exited with %s; starting a new one", pid, proc.exitcode)
            del self._procs[pid]
            self._ready.discard(pid)
            for tid, owner in list(self._owner.items()):
                if owner == pid:
                    self._owner.pop(tid, None)
                    self._end(tid, ReceptError(WORKER_DIED))
            self._spawn()

    def close(self) -> None:
        self._stopping.set()
        for _ in self._procs:
            self._tasks.put(None)
        deadline = time.monotonic() + 10
        for proc in self._procs.values():
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        for tid in list(self._jobs):
            self._end(tid, ReceptError("De server stopt."))


def make_pool(settings: Settings) -> Pool:
    """The serving pool from settings: ``workers`` processes, ``queue_size`` waiting."""
    return ProcessPool(settings, worker_count(settings.workers), settings.queue_size)


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

    def ask_stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[Answer]:
        yield from self.pool.iterate("ask", question=question, history=list(history))

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        answer: Answer = last(self.ask_stream(question, history))
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
