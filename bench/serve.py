"""Serving under load: a real `recept serve`, 50 concurrent 3-turn conversations.

    python -m bench.serve [--conversations 50] [--data DIR]

Phases: the JSON API alone, the UI's /chat endpoint (gradio_client) alone, both side by side;
then the same with two CPU hogs beside the server; then the JSON API while 200
streams are held open without being read. Every phase counts errors (a 503 is an error here
too: the queue is large enough for this load) and the CPU its own clients used, since they
share the machine with the server. Writes ``bench/results/serve.json``.

The UI's clients (gradio_client, in a process of their own, offline like the server) are
made to behave like browsers in two ways gradio_client does not by default: they wait as
long as the API's clients (120 s, not httpx's 5 s: a browser waits minutes), and on
plain-HTTP loopback they skip TLS set-up (``ssl_verify=False``), which otherwise loads the CA
bundle anew for each of the ~8 HTTP calls of a conversation: 0.29 s of client CPU per
conversation instead of 0.04, twice what the server itself spent. How long connecting took
(login, /config, /gradio_api/info: the door) is reported as ``door_*_s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.cold import OFFLINE_ENV, free_port, offline_env, recept_exe
from bench.stats import MB, percentile

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results" / "serve.json"
TURNS = 3
AUTH = ("bench", "bench-geheim")
CLIENT_TIMEOUT_S = 120.0  # every client, API or UI: slower is fine, giving up is an error

# Conversations of our own (not from the eval sets): an opening and two follow-ups.
OPENERS = (
    "Wat bedoelt het recept met elkaar iets gunnen?",
    "Hoe houd ik als raadslid grip op een gemeenschappelijke regeling?",
    "Welke rol krijgt de provincie in de samenwerking?",
    "What does the recipe say about trust between municipalities?",
    "Wie heeft de brief ondertekend?",
    "Hoe ga je om met verschillen tussen grote en kleine gemeenten?",
    "Wat is de werkvraag van de conferentie?",
    "Welk ingrediënt gaat over lef?",
)
FOLLOW_UPS = (
    ("Kun je dat toelichten?", "En het volgende ingrediënt?"),
    ("Geef een citaat daarover.", "Wat zegt de brief nog meer?"),
    ("Why does that matter?", "And the previous ingredient?"),
)


def conversation_questions(index: int) -> list[str]:
    """The three questions of conversation ``index``.

    >>> conversation_questions(0)[1:]
    ['Kun je dat toelichten?', 'En het volgende ingrediënt?']
    """
    first = OPENERS[index % len(OPENERS)]
    return [first, *FOLLOW_UPS[index % len(FOLLOW_UPS)]][:TURNS]


def cpu_s() -> float:
    """CPU seconds this process (all its threads) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def summary(latencies: Sequence[float], errors: Sequence[str], wall: float) -> dict[str, Any]:
    """Throughput and latency of one phase.

    >>> s = summary([0.1, 0.2, 0.3], [], 1.0)
    >>> s["requests_ok"], s["rps"], s["p50_s"]
    (3, 3.0, 0.2)
    """
    return {
        "requests_ok": len(latencies),
        "errors": len(errors),
        "error_examples": list(errors[:3]),
        "wall_s": round(wall, 2),
        "rps": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_s": round(percentile(latencies, 0.5), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
    }


