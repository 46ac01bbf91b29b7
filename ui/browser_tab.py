"""The document browser: for each indexed document its letter facts and its parts as cards
(the recipe's ingredients, another document's chapters) and its quotes.

Clicking a card shows its full text; "Vraag hierover" asks the chat about it (wired in
``ui.app``, because it switches tabs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import gradio as gr

from recept.errors import ReceptError
from recept.quotes import display
from recept.schema import Chunk
from ui.render import esc, heading_is_title, highlight, kind_label, notice_html

# (label shown, letter_meta group) in the order a reader wants them.
FACTS = (
    ("Afzender", "afzender"),
    ("Aan", "geadresseerden"),
    ("Datum", "datum"),
    ("Verzenddatum", "verzenddatum"),
    ("Kenmerk", "kenmerk"),
    ("Onderwerp", "onderwerp"),
)

CARD_JS = """
element.addEventListener('click', function (e) {
  const card = e.target && e.target.closest ? e.target.closest('[data-chunk]') : null;
  if (!card || !element.contains(card)) return;
  element.querySelectorAll('.kaart.gekozen').forEach(function (k) {
    k.classList.remove('gekozen');
  });
  card.classList.add('gekozen');
  trigger('click', {chunk: card.dataset.chunk});
});
"""

GetCorpus = Callable[[], Mapping[str, Chunk]]


def meta_value(chunk: Chunk) -> str:
    """The value of a labelled letter field, without its label.

    >>> ch = Chunk("k", "d", "letter_meta", "Brief: kenmerk", 0, 0, "Kenmerk\\n\\n1938042", "", "")
    >>> meta_value(ch)
    '1938042'
    >>> meta_value(Chunk("o", "d", "letter_meta", "", 0, 0, "**Betreft: Recept**", "", ""))
    'Recept'
    >>> meta_value(Chunk("o", "d", "letter_meta", "", 0, 0, "**Ons kenmerk:** Z-1", "", ""))
    'Z-1'
    """
    parts = [p for p in chunk.text.split("\n\n") if p.strip()]
    value = display(parts[-1] if parts else "")
    # "Label: value" on one line: the facts list shows its own label.
    return _LABEL.sub("", value, count=1).strip()


_LABEL = re.compile(r"^(?:[A-Z][\w()/ -]{0,30}):\s+")


def letter_facts(chunks: Iterable[Chunk]) -> list[tuple[str, str]]:
    """(label, value) for the letter's key fields that the document has."""
    by_group = {c.group: c for c in chunks if c.kind == "letter_meta"}
    return [(label, meta_value(by_group[g])) for label, g in FACTS if g in by_group]


def facts_html(facts: Sequence[tuple[str, str]], title: str = "De brief") -> str:
    if not facts:
        return notice_html(f"{title}: geen herkenbare briefgegevens.", "info")
    rows = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in facts)
    return f'<section class="brief-feiten"><h3>{esc(title)}</h3><dl>{rows}</dl></section>'


def snippet(text: str, limit: int = 120) -> str:
    """The start of a passage's body as plain text, cut at a word.

    >>> snippet("### Doen\\n\\nBlijf niet hangen in denken en praten.", 20)
    'Blijf niet hangen…'
    """
    body = text.split("\n\n", 1)[1] if "\n\n" in text and text.lstrip().startswith("#") else text
    plain = display(body)
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def quote_text(chunk: Chunk) -> str:
    """A quote chunk's words without the speaker lines.

    >>> quote_text(Chunk("q", "d", "quote", "", 0, 0, "### **'Ken uzelf.'**\\n\\n**Anna**\\n\\nDG",
    ...                  "", "", speaker="Anna", role="DG"))
    "'Ken uzelf.'"
    """
    at = chunk.text.find(f"**{chunk.speaker}**") if chunk.speaker else -1
    return display((chunk.text[:at] if at > 0 else chunk.text).replace("#", ""))


def ingredients(chunks: Iterable[Chunk]) -> list[Chunk]:
    return sorted((c for c in chunks if c.kind == "ingredient"), key=lambda c: c.ordinal)


def quotes(chunks: Iterable[Chunk]) -> list[Chunk]:
    return sorted((c for c in chunks if c.kind == "quote"), key=lambda c: c.ordinal)


def _card(c: Chunk, body: str, foot: str = "", n: int | None = None) -> str:
    return (
        f'<button type="button" class="kaart {esc(c.kind)}" data-chunk="{esc(c.id)}" '
        f'title="Toon de volledige tekst">'
        f'<span class="kaart-kop"><span class="kaart-nr">{c.ordinal if n is None else n}</span> '
        f'<span class="kaart-titel">{esc(c.title)}</span></span>'
        f'<span class="kaart-tekst">{body}</span>{foot}</button>'
    )


def chapters(chunks: Iterable[Chunk]) -> list[Chunk]:
    """A generic document's titled sections, the first passage of each, in reading order."""
    seen: dict[str, Chunk] = {}
    for c in sorted((c for c in chunks if c.kind == "section" and c.title), key=lambda c: c.start):
        # A heading with nothing under it (the text is in its sub-chapters) is no card.
        if any(line.strip() and not line.lstrip().startswith("#") for line in c.text.splitlines()):
            seen.setdefault(c.title, c)
    return list(seen.values())


