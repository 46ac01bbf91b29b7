"""An OpenAI-compatible chat endpoint, so chat clients can use the assistant as a 'model'.

``POST /v1/chat/completions`` (also ``stream: true``) and ``GET /v1/models``. The last user
message is the question, earlier user/assistant messages the history; system messages are
ignored (the rules never change). Citations follow the answer as numbered sources.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant import clean_question
from recept.errors import InputError, ReceptError
from recept.schema import Citation
from recept.settings import Settings
from server.pool import UNEXPECTED, Pool
from server.schemas import MAX_HISTORY

MODEL_ID = "recept-assistent"
SOURCES = "\n\n---\nBronnen:\n"  # separates the answer from its sources (and is cut from history)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, …: accepted, not used
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=2 * MAX_HISTORY)
    stream: bool = False


def text_of(content: str | list[dict[str, Any]] | None) -> str:
    """A message's text: a string, or the text parts of a content list.

    >>> text_of([{"type": "text", "text": "Wat is"}, {"type": "image_url"}, {"text": "ANNA?"}])
    'Wat is\\nANNA?'
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(p["text"] for p in content if isinstance(p.get("text"), str))


def without_sources(text: str) -> str:
    """An earlier answer as history: the sources block we appended is not part of it.

    >>> without_sources("Ja [1]." + SOURCES + "[1] Gunnen")
    'Ja [1].'
    """
    return text.split(SOURCES, 1)[0]


def conversation(messages: Sequence[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """(question, history) from OpenAI messages; the last message must be the user's.

    >>> q, h = conversation([ChatMessage(role="system", content="Wees kort."),
    ...     ChatMessage(role="user", content="Wat is ANNA?"),
    ...     ChatMessage(role="assistant", content="ANNA is [1]." + SOURCES + "[1] …"),
    ...     ChatMessage(role="user", content="En verder?")])
    >>> q, h[1]
    ('En verder?', {'role': 'assistant', 'content': 'ANNA is [1].'})
    """
    if messages[-1].role != "user":
        raise InputError("Het laatste bericht moet een vraag van de gebruiker zijn (role 'user').")
    history = []
    for m in messages[:-1]:
        if m.role in ("user", "assistant"):
            text = text_of(m.content)
            history.append({"role": m.role, "content": without_sources(text)})
    return text_of(messages[-1].content), history


def sources_block(citations: Sequence[Citation]) -> str:
    """The citations as numbered sources under the answer (empty without citations).

    >>> c = Citation(1, "c1", "recept", "ingredient", "Gunnen", "Gun elkaar iets.", 5, 21)
    >>> print(sources_block([c]).strip())
    ---
    Bronnen:
    [1] Gunnen (recept): "Gun elkaar iets."
    """
    if not citations:
        return ""
    lines = [f'[{c.n}] {c.title} ({c.doc_id}): "{c.quote}"' for c in citations]
    return SOURCES + "\n".join(lines)


def completion(text: str, request_id: str, created: int) -> dict[str, Any]:
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunk(request_id: str, created: int, delta: dict[str, str], finish: str | None = None) -> str:
    body = {
        "id": request_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


async def stream_chunks(
    results: AsyncIterator[Any], request_id: str, created: int
) -> AsyncIterator[str]:
    """Deltas of the growing answer, then its sources, then [DONE].

    A snapshot that does not extend what was sent (an LLM quote removed after checking) is
    not streamed; the final text's difference follows at the end.
    """
    yield chunk(request_id, created, {"role": "assistant", "content": ""})
    sent = ""
    last = None
    try:
        async for answer in results:
            last = answer
            if answer.text.startswith(sent) and len(answer.text) > len(sent):
                yield chunk(request_id, created, {"content": answer.text[len(sent) :]})
                sent = answer.text
        if last is None:
            raise ReceptError(UNEXPECTED)
        tail = last.text[len(sent) :] if last.text.startswith(sent) else "\n\n" + last.text
        tail += sources_block(last.citations)
        if tail:
            yield chunk(request_id, created, {"content": tail})
    except ReceptError as exc:
        yield chunk(request_id, created, {"content": f"\n\n**Let op:** {exc.message}"})
    yield chunk(request_id, created, {}, finish="stop")
    yield "data: [DONE]\n\n"


def router(
    pool: Pool, settings: Settings, login: Callable[[Request], Awaitable[None]]
) -> APIRouter:
    r = APIRouter(prefix="/v1", dependencies=[Depends(login)], tags=["openai"])

    @r.get("/models", summary="Het model dat deze server aanbiedt (OpenAI-formaat)")
    async def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "recept"}],
        }

    @r.post("/chat/completions", summary="Chat (OpenAI-formaat, ook stream=true)")
    async def chat(body: ChatRequest) -> Any:
        question, history = conversation(body.messages)
        question = clean_question(question, settings.max_question_chars)
        request_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        results = pool.open("ask", question=question, history=history)
        if body.stream:
            return StreamingResponse(
                stream_chunks(results, request_id, created),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        last = None
        async for answer in results:
            last = answer
        if last is None:
            raise ReceptError(UNEXPECTED)
        return completion(last.text + sources_block(last.citations), request_id, created)

    return r