# --- the server ------------------------------------------------------------------------


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], url: str) -> None:
        self.proc = proc
        self.url = url

    def memory(self) -> dict[str, Any]:
        """RSS of the server process and of each worker; USS = what a worker adds alone."""
        main = psutil.Process(self.proc.pid)
        workers = main.children(recursive=True)
        per = []
        for w in workers:
            try:
                full = w.memory_full_info()
                per.append({"rss_mb": round(full.rss / MB, 1), "uss_mb": round(full.uss / MB, 1)})
            except psutil.Error:
                continue
        return {
            "server_rss_mb": round(main.memory_info().rss / MB, 1),
            "workers": per,
            "per_extra_worker_uss_mb": max((w["uss_mb"] for w in per), default=None),
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@contextmanager
def serve(data_dir: Path, workers: int = 0, ready_s: float = 600) -> Iterator[Served]:
    port = free_port()
    env = offline_env(data_dir)
    env.update(RECEPT_AUTH=":".join(AUTH), RECEPT_WORKERS=str(workers))
    log = data_dir / "serve-bench.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [recept_exe(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    served = Served(proc, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + ready_s
        while "draait op" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"recept serve did not start: {log.read_text()[-800:]}")
            time.sleep(0.2)
        yield served
    finally:
        served.stop()


@contextmanager
def cpu_hogs(n: int) -> Iterator[None]:
    """``n`` busy processes at normal priority, like other work on the machine."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for h in hogs:
            h.kill()
            h.wait()


# --- clients ---------------------------------------------------------------------------


async def _api_conversation(
    client: httpx.AsyncClient, index: int, latencies: list[float], errors: list[str]
) -> None:
    history: list[dict[str, str]] = []
    for question in conversation_questions(index):
        t0 = time.perf_counter()
        try:
            r = await client.post("/api/ask", json={"question": question, "history": history})
            r.raise_for_status()
            body = r.json()
        except (httpx.HTTPError, ValueError) as exc:
            errors.append(repr(exc)[:200])
            return
        latencies.append(time.perf_counter() - t0)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": body["answer"]},
        ]


async def _api_run(url: str, conversations: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=conversations + 10)
    timeout = CLIENT_TIMEOUT_S
    async with httpx.AsyncClient(base_url=url, auth=AUTH, timeout=timeout, limits=limits) as client:
        t0 = time.perf_counter()
        await asyncio.gather(
            *(_api_conversation(client, i, latencies, errors) for i in range(conversations))
        )
        return latencies, errors, time.perf_counter() - t0


def api_phase(url: str, conversations: int) -> dict[str, Any]:
    cpu0 = cpu_s()
    latencies, errors, wall = asyncio.run(_api_run(url, conversations))
    return {**summary(latencies, errors, wall), "client_cpu_s": round(cpu_s() - cpu0, 1)}


def where(exc: BaseException) -> str:
    """The exception and the innermost frame of the client library that raised it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "gradio_client" in f.filename]
    at = f" at {Path(frames[-1].filename).name}:{frames[-1].name}" if frames else ""
    return f"{exc!r}{at}"[:200]


def browser_like_client(url: str, auth: tuple[str, str] | None = None) -> Any:
    """A gradio_client.Client that waits like a browser and skips TLS set-up on plain HTTP."""
    from gradio_client import Client

    return Client(
        url,
        auth=auth,
        verbose=False,
        download_files=False,
        analytics_enabled=False,
        ssl_verify=not url.startswith("http://"),
        httpx_kwargs={"timeout": CLIENT_TIMEOUT_S},
    )


def _ui_conversation(
    url: str, index: int, latencies: list[float], errors: list[str], doors: list[float]
) -> None:
    t0 = time.perf_counter()
    try:
        client = browser_like_client(url, AUTH)
    except Exception as exc:
        errors.append(where(exc))
        return
    doors.append(time.perf_counter() - t0)
    history: list[dict[str, str]] = []
    try:
        for question in conversation_questions(index):
            t0 = time.perf_counter()
            text, _, _ = client.predict(question, history, api_name="/chat")
            latencies.append(time.perf_counter() - t0)
            history += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": text},
            ]
    except Exception as exc:
        errors.append(where(exc))
    finally:
        client.close()


