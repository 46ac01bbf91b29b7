"""The JSON API and the OpenAI-compatible API in process: the real Assistant on the real index,
answered through the thread pool, called with FastAPI's TestClient (no UI mounted)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recept.errors import BusyError
from recept.settings import Settings
from server.app import create_app
from server.pool import Pool, ThreadPool

pytestmark = pytest.mark.model

QUESTION = "Wat bedoelt het recept met elkaar iets gunnen?"


@pytest.fixture(scope="module")
def pool(assistant: Any) -> Iterator[ThreadPool]:
    p = ThreadPool(assistant, workers=2, queue_size=16)
    yield p
    p.close()


@pytest.fixture(scope="module")
def client(pool: ThreadPool, indexed_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(pool, indexed_settings, ui=False)) as c:
        yield c


def events(text: str) -> list[tuple[str, Any]]:
    """Parse a server-sent-event body into (event, data) pairs."""
    out = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((fields.get("event", ""), json.loads(fields["data"])))
    return out


def test_ask_answers_with_verbatim_citations(client: TestClient, assistant: Any) -> None:
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"answer", "citations", "passages", "refused", "language"}
    assert body["refused"] is False and body["language"] == "nl"
    assert body["citations"], body["answer"]
    for c in body["citations"]:
        assert set(c) >= {"n", "document", "section", "quote", "start", "end"}
        assert assistant.documents[c["document"]][c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in body["answer"]
    assert [p["rank"] for p in body["passages"]] == list(range(1, len(body["passages"]) + 1))


def test_follow_up_uses_history(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": "Wat zegt het recept over 'Gunnen'?"}).json()
    history = [
        {"role": "user", "content": "Wat zegt het recept over 'Gunnen'?"},
        {"role": "assistant", "content": first["answer"]},
    ]
    follow = {"question": "En het volgende ingrediënt?", "history": history}
    r = client.post("/api/ask", json=follow)
    assert r.status_code == 200, r.text
    sections = {c["section"] for c in r.json()["citations"]}
    assert sections and "Gunnen" not in sections


def test_off_topic_question_is_refused(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "Wat is een goed recept voor appeltaart?"})
    assert body.status_code == 200
    assert body.json()["refused"] is True and body.json()["citations"] == []


def test_documents_field_is_validated_and_accepted(client: TestClient, assistant: Any) -> None:
    doc = next(iter(assistant.documents))
    ok = client.post("/api/ask", json={"question": QUESTION, "documents": [doc]})
    assert ok.status_code == 200, ok.text
    assert {c["document"] for c in ok.json()["citations"]} == {doc}
    bad = client.post("/api/ask", json={"question": QUESTION, "documents": "recept"})
    assert bad.status_code == 422
    assert "documents" in bad.json()["detail"]
    unknown = client.post("/api/ask", json={"question": QUESTION, "documents": ["geen-document"]})
    assert unknown.status_code == 422 and "Onbekend document" in unknown.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "leeg"),
        ({"question": "   "}, "leeg"),
        ({"question": 42}, "question moet tekst zijn"),
        ({}, "question ontbreekt"),
        ({"question": QUESTION, "history": "eerder"}, "history moet een lijst zijn"),
        ({"question": QUESTION, "history": [{"role": "system", "content": "x"}]}, "role"),
        ({"question": QUESTION, "history": [{"role": "user", "content": 1}]}, "content"),
        ({"question": QUESTION, "documents": [1]}, "documents.0"),
        ({"question": QUESTION, "temperatuur": 1}, "onbekend veld"),
    ],
)
def test_bad_input_is_a_422_with_a_dutch_message(
    client: TestClient, payload: dict[str, Any], field: str
) -> None:
    r = client.post("/api/ask", json=payload)
    assert r.status_code == 422, r.text
    assert field in r.json()["detail"]


def test_too_long_and_malformed_requests(client: TestClient, indexed_settings: Settings) -> None:
    long = "waarom " * (indexed_settings.max_question_chars // 6 + 10)
    r = client.post("/api/ask", json={"question": long})
    assert r.status_code == 422 and "lang" in r.json()["detail"]
    r = client.post("/api/ask", content=b"{niet json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    huge = json.dumps({"question": "x" * 2_000_000})
    r = client.post("/api/ask", content=huge, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_stream_sends_snapshots_then_the_answer(client: TestClient) -> None:
    r = client.post("/api/ask/stream", json={"question": QUESTION})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    kinds = [e for e, _ in got]
    assert kinds[0] == "snapshot" and kinds[-2:] == ["answer", "done"]
    final = got[-2][1]
    assert final["citations"] and final["answer"] == got[-3][1]["answer"]


def test_stream_rejects_bad_input_before_streaming(client: TestClient) -> None:
    r = client.post("/api/ask/stream", json={"question": ""})
    assert r.status_code == 422


def test_motion(client: TestClient, assistant: Any) -> None:
    r = client.post(
        "/api/motion",
        json={"request": "regionale samenwerking", "gemeente": "Heiloo", "indieners": ["A. B."]},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["gemeente"] == "Heiloo" and body["indieners"] == ["A. B."]
    assert body["constaterende"] and body["verzoekt"] and body["markdown"]
    numbers = {c["n"] for c in body["citations"]}
    for c in body["citations"]:
        assert assistant.documents[c["document"]][c["start"] : c["end"]] == c["quote"]
    for clause in body["constaterende"] + body["overwegende"]:
        assert set(clause["citations"]) <= numbers
    assert client.post("/api/motion", json={"request": ""}).status_code == 422


def test_health_and_openapi(client: TestClient, assistant: Any) -> None:
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["index_loaded"] and h["model_loaded"]
    assert h["documents"] == len(assistant.documents) and h["chunks"] > 0
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/ask", "/api/ask/stream", "/api/motion", "/api/health"):
        assert path in schema["paths"]
    assert "/v1/chat/completions" in schema["paths"]


def test_openai_completion_and_stream(client: TestClient) -> None:
    models = client.get("/v1/models").json()
    assert models["data"][0]["id"] == "recept-assistent"
    messages = [{"role": "system", "content": "Wees kort."}, {"role": "user", "content": QUESTION}]
    body = client.post("/v1/chat/completions", json={"model": "x", "messages": messages}).json()
    text = body["choices"][0]["message"]["content"]
    assert body["object"] == "chat.completion" and "Bronnen:" in text and "[1]" in text
    r = client.post("/v1/chat/completions", json={"messages": messages, "stream": True})
    datas = [ln[6:] for ln in r.text.splitlines() if ln.startswith("data: ")]
    assert datas[-1] == "[DONE]"
    chunks = [json.loads(d) for d in datas[:-1]]
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert streamed == text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_openai_errors_have_openai_shape(client: TestClient) -> None:
    r = client.post("/v1/chat/completions", json={"messages": []})
    assert r.status_code == 422 and "message" in r.json()["error"]
    r = client.post(
        "/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "Hallo"}]}
    )
    assert r.status_code == 422 and "user" in r.json()["error"]["message"]


def test_login_is_required_when_auth_is_set(pool: ThreadPool, indexed_settings: Settings) -> None:
    settings = replace(indexed_settings, auth="griffie:geheim")
    with TestClient(create_app(pool, settings, ui=False)) as c:
        assert c.get("/api/health").status_code == 401
        assert c.get("/api/health", auth=("griffie", "fout")).status_code == 401
        assert c.get("/api/health", auth=("griffie", "geheim")).status_code == 200
        bearer = {"Authorization": "Bearer griffie:geheim"}
        assert c.get("/v1/models", headers=bearer).status_code == 200
        r = c.get("/v1/models")
        assert r.status_code == 401 and "Log in" in r.json()["error"]["message"]
        basic = base64.b64encode(b"griffie:geheim").decode()
        ok = c.post(
            "/api/ask", json={"question": QUESTION}, headers={"Authorization": f"Basic {basic}"}
        )
        assert ok.status_code == 200


class Stuck(Pool):
    """A pool whose jobs never finish: only admission is exercised."""

    def _start(self, tid: int, kind: str, kw: dict[str, Any]) -> None:
        pass


def test_a_full_queue_says_busy_with_a_retry_hint(indexed_settings: Settings) -> None:
    pool = Stuck(workers=1, queue_size=1)
    pool.submit("ask", {}, lambda tag, value: None)
    pool.submit("ask", {}, lambda tag, value: None)
    with pytest.raises(BusyError):
        pool.submit("ask", {}, lambda tag, value: None)
    with TestClient(create_app(pool, indexed_settings, ui=False)) as c:
        r = c.post("/api/ask", json={"question": QUESTION})
        assert r.status_code == 503
        assert int(r.headers["retry-after"]) >= 1
        assert "druk, probeer het zo opnieuw" in r.json()["detail"]
        r = c.post("/api/ask/stream", json={"question": QUESTION})
        assert r.status_code == 503
        r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]})
        assert r.status_code == 503 and "druk" in r.json()["error"]["message"]
        assert c.get("/api/health").json()["in_flight"] == 2  # health never waits in the queue
