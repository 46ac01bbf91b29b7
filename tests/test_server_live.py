"""`recept serve` as a real process with RECEPT_AUTH: the JSON API over plain HTTP (with SSE),
the OpenAI-compatible API through the `openai` client, and the UI on the same port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from recept.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.model]

RECEPT = Path(sys.executable).with_name("recept")
AUTH = ("griffie", "geheim wachtwoord")
READY_S = 300.0
QUESTION = "Hoe kunnen gemeenten elkaar iets gunnen?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(work: Path, indexed_settings: Settings) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`recept serve` on a copy of the session's index; returns once it listens."""
    data = work / "data"
    if not data.exists():
        shutil.copytree(indexed_settings.data_path, data, symlinks=True)
    port = free_port()
    log = work / f"serve-{port}.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RECEPT_")},
        "RECEPT_DATA_DIR": str(data),
        "RECEPT_AUTH": ":".join(AUTH),
        "RECEPT_WORKERS": "2",
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(RECEPT), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + READY_S
    while "draait op" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"recept serve did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    return proc, f"http://127.0.0.1:{port}", log


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def workers_of(pid: int) -> list[psutil.Process]:
    """The answering processes (multiprocessing's resource tracker is not one)."""
    workers = []
    for kid in psutil.Process(pid).children():
        try:
            if "resource_tracker" not in " ".join(kid.cmdline()):
                workers.append(kid)
        except psutil.Error:  # exited meanwhile
            continue
    return workers


def gone(procs: list[psutil.Process], within_s: float) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=within_s)
    return not alive


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, indexed_settings: Settings
) -> Iterator[tuple[str, int]]:
    proc, url, log = start(tmp_path_factory.mktemp("live"), indexed_settings)
    try:
        yield url, proc.pid
        assert proc.poll() is None, log.read_text()[-2000:]
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def server(live: tuple[str, int]) -> str:
    return live[0]


def test_plain_http_api(server: str) -> None:
    assert httpx.get(f"{server}/api/health").status_code == 401
    h = httpx.get(f"{server}/api/health", auth=AUTH).json()
    assert h["status"] == "ok" and h["documents"] >= 1 and h["workers_ready"] == 2
    r = httpx.post(f"{server}/api/ask", json={"question": QUESTION}, auth=AUTH, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["citations"] and not r.json()["refused"]
    bad = httpx.post(f"{server}/api/ask", json={"question": ["a"]}, auth=AUTH, timeout=60)
    assert bad.status_code == 422 and "tekst" in bad.json()["detail"]
    schema = httpx.get(f"{server}/api/openapi.json", auth=AUTH).json()
    assert "/api/ask" in schema["paths"]


def test_server_sent_events(server: str) -> None:
    got = []
    with httpx.stream(
        "POST", f"{server}/api/ask/stream", json={"question": QUESTION}, auth=AUTH, timeout=60
    ) as r:
        assert r.status_code == 200
        event = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                got.append((event, json.loads(line[6:])))
    assert [e for e, _ in got][-2:] == ["answer", "done"]
    assert got[-2][1]["citations"]


def test_openai_client(server: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{server}/v1", api_key=":".join(AUTH), max_retries=0)
    assert [m.id for m in client.models.list()] == ["recept-assistent"]
    reply = client.chat.completions.create(
        model="recept-assistent", messages=[{"role": "user", "content": QUESTION}]
    )
    text = reply.choices[0].message.content or ""
    assert "[1]" in text and "Bronnen:" in text
    follow = client.chat.completions.create(
        model="recept-assistent",
        messages=[
            {"role": "user", "content": QUESTION},
            {"role": "assistant", "content": text},
            {"role": "user", "content": "Kun je dat toelichten?"},
        ],
        stream=True,
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in follow if c.choices)
    assert "Bronnen:" in streamed
    wrong = openai.OpenAI(base_url=f"{server}/v1", api_key="griffie:fout", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(
            model="recept-assistent", messages=[{"role": "user", "content": ""}]
        )


def test_ui_on_the_same_port(server: str) -> None:
    from gradio_client import Client

    assert httpx.get(f"{server}/").status_code == 200  # the login page
    client = Client(f"{server}/", auth=AUTH, verbose=False, download_files=False)
    text, sources, citations = client.predict(QUESTION, [], api_name="/chat")
    client.close()
    assert citations and "[1]" in text and sources


def test_the_ui_is_warmed_up_logged_in_before_ready(server: str) -> None:
    from server.run import warm_up

    # Logged in with the first RECEPT_AUTH user: without it /config and /info are 401.
    assert warm_up(server, ":".join(AUTH)) == {"/": 200, "/config": 200, "/gradio_api/info": 200}
    assert warm_up(f"http://127.0.0.1:{free_port()}", "") == {}  # nothing there: no error


def test_a_killed_worker_fails_nothing_and_is_replaced(live: tuple[str, int]) -> None:
    url, pid = live
    before = workers_of(pid)
    assert len(before) == 2
    before[0].kill()
    for _ in range(6):  # the other worker answers meanwhile
        r = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, auth=AUTH, timeout=120)
        assert r.status_code == 200, r.text
    deadline = time.monotonic() + READY_S
    while httpx.get(f"{url}/api/health", auth=AUTH).json()["workers_ready"] < 2:
        assert time.monotonic() < deadline, "no replacement worker"
        time.sleep(0.5)
    assert before[0].pid not in [w.pid for w in workers_of(pid)]


def test_stopping_the_server_stops_its_workers(tmp_path: Path, indexed_settings: Settings) -> None:
    proc, _, _ = start(tmp_path, indexed_settings)
    workers = workers_of(proc.pid)
    assert len(workers) == 2
    proc.terminate()  # SIGTERM: a clean stop
    assert proc.wait(timeout=60) == 0
    assert gone(workers, 30)
    proc, _, _ = start(tmp_path, indexed_settings)
    workers = workers_of(proc.pid)
    proc.kill()  # no chance to clean up: the workers notice their pipe closing
    proc.wait(timeout=30)
    assert gone(workers, 30)