def ui_clients(url: str, conversations: int) -> dict[str, Any]:
    """``conversations`` UI clients in threads of this process (see :func:`ui_phase`)."""
    latencies: list[float] = []
    errors: list[str] = []
    doors: list[float] = []
    cpu0, t0 = cpu_s(), time.perf_counter()
    with ThreadPoolExecutor(conversations) as pool:
        for i in range(conversations):
            pool.submit(_ui_conversation, url + "/", i, latencies, errors, doors)
    out = summary(latencies, errors, time.perf_counter() - t0)
    out["client_cpu_s"] = round(cpu_s() - cpu0, 1)
    if doors:
        out["door_p50_s"] = round(percentile(doors, 0.5), 3)
        out["door_p95_s"] = round(percentile(doors, 0.95), 3)
        out["door_max_s"] = round(max(doors), 3)
    return out


def _spawn_ui_clients(url: str, conversations: int) -> subprocess.Popen[str]:
    """The UI's clients in their own process (as real browsers would be), offline like the
    server: online, gradio_client's first connection asks the Hub for an agent registry
    (huggingface_hub's user agent), in every thread at once, up to 5 s at the door."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.serve", "--ui-client", url, str(conversations)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
        env={**os.environ, **OFFLINE_ENV},
    )


def ui_phase(url: str, conversations: int) -> dict[str, Any]:
    stdout, _ = _spawn_ui_clients(url, conversations).communicate(timeout=1800)
    result: dict[str, Any] = json.loads(stdout)
    return result


def side_by_side(url: str, conversations: int) -> dict[str, Any]:
    """Both at once."""
    ui = _spawn_ui_clients(url, conversations)
    out: dict[str, Any] = {"api": api_phase(url, conversations)}
    stdout, _ = ui.communicate(timeout=1800)
    out["ui"] = json.loads(stdout)
    return out


async def _hold_streams(url: str, n: int, opened: threading.Event, stop: threading.Event) -> int:
    """Open ``n`` SSE requests and never read them; returns how many connected."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"question": "Wat bedoelt het recept met elkaar iets gunnen?"})
    import base64

    token = base64.b64encode(":".join(AUTH).encode()).decode()
    request = (
        f"POST /api/ask/stream HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n\r\n{body}"
    ).encode()
    writers = []
    for _ in range(n):
        try:
            _, writer = await asyncio.open_connection(host, int(port))
        except OSError:
            continue
        writer.write(request)
        await writer.drain()
        writers.append(writer)
    opened.set()
    while not stop.is_set():
        await asyncio.sleep(0.2)
    for w in writers:
        w.close()
    return len(writers)


def with_open_streams(
    url: str, conversations: int, streams: int, rounds: int = 3
) -> dict[str, Any]:
    """The JSON API with ``streams`` held open, against runs without them right around it.

    The baseline is measured right before and right after, not taken from the idle phase at
    the start: run-to-run spread on a shared machine (0.6–1.5× between runs minutes apart)
    is larger than what the open streams are to be measured against. One run of 150
    requests takes about two seconds, so each side is the median of ``rounds`` runs.
    """
    baseline = [api_phase(url, conversations) for _ in range(rounds)]
    result = _api_with_streams_held(url, conversations, streams, rounds)
    baseline += [api_phase(url, conversations) for _ in range(rounds)]
    rates = sorted(r["rps"] for r in baseline)
    result["baseline_rps"] = rates
    result["baseline_median_rps"] = statistics.median(rates)
    result["baseline_errors"] = sum(r["errors"] for r in baseline)
    if result.get("rps"):
        result["slowdown"] = round(result["baseline_median_rps"] / result["rps"], 2)
    return result


