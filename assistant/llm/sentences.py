"""Sentence ids for quoting by reference: the model names ``S12``, code inserts the sentence.

Every sentence of the chunks the model is shown gets a short id. Numbering runs over the
chunks in a fixed order (the whole corpus by document and offset when the engine knows it),
so an id means the same sentence on every request and the prompt prefix stays identical.
A cited id becomes a ``Citation`` whose quote is ``chunk.text[start:end]``: verbatim by
construction, never copied by the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recept.quotes import display, normalise, split_sentences
from recept.schema import KIND_LABELS_NL, Chunk, Citation

_WORDY = re.compile(r"[^\W\d_]")
_ID = re.compile(r"^S(\d{1,4})$")


@dataclass(frozen=True)
class Sentence:
    """One citable sentence: ``chunk.text[start:end]`` under the id ``sid``."""

    sid: str
    chunk: Chunk
    start: int  # offset in chunk.text
    end: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    def citation(self, n: int) -> Citation:
        """The sentence as citation ``[n]``, with offsets into the document source."""
        c = self.chunk
        return Citation(
            n=n, chunk_id=c.id, doc_id=c.doc_id, kind=c.kind, title=c.title, quote=self.text,
            start=c.start + self.start, end=c.start + self.end, speaker=c.speaker, role=c.role,
        )  # fmt: skip


def chunk_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a chunk: per line, then per sentence; lines without letters skipped.

    >>> t = "# Doen\\n\\nBlijf niet hangen. Investeer in capaciteit.\\n- 44 gemeenten"
    >>> [t[s:e] for s, e in chunk_sentences(t)]
    ['# Doen', 'Blijf niet hangen.', 'Investeer in capaciteit.', '- 44 gemeenten']
    >>> chunk_sentences("---\\n\\n12")
    []
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        for s, e in split_sentences(line, offset):
            if _WORDY.search(text[s:e]):
                spans.append((s, e))
        offset += len(line) + 1
    return spans


def corpus_order(chunks: Iterable[Chunk]) -> list[Chunk]:
    """Chunks in document order, duplicates (same document span) once.

    >>> a = Chunk("a", "d", "letter", "A", 50, 60, "x", "", "")
    >>> b = Chunk("b", "d", "letter", "B", 0, 10, "y", "", "")
    >>> [c.id for c in corpus_order([a, b, a])]
    ['b', 'a']
    """
    seen: set[tuple[str, int, int]] = set()
    out: list[Chunk] = []
    for c in sorted(chunks, key=lambda c: (c.doc_id, c.start, c.end, c.id)):
        key = (c.doc_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def number_sentences(chunks: Sequence[Chunk]) -> list[Sentence]:
    """Every sentence of ``chunks`` in the given order, numbered S1, S2, …

    A document span that two chunks share (nested or overlapping chunks) is numbered once.

    >>> a = Chunk("a", "d", "ingredient", "Doen", 0, 37, "Blijf niet hangen. Investeer nu.", "", "")
    >>> [(s.sid, s.text) for s in number_sentences([a])]
    [('S1', 'Blijf niet hangen.'), ('S2', 'Investeer nu.')]
    """
    out: list[Sentence] = []
    seen: set[tuple[str, int, int]] = set()
    for chunk in chunks:
        for s, e in chunk_sentences(chunk.text):
            key = (chunk.doc_id, chunk.start + s, chunk.start + e)
            if key in seen:
                continue
            seen.add(key)
            out.append(Sentence(f"S{len(out) + 1}", chunk, s, e))
    return out


def sentences_of(chunks: Sequence[Chunk], table: Sequence[Sentence]) -> list[Sentence]:
    """The sentences of ``table`` that lie inside ``chunks`` (their ids kept), in chunk order.

    A chunk the table does not know (e.g. indexed after the table was built) is numbered on
    after the table's last id, so every shown sentence has an id.

    >>> a = Chunk("a", "d", "letter", "A", 0, 9, "Een. Twee.", "", "")
    >>> b = Chunk("b", "d", "letter", "B", 20, 25, "Drie.", "", "")
    >>> t = number_sentences([a, b])
    >>> [(s.sid, s.text) for s in sentences_of([b], t)]
    [('S3', 'Drie.')]
    >>> c = Chunk("c", "e", "letter", "C", 0, 5, "Vier.", "", "")
    >>> [(s.sid, s.text) for s in sentences_of([c, b], t)]
    [('S4', 'Vier.'), ('S3', 'Drie.')]
    """
    by_span = {(s.chunk.doc_id, s.chunk.start + s.start, s.chunk.start + s.end): s for s in table}
    used: set[str] = set()
    out: list[Sentence] = []
    extra = len(table)
    for chunk in chunks:
        for s, e in chunk_sentences(chunk.text):
            found = by_span.get((chunk.doc_id, chunk.start + s, chunk.start + e))
            if found is None:
                extra += 1
                found = Sentence(f"S{extra}", chunk, s, e)
            if found.sid not in used:
                used.add(found.sid)
                out.append(found)
    return out


def render_sentences(sentences: Sequence[Sentence]) -> str:
    """The sentences as the model sees them: a heading per chunk, one ``S<n>`` line each.

    >>> a = Chunk("a", "d", "ingredient", "Doen", 0, 37, "Blijf *niet* hangen. Investeer nu.",
    ...           "", "")
    >>> print(render_sentences(number_sentences([a])))
    ## ingrediënt: Doen
    S1 Blijf niet hangen.
    S2 Investeer nu.
    """
    lines: list[str] = []
    current = None
    for s in sentences:
        if s.chunk.id != current:
            current = s.chunk.id
            if lines:
                lines.append("")
            kind = KIND_LABELS_NL.get(s.chunk.kind, s.chunk.kind)
            lines.append(f"## {kind}: {s.chunk.title}")
        lines.append(f"{s.sid} {display(s.text)}")
    return "\n".join(lines)


def id_ranges(ids: Sequence[str]) -> str:
    """Sentence ids as short ranges for a prompt.

    >>> id_ranges(["S3", "S4", "S5", "S9", "S11", "S12"])
    'S3-S5, S9, S11-S12'
    """
    nums = sorted({int(i[1:]) for i in ids if _ID.match(i)})
    runs: list[list[int]] = []
    for n in nums:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"S{r[0]}" if len(r) == 1 else f"S{r[0]}-S{r[-1]}" for r in runs)


def normalise_id(raw: str) -> str | None:
    """An id as the model may write it (``S12``, ``s12``, ``[S12]``, ``12``) in canonical form.

    >>> [normalise_id(x) for x in ["S12", " [s7] ", "12", "S", "X3"]]
    ['S12', 'S7', 'S12', None, None]
    """
    t = raw.strip().strip("[]()").strip().upper()
    if t.isdigit():
        t = "S" + t
    m = _ID.match(t)
    return f"S{int(m.group(1))}" if m else None


_QUOTED = re.compile(r"[\u201c\"]([^\u201c\u201d\"\n]{3,})[\u201d\"](?:\s*\[\d{1,3}\])*")


def quotes_to_ids(text: str, table: Sequence[Sentence]) -> tuple[str, list[Sentence]]:
    """An earlier answer with each quoted sentence replaced by its id, and those sentences.

    A quote that lies inside one sentence of the table becomes ``[S<n>]``; others stay.

    >>> a = Chunk("a", "d", "ingredient", "Doen", 0, 34, "Blijf niet hangen. Investeer nu.", "", "")
    >>> t = number_sentences([a])
    >>> text, found = quotes_to_ids('Het recept: \u201cInvesteer nu.\u201d [1] En "iets" [2].', t)
    >>> text, [s.sid for s in found]
    ('Het recept: [S2] En "iets" [2].', ['S2'])
    """
    found: list[Sentence] = []

    def swap(m: re.Match[str]) -> str:
        quote = normalise(m.group(1))
        for s in table:
            if quote and quote in normalise(display(s.text)):
                if s not in found:
                    found.append(s)
                return f"[{s.sid}]"
        return m.group(0)

    return _QUOTED.sub(swap, text), found
