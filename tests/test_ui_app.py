"""The web app as a client sees it: a real server on loopback, the real index and model,
called through ``gradio_client`` (offline). Also ``recept serve`` as a real process.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from recept.errors import IndexMissingError
from recept.settings import Settings

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
CORPUS_FILE = PROJECT / "corpus" / "recept-voor-de-toekomst.md"
RECEPT = Path(sys.executable).with_name("recept")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def norm(text: str) -> str:
    """Whitespace collapsed and markdown emphasis stripped, to compare quotes with the source."""
    return " ".join(text.replace("*", "").split())


def start(factory: Any, settings: Settings) -> tuple[Any, str]:
    from ui.app import build_app, launch

    app = build_app(factory, settings)
    url = launch(app, settings, prevent_thread_lock=True)
    return app, url


def client(url: str) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    from gradio_client import Client

    return Client(url, verbose=False)


@pytest.fixture(scope="module")
def served(
    assistant: Any, indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """(URL, data dir) of an app over the session's real assistant."""
    data = tmp_path_factory.mktemp("app") / "data"
    settings = replace(indexed_settings, data_dir=str(data), port=free_port())
    app, url = start(lambda: assistant, settings)
    yield url, data
    app.close()


def test_chat_endpoint_answers_with_verbatim_citations(served: tuple[str, Path]) -> None:
    url, _ = served
    text, sources, citations = client(url).predict("Wat betekent ANNA?", [], api_name="/chat")
    assert "ANNA" in text
    assert citations, "an answer about ANNA must cite the recipe"
    source = norm(CORPUS_FILE.read_text(encoding="utf-8"))
    for c in citations:
        assert norm(c["quote"]) in source, c["quote"]
        assert f"[{c['n']}]" in text
        assert f'id="bron-{c["n"]}"' in sources
    assert "<mark" in sources and "bron-kaart" in sources


def test_chat_endpoint_is_multi_turn(served: tuple[str, Path]) -> None:
    c = client(served[0])
    first, _, _ = c.predict("Hoe pas ik 'Gunnen' toe bij woningbouw?", [], api_name="/chat")
    history = [
        {"role": "user", "content": "Hoe pas ik 'Gunnen' toe bij woningbouw?"},
        {"role": "assistant", "content": first},
    ]
    # Only the history says which ingredient "daarna" follows (Gunnen is no. 9, then Helderheid).
    text, _, citations = c.predict("En het ingrediënt dat daarna komt?", history, api_name="/chat")
    assert text and citations
    assert any(cit["title"] == "Helderheid" for cit in citations), text


def test_chat_endpoint_refuses_off_topic_questions_without_sources(
    served: tuple[str, Path],
) -> None:
    text, sources, citations = client(served[0]).predict(
        "Wat is de hoofdstad van Frankrijk?", [], api_name="/chat"
    )
    assert citations == []
    assert "weigering" in sources and "bron-kaart" not in sources


def test_chat_endpoint_reports_bad_input_in_dutch(served: tuple[str, Path]) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="invoerveld is leeg"):
        client(served[0]).predict("   ", [], api_name="/chat")


def test_feedback_endpoint_appends_a_jsonl_line(served: tuple[str, Path]) -> None:
    import json

    url, data = served
    c = client(url)
    question = "Wat betekent ANNA?"
    text, _, citations = c.predict(question, [], api_name="/chat")
    assert c.predict(question, text, "down", "mist de uitleg", [], api_name="/feedback") == "ok"
    lines = (data / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[-1])
    assert rec["question"] == question and rec["answer"] == text
    assert (rec["rating"], rec["comment"]) == ("down", "mist de uitleg")
    assert rec["citations"] == citations and rec["history"] == [] and rec["time"]


