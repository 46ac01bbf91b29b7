"""Load on a busy machine: a real `recept serve` process with two CPU hogs beside it.

50 concurrent conversations of 3 turns through the JSON API (``POST /api/ask``) and, at the
same time, 20 through the UI's ``/chat`` endpoint (gradio_client), all starting together on
a freshly started server. Zero errors are allowed
(a 503 "druk" counts as one: the queue is larger than this load), every citation must be
verbatim in the corpus, and the server must survive. No latency assertions: the clients
wait as long as it takes (they share the two busy cores with the server). Throughput and
latency go to ``bench/results/load.json`` as a record, never as a gate.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from conftest import CORPUS_FILE

from ingest.loaders import MB, load_document
from recept.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.model]

PROJECT = Path(__file__).resolve().parents[1]
RECEPT = Path(sys.executable).with_name("recept")
RESULTS = PROJECT / "bench" / "results" / "load.json"
CONVERSATIONS = 50  # through the JSON API
UI_CONVERSATIONS = 20  # through gradio_client, at the same time
TURNS = 3
HOGS = 2
CLIENT_TIMEOUT_S = 300.0
READY_S = 240.0  # model load + index open on a busy 2-core machine
GLOBAL_S = 900.0  # all 210 requests, beside the hogs

FIRST_QUESTIONS = (
    "Wat betekent Gunnen?",
    "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?",
    "Wat is ANNA?",
    "Wie organiseerde de conferentie Sterke gemeenten, sterke regio's?",
    "Welk kenmerk heeft de brief?",
    "Wat zegt het recept over vertrouwen tussen gemeenten?",
    "How should municipalities deal with a crisis according to the recipe?",
    "Wat vindt het recept van fusies van gemeenten?",
    "Hoeveel deelnemers waren er bij de conferentie?",
    "Wat is de rol van de provincie volgens het recept?",
)
FOLLOW_UPS = (
    ("En wat is het volgende ingrediënt?", "Kun je dat in één zin samenvatten?"),
    ("Kun je daar een voorbeeld van geven?", "Welk citaat past daarbij?"),
    ("Wat zegt de brief daar verder over?", "En wat is het vorige ingrediënt?"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A `recept serve` process and a sampler of its peak memory."""

    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc = proc
        self.url = url
        self.log = log
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        try:
            ps = psutil.Process(self.proc.pid)
            while not self._stop.wait(0.25):
                workers = ps.children(recursive=True)  # the answering processes
                rss = ps.memory_info().rss + sum(w.memory_info().rss for w in workers)
                self.peak_rss = max(self.peak_rss, rss)
        except psutil.Error:
            return

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def served(tmp_path: Path, indexed_settings: Settings) -> Iterator[Server]:
    data = tmp_path / "data"
    # The session's index (link_models + ingest of the corpus), copied so nothing is shared.
    shutil.copytree(indexed_settings.data_path, data, symlinks=True)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(RECEPT), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "RECEPT_DATA_DIR": str(data),
                "RECEPT_CONCURRENCY": "8",
                "RECEPT_WORKERS": "2",
            },
        )
    server = Server(proc, f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + READY_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"recept serve exited: {log.read_text()[-2000:]}")
            if "draait op" in log.read_text():
                try:
                    if httpx.get(server.url, timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"recept serve not ready within {READY_S:.0f} s: {log.read_text()}")
            time.sleep(0.5)
        yield server
    finally:
        server.stop()


def questions(index: int) -> list[str]:
    return [FIRST_QUESTIONS[index % len(FIRST_QUESTIONS)], *FOLLOW_UPS[index % len(FOLLOW_UPS)]][
        :TURNS
    ]


