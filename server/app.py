"""One FastAPI app: the JSON API (/api), the OpenAI-compatible API (/v1) and the UI (/).

Errors become clear answers: 401 without login, 413 for a huge body, 422 for bad input, 503
with Retry-After when the queue is full or the index is not ready. Under /v1 they take
OpenAI's shape ({"error": {...}}), so SDKs show the message.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from recept import errors
from recept.errors import BusyError, InputError, ReceptError
from recept.settings import Settings
from server import api, chat_completions
from server.auth import require_login
from server.pool import Pool, PooledAssistant
from ui.app import build_app, mount, parse_auth

THREADS = 200  # anyio's default is 40
MAX_BODY = 1024 * 1024  # bytes; a question is at most a few thousand characters
OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
NOT_READY: tuple[type[ReceptError], ...] = (
    errors.IndexMissingError, errors.IndexStaleError, errors.ModelError,
    errors.StoreError, errors.ConfigError,
)  # fmt: skip

DUTCH = {
    "missing": "ontbreekt",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "bool_type": "moet true of false zijn",
    "int_type": "moet een geheel getal zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "extra_forbidden": "onbekend veld",
    "too_long": "te lang",
    "too_short": "te kort",
    "string_too_long": "te lang",
    "literal_error": "ongeldige waarde",
    "json_invalid": "geen geldige JSON",
    "union_tag_invalid": "ongeldige waarde",
}


def validation_message(problems: Sequence[Any]) -> str:
    """Pydantic's validation errors as one Dutch line.

    >>> validation_message([{"loc": ("body", "question"), "type": "string_type", "msg": "x"},
    ...                     {"loc": ("body", "history", 0, "role"), "type": "literal_error"}])
    'Ongeldig verzoek: question moet tekst zijn; history.0.role ongeldige waarde.'
    >>> validation_message([{"loc": ("body",), "type": "missing"}])
    'Ongeldig verzoek: body ontbreekt.'
    """
    parts = []
    for p in problems:
        loc = [str(x) for x in p.get("loc", ())]
        field = ".".join(loc[1:] if len(loc) > 1 else loc)
        parts.append(f"{field} {DUTCH.get(p.get('type', ''), p.get('msg', 'ongeldig'))}".strip())
    return "Ongeldig verzoek: " + "; ".join(parts) + "."


def error_response(
    path: str,
    status: int,
    message: str,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    if path.startswith("/v1"):
        kind = "invalid_request_error" if status < 500 else "server_error"
        body: dict[str, Any] = {"error": {"message": message, "type": kind, "code": status}}
    else:
        body = {"detail": message}
        if problems:
            body["errors"] = problems
    return JSONResponse(body, status_code=status, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            {"loc": list(p.get("loc", ())), "type": p.get("type", ""), "msg": p.get("msg", "")}
            for p in exc.errors()
        ]
        return error_response(request.url.path, 422, validation_message(problems), problems)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        return error_response(request.url.path, exc.status_code, str(exc.detail), headers=headers)

    async def recept_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ReceptError)
        if isinstance(exc, BusyError):
            headers = {"Retry-After": str(exc.retry_after)}
            return error_response(request.url.path, 503, exc.message, headers=headers)
        if isinstance(exc, InputError):
            return error_response(request.url.path, 422, exc.message)
        if isinstance(exc, NOT_READY):
            return error_response(request.url.path, 503, exc.message, headers={"Retry-After": "30"})
        return error_response(request.url.path, 500, exc.message)

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(ReceptError, recept_error)


class LimitBody:
    """413 for a declared body over MAX_BODY on the API routes, before it is read.

    Plain ASGI (not BaseHTTPMiddleware): every other request, the UI's streams included,
    passes straight through.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(("/api/", "/v1/")):
            size = dict(scope["headers"]).get(b"content-length", b"0")
            if size.isdigit() and int(size) > MAX_BODY:
                message = "Het verzoek is te groot (maximaal 1 MB)."
                await error_response(scope["path"], 413, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def more_threads(app: FastAPI) -> AsyncIterator[None]:
    """Sync handlers (Gradio's /config, /info, login checks) share one thread pool with the
    UI's answers, which wait on the workers; a larger pool keeps the door open under load."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(pool: Pool, settings: Settings, *, ui: bool = True) -> FastAPI:
    """The server's app; ``ui=False`` leaves out the Gradio page (API tests)."""
    app = FastAPI(
        title="Recept-assistent API",
        version="1",
        description=(
            "Vragen over de documenten van de Recept-assistent, met letterlijke citaten. "
            "Inloggen met dezelfde gebruikers als de web-app (RECEPT_AUTH): HTTP Basic of "
            "'Bearer gebruiker:wachtwoord'."
        ),
        docs_url=DOCS_URL,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        lifespan=more_threads,
    )
    add_error_handlers(app)
    app.add_middleware(LimitBody)
    login = require_login(parse_auth(settings.auth))
    app.include_router(api.router(pool, settings, login))
    app.include_router(chat_completions.router(pool, settings, login))
    if ui:
        blocks = build_app(lambda: PooledAssistant(pool, settings), settings)
        app = mount(app, blocks, settings)
    return app