def test_gradio_events_need_no_pyplot() -> None:
    """Gradio switches matplotlib's backend around every event; with none chosen the first
    event imported pyplot and probed GUI toolkits, holding the GIL long enough to stall a
    busy server for seconds."""
    code = (
        "import sys\n"
        "from gradio.utils import MatplotlibBackendMananger\n"
        "from ui.app import prepare_gradio\n"
        "prepare_gradio()\n"
        "with MatplotlibBackendMananger():\n"
        "    pass\n"
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT, capture_output=True, text=True
    )
    assert out.stdout.split() == ["True", "False"], out.stderr[-2000:]


def test_missing_index_is_a_dutch_message_not_a_traceback(tmp_path: Path) -> None:
    from gradio_client.exceptions import AppError

    def missing() -> Any:
        raise IndexMissingError()

    settings = Settings.load(env={}, overrides={"data_dir": str(tmp_path), "port": free_port()})
    app, url = start(missing, settings)
    try:
        with pytest.raises(AppError, match="recept ingest") as info:
            client(url).predict("Wat betekent ANNA?", [], api_name="/chat")
        assert "Traceback" not in str(info.value)
    finally:
        app.close()


def test_serve_prints_its_address_and_serves(indexed_settings: Settings) -> None:
    port = free_port()
    env = {**os.environ, "RECEPT_DATA_DIR": indexed_settings.data_dir, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(RECEPT), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PROJECT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the app is up (or the process died)
        assert line.strip() == (
            f"Recept-assistent draait op http://127.0.0.1:{port} (Ctrl-C om te stoppen)"
        ), proc.stderr.read() if proc.stderr and not line else line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert resp.status == 200
            assert "Recept-assistent" in resp.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_refuses_a_busy_port_in_dutch(indexed_settings: Settings) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = {**os.environ, "RECEPT_DATA_DIR": indexed_settings.data_dir}
        started = time.monotonic()
        res = subprocess.run(
            [str(RECEPT), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            cwd=PROJECT,
            timeout=120,
        )
    assert res.returncode != 0
    assert re.search(r"poort is al in gebruik", res.stderr)
    assert "Traceback" not in res.stderr
    assert time.monotonic() - started < 60  # checked before loading the model


def test_login_is_required_when_auth_is_set(
    assistant: Any, indexed_settings: Settings, tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("griffie:geheim\n", encoding="utf-8")
    settings = replace(
        indexed_settings, data_dir=str(tmp_path / "data"), port=free_port(), auth=str(users)
    )
    app, url = start(lambda: assistant, settings)
    try:
        from gradio_client import Client
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError):
            client(url).predict("Wat betekent ANNA?", [], api_name="/chat")

        logged_in = Client(url, auth=("griffie", "geheim"), verbose=False)
        _, _, citations = logged_in.predict("Wat betekent ANNA?", [], api_name="/chat")
        assert citations
    finally:
        app.close()


def test_the_chat_can_be_limited_to_some_documents() -> None:
    from recept.schema import Answer, Chunk
    from ui.chat_tab import ChatController, ChatSession
    from ui.feedback import FeedbackLog

    seen: list[object] = []

    class Fake:
        settings = Settings.load(env={})

        def ask_stream(self, question: str, history: object = (), documents: object = None):  # type: ignore[no-untyped-def]
            seen.append(documents)
            yield Answer(question, "Nee.", [], [], True, "nl", "extractive")

    chunks = {
        "a": Chunk("a", "recept", "section", "", 0, 1, "x", "x", ""),
        "b": Chunk("b", "brief", "section", "", 0, 1, "y", "y", ""),
    }
    ctrl = ChatController(lambda: Fake(), lambda: chunks, FeedbackLog(Path("/nonexistent")))  # type: ignore[arg-type,return-value]
    assert ctrl.document_choices() == ["brief", "recept"]
    session = ctrl.set_documents(["recept"], ChatSession())
    list(ctrl.respond("Wat staat er over gunnen?", session))
    assert seen == [["recept"]]
    assert ctrl.set_documents([], session).documents is None  # none ticked: all documents
