"""Run every question through an ``ask`` function and keep what the metrics need.

The runner knows nothing about how answers are made: it takes any
``ask(question, history) -> Answer`` (``Assistant.ask`` in the CLI, a plain function in tests).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.cases import EvalCase
from recept.errors import ReceptError
from recept.schema import Answer, Citation, Message, Passage

AskFn = Callable[[str, Sequence[Message]], Answer]
ProgressFn = Callable[[int, int, "EvalRecord"], None]

TOP_N = 10  # retrieved passages kept per question (metrics use the top 5)


@dataclass
class EvalRecord:
    """What one question produced; one line of the answers file."""

    id: str
    type: str
    lang: str
    question: str
    answer: str
    refused: bool
    latency_ms: float
    retrieved: list[dict[str, Any]] = field(default_factory=list)  # {text, section, score, …}
    citations: list[dict[str, Any]] = field(default_factory=list)  # {n, section, quote, …}
    engine: str = ""
    search_query: str = ""
    error: str = ""  # a ReceptError message when the question could not be handled
    answerability: str = ""  # "answer" | "partial" | "decline"
    notes: list[str] = field(default_factory=list)  # how it was made (e.g. an LLM fallback)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalRecord:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def section_label(kind: str, title: str) -> str:
    """A short human label for where a passage comes from.

    >>> section_label("ingredient", "Ken jezelf")
    'ingredient: Ken jezelf'
    >>> section_label("letter", "")
    'letter'
    """
    return f"{kind}: {title}" if title else kind


def passage_dict(p: Passage) -> dict[str, Any]:
    return {
        "text": p.chunk.text,
        "section": section_label(p.chunk.kind, p.chunk.title),
        "score": p.score,
        "rank": p.rank,
        "chunk_id": p.chunk.id,
    }


def citation_dict(c: Citation, passages: Sequence[Passage]) -> dict[str, Any]:
    """A citation plus the text of the passage it was taken from (for citation metrics)."""
    containing = next((p.chunk.text for p in passages if p.chunk.id == c.chunk_id), None)
    if containing is None:
        containing = next((p.chunk.text for p in passages if c.quote in p.chunk.text), c.quote)
    return {
        "n": c.n,
        "section": section_label(c.kind, c.title),
        "quote": c.quote,
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "start": c.start,
        "end": c.end,
        "passage": containing,
    }


def record_from_answer(case: EvalCase, answer: Answer, elapsed_ms: float) -> EvalRecord:
    """Turn an Answer into a record. Latency is the assistant's own total when it reports one."""
    latency = float(answer.timings.get("total", elapsed_ms))
    return EvalRecord(
        id=case.id,
        type=case.type,
        lang=case.lang,
        question=case.question,
        answer=answer.text,
        refused=answer.refused,
        latency_ms=round(latency, 1),
        retrieved=[passage_dict(p) for p in answer.passages[:TOP_N]],
        citations=[citation_dict(c, answer.passages) for c in answer.citations],
        engine=answer.engine,
        search_query=answer.search_query,
        answerability=answer.answerability,
        notes=list(answer.notes),
    )


def run_eval(
    ask: AskFn,
    cases: Iterable[EvalCase],
    *,
    on_progress: ProgressFn | None = None,
) -> list[EvalRecord]:
    """Ask every case's question (with its history) and record the result, in order.

    Turns of one conversation (same ``conv``) are replayed live: a later turn gets the earlier
    turns' questions and the assistant's own answers to them as history, as in a real chat.
    A :class:`ReceptError` (e.g. a question that is too long) is recorded as a refusal with
    ``error`` set, so one bad case does not lose a whole run; other exceptions propagate.
    """
    todo = list(cases)
    records: list[EvalRecord] = []
    conversations: dict[str, list[Message]] = {}
    for i, case in enumerate(todo, start=1):
        earlier = conversations.setdefault(case.conv, []) if case.conv else []
        t0 = time.perf_counter()
        try:
            answer = ask(case.question, [*case.history, *earlier])
        except ReceptError as exc:
            elapsed = (time.perf_counter() - t0) * 1000
            record = EvalRecord(
                id=case.id,
                type=case.type,
                lang=case.lang,
                question=case.question,
                answer="",
                refused=True,
                latency_ms=round(elapsed, 1),
                error=exc.message,
                answerability="decline",
            )
        else:
            record = record_from_answer(case, answer, (time.perf_counter() - t0) * 1000)
        if case.conv:
            earlier.append({"role": "user", "content": case.question})
            earlier.append({"role": "assistant", "content": record.answer})
        records.append(record)
        if on_progress is not None:
            on_progress(i, len(todo), record)
    return records


def write_answers(path: str | Path, records: Iterable[EvalRecord]) -> Path:
    """Write records as JSONL (UTF-8, one object per line); creates parent folders."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    return p


def read_answers(path: str | Path) -> list[EvalRecord]:
    """Read an answers file written by :func:`write_answers`."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [EvalRecord.from_dict(json.loads(line)) for line in lines if line.strip()]
