"""Resolve what a turn refers to: the previous answer's sections, the next or previous one,
a section by position ("de tweede spreker", "het laatste ingrediënt"), the speaker of the
previous quote ("wie zei dat?", "wat is haar functie?").

The result is a :class:`Resolution`: the search query (the turn itself for a new topic; with
the inherited subject for a follow-up) and, when the reference names one section, that
section, which retrieval puts first.

>>> ch = [Chunk(f"i{n}", "d", "ingredient", t, n * 10, n * 10 + 5, t, "", "", ordinal=n)
...       for n, t in enumerate(["Lef", "Gunnen", "Doen"], start=1)]
>>> h = [{"role": "user", "content": "Wat is Gunnen?"},
...      {"role": "assistant", "content": "Het ingrediënt **Gunnen** past."}]
>>> resolve("En de volgende?", h, ch).focus.title
'Doen'
>>> r = resolve("Wat is het laatste ingrediënt?", [], ch)
>>> r.focus.title, r.turn
('Doen', 'new')
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from assistant.conversation.state import (
    Reading,
    carried_subject,
    classify_turn,
    own_words,
    previous_turn,
    read_turn,
)
from assistant.query.language import question_intent
from recept.quotes import normalise
from recept.schema import Chunk, Message

_TITLED = ("ingredient", "quote")  # sections an answer names by title or speaker
# Sections whose title says what they are about: a chapter's heading, a table's caption, a
# letter field's label (not a paragraph's position, "Brief: alinea 5").
_TOPICAL = ("section", "table", "letter_meta")


def sections_in(text: str, chunks: Sequence[Chunk]) -> list[Chunk]:
    """Ingredients and quotes an answer text names (in order of mention).

    >>> ch = [Chunk("a", "d", "ingredient", "Gunnen", 0, 1, "x", "", "", ordinal=9)]
    >>> [c.id for c in sections_in("Het ingrediënt **Gunnen** past.", ch)]
    ['a']
    """
    found: list[tuple[int, Chunk]] = []
    low = text.lower()
    for c in chunks:
        if c.kind not in _TITLED:
            continue
        names = [c.title] + ([c.speaker] if c.speaker else [])
        for name in names:
            m = re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", low)
            if m:
                found.append((m.start(), c))
                break
    return [c for _, c in sorted(found, key=lambda f: f[0])]


# A quoted passage in an answer: long enough that it can only come from one place.
_QUOTE = re.compile(r'"([^"\n]{12,})"|“([^”\n]{12,})”')


def quoted_documents(answer: str, normalised: Mapping[str, str]) -> list[str]:
    """The documents an answer's quotes come from, most quotes first.

    ``normalised`` maps document ids to their text as :func:`recept.quotes.normalise` gives
    it. Quotes are verbatim by construction, so where they stand says which document the
    previous answer was about, whatever kind of document it is.

    >>> docs = {"a": normalise("Gunnen is een werkwoord."), "b": normalise("Tabel 1. Kosten.")}
    >>> quoted_documents('Volgens *Gunnen*: "Gunnen is een werkwoord." [1]', docs)
    ['a']
    >>> quoted_documents("Dat staat er niet.", docs)
    []
    """
    counts: Counter[str] = Counter()
    for quote in answer_quotes(answer):
        for doc, text in normalised.items():
            if quote in text:
                counts[doc] += 1
    return [doc for doc, _ in counts.most_common()]


def answer_quotes(answer: str) -> Iterator[str]:
    """The normalised quotes of an answer, each long enough to come from one place only; a
    shortened quote ("begin … end") by its longest piece.

    >>> list(answer_quotes('Zo: "Gunnen is een werkwoord." [1] en "kort" [2]'))
    ['Gunnen is een werkwoord']
    """
    for m in _QUOTE.finditer(answer):
        quote = max(normalise(m.group(1) or m.group(2)).split("…"), key=len).strip(" .")
        if len(quote) >= 12:
            yield quote


def quoted_sections(
    answer: str, chunks: Sequence[Chunk], kinds: Sequence[str] | None = _TOPICAL
) -> list[Chunk]:
    """The sections an answer quotes from, in order of first quote: what it was about when it
    names no section by title (a chapter of a letter, a letter field); ``kinds=None``: any.

    >>> ch = [Chunk("a", "d", "section", "1. Aanleiding", 0, 1, "De regeling is geëvalueerd.",
    ...             "", ""), Chunk("b", "d", "letter_meta", "Brief: kenmerk", 0, 1, "Z-1", "", "")]
    >>> answer = 'Volgens *1. Aanleiding*: "De regeling is geëvalueerd." [1]'
    >>> [c.id for c in quoted_sections(answer, ch)]
    ['a']
    """
    out: list[Chunk] = []
    for quote in answer_quotes(answer):
        for c in chunks:
            if (kinds is None or c.kind in kinds) and c not in out and quote in _normalised(c.text):
                out.append(c)
                break
    return out


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    return normalise(text)


_RELATED = re.compile(r"^(?:Verwante ingrediënten|Related ingredients):.*$", re.M)


def answer_body(text: str) -> str:
    """An answer without its "related ingredients" line: the topic is what it was about.

    >>> answer_body("Het ingrediënt **Gunnen** past.\\n\\nVerwante ingrediënten: **Doen**.")
    'Het ingrediënt **Gunnen** past.'
    """
    return _RELATED.sub("", text).strip()


def _of_kind(chunks: Sequence[Chunk], kind: str, doc_id: str) -> list[Chunk]:
    return sorted(
        (c for c in chunks if c.kind == kind and c.doc_id == doc_id),
        key=lambda c: (c.ordinal, c.start),
    )


def section_at(chunks: Sequence[Chunk], kind: str, position: int, doc_id: str = "") -> Chunk | None:
    """The section of ``kind`` at ``position`` (1-based; -1 the last; 0 the middle one), in
    ``doc_id`` or else in the document with most sections of that kind.

    >>> ch = [Chunk(f"q{n}", "d", "quote", "C", n, n, "", "", "", ordinal=n) for n in (1, 2, 3)]
    >>> [section_at(ch, "quote", p).id for p in (2, -1, 0)]
    ['q2', 'q3', 'q2']
    """
    if not doc_id:
        counts = Counter(c.doc_id for c in chunks if c.kind == kind)
        if not counts:
            return None
        doc_id = counts.most_common(1)[0][0]
    of_kind = _of_kind(chunks, kind, doc_id)
    if not of_kind:
        return None
    index = (len(of_kind) + 1) // 2 - 1 if position == 0 else position - (position > 0)
    return of_kind[index] if -len(of_kind) <= index < len(of_kind) else None


def neighbour(chunks: Sequence[Chunk], section: Chunk, step: int, kind: str = "") -> Chunk | None:
    """The section ``step`` places after ``section`` among the sections of ``kind`` (its own
    kind by default); from a section of another kind, the nearest one in document order.

    >>> ch = [Chunk("i1", "d", "ingredient", "A", 0, 5, "", "", "", ordinal=1),
    ...       Chunk("q1", "d", "quote", "Q", 6, 9, "", "", "", ordinal=1),
    ...       Chunk("i2", "d", "ingredient", "B", 10, 15, "", "", "", ordinal=2)]
    >>> neighbour(ch, ch[0], 1).id, neighbour(ch, ch[1], 1, "ingredient").id
    ('i2', 'i2')
    >>> neighbour(ch, ch[2], 1) is None
    True
    """
    kind = kind or section.kind
    of_kind = _of_kind(chunks, kind, section.doc_id)
    if section.kind == kind and section in of_kind:
        i = of_kind.index(section) + step
        return of_kind[i] if 0 <= i < len(of_kind) else None
    if step > 0:
        return next(
            (c for c in sorted(of_kind, key=lambda c: c.start) if c.start > section.start), None
        )
    before = [c for c in sorted(of_kind, key=lambda c: c.start) if c.start < section.start]
    return before[-1] if before else None


def _label(chunk: Chunk) -> str:
    return " ".join(p for p in (chunk.title, chunk.speaker) if p)


@dataclass(frozen=True)
class Resolution:
    query: str  # what to search for
    focus: Chunk | None  # the one section the turn points at, put first
    turn: str  # "new" or "followup"
    reading: Reading
    by_position: bool = False  # the focus is named by position ("de volgende", "de tweede")


def resolve(question: str, history: Sequence[Message], chunks: Sequence[Chunk]) -> Resolution:
    """The search query and the section a turn points at, given its conversation."""
    reading = read_turn(question)
    prev_q, prev_a, _ = previous_turn(history)
    # The sections the previous answer named (an ingredient, a speaker), else the ones it
    # quoted from (any document's chapters and letter fields carry no such names).
    mentioned = (
        (
            sections_in(answer_body(prev_a), chunks)
            or sections_in(prev_q, chunks)
            or quoted_sections(answer_body(prev_a), chunks)
        )
        if (history)
        else []
    )
    if reading.ordinal is not None and reading.kind:
        doc = mentioned[0].doc_id if mentioned else ""
        target = section_at(chunks, reading.kind, reading.ordinal, doc)
        if target is not None:
            turn = "followup" if history and reading.leans_back else "new"
            return Resolution(f"{question} {_label(target)}", target, turn, reading, True)
    if not history or reading.self_contained:
        return Resolution(question, None, "new", reading)
    if reading.step and mentioned:
        target = neighbour(chunks, mentioned[0], reading.step, reading.kind)
        if target is not None:
            return Resolution(f"{question} {_label(target)}", target, "followup", reading, True)
    focus = None
    quote = next((c for c in mentioned if c.kind == "quote"), None)
    if quote is not None and (reading.person or question_intent(question) == "quote"):
        focus = quote  # "wat is zijn functie?", "wie zei dat?": the previous answer's speaker
    elif _WHO_SAID.search(question) and (
        said := quoted_sections(answer_body(prev_a), chunks, kinds=None)
    ):
        # "Wie zei dat?" of a passage that is no quote: the document's own author says it.
        author = author_of(chunks, said[0].doc_id)
        if author is not None:
            return Resolution(f"{question} {_label(author)}", author, "followup", reading, True)
    topic = " ".join(_label(c) for c in mentioned[:2])
    query = " ".join(p for p in (question, carried_subject(history), topic) if p)
    return Resolution(query, focus, "followup", reading)


# "Who said / wrote that?": asks for the author of what was quoted.
_WHO_SAID = re.compile(
    r"\b(?:wie|who)\b[^?.!]*\b(?:zei|zegt|zeggen|zeiden|schreef|schrijft|schreven|said|says|"
    r"wrote|writes)\b",
    re.I,
)


def author_of(chunks: Sequence[Chunk], doc_id: str) -> Chunk | None:
    """The section that says who wrote a document: its sender's field, else its signature.

    >>> ch = [Chunk("a", "d", "letter_meta", "Brief: afzender", 0, 1, "GS", "", "",
    ...             group="afzender"), Chunk("b", "e", "section", "Inleiding", 0, 1, "x", "", "")]
    >>> author_of(ch, "d").id, author_of(ch, "e")
    ('a', None)
    """
    mine = [c for c in chunks if c.doc_id == doc_id]
    sender = next((c for c in mine if c.kind == "letter_meta" and c.group == "afzender"), None)
    return sender or next((c for c in mine if c.group == "ondertekening"), None)


def previous_subject(history: Sequence[Message], chunks: Sequence[Chunk]) -> str:
    """What the conversation was last about: the section the last real question pointed at
    ("de volgende", "wie zei dat?"), else the subject words it carried. Requests about an
    answer ("korter", "in het Engels") are looked through.

    >>> ch = [Chunk(f"i{n}", "d", "ingredient", t, n, n, t, "", "", ordinal=n)
    ...       for n, t in enumerate(["Lef", "Gunnen"], start=1)]
    >>> previous_subject([{"role": "user", "content": "Wat zegt Lef over een crisis?"},
    ...                   {"role": "assistant", "content": "Het ingrediënt **Lef** …"},
    ...                   {"role": "user", "content": "En de volgende?"},
    ...                   {"role": "assistant", "content": "…"},
    ...                   {"role": "user", "content": "korter"}], ch)
    'Gunnen'
    """
    msgs = list(history)
    for i in range(len(msgs) - 1, -1, -1):
        if msgs[i].get("role") != "user":
            continue
        text = str(msgs[i].get("content") or "")
        if classify_turn(text, msgs[:i]).kind == "transform":
            continue
        found = resolve(own_words(text), msgs[:i], chunks)
        if found.focus is not None:
            return _label(found.focus) if found.focus.kind != "quote" else found.focus.title
        return carried_subject(msgs[: i + 1])
    return ""
