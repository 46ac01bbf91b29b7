"""Pure rendering: an :class:`~recept.schema.Answer` as chat Markdown and as a sources panel.

Every piece of document text goes through :func:`html.escape` before it reaches the page,
so a document that contains ``<script>`` shows it as text. The only markup we emit is our
own: source cards, ``<mark>`` around the quoted words, and ``[n]`` marker links.

>>> answer_markdown('Zie "Doen" [1].', {1})
'Zie "Doen" <a href="#bron-1" class="bronlink">[1]</a>.'
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from recept.schema import KIND_LABELS_NL, Answer, Chunk, Citation, Passage

_MARKER = re.compile(r"\[(\d+)\]")
_HEADING = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+")
_LEADING_HEADING = re.compile(r"\s*#{1,6}[ \t][^\n]*\n\s*")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")


def esc(text: str) -> str:
    """HTML-escape text (quotes too, so it is safe inside attributes).

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(text, quote=True)


def kind_label(kind: str) -> str:
    """Dutch label for a chunk kind, capitalised.

    >>> kind_label("ingredient"), kind_label("onbekend")
    ('Ingrediënt', 'Onbekend')
    """
    label = KIND_LABELS_NL.get(kind, kind)
    return label[:1].upper() + label[1:]


def answer_markdown(text: str, valid: Collection[int] | None = None, prefix: str = "bron") -> str:
    """Answer text for the chat: HTML escaped, Markdown kept, markers made into links.

    Only ``<``, ``>`` and ``&`` are escaped, so **bold** and lists still render. A marker
    whose number is not in ``valid`` (when given) stays plain text.

    >>> answer_markdown("a <b> [2] [9]", {2})
    'a &lt;b&gt; <a href="#bron-2" class="bronlink">[2]</a> [9]'
    """
    escaped = html.escape(text, quote=False)

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if valid is not None and n not in valid:
            return m.group(0)
        return f'<a href="#{prefix}-{n}" class="bronlink">[{n}]</a>'

    return _MARKER.sub(link, escaped)


def _dropped(text: str) -> list[bool]:
    """Which characters of a Markdown source slice are markup, not words.

    >>> s = "## *Doen*"
    >>> "".join(c for c, d in zip(s, _dropped(s), strict=True) if not d)
    'Doen'
    """
    drop = [False] * len(text)
    for m in _HEADING.finditer(text):
        for i in range(m.start(), m.end()):
            drop[i] = True
    for m in _LINK.finditer(text):
        for i in range(m.start(), m.start(1)):
            drop[i] = True
        for i in range(m.end(1), m.end()):
            drop[i] = True
    for i, ch in enumerate(text):
        if ch == "*":
            drop[i] = True
    return drop


def heading_is_title(chunk: Chunk) -> bool:
    """True when the chunk opens with a heading that just repeats its title.

    >>> def ch(title, text):
    ...     return Chunk("c", "d", "ingredient", title, 0, 0, text, "", "")
    >>> heading_is_title(ch("Doen", "#### *Doen*\\n\\nX."))
    True
    >>> heading_is_title(ch("Citaat", "### **'Ken uzelf.'**\\n\\nX"))
    False
    """
    m = _LEADING_HEADING.match(chunk.text)
    if m is None:
        return False
    words = " ".join(m.group(0).replace("#", " ").replace("*", " ").split())
    return words.casefold() == " ".join(chunk.title.split()).casefold()


@dataclass(frozen=True)
class Span:
    """A highlighted range of a passage, in offsets of the passage text."""

    start: int
    end: int
    n: int
    anchor: str = ""  # element id for the <mark>, when the card itself has another id


def highlight(text: str, spans: Sequence[Span] = (), *, hide_heading: bool = False) -> str:
    """A Markdown source slice as safe HTML text, with ``<mark>`` around each span.

    Markdown markup (heading hashes, ``*``, link targets) is hidden; everything else is
    escaped. Newlines are kept (the panel uses ``white-space: pre-line``). With
    ``hide_heading`` a leading heading line is left out (the card shows the title already),
    unless a span starts inside it.

    >>> out = highlight("### Doen\\n\\nBlijf <niet> hangen.", [Span(10, 15, 1)])
    >>> out.replace('<sup class="marknr">[1]</sup>', "")
    'Doen\\n\\n<mark class="citaat" data-n="1">Blijf</mark> &lt;niet&gt; hangen.'
    """
    drop = _dropped(text)
    head = _LEADING_HEADING.match(text) if hide_heading else None
    if head and not any(s.start < head.end() for s in spans):
        drop[: head.end()] = [True] * head.end()
    clean: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = max(0, s.start), min(len(text), s.end)
        if start >= end or (clean and start < clean[-1].end):
            continue  # overlapping or empty: the first one wins
        clean.append(Span(start, end, s.n, s.anchor))
    opens = {s.start: s for s in clean}
    closes = {s.end: s for s in clean}
    out: list[str] = []
    for i in range(len(text) + 1):
        if i in closes:
            out.append(f'</mark><sup class="marknr">[{closes[i].n}]</sup>')
        if i in opens:
            s = opens[i]
            anchor = f' id="{esc(s.anchor)}"' if s.anchor else ""
            out.append(f'<mark class="citaat" data-n="{s.n}"{anchor}>')
        if i < len(text) and not drop[i]:
            out.append(esc(text[i]))
    return "".join(out)


