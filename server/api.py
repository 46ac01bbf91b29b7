"""The plain JSON API under /api: ask, ask as server-sent events, motion, health."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from assistant import clean_question, motion_to_markdown
from recept.errors import ReceptError
from recept.settings import Settings
from server.pool import UNEXPECTED, Pool
from server.schemas import (
    AskRequest,
    AskResponse,
    ErrorOut,
    Health,
    MotionRequest,
    MotionResponse,
    Turn,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Niet ingelogd (zie RECEPT_AUTH)."},
    413: {"model": ErrorOut, "description": "Verzoek te groot."},
    422: {"model": ErrorOut, "description": "Ongeldige invoer (leeg, te lang, verkeerd type)."},
    503: {"model": ErrorOut, "description": "Druk: probeer het opnieuw na Retry-After seconden."},
}


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    return [{"role": t.role, "content": t.content} for t in turns]


def ask_args(body: AskRequest, settings: Settings) -> dict[str, Any]:
    """The job's arguments; an empty or too long question raises InputError (a 422)."""
    question = clean_question(body.question, settings.max_question_chars)
    args: dict[str, Any] = {"question": question, "history": history_of(body.history)}
    if body.documents is not None:
        args["documents"] = list(body.documents)
    return args


def sse(event: str, data: Any) -> str:
    """One server-sent event.

    >>> sse("answer", {"answer": "Ja [1]."})
    'event: answer\\ndata: {"answer": "Ja [1]."}\\n\\n'
    """
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def answer_events(results: AsyncIterator[Any]) -> AsyncIterator[str]:
    """``snapshot`` events with the growing text, one ``answer`` with everything, ``done``."""
    last = None
    try:
        async for answer in results:
            last = answer
            yield sse("snapshot", {"answer": answer.text})
        if last is None:
            raise ReceptError(UNEXPECTED)
        yield sse("answer", AskResponse.of(last).model_dump())
    except ReceptError as exc:
        yield sse("error", {"detail": exc.message})
    yield sse("done", {})


def router(
    pool: Pool, settings: Settings, login: Callable[[Request], Awaitable[None]]
) -> APIRouter:
    r = APIRouter(prefix="/api", dependencies=[Depends(login)], tags=["api"], responses=ERRORS)

    @r.post("/ask", response_model=AskResponse, summary="Een vraag beantwoorden")
    async def ask(body: AskRequest) -> AskResponse:
        """Het antwoord met markeringen [n], de letterlijke citaten en de gevonden passages."""
        answer = await pool.call("ask", **ask_args(body, settings))
        if answer is None:
            raise ReceptError(UNEXPECTED)
        return AskResponse.of(answer)

    @r.post(
        "/ask/stream",
        summary="Een vraag beantwoorden, als server-sent events",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def ask_stream(body: AskRequest) -> StreamingResponse:
        """Events: `snapshot` {answer} (groeiende tekst), `answer` (zoals /api/ask),
        `error` {detail}, en als laatste `done`."""
        results = pool.open("ask", **ask_args(body, settings))  # a full queue: 503 right here
        return StreamingResponse(
            answer_events(results),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @r.post("/motion", response_model=MotionResponse, summary="Een motie opstellen")
    async def motion(body: MotionRequest) -> MotionResponse:
        """Een conceptmotie waarvan elke clausule naar een letterlijk citaat wijst."""
        request = clean_question(body.request, settings.max_question_chars)
        drafted = await pool.call(
            "motion",
            request=request,
            gemeente=body.gemeente,
            vergaderdatum=body.vergaderdatum,
            indieners=list(body.indieners),
            history=history_of(body.history),
        )
        return MotionResponse.of(drafted, motion_to_markdown(drafted))

    @r.get("/health", response_model=Health, summary="Index en model geladen?")
    async def health() -> Health:
        """Beantwoord zonder wachtrij: ook onder belasting meteen."""
        info = pool.info
        ready = pool.alive()
        return Health(
            status="ok" if ready and info else "starting",
            index_loaded=bool(info),
            model_loaded=bool(info),
            documents=int(info.get("documents", 0)),
            chunks=int(info.get("chunks", 0)),
            model=str(info.get("model", "")),
            engine=str(info.get("engine", settings.engine)),
            workers=pool.workers,
            workers_ready=ready,
            in_flight=pool.in_flight,
            queue_size=pool.queue_size,
        )

    return r
