"""The chat tab: a streaming, multi-turn chat beside a panel with the cited sources.

No ``from __future__ import annotations`` here: ``gr.api`` reads the API functions' type
hints at runtime to build the ``/chat`` and ``/feedback`` endpoints.
"""

import copy
import html
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import gradio as gr
from gradio.events import api as gr_api

from assistant import clean_question
from recept.errors import InputError, ReceptError
from recept.schema import Answer, Chunk, Message
from ui.feedback import FeedbackLog, make_record
from ui.ports import GetAssistant
from ui.render import chat_markdown, empty_panel, notice_html, sources_html

log = logging.getLogger(__name__)

EXAMPLE_SLOTS = 4  # example buttons; their questions come from the documents when the page loads
THINKING = "*Even zoeken in de documenten…*"
THANKS_TEXT = "Bedankt voor uw feedback! Zo wordt de assistent beter."
UNEXPECTED = "Er ging iets mis bij het beantwoorden. Probeer het nog eens of stel de vraag anders."

# Clicking a marker [n] scrolls its source card into view and makes it blink. One listener
# on the document (capture phase) also catches links inside the chatbot's rendered Markdown.
SCROLL_JS = """
if (!window.__receptBronLinks) {
  window.__receptBronLinks = true;
  document.addEventListener('click', function (e) {
    const a = e.target && e.target.closest ? e.target.closest('a[href^="#"]') : null;
    if (!a) return;
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!/^(motie-)?bron-\\d+$/.test(id)) return;
    e.preventDefault();
    e.stopPropagation();
    const el = document.getElementById(id);
    if (!el) return;
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    const card = el.closest('.bron-kaart') || el;
    card.classList.remove('knipper');
    void card.offsetWidth;
    card.classList.add('knipper');
  }, true);
}
"""

GetCorpus = Callable[[], Mapping[str, Chunk]]


@dataclass
class ChatSession:
    """One browser session's conversation (kept in a ``gr.State``)."""

    history: list[Message] = field(default_factory=list)  # plain texts, given to ask_stream
    display: list[dict[str, Any]] = field(default_factory=list)  # what the Chatbot shows
    records: dict[int, dict[str, Any]] = field(default_factory=dict)  # display index → answer
    last: int | None = None  # display index of the latest finished answer
    documents: list[str] | None = None  # search only these document ids (None: all)


# (chatbot messages, sources HTML, textbox value, notice HTML, session); gr.skip() leaves
# one unchanged. The notice under the textbox replaces toasts, whose headers Gradio only
# shows in English ("Warning").
ChatOutputs = tuple[Any, Any, Any, Any, ChatSession]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _clean_history(history: Sequence[Any] | None) -> list[Message]:
    """Only well-formed user/assistant turns with text content."""
    out: list[Message] = []
    for m in history or ():
        if isinstance(m, dict) and m.get("role") in ("user", "assistant"):
            content = m.get("content")
            if isinstance(content, str):
                out.append({"role": str(m["role"]), "content": content})
    return out


