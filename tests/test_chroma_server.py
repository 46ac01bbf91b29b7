"""Against a real Chroma server (`chroma run`), not the embedded client.

The server is the one the chromadb package ships, started on a free port with its data in
``tmp_path``. When it dies or stops answering, a question must end in a clear StoreError
within a bounded time, never hang the app.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import CORPUS

from ingest.embed.embedder import HashEmbedder
from ingest.embed.st import SentenceTransformerEmbedder
from ingest.pipeline import Ingestor
from ingest.store import ChromaCatalog
from recept.errors import ReceptError, StoreError
from recept.settings import Settings

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")
STARTUP_S = 60.0
# How long a question may take to fail once the server is gone or hung.
FAIL_WITHIN_S = 30.0
HUNG_WITHIN_S = 20.0  # a hung server: one timed-out request (≈10 s proposed) must end it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ChromaServer:
    proc: subprocess.Popen[bytes]
    url: str

    def heartbeat(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # in case a test stopped it
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    server = ChromaServer(proc, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + STARTUP_S
        while not server.heartbeat():
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run not ready within {STARTUP_S:.0f} s")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()
        log.close()


def server_settings(server: ChromaServer) -> Settings:
    return Settings.load(overrides={"chroma_url": server.url})


def ingestor(settings: Settings, embedder: Any) -> Ingestor:
    return Ingestor(
        ChromaCatalog.from_settings(settings),
        embedder,
        lock_path=settings.data_path / "ingest.lock",
        max_bytes=10 * 1024 * 1024,
    )


def within(seconds: float, fn: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``fn`` in a daemon thread: (finished in time, its result or exception)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # reported to the test, not swallowed
            box["result"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), box.get("result")


@pytest.mark.model
def test_ingest_and_ask_through_a_chroma_server(
    chroma_server: ChromaServer, e5_embedder: SentenceTransformerEmbedder
) -> None:
    from assistant.api import Assistant

    settings = server_settings(chroma_server)
    summary = ingestor(settings, e5_embedder).run([CORPUS], sync=True)
    assert summary.changed and summary.chunks > 40
    # Nothing went to the local data dir: the server holds the index.
    assert not settings.chroma_path.exists()

    assistant = Assistant.from_settings(settings, embedder=e5_embedder)
    answer = assistant.ask("Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?")
    assert not answer.refused and answer.citations
    assert all(assistant.verify(c) for c in answer.citations)

    again = ingestor(settings, e5_embedder).run([CORPUS], sync=True)
    assert (again.added, again.changed) == (0, False)


def test_server_killed_mid_session_gives_store_error_fast(chroma_server: ChromaServer) -> None:
    from assistant.api import Assistant

    settings = server_settings(chroma_server)
    ingestor(settings, HashEmbedder()).run([CORPUS], sync=True)
    assistant = Assistant.from_settings(settings, embedder=HashEmbedder())
    assert assistant.ask("Wat betekent Gunnen?").citations

    chroma_server.proc.kill()
    chroma_server.proc.wait(timeout=10)

    done, result = within(FAIL_WITHIN_S, lambda: assistant.ask("Wat is Doen?"))
    assert done, f"a question hung for {FAIL_WITHIN_S:.0f} s after the server died"
    assert isinstance(result, StoreError), result
    done, result = within(FAIL_WITHIN_S, lambda: Assistant.from_settings(settings))
    assert done and isinstance(result, StoreError), result
    assert chroma_server.url in result.message and "chroma run" in result.message


def test_unreachable_or_invalid_url_gives_store_error() -> None:
    from assistant.api import Assistant

    nobody = Settings.load(overrides={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    done, result = within(FAIL_WITHIN_S, lambda: Assistant.from_settings(nobody))
    assert done and isinstance(result, StoreError), result
    assert "niet bereikbaar" in result.message

    with pytest.raises(StoreError, match="Ongeldige RECEPT_CHROMA_URL"):
        ChromaCatalog.from_settings(Settings.load(overrides={"chroma_url": "localhost:8000"}))


def test_hung_server_gives_store_error_within_bounded_time(chroma_server: ChromaServer) -> None:
    from assistant.api import Assistant

    settings = server_settings(chroma_server)
    ingestor(settings, HashEmbedder()).run([CORPUS], sync=True)
    assistant = Assistant.from_settings(settings, embedder=HashEmbedder())

    chroma_server.proc.send_signal(signal.SIGSTOP)  # alive, accepts TCP, never answers
    try:
        done, result = within(HUNG_WITHIN_S, lambda: assistant.ask("Wat is Doen?"))
    finally:
        chroma_server.stop()  # also frees the hung thread (its connection is reset)
    assert done, f"a question hung for more than {HUNG_WITHIN_S:.0f} s on a stopped server"
    assert isinstance(result, ReceptError), result


def test_opening_against_a_hung_server_gives_store_error_within_bounded_time(
    chroma_server: ChromaServer,
) -> None:
    from assistant.api import Assistant

    settings = server_settings(chroma_server)
    chroma_server.proc.send_signal(signal.SIGSTOP)
    try:
        done, result = within(
            HUNG_WITHIN_S, lambda: Assistant.from_settings(settings, embedder=HashEmbedder())
        )
    finally:
        chroma_server.stop()
    assert done, f"opening the index hung for more than {HUNG_WITHIN_S:.0f} s"
    assert isinstance(result, StoreError), result
