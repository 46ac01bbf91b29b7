"""The Gradio web app: three tabs (chat, recipe browser, motion) over the ``assistant`` API.

>>> # app = build_app(lambda: Assistant.from_settings(settings), settings)
>>> # url = launch(app, settings)   # queue, auth, css; never a share link

The assistant is created on first use, so a missing index shows a Dutch message in the page
(and the next request tries again, e.g. after ``recept ingest``), never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from recept.errors import ConfigError, ReceptError
from recept.schema import Chunk
from recept.settings import Settings
from ui.browser_tab import BrowserController, build_browser_tab
from ui.chat_tab import ChatController, build_chat_tab
from ui.feedback import FeedbackLog
from ui.motion_tab import MotionController, build_motion_tab
from ui.ports import AnswerService
from ui.render import CSS, esc, notice_html

log = logging.getLogger(__name__)

AssistantFactory = Callable[[], AnswerService]
TITLE = "Recept-assistent"


class AssistantHolder:
    """Creates the assistant once, on first use. A failure is not cached: the next call retries."""

    def __init__(self, factory: AssistantFactory) -> None:
        self._factory = factory
        self._assistant: AnswerService | None = None
        self._corpus: dict[str, Chunk] | None = None
        self._titles: dict[str, str] | None = None
        self._examples: list[str] | None = None
        self._lock = threading.Lock()

    def get(self) -> AnswerService:
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    self._assistant = self._factory()
        return self._assistant

    def corpus(self) -> Mapping[str, Chunk]:
        """All indexed chunks by id (for source cards and the document browser)."""
        if self._corpus is None:
            self._corpus = {c.id: c for c in self.get().corpus_chunks()}
        return self._corpus

    def titles(self) -> Mapping[str, str]:
        """Document id → title, for the header, the 'Zoeken in' choice and the browser."""
        if self._titles is None:
            self._titles = dict(self.get().document_titles())
        return self._titles

    def examples(self) -> list[str]:
        """Example questions for the chat, from the indexed documents."""
        if self._examples is None:
            self._examples = list(self.get().example_questions())
        return self._examples

    def status(self) -> str:
        """Empty when the assistant is ready, else an HTML notice with the reason in Dutch."""
        try:
            self.get()
        except ReceptError as exc:
            return notice_html(f"De assistent is nog niet klaar: {exc.message}")
        except Exception:
            log.exception("loading the assistant failed")
            return notice_html(
                "De assistent kon niet worden gestart. Bekijk de serverlog voor details."
            )
        return ""


def parse_auth(value: str) -> list[tuple[str, str]] | None:
    """``RECEPT_AUTH``: "user:pass", or a path to a file with one user:pass per line.

    >>> parse_auth("griffie:geheim")
    [('griffie', 'geheim')]
    >>> parse_auth("") is None
    True
    """
    value = value.strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_file():
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        entries = [ln for ln in lines if ln and not ln.startswith("#")]
        where = f"in {path}"
    else:
        entries = [value]
        where = "in RECEPT_AUTH"
    pairs = []
    for entry in entries:
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(
                f"Ongeldige inlog {where}: gebruik 'gebruiker:wachtwoord' "
                "(of een pad naar een bestand met zulke regels)."
            )
        pairs.append((user.strip(), password))
    return pairs


# System fonts only: nothing is fetched, and no web-font swap while the page loads.
FONTS = [
    "system-ui",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Liberation Sans",
    "sans-serif",
]
MONO = ["ui-monospace", "Consolas", "DejaVu Sans Mono", "monospace"]
THEME = gr.themes.Default(primary_hue="orange", secondary_hue="slate", font=FONTS, font_mono=MONO)


def header_html(titles: Sequence[str] = ()) -> str:
    """The page header, naming the indexed documents by their own titles.

    >>> "«Raadsbrief»</em> en <em>«Recept»" in header_html(["Raadsbrief", "Recept"])
    True
    """
    names = [f"<em>«{esc(t)}»</em>" for t in titles]
    about = (
        (", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else names[0])
        if names
        else "de geïndexeerde documenten"
    )
    return (
        '<header class="kop"><h1>Recept-assistent</h1>'
        f"<p>Vragen over {about}. Elk antwoord citeert letterlijk uit de documenten, met "
        "bronnen; staat iets er niet in, dan zegt de assistent dat.</p></header>"
    )


def build_app(assistant_factory: AssistantFactory, settings: Settings) -> gr.Blocks:
    """The web app. Nothing is loaded here: the assistant is created on first use."""
    holder = AssistantHolder(assistant_factory)
    feedback = FeedbackLog.in_data_dir(settings.data_path)
    chat_ctrl = ChatController(holder.get, holder.corpus, feedback)
    browser_ctrl = BrowserController(holder.corpus, holder.titles)
    motion_ctrl = MotionController(holder.get, holder.corpus, settings.data_path / "tmp" / "moties")

    app = gr.Blocks(title=TITLE, analytics_enabled=False)
    with app:
        header = gr.HTML(header_html(), padding=False, elem_id="kop")
        status = gr.HTML("", elem_id="status", padding=False, visible=False)
        with gr.Tabs(selected="chat", elem_id="tabs") as tabs:
            with gr.Tab("Vragen", id="chat", elem_id="tab-chat"):
                chat = build_chat_tab(chat_ctrl)
            with gr.Tab("Documenten bekijken", id="recept", elem_id="tab-recept"):
                browser = build_browser_tab(browser_ctrl)
            with gr.Tab("Motie opstellen", id="motie", elem_id="tab-motie"):
                build_motion_tab(motion_ctrl)

        def to_chat(chunk_id: str) -> tuple[Any, str]:
            return gr.Tabs(selected="chat"), browser_ctrl.question_for(chunk_id)

        browser.ask_button.click(
            to_chat,
            inputs=browser.selected,
            outputs=[tabs, chat.textbox],
            api_visibility="private",
        ).then(**chat.ask_kwargs())

        def on_load() -> tuple[Any, ...]:
            problem = holder.status()
            if problem:
                skip = [gr.skip()] * (2 + len(chat.examples))
                return gr.HTML(problem, visible=True), problem, "", *skip
            facts, cards = browser_ctrl.overview()
            titles = holder.titles()
            docs = [(titles.get(d, d), d) for d in chat_ctrl.document_choices()]
            scope = gr.CheckboxGroup(choices=docs, value=[], visible=len(docs) > 1)
            head = header_html([t for t, _ in docs])
            questions = holder.examples()[: len(chat.examples)]
            questions += [""] * (len(chat.examples) - len(questions))
            buttons = [gr.Button(q, visible=bool(q)) for q in questions]
            return gr.HTML("", visible=False), facts, cards, scope, head, *buttons

        app.load(
            on_load,
            outputs=[status, browser.facts, browser.cards, chat.scope, header, *chat.examples],
            api_visibility="private",
        )
    return app


AUTH_MESSAGE = "Log in om de Recept-assistent te gebruiken."


def prepare_gradio() -> None:
    """Process settings for Gradio, before the first request.

    Gradio wraps every event in a switch to matplotlib's "agg" backend and back. With no
    backend chosen, the first event resolves one by importing pyplot and probing GUI
    toolkits: 0.4 s of CPU holding the GIL, which on a busy machine stalled every other
    request for seconds (clients timed out at the door). Choose agg and import it now.
    """
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("MPLBACKEND", "agg")
    with contextlib.suppress(ImportError):
        importlib.import_module("matplotlib")


def _queue(app: gr.Blocks, settings: Settings) -> None:
    # A bounded queue: past it Gradio answers "queue full" at once instead of a timeout.
    app.queue(default_concurrency_limit=settings.concurrency, max_size=settings.queue_size)


def launch(
    app: gr.Blocks,
    settings: Settings,
    *,
    prevent_thread_lock: bool = False,
    quiet: bool = True,
) -> str:
    """Start Gradio's own server (offline, no share link) and return its local URL."""
    prepare_gradio()
    _queue(app, settings)
    kwargs: dict[str, Any] = {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": parse_auth(settings.auth),
        "auth_message": AUTH_MESSAGE,
        "prevent_thread_lock": prevent_thread_lock,
        "quiet": quiet,
        "show_error": False,
        "inbrowser": False,
        "ssr_mode": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "footer_links": ["api"],
        "theme": THEME,
        "css": CSS,
    }
    _, local_url, _ = app.launch(**kwargs)
    return str(local_url)


def mount(parent: FastAPI, app: gr.Blocks, settings: Settings) -> FastAPI:
    """Mount the UI at / on ``parent`` (routes added to ``parent`` before stay in front)."""
    prepare_gradio()
    _queue(app, settings)
    mounted: FastAPI = gr.mount_gradio_app(
        parent,
        app,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        footer_links=["api"],
        auth=parse_auth(settings.auth),
        auth_message=AUTH_MESSAGE,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        theme=THEME,
        css=CSS,
    )
    return mounted
