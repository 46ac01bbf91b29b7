"""Run the server: the worker pool, then uvicorn with the app, until Ctrl-C."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from recept.settings import Settings
from server.app import create_app
from server.processes import make_pool


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


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
        on_ready()
        try:
            while thread.is_alive():
                thread.join(0.5)
        finally:
            server.should_exit = True
            thread.join(15)
    finally:
        pool.close()