def ui_conversation(url: str, index: int, latencies: list[float]) -> list[dict[str, Any]]:
    """Three turns through the UI's /chat with growing history; returns every citation."""
    from gradio_client import Client

    client = Client(
        url,
        verbose=False,
        download_files=False,
        analytics_enabled=False,
        max_workers=2,
        httpx_kwargs={"timeout": CLIENT_TIMEOUT_S},  # a browser waits too; httpx's default is 5 s
        ssl_verify=False,  # plain HTTP on loopback; else each call loads the CA bundle (40 ms CPU)
    )
    history: list[dict[str, str]] = []
    citations: list[dict[str, Any]] = []
    try:
        for question in questions(index):
            t0 = time.perf_counter()
            text, sources, cites = client.predict(question, history, api_name="/chat")
            latencies.append(time.perf_counter() - t0)
            assert isinstance(text, str) and text.strip(), question
            assert isinstance(sources, str)
            citations.extend(cites)
            history += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": text},
            ]
    finally:
        client.close()
    return citations


def api_conversation(url: str, index: int, latencies: list[float]) -> list[dict[str, Any]]:
    """Three turns through POST /api/ask; citations in the UI's shape (doc_id, quote, …)."""
    history: list[dict[str, str]] = []
    citations: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT_S) as client:
        for question in questions(index):
            t0 = time.perf_counter()
            r = client.post("/api/ask", json={"question": question, "history": history})
            latencies.append(time.perf_counter() - t0)
            assert r.status_code == 200, (r.status_code, r.text[:300])
            body = r.json()
            assert body["answer"].strip(), question
            citations += [{**c, "doc_id": c["document"]} for c in body["citations"]]
            history += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": body["answer"]},
            ]
    return citations


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@pytest.fixture
def cpu_hogs() -> Iterator[None]:
    """Two busy processes at normal priority: the machine is as busy as CI gets."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
    try:
        yield
    finally:
        for h in hogs:
            h.kill()
            h.wait()


def stats(latencies: list[float], wall: float) -> dict[str, Any]:
    return {
        "requests_ok": len(latencies),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "latency_p50_s": round(percentile(latencies, 0.50), 3) if latencies else None,
        "latency_p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "latency_max_s": round(max(latencies), 3) if latencies else None,
    }


def test_fifty_concurrent_conversations_beside_cpu_hogs(served: Server, cpu_hogs: None) -> None:
    source = load_document(CORPUS_FILE, max_bytes=10 * MB)
    api_latencies: list[float] = []
    ui_latencies: list[float] = []
    base = served.url.rstrip("/")
    t0 = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=CONVERSATIONS + UI_CONVERSATIONS)
    futures = [
        pool.submit(ui_conversation, served.url, i, ui_latencies) for i in range(UI_CONVERSATIONS)
    ]
    futures += [pool.submit(api_conversation, base, i, api_latencies) for i in range(CONVERSATIONS)]
    done, pending = wait(futures, timeout=GLOBAL_S, return_when=FIRST_EXCEPTION)
    wall = time.perf_counter() - t0
    pool.shutdown(wait=False, cancel_futures=True)

    errors = [repr(f.exception()) for f in done if f.exception() is not None]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "conversations_api": CONVERSATIONS,
        "conversations_ui": UI_CONVERSATIONS,
        "turns": TURNS,
        "cpu_hogs": HOGS,
        "errors": len(errors) + len(pending),
        "wall_s": round(wall, 2),
        "api": stats(api_latencies, wall),
        "ui": stats(ui_latencies, wall),
        "server_and_workers_peak_rss_mb": round(served.peak_rss / MB, 1),
        "cpu_count": os.cpu_count(),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    assert not pending, f"{len(pending)} conversations unfinished after {GLOBAL_S:.0f} s"
    assert not errors, errors[:3]
    assert len(api_latencies) == CONVERSATIONS * TURNS
    assert len(ui_latencies) == UI_CONVERSATIONS * TURNS

    bad = [
        c
        for f in done
        for c in f.result()
        if c["doc_id"] != source.doc_id or source.text[c["start"] : c["end"]] != c["quote"]
    ]
    assert not bad, bad[:3]
    assert served.proc.poll() is None, "the server died under load"