def cards_html(chunks: Iterable[Chunk], titles: Mapping[str, str] | None = None) -> str:
    """Per document: its ingredient cards (by group, in order) or its chapter cards, and its
    quote cards. With several documents each gets its title as a heading."""
    all_chunks = list(chunks)
    docs = sorted({c.doc_id for c in all_chunks})
    if len(docs) > 1:
        return "".join(
            f'<h2 class="doc-titel">{esc((titles or {}).get(d, d))}</h2>'
            + cards_html([c for c in all_chunks if c.doc_id == d])
            for d in docs
        )
    ingr = ingredients(all_chunks)
    if ingr:
        out = [f'<section class="kaarten"><h3>Ingrediënten ({len(ingr)})</h3>']
        for group, members in groupby(ingr, key=lambda c: c.group):
            label = group[:1].upper() + group[1:] if group else "Overig"
            out.append(f'<h4 class="groep">{esc(label)}</h4><div class="kaart-raster">')
            out += [_card(c, esc(snippet(c.text))) for c in members]
            out.append("</div>")
    else:
        parts = chapters(all_chunks)
        out = [f'<section class="kaarten"><h3>Hoofdstukken ({len(parts)})</h3>']
        out.append('<div class="kaart-raster">')
        out += [_card(c, esc(snippet(c.text)), n=i) for i, c in enumerate(parts, start=1)]
        out.append("</div>")
    qs = quotes(all_chunks)
    if qs:
        out.append(f'<h3>Citaten ({len(qs)})</h3><div class="kaart-raster citaten">')
        for c in qs:
            foot = (
                f'<span class="kaart-spreker">{esc(c.speaker)}'
                f'<span class="kaart-rol">{esc(c.role)}</span></span>'
            )
            out.append(_card(c, esc(snippet(quote_text(c), 160)), foot))
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def detail_html(chunk: Chunk) -> str:
    """The full, escaped text of one card's passage."""
    body = highlight(chunk.text, hide_heading=heading_is_title(chunk))
    meta = [esc(kind_label(chunk.kind))]
    if chunk.group and chunk.kind == "ingredient":
        meta.append(esc(chunk.group))
    who = ""
    if chunk.speaker:
        who = f'<p class="detail-spreker">{esc(chunk.speaker)} — {esc(chunk.role)}</p>'
    return (
        f'<article class="detail" data-chunk="{esc(chunk.id)}">'
        f'<p class="detail-soort">{" · ".join(meta)}</p><h3>{esc(chunk.title)}</h3>{who}'
        f'<div class="bron-tekst">{body}</div>'
        f'<p class="bron-voet">{esc(chunk.doc_id)} · tekens {chunk.start}–{chunk.end}</p>'
        "</article>"
    )


def ask_about(chunk: Chunk) -> str:
    """The chat question that "Vraag hierover" asks.

    >>> ask_about(Chunk("i", "d", "ingredient", "Gunnen", 0, 0, "", "", ""))
    "Wat houdt het ingrediënt 'Gunnen' in en hoe pas ik het toe?"
    """
    if chunk.kind == "ingredient":
        return f"Wat houdt het ingrediënt '{chunk.title}' in en hoe pas ik het toe?"
    if chunk.kind == "quote" and chunk.speaker:
        return f"Wat bedoelt {chunk.speaker} met het citaat?"
    return f"Wat staat er in het document over '{chunk.title}'?"


EMPTY_DETAIL = '<p class="detail-leeg">Klik op een kaart om de volledige tekst te lezen.</p>'


class BrowserController:
    def __init__(
        self, get_corpus: GetCorpus, get_titles: Callable[[], Mapping[str, str]] | None = None
    ) -> None:
        self.get_corpus = get_corpus
        self.get_titles = get_titles or dict

    def overview(self) -> tuple[str, str]:
        """(facts HTML, cards HTML), or a notice in both when the index is not there."""
        try:
            chunks = list(self.get_corpus().values())
            titles = self.get_titles()
        except ReceptError as exc:
            return notice_html(exc.message), ""
        docs = sorted({c.doc_id for c in chunks})
        if len(docs) <= 1:
            return facts_html(letter_facts(chunks)), cards_html(chunks)
        facts = "".join(
            facts_html(letter_facts(c for c in chunks if c.doc_id == d), titles.get(d, d))
            for d in docs
        )
        return facts, cards_html(chunks, titles)

    def select(self, evt: gr.EventData) -> tuple[str, str, Any]:
        """A card was clicked: (detail HTML, chosen chunk id, ask button update)."""
        chunk_id = str(evt._data.get("chunk", "")) if isinstance(evt._data, dict) else ""
        try:
            chunk = self.get_corpus().get(chunk_id)
        except ReceptError as exc:
            return notice_html(exc.message), "", gr.Button(visible=False)
        if chunk is None:
            return EMPTY_DETAIL, "", gr.Button(visible=False)
        return detail_html(chunk), chunk_id, gr.Button(visible=True)

    def question_for(self, chunk_id: str) -> str:
        chunk = self.get_corpus().get(chunk_id or "")
        return ask_about(chunk) if chunk is not None else ""


@dataclass
class BrowserTab:
    controller: BrowserController
    facts: gr.HTML
    cards: gr.HTML
    detail: gr.HTML
    selected: gr.State
    ask_button: gr.Button


def build_browser_tab(controller: BrowserController) -> BrowserTab:
    selected = gr.State("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=360):
            facts = gr.HTML(
                '<p class="laden">Documenten worden geladen…</p>', elem_id="brief-feiten"
            )
            cards = gr.HTML("", elem_id="recept-kaarten", js_on_load=CARD_JS)
        with gr.Column(scale=2, min_width=300, elem_id="detail-kolom"):
            detail = gr.HTML(EMPTY_DETAIL, elem_id="recept-detail")
            ask_button = gr.Button(
                "Vraag hierover", variant="primary", visible=False, elem_id="vraag-hierover"
            )
    cards.click(
        controller.select,
        outputs=[detail, selected, ask_button],
        api_visibility="private",
    )
    return BrowserTab(controller, facts, cards, detail, selected, ask_button)
