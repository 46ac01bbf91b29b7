"""Example questions for a document, made from its own structure.

The chat shows a few questions a new user can click. Written for one document they mislead on
another ("Geef alle ingrediënten" for a council letter), so a profile may bring its own, and any
other document gets questions built from what it holds: a chapter heading, a letter field, a
quoted speaker, and a motion about a chapter. Each is a question the document can answer.

>>> from recept.schema import Chunk
>>> chunks = [
...     Chunk("b:m:1", "b", "letter_meta", "Brief: kenmerk", 0, 9, "Kenmerk 1", "", "",
...           group="kenmerk"),
...     Chunk("b:s:2", "b", "section", "Raadsinformatiebrief", 10, 90, "x " * 20, "", ""),
...     Chunk("b:s:3", "b", "section", "2.1 Taken en deelnemers", 10, 90, "x " * 20, "", ""),
...     Chunk("b:q:3", "b", "quote", "Citaat van Anna Bos", 90, 99, "y", "", "",
...           speaker="Anna Bos"),
... ]
>>> for q in examples_from_structure(chunks, "Raadsinformatiebrief"): print(q)
Wat zegt de brief over 'Taken en deelnemers'?
Wat is het kenmerk van de brief?
Wat zei Anna Bos?
Stel een motie op over taken en deelnemers
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from recept.schema import Chunk

# Letter fields a user asks for by name, with the question that asks for them.
FIELD_QUESTIONS = (
    ("kenmerk", "Wat is het kenmerk van {name}?"),
    ("onderwerp", "Wat is het onderwerp van {name}?"),
    ("datum", "Van welke datum is {name}?"),
)
MIN_SECTION_WORDS = 15  # a heading with little under it makes a poor example


def topic(title: str) -> str:
    """A heading as a topic in running text: without its number, in lower case unless it
    starts with a name or an abbreviation.

    >>> topic("2.1 Taken en deelnemers"), topic("6. Open vragen en risico's")
    ('taken en deelnemers', "open vragen en risico's")
    >>> topic("GR Jeugdregio Duinkust")
    'GR Jeugdregio Duinkust'
    """
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", title).strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


# Header fields only a letter has: with one of them the document is "de brief", without them
# (an agreement, a report, a regulation) "het document".
LETTER_FIELDS = frozenset({"afzender", "aan", "geadresseerde", "datum", "verzenddatum"})


def document_name(title: str, several: bool, letter: bool = True) -> str:
    """How an example question names its document: "de brief" (a letter) or "het document"
    when it is the only one, else by its title, so the question is about that document.

    >>> document_name("Raadsinformatiebrief", True), document_name("Raadsinformatiebrief", False)
    ('de raadsinformatiebrief', 'de brief')
    >>> document_name("Regionaal akkoord 2025", True), document_name("Akkoord", False, False)
    ('«Regionaal akkoord 2025»', 'het document')
    """
    if not several or not title.strip():
        return "de brief" if letter else "het document"
    return f"de {title.strip().lower()}" if " " not in title.strip() else f"«{title.strip()}»"


def is_letter(chunks: Sequence[Chunk]) -> bool:
    """Whether the document has a letter's own header fields (sender, addressee, date)."""
    return any(c.kind == "letter_meta" and c.group in LETTER_FIELDS for c in chunks)


# A numbered chapter, or an article or chapter by its word ("Artikel 6 Stuurgroep").
_NUMBERED = re.compile(r"\s*(?:\d|(?:artikel|article|hoofdstuk|chapter|paragraaf|§)\s*\d)", re.I)


def examples_from_structure(
    chunks: Sequence[Chunk], doc_title: str = "", name: str = "de brief"
) -> list[str]:
    """Up to four questions about one document, from its sections, letter fields and quotes.
    Numbered chapters (or articles) come first; a heading that is the document's own title is no
    topic.
    ``name`` is how the questions name the document (see ``document_name``)."""
    sections = sorted(
        (
            c
            for c in chunks
            if c.kind == "section"
            and topic(c.title)
            and topic(c.title).casefold() != doc_title.strip().casefold()
            and len(c.text.split()) >= MIN_SECTION_WORDS
        ),
        key=lambda c: not _NUMBERED.match(c.title),
    )
    fields = {c.group for c in chunks if c.kind == "letter_meta"}
    speakers = [c.speaker for c in chunks if c.kind == "quote" and c.speaker]
    out: list[str] = []
    if sections:
        heading = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", sections[0].title).strip()
        out.append(f"Wat zegt {name} over '{heading}'?")
    out += [q.format(name=name) for key, q in FIELD_QUESTIONS if key in fields][:1]
    if speakers:
        out.append(f"Wat zei {speakers[0]}?")
    numbered = [c for c in sections if _NUMBERED.match(c.title)]
    if sections:
        out.append(f"Stel een motie op over {topic((numbered or sections)[-1].title)}")
    return out


def interleave(lists: Iterable[Sequence[str]], k: int) -> list[str]:
    """The first ``k`` questions, taking from each document in turn.

    >>> interleave([["a1", "a2", "a3"], ["b1"]], 3)
    ['a1', 'b1', 'a2']
    """
    queues = [list(q) for q in lists]
    out: list[str] = []
    while len(out) < k and any(queues):
        for q in queues:
            if q and len(out) < k:
                out.append(q.pop(0))
    return out
