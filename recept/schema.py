"""Shared types for every pipeline stage: corpus → ingest → assistant → ui/cli/evals.

Plain frozen dataclasses, so they are cheap, hashable and easy to serialise with
``dataclasses.asdict``. Offsets are always character offsets into the *source text*
of the document (the file decoded as UTF-8), so ``source[start:end]`` is the verbatim text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# Section kinds. The recipe parser uses most of them; generic documents use "section", "table",
# "quote" and the letter fields ("letter_meta").
SectionKind = Literal[
    "letter_meta",  # sender, addressees, date, kenmerk, subject, …
    "letter",  # a body paragraph of the letter
    "intro",  # the recipe's introduction
    "participants",  # "De samenstellers van dit recept"
    "question",  # the working question of the day
    "ingredient",  # one of the 14 ingredients
    "quote",  # one of the three quotes, with speaker and role
    "outlook",  # "EN NU?"
    "closing",  # "44 sterke gemeenten, 9 sterke regio's…"
    "colophon",
    "address",  # postal blocks, address lines
    "section",  # generic: a heading-delimited part of another document
    "table",  # generic: one row of a table (or its caption and header row)
]

KIND_LABELS_NL: dict[str, str] = {
    "letter_meta": "brief (gegevens)",
    "letter": "brief",
    "intro": "inleiding",
    "participants": "samenstellers",
    "question": "werkvraag",
    "ingredient": "ingrediënt",
    "quote": "citaat",
    "outlook": "en nu?",
    "closing": "slotregel",
    "colophon": "colofon",
    "address": "adres",
    "section": "sectie",
    "table": "tabel",
}


@dataclass(frozen=True)
class Section:
    """A typed, structural part of a document with exact offsets into its source."""

    doc_id: str
    kind: str
    title: str
    start: int
    end: int
    text: str  # == source[start:end]
    group: str = ""  # ingredient group (e.g. "kern", "met een beetje lef") or letter field name
    speaker: str = ""  # quotes: the person quoted
    role: str = ""  # quotes: the speaker's role
    ordinal: int = 0  # position among sections of the same kind (1-based; 0 = n/a)
    # What a reader needs around the text to understand it, for the embedded text only: the
    # heading path of a generic section, a table row as "column: cell" pairs under its caption.
    context: str = ""


@dataclass(frozen=True)
class Chunk:
    """What is stored in the index: a verbatim passage plus the text that is embedded."""

    id: str  # stable: derived from doc id, kind, ordinal and offsets
    doc_id: str
    kind: str
    title: str
    start: int
    end: int
    text: str  # verbatim == source[start:end]
    embed_text: str  # text sent to the embedder (may prepend the title for context)
    content_hash: str
    group: str = ""
    speaker: str = ""
    role: str = ""
    ordinal: int = 0

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (Chroma accepts str/int/float/bool only)."""
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "content_hash": self.content_hash,
            "group": self.group,
            "speaker": self.speaker,
            "role": self.role,
            "ordinal": self.ordinal,
        }


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores, as produced by retrieval (best first)."""

    chunk: Chunk
    score: float  # fused score used for ranking
    dense: float | None = None  # cosine similarity, when the dense retriever saw it
    lexical: float | None = None  # BM25 score, when the lexical retriever saw it
    rank: int = 0  # 1-based rank in the final list


@dataclass(frozen=True)
class Citation:
    """A verbatim quote shown to the user, pointing into a retrieved passage."""

    n: int  # the marker number [n] in the answer text
    chunk_id: str
    doc_id: str
    kind: str
    title: str
    quote: str  # verbatim: == document source[start:end]
    start: int
    end: int
    speaker: str = ""
    role: str = ""


@dataclass
class Answer:
    """The result of ``Assistant.ask``."""

    question: str
    text: str  # with inline markers [1], [2], …
    citations: list[Citation]
    passages: list[Passage]  # the ranked list retrieval produced, before any cut
    refused: bool
    language: str  # "nl" or "en"
    engine: str  # "extractive" or "llm:<name>"
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    suggestions: list[str] = field(default_factory=list)  # titles to ask about instead
    notes: list[str] = field(default_factory=list)  # e.g. "LLM fallback: timeout"
    search_query: str = ""  # the query actually used for retrieval (after follow-up handling)
    # "answer"; "partial" (what is asked is partly not in the documents: says so, then what
    # they do say); "decline". ``refused`` is true for both partial and decline.
    answerability: str = ""

    def __post_init__(self) -> None:
        # Callers that only say ``refused`` get the matching outcome; "partial" is always
        # set explicitly, and is a refusal of the part that was asked.
        if not self.answerability:
            self.answerability = "decline" if self.refused else "answer"
        elif self.answerability != "answer":
            self.refused = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MotionClause:
    """One 'constaterende dat' / 'overwegende dat' / 'verzoekt' clause."""

    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Motion:
    """A draft motion (motie) in the standard Dutch structure."""

    title: str
    gemeente: str
    vergaderdatum: str
    preamble: str
    constaterende: list[MotionClause]
    overwegende: list[MotionClause]
    verzoekt: list[MotionClause]
    closing: str
    indieners: list[str]
    citations: list[Citation]
    engine: str = "extractive"  # or the LLM engine's label when the model wrote the clauses
    notes: list[str] = field(default_factory=list)  # how it was made (e.g. an LLM fallback)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Message = dict[str, str]  # {"role": "user"|"assistant", "content": "..."}
