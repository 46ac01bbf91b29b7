"""Numbers from runs: percentiles of durations, peak memory, and ranking quality."""

from __future__ import annotations

import resource
import threading
from collections.abc import Sequence
from typing import Any

import psutil

MB = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile.

    >>> percentile([1, 2, 3, 4], 0.5), percentile([5.0], 0.95)
    (2.5, 5.0)
    """
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo))


def stats_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean/max in milliseconds of durations given in seconds.

    >>> stats_ms([0.01, 0.02, 0.03])
    {'p50': 20.0, 'p95': 29.0, 'mean': 20.0, 'max': 30.0}
    >>> stats_ms([])
    {}
    """
    if not seconds:
        return {}
    ms = [s * 1000 for s in seconds]
    return {
        "p50": round(percentile(ms, 0.5), 1),
        "p95": round(percentile(ms, 0.95), 1),
        "mean": round(sum(ms) / len(ms), 1),
        "max": round(max(ms), 1),
    }


def self_peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


class RssSampler:
    """Samples a child process's RSS in a thread; ``stop()`` returns the peak in MB."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def _run(self, pid: int) -> None:
        try:
            proc = psutil.Process(pid)
            while not self._stop.is_set():
                self.peak = max(self.peak, proc.memory_info().rss)
                self._stop.wait(0.1)
        except psutil.Error:
            return

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(2)
        return round(self.peak / MB, 1)


class Rankings:
    """What a retriever returned for the golden questions it can be scored on: answerable,
    with gold passages, and without history (a follow-up's gold depends on the turn before).

    >>> from types import SimpleNamespace as Case
    >>> ranked = Rankings()
    >>> ranked.add(Case(answerable=True, gold=["g"], history=[]), ["a", "g"])
    >>> ranked.add(Case(answerable=True, gold=["g"], history=["vorige vraag"]), ["g"])
    >>> ranked.rankings, ranked.golds
    ([['a', 'g']], [['g']])
    """

    def __init__(self) -> None:
        self.rankings: list[list[str]] = []
        self.golds: list[list[str]] = []

    def add(self, case: Any, texts: Sequence[str]) -> None:
        if case.answerable and case.gold and not case.history:
            self.rankings.append(list(texts))
            self.golds.append(list(case.gold))

    def quality(self) -> dict[str, Any]:
        """hit@k and MRR (:func:`evals.metrics.retrieval_metrics`)."""
        from evals.metrics import retrieval_metrics

        metrics: dict[str, Any] = retrieval_metrics(self.rankings, self.golds)
        return metrics