def _api_with_streams_held(
    url: str, conversations: int, streams: int, rounds: int
) -> dict[str, Any]:
    opened, stop = threading.Event(), threading.Event()
    held: dict[str, int] = {}
    holder = threading.Thread(
        target=lambda: held.update(n=asyncio.run(_hold_streams(url, streams, opened, stop)))
    )
    holder.start()
    opened.wait(300)
    # The held requests' own answers are computed first (a burst of 200 is past the queue's
    # bound, so some of them get a 503): measure once the server is idle with them open.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        health = httpx.get(url + "/api/health", auth=AUTH, timeout=30).json()
        if health["in_flight"] == 0:
            break
        time.sleep(0.5)
    try:
        runs = [api_phase(url, conversations) for _ in range(rounds)]
    finally:
        stop.set()
        holder.join(30)
    # The run at the median rate stands for the phase; the counts are those of all runs.
    result = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    result["rps_runs"] = sorted(r["rps"] for r in runs)
    result["errors"] = sum(r["errors"] for r in runs)
    result["requests_ok"] = sum(r["requests_ok"] for r in runs)
    result["streams_held"] = held.get("n", 0)
    return result


# --- processes or threads ---------------------------------------------------------------


async def _drive(pool: Any, n: int) -> tuple[float, list[float]]:
    """``n`` questions through a pool, as many at once as the pool has workers × 4."""
    latencies: list[float] = []
    gate = asyncio.Semaphore(pool.workers * 4)

    async def one(i: int) -> None:
        async with gate:
            t0 = time.perf_counter()
            await pool.call("ask", question=OPENERS[i % len(OPENERS)], history=[])
            latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - t0, latencies


def processes_or_threads(data_dir: Path, workers: int = 2, n: int = 200) -> dict[str, Any]:
    """The same questions through two worker processes and through two threads."""
    from dataclasses import replace

    from assistant import Assistant
    from recept.settings import Settings
    from server.pool import ThreadPool
    from server.processes import ProcessPool

    settings = Settings.load(env=offline_env(data_dir))
    out: dict[str, Any] = {"workers": workers, "questions": n}
    procs = ProcessPool(settings, workers, queue_size=n)
    try:
        asyncio.run(_drive(procs, 10))
        wall, lat = asyncio.run(_drive(procs, n))
        out["processes"] = summary(lat, [], wall)
    finally:
        procs.close()
    for threads in (0, 1):  # onnx threads per answer: all cores, or one
        assistant = Assistant.from_settings(replace(settings, torch_threads=threads))
        pool = ThreadPool(assistant, workers, queue_size=n)
        try:
            asyncio.run(_drive(pool, 10))
            wall, lat = asyncio.run(_drive(pool, n))
            out[f"threads_onnx_threads_{threads or 'all'}"] = summary(lat, [], wall)
        finally:
            pool.close()
    return out


# --- orchestration ---------------------------------------------------------------------


def indexed_data_dir(work: Path) -> Path:
    """A fresh data dir with the built models linked and the corpus ingested."""
    from recept.settings import Settings

    data = work / "data"
    models = Settings.load().models_path.resolve()
    data.mkdir(parents=True)
    (data / "models").symlink_to(models, target_is_directory=True)
    env = offline_env(data)
    env["RECEPT_CORPUS_DIR"] = str(PROJECT / "corpus")
    subprocess.run([recept_exe(), "ingest"], check=True, env=env, capture_output=True)
    return data


