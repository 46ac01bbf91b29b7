"""Worker processes for :mod:`server.pool`: each loads its own Assistant, one pipe each.

Measured on 2 cores: two processes with one onnx thread each answer about twice as many
questions per second as two threads in one process (``bench.serve.processes_or_threads``).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing as mp
import multiprocessing.connection
import os
import signal
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from assistant import Assistant
from recept.errors import ReceptError
from recept.settings import Settings
from server.pool import (
    WORKER_DIED,
    Pool,
    describe,
    pack_error,
    run_job,
    unpack_error,
    worker_count,
)

log = logging.getLogger(__name__)

# Workers yield the CPU to the server process: answering slows down under load, the door
# (accepting, queueing, 503s, health) stays quick.
WORKER_NICE = 5


def worker_settings(settings: Settings) -> Settings:
    """Each worker computes with one thread unless threads were set: the workers fill the cores.

    >>> worker_settings(Settings.load(env={})).torch_threads
    1
    >>> worker_settings(Settings.load(env={"RECEPT_TORCH_THREADS": "2"})).torch_threads
    2
    """
    return settings if settings.torch_threads > 0 else replace(settings, torch_threads=1)


class _Gone(Exception):
    """The server end of a worker's pipe is closed."""


def worker_main(settings: Settings, conn: Any) -> None:
    """A worker process: load the assistant, then answer one job at a time until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    try:
        assistant = Assistant.from_settings(settings)
        assistant.retrieve("opwarmen")  # the first query pays for lazy model set-up
    except BaseException as exc:
        if not isinstance(exc, ReceptError):
            log.exception("worker %s could not load the assistant", os.getpid())
        conn.send(("init_error", 0, pack_error(exc)))
        return

    def send(message: tuple[str, int, Any]) -> None:
        try:
            conn.send(message)
        except (EOFError, OSError) as exc:
            raise _Gone from exc

    send(("ready", 0, describe(assistant)))
    with contextlib.suppress(_Gone, EOFError, OSError):  # the server is gone: so is this worker
        while (task := conn.recv()) is not None:
            tid, kind, kw = task
            try:
                for item in run_job(assistant, kind, kw):
                    send(("item", tid, item))
            except _Gone:
                raise
            except BaseException as exc:
                if not isinstance(exc, ReceptError):
                    log.exception("job %s failed", kind)
                send(("error", tid, pack_error(exc)))
            else:
                send(("done", tid, None))


@dataclass
class _Worker:
    proc: Any
    conn: Any
    ready: bool = False
    task: tuple[int, str, dict[str, Any]] | None = None  # the job it is answering


class ProcessPool(Pool):
    """Worker processes, each with its own Assistant and its own pipe.

    The waiting jobs stay here and a worker gets the next one when it is free, so a worker
    that dies (killed, out of memory) takes only its own job with it — a shared queue's lock
    held by a killed process would block the others for good. It is replaced at once.
    """

    def __init__(
        self, settings: Settings, workers: int, queue_size: int, ready_s: float = 300.0
    ) -> None:
        super().__init__(workers, queue_size)
        self._settings = worker_settings(settings)
        self._ctx = mp.get_context("spawn")  # never fork a process with threads and a model
        self._workers: list[_Worker] = []
        self._waiting: collections.deque[tuple[int, str, dict[str, Any]]] = collections.deque()
        self._send_lock = threading.RLock()
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
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=worker_main, args=(self._settings, child), daemon=True)
        proc.start()
        child.close()
        self._workers.append(_Worker(proc, parent))

    def _await_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(w.ready for w in self._workers):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReceptError("De werkprocessen kwamen niet op tijd klaar met laden.")
            for w in self._workers:
                if w.ready or not w.conn.poll(min(left, 0.2)):
                    continue
                try:
                    tag, _, value = w.conn.recv()
                except (EOFError, OSError):
                    raise ReceptError("Een werkproces stopte tijdens het laden.") from None
                if tag == "init_error":
                    raise unpack_error(value)
                w.ready = True
                self.info = value

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers if w.proc.is_alive()]

    def alive(self) -> int:
        return sum(1 for w in self._workers if w.ready and w.proc.is_alive())

    def _start(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        with self._send_lock:
            self._waiting.append((tid, kind, kw))
            self._dispatch()

    def _dispatch(self) -> None:
        """Give waiting jobs to free workers (called with the send lock held)."""
        for w in self._workers:
            if not self._waiting:
                return
            if w.ready and w.task is None:
                task = self._waiting.popleft()
                try:
                    w.conn.send(task)
                except (OSError, ValueError):  # it just died: the job waits for another
                    self._waiting.appendleft(task)
                    continue
                w.task = task

    def _read(self) -> None:
        while not self._stopping.is_set():
            conns = {w.conn: w for w in self._workers}
            for ready in mp.connection.wait(list(conns), timeout=1.0):
                worker = conns[ready]  # type: ignore[index]
                try:
                    tag, tid, value = worker.conn.recv()
                except (EOFError, OSError):
                    self._replace(worker)
                    continue
                self._handle(worker, tag, tid, value)
            for w in list(self._workers):
                if not w.proc.is_alive() and not self._stopping.is_set():
                    self._replace(w)

    def _handle(self, worker: _Worker, tag: str, tid: int, value: Any) -> None:
        if tag == "item":
            self._emit(tid, value)
        elif tag in ("done", "error"):
            with self._send_lock:
                worker.task = None
                self._dispatch()
            self._end(tid, unpack_error(value) if tag == "error" else None)
        elif tag == "ready":
            worker.ready = True
            with self._send_lock:
                self._dispatch()
        elif tag == "init_error":
            log.error("a replacement worker could not load: %s", value[1])

    def _replace(self, worker: _Worker) -> None:
        """A worker that died is replaced. Its job runs once more on another worker (jobs only
        read) unless results already went out; then it fails, never hangs."""
        if self._stopping.is_set() or worker not in self._workers:
            return
        log.error(
            "worker %s exited (%s); starting a new one", worker.proc.pid, worker.proc.exitcode
        )
        with self._send_lock:
            self._workers.remove(worker)
            worker.conn.close()
            worker.proc.join(timeout=1)  # reap it: no zombie left behind
            lost, worker.task = worker.task, None
            self._spawn()
            job = self._jobs.get(lost[0]) if lost else None
            if lost and job and not job.emitted and not job.retried:
                job.retried = True
                self._waiting.appendleft(lost)
                self._dispatch()
                return
        if lost is not None:
            self._end(lost[0], ReceptError(WORKER_DIED))

    def close(self) -> None:
        self._stopping.set()
        for w in self._workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        deadline = time.monotonic() + 10
        for w in self._workers:
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.terminate()
                w.proc.join(timeout=5)
        for tid in list(self._jobs):
            self._end(tid, ReceptError("De server stopt."))


def make_pool(settings: Settings) -> Pool:
    """The serving pool from settings: ``workers`` processes, ``queue_size`` waiting."""
    return ProcessPool(settings, worker_count(settings.workers), settings.queue_size)