class ChatController:
    """The chat tab's behaviour, separate from its layout (and callable from tests)."""

    def __init__(self, get_assistant: GetAssistant, get_corpus: GetCorpus, feedback: FeedbackLog):
        self.get_assistant = get_assistant
        self.get_corpus = get_corpus
        self.feedback = feedback
        self._recent: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()
        self._recent_lock = threading.Lock()

    # --- answering ---------------------------------------------------------------------

    def set_documents(self, selected: Sequence[str] | None, session: ChatSession) -> ChatSession:
        """Limit the search to the documents ticked; none ticked searches them all."""
        session = copy.deepcopy(session) if session is not None else ChatSession()
        session.documents = sorted(selected) if selected else None
        return session

    def document_choices(self) -> list[str]:
        """The ids of the indexed documents, for the 'Zoeken in' choice."""
        return sorted({c.doc_id for c in self.get_corpus().values()})

    def _remember(self, answer: Answer) -> None:
        """Keep recent answers' citations, so API feedback can record what was cited."""
        with self._recent_lock:
            key = (_norm(answer.question), answer.text)
            self._recent[key] = [asdict(c) for c in answer.citations]
            while len(self._recent) > 500:
                self._recent.popitem(last=False)

    def _sources(self, answer: Answer) -> str:
        return sources_html(answer, self.get_corpus())

    def respond(self, message: str, session: ChatSession) -> Iterator[ChatOutputs]:
        """Stream an answer into the chat; yields (chatbot, sources, textbox, notice, session)."""
        session = copy.deepcopy(session) if session is not None else ChatSession()
        question = message or ""
        try:
            assistant = self.get_assistant()
            clean_question(question, assistant.settings.max_question_chars)
        except InputError as exc:  # nothing to add to the chat: say why, keep the text
            yield session.display, gr.skip(), message, _notice(exc.message, "let-op"), session
            return
        except ReceptError as exc:
            yield self._error_turn(session, question, exc.message)
            return
        except Exception:
            log.exception("assistant unavailable")
            yield self._error_turn(session, question, UNEXPECTED)
            return
        session.display.append({"role": "user", "content": html.escape(question, quote=False)})
        session.display.append({"role": "assistant", "content": THINKING})
        idx = len(session.display) - 1
        yield session.display, empty_panel("Bronnen zoeken…"), "", _notice(""), session
        answer: Answer | None = None
        try:
            history = list(session.history)
            for answer in assistant.ask_stream(question, history, documents=session.documents):
                session.display[idx] = {"role": "assistant", "content": chat_markdown(answer)}
                yield session.display, gr.skip(), "", gr.skip(), session
        except ReceptError as exc:
            yield self._fail(session, idx, exc.message)
            return
        except Exception:
            log.exception("chat stream failed")
            yield self._fail(session, idx, UNEXPECTED)
            return
        if answer is None:  # an engine that yielded nothing
            yield self._fail(session, idx, UNEXPECTED)
            return
        self._remember(answer)
        session.records[idx] = {
            "question": answer.question,
            "answer": answer.text,
            "citations": [asdict(c) for c in answer.citations],
            "history": list(session.history),
        }
        session.history += [
            {"role": "user", "content": answer.question},
            {"role": "assistant", "content": answer.text},
        ]
        session.last = idx
        yield session.display, self._sources(answer), "", gr.skip(), session

    @staticmethod
    def _fail(session: ChatSession, idx: int, message: str) -> ChatOutputs:
        session.display[idx] = {
            "role": "assistant",
            "content": f"**Let op:** {html.escape(message, quote=False)}",
        }
        return session.display, notice_html(message), "", _notice(""), session

    @staticmethod
    def _error_turn(session: ChatSession, question: str, message: str) -> ChatOutputs:
        if question.strip():
            session.display.append({"role": "user", "content": html.escape(question, quote=False)})
        session.display.append(
            {"role": "assistant", "content": f"**Let op:** {html.escape(message, quote=False)}"}
        )
        return session.display, notice_html(message), "", _notice(""), session

    @staticmethod
    def clear() -> ChatOutputs:
        return [], empty_panel(), "", _notice(""), ChatSession()

    # --- feedback ----------------------------------------------------------------------

    def _write(self, rec: Mapping[str, Any], rating: str, comment: str | None) -> None:
        self.feedback.append(
            make_record(
                rec["question"], rec["answer"], rec["citations"], rating, comment, rec["history"]
            )
        )

    def rate_last(self, rating: str, comment: str | None, session: ChatSession) -> tuple[str, Any]:
        """The Nuttig/Niet nuttig buttons: rate the latest answer. (comment box, notice)."""
        if session is None or session.last is None:
            return comment or "", _notice("Er is nog geen antwoord om te beoordelen.", "let-op")
        self._write(session.records[session.last], rating, comment)
        return "", _notice(THANKS_TEXT, "ok")

    def on_like(
        self, comment: str | None, session: ChatSession, data: gr.LikeData
    ) -> tuple[str, Any]:
        """The chatbot's own thumbs on any answer in the conversation."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        rec = session.records.get(index) if session is not None else None
        if rec is None:
            return comment or "", gr.skip()
        if data.liked in (True, "Like"):
            rating = "up"
        elif data.liked in (False, "Dislike"):
            rating = "down"
        else:  # a thumb clicked off again, or another option: nothing to record
            return comment or "", gr.skip()
        self._write(rec, rating, comment)
        return "", _notice(THANKS_TEXT, "ok")

    # --- API endpoints (gr.api reads these type hints) ---------------------------------

    def api_chat(
        self, question: str, history: list[dict[str, str]] | None = None
    ) -> tuple[str, str, list[dict[str, Any]]]:
        """Answer one question in its conversation.

        Returns (answer text in Markdown with [n] markers, sources panel HTML,
        citations as dicts with n, chunk_id, doc_id, kind, title, quote, start, end,
        speaker, role). Errors come back as a gradio error with the Dutch message.
        """
        try:
            answer = self.get_assistant().ask(question, _clean_history(history))
        except ReceptError as exc:
            raise gr.Error(exc.message, title="Fout") from exc
        self._remember(answer)
        return answer.text, self._sources(answer), [asdict(c) for c in answer.citations]

    def api_feedback(
        self,
        question: str,
        answer: str,
        rating: str,
        comment: str = "",
        history: list[dict[str, str]] | None = None,
    ) -> str:
        """Record a rating ("up" or "down") for an answer given by /chat. Returns "ok"."""
        with self._recent_lock:
            citations = self._recent.get((_norm(question), answer), [])
        try:
            record = make_record(
                question, answer, citations, rating, comment, _clean_history(history)
            )
        except InputError as exc:
            raise gr.Error(exc.message, title="Fout") from exc
        self.feedback.append(record)
        return "ok"


def _notice(message: str, kind: str = "let-op") -> Any:
    """The notice under the textbox: shown with a message, hidden (no gap) without."""
    return gr.HTML(notice_html(message, kind) if message else "", visible=bool(message))


def _same(value: str) -> str:
    return value


@dataclass
class ChatTab:
    """The chat tab's components, for wiring across tabs in ``ui.app``."""

    controller: ChatController
    chatbot: gr.Chatbot
    textbox: gr.Textbox
    sources: gr.HTML
    notice: gr.HTML
    session: gr.State
    scope: gr.CheckboxGroup  # which documents to search (shown when there are several)
    examples: list[gr.Button]  # example questions, filled from the documents on page load

    def ask_kwargs(self) -> dict[str, Any]:
        """Event arguments that ask the question in the textbox (for ``.then(**…)``)."""
        return {
            "fn": self.controller.respond,
            "inputs": [self.textbox, self.session],
            "outputs": [self.chatbot, self.sources, self.textbox, self.notice, self.session],
            "api_visibility": "private",
        }


