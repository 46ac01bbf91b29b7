"""Run the server: the worker pool, then uvicorn with the app, until Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn

from recept.settings import Settings
from server.app import create_app
from server.processes import make_pool
from ui.app import parse_auth

log = logging.getLogger(__name__)

# What a browser or gradio_client asks first. Gradio builds some of it on first use (the API
# description: 25 ms instead of 2.5), which under load would land in the first burst of users.
WARM_PATHS = ("/", "/config", "/gradio_api/info")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def local_url(host: str, port: int) -> str:
    """This server as seen from the same machine.

    >>> local_url("0.0.0.0", 7860), local_url("::1", 80)
    ('http://127.0.0.1:7860', 'http://[::1]:80')
    """
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def warm_up(url: str, auth: str) -> dict[str, int]:
    """Ask the UI's first pages once, logged in when ``auth`` is set, before saying ready.

    Returns each path's HTTP status. A failure is logged, never fatal: it only means the
    first visitor pays for the set-up instead.
    """
    statuses: dict[str, int] = {}
    users = parse_auth(auth)
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            if users:
                client.post("/login", data={"username": users[0][0], "password": users[0][1]})
            for path in WARM_PATHS:
                statuses[path] = client.get(path).status_code
    except httpx.HTTPError as exc:
        log.warning("warming up the web app failed: %r", exc)
    return statuses


def serve(settings: Settings, on_ready: Callable[[], None], on_bind_error: Exception) -> None:
    """Load the workers, serve, call ``on_ready`` once listening; return after Ctrl-C.

    SIGTERM stops it like Ctrl-C, so the workers are stopped too (and a worker whose server
    was killed outright exits when its pipe closes).
    """
    signal.signal(signal.SIGTERM, _interrupt)
    pool = make_pool(settings)
    try:
        config = uvicorn.Config(
            create_app(pool, settings),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            backlog=2048,  # a burst of connections waits in the kernel, never a reset
            timeout_keep_alive=30,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        thread.start()  # off the main thread: Ctrl-C stays a KeyboardInterrupt here
        while not server.started:
            if not thread.is_alive():
                raise on_bind_error
            time.sleep(0.05)
        warm_up(local_url(settings.host, settings.port), settings.auth)
        on_ready()
        try:
            while thread.is_alive():
                thread.join(0.5)
        finally:
            server.should_exit = True
            thread.join(15)
    finally:
        pool.close()
