"""The motion tab: a form → a draft motion with its sources, downloadable as .docx and .md."""

from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import motion_to_docx, motion_to_markdown
from recept.errors import InputError, ReceptError
from recept.schema import Chunk, Motion
from ui.ports import GetAssistant
from ui.render import answer_markdown, chunk_index, notice_html, source_cards

log = logging.getLogger(__name__)

PREFIX = "motie-bron"  # anchor ids of this tab's source cards (the chat uses "bron")
KEEP_SECONDS = 24 * 3600

GetCorpus = Callable[[], Mapping[str, Chunk]]


def slug(text: str, limit: int = 50) -> str:
    """A file-name-safe version of a title.

    >>> slug("Motie: Regionale samenwerking & wonen!")
    'motie-regionale-samenwerking-wonen'
    """
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "motie"


def parse_indieners(text: str) -> list[str]:
    """One submitter per line; blank lines dropped.

    >>> parse_indieners("A. Jansen, VVD\\n\\n  B. de Vries, GL ")
    ['A. Jansen, VVD', 'B. de Vries, GL']
    """
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def motion_view(motion: Motion, corpus: Mapping[str, Chunk]) -> tuple[str, str]:
    """(Markdown of the draft with marker links, HTML of its source cards)."""
    md = answer_markdown(
        motion_to_markdown(motion, markers=True).split("\n**Bronnen**", 1)[0],
        {c.n for c in motion.citations},
        PREFIX,
    )
    cards = source_cards(motion.citations, chunk_index((), corpus), PREFIX)
    head = f'<h3 class="bronnen-kop">Bronnen ({len(motion.citations)})</h3>'
    # An LLM that failed: the draft is the extractive one, and the user should know why.
    fallback = "".join(
        notice_html(n, "let-op") for n in motion.notes if n.startswith("LLM-terugval")
    )
    return md, f'{fallback}<div class="bronnen">{head}{cards}</div>'


def sweep(root: Path, keep_seconds: float = KEEP_SECONDS) -> None:
    """Remove download folders older than ``keep_seconds``."""
    if not root.is_dir():
        return
    cutoff = time.time() - keep_seconds
    for d in root.iterdir():
        try:
            if d.is_dir() and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


class MotionController:
    def __init__(self, get_assistant: GetAssistant, get_corpus: GetCorpus, out_root: Path) -> None:
        self.get_assistant = get_assistant
        self.get_corpus = get_corpus
        self.out_root = out_root

    def write_files(self, motion: Motion) -> tuple[Path, Path]:
        """The .docx and .md of a motion, in a fresh folder under the data dir."""
        sweep(self.out_root)
        folder = self.out_root / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        name = slug(motion.title)
        docx = motion_to_docx(motion, folder / f"{name}.docx")
        md = folder / f"{name}.md"
        md.write_text(motion_to_markdown(motion, markers=True) + "\n", encoding="utf-8")
        return docx, md

    def draft(
        self, request: str, gemeente: str, vergaderdatum: str, indieners: str
    ) -> tuple[str, str, Any, Any]:
        """(draft Markdown, sources HTML, .docx button, .md button)."""
        hidden = gr.DownloadButton(visible=False)
        try:
            motion = self.get_assistant().draft_motion(
                request,
                gemeente=gemeente.strip() or None,
                vergaderdatum=vergaderdatum.strip() or None,
                indieners=parse_indieners(indieners),
            )
            docx, md_path = self.write_files(motion)
            md, sources = motion_view(motion, self.get_corpus())
        except InputError as exc:  # keep the last draft; say what to change
            return gr.skip(), notice_html(exc.message, "let-op"), gr.skip(), gr.skip()
        except ReceptError as exc:
            return "", notice_html(exc.message), hidden, hidden
        except OSError as exc:
            log.exception("writing the motion failed")
            msg = f"De bestanden konden niet worden opgeslagen: {exc.strerror or exc}."
            return "", notice_html(msg), hidden, hidden
        return (
            md,
            sources,
            gr.DownloadButton(value=str(docx), visible=True),
            gr.DownloadButton(value=str(md_path), visible=True),
        )


@dataclass
class MotionTab:
    controller: MotionController
    request: gr.Textbox
    draft: gr.Markdown
    sources: gr.HTML
    docx: gr.DownloadButton
    md: gr.DownloadButton


def build_motion_tab(controller: MotionController) -> MotionTab:
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            request = gr.Textbox(
                label="Verzoek",
                value="Stel een motie op over regionale samenwerking",
                lines=2,
                elem_id="motie-verzoek",
            )
            gemeente = gr.Textbox(
                label="Gemeente", placeholder="bijv. Bloemendaal", elem_id="motie-gemeente"
            )
            datum = gr.Textbox(
                label="Vergaderdatum", placeholder="bijv. 12 maart 2026", elem_id="motie-datum"
            )
            indieners = gr.Textbox(
                label="Indieners (één per regel)",
                placeholder="Naam, fractie",
                lines=3,
                elem_id="motie-indieners",
            )
            go = gr.Button("Concept-motie opstellen", variant="primary", elem_id="motie-maak")
            gr.Markdown(
                "Elke *constaterende dat* en *overwegende dat* citeert letterlijk uit de "
                "documenten; wat u niet invult blijft een [plaatshouder].",
                elem_classes=["uitleg"],
            )
            with gr.Row():
                docx = gr.DownloadButton(
                    "Download .docx", visible=False, variant="primary", elem_id="motie-docx"
                )
                md = gr.DownloadButton("Download .md", visible=False, elem_id="motie-md")
        with gr.Column(scale=3, min_width=360):
            draft = gr.Markdown(
                "*Het concept verschijnt hier.*", elem_id="motie-concept", latex_delimiters=[]
            )
            sources = gr.HTML("", elem_id="motie-bronnen", padding=False, max_height=720)
    go.click(
        controller.draft,
        inputs=[request, gemeente, datum, indieners],
        outputs=[draft, sources, docx, md],
        api_name="motie",
    )
    return MotionTab(controller, request, draft, sources, docx, md)
