"""Follow-up questions without an LLM: carry the previous turn's topic and sections.

"Hoe pas ik dat toe in mijn gemeente?" after a question about a crisis searches with the
previous question's words too; "En het ingrediënt dat daarna komt?" moves to the next
ingredient after the one the previous answer was about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.query.language import is_followup, navigation
from recept.schema import Chunk, Message


def _last(history: Sequence[Message], role: str) -> str:
    for m in reversed(history):
        if m.get("role") == role and isinstance(m.get("content"), str):
            return m["content"]
    return ""


def sections_in(text: str, chunks: Sequence[Chunk]) -> list[Chunk]:
    """Ingredients and quotes an answer text names (bold titles first, in order of mention).

    >>> ch = [Chunk("a", "d", "ingredient", "Gunnen", 0, 1, "x", "", "", ordinal=9)]
    >>> [c.id for c in sections_in("Het ingrediënt **Gunnen** past.", ch)]
    ['a']
    """
    found: list[tuple[int, Chunk]] = []
    low = text.lower()
    for c in chunks:
        if c.kind not in ("ingredient", "quote"):
            continue
        names = [c.title] + ([c.speaker] if c.speaker else [])
        for name in names:
            m = re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", low)
            if m:
                found.append((m.start(), c))
                break
    return [c for _, c in sorted(found, key=lambda f: f[0])]


_RELATED = re.compile(r"^(?:Verwante ingrediënten|Related ingredients):.*$", re.M)


def answer_body(text: str) -> str:
    """An answer without its "related ingredients" line: the topic is what it was about.

    >>> answer_body("Het ingrediënt **Gunnen** past.\\n\\nVerwante ingrediënten: **Doen**.")
    'Het ingrediënt **Gunnen** past.'
    """
    return _RELATED.sub("", text).strip()


def resolve_followup(
    question: str, history: Sequence[Message], chunks: Sequence[Chunk]
) -> tuple[str, Chunk | None]:
    """(search query, a chunk to put first or None) for ``question`` in its conversation."""
    if not history or not is_followup(question):
        return question, None
    prev_q = _last(history, "user")
    prev_a = _last(history, "assistant")
    mentioned = sections_in(answer_body(prev_a), chunks) or sections_in(prev_q, chunks)
    step = navigation(question)
    if step and mentioned and mentioned[0].kind == "ingredient":
        ordinals = {
            c.ordinal: c
            for c in chunks
            if c.kind == "ingredient" and c.doc_id == mentioned[0].doc_id
        }
        target = ordinals.get(mentioned[0].ordinal + step)
        if target is not None:
            return f"{question} {target.title}", target
    topic = " ".join(c.title for c in mentioned[:2])
    return " ".join(p for p in (question, prev_q, topic) if p), None
