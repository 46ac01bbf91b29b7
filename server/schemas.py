"""The JSON API's request and response bodies (they make the OpenAPI schema at /api/openapi.json).

Requests are strict: a number where text belongs, an unknown field or an empty question is a
422 with a Dutch message, never a 500.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from recept.schema import Answer, Citation, Motion, MotionClause, Passage

MAX_HISTORY = 100  # messages; a longer conversation is cut by the client, not silently here
MAX_MESSAGE_CHARS = 20_000
MAX_DOCUMENTS = 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Turn(Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_MESSAGE_CHARS)


class AskRequest(Strict):
    question: str = Field(description="De vraag (Nederlands of Engels).")
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="Eerdere beurten van het gesprek, oudste eerst.",
    )
    documents: list[str] | None = Field(
        default=None,
        max_length=MAX_DOCUMENTS,
        description="Alleen in deze documenten zoeken (document-ids); leeg = alle.",
    )


class CitationOut(BaseModel):
    n: int = Field(description="Het nummer van de markering [n] in het antwoord.")
    document: str
    section: str
    quote: str = Field(description="Letterlijk: de tekst van het document van start tot end.")
    start: int
    end: int
    speaker: str = ""
    role: str = ""

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(
            n=c.n, document=c.doc_id, section=c.title, quote=c.quote, start=c.start,
            end=c.end, speaker=c.speaker, role=c.role,
        )  # fmt: skip


class PassageOut(BaseModel):
    rank: int
    document: str
    section: str
    kind: str
    start: int
    end: int
    score: float
    text: str

    @classmethod
    def of(cls, p: Passage) -> PassageOut:
        c = p.chunk
        return cls(
            rank=p.rank, document=c.doc_id, section=c.title, kind=c.kind, start=c.start,
            end=c.end, score=round(float(p.score), 6), text=c.text,
        )  # fmt: skip


class AskResponse(BaseModel):
    answer: str = Field(description="Markdown met markeringen [n] die naar citations wijzen.")
    citations: list[CitationOut]
    passages: list[PassageOut]
    refused: bool = Field(description="True als de documenten de vraag niet beantwoorden.")
    language: str
    suggestions: list[str] = []
    engine: str = ""

    @classmethod
    def of(cls, a: Answer) -> AskResponse:
        return cls(
            answer=a.text,
            citations=[CitationOut.of(c) for c in a.citations],
            passages=[PassageOut.of(p) for p in a.passages],
            refused=a.refused,
            language=a.language,
            suggestions=list(a.suggestions),
            engine=a.engine,
        )


class MotionRequest(Strict):
    request: str = Field(description="Waarover de motie gaat.")
    gemeente: str | None = Field(default=None, max_length=200)
    vergaderdatum: str | None = Field(default=None, max_length=200)
    indieners: list[str] = Field(default_factory=list, max_length=50)
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY)


class ClauseOut(BaseModel):
    text: str
    citations: list[int] = Field(description="Nummers van de citations die de clausule dragen.")

    @classmethod
    def of(cls, c: MotionClause) -> ClauseOut:
        return cls(text=c.text, citations=[x.n for x in c.citations])


class MotionResponse(BaseModel):
    title: str
    gemeente: str
    vergaderdatum: str
    preamble: str
    constaterende: list[ClauseOut]
    overwegende: list[ClauseOut]
    verzoekt: list[ClauseOut]
    closing: str
    indieners: list[str]
    citations: list[CitationOut]
    markdown: str
    engine: str = Field(
        default="extractive", description="'extractive' of het LLM dat de clausules schreef."
    )
    notes: list[str] = Field(
        default_factory=list, description="Hoe de motie tot stand kwam (bv. een LLM-terugval)."
    )

    @classmethod
    def of(cls, m: Motion, markdown: str) -> MotionResponse:
        return cls(
            title=m.title,
            gemeente=m.gemeente,
            vergaderdatum=m.vergaderdatum,
            preamble=m.preamble,
            constaterende=[ClauseOut.of(c) for c in m.constaterende],
            overwegende=[ClauseOut.of(c) for c in m.overwegende],
            verzoekt=[ClauseOut.of(c) for c in m.verzoekt],
            closing=m.closing,
            indieners=list(m.indieners),
            citations=[CitationOut.of(c) for c in m.citations],
            markdown=markdown,
            engine=m.engine,
            notes=list(m.notes),
        )


class Health(BaseModel):
    status: Literal["ok", "starting"]
    index_loaded: bool
    model_loaded: bool
    documents: int
    chunks: int
    model: str
    engine: str
    workers: int
    workers_ready: int
    in_flight: int
    queue_size: int


class ErrorOut(BaseModel):
    detail: str
    errors: list[dict[str, Any]] = []