def measure(
    data_dir: Path, conversations: int = 50, streams: int = 200, only: Sequence[str] = ()
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "conversations": conversations,
        "turns": TURNS,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    phases: list[tuple[str, Callable[[str], dict[str, Any]], int]] = [
        ("api_idle", lambda u: api_phase(u, conversations), 0),
        ("ui_idle", lambda u: ui_phase(u, conversations), 0),
        ("side_by_side_idle", lambda u: side_by_side(u, conversations), 0),
        ("api_two_hogs", lambda u: api_phase(u, conversations), 2),
        ("ui_two_hogs", lambda u: ui_phase(u, conversations), 2),
        ("side_by_side_two_hogs", lambda u: side_by_side(u, conversations), 2),
        ("api_with_open_streams", lambda u: with_open_streams(u, conversations, streams), 0),
    ]
    phases = [p for p in phases if not only or p[0] in only]
    if not only or "processes_or_threads" in only:
        result["processes_or_threads"] = processes_or_threads(data_dir)
    if not phases:
        return result
    with serve(data_dir) as served:
        api_phase(served.url, 4)  # warm connections and workers
        for name, phase, hogs in phases:
            with cpu_hogs(hogs):
                t0 = time.perf_counter()
                result[name] = phase(served.url)
            print(f"[bench] serve {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        result["memory"] = served.memory()
        health = httpx.get(served.url + "/api/health", auth=AUTH, timeout=10).json()
        result["workers"] = health["workers"]
    idle, hogged = result.get("api_idle", {}), result.get("api_two_hogs", {})
    if idle.get("rps") and hogged.get("rps"):
        result["api_slowdown_with_two_hogs"] = round(idle["rps"] / hogged["rps"], 2)
    held = result.get("api_with_open_streams", {})
    if held.get("slowdown"):
        result["api_slowdown_with_open_streams"] = held["slowdown"]
    result["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


ROWS = (
    ("api_idle", "JSON API, idle"),
    ("ui_idle", "UI /chat (gradio_client), idle"),
    ("side_by_side_idle", "both at once, idle"),
    ("api_two_hogs", "JSON API, two CPU hogs"),
    ("ui_two_hogs", "UI /chat, two CPU hogs"),
    ("side_by_side_two_hogs", "both at once, two CPU hogs"),
    ("api_with_open_streams", "JSON API, 200 streams held open"),
)


def markdown(r: dict[str, Any]) -> list[str]:
    """The serving table for bench.md.

    >>> row = {"requests_ok": 150, "errors": 0, "rps": 40.0, "p50_s": 1.0, "p95_s": 1.2}
    >>> markdown({"conversations": 50, "api_idle": row})[-1]
    '| JSON API, idle | 150 | 0 | 40.0 | 1.0 | 1.2 |  |  |'
    >>> markdown({"ui_idle": {**row, "door_p95_s": 0.4, "client_cpu_s": 2.1}})[-1]
    '| UI /chat (gradio_client), idle | 150 | 0 | 40.0 | 1.0 | 1.2 | 0.4 | 2.1 |'
    """
    lines = [
        f"## Serving: {r.get('conversations')} concurrent 3-turn conversations per client kind",
        "",
        "Door: connecting a UI client (login, /config, /gradio_api/info), p95. Client CPU: "
        "what the bench's own clients used on the same cores.",
        "",
        "| phase | requests ok | errors | req/s | p50 s | p95 s | door p95 s | client CPU s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in ROWS:
        value = r.get(key)
        if not value:
            continue
        parts = [("", value)] if "rps" in value else sorted(value.items())
        for side, v in parts:
            name = f"{label} ({side})" if side else label
            lines.append(
                f"| {name} | {v['requests_ok']} | {v['errors']} | {v['rps']} | "
                f"{v['p50_s']} | {v['p95_s']} | {v.get('door_p95_s', '')} | "
                f"{v.get('client_cpu_s', '')} |"
            )
    held = r.get("api_with_open_streams") or {}
    if held.get("slowdown"):
        lines += [
            "",
            f"With {held.get('streams_held')} streams held open: {held['rps']} req/s (median "
            f"of {held['rps_runs']}) against {held['baseline_median_rps']} without them right "
            f"before and after (median of {held['baseline_rps']}): {held['slowdown']}×.",
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Belastingtest van recept serve.")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--data", type=Path, default=None, help="data-map met index")
    parser.add_argument("--only", nargs="*", default=(), help="alleen deze fasen")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--ui-client", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ui_client:  # one side of side_by_side, in its own process
        print(json.dumps(ui_clients(args.ui_client[0], int(args.ui_client[1]))))
        return 0
    work = Path(tempfile.mkdtemp(prefix="recept-serve-bench-"))
    try:
        data = args.data or indexed_data_dir(work)
        result = measure(data, args.conversations, args.streams, args.only)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