def quote_span(chunk: Chunk, citation: Citation) -> tuple[int, int] | None:
    """Where the citation's quote sits inside the chunk text (by offsets, else by search).

    >>> ch = Chunk("c", "d", "ingredient", "T", 100, 120, "### T\\n\\nEen zin.", "", "")
    >>> quote_span(ch, Citation(1, "c", "d", "ingredient", "T", "Een zin.", 107, 115))
    (7, 15)
    """
    rel = citation.start - chunk.start
    if rel >= 0 and chunk.text[rel : rel + len(citation.quote)] == citation.quote:
        return rel, rel + len(citation.quote)
    at = chunk.text.find(citation.quote)
    return (at, at + len(citation.quote)) if at >= 0 else None


def _group_by_chunk(citations: Iterable[Citation]) -> list[list[Citation]]:
    groups: dict[str, list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        groups.setdefault(c.chunk_id, []).append(c)
    return list(groups.values())


def _card_meta(chunk: Chunk | None, first: Citation) -> str:
    kind = chunk.kind if chunk else first.kind
    title = chunk.title if chunk else first.title
    parts = [f'<span class="bron-soort">{esc(kind_label(kind))}</span>']
    parts.append(f'<strong class="bron-titel">{esc(title)}</strong>')
    group = chunk.group if chunk else ""
    if kind == "ingredient" and group:
        parts.append(f'<span class="bron-groep">{esc(group)}</span>')
    return " ".join(parts)


def source_card(cites: Sequence[Citation], chunk: Chunk | None, prefix: str = "bron") -> str:
    """One card for a passage and the citations that quote it.

    The card gets ``id="<prefix>-<first n>"``; the other citations' ``<mark>`` elements get
    their own ids, so every marker ``[n]`` has a target to scroll to.
    """
    first = cites[0]
    nrs = " ".join(f'<span class="bron-nr">[{c.n}]</span>' for c in cites)
    speaker = first.speaker or (chunk.speaker if chunk else "")
    role = first.role or (chunk.role if chunk else "")
    who = ""
    if speaker:
        who = f'<div class="bron-spreker">{esc(speaker)}' + (
            f' <span class="bron-rol">— {esc(role)}</span></div>' if role else "</div>"
        )
    if chunk is not None:
        spans = []
        for c in cites:
            where = quote_span(chunk, c)
            if where is not None:
                anchor = "" if c is first else f"{prefix}-{c.n}"
                spans.append(Span(where[0], where[1], c.n, anchor))
        body = highlight(chunk.text, spans, hide_heading=heading_is_title(chunk))
        start, end, doc = chunk.start, chunk.end, chunk.doc_id
        missing = [c for c in cites if quote_span(chunk, c) is None]
    else:
        body, missing = "", list(cites)
        start, end, doc = min(c.start for c in cites), max(c.end for c in cites), first.doc_id
    for c in missing:  # no passage text to show it in: show the quote itself
        anchor = "" if c is first else f"{prefix}-{c.n}"
        body += ("\n\n" if body else "") + highlight(c.quote, [Span(0, len(c.quote), c.n, anchor)])
    return (
        f'<article class="bron-kaart" id="{esc(prefix)}-{first.n}">'
        f'<header class="bron-kop">{nrs} {_card_meta(chunk, first)}</header>'
        f"{who}"
        f'<div class="bron-tekst">{body}</div>'
        f'<footer class="bron-voet">{esc(doc)} · tekens {start}–{end}</footer>'
        "</article>"
    )


def chunk_index(
    passages: Iterable[Passage], extra: Mapping[str, Chunk] | None = None
) -> dict[str, Chunk]:
    """Chunks by id: the retrieved passages first, then ``extra`` (e.g. the whole corpus)."""
    out = dict(extra or {})
    out.update({p.chunk.id: p.chunk for p in passages})
    return out


def source_cards(
    citations: Sequence[Citation], chunks: Mapping[str, Chunk], prefix: str = "bron"
) -> str:
    """Cards for all citations, grouped by passage, in marker order."""
    return "".join(
        source_card(g, chunks.get(g[0].chunk_id), prefix) for g in _group_by_chunk(citations)
    )


def refusal_html(answer: Answer) -> str:
    """The notice shown instead of sources when the documents do not answer the question."""
    items = "".join(f"<li>{esc(s)}</li>" for s in answer.suggestions)
    sugg = (
        '<p class="weigering-tip">U kunt wel vragen naar deze onderdelen:</p>'
        f'<ul class="weigering-suggesties">{items}</ul>'
        if items
        else '<p class="weigering-tip">Bekijk de documenten in het tabblad '
        "<em>Documenten bekijken</em>.</p>"
    )
    return (
        '<div class="weigering" role="note">'
        "<strong>De documenten beantwoorden deze vraag niet.</strong>"
        "<p>Er is geen passage gevonden die deze vraag behandelt, dus er zijn ook geen "
        "bronnen om te tonen. De assistent verzint niets.</p>"
        f"{sugg}</div>"
    )


def _also_found(passages: Sequence[Passage], cited: Collection[str]) -> str:
    rest = [p for p in passages if p.chunk.id not in cited]
    if not rest:
        return ""
    items = "".join(
        f"<li>{esc(p.chunk.title)} "
        f'<span class="score">({esc(KIND_LABELS_NL.get(p.chunk.kind, p.chunk.kind))}, '
        f"score {p.score:.3f})</span></li>"
        for p in rest
    )
    return (
        '<details class="ook-gevonden"><summary>Ook gevonden, niet geciteerd '
        f"({len(rest)})</summary><ol>{items}</ol></details>"
    )


def empty_panel(message: str = "Stel een vraag; de bronnen verschijnen hier.") -> str:
    return f'<div class="bronnen leeg"><p>{esc(message)}</p></div>'


def notice_html(message: str, kind: str = "fout") -> str:
    """A plain notice box (errors, status), text escaped.

    >>> notice_html("Geen <index>: `recept ingest`")
    '<div class="melding fout" role="alert">Geen &lt;index&gt;: <code>recept ingest</code></div>'
    """
    text = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", esc(message))
    return f'<div class="melding {esc(kind)}" role="alert">{text}</div>'


def sources_html(
    answer: Answer, corpus: Mapping[str, Chunk] | None = None, prefix: str = "bron"
) -> str:
    """The sources panel for an answer: a refusal notice, or one card per cited passage."""
    if answer.refused and not answer.citations:
        return f'<div class="bronnen">{refusal_html(answer)}</div>'
    chunks = chunk_index(answer.passages, corpus)
    head = f'<h3 class="bronnen-kop">Bronnen ({len(answer.citations)})</h3>'
    if not answer.citations:
        body = '<p class="geen-bronnen">Dit antwoord citeert geen passages.</p>'
    else:
        body = source_cards(answer.citations, chunks, prefix)
    cited = {c.chunk_id for c in answer.citations}
    partial = (
        '<div class="weigering" role="note"><strong>Gedeeltelijk beantwoord.</strong> '
        "Wat u precies vraagt staat er niet in; hieronder wat de documenten er wel over "
        "zeggen.</div>"
        if answer.answerability == "partial"
        else ""
    )
    also = _also_found(answer.passages, cited)
    return f'<div class="bronnen">{partial}{head}{body}{also}</div>'


def chat_markdown(answer: Answer, prefix: str = "bron") -> str:
    """The assistant's chat message for an answer (markers link to the source cards)."""
    body = answer.text
    if "motie-concept" in answer.notes:  # the sources panel lists them; no second list here
        body = body.split("\n**Bronnen**", 1)[0].rstrip()
    text = answer_markdown(body, {c.n for c in answer.citations}, prefix)
    if "motie-concept" in answer.notes:
        text += "\n\n*Tip: het tabblad **Motie opstellen** maakt er ook een Word-bestand van.*"
    return text


# Styles for the markup above (given to ``launch(css=…)``). Gradio's theme variables keep
# it readable in dark mode too.
CSS = """
.kop h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
.kop p { margin: 0 0 .4rem 0; color: var(--body-text-color-subdued); }
.melding { padding: .7rem 1rem; border-radius: 8px; margin: .3rem 0; }
.melding.fout { background: #fef2f2; color: #7f1d1d; border: 1px solid #fca5a5; }
.melding.info { background: #eff6ff; color: #1e3a8a; border: 1px solid #93c5fd; }
.melding.let-op { background: #fffbeb; color: #78350f; border: 1px solid #fcd34d; }
.melding.ok { background: #f0fdf4; color: #14532d; border: 1px solid #86efac; }
#bronnen, #motie-bronnen { scroll-behavior: smooth; }
.bronnen-kop { margin: .2rem 0 .6rem 0; font-size: 1.05rem; }
.bronnen.leeg p, .detail-leeg, .laden { color: var(--body-text-color-subdued); padding: 1rem; }
.bron-kaart { border: 1px solid var(--border-color-primary); border-left: 4px solid #f97316;
  border-radius: 8px; padding: .6rem .8rem; margin: 0 0 .7rem 0;
  background: var(--block-background-fill); scroll-margin: 1rem; }
.bron-kaart.knipper { animation: knipper 1.6s ease-out; }
@keyframes knipper { 0% { box-shadow: 0 0 0 4px #fdba74; }
  100% { box-shadow: 0 0 0 0 transparent; } }
.bron-kop { display: flex; flex-wrap: wrap; gap: .35rem; align-items: baseline;
  margin-bottom: .3rem; }
.bron-nr { font-weight: 600; color: #c2410c; }
.bron-soort, .bron-groep { font-size: .75rem; text-transform: uppercase; letter-spacing: .03em;
  padding: 0 .35rem; border-radius: 4px; background: var(--background-fill-secondary);
  color: var(--body-text-color-subdued); }
.bron-spreker { font-style: italic; margin-bottom: .3rem; }
.bron-rol { color: var(--body-text-color-subdued); font-style: normal; font-size: .85rem; }
.bron-tekst { white-space: pre-line; line-height: 1.5; font-size: .92rem; }
.bron-tekst mark { background: #fde68a; color: #111827; padding: 0 .1rem; border-radius: 3px; }
.marknr { color: #c2410c; font-size: .7rem; margin-left: .1rem; }
.bron-voet { font-size: .75rem; color: var(--body-text-color-subdued); margin-top: .35rem; }
.ook-gevonden { font-size: .85rem; margin-top: .5rem; color: var(--body-text-color-subdued); }
.weigering { border: 1px solid #fcd34d; background: #fffbeb; color: #78350f; border-radius: 8px;
  padding: .8rem 1rem; }
.weigering p { margin: .4rem 0; }
.weigering-suggesties { margin: .2rem 0 0 1.2rem; }
a.bronlink { text-decoration: none; font-weight: 600; color: #c2410c; cursor: pointer; }
a.bronlink:hover { text-decoration: underline; }
#wis, #verstuur { white-space: nowrap; }
#voorbeelden { align-items: center; flex-wrap: wrap; gap: .4rem; }
#voorbeelden .voorbeelden-label { flex: 0 0 auto; min-width: 0; }
#voorbeelden button.voorbeeld { flex: 0 1 auto; min-width: 0; }
.brief-feiten dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem;
  margin: 0 0 1rem 0; }
.brief-feiten dt { font-weight: 600; }
.brief-feiten dd { margin: 0; }
.kaarten h3 { margin: .8rem 0 .4rem 0; }
.kaarten h4.groep { margin: .6rem 0 .3rem 0; font-size: .9rem; text-transform: uppercase;
  color: var(--body-text-color-subdued); }
.kaart-raster { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
  gap: .6rem; }
button.kaart { display: flex; flex-direction: column; gap: .3rem; text-align: left;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .7rem;
  background: var(--block-background-fill); color: var(--body-text-color); cursor: pointer;
  font: inherit; }
button.kaart:hover, button.kaart:focus-visible { border-color: #f97316; }
button.kaart.gekozen { border-color: #ea580c; box-shadow: 0 0 0 2px #fdba74; }
.kaart-kop { font-weight: 600; }
.kaart-nr { display: inline-block; min-width: 1.4rem; color: #c2410c; }
.kaart-tekst { font-size: .85rem; color: var(--body-text-color-subdued); }
.kaart-spreker { font-size: .85rem; font-style: italic; display: flex; flex-direction: column; }
.kaart-rol { font-style: normal; font-size: .75rem; color: var(--body-text-color-subdued); }
#detail-kolom { position: sticky; top: .5rem; align-self: flex-start; }
.detail h3 { margin: .2rem 0 .4rem 0; }
.detail-soort { font-size: .8rem; text-transform: uppercase; color: var(--body-text-color-subdued);
  margin: 0; }
.detail-spreker { font-style: italic; }
#motie-concept { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .8rem 1rem; }
.uitleg { font-size: .85rem; color: var(--body-text-color-subdued); }
"""
