"""Motion drafting (motie) for griffie staff, in the standard Dutch structure.

Every "constaterende dat" and "overwegende dat" clause quotes the source verbatim and
carries a citation; what the user did not give stays a [placeholder].
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.answering.compose import _Cites, best_sentences, body_sentences, quote_parts
from ingest.parse.header import label_of
from recept.quotes import display
from recept.schema import Chunk, Motion, MotionClause, Passage

_REQUEST_PREFIX = re.compile(
    r"^\s*(?:kun je |kunt u |graag |wil je |help me )?(?:een )?"
    r"(?:stel|schrijf|maak|draft|write|opstellen|formuleer)?\s*(?:een |a )?(?:concept-?)?"
    r"(?:motie|motion)\s*(?:op\s*)?(?:over|om|voor|about|on|for|ten behoeve van)?\s*",
    re.I,
)


# "… die het college vraagt de raad vroeg te betrekken": what the council asks, verbatim.
_ASK = re.compile(
    r"(?:^|\b(?:die|dat|waarin|waarmee|om|en|which|that)\s+)(?:we\s+|wij\s+|de\s+raad\s+)?"
    r"(?:het\s+college|de\s+burgemeester|b\s*&\s*w|the\s+(?:executive|college|board))\s+"
    r"(?:vraagt|verzoekt|oproept|opdraagt|vragen|verzoeken|asks|calls\s+on|requests)\s+"
    r"(?:om\s+|to\s+)?(?P<ask>.+)$",
    re.I,
)


def motion_request(request: str) -> tuple[str, str]:
    """(subject, what the college is asked to do or '') of a motion request.

    >>> motion_request("Stel een motie op over regionale samenwerking bij woningbouw.")
    ('regionale samenwerking bij woningbouw', '')
    >>> motion_request("Schrijf een motie die het college vraagt de raad vroeg te betrekken.")
    ('de raad vroeg te betrekken', 'de raad vroeg te betrekken')
    >>> motion_request("motie")
    ('[onderwerp]', '')
    """
    s = _REQUEST_PREFIX.sub("", request).strip().rstrip(".?! ")
    s = re.sub(r"^(op|over)\s+", "", s, flags=re.I)
    m = _ASK.search(s)
    if m:
        ask = m.group("ask").strip().rstrip(".?!; ")
        return ask, ask
    s = re.sub(r"^(die|dat|waarin|waarmee|om)\s+", "", s, flags=re.I)
    return s or "[onderwerp]", ""


def motion_subject(request: str) -> str:
    """The subject of a motion request.

    >>> motion_subject("Stel een motie op over regionale samenwerking bij woningbouw.")
    'regionale samenwerking bij woningbouw'
    """
    return motion_request(request)[0]


def _meta(chunks: Sequence[Chunk], group: str, doc_id: str = "") -> Chunk | None:
    """The letter field ``group`` of document ``doc_id`` (with several letters indexed, the
    motion cites the letter its passages come from, never another one's fields).

    >>> a, b = (Chunk(f"{d}:1", d, "letter_meta", "Brief: kenmerk", 0, 9, f"Kenmerk {d}", "", "",
    ...               group="kenmerk") for d in "ab")
    >>> _meta([a, b], "kenmerk", "b").text, _meta([a, b], "kenmerk", "c")
    ('Kenmerk b', None)
    """
    fields = [c for c in chunks if c.kind == "letter_meta" and c.group == group]
    return next((c for c in fields if c.doc_id == doc_id), None)


def _meta_value(chunk: Chunk | None) -> str:
    """The value part of a labelled letter field ("Kenmerk\\n\\n123" → "123",
    "**Ons kenmerk:** Z-1" → "Z-1").

    >>> [_meta_value(Chunk("k", "d", "letter_meta", "", 0, 1, t, "", ""))
    ...  for t in ("Kenmerk\\n\\n123", "**Ons kenmerk:** Z-1")]
    ['123', 'Z-1']
    """
    if chunk is None:
        return ""
    parts = [p.strip() for p in chunk.text.split("\n\n") if p.strip()]
    label = label_of(parts[-1])
    return label.value if label is not None and label.value else display(parts[-1])


def draft_motion(
    request: str,
    passages: Sequence[Passage],
    chunks: Sequence[Chunk],
    *,
    gemeente: str | None = None,
    vergaderdatum: str | None = None,
    indieners: Sequence[str] = (),
    doc_titles: Mapping[str, str] | None = None,
) -> Motion:
    """A motion whose every clause quotes the documents: the letter's facts, the passages
    retrieval found for the subject, and a request that names the document it applies.

    ``doc_titles`` (document id → title) names the documents; without it, the document id."""
    cites = _Cites()
    subject, request_ask = motion_request(request)
    constaterende: list[MotionClause] = []

    def clause(text: str, n_from: int) -> MotionClause:
        return MotionClause(text, cites.items[n_from:])

    # Facts from the letter: who sent it, when, with which reference, and what it asks.
    doc = passages[0].chunk.doc_id if passages else ""
    sender = _meta(chunks, "afzender", doc)
    subject_meta = _meta(chunks, "onderwerp", doc)
    sent = _meta(chunks, "verzenddatum", doc)
    ref = _meta(chunks, "kenmerk", doc)
    if sender or subject_meta:
        n0 = len(cites.items)
        parts = []
        if sender:
            who = _meta_value(sender)
            parts.append(f'"{who}" {cites.add(sender, who if who in sender.text else sender.text)}')
        if subject_meta:
            about = _meta_value(subject_meta)
            cited = about if about in subject_meta.text else subject_meta.text
            parts.append(
                f'een brief stuurden met als onderwerp "{about}" {cites.add(subject_meta, cited)}'
            )
        extra = []
        if sent:
            extra.append(f"verzonden op {_meta_value(sent)} {cites.add(sent, sent.text)}")
        if ref:
            extra.append(f"kenmerk {_meta_value(ref)} {cites.add(ref, ref.text)}")
        text = " ".join(parts) + (f" ({', '.join(extra)})" if extra else "") + ";"
        constaterende.append(clause(text, n0))
    # The letter's own text: its body paragraphs, or (a generic document) its sections.
    letter = [c for c in chunks if c.kind == "letter" and c.group == "tekst" and c.doc_id == doc]
    letter = letter or sorted(
        (c for c in chunks if c.kind == "section" and c.doc_id == doc and body_sentences(c)),
        key=lambda c: c.start,
    )
    # Its first real sentence (a title block's "Gemeente Duinwaarde" says nothing).
    opening = next(((c, s) for c in letter for s in body_sentences(c) if len(s.split()) >= 6), None)
    if opening is not None:
        n0 = len(cites.items)
        first_chunk, first = opening
        constaterende.append(
            clause(f'de brief vermeldt: "{display(first)}" {cites.add(first_chunk, first)};', n0)
        )
        ask = next(
            (
                s
                for c in letter
                for s in body_sentences(c)
                if re.search(r"startpunt|verzoek|vragen u", s)
            ),
            "",
        )
        if ask:
            owner = next(c for c in letter if ask in c.text)
            n0 = len(cites.items)
            constaterende.append(
                clause(f'de brief stelt: "{display(ask)}" {cites.add(owner, ask)};', n0)
            )

    # Considerations: the passages (a recipe's ingredients, a letter's sections, quotes) that
    # retrieval found for the subject, each named by its section and document.
    def title_of(doc_id: str) -> str:
        return (doc_titles or {}).get(doc_id, doc_id)

    overwegende: list[MotionClause] = []
    considered = [
        p.chunk
        for p in passages
        if p.chunk.kind not in _NOT_CONSIDERED and p.chunk.kind != "quote" and p.chunk.title
    ][:3]
    for ch in considered:
        n0 = len(cites.items)
        sents = best_sentences(ch, request, 2)
        quoted = " ".join(f'"{display(s)}" {cites.add(ch, s)}' for s in sents)
        if ch.kind == "ingredient":
            where = f"«{title_of(ch.doc_id)}» als ingrediënt '{ch.title}' noemt"
        else:
            where = f"«{title_of(ch.doc_id)}» onder '{ch.title}' vermeldt"
        overwegende.append(clause(f"{where}: {quoted};", n0))
    quote = next((p.chunk for p in passages[:5] if p.chunk.kind == "quote"), None)
    if quote is not None:
        n0 = len(cites.items)
        q, _ = quote_parts(quote)
        role = f" ({quote.role})" if quote.role else ""
        overwegende.append(
            clause(
                f'{quote.speaker}{role} zei: "{display(q).strip(chr(39))}" {cites.add(quote, q)};',
                n0,
            )
        )
    if not overwegende:
        overwegende.append(
            MotionClause("[overweging: de documenten bevatten geen passage over dit onderwerp];")
        )

    names = ", ".join(f"'{c.title}'" for c in considered) or "[passages]"
    source = title_of(considered[0].doc_id) if considered else "[document]"
    what = "de ingrediënten" if any(c.kind == "ingredient" for c in considered) else "de punten"
    how = (
        f"in overleg met de regiogemeenten en de provincie uit te werken hoe {what} "
        f"{names} uit «{source}» daarbij worden toegepast;"
        if request_ask
        else f"in overleg met de regiogemeenten en de provincie uit te werken hoe {what} "
        f"{names} uit «{source}» worden toegepast bij {subject};"
    )
    verzoekt = [MotionClause(f"{request_ask};")] if request_ask else []
    verzoekt += [
        MotionClause(how),
        MotionClause("de raad vóór [datum] te informeren over de uitkomsten daarvan;"),
    ]
    return Motion(
        title=f"Motie: {subject[0].upper() + subject[1:] if subject else subject}",
        gemeente=gemeente or "[gemeente]",
        vergaderdatum=vergaderdatum or "[datum]",
        preamble=(
            f"De raad van de gemeente {gemeente or '[gemeente]'}, in vergadering bijeen op "
            f"{vergaderdatum or '[datum]'},"
        ),
        constaterende=constaterende,
        overwegende=overwegende,
        verzoekt=verzoekt,
        closing="en gaat over tot de orde van de dag.",
        indieners=list(indieners) or ["[naam], [fractie]"],
        citations=cites.items,
    )


# Passages that state no consideration: letter fields, addresses, the overview lists.
_NOT_CONSIDERED = frozenset({"letter_meta", "address", "colophon", "participants", "closing"})


def _strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text)


def motion_to_markdown(m: Motion, *, markers: bool = True) -> str:
    """The motion as Markdown, with [n] markers and a source list (or without, for printing)."""
    fix = (lambda t: t) if markers else _strip_markers
    out = [f"## {m.title}", "", m.preamble, "", "**constaterende dat**"]
    out += [f"- {fix(c.text)}" for c in m.constaterende]
    out += ["", "**overwegende dat**"]
    out += [f"- {fix(c.text)}" for c in m.overwegende]
    out += ["", "**verzoekt het college**"]
    out += [f"- {c.text}" for c in m.verzoekt]
    out += ["", m.closing, "", "Ondertekening:", ""]
    out += [f"- {n}" for n in m.indieners]
    if m.citations:
        out += ["", "**Bronnen**"]
        out += [
            f'[{c.n}] {c.title} — "{display(c.quote)}" (tekens {c.start}–{c.end})'
            for c in m.citations
        ]
    return "\n".join(out)


def motion_to_docx(m: Motion, path: Path) -> Path:
    """Write the motion as a .docx (python-docx), with sources as footnote-style list."""
    from docx import Document

    doc = Document()
    doc.add_heading(m.title, level=1)
    doc.add_paragraph(m.preamble)
    for label, clauses in (
        ("constaterende dat", m.constaterende),
        ("overwegende dat", m.overwegende),
        ("verzoekt het college", m.verzoekt),
    ):
        p = doc.add_paragraph()
        p.add_run(label).bold = True
        for c in clauses:
            doc.add_paragraph(c.text, style="List Bullet")
    doc.add_paragraph(m.closing)
    doc.add_paragraph("Ondertekening:")
    for n in m.indieners:
        doc.add_paragraph(n)
    if m.citations:
        doc.add_heading("Bronnen", level=2)
        for cit in m.citations:
            doc.add_paragraph(f'[{cit.n}] {cit.title} — "{display(cit.quote)}"')
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
