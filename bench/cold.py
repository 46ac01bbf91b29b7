"""Cold start: `recept ask` and `recept serve` launched as fresh processes, timed to the
first cited answer, with their peak memory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.stats import RssSampler, percentile

COLD_QUESTION = "Wat betekent Gunnen?"
# Nothing may reach a model hub or phone home, in this process or in the ones it launches.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_env(data_dir: Path) -> dict[str, str]:
    """This process's environment without the user's RECEPT_ settings, offline, on ``data_dir``.

    >>> env = offline_env(Path("/tmp/x"))
    >>> env["RECEPT_DATA_DIR"], env["HF_HUB_OFFLINE"]
    ('/tmp/x', '1')
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEPT_")}
    env.update(OFFLINE_ENV, RECEPT_DATA_DIR=str(data_dir))
    return env


def recept_exe() -> str:
    exe = Path(sys.executable).with_name("recept")
    return str(exe) if exe.exists() else "recept"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_ask(data_dir: Path, reps: int) -> dict[str, Any]:
    runs: list[float] = []
    peaks: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [recept_exe(), "ask", COLD_QUESTION, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=offline_env(data_dir),
        )
        sampler = RssSampler(proc.pid)
        out, err = proc.communicate(timeout=900)
        runs.append(time.perf_counter() - t0)
        peaks.append(sampler.stop())
        if proc.returncode != 0 or not json.loads(out).get("citations"):
            raise RuntimeError(f"recept ask failed ({proc.returncode}): {err.strip()[-500:]}")
    return {
        "runs_s": [round(r, 2) for r in runs],
        "median_s": round(percentile(runs, 0.5), 2),
        "peak_rss_mb": max(peaks),
    }


def cold_serve(data_dir: Path, timeout_s: float = 600) -> dict[str, Any]:
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [recept_exe(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=offline_env(data_dir),
        )
    sampler = RssSampler(proc.pid)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"recept serve exited: {log.read_text()[-500:]}")
            if time.perf_counter() - t0 > timeout_s:
                raise RuntimeError(f"recept serve not ready after {timeout_s:.0f} s")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        ready = time.perf_counter() - t0
        from gradio_client import Client

        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        t1 = time.perf_counter()
        text, _, citations = client.predict(COLD_QUESTION, [], api_name="/chat")
        first = time.perf_counter() - t1
        client.close()
        if not citations:
            raise RuntimeError(f"/chat gave no citations: {text[:200]}")
        return {
            "ready_s": round(ready, 2),
            "first_answer_s": round(first, 2),
            "launch_to_first_answer_s": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": sampler.stop(),
        }
    finally:
        sampler.stop()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
