"""Turning a quote into a Citation — only ever against a passage that retrieval returned."""

from __future__ import annotations

from recept.quotes import find_verbatim
from recept.schema import Chunk, Citation


def cite(n: int, chunk: Chunk, quote: str) -> Citation | None:
    """A Citation for ``quote`` inside ``chunk``, or None if it is not verbatim there.

    The citation's quote is re-read from the chunk text, so it is the source's own
    characters even when the caller's quote differed in whitespace or quote marks.

    >>> ch = Chunk("c1", "d", "ingredient", "Doen", 100, 120, "Blijf niet hangen.", "", "h")
    >>> c = cite(1, ch, "niet  hangen")
    >>> (c.quote, c.start, c.end)
    ('niet hangen', 106, 117)
    >>> cite(2, ch, "wel hangen") is None
    True
    """
    span = find_verbatim(quote, chunk.text)
    if span is None:
        return None
    s, e = span
    return Citation(
        n=n,
        chunk_id=chunk.id,
        doc_id=chunk.doc_id,
        kind=chunk.kind,
        title=chunk.title,
        quote=chunk.text[s:e],
        start=chunk.start + s,
        end=chunk.start + e,
        speaker=chunk.speaker,
        role=chunk.role,
    )