def build_chat_tab(controller: ChatController) -> ChatTab:
    """Lay out the chat tab (inside a ``gr.Tab``) and wire its own events."""
    session = gr.State(ChatSession())
    with gr.Row(equal_height=False, elem_id="chat-rij"):
        with gr.Column(scale=3, min_width=360):
            chatbot = gr.Chatbot(
                label="Gesprek",
                elem_id="chatbot",
                height=540,
                latex_delimiters=[],
                feedback_options=("Like", "Dislike"),
                buttons=["copy"],
                placeholder=(
                    # The header above names the indexed documents; any may be asked about.
                    "**Stel een vraag over de documenten hierboven.**<br>"
                    "Elk antwoord citeert letterlijk uit de documenten; klik op een [n] om de "
                    "bron te zien."
                ),
            )
            with gr.Row(elem_id="vraag-rij"):
                textbox = gr.Textbox(
                    show_label=False,
                    placeholder="Typ uw vraag en druk op Enter…",
                    lines=1,
                    max_lines=6,
                    scale=6,
                    elem_id="vraag",
                    autofocus=True,
                )
                send = gr.Button(
                    "Vraag", variant="primary", scale=1, min_width=90, elem_id="verstuur"
                )
                clear = gr.Button("Nieuw gesprek", scale=1, min_width=160, elem_id="wis")
            notice = gr.HTML("", elem_id="chat-melding", padding=False, visible=False)
            scope = gr.CheckboxGroup(
                label="Zoeken in",
                info="Niets aangevinkt: in alle documenten.",
                choices=[],
                visible=False,
                elem_id="documenten",
            )
            with gr.Row(elem_id="voorbeelden"):
                gr.Markdown("Voorbeelden:", elem_classes=["voorbeelden-label"])
                example_buttons = [
                    gr.Button(
                        "",
                        size="sm",
                        variant="secondary",
                        elem_classes=["voorbeeld"],
                        visible=False,
                    )
                    for _ in range(EXAMPLE_SLOTS)
                ]
            with gr.Accordion("Feedback op het laatste antwoord", open=False, elem_id="feedback"):
                comment = gr.Textbox(
                    label="Toelichting (optioneel)",
                    placeholder=(
                        "Wat was goed of wat ontbrak? Typ dit vóór u op Nuttig, Niet nuttig "
                        "of een duim bij een antwoord klikt."
                    ),
                    lines=2,
                    elem_id="feedback-tekst",
                )
                with gr.Row():
                    up = gr.Button("Nuttig", size="sm", elem_id="duim-op")
                    down = gr.Button("Niet nuttig", size="sm", elem_id="duim-neer")
        with gr.Column(scale=2, min_width=320):
            sources = gr.HTML(
                empty_panel(),
                elem_id="bronnen",
                max_height=680,
                js_on_load=SCROLL_JS,
                padding=False,
            )
    tab = ChatTab(controller, chatbot, textbox, sources, notice, session, scope, example_buttons)
    scope.change(
        controller.set_documents, inputs=[scope, session], outputs=session, api_visibility="private"
    )
    ask = tab.ask_kwargs()
    textbox.submit(**ask)
    send.click(**ask)
    for button in example_buttons:
        # A button's value is its label: the question it shows is the one it asks.
        button.click(_same, inputs=button, outputs=textbox, api_visibility="private").then(**ask)
    up.click(
        lambda c, s: controller.rate_last("up", c, s),
        inputs=[comment, session],
        outputs=[comment, notice],
        api_visibility="private",
    )
    down.click(
        lambda c, s: controller.rate_last("down", c, s),
        inputs=[comment, session],
        outputs=[comment, notice],
        api_visibility="private",
    )
    chatbot.like(
        controller.on_like,
        inputs=[comment, session],
        outputs=[comment, notice],
        api_visibility="private",
    )
    clear.click(
        controller.clear,
        outputs=[chatbot, sources, textbox, notice, session],
        api_visibility="private",
    )
    gr_api(controller.api_chat, api_name="chat")
    gr_api(controller.api_feedback, api_name="feedback")
    return tab
